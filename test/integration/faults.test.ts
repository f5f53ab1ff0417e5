/**
 * Surviving the real API at volume: retries for each fault class, timeouts, cancellation, concurrency
 * with order kept, and many items with injected faults all accounted for. Each test asserts how many
 * requests the emulator saw, the outcome and the message.
 */
import { API_KEY, everything, sha256, textToImage, useEmulator } from './setup';

const t = useEmulator();

describe('retries', () => {
	it.each([
		['429 with Retry-After', '[emu:fail=429x2] [emu:retryafter=0.2]', 3],
		['503', '[emu:fail=503x2]', 3],
		['524 gateway timeout page', '[emu:fail=524x1]', 2],
		['502', '[emu:fail=502x1]', 2],
		['a reset connection', '[emu:reset=1]', 2],
		['a truncated JSON body', '[emu:truncate=1]', 2],
	])('%s: retried until the image comes', async (_name, prompt, requests) => {
		const result = await t.run({ parameters: textToImage(prompt) });
		expect(result.error).toBeUndefined();
		expect(t.emu.requests).toHaveLength(requests);
		expect(t.emu.requests.map((r) => r.attempt)).toEqual(Array.from({ length: requests }, (_, i) => i + 1));
		expect(sha256(result.items[0].binary!.data.data)).toBe(t.emu.requests[requests - 1].imagesSent[0].sha256);
	});

	it('honours Retry-After', async () => {
		const started = Date.now();
		await t.run({ parameters: textToImage('[emu:fail=429x1] [emu:retryafter=2]') });
		expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
		expect(t.emu.requests).toHaveLength(2);
	});

	it("honours Google's RetryInfo.retryDelay and reports the attempts when it gives up", async () => {
		const started = Date.now();
		const result = await t.run({ parameters: textToImage('[emu:error-429-google]', { maxRetries: 1 }) });
		expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
		expect(t.emu.requests).toHaveLength(2);
		expect(result.error?.message).toMatch(/^CometAPI answered 429 Too Many Requests: .* \(gave up after 2 attempts\) \[item 0\]$/);
		expect((result.error as any).description).toMatch(/Concurrency/);
	});

	it('a request that never answers times out and is retried', async () => {
		const result = await t.run({ parameters: textToImage('[emu:hang=1]', { timeout: 0.5 }) });
		expect(result.error).toBeUndefined();
		expect(t.emu.requests).toHaveLength(2);
		expect(t.emu.requests[1].outcome).toBe('answered');
	});

	it('the last timeout says so', async () => {
		const result = await t.run({ parameters: textToImage('[emu:hang=5]', { timeout: 0.5, maxRetries: 1 }) });
		expect(result.error?.message).toMatch(
			/^Could not reach CometAPI at http:\/\/127\.0\.0\.1:\d+: no answer within 0\.5 s \(gave up after 2 attempts\) \[item 0\]$/,
		);
		expect(t.emu.requests).toHaveLength(2);
	});

	it('gives up after maxRetries with the last reason', async () => {
		const result = await t.run({ parameters: textToImage('[emu:fail=503x9]', { maxRetries: 2 }) });
		expect(result.error?.message).toMatch(/^CometAPI answered 503 Service Unavailable.*\(gave up after 3 attempts\) \[item 0\]$/);
		expect(t.emu.requests).toHaveLength(3);
	});

	it('maxRetries 0 turns retrying off', async () => {
		const result = await t.run({ parameters: textToImage('[emu:fail=503x1]', { maxRetries: 0 }) });
		expect(result.error?.message).toMatch(/^CometAPI answered 503/);
		expect(result.error?.message).not.toMatch(/gave up/);
		expect(t.emu.requests).toHaveLength(1);
	});

	it.each([
		['error-400-google'],
		['error-401'],
		['error-402'],
		['error-403'],
		['error-404'],
		['error-413'],
		['error-500-invalid'],
		['error-503-model'],
	])('%s is never retried', async (scenario) => {
		await t.run({ parameters: textToImage(`[emu:${scenario}]`) });
		// (model_not_found then asks GET /v1/models for the account's image models, to list them)
		expect(t.emu.requests.filter((r: any) => r.route !== 'models')).toHaveLength(1);
	});

	it('cancelling the execution stops the waiting', async () => {
		const controller = new AbortController();
		const started = Date.now();
		// The gateway asks to wait 20 s before each retry.
		const pending = t.run({ parameters: textToImage('[emu:fail=503x9] [emu:retryafter=20]'), abortSignal: controller.signal });
		// Cancel once the 503 has gone out and the node is waiting (a fixed delay could come before the request on a
		// busy machine); bounded.
		for (let i = 0; i < 500 && !(t.emu.requests[0]?.status >= 500); i++) await new Promise((resolve) => setTimeout(resolve, 20));
		await new Promise((resolve) => setTimeout(resolve, 200));
		controller.abort();
		const result = await pending;
		expect(result.error?.message).toMatch(/^CometAPI answered 503 Service Unavailable/);
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(t.emu.requests).toHaveLength(1);
	});
});

