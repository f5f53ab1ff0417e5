/**
 * Bad input, tried systematically (fast-check), for what api/ and helpers/ build: request bodies, error messages,
 * retry delays and the Base URL. Whatever comes in, the output keeps its promises (byte-exact
 * JSON, never the key, bounded messages and delays). Seeded and bounded (numRuns), so every run tries the same cases.
 */
import fc from 'fast-check';

import { encodeJsonWithBlobs } from '../../nodes/GeminiImage/api/stream/blobs';
import { normalizeBaseUrl } from '../../nodes/GeminiImage/api/baseUrl';
import { buildChatRequest } from '../../nodes/GeminiImage/api/chat/request';
import { describeHttpFailure } from '../../nodes/GeminiImage/api/errors/http';
import { describeNetworkFailure } from '../../nodes/GeminiImage/api/errors/network';
import { redactSecrets } from '../../nodes/GeminiImage/helpers/redact';
import { buildNativeRequest } from '../../nodes/GeminiImage/api/native/request';
import { retryDelayMs } from '../../nodes/GeminiImage/api/retry';
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
	const bodyArb = fc.oneof(
		fc.string({ unit: 'binary', maxLength: 3000 }),
		fc.jsonValue({ maxDepth: 3 }),
		fc.record({
			error: fc.record(
				{
					message: fc.string({ maxLength: 2000 }),
					code: fc.oneof(fc.string({ maxLength: 20 }), fc.integer()),
					status: fc.string({ maxLength: 20 }),
				},
				{ requiredKeys: [] },
			),
		}),
	);
	const withSecret = (body: unknown, at: number): unknown => {
		if (typeof body === 'string') return `${body.slice(0, at % (body.length + 1))}${SECRET}${body.slice(at % (body.length + 1))}`;
		if (body && typeof body === 'object' && 'error' in body)
			return { error: { ...(body as { error: object }).error, message: `bad key ${SECRET}` } };
		return body;
	};

	it('any status and body: one line that names the status, a fix, a retry verdict, never the key, never unbounded', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 100, max: 599 }),
				bodyArb,
				fc.nat(),
				fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
				(status, body, at, retryAfter) => {
					const failure = describeHttpFailure(
						status,
						withSecret(body, at),
						{ 'retry-after': retryAfter, 'content-type': 'application/json' },
						{ secret: SECRET, model: 'm' },
					);
					expect(failure.message.startsWith(`CometAPI answered ${status}`)).toBe(true);
					expect(failure.message.length).toBeLessThan(1300);
					expect(failure.description.length).toBeGreaterThan(10);
					expect(`${failure.message} ${failure.description} ${failure.code ?? ''}`).not.toContain(SECRET.slice(0, 10));
					expect(typeof failure.retryable).toBe('boolean');
					if (failure.retryAfterMs !== undefined) expect(failure.retryAfterMs).toBeGreaterThanOrEqual(0);
				},
			),
			runs(300),
		);
	});

	it('any network error: a message that names no raw code and no key', () => {
		fc.assert(
			fc.property(
				fc.option(fc.constantFrom('ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'ERR_CANCELED', 'EWHATEVER'), { nil: undefined }),
				fc.string({ maxLength: 400 }),
				(code, raw) => {
					const failure = describeNetworkFailure(code, `${raw} ${SECRET}`, { secret: SECRET, baseUrl: 'https://api.cometapi.com' });
					expect(failure.message).toMatch(/^Could not reach CometAPI at https:\/\/api\.cometapi\.com: /);
					expect(failure.message).not.toContain(SECRET.slice(0, 10));
					if (code === 'ERR_CANCELED') expect(failure.retryable).toBe(false);
				},
			),
			runs(200),
		);
	});

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

describe('small pure helpers', () => {
	it('retry delays stay within the step, honour Retry-After up to its ceiling', () => {
		const policy = { maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 40 }),
				fc.double({ min: 0, max: 0.999999, noNaN: true }),
				fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
				(retry, random, after) => {
					const delay = retryDelayMs(retry, policy, after, () => random);
					const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
					expect(delay).toBeGreaterThanOrEqual(Math.min(step / 2, after ?? Infinity));
					expect(delay).toBeLessThanOrEqual(Math.max(step, Math.min(after ?? 0, policy.maxRetryAfterMs)));
					if (after !== undefined) expect(delay).toBeGreaterThanOrEqual(Math.min(after, policy.maxRetryAfterMs));
				},
			),
			runs(300),
		);
	});

	it('a Base URL, however typed, becomes one the paths can follow; normalising twice changes nothing', () => {
		const urlArb = fc.oneof(
			fc.webUrl(),
			fc.string({ maxLength: 40 }),
			fc.webUrl().map((u) => `  ${u}/v1/ `),
			fc.domain().map((d) => `${d}/v1beta`),
		);
		fc.assert(
			fc.property(urlArb, (raw) => {
				const url = normalizeBaseUrl(raw);
				expect(url).toMatch(/^https?:\/\//i);
				expect(url.endsWith('/')).toBe(false);
				expect(url).not.toMatch(/\/v1(beta)?$/i);
				expect(normalizeBaseUrl(url)).toBe(url);
			}),
			runs(200),
		);
	});
});
