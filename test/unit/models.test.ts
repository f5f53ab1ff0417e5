import { rankModels } from '../../nodes/GeminiImage/methods/models';
import { runPool } from '../../nodes/GeminiImage/helpers/pool';

describe('rankModels', () => {
	const body = {
		object: 'list',
		data: [{ id: 'gpt-4o' }, { id: 'gemini-2.5-pro' }, { id: 'gemini-2.5-flash-image' }, { id: 'gemini-3-pro-image-preview' }, { id: 'dall-e-3' }],
	};
	it('puts Gemini image models first', () => {
		const ids = rankModels(body);
		expect(ids.slice(0, 2).sort()).toEqual(['gemini-2.5-flash-image', 'gemini-3-pro-image-preview']);
		expect(ids).toHaveLength(5);
	});
	it('filters case-insensitively and tolerates odd shapes', () => {
		expect(rankModels(body, 'PRO')).toEqual(['gemini-3-pro-image-preview', 'gemini-2.5-pro']);
		expect(rankModels({ data: null })).toEqual([]);
		expect(rankModels(['a-image-gemini', 'x'])).toEqual(['a-image-gemini', 'x']);
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
