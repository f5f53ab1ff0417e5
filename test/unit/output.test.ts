/**
 * What each output item says about its image: the JSON, the file name, the numbering across requests; as an
 * AI Agent's tool, the summary and n8n's signed link to the image.
 */
import type { IBinaryData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ItemPlan } from '../../nodes/GeminiImage/actions/item';
import {
	addConversation,
	addImageLinks,
	laterItemText,
	NO_LINK_REASONS,
	numberItemImages,
	outputFileName,
	outputJson,
	asToolItems,
	signedImageLink,
	toolFacts,
	toolJson,
	toolSummary,
	RunNotes,
} from '../../nodes/GeminiImage/actions/output';
import type { GenerationResult } from '../../nodes/GeminiImage/helpers/interfaces';

const image = (extra: object = {}) => ({ data: Buffer.alloc(10), mimeType: 'image/png', extension: 'png', ...extra });

describe('outputJson', () => {
	it('only what the answer had: no undefined fields, nulls where a field is expected', () => {
		const result: GenerationResult = { images: [image()], text: '', draftImagesSkipped: 0 };
		expect(outputJson(result, 'm', 0)).toEqual({
			model: 'm',
			modelVersion: null,
			text: '',
			finishReason: null,
			mimeType: 'image/png',
			fileSize: 10,
			width: null,
			height: null,
			imageIndex: 0,
			imageCount: 1,
		});
		expect(Object.keys(outputJson({ ...result, groundingSources: [], searchQueries: [] }, 'm', 0))).not.toContain('groundingSources');
		// an answer without an id gives no responseId key (not one holding undefined)
		expect(outputJson(result, 'm', 0)).not.toHaveProperty('responseId');
	});

	it('everything the answer had, usage without its missing counts', () => {
		const result: GenerationResult = {
			images: [image(), image({ mimeType: 'image/jpeg', extension: 'jpg', data: Buffer.alloc(3), width: 4, height: 5 })],
			text: 'hi',
			draftImagesSkipped: 1,
			finishReason: 'STOP',
			modelVersion: 'v',
			responseId: 'r',
			usage: { promptTokens: 1, outputTokens: undefined, totalTokens: 3 },
			groundingSources: [{ uri: 'https://a', title: 'a' }],
			searchQueries: ['q'],
		};
		expect(outputJson(result, 'm', 1)).toEqual({
			model: 'm',
			modelVersion: 'v',
			text: 'hi',
			finishReason: 'STOP',
			mimeType: 'image/jpeg',
			fileSize: 3,
			width: 4,
			height: 5,
			imageIndex: 1,
			imageCount: 2,
			usage: { promptTokens: 1, totalTokens: 3 },
			responseId: 'r',
		});
		// the grounding is on the answer's first image item only
		expect(outputJson(result, 'm', 0)).toMatchObject({
			imageIndex: 0,
			groundingSources: [{ uri: 'https://a', title: 'a' }],
			searchQueries: ['q'],
		});
		expect(Object.keys(outputJson(result, 'm', 1).usage as object)).toEqual(['promptTokens', 'totalTokens']);
	});
});

describe('laterItemText', () => {
	it('gives later image items the text whole up to 1,000 characters, else its first 1,000 and where the rest is', () => {
		expect(laterItemText('short')).toBe('short');
		expect(laterItemText('a'.repeat(1000))).toBe('a'.repeat(1000));
		expect(laterItemText('a'.repeat(1001))).toBe(`${'a'.repeat(1000)} … [cut: the whole text is on this answer's first image item]`);
	});
});

describe('file names and numbering', () => {
	it('one image: gemini-image-<item>.<ext>; several: numbered from 1', () => {
		expect(outputFileName(3, 0, 1, 'jpg')).toBe('gemini-image-3.jpg');
		expect(outputFileName(3, 0, 2, 'png')).toBe('gemini-image-3-1.png');
		expect(outputFileName(0, 1, 2, 'png')).toBe('gemini-image-0-2.png');
	});

	it("numbers an item's images across its requests, keeping each file's extension", () => {
		const item = (extension: string): INodeExecutionData => ({
			json: { imageIndex: 0, imageCount: 1 },
			binary: { pic: { data: '', mimeType: 'x', fileExtension: extension, fileName: 'old' } },
		});
		const items = numberItemImages([item('png'), item('jpg'), item('webp')], 2, 'pic');
		expect(items.map((i) => [i.json.imageIndex, i.json.imageCount, i.binary!.pic.fileName])).toEqual([
			[0, 3, 'gemini-image-2-1.png'],
			[1, 3, 'gemini-image-2-2.jpg'],
			[2, 3, 'gemini-image-2-3.webp'],
		]);
		expect(numberItemImages([item('gif')], 0, 'pic')[0].binary!.pic.fileName).toBe('gemini-image-0.gif');
		expect(numberItemImages([], 0, 'pic')).toEqual([]);
	});

	it('names an image .png when n8n gave its binary no extension', () => {
		const item: INodeExecutionData = { json: {}, binary: { pic: { data: '', mimeType: 'image/png', fileName: 'old' } } };
		expect(numberItemImages([item], 4, 'pic')[0].binary!.pic.fileName).toBe('gemini-image-4.png');
	});
});

