/**
 * transport/index.ts without n8n-core: retry delays and the default policy, ending a response stream, reading a
 * body that is (or is not) a stream, reading at most so many bytes, waiting that a cancel cuts short, and naming
 * a thrown network error wherever its code sits. (Requests themselves: test/integration, against the emulator.)
 */
import { getEventListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';

import fc from 'fast-check';
import type { IExecuteFunctions, NodeApiError } from 'n8n-workflow';

import * as requestSettings from '../../nodes/GeminiImage/actions/options';
import type { ApiFailure } from '../../nodes/GeminiImage/helpers/failures';
import type { Attempt, RetryContext, RetryPolicy } from '../../nodes/GeminiImage/transport';
import {
	apiError,
	chunksOf,
	DEFAULT_RETRY_POLICY,
	describeThrown,
	destroyBody,
	getConnection,
	networkCode,
	NotSent,
	readCapped,
	retryDelayMs,
	waitUnlessCancelled,
	Watchdog,
	withRetries,
} from '../../nodes/GeminiImage/transport';
import { AdaptiveLimiter } from '../../nodes/GeminiImage/transport/limiter';
import { NODE, propertyRuns as runs } from './fixtures';

const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1000, maxDelayMs: 8000, maxRetryAfterMs: 60000 };

// Decisions of the transport's second half (the watchdog, ending and reading a body, naming a network error) pinned
// here, without HTTP: the watchdog on jest's fake clock, so its boundaries are exact and cost no real time.
describe('Watchdog (on a fake clock)', () => {
	beforeEach(() => jest.useFakeTimers({ now: 0 }));
	afterEach(() => jest.useRealTimers());

	/** The fake time at which the watchdog fired, and why. */
	function firing(watchdog: Watchdog): { at?: number; kind?: string } {
		const seen: { at?: number; kind?: string } = {};
		void watchdog.expiry.then((kind) => Object.assign(seen, { at: Date.now(), kind }));
		return seen;
	}

	it('fires at the check on which the total ceiling is reached, not one check later', async () => {
		// idle 100 ms: a check every 20 ms; the ceiling of 40 ms falls exactly on the second one
		const watchdog = new Watchdog(100, 40);
		const seen = firing(watchdog);
		await jest.advanceTimersByTimeAsync(100);
		expect(seen).toEqual({ at: 40, kind: 'total' });
		expect(watchdog.expired).toBe('total');
	});

	it("fires 'idle' at the check on which the idle timeout since the last bytes is reached", async () => {
		const watchdog = new Watchdog(100, 10_000);
		const seen = firing(watchdog);
		await jest.advanceTimersByTimeAsync(60);
		watchdog.touch();
		await jest.advanceTimersByTimeAsync(99);
		expect(seen).toEqual({});
		await jest.advanceTimersByTimeAsync(200);
		expect(seen).toEqual({ at: 160, kind: 'idle' });
		expect(watchdog.expired).toBe('idle');
	});

	it('checks at most once a second, whatever the idle timeout', async () => {
		// idle 5 s: a fifth of it would be 1 s; a ceiling of 50 ms is then noticed at the first check, 1 s in
		const watchdog = new Watchdog(5000, 50);
		const seen = firing(watchdog);
		await jest.advanceTimersByTimeAsync(999);
		expect(seen).toEqual({});
		await jest.advanceTimersByTimeAsync(1);
		expect(seen).toEqual({ at: 1000, kind: 'total' });
	});

	it('once stopped never fires, even when the ceiling passed during the slice it was sleeping', async () => {
		const watchdog = new Watchdog(100, 20);
		const seen = firing(watchdog);
		await jest.advanceTimersByTimeAsync(10);
		watchdog.stop();
		await jest.advanceTimersByTimeAsync(5000);
		expect(seen).toEqual({});
		expect(watchdog.expired).toBeUndefined();
	});
});

