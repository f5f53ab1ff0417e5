import {
	DEFAULT_MODEL,
	imageModels,
	isGeminiImageModel,
	modelLabel,
	productName,
	readModelList,
	retiredOn,
} from '../../nodes/GeminiImage/api/models/imageModels';
import { runPool } from '../../nodes/GeminiImage/actions/router';

describe('Gemini image models in an account list', () => {
	const body = {
		object: 'list',
		data: [
			{ id: 'gpt-4o', created: 1715367049 },
			{ id: 'gemini-2.5-flash-image', created: 1759363200 },
			{ id: 'gemini-3-pro-image', created: 1779926400 },
			{ id: 'gpt-image-1', created: 1745366400 },
			{ id: 'gemini-nano-banana-2.1', created: 1791417600 },
			{ id: 'imagen-4.0-generate-001', created: 1750204800 },
			{ id: 'gemini-3.1-flash-image', created: 1779926401 },
			{ id: 'gemini-2.5-pro', created: 1750204800 },
			{ id: 'gemini-3.1-flash-lite-image', created: 1784073600 },
		],
	};

	it('keeps only Gemini image models, ids without "image" included, newest first and retired last', () => {
		expect(imageModels(body).map((m) => m.id)).toEqual([
			'gemini-nano-banana-2.1',
			'gemini-3.1-flash-lite-image',
			'gemini-3.1-flash-image',
			'gemini-3-pro-image',
			'gemini-2.5-flash-image',
		]);
	});

	it('names them with their product names', () => {
		expect(imageModels(body).map((m) => m.name)).toEqual([
			'gemini-nano-banana-2.1 (Nano Banana 2.1)',
			'gemini-3.1-flash-lite-image (Nano Banana 2 Lite)',
			'gemini-3.1-flash-image (Nano Banana 2)',
			'gemini-3-pro-image (Nano Banana Pro)',
			'gemini-2.5-flash-image (Nano Banana, retired 2026-09-30)',
		]);
		expect(modelLabel('gemini-3-pro-image-preview')).toBe('gemini-3-pro-image-preview (Nano Banana Pro, preview, retired 2026-06-25)');
		expect(modelLabel('gemini-9-ultra-image')).toBe('gemini-9-ultra-image');
		expect(productName('gemini-3.1-flash-image-preview')).toBe('Nano Banana 2, preview');
		expect(retiredOn('gemini-3.1-flash-image')).toBeUndefined();
	});

	it('filters by id or product name, case-insensitively', () => {
		expect(imageModels(body, 'PRO').map((m) => m.id)).toEqual(['gemini-3-pro-image']);
		expect(imageModels(body, 'nano banana 2').map((m) => m.id)).toEqual([
			'gemini-nano-banana-2.1',
			'gemini-3.1-flash-lite-image',
			'gemini-3.1-flash-image',
		]);
	});

	it("recognises image models by pattern, so next year's names are listed too", () => {
		expect(isGeminiImageModel('gemini-4-ultra-image')).toBe(true);
		expect(isGeminiImageModel('gemini-nano-banana-3')).toBe(true);
		expect(isGeminiImageModel('gpt-image-1')).toBe(false);
		expect(isGeminiImageModel('gemini-2.5-flash')).toBe(false);
	});

	it('orders by version number when the list gives no dates, and tolerates odd shapes', () => {
		expect(imageModels(['gemini-3-pro-image', 'x', 'gemini-3.1-flash-image', 'gemini-3-pro-image']).map((m) => m.id)).toEqual([
			'gemini-3.1-flash-image',
			'gemini-3-pro-image',
		]);
		expect(imageModels({ data: null })).toEqual([]);
		expect(readModelList({ data: [{ id: 'a', created: 'x' }, { id: '' }, 7] })).toEqual([{ id: 'a' }]);
	});

	it('starts new nodes on a model served today', () => {
		expect(DEFAULT_MODEL).toBe('gemini-3.1-flash-image');
		expect(retiredOn(DEFAULT_MODEL)).toBeUndefined();
	});
});

describe('runPool', () => {
	it('never runs more than the limit at once and runs every index once', async () => {
		let running = 0;
		let peak = 0;
		const seen: number[] = [];
		await runPool(20, 4, async (i) => {
			running++;
			peak = Math.max(peak, running);
			await new Promise((r) => setImmediate(r));
			seen.push(i);
			running--;
		});
		expect(peak).toBe(4);
		expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
	});
	it('starts nothing new once stop() is true', async () => {
		const started: number[] = [];
		await runPool(
			10,
			2,
			async (i) => {
				started.push(i);
				await new Promise((r) => setImmediate(r));
			},
			() => started.length >= 3,
		);
		expect(started.length).toBeLessThanOrEqual(4);
	});
});

