'use strict';
// Part 3, one measurement per process (bench/run.js starts a fresh one for each): peak RSS of one item
// with one large image, input (image to image, the emulator answers with a small image) or output (the
// emulator answers with an image of that size). The emulator runs in another process.
//
// Steps: load everything, warm up with a small run of the same kind, store the input item (what the node
// before it would have done), full GC, reset the peak RSS (Linux clear_refs), baseline = rss; then one run
// while rss is sampled every 10 ms; peak extra = resourceUsage().maxRSS after the run - baseline (maxRSS
// also sees peaks the sampler misses while the event loop is busy).
// who: 'node' (the node in n8n-core, binaryMode 'filesystem' | 'default') or 'plain' (axios, for reference).
// route (node only): 'native' (generateContent), 'stream' (streamGenerateContent?alt=sse), 'chat' (the
// OpenAI-compatible chat route, streamed).
// reader (bench/reading.js only): 'streaming' (the node's readers), 'buffered' or 'buffered-sliced'
// (bench/lib/bufferedReader.js put in their place in the compiled node); either way heapUsed + external is sampled after every chunk the
// reader gets and after its end(), besides every 10 ms.

const fs = require('node:fs');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');

const H = require('../lib/harness');
const { runPlain } = require('../lib/plainClient');
const { BUILD, childMain, gc, MB } = require('../lib/util');

const images = require('../../emulator/images');

const ROUTE_OPTIONS = { native: {}, stream: { streaming: true }, chat: { apiFormat: 'openAiChat' } };

const heap = () => {
	const m = process.memoryUsage();
	return m.heapUsed + m.external; // external includes arrayBuffers (Buffers)
};
let heapPeak = 0;
const sampleHeap = () => {
	const h = heap();
	if (h > heapPeak) heapPeak = h;
};

/**
 * Swaps helpers/answers.ts's readAnswer in the compiled node (the operations call it through the module's
 * exports) for one around the buffered reader, or, for `streaming`, wraps the real one; samples around it.
 */
function useReader(kind) {
	const answers = require(path.join(BUILD, 'nodes', 'GeminiImage', 'helpers', 'answers.js'));
	const failures = require(path.join(BUILD, 'nodes', 'GeminiImage', 'helpers', 'failures.js'));
	const { BufferedReader } = require('../lib/bufferedReader');
	const original = answers.readAnswer;
	async function* sampled(chunks) {
		for await (const chunk of chunks) {
			sampleHeap();
			yield chunk;
		}
		sampleHeap();
	}
	answers.readAnswer = async (route, answer, context) => {
		if (kind === 'streaming') {
			const outcome = await original(route, { ...answer, chunks: sampled(answer.chunks) }, context);
			sampleHeap();
			return outcome;
		}
		const reader = new BufferedReader(route, answer.headers, kind === 'buffered-sliced');
		for await (const chunk of answer.chunks) {
			reader.push(chunk);
			sampleHeap();
			if (reader.stopped) break;
		}
		const outcome = reader.end();
		sampleHeap();
		if ('errorEvent' in outcome) return { failure: failures.describeErrorEvent(outcome.errorEvent, context) };
		if ('unreadable' in outcome) {
			return { failure: failures.describeUnreadableBody(outcome.unreadable, String(answer.headers['content-type']), context) };
		}
		return { value: outcome.result };
	};
}

