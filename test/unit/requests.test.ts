/** helpers/requests.ts: the request bodies of both routes, their paths, and bodies written with images slice by slice. */
import fc from 'fast-check';

import { buildChatRequest, buildNativeRequest, encodeJsonWithBlobs, nativePath } from '../../nodes/GeminiImage/helpers/requests';
import type { GenerationInput } from '../../nodes/GeminiImage/helpers/interfaces';
import { dataUrl, jpegHeader, pngHeader, propertyRuns as runs } from './fixtures';

describe('buildNativeRequest', () => {
	const b64 = (b: Buffer) => b.toString('base64');

	it('sends the prompt and raw base64 images in camelCase, in order', () => {
		const a = pngHeader(4, 4);
		const b = jpegHeader(8, 8);
		const body = buildNativeRequest({
			model: 'm',
			prompt: 'Put this cat in a spacesuit',
			images: [
				{ data: a, mimeType: 'image/png', source: 'data' },
				{ data: b, mimeType: 'image/jpeg', source: 'logo' },
			],
		});
		expect(body).toEqual({
			contents: [
				{
					role: 'user',
					parts: [
						{ text: 'Put this cat in a spacesuit' },
						{ inlineData: { mimeType: 'image/png', data: b64(a) } },
						{ inlineData: { mimeType: 'image/jpeg', data: b64(b) } },
					],
				},
			],
		});
		expect(JSON.stringify(body)).not.toContain('data:image');
	});

	it('puts only what the user set into generationConfig', () => {
		expect(buildNativeRequest({ model: 'm', prompt: 'p', images: [] })).not.toHaveProperty('generationConfig');
		const body = buildNativeRequest({ model: 'm', prompt: 'p', images: [], aspectRatio: '16:9' });
		expect(body.generationConfig).toEqual({ imageConfig: { aspectRatio: '16:9' } });
		const full = buildNativeRequest({
			model: 'm',
			prompt: 'p',
			images: [],
			aspectRatio: '1:1',
			imageSize: '4K',
			responseModalities: ['IMAGE'],
		});
		expect(full.generationConfig).toEqual({ responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '1:1', imageSize: '4K' } });
	});

	it('builds the route path with the model escaped', () => {
		expect(nativePath('gemini-2.5-flash-image')).toBe('/v1beta/models/gemini-2.5-flash-image:generateContent');
		expect(nativePath('a/b')).toBe('/v1beta/models/a%2Fb:generateContent');
		expect(nativePath('m', true)).toBe('/v1beta/models/m:streamGenerateContent?alt=sse');
	});

	it('sends system instruction, sampling, safety and Google Search only when set', () => {
		const body = buildNativeRequest({
			model: 'm',
			prompt: 'p',
			images: [],
			systemInstruction: 'be brief',
			temperature: 0,
			topP: 0.5,
			seed: 0,
			safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'OFF' }],
			googleSearch: true,
			responseModalities: [],
		});
		expect(body).toEqual({
			contents: [{ role: 'user', parts: [{ text: 'p' }] }],
			systemInstruction: { parts: [{ text: 'be brief' }] },
			generationConfig: { temperature: 0, topP: 0.5, seed: 0 },
			safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'OFF' }],
			tools: [{ googleSearch: {} }],
		});
		expect(buildNativeRequest({ model: 'm', prompt: 'p', images: [], safetySettings: [], imageSize: '2K' })).toEqual({
			contents: [{ role: 'user', parts: [{ text: 'p' }] }],
			generationConfig: { imageConfig: { imageSize: '2K' } },
		});
	});
});

describe('a request that continues a conversation', () => {
	const b64 = (b: Buffer) => b.toString('base64');

	it('sends the earlier turns first, their images being the first input images, then the prompt with the rest', () => {
		const a = pngHeader(2, 2);
		const b = jpegHeader(3, 3);
		const body = buildNativeRequest({
			model: 'm',
			prompt: 'add rain',
			images: [
				{ data: a, mimeType: 'image/png', source: 'data' },
				{ data: b, mimeType: 'image/jpeg', source: 'logo' },
			],
			history: {
				turns: [
					{ role: 'user', parts: [{ text: 'a fox' }] },
					{
						role: 'model',
						parts: [
							{ text: 'ok', thoughtSignature: 'S1' },
							{ image: 'data', mimeType: 'image/jpeg', thoughtSignature: 'S2' },
						],
					},
				],
				earlierPrompts: [],
			},
		});
		expect(body.contents).toEqual([
			{ role: 'user', parts: [{ text: 'a fox' }] },
			// the loaded image's real type wins over the one written in the conversation
			{
				role: 'model',
				parts: [
					{ text: 'ok', thoughtSignature: 'S1' },
					{ inlineData: { mimeType: 'image/png', data: b64(a) }, thoughtSignature: 'S2' },
				],
			},
			{ role: 'user', parts: [{ text: 'add rain' }, { inlineData: { mimeType: 'image/jpeg', data: b64(b) } }] },
		]);
	});
});

