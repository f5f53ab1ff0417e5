/**
 * actions/router.ts, the item loop in n8n-core: what an item's failed request leaves in the output and in
 * the error, and that an item's input images are fetched once for all of its requests.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Permit } from '../../nodes/GeminiImage/transport/limiter';
import { limiterFor } from '../../nodes/GeminiImage/transport/limiter';
import { LIMITS } from '../../nodes/GeminiImage/actions/options';
import { images, imageToImage, textToImage, useEmulator } from './setup';

const t = useEmulator();

describe('an item whose request fails', () => {
	it('with Continue On Fail and one image asked for, the output is that one error item, nothing before it', async () => {
		const result = await t.run({
			parameters: textToImage('one [emu:fail=400x1]', { numberOfImages: 1 }),
			items: [{ json: { n: 0 } }, { json: { n: 1 } }],
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		// both items send the same prompt: the emulator fails the first attempt only, whichever item sent it
		expect(result.items).toHaveLength(2);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		const failed = result.items.filter((i) => i.binary === undefined);
		expect(failed).toHaveLength(1);
		expect(failed[0].json.error).toMatch(/^CometAPI answered 400/);
		expect(Object.keys(failed[0].json).sort()).toEqual(['description', 'error']);
	});

	it('without Continue On Fail the error counts the images made and keeps the API error description after it', async () => {
		// The same failure with one image: the description the API error has on its own.
		const single = await t.run({ parameters: textToImage('alone [emu:fail=400x1]') });
		// The emulator gives every answer its own request id.
		const sameRun = (text?: string | null) => text?.replace(/request id: \w+/g, 'request id: …');
		const own = sameRun((single.error as { description?: string }).description);
		expect(own).toMatch(/\S/);
		t.emu.reset();

		// Three requests start at once; the first answer fails, the other two are made (and paid for) but dropped.
		const result = await t.run({ parameters: textToImage('three [emu:fail=400x1]', { numberOfImages: 3, concurrency: 3 }) });
		expect(t.emu.requests).toHaveLength(3);
		expect(sameRun(result.error?.message)).toBe(sameRun(single.error?.message));
		expect(sameRun((result.error as { description?: string }).description)).toBe(
			`1 of the 3 images of this item failed; 2 were made but are not in the output, because the node stops at an error: set On Error to "Continue" in the node's settings to keep them. ${own}`,
		);
	});
});

describe('the model list in a model_not_found error', () => {
	const byItem = (extra: object = {}) =>
		textToImage('={{ $json.prompt }}', extra, { model: { __rl: true, mode: 'id', value: '={{ $json.model }}' } });

	it('reaches the error that stops the run when an item before it succeeded', async () => {
		const result = await t.run({
			parameters: byItem(),
			items: [{ json: { prompt: 'fine', model: 'gemini-2.5-flash-image' } }, { json: { prompt: 'lost', model: 'unknown-banana' } }],
		});
		expect(result.error?.message).toMatch(/^CometAPI answered 503 Service Unavailable: model_not_found.* \[item 1\]$/);
		expect((result.error as { description?: string }).description).toMatch(
			/^Check the model name \("unknown-banana"\): .* Image models on this account, newest first: gemini-nano-banana-2\.1 /,
		);
	});

	it('is not fetched when the run stops at another error: only the error shown gets the list', async () => {
		// Both requests run at once; item 0's 400 stops the run, item 1's model_not_found is not shown.
		const result = await t.run({
			parameters: byItem({ concurrency: 2 }),
			items: [
				{ json: { prompt: 'bad [emu:fail=400x1]', model: 'gemini-2.5-flash-image' } },
				{ json: { prompt: 'lost', model: 'unknown-banana' } },
			],
		});
		expect(result.error?.message).toMatch(/^CometAPI answered 400 .*\[item 0\]$/);
		expect(t.emu.requests.map((r: { path: string }) => r.path).filter((path: string) => path.endsWith('/models'))).toEqual([]);
		expect(t.emu.requests).toHaveLength(2);
	});
});

describe("an item's input images", () => {
	const png = images.solidPng(16, 16, [5, 6, 7]).buffer as Buffer;
	let base = '';
	let downloads = 0;
	const server = createServer((req, res) => {
		downloads++;
		if (req.url === '/cat.png') res.writeHead(200, { 'content-type': 'image/png' }).end(png);
		else res.writeHead(404).end('missing');
	});
	beforeAll(async () => {
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => await new Promise((resolve) => server.close(resolve)));

	it('are downloaded once for all of its requests, even when they run one after another', async () => {
		downloads = 0;
		const result = await t.run({
			parameters: imageToImage('edit', '', { imageUrls: `${base}/cat.png`, numberOfImages: 3, concurrency: 1 }),
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		expect(t.emu.requests).toHaveLength(3);
		expect(downloads).toBe(1);
	});
});

describe('version 2: one limiter per account', () => {
	it("a run's requests wait in its credential's limiter while other runs of that account hold every slot", async () => {
		// The harness's credential is 'cred-1'; its limiter for this Base URL, as another execution would share it.
		const account = limiterFor(`cred-1 ${t.emu.url}`, LIMITS.v2MaxConcurrency);
		const held: Permit[] = [];
		while (account.inFlight < account.level) held.push((await account.acquire()) as Permit);
		const running = t.run({ typeVersion: 2, parameters: textToImage('queued') });
		try {
			for (let i = 0; i < 300 && account.waiters.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
			expect(account.waiters).toHaveLength(1);
			expect(t.emu.requests).toHaveLength(0);
		} finally {
			// Released whatever happened: a failed check must not leave the run waiting for ever.
			for (const permit of held) account.release(permit, 'other');
		}
		const result = await running;
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(t.emu.requests).toHaveLength(1);
	});

	it('Stop (the execution cancelled) takes its queued requests out of the limiter at once, none is sent', async () => {
		const account = limiterFor(`cred-1 ${t.emu.url}`, LIMITS.v2MaxConcurrency);
		const held: Permit[] = [];
		while (account.inFlight < account.level) held.push((await account.acquire()) as Permit);
		const stop = new AbortController();
		let settled = false;
		const running = t.run({ typeVersion: 2, parameters: textToImage('queued'), abortSignal: stop.signal }).finally(() => (settled = true));
		try {
			for (let i = 0; i < 300 && account.waiters.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
			expect(account.waiters).toHaveLength(1);
			stop.abort();
			// Every slot is still held by the others: the run ends only if the cancel took it out of the queue.
			for (let i = 0; i < 300 && !settled; i++) await new Promise((r) => setTimeout(r, 10));
			expect(settled).toBe(true);
			expect(account.waiters).toHaveLength(0);
		} finally {
			for (const permit of held) account.release(permit, 'other');
			await running;
		}
		expect(t.emu.requests).toHaveLength(0);
	});
});
