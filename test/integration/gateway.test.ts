/**
 * The node against a gateway as strict as the real one (emulator/strict.js), and the faults a
 * kind emulator let through: a body not declared as JSON, unknown and non-image models, a body over the
 * gateway's limit, a chat answer that is not streamed, streams cut between two events, 429 and 400 inside a
 * stream, a Retry-After longer than the node waits, credit spent after a failure, Number of Images past its
 * limit.
 */
import { images, imageToImage, model, sha256, textToImage, useEmulator } from './setup';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startEmulator } = require('../../emulator/server');

const t = useEmulator();
const chat = (options: object = {}) => ({ apiFormat: 'openAiChat', ...options });
const generations = () => t.emu.requests.filter((r: any) => r.route !== 'models');
const streamedRoutes: Array<[string, object]> = [
	['native streamed', { streaming: true }],
	['chat', chat()],
];
const allRoutes: Array<[string, object]> = [['native', {}], ...streamedRoutes];

describe('a strict gateway', () => {
	it.each(allRoutes)('%s: the body is declared as JSON (the gateway reads no other)', async (_route, options) => {
		const png = images.solidPng(8, 8, [1, 2, 3]).buffer as Buffer;
		const result = await t.run({ parameters: imageToImage('edit', 'data', options), items: [{ binary: { data: { data: png } } }] });
		expect(result.error).toBeUndefined();
		expect(t.emu.requests[0].headers['content-type']).toMatch(/^application\/json\b/);
		expect(t.emu.requests[0].imagesReceived.map((i: any) => i.sha256)).toEqual([sha256(png)]);
	});

	it.each(allRoutes)(
		'%s: a model the gateway does not know is 503 model_not_found, sent once, with the models to pick from',
		async (_route, options) => {
			const result = await t.run({ parameters: textToImage('x', options, { model: model('gemini-4-ultra-image') }) });
			expect(result.error?.message).toMatch(
				/^CometAPI answered 503 Service Unavailable: model_not_found: no available channel for model gemini-4-ultra-image \(request id: \d+[0-9a-f]+\) \[item 0\]$/,
			);
			expect((result.error as any).description).toMatch(
				/^Check the model name \("gemini-4-ultra-image"\): .* Image models on this account, newest first: gemini-nano-banana-2\.1 /,
			);
			expect(generations()).toHaveLength(1);
		},
	);

	it.each([
		[
			'native',
			'gemini-2.5-pro',
			{},
			/^CometAPI answered 400 Bad Request: Model gemini-2\.5-pro does not support the requested response modalities: image\./,
		],
		[
			'chat',
			'gpt-4o',
			chat(),
			/^CometAPI answered 400 Bad Request: Model gpt-4o does not support the requested response modalities: image\./,
		],
	])('%s: %s, a model that makes no images, is a 400, sent once', async (_route, name, options, message) => {
		const result = await t.run({ parameters: textToImage('x', options, { model: model(name) }) });
		expect(result.error?.message).toMatch(message);
		expect((result.error as any).description).toMatch(/^The API rejected the request/);
		expect(t.emu.requests.map((r: any) => r.outcome)).toEqual(['not-image-model']);
	});

	it("a body over the gateway's 32 MB is a 413, sent once, that says to send smaller images", async () => {
		const big = images.sizedPng(13 * 1024 * 1024).buffer as Buffer;
		const result = await t.run({
			parameters: imageToImage('edit', 'a, b', { maxInputMb: 40 }),
			items: [{ binary: { a: { data: big }, b: { data: big } } }],
		});
		expect(result.error?.message).toMatch(
			/^CometAPI answered 413 Payload Too Large: request entity too large \(request id: \w+\) \[item 0\]$/,
		);
		expect((result.error as any).description).toMatch(/^The request is too large: send fewer or smaller input images/);
		expect(t.emu.requests.map((r: any) => r.outcome)).toEqual(['too-large']);
	}, 20_000);
});

describe('retired models', () => {
	let strict: { url: string; requests: any[]; close(): Promise<void> };
	beforeAll(async () => {
		strict = await startEmulator({ port: 0, apiKey: 'sk-strict-0123456789', knownModelsOnly: true });
	});
	afterAll(async () => await strict.close());

	it('a version 1 node on its default model, once the gateway has dropped it, is told which models to use instead', async () => {
		const { runNode } = await import('../harness/runNode');
		const result = await runNode({
			typeVersion: 1,
			credentials: { apiKey: 'sk-strict-0123456789', baseUrl: strict.url },
			parameters: { operation: 'textToImage', prompt: 'a fox' },
		});
		expect(result.error?.message).toMatch(
			/^CometAPI answered 503 Service Unavailable: model_not_found: no available channel for model gemini-2\.5-flash-image /,
		);
		expect((result.error as any).description).toBe(
			'Check the model name ("gemini-2.5-flash-image"): pick one from the list, or check the spelling of the ID. Image models on this account, newest first: ' +
				'gemini-nano-banana-2.1 (Nano Banana 2.1), gemini-3.1-flash-lite-image (Nano Banana 2 Lite), gemini-3.1-flash-image (Nano Banana 2), gemini-3-pro-image (Nano Banana Pro).',
		);
		expect(strict.requests.map((r: any) => r.route)).toEqual(['native', 'models']);
	});
});