describe('buildChatRequest', () => {
	it('streams, sends images as data URLs and Gemini settings in extra_body.google (snake_case)', () => {
		const img = pngHeader(2, 2);
		const body = buildChatRequest({
			model: 'gemini-2.5-flash-image',
			prompt: 'a cat',
			images: [{ data: img, mimeType: 'image/png', source: 'data' }],
			aspectRatio: '16:9',
			imageSize: '2K',
			systemInstruction: 'be nice',
			temperature: 0.5,
			topP: 0.9,
			seed: 7,
		});
		expect(body).toEqual({
			model: 'gemini-2.5-flash-image',
			stream: true,
			messages: [
				{ role: 'system', content: 'be nice' },
				{
					role: 'user',
					content: [
						{ type: 'text', text: 'a cat' },
						{ type: 'image_url', image_url: { url: dataUrl(img) } },
					],
				},
			],
			temperature: 0.5,
			top_p: 0.9,
			seed: 7,
			extra_body: { google: { image_config: { aspect_ratio: '16:9', image_size: '2K' } } },
		});
	});
	it('sends no extra_body when nothing Gemini-specific is set', () => {
		expect(buildChatRequest({ model: 'm', prompt: 'p', images: [] })).not.toHaveProperty('extra_body');
	});
});

describe('encodeJsonWithBlobs', () => {
	const random = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7919 + 13) % 256));

	it('gives exactly the JSON of the request with base64 inline, for any image size', () => {
		for (const size of [0, 1, 2, 3, 4, 5, 786431, 786432, 786433, 2 * 786432 + 2]) {
			const images = [
				{ data: random(size), mimeType: 'image/png', source: 'a' },
				{ data: random(size + 1), mimeType: 'image/jpeg', source: 'b' },
			];
			const input = { model: 'm', prompt: 'héllo "quoted" \u2028', images, aspectRatio: '1:1' };
			const expectedNative = Buffer.from(JSON.stringify(buildNativeRequest(input)));
			expect(
				encodeJsonWithBlobs(
					(tag) => buildNativeRequest(input, tag),
					images.map((i) => i.data),
				).equals(expectedNative),
			).toBe(true);
			const expectedChat = Buffer.from(JSON.stringify(buildChatRequest(input)));
			expect(
				encodeJsonWithBlobs(
					(tag) => buildChatRequest(input, tag),
					images.map((i) => i.data),
				).equals(expectedChat),
			).toBe(true);
		}
	});

	it('a prompt holding the placeholder (with or without the NUL) stays text', () => {
		const images = [{ data: random(10), mimeType: 'image/png', source: 'a' }];
		for (const prompt of ['\u0000blob0:0', '\\u0000blob0:0 and \u0000blob1:0', '\u0000blob0:0\u0000blob1:0\u0000blob2:0']) {
			const input = { model: 'm', prompt, images };
			const expected = Buffer.from(JSON.stringify(buildNativeRequest(input)));
			expect(encodeJsonWithBlobs((tag) => buildNativeRequest(input, tag), [images[0].data]).equals(expected)).toBe(true);
			const textOnly = { model: 'm', prompt, images: [] };
			expect(encodeJsonWithBlobs((tag) => buildNativeRequest(textOnly, tag), []).toString()).toBe(
				JSON.stringify(buildNativeRequest(textOnly)),
			);
		}
	});
});

describe('encodeJsonWithBlobs against a hostile prompt', () => {
	const random = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + 7) % 256));

	it('builds the body twice at most, even when the prompt holds every tag from -1 to 5,000', () => {
		// A webhook's JSON can put any text in the prompt; one pass finds a tag it does not hold.
		const prompt = [-1, ...Array.from({ length: 5001 }, (_, salt) => salt)].map((salt) => `\u0000blob${salt}:0`).join(' ');
		const images = [{ data: random(100), mimeType: 'image/png', source: 'a' }];
		const input = { model: 'm', prompt, images };
		let builds = 0;
		const body = encodeJsonWithBlobs(
			(tag) => {
				builds++;
				return buildNativeRequest(input, tag);
			},
			[images[0].data],
		);
		expect(builds).toBe(2);
		expect(body.toString('utf8')).toBe(JSON.stringify(buildNativeRequest(input)));
	});

	it('refuses a builder that tags an image twice or leaves one out, instead of looping', () => {
		const blobs = [random(3), random(4)];
		expect(() => encodeJsonWithBlobs((tag) => [tag(undefined, 0), tag(undefined, 0)], blobs)).toThrow(
			'encodeJsonWithBlobs: 2 tags for 2 images',
		);
		expect(() => encodeJsonWithBlobs((tag) => [tag(undefined, 0)], blobs)).toThrow('encodeJsonWithBlobs: 1 tags for 2 images');
		// every image tagged, one of them twice
		expect(() => encodeJsonWithBlobs((tag) => [tag(undefined, 0), tag(undefined, 1), tag(undefined, 1)], blobs)).toThrow(
			'encodeJsonWithBlobs: 3 tags for 2 images',
		);
		expect(() => encodeJsonWithBlobs((tag) => [tag(undefined, 0), tag(undefined, 2)], blobs)).toThrow(
			'encodeJsonWithBlobs: 2 tags for 2 images',
		);
	});
});

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