describe('concurrency', () => {
	it('runs up to `concurrency` requests at once and keeps the output in input order', async () => {
		const prompts = Array.from({ length: 8 }, (_, i) => `item ${i} [emu:latency=${i % 2 ? 100 : 400}]`);
		const result = await t.run({
			parameters: textToImage('={{ $json.p }}', { concurrency: 4 }),
			items: prompts.map((p) => ({ json: { p } })),
		});
		expect(result.error).toBeUndefined();
		// Peak overlap of this test's requests (hung sockets of earlier tests still count in the emulator's stats).
		const spans = t.emu.requests.map((r) => [Date.parse(r.receivedAt), Date.parse(r.receivedAt) + r.durationMs]);
		// (a start within 1 ms of an end is the next request: timestamps are whole milliseconds; overlaps here last 100 ms+)
		const peak = Math.max(...spans.map(([start]) => spans.filter(([s, e]) => s <= start && start < e - 1).length));
		expect(peak).toBe(4);
		expect(result.items.map((i) => i.pairedItem)).toEqual(prompts.map((_, item) => ({ item })));
		// each output holds the image made for its own prompt
		for (let i = 0; i < prompts.length; i++) {
			const req = t.emu.requests.find((r) => r.asked.promptText === prompts[i]);
			expect(sha256(result.items[i].binary!.data.data)).toBe(req.imagesSent[0].sha256);
		}
	});

	it('numberOfImages sends that many requests and keeps the images together and in order', async () => {
		const result = await t.run({
			parameters: textToImage('={{ $json.p }}', { numberOfImages: 3, concurrency: 4 }),
			items: [{ json: { p: 'a' } }, { json: { p: 'b' } }],
		});
		expect(result.error).toBeUndefined();
		expect(t.emu.requests).toHaveLength(6);
		expect(result.items.map((i) => i.pairedItem.item)).toEqual([0, 0, 0, 1, 1, 1]);
		expect(result.items.map((i) => i.json.imageIndex)).toEqual([0, 1, 2, 0, 1, 2]);
		expect(result.items.map((i) => i.json.imageCount)).toEqual([3, 3, 3, 3, 3, 3]);
		expect(result.items.map((i) => i.binary!.data.meta.fileName)).toEqual([
			'gemini-image-0-1.png',
			'gemini-image-0-2.png',
			'gemini-image-0-3.png',
			'gemini-image-1-1.png',
			'gemini-image-1-2.png',
			'gemini-image-1-3.png',
		]);
	});

	it('many items with injected faults: every item accounted for, in order, the key nowhere', async () => {
		const faults = [
			'',
			'[emu:fail=429x1]',
			'[emu:fail=503x1]',
			'[emu:reset=1]',
			'[emu:image-safety]',
			'[emu:truncate=1]',
			'[emu:error-401]',
			'[emu:fail=524x1]',
			'[emu:text-only]',
			'',
		];
		const prompts = Array.from({ length: 20 }, (_, i) => `product ${i} ${faults[i % faults.length]}`);
		const result = await t.run({
			parameters: textToImage('={{ $json.p }}', { concurrency: 6, maxRetries: 3 }),
			items: prompts.map((p) => ({ json: { p } })),
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(20);
		// each refusal says what it is: a safety refusal, a wrong key, a text-only answer
		const errors: Record<string, RegExp> = {
			'image-safety': /^The model refused to make the image \(IMAGE_SAFETY\)\. /,
			'error-401': /^CometAPI answered 401 Unauthorized: Invalid token /,
			'text-only': /^The model answered with text only, no image\. The model said: "I can't draw that/,
		};
		result.items.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			const refused = Object.keys(errors).find((name) => prompts[i].includes(`[emu:${name}]`));
			if (refused) {
				expect(item.binary).toBeUndefined();
				expect(item.json.error).toMatch(errors[refused]);
				expect(item.json.error).toMatch(new RegExp(`\\[item ${i}\\]$`));
			} else {
				const req = t.emu.requests.filter((r) => r.asked.promptText === prompts[i]).pop();
				expect(sha256(item.binary!.data.data)).toBe(req.imagesSent[0].sha256);
			}
		});
		expect(everything(result)).not.toContain(API_KEY);
		expect(JSON.stringify(result.items.map((i) => i.raw))).not.toContain(API_KEY);
	});

	it('without Continue On Fail the first failing item stops the run with its own error', async () => {
		const result = await t.run({
			parameters: textToImage('={{ $json.p }}', { concurrency: 2 }),
			items: [{ json: { p: 'ok 0' } }, { json: { p: 'bad [emu:image-safety]' } }, { json: { p: 'ok 2' } }, { json: { p: 'ok 3' } }],
		});
		expect(result.error?.message).toMatch(/IMAGE_SAFETY/);
		expect((result.error as any).context?.itemIndex ?? (result.error as any).itemIndex).toBe(1);
	});
});

