/**
 * Bounds on what the node does for anyone who writes its input or its answers: text limits before any
 * request, quoted values cut short, deep item JSON refused before a paid request, answers read in linear
 * time and not copied onto every image item, the real item number on every error, the credential checked
 * before anything is sent. The node's real execute() against the emulator and small loopback gateways.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { LIMITS } from '../../nodes/GeminiImage/actions/options';
import { ANSWER_LIMITS } from '../../nodes/GeminiImage/helpers/interfaces';
import { runCredentialTest } from '../harness/credentialTest';
import { runNode } from '../harness/runNode';
import { API_KEY, everything, images, model, mutationRun, textToImage, useEmulator } from './setup';

const t = useEmulator();
const v2 = (parameters: Record<string, unknown>) => ({ typeVersion: 2, parameters });
const generations = () => t.emu.requests.filter((r: any) => r.route === 'native' || r.route === 'chat');
const nested = (levels: number) => {
	let value: unknown = 'leaf';
	for (let i = 0; i < levels; i++) value = { inner: value };
	return value;
};

/** A loopback gateway whose answer each test sets; it counts the requests it gets. */
let gateway: ReturnType<typeof createServer>;
let gatewayUrl: string;
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
const received: Array<{ url?: string; authorization?: string }> = [];
beforeAll(async () => {
	gateway = createServer((req, res) => {
		received.push({ url: req.url, authorization: req.headers.authorization });
		req.resume();
		req.on('end', () => answer(req, res));
	});
	await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
	gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
});
afterAll(() => gateway.close());
beforeEach(() => (received.length = 0));
const viaGateway = (o: { parameters: Record<string, unknown>; typeVersion?: number; continueOnFail?: boolean; apiKey?: string }) =>
	runNode({ credentials: { apiKey: o.apiKey ?? API_KEY, baseUrl: gatewayUrl }, ...o });

const png = images.solidPng(8, 8, [10, 200, 30]);
const imagePart = { inlineData: { mimeType: 'image/png', data: png.base64 } };

describe('text limits, checked before any request', () => {
	it('a prompt over the limit is refused, naming the item and the sizes; nothing is sent', async () => {
		const result = await t.run({
			continueOnFail: true,
			parameters: textToImage('={{ $json.prompt }}'),
			items: [{ json: { prompt: 'a cat' } }, { json: { prompt: 'x'.repeat(LIMITS.maxPromptChars + 1) } }],
		});
		expect(result.items[0].json.imageIndex).toBe(0);
		expect(result.items[1].json.error).toBe('Prompt is too long: 32,001 characters, at most 32,000 [item 1]');
		expect(generations()).toHaveLength(1);
		expect(generations()[0].asked.promptText).toBe('a cat');
	});

	it('a prompt at the limit is sent', async () => {
		const result = await t.run({ parameters: textToImage('y'.repeat(LIMITS.maxPromptChars)) });
		expect(result.error).toBeUndefined();
		expect(generations()).toHaveLength(1);
	});

	it('a System Instruction over the limit is refused', async () => {
		const result = await t.run({
			parameters: textToImage('a cat', { systemInstruction: 's'.repeat(LIMITS.maxSystemInstructionChars + 1) }),
		});
		expect(result.error?.message).toBe('System Instruction is too long: 32,001 characters, at most 32,000 [item 0]');
		expect(generations()).toHaveLength(0);
	});

	it("a tool's prompt (the AI model's) has its own, lower limit", async () => {
		const run = (prompt: string) =>
			t.run({
				typeVersion: 2,
				tool: true,
				parameters: { operation: 'textToImage', model: model('gemini-3-pro-image') },
				items: [{ json: { prompt } }],
			});
		const refused = await run('z'.repeat(LIMITS.maxToolPromptChars + 1));
		expect(refused.error?.message).toBe('The prompt the AI model wrote is too long: 8,001 characters, at most 8,000 [item 0]');
		expect(generations()).toHaveLength(0);
		expect((await run('z'.repeat(LIMITS.maxToolPromptChars))).error).toBeUndefined();
		expect(generations()).toHaveLength(1);
	});

	it('a model ID that is no ID is refused without quoting it whole', async () => {
		const result = await t.run({ parameters: { ...textToImage('a cat'), model: model('m'.repeat(1_000_000)) } });
		expect(result.error?.message).toMatch(/^Model "m{60}…" is not a model ID \[item 0\]$/);
		expect(generations()).toHaveLength(0);
	});
});