describe('a chat route that does not stream', () => {
	it('is read from its one JSON answer: the image and the text, whatever the node asked for', async () => {
		const result = await t.run({ parameters: textToImage('[emu:nostream] a fox', chat()) });
		expect(result.error).toBeUndefined();
		const [req] = t.emu.requests;
		expect(req.body.stream).toBe(true);
		expect(req.streamed).toBe(false);
		expect(sha256(result.items[0].binary!.data.data)).toBe(req.imagesSent[0].sha256);
		expect(result.items[0].json).toMatchObject({ text: 'Here is your image.', finishReason: 'STOP', mimeType: 'image/png' });
	});

	it('reads images arrays and skips drafts there too', async () => {
		const arr = await t.run({ parameters: textToImage('[emu:nostream] [emu:images-array] x', chat()) });
		expect(sha256(arr.items[0].binary!.data.data)).toBe(t.emu.requests[0].imagesSent[0].sha256);
		t.emu.reset();
		const thoughts = await t.run({ parameters: textToImage('[emu:nostream] [emu:thoughts] x', chat()) });
		expect(thoughts.items).toHaveLength(1);
		expect(sha256(thoughts.items[0].binary!.data.data)).toBe(t.emu.requests[0].imagesSent.find((i: any) => i.role === 'final').sha256);
	});

	it('a refusal there is explained', async () => {
		const result = await t.run({ parameters: textToImage('[emu:nostream] [emu:content-filter]', chat()) });
		expect(result.error?.message).toMatch(/^The model refused to make the image \(CONTENT_FILTER\)\. \[item 0\]$/);
	});
});

describe('a stream cut between two events', () => {
	it.each(streamedRoutes)('%s: is not taken for a whole answer: it is retried', async (_route, options) => {
		const result = await t.run({ parameters: textToImage('[emu:cut=1] x', options) });
		expect(result.error).toBeUndefined();
		expect(t.emu.requests.map((r: any) => r.outcome)).toEqual(['cut', 'answered']);
		expect(sha256(result.items[0].binary!.data.data)).toBe(t.emu.requests[1].imagesSent[0].sha256);
	});

	it.each(streamedRoutes)('%s: the last one says the answer was incomplete', async (_route, options) => {
		const result = await t.run({ parameters: textToImage('[emu:cut=2] x', { ...options, maxRetries: 1 }) });
		expect(result.error?.message).toBe(
			"CometAPI's answer could not be read: the JSON was incomplete or malformed (gave up after 2 attempts) [item 0]",
		);
		expect((result.error as any).description).toBe('The connection was probably cut while the answer was on its way: try again.');
		expect(result.items).toHaveLength(0);
	});
});

describe('a stream whose connection stays open after its end', () => {
	it('chat: the answer is read at [DONE], without waiting for the connection to close; the node closes it', async () => {
		const started = Date.now();
		const result = await t.run({ parameters: textToImage('[emu:linger] x', chat({ timeout: 3, maxRetries: 0 })) });
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeLessThan(2500);
		expect(sha256(result.items[0].binary!.data.data)).toBe(t.emu.requests[0].imagesSent[0].sha256);
		for (let i = 0; i < 100 && t.emu.requests[0].durationMs === null; i++) await new Promise((resolve) => setTimeout(resolve, 20));
		expect(t.emu.requests[0].durationMs).not.toBeNull();
	});

	it.each(streamedRoutes)('%s: an error event is the end: reported at once', async (_route, options) => {
		const started = Date.now();
		const result = await t.run({ parameters: textToImage('[emu:linger] [emu:streamerror=400x1] x', { ...options, timeout: 3 }) });
		expect(result.error?.message).toBe('CometAPI answered 400 Bad Request: Request contains an invalid argument. [item 0]');
		expect(Date.now() - started).toBeLessThan(2500);
	});
});