describe('native streaming', () => {
	it('streamGenerateContent gives the same output item', async () => {
		const result = await t.run({ parameters: textToImage('streamed [emu:latency=1200]', { streaming: true }) });
		expect(result.error).toBeUndefined();
		const [req] = t.emu.requests;
		expect(req.path).toMatch(/:streamGenerateContent$/);
		expect(req.query).toMatchObject({ alt: 'sse' });
		expect(sha256(result.items[0].binary!.data.data)).toBe(req.imagesSent[0].sha256);
		expect(result.items[0].json).toMatchObject({ text: 'Here is your image.', finishReason: 'STOP', mimeType: 'image/png' });
	});

	it('keeps a slow generation alive: the timeout counts from the last data (PINGs), not from the start', async () => {
		// 5 s of work, a PING every 200 ms, a Timeout of 2 s: a busy machine may delay a PING by a second and the
		// stream still lives, while the plain request, which gets nothing for 5 s, ends at 2 s.
		const slow = '[emu:latency=5000] [emu:ping=200]';
		const streamed = await t.run({ parameters: textToImage(`slow streamed ${slow}`, { streaming: true, timeout: 2, maxRetries: 0 }) });
		expect(streamed.error).toBeUndefined();
		const plain = await t.run({ parameters: textToImage(`slow plain ${slow}`, { timeout: 2, maxRetries: 0 }) });
		expect(plain.error?.message).toMatch(/: no answer within 2 s \[item 0\]$/);
	}, 30_000);

	it('skips drafts when streamed too', async () => {
		const result = await t.run({
			parameters: textToImage(
				'[emu:thoughts]',
				{ streaming: true },
				{ model: { __rl: true, mode: 'id', value: 'gemini-3-pro-image-preview' } },
			),
		});
		const final = t.emu.requests[0].imagesSent.find((i: any) => i.role === 'final');
		expect(result.items).toHaveLength(1);
		expect(sha256(result.items[0].binary!.data.data)).toBe(final.sha256);
	});

	it('a stream cut off before its last event is retried', async () => {
		const result = await t.run({ parameters: textToImage('[emu:truncate=1]', { streaming: true }) });
		expect(result.error).toBeUndefined();
		expect(t.emu.requests).toHaveLength(2);
		expect(sha256(result.items[0].binary!.data.data)).toBe(t.emu.requests[1].imagesSent[0].sha256);
	});

	it('a refusal in the stream is explained', async () => {
		const result = await t.run({ parameters: textToImage('[emu:image-safety]', { streaming: true }) });
		expect(result.error?.message).toMatch(/IMAGE_SAFETY/);
	});

	it('an error inside the stream is an error (and retried as a 500)', async () => {
		const result = await t.run({ parameters: textToImage('[emu:stream-error]', { streaming: true, maxRetries: 1 }) });
		expect(result.error?.message).toBe(
			'CometAPI answered 500 Internal Server Error: Internal error in stream (gave up after 2 attempts) [item 0]',
		);
		expect(t.emu.requests).toHaveLength(2);
	});
});
