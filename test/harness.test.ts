/**
 * Smoke test of the harness itself (not of the node's behaviour in depth): a tiny inline HTTP server
 * stands in for CometAPI, and the node runs through n8n-core's real ExecuteContext, request helpers and
 * binary data service, in both binary data modes.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { runListSearch } from './harness/loadOptions';
import type { BinaryMode } from './harness/runNode';
import { disposeHarness, runNode } from './harness/runNode';

// --- small valid PNGs, from the repository's one PNG writer (the emulator's images/) ----------------------

// eslint-disable-next-line @typescript-eslint/no-require-imports
const images = require('../emulator/images');
const makePng = (width: number, height: number, rgb: [number, number, number]): Buffer => images.solidPng(width, height, rgb).buffer;

const OUTPUT_PNG = makePng(4, 3, [200, 30, 30]);
const INPUT_PNG = makePng(2, 2, [10, 120, 240]);
const MODEL_PATH = '/v1beta/models/gemini-2.5-flash-image:generateContent';

// --- the inline fake API ---------------------------------------------------------------------------------

interface Seen {
	method: string;
	url: string;
	authorization?: string;
	body: any;
}

let server: Server;
let baseUrl: string;
const seen: Seen[] = [];
/** Problems the server found in a request; answered with 400 and checked by the tests. */
const serverProblems: string[] = [];
/** What the next image-to-image request must carry. */
let expectedInlineData: string | undefined;

function send(res: ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
	const chunks: Buffer[] = [];
	for await (const c of req) chunks.push(c as Buffer);
	const text = Buffer.concat(chunks).toString('utf8');
	const body = text ? JSON.parse(text) : undefined;
	seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });

	if (req.headers.authorization !== 'Bearer sk-test') {
		send(res, 401, { error: { message: 'Invalid API key', type: 'invalid_request_error' } });
		return;
	}
	if (req.method === 'GET' && req.url === '/v1/models') {
		send(res, 200, { data: [{ id: 'gpt-4o' }, { id: 'gemini-2.5-flash-image' }, { id: 'gemini-3-pro-image-preview' }] });
		return;
	}
	if (req.method === 'POST' && req.url === MODEL_PATH) {
		const parts = body?.contents?.[0]?.parts ?? [];
		if (expectedInlineData !== undefined) {
			const inline = parts.find((p: any) => p.inlineData)?.inlineData;
			if (inline?.data !== expectedInlineData) serverProblems.push('inlineData.data is not the input image');
			if (inline?.mimeType !== 'image/png') serverProblems.push(`inlineData.mimeType is ${inline?.mimeType}`);
		}
		if (serverProblems.length) {
			send(res, 400, { error: { message: serverProblems.join('; ') } });
			return;
		}
		send(res, 200, {
			candidates: [
				{
					content: { parts: [{ text: 'hi' }, { inlineData: { mimeType: 'image/png', data: OUTPUT_PNG.toString('base64') } }] },
					finishReason: 'STOP',
				},
			],
		});
		return;
	}
	send(res, 404, { error: { message: `No route ${req.method} ${req.url}` } });
}