describe('values quoted in errors are cut short', () => {
	const MB = 'q'.repeat(1024 * 1024);

	it.each([
		['Aspect Ratio', { aspectRatio: MB }],
		['Image Size', { imageSize: MB }],
		['temperature', { temperature: MB }],
	])('a 1 MB %s gives a short message', async (_name, options) => {
		const result = await t.run(v2({ operation: 'textToImage', prompt: 'a cat', options }));
		expect(result.error?.message.length).toBeLessThan(200);
		expect(String((result.error as any).description ?? '').length).toBeLessThan(500);
		expect(result.error?.message).toMatch(/"q{60}…" .*\[item 0\]$/);
		expect(generations()).toHaveLength(0);
	});

	it('a 1 MB operation name gives a short message', async () => {
		const result = await t.run(v2({ operation: MB, prompt: 'a cat' }));
		expect(result.error?.message).toMatch(/^The operation "q{60}…" is not available in this node \[item 0\]$/);
	});

	it('a 1 MB binary field name gives a short message', async () => {
		const result = await t.run(v2({ operation: 'imageToImage', prompt: 'a cat', binaryPropertyNames: MB }));
		expect(result.error?.message).toMatch(/^The item has no binary field "q{60}…" \(named in Input Data Field Name\(s\)\) \[item 0\]$/);
	});
});

describe('deep item JSON and Include Input Fields', () => {
	it('an item nested 10,000 levels deep is refused before any request (0 paid), the other items run', async () => {
		const result = await t.run({
			...v2({ operation: 'textToImage', prompt: 'a cat' }),
			continueOnFail: true,
			items: [{ json: { deep: nested(10_000) } }, { json: { flat: 1 } }],
		});
		expect(result.items[0].json.error).toBe(
			"The input item's JSON nests deeper than 1,000 levels, too deep to copy into the output [item 0]",
		);
		expect(result.items[0].json.description).toMatch(/^Nothing was sent\. Turn off Include Input Fields/);
		expect(result.items[1].json).toMatchObject({ flat: 1, imageIndex: 0 });
		expect(generations()).toHaveLength(1);
	});

	it('with Include Input Fields off the same item runs, and nesting up to the limit is copied', async () => {
		const off = await t.run({
			...v2({ operation: 'textToImage', prompt: 'a cat', options: { includeInputFields: false } }),
			items: [{ json: { deep: nested(10_000) } }],
		});
		expect(off.error).toBeUndefined();
		expect(off.items[0].json.deep).toBeUndefined();
		const atLimit = await t.run({ ...v2({ operation: 'textToImage', prompt: 'a cat' }), items: [{ json: { deep: nested(999) } }] });
		expect(atLimit.error).toBeUndefined();
		expect(JSON.stringify(atLimit.items[0].json.deep).length).toBeGreaterThan(999 * 10);
	});
});

