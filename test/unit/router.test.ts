/** actions/router.ts: the item loop's pool: how many requests run at once, in order, and stopping. */
import { runPool } from '../../nodes/GeminiImage/actions/router';

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
