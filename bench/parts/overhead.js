'use strict';
// Part 1, run in its own process: the node (n8n-core harness, binary modes filesystem and default) versus a
// plain axios client doing the same calls to the emulator (in another process, latency 0), same prompts,
// same input images, same concurrency. Each repetition runs every contender once, in a rotated order; the
// ratio node / plain is taken within a repetition, and the median over repetitions is reported.

const H = require('../lib/harness');
const { runPlain } = require('../lib/plainClient');
const { childMain, gc, log, median, nowMs, rotate } = require('../lib/util');

const images = require('../../emulator/images');

childMain(async ({ baseUrl, apiKey, reps, scenarios }) => {
	const results = [];
	for (const sc of scenarios) {
		const prompts = Array.from(
			{ length: sc.items },
			(_, i) => `bench overhead ${sc.name} item ${i}${sc.outputBytes ? ` [emu:size=${sc.outputBytes}]` : ''}`,
		);
		const input = sc.inputBytes ? images.sizedPng(sc.inputBytes) : null;
		const inputImages = input ? () => [{ data: input.buffer, mimeType: 'image/png' }] : undefined;
		const parameters = sc.inputBytes
			? {
					operation: 'imageToImage',
					model: H.model(),
					prompt: '={{ $json.p }}',
					binaryPropertyNames: 'data',
					options: { concurrency: sc.concurrency },
				}
			: { operation: 'textToImage', model: H.model(), prompt: '={{ $json.p }}', options: { concurrency: sc.concurrency } };
		const items = prompts.map((p) => ({
			json: { p },
			...(input ? { binary: { data: { data: input.buffer, mimeType: 'image/png', fileName: 'input.png' } } } : {}),
		}));

		const plain = (keepAlive) => async () => {
			gc();
			const t0 = nowMs();
			const res = await runPlain({ baseUrl, apiKey, prompts, images: inputImages, concurrency: sc.concurrency, keepAlive });
			const ms = nowMs() - t0;
			const ok = res.images.filter((b) => b && b.length > 0).length;
			if (ok !== sc.items) throw new Error(`plain client: ${ok}/${sc.items} images (${res.errors} errors)`);
			return ms;
		};
		// 'plain' is the baseline; 'plain-new-connections' is a diagnostic (a new TCP connection per request, as
		// n8n-core's HTTP helper does).
		const contenders = { plain: plain(true), 'plain-new-connections': plain(false) };
		for (const mode of ['filesystem', 'default']) {
			contenders[`node-${mode}`] = () =>
				H.timeRun({ parameters, items, credentials: { apiKey, baseUrl }, binaryMode: mode }, `node (${mode})`);
		}
		// Diagnostic, not a contender: n8n-core storing the same number of images of the answer's size in each
		// binary mode (prepareBinaryData, as the node calls it), to tell n8n's storage cost from the node's own.
		const answerBytes = sc.outputBytes || images.solidPng(1024, 1024, [10, 20, 30]).buffer.length;
		const sample = sc.outputBytes ? images.sizedPng(sc.outputBytes).buffer : images.solidPng(1024, 1024, [10, 20, 30]).buffer;
		for (const mode of ['filesystem', 'default']) {
			contenders[`store-${mode}`] = async () => {
				const run = await H.prepare({ parameters, items: [{ json: {} }], credentials: { apiKey, baseUrl }, binaryMode: mode });
				try {
					gc();
					const t0 = nowMs();
					await H.storeMany(sample, sc.items, sc.concurrency);
					return nowMs() - t0;
				} finally {
					run.release();
				}
			};
		}
		const names = Object.keys(contenders);
		// warm-up: JIT, connection pools, the emulator's image cache
		for (const name of names) await contenders[name]();
		const times = Object.fromEntries(names.map((n) => [n, []]));
		for (let r = 0; r < reps; r++) {
			for (const name of rotate(names, r)) times[name].push(await contenders[name]());
			log(`  overhead ${sc.name} rep ${r + 1}/${reps}: ${names.map((n) => `${n} ${Math.round(times[n][r])} ms`).join(', ')}`);
		}
		const ratios = {};
		const withoutStorage = {};
		for (const mode of ['filesystem', 'default']) {
			ratios[mode] = times[`node-${mode}`].map((t, r) => t / times.plain[r]);
			withoutStorage[mode] = times[`node-${mode}`].map((t, r) => (t - times[`store-${mode}`][r]) / times.plain[r]);
		}
		results.push({
			...sc,
			times,
			medianMs: Object.fromEntries(names.map((n) => [n, median(times[n])])),
			ratios,
			answerBytes,
			medianRatio: { filesystem: median(ratios.filesystem), default: median(ratios.default) },
			medianRatioWithoutStorage: { filesystem: median(withoutStorage.filesystem), default: median(withoutStorage.default) },
		});
	}
	H.dispose();
	return { scenarios: results };
});