describe('answers: linear to read, not copied onto every image', () => {
	/** A native stream: `events` events with a text piece and grounding each, then the image and the finish. */
	const groundedStream = (events: number) => {
		const event = (i: number) =>
			`data: ${JSON.stringify({
				candidates: [
					{
						content: { parts: [{ text: 'a' }] },
						groundingMetadata: { groundingChunks: [{ web: { uri: `https://example.com/${i}`, title: 't' } }], webSearchQueries: [`q${i}`] },
					},
				],
			})}\r\n\r\n`;
		const parts: string[] = [];
		for (let i = 0; i < events; i++) parts.push(event(i));
		parts.push(`data: ${JSON.stringify({ candidates: [{ content: { parts: [imagePart] }, finishReason: 'STOP' }] })}\r\n\r\n`);
		return parts.join('');
	};

	// Timing ratios mean nothing under Stryker's instrumentation (as in test/unit/linear.test.ts).
	(mutationRun ? it.skip : it)(
		'20,000 grounding events take about 4 times as long as 5,000 (linear), and the output keeps 100 sources',
		async () => {
			const bodies = { small: groundedStream(5_000), large: groundedStream(20_000) };
			let body = bodies.small;
			answer = (_req, res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).end(body);
			const run = async (which: 'small' | 'large') => {
				body = bodies[which];
				const started = process.hrtime.bigint();
				const result = await viaGateway({ parameters: textToImage('grounded', { streaming: true }) });
				const took = Number(process.hrtime.bigint() - started) / 1e6;
				expect(result.error).toBeUndefined();
				expect(result.items[0].json.groundingSources).toHaveLength(ANSWER_LIMITS.maxGroundingSources);
				expect(result.items[0].json.searchQueries).toHaveLength(ANSWER_LIMITS.maxSearchQueries);
				expect(result.items[0].json.text).toBe('a'.repeat(which === 'small' ? 5_000 : 20_000));
				return took;
			};
			// Interleaved, the best of three each: a busy machine slows both sizes alike.
			let small = Infinity;
			let large = Infinity;
			for (let i = 0; i < 3; i++) {
				small = Math.min(small, await run('small'));
				large = Math.min(large, await run('large'));
			}
			// Linear: 4 times the events take about 4 times as long (measured 2 to 4). Re-copying the grounding on
			// every event made it quadratic: over 30 s for 20,000 events against 0.4 s for 5,000.
			expect(large / small).toBeLessThan(12);
		},
		120_000,
	);

	it("many images in one answer: text and grounding whole on the answer's first image item only", async () => {
		const text = 'w'.repeat(5_000);
		answer = (_req, res) =>
			res.writeHead(200, { 'content-type': 'application/json' }).end(
				JSON.stringify({
					candidates: [
						{
							content: { parts: [{ text }, imagePart, imagePart, imagePart] },
							finishReason: 'STOP',
							groundingMetadata: { groundingChunks: [{ web: { uri: 'https://example.com/a', title: 'A' } }], webSearchQueries: ['q'] },
						},
					],
				}),
			);
		for (const typeVersion of [1, 2]) {
			const result = await viaGateway({ typeVersion, parameters: textToImage('three') });
			expect(result.items).toHaveLength(3);
			const [first, ...later] = result.items.map((i) => i.json);
			expect(first).toMatchObject({ text, groundingSources: [{ uri: 'https://example.com/a', title: 'A' }], searchQueries: ['q'] });
			for (const json of later) {
				expect(json.text).toBe(
					`${'w'.repeat(ANSWER_LIMITS.laterImageTextChars)} … [cut: the whole text is on this answer's first image item]`,
				);
				expect(json.groundingSources).toBeUndefined();
				expect(json.searchQueries).toBeUndefined();
			}
		}
	});

	it('a short text stays whole on every image item', async () => {
		answer = (_req, res) =>
			res
				.writeHead(200, { 'content-type': 'application/json' })
				.end(JSON.stringify({ candidates: [{ content: { parts: [{ text: 'Two cats.' }, imagePart, imagePart] }, finishReason: 'STOP' }] }));
		const result = await viaGateway({ typeVersion: 2, parameters: textToImage('two') });
		expect(result.items.map((i) => i.json.text)).toEqual(['Two cats.', 'Two cats.']);
	});
	it.each([
		['chat, answered whole', { apiFormat: 'openAiChat' }, 'application/json', (c: string) => c],
		['chat, streamed', { apiFormat: 'openAiChat' }, 'text/event-stream', (c: string) => `data: ${c}\n\ndata: [DONE]\n\n`],
	])(
		'%s: "choices" that is not a list is an answer without an image, sent once (not a broken connection retried)',
		async (_route, options, type, body) => {
			answer = (_req, res) =>
				res.writeHead(200, { 'content-type': type }).end(body(JSON.stringify({ id: 'c1', choices: { finish_reason: 'stop' } })));
			const result = await viaGateway({ parameters: textToImage('x', options) });
			expect(result.error?.message).toMatch(/^The model returned no image/);
			expect(received[0].url).toBe('/v1/chat/completions');
			expect(received).toHaveLength(1);
		},
	);
	it("fields of another type than the API's read as absent: the image comes out, sent once, not taken for a broken connection", async () => {
		answer = (_req, res) =>
			res.writeHead(200, { 'content-type': 'application/json' }).end(
				JSON.stringify({
					candidates: [{ content: { parts: [{ inlineData: { mimeType: 5, data: png.base64 } }] }, finishReason: {}, finishMessage: 5 }],
					usageMetadata: { totalTokenCount: 'many' },
					modelVersion: { v: 1 },
				}),
			);
		const result = await viaGateway({ parameters: textToImage('x') });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({
			mimeType: 'image/png',
			width: 8,
			height: 8,
			modelVersion: null,
			finishReason: null,
			usage: {},
		});
		expect(received).toHaveLength(1);
	});
});

