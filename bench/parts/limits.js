'use strict';
// Part 5, one scenario per process: the node (version 2, every setting at its default) under an account limit
// it is not told. The emulator (own process) answers 429 + Retry-After: 1 to a request that arrives while
// `limit` requests are in flight, and every other one after `latencyMs`. The scenario runs one or several
// executions of the node's real execute() at once in this process (as n8n runs executions side by side in one
// process, sharing its module state), samples the emulator's counters every `pollMs` and, for a scenario with
// phases, changes the emulator's limit when it has answered a given number of requests.
//
// A fresh process per scenario, because the node may keep what it learned about an account for the life of
// the process: each scenario starts from what a freshly started n8n knows. The warm-up (JIT, module loading)
// runs against a second emulator, a different Base URL, so that it teaches the node nothing about this one.
//
// Bounded: each scenario has a deadline (deadlineFactor x its ideal time + deadlineExtraMs); at the deadline
// every execution is stopped (n8n's Stop: the execution's cancel signal) and given stopGraceMs to return.

const { setTimeout: sleep } = require('node:timers/promises');

const H = require('../lib/harness');
const { runPlain } = require('../lib/plainClient');
const { emulatorControl } = require('../lib/emulator');
const { nodeDefaults } = require('../lib/nodeDefaults');
const { BUILD, childMain, log, nowMs } = require('../lib/util');

/** Version 2, Text to Image, nothing set but the prompt (the model and every Request Setting at their defaults). */
const PARAMETERS = { resource: 'image', operation: 'textToImage', prompt: '={{ $json.p }}' };

/**
 * Each item's latency, as real image latency varies with the prompt: spread evenly over 0.5-1.5 x `latencyMs`
 * (mean `latencyMs`), in a fixed shuffled order, the same in every run. With every answer after exactly the same
 * time, the answers of a round arrive in one millisecond and 2 shared cores take about 100 ms to handle the burst:
 * a plain client at 32 in flight then needs 1.3-1.5 x the ideal, with this spread 1.14 x.
 */
const latencyOf = (i, count, latencyMs) => Math.round(latencyMs * (0.5 + (((i * 37) % count) + 0.5) / count));

const itemsOf = (count, tag, latencyMs) =>
	Array.from({ length: count }, (_, i) => ({
		json: { p: `bench limits ${tag} item ${i}${latencyMs ? ` [emu:latency=${latencyOf(i, count, latencyMs)}]` : ''}` },
	}));

const okOf = (stats) => (stats.byStatus && stats.byStatus['200']) || 0;

/** The first line of an error, without anything that looks like a key, short. */
function errorText(error) {
	const text = String((error && error.message) || error).split('\n')[0];
	return text.replace(/sk-[A-Za-z0-9_-]+/g, 'sk-…').slice(0, 300);
}

