/**
 * Version 2 at the account's limit: the emulator refuses requests past an in-flight limit the node is not told
 * (429 with Retry-After: 1), and the node's shared limiter finds it. Every item through with the default Max
 * Retries, few refusals once it has learnt the limit, executions sharing it, Continue On Fail, order, pairing and
 * Stop as before, the ceiling on being refused. Version 1 keeps counting 429s in Max Retries.
 */
import { DEFAULT_RETRY_POLICY } from '../../nodes/GeminiImage/transport';
import { START_LEVEL } from '../../nodes/GeminiImage/transport/limiter';
import { sha256, useEmulator } from './setup';

const items = (prompts: string[]) => prompts.map((p) => ({ json: { p } }));
const prompts = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} ${i}`);
const v2 = (extra: object = {}) => ({ operation: 'textToImage', prompt: '={{ $json.p }}', ...extra });

/** Refused (429 for being one too many in flight) and other requests of the generation routes. */
function count(t: ReturnType<typeof useEmulator>) {
	const generations = t.emu.requests.filter((r) => r.route !== 'models');
	const refused = generations.filter((r) => r.scenario === 'max-in-flight').length;
	return { total: generations.length, refused, answered: generations.length - refused };
}

/** Every item got the image made for its own prompt, in input order. */
function expectAllThrough(t: ReturnType<typeof useEmulator>, result: any, sent: string[]) {
	expect(result.error).toBeUndefined();
	expect(result.items.map((i: any) => i.pairedItem)).toEqual(sent.map((_, item) => ({ item })));
	sent.forEach((prompt, i) => {
		const answered = t.emu.requests.find((r) => r.asked?.promptText === prompt && r.outcome === 'answered');
		expect(sha256(result.items[i].binary.data.data)).toBe(answered.imagesSent[0].sha256);
	});
}

describe('version 2 under an in-flight limit of 2', () => {
	const t = useEmulator({ maxInFlight: 2, latencyMs: 150 });

	it('every item through with the default Max Retries; refused once in a burst, then rarely', async () => {
		const first = prompts(30, 'cold');
		const cold = await t.run({ typeVersion: 2, parameters: v2(), items: items(first) });
		expectAllThrough(t, cold, first);
		// The first burst (16 at once) loses what the account did not take; after it, a few probes only.
		expect(count(t).refused).toBeLessThanOrEqual(START_LEVEL - 2 + 4);
		t.emu.reset();
		// The next execution finds the limit learnt: at most ~15 % refused.
		const second = prompts(30, 'warm');
		const started = Date.now();
		const warm = await t.run({ typeVersion: 2, parameters: v2(), items: items(second) });
		expectAllThrough(t, warm, second);
		const { refused, total } = count(t);
		expect(refused / total).toBeLessThanOrEqual(0.15);
		// 15 rounds of 150 ms at 2 in flight: 2.25 s at best; generous for a loaded machine.
		expect(Date.now() - started).toBeLessThan(15_000);
	});

	it('two executions at once share the limit: one burst of refusals for both, not one each', async () => {
		const a = prompts(15, 'a');
		const b = prompts(15, 'b');
		const [ra, rb] = await Promise.all([
			t.run({ typeVersion: 2, parameters: v2(), items: items(a) }),
			t.run({ typeVersion: 2, parameters: v2(), items: items(b) }),
		]);
		expectAllThrough(t, ra, a);
		expectAllThrough(t, rb, b);
		// The limiter learnt 2 in the test before: two limiters of their own would each start at 16 again.
		expect(count(t).refused / count(t).total).toBeLessThanOrEqual(0.15);
	});
});

describe('version 2: two executions at once from cold', () => {
	const t = useEmulator({ maxInFlight: 2, latencyMs: 150 });

	it('start from one limiter: the burst is that of one execution', async () => {
		const a = prompts(15, 'a');
		const b = prompts(15, 'b');
		const [ra, rb] = await Promise.all([
			t.run({ typeVersion: 2, parameters: v2(), items: items(a) }),
			t.run({ typeVersion: 2, parameters: v2(), items: items(b) }),
		]);
		expectAllThrough(t, ra, a);
		expectAllThrough(t, rb, b);
		// One limiter: 16 at once, 14 refused, a few probes. Two of their own: 32 at once, 30 refused.
		expect(count(t).refused).toBeLessThanOrEqual(START_LEVEL - 2 + 4);
	});
});

describe('version 2 at the limit: Continue On Fail, order, Stop, the ceiling', () => {
	const t = useEmulator({ maxInFlight: 2, latencyMs: 150 });

	it('Continue On Fail: every item accounted for in order, failures on their own items', async () => {
		const sent = prompts(12, 'item').map((p, i) => (i === 3 ? `${p} [emu:image-safety]` : i === 7 ? `${p} [emu:error-401]` : p));
		const result = await t.run({ typeVersion: 2, parameters: v2(), items: items(sent), continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.pairedItem)).toEqual(sent.map((_, item) => ({ item })));
		expect(result.items[3].json.error).toMatch(/^The model refused to make the image \(IMAGE_SAFETY\).* \[item 3\]$/);
		expect(result.items[7].json.error).toMatch(/^CometAPI answered 401 Unauthorized.* \[item 7\]$/);
		for (const i of [0, 1, 2, 4, 5, 6, 8, 9, 10, 11]) expect(result.items[i].binary?.data).toBeDefined();
	});

	it('without Continue On Fail the first failing item stops the run, and what still queued is not sent', async () => {
		const sent = prompts(20, 'stop').map((p, i) => (i === 1 ? `${p} [emu:error-401]` : p));
		const result = await t.run({ typeVersion: 2, parameters: v2(), items: items(sent) });
		expect(result.error?.message).toMatch(/^CometAPI answered 401 Unauthorized.* \[item 1\]$/);
		const answeredOrSent = new Set(t.emu.requests.filter((r) => r.route !== 'models').map((r) => r.asked?.promptText));
		expect(answeredOrSent.size).toBeLessThan(sent.length);
	});

	it('Stop while requests wait (in the queue or for Retry-After) ends the run at once', async () => {
		const controller = new AbortController();
		const started = Date.now();
		const pending = t.run({
			typeVersion: 2,
			parameters: v2(),
			items: items(prompts(10, 'slow').map((p) => `${p} [emu:latency=3000]`)),
			abortSignal: controller.signal,
		});
		await new Promise((resolve) => setTimeout(resolve, 500));
		const before = t.emu.requests.length;
		controller.abort();
		const result = await pending;
		// the request in flight is cut off; one still queued would say it was never sent
		expect(result.error?.message).toMatch(
			/^(Could not reach CometAPI at http:\/\/127\.0\.0\.1:\d+: the execution was cancelled|The run stopped before this request was sent) \[item \d\]$/,
		);
		// Without Stop: 10 items of 3 s, 2 at a time, 15 s.
		expect(Date.now() - started).toBeLessThan(5000);
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(t.emu.requests.length).toBe(before);
	});

	it('a request refused past the ceiling fails with the 429 and what to do; Max Retries is not what ends it', async () => {
		const ceiling = DEFAULT_RETRY_POLICY.maxRateLimitWaitMs;
		DEFAULT_RETRY_POLICY.maxRateLimitWaitMs = 1500;
		try {
			const started = Date.now();
			const result = await t.run({
				typeVersion: 2,
				parameters: v2({ prompt: 'refused [emu:fail=429x99] [emu:retryafter=0.2]', requestSettings: { maxRetries: 1 } }),
			});
			expect(result.error?.message).toMatch(
				/^CometAPI answered 429 Too Many Requests: .* \(refused for 1\.5 s: the account's limit did not let it through\) \[item 0\]$/,
			);
			expect((result.error as any).description).toMatch(/Concurrency/);
			expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
			// More attempts than Max Retries allows: being told to slow down is not counted.
			expect(t.emu.requests.length).toBeGreaterThan(2);
		} finally {
			DEFAULT_RETRY_POLICY.maxRateLimitWaitMs = ceiling;
		}
	});

	it('a 503 overload waits outside Max Retries too; an unknown model is still final', async () => {
		const result = await t.run({ typeVersion: 2, parameters: v2({ prompt: 'busy [emu:fail=503x2]', requestSettings: { maxRetries: 1 } }) });
		expect(result.error).toBeUndefined();
		expect(t.emu.requests.filter((r) => r.route !== 'models')).toHaveLength(3);
		t.emu.reset();
		const unknown = await t.run({ typeVersion: 2, parameters: v2({ prompt: 'x [emu:error-503-model]' }) });
		expect(unknown.error?.message).toMatch(/^CometAPI answered 503/);
		expect(t.emu.requests.filter((r) => r.route !== 'models')).toHaveLength(1);
	});
});

describe('version 1 under the same limit, as before', () => {
	const t = useEmulator({ maxInFlight: 2, latencyMs: 3000 });

	it('runs its fixed Concurrency and counts each 429 in Max Retries', async () => {
		const sent = prompts(6, 'v1');
		const result = await t.run({
			parameters: { ...v2(), model: { __rl: true, mode: 'id', value: 'gemini-2.5-flash-image' }, options: { maxRetries: 1 } },
			items: items(sent),
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		// 6 at once (Concurrency 8), 2 taken; the 4 refused come back after Retry-After (1 s) while those 2 still run.
		const failed = result.items.filter((i) => i.json.error);
		expect(failed).toHaveLength(4);
		for (const item of failed) expect(item.json.error).toMatch(/^CometAPI answered 429 Too Many Requests: .* \(gave up after 2 attempts\)/);
		expect(count(t)).toEqual({ total: 10, refused: 8, answered: 2 });
	});
});
