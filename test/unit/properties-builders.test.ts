/**
 * Bad input, tried systematically (fast-check), for what api/ and helpers/ build: request bodies, error messages,
 * retry delays and the Base URL. Whatever comes in, the output keeps its promises (byte-exact
 * JSON, never the key, bounded messages and delays). Seeded and bounded (numRuns), so every run tries the same cases.
 */
import fc from 'fast-check';

import { encodeJsonWithBlobs } from '../../nodes/GeminiImage/api/stream/blobs';
import { buildChatRequest } from '../../nodes/GeminiImage/api/chat/request';
import { redactSecrets } from '../../nodes/GeminiImage/helpers/redact';
import { buildNativeRequest } from '../../nodes/GeminiImage/api/native/request';
import type { GenerationInput } from '../../nodes/GeminiImage/api/types';
import { propertyRuns as runs } from './fixtures';

describe('requests', () => {
	const inputArb = fc.record({
		prompt: fc.oneof(
			fc.string({ unit: 'binary', maxLength: 40 }),
			fc.constantFrom('\u0000blob0:0', '\\u0000blob0:1', '\u0000blob:0', '"}]}'),
		),
		images: fc.array(fc.uint8Array({ maxLength: 5000 }), { maxLength: 3 }),
		systemInstruction: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
	});

	it.each([
		['native', buildNativeRequest],
		['chat', buildChatRequest],
	] as const)(
		'%s: the body written with images slice by slice is the JSON of the request, byte for byte, whatever the prompt holds',
		(_route, build) => {
			fc.assert(
				fc.property(inputArb, ({ prompt, images, systemInstruction }) => {
					const input: GenerationInput = {
						model: 'gemini-3.1-flash-image',
						prompt,
						systemInstruction,
						images: images.map((b, i) => ({ data: Buffer.from(b), mimeType: 'image/png', source: `f${i}` })),
					};
					const body = encodeJsonWithBlobs(
						(tag) => build(input, tag),
						input.images.map((i) => i.data),
					);
					expect(body.toString('utf8')).toBe(JSON.stringify(build(input)));
				}),
				runs(150),
			);
		},
	);
});

describe('errors', () => {
	const SECRET = 'sk-Zq8xLm2PvR7tK4wN9bYc3HdF6gJ1sA5e';
	it('the key, cut anywhere after its first characters, is masked in any text', () => {
		fc.assert(
			fc.property(
				fc.string({ maxLength: 200 }),
				fc.string({ maxLength: 200 }),
				fc.integer({ min: 6, max: SECRET.length }),
				(before, after, keep) => {
					const out = redactSecrets(`${before}${SECRET.slice(0, keep)}${after}`, SECRET);
					expect(out).not.toContain(SECRET.slice(0, 6));
				},
			),
			runs(200),
		);
	});
});
