'use strict';
// Part 4: side by side in a real n8n (the cached runtime of scripts/lib/runtime.js, n8n 2.41.1 on Node 24),
// with the packed package installed the way n8n's community package installer does (scripts/lib/pack.js) into a
// user folder outside the repository (scripts/lib userFolderPath), checked to load n8n's own n8n-workflow.
// One `n8n start` (regular mode, filesystem binary data, SQLite), three webhook workflows (bench/lib/
// workflows.js), the emulator in its own process answering after 500 ms.
// The node is version 2 as a new node gets it (bench/lib/workflows.js), its defaults read from dist/.
//   (a) nothing limits the rate: wall time (the execution's startedAt..stoppedAt, from n8n's execution data),
//       each workflow in turn, rotated order, median of the rounds; and the n8n main process's peak RSS during
//       the execution (Linux VmHWM, reset through clear_refs just before; RSS also sampled every 20 ms) minus
//       its RSS before, each workflow in a fresh n8n process after a small warm-up run.
//   (b) the emulator answers 429 + Retry-After: 1 beyond 8 requests in flight: how many items come out of
//       each workflow's last node with an image, in what time, and what the emulator saw.

const fs = require('node:fs');
const path = require('node:path');

const L = require('../../scripts/lib');
const { startEmulatorProcess } = require('../lib/emulator');
const { setTimeout: sleep } = require('node:timers/promises');

const { log, median, MB, rotate } = require('../lib/util');
const { nodeDefaults } = require('../lib/nodeDefaults');
const { benchWorkflows, MODEL_ID, NODE_VERSION } = require('../lib/workflows');

const WORK = path.join(L.REPO_ROOT, '.bench', 'n8n'); // logs and the tarball only
const LINE = '2';
const HOME = L.userFolderPath(`bench-n8n${LINE}`);

