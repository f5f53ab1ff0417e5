/** What each output item says about its image: the JSON, the file name, the numbering across requests. */
import type { INodeExecutionData } from 'n8n-workflow';

import { numberItemImages, outputFileName, outputJson } from '../../nodes/GeminiImage/actions/output/items';
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
});