describe('model names, the rest', () => {
	it.each([
		['gemini-2.5-flash-image', 'Nano Banana', '2026-09-30'],
		['gemini-2.5-flash-image-preview', 'Nano Banana', '2026-09-30'],
		['Gemini-2.5-Flash-Image', 'Nano Banana', '2026-09-30'],
		['gemini-3-pro-image-preview', 'Nano Banana Pro, preview', '2026-06-25'],
		['gemini-3.0-pro-image-preview', 'Nano Banana Pro, preview', '2026-06-25'],
		['gemini-3.1-flash-image-preview', 'Nano Banana 2, preview', '2026-06-25'],
		['gemini-3-pro-image', 'Nano Banana Pro', undefined],
		['gemini-3.0-pro-image', 'Nano Banana Pro', undefined],
		['gemini-3.1-flash-lite-image', 'Nano Banana 2 Lite', undefined],
		['gemini-3.1-flash-image', 'Nano Banana 2', undefined],
		[' gemini-3.1-flash-image ', 'Nano Banana 2', undefined],
		['gemini-nano-banana-2.1', 'Nano Banana 2.1', undefined],
		['gemini-3.1-flash-image-001', 'Nano Banana 2', undefined],
		['gemini-3.1-flash-imagex', undefined, undefined],
		['gemini-3x1-flash-image', undefined, undefined],
		['my-gemini-3.1-flash-image', undefined, undefined],
		['gemini-2x5-flash-image', undefined, undefined],
		['gemini-3-pro-image-previewer', 'Nano Banana Pro', undefined],
		['gemini-nano-banana-2x1', undefined, undefined],
		['gemini-3x0-pro-image', undefined, undefined],
	])('%s: %s, retired %s', (id, product, retired) => {
		expect(productName(id)).toBe(product);
		expect(retiredOn(id)).toBe(retired);
	});

	it('image models by pattern: "gemini" and "image" anywhere, or a Nano Banana name, any case', () => {
		for (const id of ['GEMINI-X-IMAGE', 'image-by-gemini', 'nanobanana-pro', 'Nano-Banana', 'x-nano-banana'])
			expect([id, isGeminiImageModel(id)]).toEqual([id, true]);
		for (const id of ['gemini-pro', 'imagen-4', 'nano_banana', 'banana-nano', 'gemin-image'])
			expect([id, isGeminiImageModel(id)]).toEqual([id, false]);
	});

	it('reads ids from objects or bare strings, once each, with their dates when they are numbers', () => {
		expect(
			readModelList({ data: ['a', { id: 'b', created: 5 }, { id: 'a' }, { id: ' ' }, { id: 'c', created: Infinity }, { id: 3 }, null] }),
		).toEqual([{ id: 'a' }, { id: 'b', created: 5 }, { id: 'c' }]);
		expect(readModelList([{ id: 'x' }])).toEqual([{ id: 'x' }]);
		expect(readModelList('nope')).toEqual([]);
		expect(readModelList(null)).toEqual([]);
	});

	it('sorts current before retired, then newest, then by version; filters trimmed and case-insensitive', () => {
		const list = {
			data: [
				{ id: 'gemini-2.5-flash-image', created: 9e9 },
				{ id: 'gemini-a-image', created: 1 },
				{ id: 'gemini-b-image', created: 2 },
				{ id: 'gemini-image-2' },
				{ id: 'gemini-image-10' },
			],
		};
		expect(imageModels(list).map((m) => m.id)).toEqual([
			'gemini-b-image',
			'gemini-a-image',
			'gemini-image-10',
			'gemini-image-2',
			'gemini-2.5-flash-image',
		]);
		expect(imageModels(list, '  A-IMAGE ').map((m) => m.id)).toEqual(['gemini-a-image']);
		expect(imageModels(list, '   ').length).toBe(5);
		expect(imageModels(list, 'retired').map((m) => m.id)).toEqual(['gemini-2.5-flash-image']);
	});

	it('a pool of one task, or of none, or with a limit above the count', async () => {
		const seen: number[] = [];
		await runPool(1, 8, async (i) => {
			seen.push(i);
		});
		await runPool(0, 8, async (i) => {
			seen.push(100 + i);
		});
		await runPool(3, 0, async (i) => {
			seen.push(10 + i);
		});
		expect(seen).toEqual([0, 10, 11, 12]);
	});
});