const info = {
	model: 'gemini-3-pro-image',
	text: 'Here is your poster.',
	mimeType: 'image/png',
	fileSize: 1493212,
	width: 1344,
	height: 768,
	imageIndex: 0,
	imageCount: 1,
};
const url = 'http://localhost:5678/rest/binary-data/signed?token=abc.def.ghi';

describe('toolJson', () => {
	it('gives the agent a plain summary, the link and the markdown to show it', () => {
		const json = toolJson(info, { url });
		expect(json).toEqual({
			summary:
				'Made a 1344x768 PNG image, 1.4 MB, with gemini-3-pro-image. The model said: "Here is your poster." ' +
				`To show it, put this markdown in your answer: ![image](${url}) The link is valid for 1 day.`,
			imageUrl: url,
			markdown: `![image](${url})`,
			model: 'gemini-3-pro-image',
			mimeType: 'image/png',
			width: 1344,
			height: 768,
			fileSize: 1493212,
		});
	});

	it('says why there is no link instead of failing', () => {
		const memory = toolJson(info, { reason: 'memory' });
		expect(memory.imageUrl).toBeNull();
		expect(memory).not.toHaveProperty('markdown');
		expect(memory.noLinkReason).toBe(NO_LINK_REASONS.memory);
		expect(memory.noLinkReason).toContain('N8N_DEFAULT_BINARY_DATA_MODE');
		expect(memory.summary).toContain('There is no link');
		expect(toolJson(info, { reason: 'unsupported' }).noLinkReason).toContain('n8n 1.90 and later');
		expect(toolJson(info, { reason: 'failed', detail: 'no secret' }).noLinkReason).toBe(
			'No link: n8n could not sign a link to the image: no secret',
		);
	});
});

describe('toolSummary', () => {
	it('numbers images of a batch, leaves out what is unknown, and cuts long model texts', () => {
		const s = toolSummary(
			{ ...info, width: null, height: null, text: 'x'.repeat(500), imageIndex: 1, imageCount: 3 },
			{ reason: 'memory' },
		);
		expect(s).toMatch(/^Made a PNG image \(image 2 of 3\), 1\.4 MB, with gemini-3-pro-image\./);
		expect(s).toContain(`"${'x'.repeat(300)}..."`);
		expect(toolSummary({ ...info, text: '  ' }, { url })).not.toContain('The model said');
	});

	it('quotes a text of exactly 300 characters whole, without the ellipsis', () => {
		const s = toolSummary({ ...info, text: 'z'.repeat(300) }, { url });
		expect(s).toContain(`The model said: "${'z'.repeat(300)}" To show it`);
	});
});

const ctx = (type: string, helpers: object = {}, isToolExecution?: () => boolean) =>
	({ getNode: () => ({ type }), helpers, ...(isToolExecution ? { isToolExecution } : {}) }) as unknown as IExecuteFunctions;
const stored: IBinaryData = { id: 'filesystem-v2:a/b', data: 'filesystem-v2', mimeType: 'image/png' };

describe('signedImageLink', () => {
	it("signs a stored image with n8n's helper", () => {
		const sign = jest.fn(() => 'http://n8n/rest/binary-data/signed?token=t');
		expect(signedImageLink(ctx('x', { createBinarySignedUrl: sign }), stored)).toEqual({
			url: 'http://n8n/rest/binary-data/signed?token=t',
		});
		expect(sign).toHaveBeenCalledWith(stored);
	});

	it('says why there is no link: n8n older than 1.90, memory mode, or a failure', () => {
		expect(signedImageLink(ctx('x'), stored)).toEqual({ reason: 'unsupported' });
		const sign = jest.fn();
		expect(signedImageLink(ctx('x', { createBinarySignedUrl: sign }), { data: 'AAAA', mimeType: 'image/png' })).toEqual({
			reason: 'memory',
		});
		expect(sign).not.toHaveBeenCalled();
		const broken = () => {
			throw new Error('no signing secret');
		};
		expect(signedImageLink(ctx('x', { createBinarySignedUrl: broken }), stored)).toEqual({ reason: 'failed', detail: 'no signing secret' });
	});
});

