/** actions/router.ts: the item loop's pool: how many requests run at once, in order, and stopping. */
import { router, runPool } from '../../nodes/GeminiImage/actions/router';
import { planContext } from './fixtures';

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
	it('starts nothing new once stop() is true: the tasks running finish, no other starts', async () => {
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
		// 0 and 1 start together; 2 starts as 0 ends (2 started so far); once 2 has started, stop() holds.
		expect(started).toEqual([0, 1, 2]);
	});

	// The router passes the Concurrency clamped to 1..max (readConcurrency) and as many tasks as images asked for:
	// none when every item was refused before its request.
	it('runs each task once with one task, none, a limit of 1, or a limit above the count', async () => {
		const seen: number[] = [];
		await runPool(1, 8, async (i) => {
			seen.push(i);
		});
		await runPool(0, 8, async (i) => {
			seen.push(100 + i);
		});
		await runPool(3, 1, async (i) => {
			seen.push(10 + i);
		});
		await runPool(3, 16, async (i) => {
			seen.push(20 + i);
		});
		expect(seen).toEqual([0, 10, 11, 12, 20, 21, 22]);
	});
});

describe('router: the operation, checked before any item', () => {
	it('Refine Image on a version 1 node says to add a version 2 node, before reading any item', async () => {
		const ctx = planContext({ parameters: { operation: 'refineImage' }, typeVersion: 1 });
		const error = (await router.call(ctx).catch((e: unknown) => e)) as Error & { description?: string };
		expect(error.message).toBe('Refine Image needs node version 2 [item 0]');
		expect(error.description).toBe(
			'Add a new Gemini Image node (version 2) for Refine Image; version 1 nodes have Text to Image and Image to Image.',
		);
	});
});
