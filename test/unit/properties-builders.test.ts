/**
 * Bad input, tried systematically (fast-check), for what api/ and helpers/ build: error messages, retry delays,
 * the Base URL and the model list (request bodies: requests.test.ts). Whatever comes in, the output keeps its
 * promises (never the key, bounded messages and delays). Seeded and bounded (numRuns), so every run tries the same cases.
 */
import fc from 'fast-check';

import { normalizeBaseUrl } from '../../nodes/GeminiImage/api/baseUrl';
import { describeHttpFailure } from '../../nodes/GeminiImage/api/errors/http';
import { describeNetworkFailure } from '../../nodes/GeminiImage/api/errors/network';
import { redactSecrets } from '../../nodes/GeminiImage/helpers/redact';
import { imageModels, isGeminiImageModel } from '../../nodes/GeminiImage/api/models/imageModels';
import { retryDelayMs } from '../../nodes/GeminiImage/api/retry';
import { propertyRuns as runs } from './fixtures';

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

	it('any model list: Gemini image models only, each once', () => {
		const entryArb = fc
			.oneof(
				fc.constantFrom('gemini-3.1-flash-image', 'gemini-nano-banana-2.1', 'gpt-4o', 'gemini-2.5-pro', 'GEMINI-3-PRO-IMAGE', 'imagen-4'),
				fc.string({ maxLength: 20 }),
				fc.jsonValue({ maxDepth: 1 }),
			)
			.map((id) => (typeof id === 'string' ? { id, created: 1 } : id));
		fc.assert(
			fc.property(
				fc.oneof(
					fc.array(entryArb).map((data) => ({ data })),
					fc.jsonValue(),
				),
				fc.option(fc.string({ maxLength: 5 }), { nil: undefined }),
				(body, filter) => {
					const models = imageModels(body, filter);
					expect(new Set(models.map((m) => m.id)).size).toBe(models.length);
					for (const m of models) expect(isGeminiImageModel(m.id)).toBe(true);
				},
			),
			runs(200),
		);
	});
});