describe('errors inside a stream', () => {
	it.each(streamedRoutes)('%s: a 429 is a rate limit: retried, then the image', async (_route, options) => {
		const result = await t.run({ parameters: textToImage('[emu:streamerror=429x1] x', options) });
		expect(result.error).toBeUndefined();
		expect(t.emu.requests.map((r: any) => r.outcome)).toEqual(['streamerror-429', 'answered']);
		expect(sha256(result.items[0].binary!.data.data)).toBe(t.emu.requests[1].imagesSent[0].sha256);
	});

	it.each(streamedRoutes)('%s: a 429 the node gives up on says to lower Concurrency', async (_route, options) => {
		const result = await t.run({ parameters: textToImage('[emu:streamerror=429x3] x', { ...options, maxRetries: 1 }) });
		expect(result.error?.message).toBe(
			'CometAPI answered 429 Too Many Requests: Resource has been exhausted (e.g. check quota). (gave up after 2 attempts) [item 0]',
		);
		expect((result.error as any).description).toBe('Rate limited: lower Concurrency in the options, or wait and run again.');
	});

	it.each(streamedRoutes)('%s: a 400 is final: sent once, described as a rejected request', async (_route, options) => {
		const result = await t.run({ parameters: textToImage('[emu:streamerror=400x1] x', options) });
		expect(result.error?.message).toBe('CometAPI answered 400 Bad Request: Request contains an invalid argument. [item 0]');
		expect((result.error as any).description).toMatch(/^The API rejected the request: check the options/);
		expect(t.emu.requests).toHaveLength(1);
	});

	it('a 400 in a chat answer that is not streamed is final too', async () => {
		const result = await t.run({ parameters: textToImage('[emu:nostream] [emu:streamerror=400x1] x', chat()) });
		expect(result.error?.message).toBe('CometAPI answered 400 Bad Request: Request contains an invalid argument. [item 0]');
		expect(t.emu.requests).toHaveLength(1);
	});
});

describe('what a run may cost', () => {
	it('a Retry-After longer than the node waits (10 minutes) is reported at once, not waited for', async () => {
		const started = Date.now();
		const result = await t.run({ parameters: textToImage('[emu:fail=429x1] [emu:retryafter=600] x') });
		expect(result.error?.message).toMatch(/^CometAPI answered 429 Too Many Requests: rate limit exceeded/);
		expect((result.error as any).description).toBe(
			'The API asked to wait 600 s, longer than this node waits. Rate limited: lower Concurrency in the options, or wait and run again.',
		);
		expect(t.emu.requests).toHaveLength(1);
		expect(Date.now() - started).toBeLessThan(60_000);
	});

	it('without Continue On Fail, no request starts after the first failure', async () => {
		const result = await t.run({
			parameters: textToImage('={{ $json.p }}', { concurrency: 1 }),
			items: [{ json: { p: 'first [emu:error-400-google]' } }, { json: { p: 'second' } }, { json: { p: 'third' } }],
		});
		expect(result.error?.message).toMatch(/^CometAPI answered 400 Bad Request: Request contains an invalid argument\. \[item 0\]$/);
		expect(t.emu.requests.map((r: any) => r.asked.promptText)).toEqual(['first [emu:error-400-google]']);
	});

	it("without Continue On Fail, an item's other images are not asked for after one failed", async () => {
		const result = await t.run({ parameters: textToImage('[emu:error-400-google] x', { numberOfImages: 3, concurrency: 1 }) });
		expect(result.error?.message).toMatch(/^CometAPI answered 400 Bad Request/);
		expect(t.emu.requests).toHaveLength(1);
	});

	it('with Continue On Fail the other items still run', async () => {
		const result = await t.run({
			parameters: textToImage('={{ $json.p }}', { concurrency: 1 }),
			items: [{ json: { p: 'first [emu:error-400-google]' } }, { json: { p: 'second' } }],
			continueOnFail: true,
		});
		expect(result.items.map((i) => (i.binary ? 'image' : i.json.error))).toEqual([
			'CometAPI answered 400 Bad Request: Request contains an invalid argument. [item 0]',
			'image',
		]);
		expect(t.emu.requests).toHaveLength(2);
	});

	it.each([
		['100', 8],
		['0', 1],
		['-3', 1],
		['2.7', 2],
		['"lots"', 1],
	])('Number of Images %s sends %i requests', async (value, requests) => {
		const result = await t.run({ parameters: textToImage('x', { numberOfImages: `={{ ${value} }}` }) });
		expect(result.error).toBeUndefined();
		expect(t.emu.requests).toHaveLength(requests);
		expect(result.items).toHaveLength(requests);
	});
});

describe('options checked before any request', () => {
	it.each([
		[
			'an Aspect Ratio no model takes',
			textToImage('x', { aspectRatio: '={{ "7:5" }}' }),
			'Aspect Ratio "7:5" is not supported [item 0]',
			/^Use one of 1:1, 2:3, .*, or leave it empty/,
		],
		[
			'an Image Size no model takes',
			textToImage('x', { imageSize: '={{ "3K" }}' }),
			'Image Size "3K" is not supported [item 0]',
			/^Use one of 512, 1K, 2K, 4K, or leave it empty/,
		],
		[
			'an empty model',
			textToImage('x', {}, { model: model('={{ "" }}') }),
			'Model is empty [item 0]',
			/^Pick a model from the list or type a model ID/,
		],
		['a model of spaces', textToImage('x', {}, { model: model('   ') }), 'Model is empty [item 0]', /^Pick a model/],
		[
			'a temperature that is not a number',
			textToImage('x', { temperature: '={{ "warm" }}' }),
			'Option temperature must be a number, got "warm" [item 0]',
			/^Check the expression/,
		],
	])('%s', async (_name, parameters, message, description) => {
		const result = await t.run({ parameters });
		expect(result.error?.message).toBe(message);
		expect((result.error as any).description).toMatch(description);
		expect(t.emu.requests).toHaveLength(0);
	});
});