describe('destroyBody, what is and is not told', () => {
	it('ends a stream without a reason and tells its listeners of no error', () => {
		const stream = new PassThrough();
		const seen: unknown[] = [];
		stream.on('error', (error) => seen.push(error));
		destroyBody(stream);
		expect(stream.destroyed).toBe(true);
		expect(seen).toEqual([]);
	});

	it('a body with error listeners but no emit() is still ended, with the reason', () => {
		const calls: string[] = [];
		destroyBody({ destroy: (e?: Error) => calls.push(`destroy ${e?.message}`), listenerCount: () => 1 }, new Error('stalled'));
		expect(calls).toEqual(['destroy stalled']);
	});

	it('a body without destroy() is not a stream: nothing is emitted on it', () => {
		const calls: string[] = [];
		destroyBody({ emit: (event: string) => calls.push(`emit ${event}`) && true, listenerCount: () => 1 }, new Error('stalled'));
		expect(calls).toEqual([]);
	});
});

describe('chunksOf, without a watchdog and without copies', () => {
	it('reads a stream when no watchdog is given, and hands its bytes on as they are (not copied)', async () => {
		const first = Buffer.from('ab');
		const second = Buffer.from('cd');
		async function* body() {
			yield first;
			yield second;
		}
		const chunks = await collect(chunksOf(body()));
		expect(chunks).toHaveLength(2);
		expect(chunks[0]).toBe(first);
		expect(chunks[1]).toBe(second);
	});
});

describe('networkCode', () => {
	it('takes only a whole E-code as text: not one inside a longer code, not one followed by words', () => {
		// undici's codes (UND_ERR_...) end in an E-code-like tail; they are not axios's network codes
		expect(networkCode({ code: 'UND_ERR_SOCKET' })).toBeUndefined();
		expect(networkCode({ code: 'EPIPE: broken pipe' })).toBeUndefined();
		expect(networkCode({ code: 'EPIPE: broken pipe', cause: { code: 'ECONNRESET' } })).toBe('ECONNRESET');
		expect(networkCode({ code: 'EPIPE' })).toBe('EPIPE');
	});

	it('never takes a code that is not text, even one that reads like a network code', () => {
		expect(networkCode({ code: new String('ECONNRESET') })).toBeUndefined();
		expect(networkCode({ code: ['ECONNRESET'], httpCode: 'ETIMEDOUT' })).toBe('ETIMEDOUT');
	});
});

describe('describeThrown, of nothing', () => {
	it('a rejection without an error (undefined, null) still gets a message', () => {
		expect(describeThrown(undefined, {}).message).toBe('Could not reach CometAPI at the base URL: undefined');
		expect(describeThrown(null, {}).message).toBe('Could not reach CometAPI at the base URL: null');
	});
});

describe('retryDelayMs', () => {
	it('doubles each retry, with jitter in the upper half of the step', () => {
		expect(retryDelayMs(1, policy, undefined, () => 0)).toBe(500);
		expect(retryDelayMs(1, policy, undefined, () => 1)).toBe(1000);
		expect(retryDelayMs(3, policy, undefined, () => 1)).toBe(4000);
	});
	it('caps the step', () => {
		expect(retryDelayMs(10, policy, undefined, () => 1)).toBe(8000);
	});
	it('waits at least what the API asked, up to the cap for Retry-After', () => {
		expect(retryDelayMs(1, policy, 5000, () => 0)).toBe(5000);
		expect(retryDelayMs(1, policy, 600000, () => 0)).toBe(60000);
		expect(retryDelayMs(4, policy, 100, () => 1)).toBe(8000);
	});
});

