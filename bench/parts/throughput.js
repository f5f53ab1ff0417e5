'use strict';
// Part 2, run in its own process: items per second at several concurrency settings with the emulator (in
// another process) answering every request after a fixed latency. Each repetition runs every setting once,
// in a rotated order; the speed-up of a setting is (time at concurrency 1) / (time at that concurrency),
// from the medians.

const H = require('../lib/harness');
const { childMain, log, median, rotate } = require('../lib/util');

childMain(async ({ baseUrl, apiKey, reps, items: count, latencyMs, concurrencies, binaryMode = 'filesystem' }) => {
	const prompts = Array.from({ length: count }, (_, i) => `bench throughput item ${i}`);
	const items = prompts.map((p) => ({ json: { p } }));
	const run = async (concurrency) => {
		const parameters = { operation: 'textToImage', model: H.model(), prompt: '={{ $json.p }}', options: { concurrency } };
		return await H.timeRun({ parameters, items, credentials: { apiKey, baseUrl }, binaryMode }, `concurrency ${concurrency}`);
	};
	// warm-up at the highest concurrency (short)
	await run(concurrencies[concurrencies.length - 1]);
	const times = Object.fromEntries(concurrencies.map((c) => [c, []]));
	for (let r = 0; r < reps; r++) {
		for (const c of rotate(concurrencies, r)) times[c].push(await run(c));
		log(`  throughput rep ${r + 1}/${reps}: ${concurrencies.map((c) => `c${c} ${Math.round(times[c][r])} ms`).join(', ')}`);
	}
	const base = median(times[concurrencies[0]]);
	const rows = concurrencies.map((c) => {
		const ms = median(times[c]);
		const idealMs = Math.ceil(count / c) * latencyMs;
		return {
			concurrency: c,
			times: times[c],
			medianMs: ms,
			itemsPerSecond: count / (ms / 1000),
			idealItemsPerSecond: count / (idealMs / 1000),
			speedUp: base / ms,
		};
	});
	H.dispose();
	return { items: count, latencyMs, binaryMode, rows };
});
