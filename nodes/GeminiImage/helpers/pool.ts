/**
 * Runs `task(i)` for i = 0..count-1 with at most `limit` running at once, starting them in index order.
 * Once `stop()` says so, no new task starts (running ones finish). No timers: n8n's scanner bans them.
 */
export async function runPool(
	count: number,
	limit: number,
	task: (index: number) => Promise<void>,
	stop: () => boolean = () => false,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < count && !stop()) {
			const index = next++;
			await task(index);
		}
	};
	const workers = Array.from({ length: Math.max(1, Math.min(limit, count)) }, worker);
	await Promise.all(workers);
}