describe('retryDelayMs, any retry (fast-check)', () => {
	it('retry delays stay within the step, honour Retry-After up to its ceiling', () => {
		const policy = { ...DEFAULT_RETRY_POLICY, maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };
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
});

describe('DEFAULT_RETRY_POLICY', () => {
	it('is the policy the README and the Max Retries option describe', () => {
		const { maxRetries, baseDelayMs, maxDelayMs, maxRetryAfterMs } = DEFAULT_RETRY_POLICY;
		expect(requestSettings.maxRetries.default).toBe(maxRetries);
		expect(requestSettings.maxRetries.description).toContain(`(default ${maxRetries})`);
		const row = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8')
			.split('\n')
			.find((line) => line.startsWith('| Max Retries |'));
		expect(row).toContain(`| Max Retries | ${maxRetries} |`);
		expect(row).toContain(`(${baseDelayMs / 1000} s doubling, capped at ${maxDelayMs / 1000} s)`);
		expect(row).toContain(`(up to ${maxRetryAfterMs / 1000} s)`);
	});
});

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer[]> {
	const out: Buffer[] = [];
	for await (const chunk of chunks) out.push(chunk);
	return out;
}

describe('destroyBody', () => {
	it('tells a reader waiting on the stream why it ended, then ends it', () => {
		const stream = new PassThrough();
		const seen: Error[] = [];
		stream.on('error', (error) => seen.push(error));
		const reason = new Error('no data for 1 s');
		destroyBody(stream, reason);
		expect(seen[0]).toBe(reason);
		expect(stream.destroyed).toBe(true);
	});

	it('ends a stream nobody listens to without an unhandled error, and leaves anything else alone', () => {
		const stream = new PassThrough();
		let emitted = false;
		const original = stream.emit.bind(stream);
		stream.emit = ((event: string, ...args: unknown[]) => {
			if (event === 'error') emitted = true;
			return original(event, ...args);
		}) as typeof stream.emit;
		destroyBody(stream);
		expect(stream.destroyed).toBe(true);
		expect(emitted).toBe(false);
		expect(() => destroyBody('a string')).not.toThrow();
		expect(() => destroyBody(undefined)).not.toThrow();
		// with a reason but nobody listening, the reason goes to destroy() only (an 'error' with no listener would throw)
		const calls: string[] = [];
		const reason = new Error('stalled');
		destroyBody(
			{ destroy: (e?: Error) => calls.push(`destroy ${e?.message}`), emit: () => calls.push('emit') && true, listenerCount: () => 0 },
			reason,
		);
		destroyBody({ destroy: (e?: Error) => calls.push(`destroy ${e?.message}`), emit: () => calls.push('emit') && true }, reason);
		destroyBody(
			{
				destroy: (e?: Error) => calls.push(`destroy ${e?.message}`),
				emit: (event: string) => calls.push(`emit ${event}`) && true,
				listenerCount: (event: string) => (event === 'error' ? 1 : 0),
			},
			reason,
		);
		expect(calls).toEqual(['destroy stalled', 'destroy stalled', 'emit error', 'destroy stalled']);
		// already ended: not destroyed again
		let again = 0;
		destroyBody({ destroyed: true, destroy: () => again++ });
		expect(again).toBe(0);
		// a stream that throws when ended further
		expect(() =>
			destroyBody(
				{
					destroy: () => {
						throw new Error('gone');
					},
				},
				new Error('x'),
			),
		).not.toThrow();
	});
});

describe('chunksOf', () => {
	it('gives a stream chunk by chunk, strings as bytes, and touches the watchdog for each', async () => {
		let touched = 0;
		const chunks = await collect(chunksOf(Readable.from(['ab', Buffer.from('cd')]), { touch: () => touched++ } as never));
		expect(chunks.map(String)).toEqual(['ab', 'cd']);
		expect(chunks.every((c) => Buffer.isBuffer(c))).toBe(true);
		expect(touched).toBe(2);
	});

	it('gives a body that was already read as one chunk: bytes, text or JSON; nothing for none', async () => {
		const buf = Buffer.from('raw');
		expect(await collect(chunksOf(buf))).toEqual([buf]);
		expect((await collect(chunksOf('text'))).map(String)).toEqual(['text']);
		expect((await collect(chunksOf({ a: 1 }))).map(String)).toEqual(['{"a":1}']);
		expect(await collect(chunksOf(null))).toEqual([]);
		expect(await collect(chunksOf(undefined))).toEqual([]);
	});
});

describe('readCapped', () => {
	async function* pieces(...parts: string[]) {
		for (const part of parts) yield Buffer.from(part);
	}
	it('reads all of a body under the cap, and the first bytes of one over it', async () => {
		expect(await readCapped(pieces('abc', 'def'), 6)).toBe('abcdef');
		expect(await readCapped(pieces('abc', 'defgh', 'never read'), 6)).toBe('abcdef');
		expect(await readCapped(pieces('abcdefgh'), 3)).toBe('abc');
		expect(await readCapped(pieces(), 3)).toBe('');
	});
});

describe('waitUnlessCancelled', () => {
	it('waits the time asked, and says it was not cancelled', async () => {
		const started = Date.now();
		expect(await waitUnlessCancelled(120, new AbortController().signal)).toBe(false);
		expect(await waitUnlessCancelled(30)).toBe(false);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
	});

	it('returns at once, cancelled, when the execution is cancelled already or while it waits', async () => {
		const aborted = new AbortController();
		aborted.abort();
		let started = Date.now();
		expect(await waitUnlessCancelled(60_000, aborted.signal)).toBe(true);
		expect(Date.now() - started).toBeLessThan(5000);
		const later = new AbortController();
		setTimeout(() => later.abort(), 50);
		started = Date.now();
		expect(await waitUnlessCancelled(60_000, later.signal)).toBe(true);
		expect(Date.now() - started).toBeLessThan(5000);
	});
});

describe('describeThrown', () => {
	it('finds the network code in the error, its cause, or where n8n keeps it', () => {
		expect(describeThrown({ code: 'ECONNRESET', message: 'socket hang up' }, {}).message).toBe(
			'Could not reach CometAPI at the base URL: the connection was reset',
		);
		expect(describeThrown({ message: 'wrapped', cause: { cause: { code: 'ECONNREFUSED' } } }, {}).message).toMatch(
			/the connection was refused$/,
		);
		expect(describeThrown({ message: 'n8n', httpCode: 'ETIMEDOUT' }, {}, 2000).message).toMatch(/no answer within 2 s$/);
		// an HTTP status kept as httpCode is not a network code
		expect(describeThrown({ message: 'odd failure', httpCode: '500' }, {}).message).toMatch(/: odd failure$/);
		// the cause's message is the one that says what happened
		expect(describeThrown({ message: 'Request failed', cause: { message: 'getaddrinfo EAI_AGAIN api.cometapi.com' } }, {}).message).toMatch(
			/: getaddrinfo EAI_AGAIN api\.cometapi\.com$/,
		);
		expect(describeThrown('plain text', {}).message).toMatch(/: plain text$/);
	});

	it('looks a few causes deep only (an error may be its own cause)', () => {
		const loop: { message: string; cause?: unknown } = { message: 'loop' };
		loop.cause = loop;
		expect(describeThrown(loop, {}).message).toMatch(/: loop$/);
		const deep = { message: 'deep', cause: { cause: { cause: { cause: { cause: { code: 'ECONNRESET' } } } } } };
		expect(describeThrown(deep, {}).message).toMatch(/: deep$/);
		const four = { message: 'four', cause: { cause: { cause: { cause: { code: 'ECONNRESET' } } } } };
		expect(describeThrown(four, {}).message).toMatch(/the connection was reset$/);
	});
});

// --- withRetries, apiError, waitUnlessCancelled and Watchdog.quiet: the decisions, without HTTP ---------------
// withRetries only asks its context for the node (for errors) and the execution's cancel signal: a plain object
// gives both, and the attempts are plain functions, so every retry decision runs here in milliseconds.

const SECRET = 'sk-unit-secret-0123456789';

function contextWith(cancel?: AbortSignal): IExecuteFunctions {
	return { getNode: () => NODE, getExecutionCancelSignal: () => cancel } as unknown as IExecuteFunctions;
}

/** Delays of about a millisecond, so that retries and refusals run at once; the ceilings as the node has them. */
const quick: RetryPolicy = { ...DEFAULT_RETRY_POLICY, maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 5000 };
/** The node's policy (10 minute ceiling), with delays of a millisecond. */
const DEFAULT_RETRY_POLICY_QUICK: RetryPolicy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1, maxDelayMs: 1 };

function refusal(fields: Partial<ApiFailure> = {}): Attempt<string> {
	return {
		failure: { message: 'CometAPI answered 429 Too Many Requests', description: 'Wait a moment.', status: 429, retryable: true, ...fields },
	};
}

/** Attempts that give the outcomes in turn (each may run a side effect first); past the last, the test failed. */
function attempts(...steps: Array<() => Attempt<string>>) {
	let calls = 0;
	const attempt = async (): Promise<Attempt<string>> => {
		const step = steps[calls++];
		if (!step) throw new Error(`attempt ${calls} was not expected`);
		return step();
	};
	return { attempt, calls: () => calls };
}

function retryContext(policy: RetryPolicy, limiter?: AdaptiveLimiter, queueSignal?: AbortSignal): RetryContext {
	return { policy, itemIndex: 3, failureContext: { secret: SECRET }, limiter, queueSignal };
}

async function rejection(promise: Promise<unknown>): Promise<NodeApiError> {
	try {
		await promise;
	} catch (error) {
		return error as NodeApiError;
	}
	throw new Error('it resolved');
}

describe('withRetries and the shared limiter (version 2)', () => {
	it('hands back an error the attempt threw, and frees its slot', async () => {
		const limiter = new AdaptiveLimiter(4);
		const run = withRetries(contextWith(), retryContext(quick, limiter), async () => {
			throw new Error('the socket went away');
		});
		await expect(run).rejects.toThrow('the socket went away');
		expect([limiter.inFlight, limiter.level]).toEqual([0, 4]);
	});

	it('tells the limiter of a success, so that a level in full use grows', async () => {
		const limiter = new AdaptiveLimiter(8);
		limiter.level = 1;
		expect(await withRetries(contextWith(), retryContext(quick, limiter), async () => ({ value: 'image' }))).toBe('image');
		// slow start: +2 for a success at a full level
		expect([limiter.inFlight, limiter.level]).toEqual([0, 3]);
	});

	it('counts a 500 against Max Retries, not as a refusal: no retry with 0, the level stays', async () => {
		const limiter = new AdaptiveLimiter(4);
		const { attempt, calls } = attempts(
			() => refusal({ message: 'CometAPI answered 500 Internal Server Error', status: 500 }),
			() => ({ value: 'image' }),
		);
		const error = await rejection(withRetries(contextWith(), retryContext({ ...quick, maxRetries: 0 }, limiter), attempt));
		expect(error.message).toBe('CometAPI answered 500 Internal Server Error');
		expect(calls()).toBe(1);
		expect(limiter.level).toBe(4);
	});

	it('sends nothing once the run stopped while the request queued, and names its item', async () => {
		const limiter = new AdaptiveLimiter(4);
		const stopped = new AbortController();
		stopped.abort();
		const { attempt, calls } = attempts(() => ({ value: 'image' }));
		const error = await rejection(withRetries(contextWith(), retryContext(quick, limiter, stopped.signal), attempt));
		expect(error).toBeInstanceOf(NotSent);
		expect(error.message).toBe('The run stopped before this request was sent');
		expect(error.context.itemIndex).toBe(3);
		expect(calls()).toBe(0);
	});

	it('waits longer at each refusal in a row, doubling as retries do', async () => {
		const random = jest.spyOn(Math, 'random').mockReturnValue(0);
		try {
			const { attempt, calls } = attempts(refusal, refusal, refusal, () => ({ value: 'image' }));
			const started = Date.now();
			const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
			expect(await withRetries(contextWith(), retryContext(policy, new AdaptiveLimiter(4)), attempt)).toBe('image');
			expect(calls()).toBe(4);
			// half of each step with no jitter: 50 + 100 + 200 ms
			expect(Date.now() - started).toBeGreaterThanOrEqual(340);
		} finally {
			random.mockRestore();
		}
	});

	it('fails a request still refused after the 10 minute ceiling, with how long and how to fix it', async () => {
		let clock = 1_000_000;
		const now = jest.spyOn(Date, 'now').mockImplementation(() => clock);
		try {
			// each refusal comes 5 minutes after the one before: the third is at the ceiling exactly
			const late = () => {
				clock += 5 * 60_000;
				return refusal();
			};
			const { attempt, calls } = attempts(late, late, late, () => ({ value: 'never' }));
			const error = await rejection(withRetries(contextWith(), retryContext(DEFAULT_RETRY_POLICY_QUICK, new AdaptiveLimiter(4)), attempt));
			expect(calls()).toBe(3);
			expect(error.message).toBe(
				"CometAPI answered 429 Too Many Requests (refused for 10 minutes: the account's limit did not let it through)",
			);
			expect(error.description).toBe(
				"Lower Concurrency in the node's Request Settings, run fewer executions with this credential at once, or ask CometAPI for a higher limit.",
			);
		} finally {
			now.mockRestore();
		}
	});

	it('stops waiting its turn when the execution is cancelled, and reports the last refusal as it was', async () => {
		const cancel = new AbortController();
		const { attempt } = attempts(
			() => refusal({ retryAfterMs: 1, code: 'RESOURCE_EXHAUSTED' }),
			() => {
				setTimeout(() => cancel.abort(), 30);
				return refusal({ retryAfterMs: 3000, code: 'RESOURCE_EXHAUSTED' });
			},
		);
		const started = Date.now();
		const error = await rejection(withRetries(contextWith(cancel.signal), retryContext(quick, new AdaptiveLimiter(4)), attempt));
		expect(Date.now() - started).toBeLessThan(2000);
		expect(error.message).toBe('CometAPI answered 429 Too Many Requests (gave up after 2 attempts)');
		// neither the ceiling's text nor "asked to wait longer": it was waiting, and it was cancelled
		expect(error.description).toBe('Wait a moment.');
		expect(error.httpCode).toBe('429');
		expect(error.errorResponse).toStrictEqual({
			message: 'CometAPI answered 429 Too Many Requests (gave up after 2 attempts)',
			httpCode: '429',
			apiCode: 'RESOURCE_EXHAUSTED',
		});
	});
});

describe('withRetries, Retry-After and cancelling (any version)', () => {
	it('waits a Retry-After exactly as long as the most it waits, and tries again', async () => {
		const { attempt, calls } = attempts(
			() => refusal({ message: 'CometAPI answered 503 Service Unavailable', status: 503, retryAfterMs: 20 }),
			() => ({ value: 'image' }),
		);
		expect(await withRetries(contextWith(), retryContext({ ...quick, maxRetryAfterMs: 20 }), attempt)).toBe('image');
		expect(calls()).toBe(2);
	});

	it('ends at once when cancelled during the wait before a retry, saying nothing of a wait too long', async () => {
		const cancel = new AbortController();
		const { attempt, calls } = attempts(() => {
			setTimeout(() => cancel.abort(), 30);
			return refusal({
				message: 'CometAPI answered 500 Internal Server Error',
				description: 'Try again later.',
				status: 500,
				retryAfterMs: 3000,
			});
		});
		const started = Date.now();
		const error = await rejection(withRetries(contextWith(cancel.signal), retryContext(quick), attempt));
		expect(Date.now() - started).toBeLessThan(2000);
		expect(calls()).toBe(1);
		expect(error.message).toBe('CometAPI answered 500 Internal Server Error');
		expect(error.description).toBe('Try again later.');
	});

	it('a failure out of retries with a Retry-After it could have waited keeps its own description', async () => {
		const { attempt } = attempts(() =>
			refusal({ message: 'CometAPI answered 500 Internal Server Error', description: 'Try again later.', status: 500, retryAfterMs: 10 }),
		);
		const error = await rejection(withRetries(contextWith(), retryContext({ ...quick, maxRetries: 0 }), attempt));
		expect(error.description).toBe('Try again later.');
	});

	it('a network failure (no status, no API code) carries neither on its error response', async () => {
		const { attempt } = attempts(() =>
			refusal({ message: 'Could not reach CometAPI at the base URL: the connection was reset', status: undefined, retryable: false }),
		);
		const error = await rejection(withRetries(contextWith(), retryContext(quick), attempt));
		expect(error.errorResponse).toStrictEqual({ message: 'Could not reach CometAPI at the base URL: the connection was reset' });
		expect(error.httpCode).toBeNull();
	});
});

describe('getConnection', () => {
	it('refuses a credential without an API key, saying so, before any request', async () => {
		const ctx = { getNode: () => NODE, getCredentials: async () => ({ baseUrl: '' }) } as unknown as IExecuteFunctions;
		await expect(getConnection(ctx)).rejects.toThrow(/^The API key in the CometAPI credential is empty \[item 0\]$/);
	});

	it('sends a key an expression gave as a number as its text, on the default Base URL', async () => {
		const ctx = { getNode: () => NODE, getCredentials: async () => ({ apiKey: 12345, baseUrl: '' }) } as unknown as IExecuteFunctions;
		expect(await getConnection(ctx)).toEqual({ baseUrl: 'https://api.cometapi.com', secret: '12345' });
	});
});

describe('apiError', () => {
	it('redacts the key in the message, the description and every text of the error response', () => {
		const error = apiError(
			contextWith(),
			{ message: `Key ${SECRET} was refused`, description: `Check ${SECRET}`, httpCode: '401', itemIndex: 2 },
			SECRET,
			{ apiCode: `bad_key:${SECRET}`, finishReason: null, count: 3 },
		);
		expect(error.message).toBe('Key *** was refused');
		expect(error.description).toBe('Check ***');
		expect(error.errorResponse).toStrictEqual({ message: 'Key *** was refused', apiCode: 'bad_key:***', finishReason: null, count: 3 });
		expect(JSON.stringify(error.errorResponse)).not.toContain(SECRET);
		expect(error.context.itemIndex).toBe(2);
	});

	it('gives no description when none was given (not the word "undefined")', () => {
		const error = apiError(contextWith(), { message: 'The model returned no image', itemIndex: 0 }, SECRET);
		expect(error.description).toBeUndefined();
	});
});

describe('waitUnlessCancelled, its slices and its listener', () => {
	// On jest's fake clock, as the Watchdog's tests (n8n-workflow's sleep is a setTimeout): exact, whatever the load.
	describe('on the fake clock', () => {
		beforeEach(() => jest.useFakeTimers({ now: 0 }));
		afterEach(() => jest.useRealTimers());
		const tracked = (wait: Promise<boolean>) => {
			const state: { done: boolean; cancelled?: boolean } = { done: false };
			void wait.then((cancelled) => Object.assign(state, { done: true, cancelled }));
			return state;
		};

		it('a wait under a second takes that long, not a whole slice', async () => {
			const wait = tracked(waitUnlessCancelled(120));
			await jest.advanceTimersByTimeAsync(119);
			expect(wait.done).toBe(false);
			await jest.advanceTimersByTimeAsync(1);
			expect(wait).toEqual({ done: true, cancelled: false });
		});

		it('a cancel ends the wait at once, not at the end of the slice under way', async () => {
			const cancel = new AbortController();
			const wait = tracked(waitUnlessCancelled(60_000, cancel.signal));
			await jest.advanceTimersByTimeAsync(50);
			cancel.abort();
			await jest.advanceTimersByTimeAsync(0);
			expect(wait).toEqual({ done: true, cancelled: true });
		});
	});

	it('a wait of 0 ms sets no timer: no empty slice at the end of a wait', async () => {
		// a timer set first runs first: had the wait slept an empty slice, this one would have run by its end
		let timerRan = false;
		setTimeout(() => (timerRan = true), 0);
		expect(await waitUnlessCancelled(0)).toBe(false);
		expect(timerRan).toBe(false);
	});

	it('listens to the cancel once: the listener is gone as the cancel fires', async () => {
		const cancel = new AbortController();
		const waiting = waitUnlessCancelled(60_000, cancel.signal);
		expect(getEventListeners(cancel.signal, 'abort')).toHaveLength(1);
		cancel.abort();
		expect(getEventListeners(cancel.signal, 'abort')).toHaveLength(0);
		expect(await waiting).toBe(true);
	});

	it("leaves no listener on the execution's signal once it is over", async () => {
		const cancel = new AbortController();
		expect(await waitUnlessCancelled(20, cancel.signal)).toBe(false);
		expect(getEventListeners(cancel.signal, 'abort')).toHaveLength(0);
	});
});

describe('Watchdog.quiet', () => {
	it('is true once no bytes came for 90 % of the idle timeout, never before the first byte', () => {
		let clock = 5_000;
		const now = jest.spyOn(Date, 'now').mockImplementation(() => clock);
		const watchdog = new Watchdog(1000, 100_000);
		try {
			clock += 50_000;
			expect(watchdog.quiet).toBe(false);
			watchdog.touch();
			clock += 899;
			expect(watchdog.quiet).toBe(false);
			clock += 1;
			expect(watchdog.quiet).toBe(true);
		} finally {
			watchdog.stop();
			now.mockRestore();
		}
	});
});