childMain(async ({ baseUrl, apiKey, who, binaryMode, direction, sizeBytes, route = 'native', reader }) => {
	if (reader) useReader(reader);
	const credentials = { apiKey, baseUrl };
	const input = direction === 'input';
	const prompt = (tag, bytes) => `bench memory ${tag}${!input && bytes ? ` [emu:size=${bytes}]` : ''}`;
	const parameters = (tag, bytes) =>
		input
			? {
					operation: 'imageToImage',
					model: H.model(),
					prompt: prompt(tag, bytes),
					binaryPropertyNames: 'data',
					options: { maxInputMb: 64, ...ROUTE_OPTIONS[route] },
				}
			: { operation: 'textToImage', model: H.model(), prompt: prompt(tag, bytes), options: { ...ROUTE_OPTIONS[route] } };
	const inputItem = (bytes) => [
		{ json: {}, binary: { data: { data: images.sizedPng(bytes).buffer, mimeType: 'image/png', fileName: 'input.png' } } },
	];

	const check = (res, what) => {
		if (res.error) throw res.error;
		const out = res.outputs[0];
		if (out.length !== 1 || !out[0].binary) throw new Error(`${what}: no image out`);
		return out[0].json.fileSize;
	};

	let run;
	let plainImages;
	if (who === 'node') {
		// warm-up: a small run of the same kind (loads and compiles every code path)
		const warm = await H.prepare({
			parameters: parameters('warm-up', 64 * 1024),
			items: input ? inputItem(64 * 1024) : undefined,
			credentials,
			binaryMode,
		});
		check(await warm.execute(), 'warm-up');
		warm.release();
		run = await H.prepare({
			parameters: parameters('measured', sizeBytes),
			items: input ? inputItem(sizeBytes) : undefined,
			credentials,
			binaryMode,
		});
	} else {
		const img = (bytes) => (input ? () => [{ data: images.sizedPng(bytes).buffer, mimeType: 'image/png' }] : undefined);
		const warm = await runPlain({ baseUrl, apiKey, prompts: [prompt('warm-up', 64 * 1024)], images: img(64 * 1024), concurrency: 1 });
		if (warm.errors) throw new Error('plain warm-up failed');
		// the input Buffer exists before the measured run, as the node's input item does
		if (input) plainImages = [{ data: images.sizedPng(sizeBytes).buffer, mimeType: 'image/png' }];
	}
	images.clearCache(); // the generator's cache: the measured process keeps only what the run needs
	gc();
	await sleep(50);
	gc();

	// Linux: "5" into clear_refs resets the peak RSS (VmHWM, hence maxRSS) to the current RSS, so the peak
	// read after the run is the run's own, not the set-up's (building a 20 MB input PNG peaks higher).
	let peakReset = false;
	try {
		fs.writeFileSync('/proc/self/clear_refs', '5');
		peakReset = true;
	} catch {
		/* not Linux or not allowed: maxRSS then covers the whole process life */
	}
	const baseline = process.memoryUsage().rss;
	const heapBaseline = heap();
	heapPeak = heapBaseline;
	const maxRssBefore = process.resourceUsage().maxRSS * 1024;
	let sampled = baseline;
	const timer = setInterval(() => {
		const rss = process.memoryUsage.rss();
		if (rss > sampled) sampled = rss;
		if (reader) sampleHeap();
	}, 10);
	const t0 = performance.now();
	let outBytes;
	if (who === 'node') {
		outBytes = check(await run.execute(), 'measured run');
		run.release();
	} else {
		const res = await runPlain({
			baseUrl,
			apiKey,
			prompts: [prompt('measured', sizeBytes)],
			images: plainImages ? () => plainImages : undefined,
			concurrency: 1,
		});
		if (res.errors) throw new Error('plain run failed');
		outBytes = res.images[0].length;
	}
	const ms = performance.now() - t0;
	clearInterval(timer);
	const after = process.memoryUsage.rss();
	if (after > sampled) sampled = after;
	if (reader) sampleHeap();
	const maxRss = process.resourceUsage().maxRSS * 1024;
	const peakExtra = maxRss - baseline;
	H.dispose();
	return {
		who,
		route: who === 'node' ? route : null,
		binaryMode,
		direction,
		sizeBytes,
		outBytes,
		ms,
		baseline,
		maxRssBefore,
		maxRss,
		peakReset,
		peakExtra,
		sampledPeakExtra: sampled - baseline,
		peakMultiple: peakExtra / sizeBytes,
		sampledMultiple: (sampled - baseline) / sizeBytes,
		sizeMb: sizeBytes / MB,
		reader,
		heapBaseline,
		heapPeakExtra: reader ? heapPeak - heapBaseline : undefined,
	};
});
