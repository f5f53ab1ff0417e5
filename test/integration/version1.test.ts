/**
 * The contract with saved workflows: a node saved as version 1, with its parameters as version 1 stored
 * them, runs exactly as before version 2 existed: the same request, the same output JSON (no input fields),
 * the options in the one Options collection, image URLs as an option, the retired default model.
 * (The other integration files run version 1 as well: the harness's default typeVersion is 1.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { sha256, useEmulator, images } from './setup';

const t = useEmulator();

/** The Gemini Image node of a workflow file exactly as version 1 saved it (the 0.1.0 examples). */
const SAVED_V1_TEXT_TO_IMAGE = {
	operation: 'textToImage',
	model: { __rl: true, mode: 'list', value: 'gemini-2.5-flash-image' },
	prompt: 'A watercolour fox reading a newspaper in a Paris café, morning light',
	options: { aspectRatio: '16:9' },
};

describe('a version 1 node', () => {
	it("runs as saved: same route, body and output JSON, without the input item's fields", async () => {
		const result = await t.run({ typeVersion: 1, parameters: SAVED_V1_TEXT_TO_IMAGE, items: [{ json: { sku: 'MUG-001' } }] });
		expect(result.error).toBeUndefined();
		const [req] = t.emu.requests;
		expect(req.path).toBe('/v1beta/models/gemini-2.5-flash-image:generateContent');
		expect(req.body).toEqual({
			contents: [{ role: 'user', parts: [{ text: SAVED_V1_TEXT_TO_IMAGE.prompt }] }],
			generationConfig: { imageConfig: { aspectRatio: '16:9' } },
		});
		const [item] = result.items;
		expect(Object.keys(item.json).sort()).toEqual(
			[
				'finishReason',
				'fileSize',
				'height',
				'imageCount',
				'imageIndex',
				'mimeType',
				'model',
				'modelVersion',
				'responseId',
				'text',
				'usage',
				'width',
			].sort(),
		);
		expect(item.json).toMatchObject({ model: 'gemini-2.5-flash-image', width: 1344, height: 768 });
		expect(sha256(item.binary!.data.data)).toBe(req.imagesSent[0].sha256);
	});

	it('Text to Image never downloads the image URLs an earlier Image to Image left in its Options', async () => {
		// A saved workflow may keep them from an earlier operation. n8n drops an option its operation does not show
		// before the node reads it, and the node no longer reads image URLs outside Image to Image either.
		const parameters = { ...SAVED_V1_TEXT_TO_IMAGE, options: { aspectRatio: '16:9', imageUrls: `${t.emu.url}/files/image.png?size=2000` } };
		const result = await t.run({ typeVersion: 1, parameters });
		expect(result.error).toBeUndefined();
		expect(t.emu.files).toHaveLength(0);
		expect(t.emu.requests[0].body.contents).toEqual([{ role: 'user', parts: [{ text: SAVED_V1_TEXT_TO_IMAGE.prompt }] }]);
	});

	it("with the model left out uses version 1's default, gemini-2.5-flash-image", async () => {
		const { model: _omitted, ...parameters } = SAVED_V1_TEXT_TO_IMAGE;
		const result = await t.run({ typeVersion: 1, parameters });
		expect(result.error).toBeUndefined();
		expect(t.emu.requests[0].model).toBe('gemini-2.5-flash-image');
	});

	it('reads every option from its one Options collection (request settings included)', async () => {
		const result = await t.run({
			typeVersion: 1,
			parameters: {
				...SAVED_V1_TEXT_TO_IMAGE,
				options: { apiFormat: 'openAiChat', aspectRatio: '9:16', binaryPropertyOutput: 'picture', numberOfImages: 2 },
			},
		});
		expect(result.error).toBeUndefined();
		expect(t.emu.requests.map((r: any) => r.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions']);
		expect(result.items.map((i) => Object.keys(i.binary!))).toEqual([['picture'], ['picture']]);
	});

	it('takes image URLs from the option and binary fields from Input Binary Fields', async () => {
		const input = images.solidPng(8, 8, [1, 2, 3]).buffer as Buffer;
		const dataUrl = `data:image/png;base64,${(images.solidPng(4, 4, [9, 9, 9]).buffer as Buffer).toString('base64')}`;
		const result = await t.run({
			typeVersion: 1,
			parameters: {
				operation: 'imageToImage',
				model: SAVED_V1_TEXT_TO_IMAGE.model,
				prompt: 'edit',
				binaryPropertyNames: 'data',
				options: { imageUrls: dataUrl },
			},
			items: [{ binary: { data: { data: input } } }],
		});
		expect(result.error).toBeUndefined();
		// the binary field first, then the data: URL, decoded
		expect(t.emu.requests[0].imagesReceived.map((i: any) => i.sha256)).toEqual([
			sha256(input),
			sha256(images.solidPng(4, 4, [9, 9, 9]).buffer as Buffer),
		]);
	});

	it("ignores version 2's parameters if a workflow holds them", async () => {
		const result = await t.run({
			typeVersion: 1,
			parameters: { ...SAVED_V1_TEXT_TO_IMAGE, requestSettings: { apiFormat: 'openAiChat' }, options: { includeInputFields: true } },
			items: [{ json: { sku: 'MUG-001' } }],
		});
		expect(result.error).toBeUndefined();
		expect(t.emu.requests[0].route).toBe('native');
		expect(result.items[0].json.sku).toBeUndefined();
	});
});

describe('the example workflows of the package', () => {
	it.each(['text-to-image', 'image-to-image'])('%s is a version 2 node with only version 2 parameters', (name) => {
		const wf = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', `${name}.workflow.json`), 'utf8'));
		const node = wf.nodes.find((n: any) => n.type === 'n8n-nodes-cometapi.geminiImage');
		expect(node.typeVersion).toBe(2);
		expect(node.parameters.model.value).toBe('gemini-3.1-flash-image');
		expect(wf.nodes.some((n: any) => n.type === 'n8n-nodes-base.code')).toBe(false);
	});
});