describe('the tool answer of an item, from the results of its requests', () => {
	const result = (text: string, ...sizes: number[]): GenerationResult => ({
		images: sizes.map((n) => image({ data: Buffer.alloc(n), width: n, mimeType: 'image/webp' })),
		text,
		draftImagesSkipped: 0,
	});

	it('toolFacts: what each image of a result is, with the text cut on later images as on their items', () => {
		const long = 'y'.repeat(5000);
		expect(toolFacts(result(long, 3, 4), 'm')).toEqual([
			{ model: 'm', text: long, mimeType: 'image/webp', fileSize: 3, width: 3, height: null, imageIndex: 0, imageCount: 2 },
			{
				model: 'm',
				text: `${'y'.repeat(1000)} … [cut: the whole text is on this answer's first image item]`,
				mimeType: 'image/webp',
				fileSize: 4,
				width: 4,
				height: null,
				imageIndex: 1,
				imageCount: 2,
			},
		]);
		// the same text as the later image's output item carries
		expect(outputJson(result(long, 3, 4), 'm', 1).text).toBe(
			`${'y'.repeat(1000)} … [cut: the whole text is on this answer's first image item]`,
		);
	});

	it('asToolItems: numbers the images over the item and links each one', () => {
		const sign = jest.fn((binary: IBinaryData) => `http://n8n/signed/${binary.id}`);
		const ctx = { getNode: () => ({ type: 'x' }), helpers: { createBinarySignedUrl: sign } } as unknown as IExecuteFunctions;
		const stored = (id: string): INodeExecutionData => ({
			json: { stale: true },
			binary: { pic: { id, data: '', mimeType: 'image/webp' } },
		});
		const items: INodeExecutionData[] = [stored('a'), stored('b'), { json: { noImage: true } }];
		asToolItems(ctx, items, [...toolFacts(result('first', 3), 'm'), ...toolFacts(result('', 4), 'm')], 'pic');
		expect(items[0].json).toMatchObject({ imageUrl: 'http://n8n/signed/a', fileSize: 3, width: 3, model: 'm' });
		expect(items[0].json.summary).toMatch(/^Made a WEBP image \(image 1 of 3\), 1 KB, with m\. The model said: "first"/);
		expect(items[1].json).toMatchObject({ imageUrl: 'http://n8n/signed/b', fileSize: 4 });
		expect(items[1].json.summary).toContain('(image 2 of 3)');
		expect(items[0].json).not.toHaveProperty('stale');
		expect(items[2].json).toEqual({ noImage: true });
	});
});

describe('addImageLinks', () => {
	const sign = (binary: IBinaryData) => `http://n8n/signed/${binary.id}`;
	const item = (id?: string): INodeExecutionData => ({ json: { model: 'm' }, binary: { pic: { id, data: '', mimeType: 'image/png' } } });

	it('adds the signed link, and no noLinkReason, to each item holding the image', () => {
		const items = [item('a'), item('b')];
		addImageLinks(ctx('x', { createBinarySignedUrl: sign }), items, 'pic');
		expect(items.map((i) => i.json)).toEqual([
			{ model: 'm', imageUrl: 'http://n8n/signed/a' },
			{ model: 'm', imageUrl: 'http://n8n/signed/b' },
		]);
		expect(items[0].json).not.toHaveProperty('noLinkReason');
	});

	it('says why there is no link: an image kept in memory', () => {
		const items = [item()];
		addImageLinks(ctx('x', { createBinarySignedUrl: sign }), items, 'pic');
		expect(items[0].json).toEqual({ model: 'm', imageUrl: null, noLinkReason: NO_LINK_REASONS.memory });
	});

	it('leaves an item without the image as it is', () => {
		const items: INodeExecutionData[] = [
			{ json: { a: 1 } },
			{ json: { b: 2 }, binary: { other: { id: 'o', data: '', mimeType: 'image/png' } } },
		];
		addImageLinks(ctx('x', { createBinarySignedUrl: sign }), items, 'pic');
		expect(items.map((i) => i.json)).toEqual([{ a: 1 }, { b: 2 }]);
	});
});