describe("the node's own [item N] and the key, whatever the gateway says", () => {
	it('a gateway message ending in "[item 7]" still gets the real item number', async () => {
		answer = (_req, res) =>
			res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'bad prompt [item 7]' } }));
		const result = await viaGateway({ parameters: textToImage('x', { maxRetries: 0 }) });
		expect(result.error?.message).toBe('CometAPI answered 400 Bad Request: bad prompt [item 7] [item 0]');
	});

	it('a key echoed in the status text, the body and a header is nowhere in what the node or the Test says', async () => {
		answer = (_req, res) => {
			res.statusMessage = `Denied ${API_KEY}`;
			res
				.writeHead(418, { 'content-type': 'application/json', 'x-echo': API_KEY })
				.end(JSON.stringify({ error: { message: `key ${API_KEY} is not allowed`, code: API_KEY }, message: API_KEY }));
		};
		const result = await viaGateway({ parameters: textToImage('x', { maxRetries: 0 }) });
		expect(result.error?.message).toMatch(/^CometAPI answered 418\b.*\[item 0\]$/);
		expect(everything(result)).not.toContain(API_KEY);
		expect(everything(result)).not.toContain(API_KEY.slice(0, 12));
		const tested = await runCredentialTest({ apiKey: API_KEY, baseUrl: gatewayUrl });
		expect(tested.status).toBe('Error');
		// n8n shows a rule's message for a status that has one, else the answer's own status text: every
		// status from 300 to 599 has one of ours.
		const { CometApi } = await import('../../credentials/CometApi.credentials');
		const rules = new CometApi().test.rules as unknown as Array<{ type: string; properties: { value: unknown; message: string } }>;
		const rule = rules.find((r) => r.type === 'responseCode' && r.properties.value === 418);
		expect(rule?.properties.message).toMatch(/^CometAPI answered 418\. Check the Base URL/);
		for (let status = 300; status < 600; status++)
			expect(rules.filter((r) => r.type === 'responseCode' && r.properties.value === status)).toHaveLength(1);
	});
});

describe('the credential, checked before anything is sent', () => {
	const userInfo = (url: string) => url.replace('http://', 'http://someone:secret@');

	it('a Base URL with user:pass@ is refused by the node and the Test, saying what to do; nothing reaches the gateway', async () => {
		const node = await runNode({ credentials: { apiKey: API_KEY, baseUrl: userInfo(gatewayUrl) }, parameters: textToImage('x') });
		expect(node.error?.message).toBe(
			'The Base URL in the CometAPI credential holds a user name or password (user:pass@), which would replace the API key [item 0]',
		);
		expect((node.error as any).description).toMatch(/^Remove the part up to and including the @/);
		expect(everything(node)).not.toContain('secret@');
		const tested = await runCredentialTest({ apiKey: API_KEY, baseUrl: userInfo(gatewayUrl) });
		expect(tested.status).toBe('Error');
		expect(tested.error?.message).toMatch(/^The Base URL in the CometAPI credential holds a user name or password \(user:pass@\)/);
		expect(received).toEqual([]);
	});

	it.each([
		['a line break', `${API_KEY}\n`, 'a line break at position 37 of 37'],
		['a character outside Latin-1', `sk-\u200bkey`, 'a character outside Latin-1 (U+200B) at position 4 of 7'],
		['a control character', `sk-\u0007key`, 'a control character at position 4 of 7'],
	])('a key holding %s is named as such, not as a network problem; nothing is sent', async (_name, apiKey, what) => {
		const node = await viaGateway({ parameters: textToImage('x'), apiKey });
		expect(node.error?.message).toBe(`The API key in the CometAPI credential holds ${what}, which an HTTP header cannot carry [item 0]`);
		expect((node.error as any).description).toMatch(/^Paste the key again/);
		const tested = await runCredentialTest({ apiKey, baseUrl: gatewayUrl });
		expect(tested.status).toBe('Error');
		expect(tested.error?.message).toContain(`holds ${what}, which an HTTP header cannot carry`);
		expect(received).toEqual([]);
	});

	it('an empty key (an expression that gives nothing) is named as such by the node and the Test; nothing is sent', async () => {
		const node = await viaGateway({ parameters: textToImage('x'), apiKey: ' ' });
		expect(node.error?.message).toBe('The API key in the CometAPI credential is empty [item 0]');
		expect((node.error as any).description).toBe('Paste the key from the CometAPI dashboard, or check the expression that gives it.');
		const tested = await runCredentialTest({ apiKey: '', baseUrl: gatewayUrl });
		expect(tested.status).toBe('Error');
		expect(tested.error?.message).toContain('The API key in the CometAPI credential is empty');
		expect(received).toEqual([]);
	});

	it('the right key still passes the Test and runs the node, as Bearer', async () => {
		expect((await runCredentialTest({ apiKey: API_KEY, baseUrl: t.emu.url })).status).toBe('OK');
		expect((await t.run({ parameters: textToImage('x') })).error).toBeUndefined();
		expect(t.emu.requests.every((r: any) => r.auth === 'bearer')).toBe(true);
	});
});