childMain(async (payload) => {
	const { baseUrl, warmUrl, apiKey, pollMs, deadlineFactor, deadlineExtraMs, stopGraceMs, quietMs, warmItems, binaryMode } = payload;
	const sc = payload.scenario;
	const latencyMs = sc.latencyMs || payload.latencyMs; // mean latency of an answer
	const emu = emulatorControl(baseUrl);
	const defaults = nodeDefaults(BUILD);

	// warm-up against the other emulator (no limit, no latency)
	const warmEmu = emulatorControl(warmUrl);
	await warmEmu.config({ maxInFlight: null, latencyMs: 0 });
	const warm = await H.runOnce({
		parameters: PARAMETERS,
		typeVersion: 2,
		items: itemsOf(warmItems, 'warm-up'),
		credentials: { apiKey, baseUrl: warmUrl },
		binaryMode,
	});
	if (warm.error) throw new Error(`warm-up failed: ${errorText(warm.error)}`);

	// the scenario: limit of the first phase, counters cleared
	const phases = sc.phases; // [{limit, fromAnswered}] ; the first has fromAnswered 0
	await emu.config({ maxInFlight: phases[0].limit, latencyMs });
	await emu.reset();
	const itemsTotal = sc.executions * sc.items;
	const idealMs = phases.length === 1 ? (itemsTotal / phases[0].limit) * latencyMs : NaN;
	const idealForDeadline = phases.reduce((sum, p, i) => {
		const until = i + 1 < phases.length ? phases[i + 1].fromAnswered : itemsTotal;
		// no limit (0): timed as if the node's own ceiling were the limit
		return sum + ((until - p.fromAnswered) / (p.limit || defaults.concurrency || 32)) * latencyMs;
	}, 0);
	const deadlineMs = deadlineFactor * idealForDeadline + deadlineExtraMs;

	const controllers = Array.from({ length: sc.executions }, () => new AbortController());
	const prepared = [];
	for (let k = 0; k < sc.executions; k++) {
		prepared.push(
			await H.prepare({
				parameters: PARAMETERS,
				typeVersion: 2,
				items: itemsOf(sc.items, `${sc.name} execution ${k}`, latencyMs),
				credentials: { apiKey, baseUrl },
				binaryMode,
				abortSignal: controllers[k].signal,
			}),
		);
	}

	// sampler: the emulator's counters every pollMs, and the phase changes
	const samples = [];
	const switches = [{ limit: phases[0].limit, fromAnswered: 0, atMs: 0, ok: 0, refused: 0, total: 0 }];
	let running = true;
	const t0 = nowMs();
	const sampler = (async () => {
		let next = 1;
		const hardStop = t0 + deadlineMs + stopGraceMs + 5000;
		while (running && nowMs() < hardStop) {
			const st = await emu.stats();
			const t = nowMs() - t0;
			samples.push({ t: Math.round(t), ok: okOf(st), refused: st.rateLimited, total: st.total, inFlight: st.inFlight });
			if (next < phases.length && okOf(st) >= phases[next].fromAnswered) {
				await emu.config({ maxInFlight: phases[next].limit });
				switches.push({
					limit: phases[next].limit,
					fromAnswered: phases[next].fromAnswered,
					atMs: nowMs() - t0,
					ok: okOf(st),
					refused: st.rateLimited,
					total: st.total,
				});
				log(`  ${sc.name}: limit ${phases[next].limit} from ${okOf(st)} answers, at ${((nowMs() - t0) / 1000).toFixed(1)} s`);
				next++;
			}
			await sleep(pollMs);
		}
	})();

	let stopped = false;
	const deadline = setTimeout(() => {
		stopped = true;
		log(`  ${sc.name}: deadline of ${Math.round(deadlineMs / 1000)} s reached, stopping the executions`);
		for (const c of controllers) c.abort();
	}, deadlineMs);
	const results = await Promise.all(
		prepared.map(async (run) => {
			const res = await run.execute();
			return { ...res, ms: nowMs() - t0 };
		}),
	);
	// (H.prepare's execute() resolves {outputs, error}, never rejects. An execution that Stop does not end is
	// caught by the parent's timeout of this process.)
	clearTimeout(deadline);
	const wallMs = Math.max(...results.map((r) => r.ms));
	running = false;
	await sampler;
	const atEnd = await emu.stats();

	// requests that still arrive after every execution returned (retries of an execution that gave up)
	const quietDeadline = nowMs() + 60000;
	let last = atEnd;
	let quietSince = nowMs();
	while (nowMs() < quietDeadline) {
		await sleep(250);
		const st = await emu.stats();
		if (st.total !== last.total || st.inFlight > 0) quietSince = nowMs();
		last = st;
		if (nowMs() - quietSince >= quietMs) break;
	}
	for (const run of prepared) run.release();
	await emu.config({ maxInFlight: null });

	// `plainClient`: then a plain HTTP client at the node's Concurrency, the same items, on the same emulator with no
	// limit: what any client gets from this machine and these latencies (tells the node's cost from the scenario's).
	let plainMs = null;
	if (sc.plainClient) {
		const started = nowMs();
		const plain = await runPlain({
			baseUrl,
			apiKey,
			prompts: itemsOf(sc.items, 'plain', latencyMs).map((item) => item.json.p),
			concurrency: defaults.concurrency,
		});
		plainMs = plain.errors ? null : nowMs() - started;
	}

	const perExecution = results.map((r) => ({
		ms: r.ms,
		itemsThrough: r.outputs ? r.outputs[0].filter((i) => i.binary && i.binary.data).length : 0,
		error: r.error ? errorText(r.error) : null,
	}));
	const itemsThrough = perExecution.reduce((n, e) => n + e.itemsThrough, 0);

	// phases: answers and refusals between one switch and the next (the last ends when the executions end)
	const phaseRows = switches.map((s, i) => {
		const end =
			i + 1 < switches.length ? switches[i + 1] : { atMs: wallMs, ok: okOf(atEnd), refused: atEnd.rateLimited, total: atEnd.total };
		const ms = end.atMs - s.atMs;
		const answered = end.ok - s.ok;
		const inPhase = samples.filter((x) => x.t >= s.atMs && x.t < end.atMs);
		// Back up: the first sample with at least 80 % of the limit in flight, and the rate from there to the end.
		const back = s.limit ? inPhase.find((x) => x.inFlight >= 0.8 * s.limit) : undefined;
		const afterMs = back ? end.atMs - back.t : 0;
		const afterRate = back && afterMs > 0 ? (end.ok - back.ok) / (afterMs / 1000) : NaN;
		return {
			limit: s.limit,
			fromAnswered: s.fromAnswered,
			fromMs: s.atMs,
			toMs: end.atMs,
			answered,
			refused: end.refused - s.refused,
			requests: end.total - s.total,
			itemsPerSecond: answered / (ms / 1000),
			idealItemsPerSecond: s.limit / (latencyMs / 1000),
			rateRatio: answered / (ms / 1000) / (s.limit / (latencyMs / 1000)),
			peakSampledInFlight: inPhase.length ? Math.max(...inPhase.map((x) => x.inFlight)) : null,
			backUpMs: back ? back.t - s.atMs : null,
			afterBackUp: back
				? { answered: end.ok - back.ok, ms: afterMs, itemsPerSecond: afterRate, rateRatio: afterRate / (s.limit / (latencyMs / 1000)) }
				: null,
		};
	});

	H.dispose();
	return {
		name: sc.name,
		executions: sc.executions,
		itemsPerExecution: sc.items,
		items: itemsTotal,
		limit: phases.length === 1 ? phases[0].limit : null,
		reference: !!sc.reference,
		plainMs,
		phases: phaseRows,
		latencyMs,
		defaults,
		wallMs,
		idealMs,
		wallRatio: wallMs / idealMs,
		itemsThrough,
		perExecution,
		requests: atEnd.total,
		answered: okOf(atEnd),
		refused: atEnd.rateLimited,
		refusedShare: atEnd.total ? atEnd.rateLimited / atEnd.total : 0,
		peakInFlight: atEnd.peakInFlight,
		byStatus: atEnd.byStatus,
		afterEnd: { requests: last.total - atEnd.total, refused: last.rateLimited - atEnd.rateLimited },
		stopped,
		deadlineMs,
		samples: samples.length,
	};
});
