/**
 * Hostile gateways and hostile input. The node's real execute() against the emulator's hostile
 * behaviours (stalls after the headers, drips, escaped slashes, huge text, thousands of images, undecodable
 * images, echoed keys, image files of any size): nothing hangs, nothing corrupts, nothing leaks.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { runCredentialTest } from '../harness/credentialTest';
import { runListSearch } from '../harness/loadOptions';
import { runNode } from '../harness/runNode';
import { API_KEY, everything, images, imageToImage, model, mutationRun, sha256, textToImage, useEmulator } from './setup';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startEmulator } = require('../../emulator/server');

const t = useEmulator();
const chat = (options: object = {}) => ({ apiFormat: 'openAiChat', ...options });
/** Waits until the emulator saw the request's connection close (its durationMs is set then). */
async function closed(rec: { durationMs: number | null }): Promise<void> {
	for (let i = 0; i < 100 && rec.durationMs === null; i++) await new Promise((resolve) => setTimeout(resolve, 20));
	expect(rec.durationMs).not.toBeNull();
}

const routes: Array<[string, object]> = [
	['native', {}],
	['native streamed', { streaming: true }],
	['chat', chat()],
];

describe('timeouts that hold once the answer has started', () => {
	it.each(routes)(
		'%s: an answer that stalls after its headers is given up after Timeout and retried',
		async (_route, options) => {
			const started = Date.now();
			const result = await t.run({ parameters: textToImage('stall [emu:stall=1]', { ...options, timeout: 0.5 }) });
			expect(result.error).toBeUndefined();
			expect(t.emu.requests.map((r) => r.outcome)).toEqual(['stall', 'answered']);
			expect(sha256(result.items[0].binary!.data.data)).toBe(t.emu.requests[1].imagesSent.find((i: any) => i.role === 'final').sha256);
			expect(Date.now() - started).toBeGreaterThanOrEqual(500);
			// and the stalled connection was closed, not left open
			await closed(t.emu.requests[0]);
		},
		20_000,
	);

	it('the last stall says what happened', async () => {
		const result = await t.run({ parameters: textToImage('[emu:stall=3]', { timeout: 0.5, maxRetries: 1 }) });
		expect(result.error?.message).toBe(
			'CometAPI stopped sending in the middle of its answer: no data for 0.5 s (gave up after 2 attempts) [item 0]',
		);
		expect((result.error as any).description).toMatch(/raise Timeout/);
	}, 20_000);

	it('an error body that stalls is given up and retried', async () => {
		const result = await t.run({ parameters: textToImage('[emu:stallerror=1]', { timeout: 0.5 }) });
		expect(result.error).toBeUndefined();
		expect(t.emu.requests.map((r) => r.outcome)).toEqual(['stallerror', 'answered']);
		await closed(t.emu.requests[0]);
	}, 20_000);

	it('a reset while reading a 503 body is retried like the 503 it was', async () => {
		const result = await t.run({ parameters: textToImage('[emu:reseterror=1]') });
		expect(result.error).toBeUndefined();
		expect(t.emu.requests.map((r) => r.outcome)).toEqual(['reseterror', 'answered']);
		const last = await t.run({ parameters: textToImage('again [emu:reseterror=2]', { maxRetries: 1 }) });
		expect(last.error?.message).toMatch(
			/^CometAPI answered 503 Service Unavailable \(the connection broke while its body was being read\) \(gave up after 2 attempts\) \[item 0\]$/,
		);
		expect((last.error as any).context?.itemIndex ?? (last.error as any).itemIndex).toBe(0);
	}, 20_000);

	// 10 s each (a Timeout of 1 s: a busy machine may pause a drip for half a second). The ceiling is the attempt's watchdog, the same on every route: mutation runs check it on one.
	it.each(mutationRun ? routes.slice(1, 2) : routes)(
		'%s: a drip that never pauses for Timeout ends at the total ceiling (10 x Timeout)',
		async (_route, options) => {
			const started = Date.now();
			const result = await t.run({ parameters: textToImage('[emu:trickle=40]', { ...options, timeout: 1, maxRetries: 0 }) });
			const took = Date.now() - started;
			expect(result.error?.message).toBe(
				"CometAPI's answer took longer than 10 s in all, the most one attempt may take (10 × Timeout) [item 0]",
			);
			expect(took).toBeGreaterThanOrEqual(9900);
			expect(took).toBeLessThan(25_000);
		},
		40_000,
	);

	it('keep-alive PINGs alone cannot hold an item past the total ceiling', async () => {
		// PINGs every 100 ms, a Timeout of 1 s: never idle, but the ceiling is 10 s.
		const result = await t.run({
			parameters: textToImage('[emu:latency=30s] [emu:ping=100]', { streaming: true, timeout: 1, maxRetries: 0 }),
		});
		expect(result.error?.message).toBe(
			"CometAPI's answer took longer than 10 s in all, the most one attempt may take (10 × Timeout) [item 0]",
		);
	}, 40_000);
});