beforeAll(async () => {
	server = createServer((req, res) => {
		handle(req, res).catch((error) => send(res, 500, { error: { message: String(error) } }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise<void>((resolve) => server.close(() => resolve()));
	disposeHarness();
});

beforeEach(() => {
	seen.length = 0;
	serverProblems.length = 0;
	expectedInlineData = undefined;
});

const model = { __rl: true, mode: 'id', value: 'gemini-2.5-flash-image' };
const credentials = () => ({ apiKey: 'sk-test', baseUrl });

describe.each<BinaryMode>(['default', 'filesystem'])('harness in %s binary mode', (binaryMode) => {
	test('text to image: one item with the PNG the server sent, authenticated with Bearer', async () => {
		const result = await runNode({
			parameters: { operation: 'textToImage', model, prompt: 'a red square', options: { maxRetries: 0 } },
			credentials: credentials(),
			binaryMode,
		});

		expect(result.error).toBeUndefined();
		expect(seen).toHaveLength(1);
		expect(seen[0]).toMatchObject({ method: 'POST', url: MODEL_PATH, authorization: 'Bearer sk-test' });
		expect(seen[0].body.contents[0].parts[0]).toEqual({ text: 'a red square' });

		expect(result.items).toHaveLength(1);
		const [item] = result.items;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({ model: 'gemini-2.5-flash-image', text: 'hi', finishReason: 'STOP', mimeType: 'image/png' });
		const binary = item.binary?.data;
		expect(binary).toBeDefined();
		expect(binary!.meta.mimeType).toBe('image/png');
		expect(binary!.data.equals(OUTPUT_PNG)).toBe(true);
		if (binaryMode === 'filesystem') {
			expect(binary!.meta.id).toMatch(/^filesystem-v2:/);
			expect(binary!.meta.data).toBe('filesystem-v2');
		} else {
			expect(binary!.meta.id).toBeUndefined();
			expect(binary!.meta.data).toBe(OUTPUT_PNG.toString('base64'));
		}
		expect(result.credentialRequests).toContain('cometApi');
	});

	test('image to image: the server receives the input binary as inlineData', async () => {
		expectedInlineData = INPUT_PNG.toString('base64');
		const result = await runNode({
			parameters: {
				operation: 'imageToImage',
				model,
				prompt: 'make it red',
				binaryPropertyNames: 'data',
				options: { maxRetries: 0 },
			},
			items: [{ json: { n: 1 }, binary: { data: { data: INPUT_PNG, mimeType: 'image/png', fileName: 'in.png' } } }],
			credentials: credentials(),
			binaryMode,
		});

		expect(serverProblems).toEqual([]);
		expect(result.error).toBeUndefined();
		const stored = result.inputItems[0].binary!.data;
		if (binaryMode === 'filesystem') expect(stored.id).toMatch(/^filesystem-v2:/);
		else expect(stored.id).toBeUndefined();
		expect(seen).toHaveLength(1);
		expect(result.items).toHaveLength(1);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(result.items[0].binary!.data.data.equals(OUTPUT_PNG)).toBe(true);
	});
});

describe('harness plumbing', () => {
	test('parameters may be expressions evaluated per item by the real expression engine', async () => {
		const result = await runNode({
			parameters: { operation: 'textToImage', model, prompt: '={{ $json.idea }} #{{ $itemIndex }}', options: { maxRetries: 0 } },
			items: [{ json: { idea: 'a fox' } }, { json: { idea: 'a cat' } }],
			credentials: credentials(),
		});
		expect(result.error).toBeUndefined();
		expect(seen.map((s) => s.body.contents[0].parts[0].text).sort()).toEqual(['a cat #1', 'a fox #0']);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	test('a node error comes back as result.error, not thrown', async () => {
		const result = await runNode({
			parameters: { operation: 'textToImage', model, prompt: 'x', options: { maxRetries: 0 } },
			credentials: { apiKey: 'sk-wrong', baseUrl },
		});
		expect(seen[0].authorization).toBe('Bearer sk-wrong');
		expect(result.items).toEqual([]);
		expect(result.error).toBeInstanceOf(Error);
		expect(result.error!.constructor.name).toBe('NodeApiError');
	});

	test('continueOnFail turns the error into an error item', async () => {
		const result = await runNode({
			parameters: { operation: 'textToImage', model, prompt: 'x', options: { maxRetries: 0 } },
			credentials: { apiKey: 'sk-wrong', baseUrl },
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json.error).toEqual(expect.any(String));
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	test('the abort signal reaches the request (getExecutionCancelSignal)', async () => {
		const controller = new AbortController();
		controller.abort();
		const result = await runNode({
			parameters: { operation: 'textToImage', model, prompt: 'x', options: { maxRetries: 0 } },
			credentials: credentials(),
			abortSignal: controller.signal,
		});
		expect(seen).toHaveLength(0);
		expect(result.error).toBeInstanceOf(Error);
	});

	test('both modes can be mixed in concurrent runs', async () => {
		const run = (binaryMode: BinaryMode) =>
			runNode({
				parameters: { operation: 'textToImage', model, prompt: 'x', options: { maxRetries: 0 } },
				credentials: credentials(),
				binaryMode,
			});
		const results = await Promise.all([run('filesystem'), run('default'), run('filesystem'), run('default')]);
		expect(results.map((r) => r.error)).toEqual([undefined, undefined, undefined, undefined]);
		expect(results.map((r) => Boolean(r.items[0].binary!.data.meta.id))).toEqual([true, false, true, false]);
		for (const r of results) expect(r.items[0].binary!.data.data.equals(OUTPUT_PNG)).toBe(true);
	});

	test('listSearch searchModels through a real LoadOptionsContext', async () => {
		const result = await runListSearch('searchModels', undefined, credentials());
		expect(seen).toHaveLength(1);
		expect(seen[0]).toMatchObject({ method: 'GET', url: '/v1/models', authorization: 'Bearer sk-test' });
		// Gemini image models only: gpt-4o is left out
		expect(result.results.map((r) => r.value)).toEqual(['gemini-3-pro-image-preview', 'gemini-2.5-flash-image']);

		const filtered = await runListSearch('searchModels', 'flash', credentials());
		expect(filtered.results.map((r) => r.value)).toEqual(['gemini-2.5-flash-image']);
	});
});