describe('addConversation', () => {
	const stored = (id: string, mimeType: string): IBinaryData => ({ id, data: '', mimeType });
	/** Refine Image's plan: one earlier turn whose image is the input item's field "pic". */
	const plan = {
		itemIndex: 0,
		input: {
			model: 'gemini-3-pro-image',
			prompt: 'make it blue',
			images: [],
			history: {
				turns: [
					{ role: 'user', parts: [{ text: 'a cat' }] },
					{ role: 'model', parts: [{ image: 'pic', mimeType: 'image/webp' }] },
				],
				earlierPrompts: [],
			},
		},
		inputs: [],
		settings: { binaryPropertyOutput: 'pic' },
	} as unknown as ItemPlan;
	const result: GenerationResult = {
		images: [image(), image({ mimeType: 'image/jpeg', extension: 'jpg' })],
		text: 'Here.',
		draftImagesSkipped: 0,
	};
	const outputs = (): INodeExecutionData[] => [
		{ json: { imageIndex: 0 }, binary: { pic: stored('new-0', 'image/png') } },
		{ json: { imageIndex: 1 }, binary: { pic: stored('new-1', 'image/jpeg') } },
	];

	it("writes each image's conversation with the answer's image types, and reuses the stored binaries", () => {
		const items = outputs();
		addConversation(items, result, plan, { json: {}, binary: { pic: stored('earlier', 'image/webp') } });
		expect(items[1].json.conversation).toEqual({
			format: 'gemini-image-conversation',
			version: 1,
			model: 'gemini-3-pro-image',
			turns: [
				{ role: 'user', parts: [{ text: 'a cat' }] },
				{ role: 'model', parts: [{ image: 'turn2_image1', mimeType: 'image/webp' }] },
				{ role: 'user', parts: [{ text: 'make it blue' }] },
				{
					role: 'model',
					parts: [{ text: 'Here.' }, { image: 'turn4_image1', mimeType: 'image/png' }, { image: 'pic', mimeType: 'image/jpeg' }],
				},
			],
		});
		expect(items[1].binary).toEqual({
			turn2_image1: stored('earlier', 'image/webp'),
			turn4_image1: stored('new-0', 'image/png'),
			pic: stored('new-1', 'image/jpeg'),
		});
		expect(items[0].binary).toEqual({
			turn2_image1: stored('earlier', 'image/webp'),
			pic: stored('new-0', 'image/png'),
			turn4_image2: stored('new-1', 'image/jpeg'),
		});
	});

	it('leaves out an image it has no binary for rather than writing an empty one', () => {
		for (const inputItem of [undefined, { json: {} }, { json: {}, binary: { other: stored('o', 'image/png') } }]) {
			const items = outputs();
			addConversation(items, result, plan, inputItem);
			expect(Object.keys(items[0].binary!)).toEqual(['pic', 'turn4_image2']);
		}
		const items: INodeExecutionData[] = [{ json: {} }, { json: {}, binary: { pic: stored('new-1', 'image/jpeg') } }];
		addConversation(items, result, plan, { json: {}, binary: { pic: stored('earlier', 'image/webp') } });
		expect(items[1].binary).toEqual({ turn2_image1: stored('earlier', 'image/webp'), pic: stored('new-1', 'image/jpeg') });
	});
});

describe('RunNotes: trimmed conversations', () => {
	const trimHints = (...trims: Array<[number, number]>) => {
		const notes = new RunNotes();
		for (const [item, turns] of trims) notes.trimmed(item, turns);
		return notes.hints();
	};

	it('names the first trimmed item, its turns, and how many other items were trimmed', () => {
		const tail = 'to stay within Max Input Size and 14 images per request; their prompts were sent as a short summary';
		expect(trimHints([2, 4])).toEqual([
			{ message: `Refine Image left out the oldest 4 turns of item 2's conversation ${tail}`, type: 'info', location: 'outputPane' },
		]);
		expect(trimHints([0, 6], [3, 2]).map((h) => h.message)).toEqual([
			`Refine Image left out the oldest 6 turns of item 0's conversation (and 1 other item) ${tail}`,
		]);
		expect(trimHints([1, 2], [3, 2], [5, 8]).map((h) => h.message)).toEqual([
			`Refine Image left out the oldest 2 turns of item 1's conversation (and 2 other items) ${tail}`,
		]);
		expect(trimHints()).toEqual([]);
	});
});
