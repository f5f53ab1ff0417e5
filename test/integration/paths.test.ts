/**
 * The node's less travelled paths, each with the words the user gets: items that fail before any request
 * next to items that work, errors nobody planned for, an account without image models, model lists that
 * cannot be had, image URLs that are not http(s) or cannot be reached, a download cancelled before it
 * starts, a 200 whose body breaks off, settings read from expressions that give nothing.
 */
import { createServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';

import { runNode } from '../harness/runNode';
import { images, imageToImage, model, sha256, textToImage, useEmulator } from './setup';

const t = useEmulator();
const png = () => images.solidPng(8, 8, [3, 4, 5]).buffer as Buffer;

describe('items that fail before any request', () => {
	it('with Continue On Fail, a bad item is an error item in its place and the others are made', async () => {
		const result = await t.run({
			parameters: textToImage('={{ $json.p }}'),
			items: [{ json: { p: 'first' } }, { json: { p: ' ' } }, { json: { p: 'third' } }],
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => [i.pairedItem.item, i.binary ? 'image' : i.json.error])).toEqual([
			[0, 'image'],
			[1, 'Prompt is empty [item 1]'],
			[2, 'image'],
		]);
		expect(result.items[1].json.description).toMatch(/^Describe the image to make/);
		expect(t.emu.requests.map((r: any) => r.asked.promptText)).toEqual(['first', 'third']);
	});

	it('an item with no binary data at all is told where images come from', async () => {
		const result = await t.run({ parameters: imageToImage('edit'), items: [{ json: { a: 1 } }] });
		expect(result.error?.message).toBe('The item has no binary field "data" (named in Input Binary Fields) [item 0]');
		expect((result.error as any).description).toBe(
			'The item has no binary data at all: put a node that loads an image (HTTP Request, Read/Write Files from Disk, Google Drive...) before this one, or use Text to Image.',
		);
	});

	it.each([
		['a model', { model: model('={{ null }}') }, 'Model is empty [item 0]'],
		['a prompt', { prompt: '={{ null }}' }, 'Prompt is empty [item 0]'],
	])('%s from an expression that gives nothing is empty', async (_name, extra, message) => {
		const result = await t.run({ parameters: { ...textToImage('x'), ...extra } });
		expect(result.error?.message).toBe(message);
		expect(t.emu.requests).toHaveLength(0);
	});

	it('Response Content "Image and Text" asks for both', async () => {
		const result = await t.run({ parameters: textToImage('x', { responseModalities: 'TEXT_IMAGE' }) });
		expect(result.error).toBeUndefined();
		expect(t.emu.requests[0].body.generationConfig).toEqual({ responseModalities: ['TEXT', 'IMAGE'] });
	});
});

describe('errors nobody planned for', () => {
	// A binary object of this execution that points at stored data that is not there: n8n's storage throws its
	// own error when the image is loaded. (One of another execution is refused before: trust.test.ts.)
	const missing =
		'={{ { "mimeType": "image/png", "fileName": "gone.png", "id": "filesystem-v2:workflows/" + $workflow.id + "/executions/" + $execution.id + "/binary_data/0b9e5d1c-3a4b-4c5d-8e9f-0a1b2c3d4e5f" } }}';

	it('are node errors that name their item (in the message and where n8n looks for it)', async () => {
		const result = await t.run({
			typeVersion: 2,
			parameters: {
				operation: 'imageToImage',
				prompt: '={{ $json.p }}',
				binaryPropertyNames: `={{ $itemIndex === 1 ? ${missing.slice(4, -3)} : "data" }}`,
			},
			items: [{ json: { p: 'a' }, binary: { data: { data: png() } } }, { json: { p: 'b' } }],
			binaryMode: 'filesystem',
		});
		expect(result.error?.message).toMatch(/ \[item 1\]$/);
		expect((result.error as any).context?.itemIndex).toBe(1);
	});

	it('with Number of Images 2 and Continue On Fail, the error says none was made', async () => {
		const result = await t.run({
			typeVersion: 2,
			parameters: { operation: 'imageToImage', prompt: 'x', binaryPropertyNames: missing, options: { numberOfImages: 2 } },
			binaryMode: 'filesystem',
			continueOnFail: true,
		});
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json.description).toBe('2 of the 2 images of this item failed; none was made.');
		expect(result.items[0].json.error).toMatch(/ \[item 0\]$/);
		expect(t.emu.requests).toHaveLength(0);
	});
});

