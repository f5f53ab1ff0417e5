/**
 * Version 2 as an AI Agent's tool: the node's tool variant ("…geminiImageTool") run the way n8n runs an
 * agent's tool, its arguments as the input item's JSON. The agent gets a short summary and n8n's signed
 * link to the stored image (or why there is none), and may choose aspect ratio, size and number of images.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { binaryDataService } from '../harness/runNode';
import { images, sha256, useEmulator } from './setup';

const t = useEmulator();
const PRO = 'gemini-3-pro-image';
const model = { __rl: true, mode: 'id', value: PRO };
const tool = (operation: string, args: Record<string, unknown>, extra: object = {}, parameters: object = {}) =>
	t.run({ typeVersion: 2, tool: true, parameters: { operation, model, ...parameters }, items: [{ json: args }], ...extra });
// The test's image server is on loopback, which a tool run refuses unless it is allowed on purpose.
const LOOPBACK_ALLOWED = { requestSettings: { allowedPrivateHosts: '127.0.0.1' } };
const generations = () => t.emu.requests.filter((r: any) => r.route === 'native' || r.route === 'chat');
const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;

const served = images.fixture('jpeg');
let server: ReturnType<typeof createServer>;
let imageUrl: string;
const downloads: Array<Record<string, unknown>> = [];
beforeAll(async () => {
	server = createServer((req, res) => {
		downloads.push(req.headers);
		if (req.url !== '/photo.jpg') return void res.writeHead(404).end();
		res.writeHead(200, { 'content-type': 'image/jpeg' }).end(served.buffer);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	imageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/photo.jpg`;
});
afterAll(() => server.close());

describe('what the agent gets', () => {
	it('a summary and a signed link to the stored image, nothing else; the link signs that very binary', async () => {
		const result = await tool(
			'textToImage',
			{ prompt: 'a lighthouse at dusk', aspectRatio: '16:9', imageSize: '2K', numberOfImages: 2 },
			{ binaryMode: 'filesystem' },
		);
		expect(result.error).toBeUndefined();
		const reqs = generations();
		expect(reqs).toHaveLength(2);
		expect(reqs.map((r: any) => [r.asked.promptText, r.asked.aspectRatio, r.asked.imageSize])).toEqual(
			Array(2).fill(['a lighthouse at dusk', '16:9', '2K']),
		);
		expect(result.items).toHaveLength(2);
		result.items.forEach((item, n) => {
			expect(Object.keys(item.json)).toEqual(['summary', 'imageUrl', 'markdown', 'model', 'mimeType', 'width', 'height', 'fileSize']);
			expect(item.json.imageUrl).toMatch(/^http:\/\/localhost:5678\/rest\/binary-data\/signed\?token=/);
			expect(item.json.markdown).toBe(`![image](${item.json.imageUrl})`);
			expect(binaryDataService.validateSignedToken(tokenOf(item.json.imageUrl))).toBe(item.binary!.data.meta.id);
			expect(sha256(item.binary!.data.data)).toBe(reqs[n].imagesSent.find((i: any) => i.role === 'final').sha256);
			expect(item.json.summary).toBe(
				`Made a 2688x1536 PNG image (image ${n + 1} of 2), ${Math.max(1, Math.round(item.json.fileSize / 1024))} KB, with ${PRO}. The model said: "Here is your image." ` +
					`To show it, put this markdown in your answer: ![image](${item.json.imageUrl}) The link is valid for 1 day.`,
			);
		});
	});

	it('in memory mode, no link and the reason, instead of failing', async () => {
		const result = await tool('textToImage', { prompt: 'a kite' }, { binaryMode: 'default' });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ imageUrl: null, noLinkReason: expect.stringContaining('N8N_DEFAULT_BINARY_DATA_MODE') });
		expect(result.items[0].json.summary).toContain('There is no link');
	});

	it("leaves the agent's other input out (AI Agent 3 passes its whole input item to the tool)", async () => {
		const result = await tool(
			'textToImage',
			{ prompt: 'x', headers: { host: 'n8n' }, body: { message: 'draw' }, toolCallId: 'call_1' },
			{ binaryMode: 'filesystem' },
		);
		expect(JSON.stringify(result.items[0].json)).not.toMatch(/toolCallId|headers|conversation/);
	});

	it('empty choices leave the options as set in the node; unknown values are refused with the reason', async () => {
		const set = await tool('textToImage', { prompt: 'x', aspectRatio: '', imageSize: '' }, {}, { options: { aspectRatio: '4:3' } });
		expect(set.error).toBeUndefined();
		expect(generations()[0].asked.aspectRatio).toBe('4:3');
		t.emu.reset();
		const bad = await tool('textToImage', { prompt: 'x', aspectRatio: 'widescreen' });
		expect(bad.error?.message).toBe('Aspect Ratio "widescreen" is not supported [item 0]');
		expect(generations()).toHaveLength(0);
	});

	it('caps the number of images an agent may ask for at 4', async () => {
		const result = await tool('textToImage', { prompt: 'x', numberOfImages: 50 });
		expect(result.items).toHaveLength(4);
		expect(generations()).toHaveLength(4);
	});
});

describe('images come by link', () => {
	it('Image to Image downloads the links (without the CometAPI key) and sends them with the prompt', async () => {
		const result = await tool(
			'imageToImage',
			{ prompt: 'make it a postcard', imageUrls: imageUrl },
			{ binaryMode: 'filesystem' },
			LOOPBACK_ALLOWED,
		);
		expect(result.error).toBeUndefined();
		const [req] = generations();
		expect(req.body.contents).toHaveLength(1);
		expect(req.imagesReceived.map((i: any) => i.sha256)).toEqual([served.sha256]);
		expect(result.items[0].json.imageUrl).toMatch(/signed\?token=/);
		expect(downloads.length).toBeGreaterThan(0);
		expect(downloads.every((headers) => !headers.authorization)).toBe(true);
	});

	it("Refine Image sends the linked image as the model's last answer, then the new prompt; more links go with it", async () => {
		const logo = images.solidPng(16, 16, [0, 0, 255]);
		const result = await tool(
			'refineImage',
			{ prompt: 'now at night', imageUrls: `${imageUrl}, data:image/png;base64,${logo.base64}` },
			{},
			LOOPBACK_ALLOWED,
		);
		expect(result.error).toBeUndefined();
		const [req] = generations();
		expect(req.body.contents.map((c: any) => c.role)).toEqual(['user', 'model', 'user']);
		expect(req.body.contents[0].parts).toEqual([{ text: 'Here is the image to refine.' }]);
		expect(req.body.contents[1].parts[0].inlineData.mimeType).toBe('image/jpeg');
		expect(req.conversation.turns[1].parts[0].sha256).toBe(served.sha256);
		expect(req.body.contents[2].parts[0]).toEqual({ text: 'now at night' });
		expect(req.conversation.turns[2].parts[1].sha256).toBe(logo.sha256);
	});

	it('says what is missing when the agent gave no link', async () => {
		for (const operation of ['imageToImage', 'refineImage']) {
			const result = await tool(operation, { prompt: 'x', imageUrls: '' });
			expect(result.error?.message).toMatch(/as a tool needs the links? of the image/);
		}
		expect(generations()).toHaveLength(0);
	});
});

describe('outside a tool', () => {
	it('Add Image Link puts the signed link on version 2 items', async () => {
		const result = await t.run({
			typeVersion: 2,
			parameters: { operation: 'textToImage', model, prompt: 'x', options: { imageLink: true } },
			binaryMode: 'filesystem',
		});
		const { json, binary } = result.items[0];
		expect(binaryDataService.validateSignedToken(tokenOf(json.imageUrl))).toBe(binary!.data.meta.id);
		// the link comes beside the conversation Refine Image continues, not instead of it
		expect(json.conversation).toMatchObject({ model: model.value, turns: [{ role: 'user', parts: [{ text: 'x' }] }, { role: 'model' }] });
		const memory = await t.run({
			typeVersion: 2,
			parameters: { operation: 'textToImage', model, prompt: 'x', options: { imageLink: true } },
		});
		expect(memory.items[0].json).toMatchObject({ imageUrl: null, noLinkReason: expect.stringContaining('memory') });
	});

	it('version 1 as a tool gives what it always gave', async () => {
		const result = await t.run({
			tool: true,
			parameters: { operation: 'textToImage', model, prompt: "={{ $fromAI('prompt') }}" },
			items: [{ json: { prompt: 'a boat' } }],
		});
		expect(result.error).toBeUndefined();
		expect(generations()[0].asked.promptText).toBe('a boat');
		expect(result.items[0].json).toMatchObject({ model: PRO, text: 'Here is your image.', imageIndex: 0 });
		expect(result.items[0].json.summary).toBeUndefined();
		expect(result.items[0].json.imageUrl).toBeUndefined();
	});
});
