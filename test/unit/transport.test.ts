/**
 * transport/index.ts without n8n-core: retry delays and the default policy, ending a response stream, reading a
 * body that is (or is not) a stream, reading at most so many bytes, waiting that a cancel cuts short, and naming
 * a thrown network error wherever its code sits. (Requests themselves: test/integration, against the emulator.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';

import fc from 'fast-check';

import * as requestSettings from '../../nodes/GeminiImage/actions/options';
import {
	chunksOf,
	DEFAULT_RETRY_POLICY,
	describeThrown,
	destroyBody,
	readCapped,
	retryDelayMs,
	waitUnlessCancelled,
} from '../../nodes/GeminiImage/transport';
import { propertyRuns as runs } from './fixtures';

const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1000, maxDelayMs: 8000, maxRetryAfterMs: 60000 };

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