function procStatus(pid) {
	const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = (key) => {
		const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
		return m ? Number(m[1]) * 1024 : NaN;
	};
	return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

function resetPeak(pid) {
	try {
		fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
		return true;
	} catch {
		return false;
	}
}

/** The latest execution of a workflow (summary), through the editor's REST API. */
async function latestExecution(rest, workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const res = await rest.call('GET', `/executions?filter=${filter}&limit=1`, undefined, { expect: 200 });
	const data = res.json.data || res.json;
	const list = data.results || data;
	return list && list[0];
}

async function fullExecution(rest, id) {
	const ex = await rest.getExecution(id);
	if (!ex) throw new Error(`GET /rest/executions/${id} gave nothing`);
	return ex;
}

/**
 * One webhook call and everything measured around it. Resolves
 * {ms (execution), clientMs, status, itemsThrough, peakExtra, peakRss, baselineRss, nodeTimes, emulator, error}.
 */
async function runOnce({ n8n, rest, emu, spec, prompts, previousId }) {
	await emu.reset();
	const pid = n8n.child.pid;
	const baseline = procStatus(pid).rss;
	const reset = resetPeak(pid);
	let sampled = baseline;
	const sampler = setInterval(() => {
		try {
			const { rss } = procStatus(pid);
			if (rss > sampled) sampled = rss;
		} catch {
			/* gone */
		}
	}, 20);
	const t0 = Date.now();
	const res = await L.callWebhook(`${n8n.url}/webhook/${spec.path}`, { body: { prompts }, timeoutMs: 300000 });
	const clientMs = Date.now() - t0;
	// the execution is saved after the webhook answered: wait until n8n lists it as finished
	let summary;
	const deadline = Date.now() + 120000;
	for (;;) {
		summary = await latestExecution(rest, spec.wf.id);
		if (summary && String(summary.id) !== String(previousId) && summary.status && !['new', 'running', 'waiting'].includes(summary.status))
			break;
		if (Date.now() > deadline) throw new Error(`no finished execution of ${spec.wf.id} after the webhook call`);
		await sleep(100);
	}
	await sleep(300);
	clearInterval(sampler);
	const st = procStatus(pid);
	const peakRss = reset ? Math.max(st.hwm, sampled) : sampled;
	const stats = await emu.stats();

	const ex = await fullExecution(rest, summary.id);
	const runData = ex.data.resultData.runData;
	const lastRuns = runData[spec.lastNode];
	const lastItems = (lastRuns && lastRuns[0] && lastRuns[0].data && lastRuns[0].data.main && lastRuns[0].data.main[0]) || [];
	const itemsThrough = lastItems.filter((i) => i.binary && i.binary.data).length;
	const nodeTimes = {};
	for (const name of spec.workNodes) {
		const r = runData[name] && runData[name][0];
		nodeTimes[name] = r ? r.executionTime : null;
	}
	const error = ex.data.resultData.error;
	return {
		executionId: summary.id,
		status: ex.status,
		ms: new Date(ex.stoppedAt).getTime() - new Date(ex.startedAt).getTime(),
		clientMs,
		httpStatus: res.status,
		itemsThrough,
		baselineRss: baseline,
		peakRss,
		peakExtra: peakRss - baseline,
		peakReset: reset,
		nodeTimes,
		emulator: { total: stats.total, byStatus: stats.byStatus, rateLimited: stats.rateLimited, peakInFlight: stats.peakInFlight },
		error: error ? L.redact(String(error.message || error)).slice(0, 300) : null,
	};
}

/**
 * opts: {items, latencyMs, outputBytes, rounds, limitedRounds, maxInFlight}
 */
async function runN8nPart({
	items = 50,
	latencyMs = 500,
	outputBytes = MB,
	rounds = 3,
	limitedRounds = 2,
	maxInFlight = 8,
	pinnedConcurrency = 16,
} = {}) {
	L.installExitHandlers();
	const started = Date.now();
	const rt = L.runtime.ensureRuntime(LINE);
	const emu = await startEmulatorProcess({ latencyMs });
	L.addSecret(emu.key);
	let n8n;
	try {
		fs.rmSync(WORK, { recursive: true, force: true });
		const home = L.makeUserFolder(HOME);
		const pack = L.packPackage(path.join(WORK, 'pack'));
		const inst = L.installPackage(home.dir, pack.file);
		const resolution = L.checkResolution(inst.pkgDir, rt); // throws unless it is n8n's own copy
		log(`  n8n: ${rt.label}, user folder ${home.dir}; the package loads n8n-workflow ${resolution.version} (${resolution.resolved})`);
		const port = await L.freePort();
		const env = L.n8nEnv(home.dir, { rt, port, brokerPort: await L.freePort([port]), binaryMode: 'filesystem', logLevel: 'warn' });
		const backend = { baseUrl: emu.url, apiKey: emu.key };
		const specs = benchWorkflows(backend, { pinnedConcurrency });
		log('  n8n: importing the credential and the workflows (two n8n CLI boots)');
		await L.importCredentials(env, [{ ...L.CREDENTIAL, data: { apiKey: emu.key, baseUrl: emu.url } }]);
		await L.importWorkflows(
			env,
			Object.values(specs).map((s) => s.wf),
		);
		let boots = 0;
		const startInstance = async () => {
			boots++;
			const proc = L.startN8n({ env, logFile: path.join(WORK, `n8n-${boots}.log`) });
			const ms = await proc.waitReady();
			const client = new L.RestClient(proc.url, rt);
			await client.setupOwnerOrLogin();
			for (const s of Object.values(specs)) await client.activateWorkflow(s.wf.id);
			log(`  n8n: instance ${boots} ready in ${L.seconds(ms)}`);
			return { proc, rest: client, bootMs: ms };
		};

		const sizeTag = outputBytes ? ` [emu:size=${outputBytes}]` : '';
		const prompts = Array.from({ length: items }, (_, i) => ({ p: `bench n8n item ${i}${sizeTag}` }));
		const smallPrompts = Array.from({ length: 5 }, (_, i) => ({ p: `bench n8n warm-up ${i}` }));
		const names = Object.keys(specs);
		const lastId = {};
		const once = async (name, list = prompts) => {
			const r = await runOnce({ n8n, rest, emu, spec: specs[name], prompts: list, previousId: lastId[name] });
			lastId[name] = r.executionId;
			return r;
		};
		await emu.config({ maxInFlight: null, latencyMs });

		// (a) memory: each workflow in a fresh n8n process (a process that ran the other workflow before keeps
		// its freed heap and would hide the next run's growth), warmed up with a small run of 5 items first.
		const memory = {};
		let rest;
		let bootMs;
		for (const name of names) {
			if (n8n) await n8n.stop();
			({ proc: n8n, rest, bootMs } = await startInstance());
			const warm = await once(name, smallPrompts);
			if (warm.itemsThrough !== smallPrompts.length)
				throw new Error(`warm-up of ${name}: ${warm.itemsThrough}/5 items (${warm.error || warm.status})`);
			await sleep(1000);
			memory[name] = await once(name);
			log(
				`  n8n memory, ${name} in a fresh n8n: +${Math.round(memory[name].peakExtra / MB)} MB (peak ${Math.round(memory[name].peakRss / MB)} MB), ${memory[name].itemsThrough}/${items} items`,
			);
		}

		// timings: all workflows in the last instance, interleaved
		// (a) unlimited
		await emu.config({ maxInFlight: null, latencyMs });
		for (const name of names) {
			const w = await once(name); // warm-up: loads the nodes' code, fills the emulator's image cache
			if (w.itemsThrough !== items) throw new Error(`warm-up of ${name}: ${w.itemsThrough}/${items} items (${w.error || w.status})`);
		}
		const unlimited = Object.fromEntries(names.map((n) => [n, []]));
		for (let r = 0; r < rounds; r++) {
			for (const name of rotate(names, r)) unlimited[name].push(await once(name));
			log(
				`  n8n unlimited round ${r + 1}/${rounds}: ${names
					.map(
						(n) =>
							`${n} ${unlimited[n][r].ms} ms, +${Math.round(unlimited[n][r].peakExtra / MB)} MB, ${unlimited[n][r].itemsThrough}/${items}`,
					)
					.join('; ')}`,
			);
		}

		// (b) rate limited: 429 + Retry-After: 1 beyond maxInFlight requests in flight
		await emu.config({ maxInFlight, latencyMs });
		const limited = Object.fromEntries(names.map((n) => [n, []]));
		for (let r = 0; r < limitedRounds; r++) {
			for (const name of rotate(names, r)) limited[name].push(await once(name));
			log(
				`  n8n rate-limited round ${r + 1}/${limitedRounds}: ${names
					.map((n) => `${n} ${limited[n][r].itemsThrough}/${items} in ${limited[n][r].ms} ms (429s: ${limited[n][r].emulator.rateLimited})`)
					.join('; ')}`,
			);
		}
		await emu.config({ maxInFlight: null });

		const summarise = (runs) => ({
			runs,
			medianMs: median(runs.map((r) => r.ms)),
			medianClientMs: median(runs.map((r) => r.clientMs)),
			medianPeakExtra: median(runs.map((r) => r.peakExtra)),
			medianPeakRss: median(runs.map((r) => r.peakRss)),
			medianBaselineRss: median(runs.map((r) => r.baselineRss)),
			itemsThrough: runs.map((r) => r.itemsThrough),
			medianItemsThrough: median(runs.map((r) => r.itemsThrough)),
		});
		// what the packed build (dist/) uses when nothing is set, read from its version 2 description
		const defaults = nodeDefaults(path.join(L.REPO_ROOT, 'dist'), NODE_VERSION);
		return {
			items,
			latencyMs,
			outputBytes,
			maxInFlight,
			n8nVersion: require(path.join(rt.dir, 'node_modules', 'n8n', 'package.json')).version,
			n8nNodeVersion: require(path.join(rt.nodeDir, 'package.json')).version,
			nodeTypeVersion: NODE_VERSION,
			model: MODEL_ID,
			nodeDefaults: defaults,
			nodeDefaultConcurrency: defaults.concurrency,
			pinnedConcurrency,
			bootMs,
			boots,
			memory,
			unlimited: Object.fromEntries(names.map((n) => [n, summarise(unlimited[n])])),
			limited: Object.fromEntries(names.map((n) => [n, summarise(limited[n])])),
			workflows: Object.fromEntries(names.map((n) => [n, { name: specs[n].wf.name, nodes: specs[n].wf.nodes.map((x) => x.type) }])),
			totalMs: Date.now() - started,
			runtimeDir: rt.dir,
		};
	} finally {
		if (n8n) await n8n.stop();
		await emu.stop();
		// the user folder holds every execution's data (the do-it-yourself runs keep 50 base64 answers each in
		// SQLite: about 1 GB by the end); keep only the logs (.bench/n8n/n8n-*.log)
		if (!process.env.BENCH_KEEP_N8N) {
			fs.rmSync(HOME, { recursive: true, force: true });
			fs.rmSync(path.join(WORK, 'pack'), { recursive: true, force: true });
		}
	}
}

module.exports = { runN8nPart };
