/**
 * Generation controls reaching the API on both routes, image URLs as input, and the model picker.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { runListSearch } from '../harness/loadOptions';
import { API_KEY, images, imageToImage, sha256, textToImage, useEmulator } from './setup';

const t = useEmulator();

const controls = {
	systemInstruction: 'You are a product photographer.',
	temperature: 0.4,
	topP: 0.8,
	seed: 42,
	responseModalities: 'IMAGE',
	safetySettings: { values: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }] },
};
const gemini3 = { model: { __rl: true, mode: 'id', value: 'gemini-3-pro-image-preview' } };

describe('generation controls', () => {
	it('reach the native route in camelCase', async () => {
		const result = await t.run({ parameters: textToImage('x', { ...controls, googleSearch: true }, gemini3) });
		expect(result.error).toBeUndefined();
		const { body } = t.emu.requests[0];
		expect(body.systemInstruction).toEqual({ parts: [{ text: 'You are a product photographer.' }] });
		expect(body.generationConfig).toEqual({ responseModalities: ['IMAGE'], temperature: 0.4, topP: 0.8, seed: 42 });
		expect(body.safetySettings).toEqual([{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }]);
		expect(body.tools).toEqual([{ googleSearch: {} }]);
		// the sources come back in the output JSON
		expect(result.items[0].json.groundingSources).toEqual([
			{ uri: 'https://example.com/grounding/1', title: 'example.com' },
			{ uri: 'https://example.org/grounding/2', title: 'example.org' },
		]);
		expect(result.items[0].json.searchQueries).toEqual(['x']);
	});

	it('reach the chat route the way the gateway expects', async () => {
		const result = await t.run({ parameters: textToImage('x', { ...controls, apiFormat: 'openAiChat', imageSize: '2K' }, gemini3) });
		expect(result.error).toBeUndefined();
		const { body } = t.emu.requests[0];
		expect(body.messages[0]).toEqual({ role: 'system', content: 'You are a product photographer.' });
		expect(body).toMatchObject({ temperature: 0.4, top_p: 0.8, seed: 42, stream: true });
		expect(body.extra_body.google).toEqual({
			image_config: { image_size: '2K' },
			response_modalities: ['IMAGE'],
			safety_settings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }],
		});
	});

	it('Google Search reaches the chat route too', async () => {
		const result = await t.run({ parameters: textToImage('x', { googleSearch: true, apiFormat: 'openAiChat' }, gemini3) });
		expect(result.error).toBeUndefined();
		expect(t.emu.requests[0].body.extra_body).toEqual({ google: { tools: [{ google_search: {} }] } });
		expect(t.emu.requests[0].asked.tools).toEqual(['google_search']);
	});

	it('explains an option the model does not support instead of dropping it', async () => {
		const result = await t.run({ parameters: textToImage('x', { googleSearch: true }) });
		expect(result.error?.message).toMatch(/Google Search grounding needs a Gemini 3 image model/);
		expect(t.emu.requests).toHaveLength(0);
	});
});

describe('image URLs as input', () => {
	const png = images.solidPng(16, 16, [5, 6, 7]).buffer as Buffer;
	let base = '';
	const server = createServer((req, res) => {
		if (req.url === '/cat.png') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(png);
		else if (req.url === '/page') res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>not an image</body></html>');
		else res.writeHead(404).end('missing');
	});
	beforeAll(async () => {
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => await new Promise((resolve) => server.close(resolve)));

	it('downloads them (without the CometAPI key) and sends them after the binary fields', async () => {
		const first = images.fixture('jpeg').buffer as Buffer;
		let sawAuth: string | undefined = 'unset';
		server.once('request', (req) => (sawAuth = req.headers.authorization));
		const result = await t.run({
			parameters: imageToImage('combine', 'data', { imageUrls: `${base}/cat.png` }),
			items: [{ binary: { data: { data: first } } }],
		});
		expect(result.error).toBeUndefined();
		expect(sawAuth).toBeUndefined();
		expect(t.emu.requests[0].imagesReceived.map((i: any) => i.sha256)).toEqual([sha256(first), sha256(png)]);
	});

	it('URLs alone are fine when Input Binary Fields is cleared', async () => {
		const result = await t.run({ parameters: imageToImage('edit', '', { imageUrls: `${base}/cat.png\n${base}/cat.png` }) });
		expect(result.error).toBeUndefined();
		expect(t.emu.requests[0].imagesReceived).toHaveLength(2);
	});

	it.each([
		['/missing.png', /Could not download the input image .*: the server answered 404 \[item 0\]/],
		['/page', /The image at .*\/page is text \(HTML, XML or SVG\)/],
	])('%s is rejected before any request', async (path, message) => {
		const result = await t.run({ parameters: imageToImage('edit', '', { imageUrls: `${base}${path}` }) });
		expect(result.error?.message).toMatch(message);
		expect(t.emu.requests).toHaveLength(0);
	});

	it('neither binary fields nor URLs is a clear error', async () => {
		const result = await t.run({ parameters: imageToImage('edit', '') });
		expect(result.error?.message).toBe('Input Binary Fields is empty and no Input Image URLs are set [item 0]');
	});
});

describe('model picker', () => {
	it("lists the account's Gemini image models only, newest first, with their product names", async () => {
		const { results } = await runListSearch('searchModels', undefined, { apiKey: API_KEY, baseUrl: t.emu.url });
		expect(results).toEqual([
			{ name: 'gemini-nano-banana-2.1 (Nano Banana 2.1)', value: 'gemini-nano-banana-2.1' },
			{ name: 'gemini-3.1-flash-lite-image (Nano Banana 2 Lite)', value: 'gemini-3.1-flash-lite-image' },
			{ name: 'gemini-3.1-flash-image (Nano Banana 2)', value: 'gemini-3.1-flash-image' },
			{ name: 'gemini-3-pro-image (Nano Banana Pro)', value: 'gemini-3-pro-image' },
		]);
		// the emulator's list also holds text models and image models of other APIs
		const listed = t.emu.requests.filter((r: any) => r.path === '/v1/models');
		expect(listed).toHaveLength(1);
	});

	it('filters, and says what is wrong with a bad key', async () => {
		const { results } = await runListSearch('searchModels', 'pro', { apiKey: API_KEY, baseUrl: t.emu.url });
		expect(results.map((r) => r.value)).toEqual(['gemini-3-pro-image']);
		await expect(runListSearch('searchModels', undefined, { apiKey: 'sk-bad', baseUrl: t.emu.url })).rejects.toThrow(/401/);
	});

	it('a wrong Base URL: the error names it and says what to fix', async () => {
		const error = await runListSearch('searchModels', undefined, { apiKey: API_KEY, baseUrl: `${t.emu.url}/site` }).catch((e) => e);
		expect(error.message).toMatch(/404/);
		expect(error.description).toContain(`(now ${t.emu.url}/site)`);
	});

	it('a Base URL with a user name and password is refused before any request, without showing them', async () => {
		const baseUrl = t.emu.url.replace('http://', 'http://me:hunter2pass@');
		const error = await runListSearch('searchModels', undefined, { apiKey: API_KEY, baseUrl: `${baseUrl}/site` }).catch((e) => e);
		expect(error.message).toMatch(/^The Base URL in the CometAPI credential holds a user name or password/);
		expect(`${error.message} ${error.description}`).not.toContain('hunter2pass');
		expect(t.emu.requests).toHaveLength(0);
	});

	it('is the same list for a version 2 node', async () => {
		const { results } = await runListSearch('searchModels', 'banana 2', { apiKey: API_KEY, baseUrl: t.emu.url }, { typeVersion: 2 });
		expect(results.map((r) => r.value)).toEqual(['gemini-nano-banana-2.1', 'gemini-3.1-flash-lite-image', 'gemini-3.1-flash-image']);
	});
});