describe("the model list in an unknown model's error", () => {
	let server: Server;
	let base = '';
	let models: { status: number; body: string } = { status: 200, body: '{"data":[]}' };
	beforeAll(async () => {
		server = createServer((req, res) => {
			if (req.url === '/v1/models') res.writeHead(models.status, { 'content-type': 'application/json' }).end(models.body);
			else
				res
					.writeHead(503, { 'content-type': 'application/json' })
					.end(JSON.stringify({ error: { message: 'model_not_found: no channel', type: 'comet_api_error', code: 'model_not_found' } }));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => await new Promise((resolve) => server.close(resolve)));
	const run = async () =>
		await runNode({ credentials: { apiKey: 'sk-any-key-1234567', baseUrl: base }, parameters: textToImage('x', { maxRetries: 0 }) });
	const fix = 'Check the model name ("gemini-2.5-flash-image"): pick one from the list, or check the spelling of the ID.';

	it('an account without Gemini image models is told to check the account', async () => {
		models = { status: 200, body: JSON.stringify({ data: [{ id: 'gpt-4o' }] }) };
		expect(((await run()).error as any).description).toBe(
			`${fix} This account lists no Gemini image models: check the account on the CometAPI dashboard.`,
		);
	});

	it('a list that cannot be had leaves the error as it was', async () => {
		models = { status: 500, body: '{"error":{"message":"down"}}' };
		expect(((await run()).error as any).description).toBe(fix);
	});
});

describe('a web page where the API should be', () => {
	let server: Server;
	let base = '';
	let hits = 0;
	beforeAll(async () => {
		// a proxy's maintenance page: HTML by its Content-Type only
		server = createServer((_req, res) => {
			hits++;
			res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('Down for maintenance, back soon.');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => await new Promise((resolve) => server.close(resolve)));

	it.each([
		['native', {}],
		['chat', { apiFormat: 'openAiChat' }],
	])('%s: is said to be one, once, with the Base URL to check', async (_route, options) => {
		hits = 0;
		const result = await runNode({ credentials: { apiKey: 'sk-any-key-1234567', baseUrl: base }, parameters: textToImage('x', options) });
		expect(result.error?.message).toBe("CometAPI answered with an HTML page instead of the API's JSON [item 0]");
		expect((result.error as any).description).toMatch(/^Check the Base URL in the CometAPI credential \(now http:\/\/127\.0\.0\.1:\d+\)/);
		expect(hits).toBe(1);
	});
});

describe('image URLs', () => {
	it('only http(s) and data: URLs are taken', async () => {
		const result = await t.run({ parameters: imageToImage('edit', '', { imageUrls: 'ftp://example.com/cat.png' }) });
		expect(result.error?.message).toBe(
			'Could not download the input image ftp://example.com/cat.png: only http(s) and data: URLs are supported [item 0]',
		);
		expect((result.error as any).description).toBe('Check that the URL is public and points at the image itself, not a web page.');
	});

	it('a server that cannot be reached is named, with what went wrong', async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise((resolve) => closed.close(resolve));
		const result = await t.run({ parameters: imageToImage('edit', '', { imageUrls: `http://127.0.0.1:${port}/cat.png` }) });
		expect(result.error?.message).toBe(
			`Could not download the input image http://127.0.0.1:${port}/cat.png: the connection was refused [item 0]`,
		);
	});

	it('an execution cancelled before the download starts downloads nothing', async () => {
		const controller = new AbortController();
		controller.abort();
		const result = await t.run({
			parameters: imageToImage('edit', '', { imageUrls: `${t.emu.url}/files/a.png?size=1000` }),
			abortSignal: controller.signal,
		});
		expect(result.error?.message).toMatch(
			/^Could not download the input image http:\/\/127\.0\.0\.1:\d+\/files\/a\.png\?…: the execution was cancelled \[item 0\]$/,
		);
		expect(t.emu.files).toHaveLength(0);
	});

	it('a data: URL counts against Max Input Size by its decoded size, before it is decoded', async () => {
		const data = `data:image/png;base64,${images.sizedPng(700 * 1024).buffer.toString('base64')}`;
		const result = await t.run({
			parameters: imageToImage('edit', 'data', { imageUrls: data, maxInputMb: 1 }),
			items: [{ binary: { data: { data: images.sizedPng(400 * 1024).buffer } } }],
		});
		expect(result.error?.message).toMatch(
			/^The input images are too large: more than 1\.0 MB with the image at data:image\/png;base64,… \(\d[\d,]+ characters\) \[item 0\]$/,
		);
		const fits = await t.run({ parameters: imageToImage('edit', '', { imageUrls: data, maxInputMb: 1 }) });
		expect(fits.error).toBeUndefined();
	});
});

describe('input images at the edges', () => {
	/** A PNG of exactly `bytes` bytes (a real header, then filler). */
	const exactPng = (bytes: number) => Buffer.concat([images.solidPng(2, 2, [1, 1, 1]).buffer.subarray(0, 33), Buffer.alloc(bytes - 33, 1)]);
	const MB = 1024 * 1024;

	it('images that fill Max Input Size exactly are sent, a byte more is refused: binary fields and data: URLs alike', async () => {
		const limit = 1050 / MB; // 1050 bytes
		const field = await t.run({
			parameters: imageToImage('edit', 'data', { maxInputMb: limit }),
			items: [{ binary: { data: { data: exactPng(1050) } } }],
		});
		expect(field.error).toBeUndefined();
		const over = await t.run({
			parameters: imageToImage('edit', 'data', { maxInputMb: limit }),
			items: [{ binary: { data: { data: exactPng(1051) } } }],
		});
		expect(over.error?.message).toBe('The input images are too large: 1.0 KB so far with "data", the limit is 1.0 KB [item 0]');
		const url = `data:image/png;base64,${exactPng(1050).toString('base64')}`;
		const fits = await t.run({ parameters: imageToImage('edit', '', { imageUrls: url, maxInputMb: limit }) });
		expect(fits.error).toBeUndefined();
		expect(t.emu.requests.map((r: any) => r.imagesReceived[0].bytes)).toEqual([1050, 1050]);
		const tooBig = await t.run({ parameters: imageToImage('edit', '', { imageUrls: url, maxInputMb: 1049 / MB }) });
		expect(tooBig.error?.message).toMatch(
			/^The input images are too large: more than 1\.0 KB with the image at data:image\/png;base64,… \(1,422 characters\) \[item 0\]$/,
		);
	});

	it.each([
		['a data: URL that is not base64', 'data:image/png,raw-bytes'],
		['a data: URL without a comma', 'data:image/png;base64x'],
		['a data: URL whose parameters do not end in base64', 'data:image/png;base64x,QUJD'],
		['an ftp URL that mentions https', 'ftp://example.com/https://x.png'],
	])('%s is refused as a URL the node does not read', async (_name, url) => {
		const result = await t.run({ parameters: imageToImage('edit', '', { imageUrls: url }) });
		expect(result.error?.message).toMatch(/: only http\(s\) and data: URLs are supported \[item 0\]$/);
	});

	it('an http(s) URL that holds "data:" in its query is downloaded, not decoded', async () => {
		const result = await t.run({
			parameters: imageToImage('edit', '', { imageUrls: `${t.emu.url}/files/a.png?size=2000&u=data:image/png;base64,QUJD` }),
		});
		expect(result.error).toBeUndefined();
		expect(t.emu.requests[0].imagesReceived[0].bytes).toBe(2000);
	});

	it('14 input images, the most, are all sent', async () => {
		const fields = Array.from({ length: 14 }, (_, i) => `f${i}`);
		const result = await t.run({
			parameters: imageToImage('x', fields.join(','), { maxInputMb: 5 }),
			items: [{ binary: Object.fromEntries(fields.map((f, i) => [f, { data: images.solidPng(4, 4, [i, 0, 0]).buffer }])) }],
		});
		expect(result.error).toBeUndefined();
		expect(t.emu.requests[0].imagesReceived).toHaveLength(14);
	});

	it('options from expressions: spaces around values, empty values left out, seeds whole numbers', async () => {
		const result = await t.run({
			parameters: textToImage(
				'x',
				{
					aspectRatio: '={{ " 16:9 " }}',
					imageSize: '={{ " 2k " }}',
					temperature: '={{ "" }}',
					topP: '={{ null }}',
					seed: '={{ 42.7 }}',
					systemInstruction: '   ',
					binaryPropertyOutput: ' picture ',
				},
				{ model: model('gemini-3-pro-image') },
			),
		});
		expect(result.error).toBeUndefined();
		expect(t.emu.requests[0].body).toEqual({
			contents: [{ role: 'user', parts: [{ text: 'x' }] }],
			generationConfig: { imageConfig: { aspectRatio: '16:9', imageSize: '2K' }, seed: 42 },
		});
		expect(Object.keys(result.items[0].binary!)).toEqual(['picture']);
		const sampled = await t.run({
			parameters: textToImage('y', { temperature: '={{ 0.55 }}', topP: '={{ "0.9" }}', systemInstruction: ' Be brief. ' }),
		});
		expect(sampled.error).toBeUndefined();
		expect(t.emu.requests[1].body.generationConfig).toEqual({ temperature: 0.55, topP: 0.9 });
		expect(t.emu.requests[1].body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] });
	});
});

describe('a 200 whose body breaks off', () => {
	it.each([
		['native', {}],
		['native streamed', { streaming: true }],
		['chat', { apiFormat: 'openAiChat' }],
	])('%s: the broken connection is retried like a reset', async (_route, options) => {
		const result = await t.run({ parameters: textToImage('[emu:resetmid=1] x', options) });
		expect(result.error).toBeUndefined();
		expect(t.emu.requests.map((r: any) => r.outcome)).toEqual(['resetmid', 'answered']);
		expect(sha256(result.items[0].binary!.data.data)).toBe(t.emu.requests[1].imagesSent[0].sha256);
	});

	it('the last one says the connection broke', async () => {
		const result = await t.run({ parameters: textToImage('[emu:resetmid=2] x', { maxRetries: 1 }) });
		expect(result.error?.message).toMatch(
			/^Could not reach CometAPI at http:\/\/127\.0\.0\.1:\d+: .* \(gave up after 2 attempts\) \[item 0\]$/,
		);
	});
});
