/**
 * Node version 2, the one new nodes get: today's default model, input images from data fields, binary
 * objects (n8n's own tooltip expression) or URLs as a visible choice, Options apart from Request Settings,
 * the input item's fields kept, errors that name their item, and execution hints.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { images, sha256, useEmulator } from './setup';

const t = useEmulator();
const png = (rgb = [10, 20, 30]) => images.solidPng(16, 12, rgb).buffer as Buffer;
const run2 = (parameters: Record<string, unknown>, extra: object = {}) => t.run({ typeVersion: 2, parameters, ...extra });
// The test's image server is on loopback, which version 2 refuses by default unless it is allowed on purpose.
const LOOPBACK_ALLOWED = { allowedPrivateHosts: '127.0.0.1' };
const generations = () => t.emu.requests.filter((r: any) => r.route !== 'models');

describe('version 2: text to image', () => {
	it("starts on a model CometAPI serves today, and keeps the input item's fields", async () => {
		const result = await run2(
			{ operation: 'textToImage', prompt: '={{ "Product photo of " + $json.title }}' },
			{ items: [{ json: { sku: 'MUG-001', title: 'a blue mug', text: 'from the input' } }] },
		);
		expect(result.error).toBeUndefined();
		const [req] = generations();
		expect(req.path).toBe('/v1beta/models/gemini-3.1-flash-image:generateContent');
		expect(req.asked.promptText).toBe('Product photo of a blue mug');
		const [item] = result.items;
		expect(item.json).toMatchObject({ sku: 'MUG-001', title: 'a blue mug', model: 'gemini-3.1-flash-image', imageIndex: 0, imageCount: 1 });
		// the image's own field wins where a name is the same
		expect(item.json.text).toBe('Here is your image.');
		expect(sha256(item.binary!.data.data)).toBe(req.imagesSent[0].sha256);
	});

	it('leaves the input fields out with Include Input Fields off', async () => {
		const result = await run2(
			{ operation: 'textToImage', prompt: 'x', options: { includeInputFields: false } },
			{ items: [{ json: { sku: 'MUG-001' } }] },
		);
		expect(result.items[0].json.sku).toBeUndefined();
		expect(result.items[0].json.model).toBe('gemini-3.1-flash-image');
	});

	it('reads creative options from Options and request settings from Request Settings', async () => {
		const result = await run2({
			operation: 'textToImage',
			prompt: 'wide',
			model: { __rl: true, mode: 'list', value: 'gemini-3-pro-image' },
			options: { aspectRatio: '16:9', imageSize: '2K', seed: 7 },
			requestSettings: { apiFormat: 'openAiChat', maxRetries: 0 },
		});
		expect(result.error).toBeUndefined();
		const [req] = generations();
		expect(req.path).toBe('/v1/chat/completions');
		expect(req.body.extra_body.google.image_config).toEqual({ aspect_ratio: '16:9', image_size: '2K' });
		expect(req.body.seed).toBe(7);
	});

	it('ignores a request setting put in Options, as n8n drops what the version does not show', async () => {
		const result = await run2({ operation: 'textToImage', prompt: 'x', options: { apiFormat: 'openAiChat' } });
		expect(result.error).toBeUndefined();
		expect(generations()[0].route).toBe('native');
	});

	it('honours Concurrency from Request Settings', async () => {
		const prompts = Array.from({ length: 6 }, (_, i) => `c${i} [emu:latency=300]`);
		const result = await run2(
			{ operation: 'textToImage', prompt: '={{ $json.p }}', requestSettings: { concurrency: 2 } },
			{ items: prompts.map((p) => ({ json: { p } })) },
		);
		expect(result.error).toBeUndefined();
		expect(generations()).toHaveLength(6);
		// The emulator's own count of requests open at once (not timestamps in whole milliseconds: on an idle
		// machine the next request can start in the millisecond the last one ended, and read as an overlap).
		expect(t.emu.stats().peakInFlight).toBe(2);
	});
});

describe('version 2: input images', () => {
	const server = createServer((req, res) => {
		if (req.url === '/cat.png') res.writeHead(200, { 'content-type': 'image/png' }).end(png([1, 2, 3]));
		else res.writeHead(404).end();
	});
	let base = '';
	beforeAll(async () => {
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => await new Promise((resolve) => server.close(resolve)));

	const i2i = (extra: Record<string, unknown>) => ({ operation: 'imageToImage', prompt: 'edit', ...extra });
	const a = png([200, 0, 0]);
	const b = png([0, 200, 0]);
	const item = { binary: { a: { data: a, mimeType: 'image/png' }, b: { data: b, mimeType: 'image/png' } } };
	const received = () => generations()[0].imagesReceived.map((i: any) => i.sha256);

	it.each([
		['field names', 'b, a', [b, a]],
		["n8n's tooltip expression: a binary object", '={{ $input.item.binary.b }}', [b]],
		['a list of binary objects', '={{ [$binary.b, $binary.a] }}', [b, a]],
		["one file's details, as $binary gives them", '={{ $binary.b }}', [b]],
		['a whole binary map', '={{ $binary }}', [a, b]],
		['a list mixing names and objects', '={{ ["a", $binary.b] }}', [a, b]],
	])('from %s', async (_name, binaryPropertyNames, expected) => {
		const result = await run2(i2i({ binaryPropertyNames }), { items: [item] });
		expect(result.error).toBeUndefined();
		expect(received()).toEqual((expected as Buffer[]).map(sha256));
	});

	it('a binary object stored in filesystem mode is read from storage', async () => {
		const result = await run2(i2i({ binaryPropertyNames: '={{ $binary.a }}' }), { items: [item], binaryMode: 'filesystem' });
		expect(result.error).toBeUndefined();
		expect(received()).toEqual([sha256(a)]);
	});

	it('from image URLs only: the data field name is not needed', async () => {
		const result = await run2(
			i2i({ inputImages: 'url', binaryPropertyNames: 'nothing-here', imageUrls: `${base}/cat.png`, requestSettings: LOOPBACK_ALLOWED }),
		);
		expect(result.error).toBeUndefined();
		expect(received()).toEqual([sha256(png([1, 2, 3]))]);
	});

	it('from data fields and image URLs: fields first', async () => {
		const result = await run2(
			i2i({ inputImages: 'both', binaryPropertyNames: 'b', imageUrls: `${base}/cat.png`, requestSettings: LOOPBACK_ALLOWED }),
			{
				items: [item],
			},
		);
		expect(result.error).toBeUndefined();
		expect(received()).toEqual([sha256(b), sha256(png([1, 2, 3]))]);
	});

	it('from data fields only, URLs are not downloaded', async () => {
		const result = await run2(i2i({ inputImages: 'binary', binaryPropertyNames: 'a', imageUrls: `${base}/missing.png` }), {
			items: [item],
		});
		expect(result.error).toBeUndefined();
		expect(received()).toEqual([sha256(a)]);
	});

	it.each([
		[
			'a missing field',
			'photo',
			/^The item has no binary field "photo" \(named in Input Data Field Name\(s\)\) \[item 0\]$/,
			/binary fields are: a, b/,
		],
		[
			'an object that is not a file',
			'={{ { "x": 1 } }}',
			/^Input Data Field Name\(s\) gave \{"x":1\}, which is neither a field name nor a binary file \[item 0\]$/,
			/binary\.data/,
		],
		['nothing at all', '', /^Input Data Field Name\(s\) is empty and no Image URLs are set \[item 0\]$/, /e\.g\. data/],
	])('%s is a clear error before any request', async (_name, binaryPropertyNames, message, fix) => {
		const result = await run2(i2i({ binaryPropertyNames }), { items: [item] });
		expect(result.error?.message).toMatch(message);
		expect((result.error as any).description).toMatch(fix);
		expect(t.emu.requests).toHaveLength(0);
	});
});

describe('version 2: errors and hints', () => {
	it("every error names its item, the API's and refusals too", async () => {
		const result = await run2(
			{ operation: 'textToImage', prompt: '={{ $json.p }}' },
			{
				items: [{ json: { p: 'fine' } }, { json: { p: 'no [emu:image-safety]' } }, { json: { p: 'x [emu:error-403]' } }],
				continueOnFail: true,
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items[1].json.error).toMatch(/^The model refused to make the image \(IMAGE_SAFETY\).* \[item 1\]$/);
		expect(result.items[2].json.error).toMatch(/^CometAPI answered 403 Forbidden.* \[item 2\]$/);
	});

	it('a Text to Image refusal does not tell the user to change input images they never sent', async () => {
		const t2i = await run2({ operation: 'textToImage', prompt: '[emu:image-safety]' });
		expect((t2i.error as any).description).toBe('The safety filter rejected the result: rephrase the prompt.');
		const i2i = await run2(
			{ operation: 'imageToImage', prompt: '[emu:blocked]', binaryPropertyNames: 'data' },
			{ items: [{ binary: { data: { data: png() } } }] },
		);
		expect((i2i.error as any).description).toMatch(/^Rephrase the prompt or change the input images/);
	});

	it('an unknown model lists the image models the account has', async () => {
		const result = await run2({ operation: 'textToImage', prompt: 'x', model: { __rl: true, mode: 'id', value: 'unknown-banana' } });
		expect(result.error?.message).toMatch(/^CometAPI answered 503 Service Unavailable: model_not_found.* \[item 0\]$/);
		expect((result.error as any).description).toBe(
			'Check the model name ("unknown-banana"): pick one from the list, or check the spelling of the ID. Image models on this account, newest first: ' +
				'gemini-nano-banana-2.1 (Nano Banana 2.1), gemini-3.1-flash-lite-image (Nano Banana 2 Lite), gemini-3.1-flash-image (Nano Banana 2), gemini-3-pro-image (Nano Banana Pro).',
		);
	});

	it('hints at skipped drafts and at mislabelled bytes', async () => {
		const drafts = await run2({
			operation: 'textToImage',
			prompt: '[emu:thoughts]',
			model: { __rl: true, mode: 'id', value: 'gemini-3-pro-image' },
		});
		expect(drafts.hints).toEqual([
			{
				message: '2 draft images skipped: thinking models sketch before the final image, and only final images are output',
				type: 'info',
				location: 'outputPane',
			},
		]);
		const relabelled = await run2({ operation: 'textToImage', prompt: '[emu:jpeg-as-png]' });
		expect(relabelled.hints).toEqual([
			{
				message: 'The API labelled 1 JPEG image as image/png: they are output as image/jpeg, with a matching file extension',
				type: 'info',
				location: 'outputPane',
			},
		]);
		const plain = await run2({ operation: 'textToImage', prompt: 'x' });
		expect(plain.hints).toEqual([]);
	});

	it('warns when a retired model still answered', async () => {
		const result = await run2({
			operation: 'textToImage',
			prompt: 'x',
			model: { __rl: true, mode: 'id', value: 'gemini-2.5-flash-image' },
		});
		expect(result.error).toBeUndefined();
		expect(result.hints).toEqual([
			{
				type: 'warning',
				location: 'outputPane',
				message:
					'gemini-2.5-flash-image was retired on 2026-09-30 and may stop answering any day: pick a current model such as gemini-3.1-flash-image (Nano Banana 2)',
			},
		]);
		// several images of one model, several kinds of note: each note once, counted
		const many = await run2({
			operation: 'textToImage',
			prompt: '[emu:jpeg-as-png]',
			model: { __rl: true, mode: 'id', value: 'gemini-3-pro-image-preview' },
			options: { numberOfImages: 2 },
		});
		expect(many.hints.map((h) => h.message)).toEqual([
			'The API labelled 2 JPEG images as image/png: they are output as image/jpeg, with a matching file extension',
			'gemini-3-pro-image-preview was retired on 2026-06-25 and may stop answering any day: pick a current model such as gemini-3.1-flash-image (Nano Banana 2)',
		]);
	});

	it('"Custom API Call", which some n8n versions add to the Operation list, explains itself', async () => {
		const result = await run2({ operation: '__CUSTOM_API_CALL__', prompt: 'x' });
		expect(result.error?.message).toBe('The operation "Custom API Call" is not available in this node [item 0]');
		expect((result.error as any).description).toMatch(/HTTP Request node with the CometAPI credential/);
		expect(t.emu.requests).toHaveLength(0);
	});
});