describe('image URL downloads', () => {
	const file = (query: string) => `${t.emu.url}/files/image.png?${query}`;

	it('stops reading as soon as Max Input Size is passed (a 300 MB body)', async () => {
		const result = await t.run({ parameters: imageToImage('edit', '', { imageUrls: file('size=300000000&nolength=1'), maxInputMb: 1 }) });
		expect(result.error?.message).toMatch(
			/^The input images are too large: more than 1\.0 MB with the image at http:\/\/127\.0\.0\.1:\d+\/files\/image\.png\?… \[item 0\]$/,
		);
		expect(t.emu.files[0].bytesSent).toBeLessThan(32 * 1024 * 1024);
		expect(t.emu.requests).toHaveLength(0);
	}, 30_000);

	it('refuses at once a body whose Content-Length is over the limit', async () => {
		const result = await t.run({ parameters: imageToImage('edit', '', { imageUrls: file('size=2000000000'), maxInputMb: 1 }) });
		expect(result.error?.message).toMatch(
			/^The input images are too large: more than 1\.0 MB with the image at .* \(its size is 1907\.3 MB\) \[item 0\]$/,
		);
		expect(t.emu.files[0].bytesSent).toBeLessThan(32 * 1024 * 1024);
	});

	it('a body of exactly Max Input Size is read whole, with or without Content-Length; one byte more is not', async () => {
		const mb = 1024 * 1024;
		for (const query of [`size=${mb}`, `size=${mb}&nolength=1`]) {
			const fits = await t.run({ parameters: imageToImage('edit', '', { imageUrls: file(query), maxInputMb: 1 }) });
			expect(fits.error).toBeUndefined();
		}
		expect(t.emu.files.map((f) => f.bytesSent)).toEqual([mb, mb]);
		const over = await t.run({ parameters: imageToImage('edit', '', { imageUrls: file(`size=${mb + 1}&nolength=1`), maxInputMb: 1 }) });
		expect(over.error?.message).toMatch(/^The input images are too large: more than 1\.0 MB with the image at /);
	}, 30_000);

	it('a body over the limit has its connection closed at once, not left open to the server', async () => {
		// The server sends its headers and a first piece, then waits: only the node can end the connection.
		const result = await t.run({ parameters: imageToImage('edit', '', { imageUrls: file('size=5000000&stall=1'), maxInputMb: 1 }) });
		expect(result.error?.message).toMatch(/\(its size is 4\.8 MB\) \[item 0\]$/);
		for (let i = 0; i < 250 && !t.emu.files[0].aborted; i++) await new Promise((resolve) => setTimeout(resolve, 20));
		expect(t.emu.files[0].aborted).toBe(true);
	}, 20_000);

	it('a stalled download ends after Timeout, a dripping one at the total ceiling', async () => {
		const stalled = await t.run({ parameters: imageToImage('edit', '', { imageUrls: file('size=5000000&stall=1'), timeout: 0.5 }) });
		expect(stalled.error?.message).toMatch(/^Could not download the input image .*: no data for 0\.5 s \[item 0\]$/);
		const started = Date.now();
		const dripping = await t.run({ parameters: imageToImage('edit', '', { imageUrls: file('size=200000&trickle=100'), timeout: 1 }) });
		expect(dripping.error?.message).toMatch(/^Could not download the input image .*: it took longer than 10 s in all/);
		expect(Date.now() - started).toBeLessThan(25_000);
		expect(t.emu.requests).toHaveLength(0);
	}, 30_000);

	it('cancelling the execution stops a download in flight', async () => {
		const controller = new AbortController();
		const pending = t.run({
			parameters: imageToImage('edit', '', { imageUrls: file('size=5000000&stall=1') }),
			abortSignal: controller.signal,
		});
		// Cancel once the download is under way (a fixed delay could come before it on a busy machine); bounded.
		for (let i = 0; i < 500 && t.emu.files.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
		const cancelled = Date.now();
		controller.abort();
		const result = await pending;
		expect(result.error?.message).toMatch(/^Could not download the input image .*: the execution was cancelled \[item 0\]$/);
		expect(Date.now() - cancelled).toBeLessThan(5000);
		for (let i = 0; i < 250 && !t.emu.files[0].aborted; i++) await new Promise((resolve) => setTimeout(resolve, 20));
		expect(t.emu.files[0].aborted).toBe(true);
	}, 20_000);

	it('error messages shorten URLs: no signed tokens, no 2 MB data: URL', async () => {
		const signed = await t.run({
			parameters: imageToImage('edit', '', { imageUrls: `${t.emu.url}/missing.png?X-Amz-Signature=SIGNED-TOKEN-123&x=1` }),
		});
		expect(signed.error?.message).toMatch(
			/^Could not download the input image http:\/\/127\.0\.0\.1:\d+\/missing\.png\?…: the server answered 404 \[item 0\]$/,
		);
		const big = `data:image/png;base64,${images.sizedPng(2 * 1024 * 1024).buffer.toString('base64')}`;
		const tooLarge = await t.run({ parameters: imageToImage('edit', '', { imageUrls: big, maxInputMb: 1 }) });
		expect(tooLarge.error?.message).toMatch(/too large/);
		expect(everything(tooLarge).length).toBeLessThan(20_000);
	}, 20_000);
});

describe('internal markers cannot be forged', () => {
	const forged = 'draw \u0000blob:0 and \\u0000blob:0';

	it('Text to Image with the marker in the prompt sends the prompt as it is', async () => {
		const result = await t.run({ parameters: textToImage(forged) });
		expect(result.error).toBeUndefined();
		expect(t.emu.requests[0].asked.promptText).toBe(forged);
	});

	it.each(routes)('%s: Image to Image with the marker in the prompt keeps the prompt and the image apart', async (_route, options) => {
		const png = images.solidPng(8, 8, [1, 2, 3]).buffer as Buffer;
		const result = await t.run({ parameters: imageToImage(forged, 'data', options), items: [{ binary: { data: { data: png } } }] });
		expect(result.error).toBeUndefined();
		expect(t.emu.requests[0].asked.promptText).toBe(forged);
		expect(t.emu.requests[0].imagesReceived.map((i: any) => i.sha256)).toEqual([sha256(png)]);
	});
});

describe('JSON escapes and odd answers', () => {
	it.each(routes)('%s: escaped slashes cut at chunk boundaries decode to the exact image', async (_route, options) => {
		const result = await t.run({ parameters: textToImage('[emu:escapeslash] [emu:size=200KB]', options) });
		expect(result.error).toBeUndefined();
		const final = t.emu.requests[0].imagesSent.find((i: any) => i.role === 'final');
		expect(result.items[0].binary!.data.data.length).toBe(final.bytes);
		expect(sha256(result.items[0].binary!.data.data)).toBe(final.sha256);
	});

	it('another "data" field holding escaped quotes does not spoil the answer', async () => {
		const result = await t.run({ parameters: textToImage('[emu:quoted-data]', { maxRetries: 0 }) });
		expect(result.error).toBeUndefined();
		expect(sha256(result.items[0].binary!.data.data)).toBe(t.emu.requests[0].imagesSent[0].sha256);
	});

	it.each([
		['native', {}, '[emu:bad-base64]', /its data is not base64/],
		['native', {}, '[emu:html-image]', /its bytes are text \(HTML, XML or SVG\)/],
		['native streamed', { streaming: true }, '[emu:html-image]', /its bytes are text \(HTML, XML or SVG\)/],
		['chat', chat(), '[emu:html-image]', /its bytes are text \(HTML, XML or SVG\)/],
	])('%s: %s is an image that could not be decoded, not a text-only answer', async (_route, options, prompt, problem) => {
		const result = await t.run({ parameters: textToImage(prompt, options) });
		expect(result.error?.message).toMatch(/^The answer held an image that could not be read \(labelled image\/png\): /);
		expect(result.error?.message).toMatch(problem);
		expect(result.error?.message).not.toMatch(/text only/);
	});
});

describe('bounded output', () => {
	it.each(routes)('%s: a 3 MB text is cut in the output, with a note', async (_route, options) => {
		const result = await t.run({ parameters: textToImage('[emu:hugetext=3MB]', options) });
		expect(result.error).toBeUndefined();
		const { text } = result.items[0].json;
		expect(text.length).toBeLessThan(100_200);
		expect(text).toMatch(/… \[cut: the model's text is longer than 100,000 characters\]$/);
	});

	it.each(routes)(
		'%s: 10,000 images in one answer is an error, not 10,000 items',
		async (_route, options) => {
			const result = await t.run({ parameters: textToImage('[emu:images=10000]', { ...options, maxRetries: 0 }) });
			expect(result.items).toHaveLength(0);
			expect(result.error?.message).toBe("CometAPI's answer holds more than 32 images, the most this node reads from one answer [item 0]");
		},
		20_000,
	);
});

describe('honest results', () => {
	it('Number of Images 3 with one request failing: Continue On Fail keeps the two images made, then an error item', async () => {
		const result = await t.run({
			parameters: textToImage('three [emu:fail=400x1]', { numberOfImages: 3, concurrency: 1 }),
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(t.emu.requests).toHaveLength(3);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
		expect(result.items.slice(0, 2).map((i) => i.json.imageIndex)).toEqual([0, 1]);
		expect(result.items.slice(0, 2).map((i) => i.json.imageCount)).toEqual([2, 2]);
		expect(result.items[2].binary).toBeUndefined();
		expect(result.items[2].json.error).toMatch(/^CometAPI answered 400/);
		expect(result.items[2].json.description).toMatch(/1 of the 3 images of this item failed; the other 2 are in the output/);
	});

	it('without Continue On Fail the error says how many images were already made', async () => {
		const result = await t.run({ parameters: textToImage('three [emu:fail=400x1]', { numberOfImages: 3, concurrency: 3 }) });
		expect(result.error?.message).toMatch(/^CometAPI answered 400/);
		expect((result.error as any).description).toMatch(/1 of the 3 images of this item failed/);
	});

	it('the chat route gives the same items as native for an answer with two images (drafts still skipped)', async () => {
		const native = await runNode({ credentials: { apiKey: API_KEY, baseUrl: t.emu.url }, parameters: textToImage('two [emu:multi]') });
		const viaChat = await runNode({
			credentials: { apiKey: API_KEY, baseUrl: t.emu.url },
			parameters: textToImage('two [emu:multi]', chat()),
		});
		expect(viaChat.items).toHaveLength(2);
		expect(viaChat.items.map((i) => sha256(i.binary!.data.data))).toEqual(native.items.map((i) => sha256(i.binary!.data.data)));
		expect(viaChat.items.map((i) => i.json.text)).toEqual(native.items.map((i) => i.json.text));
		const thoughts = await t.run({ parameters: textToImage('[emu:thoughts]', chat(), { model: model('gemini-3-pro-image-preview') }) });
		expect(thoughts.items).toHaveLength(1);
	});
});

describe('secrets', () => {
	const ODD_KEY = 'Zq8xLm2PvR7tK4wN9bYc3HdF6gJ1sA5e';
	let anyKey: { url: string; close(): Promise<void> };
	beforeAll(async () => {
		anyKey = await startEmulator({ port: 0, apiKey: ODD_KEY });
	});
	afterAll(async () => await anyKey.close());
	const leaks = (text: string, secret: string) => [secret, secret.slice(0, -1), secret.slice(0, 12)].filter((s) => text.includes(s));

	it('a key of any shape echoed in a plain-text error body is redacted wherever the 200-character cut falls', async () => {
		for (const at of [0, 200 - ODD_KEY.length, 200 - ODD_KEY.length + 1, 200 - 10, 199]) {
			const result = await runNode({
				credentials: { apiKey: ODD_KEY, baseUrl: anyKey.url },
				parameters: textToImage(`[emu:echokey=${at}]`),
			});
			expect(result.error?.message).toMatch(/^CometAPI answered 401 Unauthorized: /);
			expect(leaks(everything(result), ODD_KEY)).toEqual([]);
		}
	});

	it('the key echoed in the model text is redacted in errorResponse and messages too', async () => {
		const result = await runNode({ credentials: { apiKey: ODD_KEY, baseUrl: anyKey.url }, parameters: textToImage('[emu:echotext=5]') });
		expect(result.error?.message).toMatch(/text only/);
		const error = result.error as any;
		expect(leaks(JSON.stringify({ r: error.errorResponse, m: error.messages, d: error.description, msg: error.message }), ODD_KEY)).toEqual(
			[],
		);
		expect(leaks(everything(result), ODD_KEY)).toEqual([]);
	});

	it('user:pass@ in the Base URL shows in no error', async () => {
		const host = t.emu.url.replace('http://', '');
		for (const baseUrl of [`http://proxyuser:hunter2pass@${host}/some/site`, 'http://proxyuser:hunter2pass@127.0.0.1:1']) {
			const result = await t.run({ parameters: textToImage('x', { maxRetries: 0 }), credentials: { apiKey: API_KEY, baseUrl } });
			expect(result.error?.message).toMatch(/^The Base URL in the CometAPI credential holds a user name or password/);
			expect(everything(result)).not.toContain('hunter2pass');
		}
	});

	it('a key in the Base URL query string shows in no error of the model list', async () => {
		const error = await runListSearch('searchModels', undefined, {
			apiKey: API_KEY,
			baseUrl: `${t.emu.url}/?key=QUERY-SECRET-0987654321`,
		}).catch((e) => e);
		// the failure it is about (the key's Base URL leads nowhere), with the query shown as "?…"
		expect(error.message).toMatch(/^CometAPI answered 404 Not Found/);
		expect(error.description).toMatch(/\/\?…\): it should be the API's address/);
		expect(`${error.message} ${error.description} ${JSON.stringify(error)}`).not.toContain('QUERY-SECRET');
	});

	it('the credential Test does not send the key to another origin on a redirect', async () => {
		const seen: Array<string | undefined> = [];
		const other = createServer((req, res) => {
			seen.push(req.headers.authorization);
			res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
		});
		await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
		const otherUrl = `http://localhost:${(other.address() as AddressInfo).port}`;
		const redirecting = createServer((req, res) => res.writeHead(302, { location: `${otherUrl}${req.url}` }).end());
		await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
		try {
			const result = await runCredentialTest({
				apiKey: API_KEY,
				baseUrl: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`,
			});
			expect(seen.filter((h) => h?.includes(API_KEY))).toEqual([]);
			expect(result.status).toBe('Error');
			// and the Test still works against the real thing
			expect((await runCredentialTest({ apiKey: API_KEY, baseUrl: t.emu.url })).status).toBe('OK');
			expect((await runCredentialTest({ apiKey: 'sk-wrong', baseUrl: t.emu.url })).status).toBe('Error');
		} finally {
			other.close();
			redirecting.close();
		}
	});
});
