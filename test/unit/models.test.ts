import { DEFAULT_MODEL, imageModels, isGeminiImageModel, modelLabel, productName, readModelList, retiredOn } from '../../nodes/GeminiImage/api/models';
import { runPool } from '../../nodes/GeminiImage/helpers/pool';

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
		expect(imageModels(body, 'nano banana 2').map((m) => m.id)).toEqual(['gemini-nano-banana-2.1', 'gemini-3.1-flash-lite-image', 'gemini-3.1-flash-image']);
	});

	it('recognises image models by pattern, so next year\'s names are listed too', () => {
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
		await runPool(10, 2, async (i) => {
			started.push(i);
			await new Promise((r) => setImmediate(r));
		}, () => started.length >= 3);
		expect(started.length).toBeLessThanOrEqual(4);
	});
});
