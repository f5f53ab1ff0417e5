#!/usr/bin/env node
'use strict';
// The benchmark of the Gemini Image node: `npm run bench` (builds dist/ first, which part 4 packs).
//
//   node bench/run.js [--part=overhead,throughput,memory,n8n,limits] [--no-write]
//
// Parts 1-3 and 5 run the node's real execute() inside n8n-core (the test harness, compiled here with
// tsconfig.bench.json into .bench-build/) against the CometAPI emulator in its own process; part 4 runs a
// real n8n 2.41.1 (scripts/lib/runtime.js). Every measurement is repeated and the median reported; ratios
// are taken within a repetition. Results: a table on stdout, docs/BENCHMARKS.md, and the raw numbers in
// .bench/results.json (a run of some parts keeps the other parts' last results there and in the doc).

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');

const L = require('../scripts/lib');
const { startEmulatorProcess } = require('./lib/emulator');
const { renderConsole, renderMarkdown } = require('./lib/report');
const { log, median, MB, runChild } = require('./lib/util');

const ROOT = L.REPO_ROOT;
const RESULTS = path.join(ROOT, '.bench', 'results.json');
const DOC = path.join(ROOT, 'docs', 'BENCHMARKS.md');
const PARTS = ['overhead', 'throughput', 'memory', 'n8n', 'limits'];

const CONFIG = {
	overhead: {
		reps: 7,
		scenarios: [
			{ name: 'small', label: 'text to image, small answer (1024x1024 solid PNG, ~5 KB)', items: 200, concurrency: 4 },
			{ name: 'out1MB', label: 'text to image, 1 MB answer image', items: 50, concurrency: 4, outputBytes: MB },
			{ name: 'in1MB', label: 'image to image, 1 MB input image, small answer', items: 50, concurrency: 4, inputBytes: MB },
		],
	},
	throughput: { reps: 3, items: 32, latencyMs: 500, concurrencies: [1, 2, 4, 8, 16], binaryMode: 'filesystem' },
	// The native route in both binary modes; the streamed native route and the chat route in filesystem mode.
	memory: {
		reps: 3,
		sizesMb: [1, 5, 20],
		modes: ['filesystem', 'default'],
		directions: ['input', 'output'],
		otherRoutes: ['stream', 'chat'],
	},
	n8n: { items: 50, latencyMs: 500, outputBytes: MB, rounds: 5, limitedRounds: 2, maxInFlight: 8, pinnedConcurrency: 16 },
	// Part 5: an account limit the node is not told (the emulator's maxInFlight), one scenario per process.
	// Ideal times (500 ms unless said): 50 s, 12.5 s, 12.5 s (limit 32 at 2 s), 3.1 s, 37.5 s, and about 23 s for the
	// drop (2.3 + 12.5 + 8.6).
	limits: {
		latencyMs: 500,
		binaryMode: 'filesystem',
		scenarios: [
			{ name: 'limit 2', executions: 1, items: 200, phases: [{ limit: 2, fromAnswered: 0 }] },
			{ name: 'limit 8', executions: 1, items: 200, phases: [{ limit: 8, fromAnswered: 0 }] },
			// A generous account at 2 s an image (real ones take 10-30 s): at 500 ms, 32 in flight is 64 images a second
			// through n8n's binary helpers, and this machine's CPU, not the account, sets the pace (the references below).
			{ name: 'limit 32', executions: 1, items: 200, latencyMs: 2000, plainClient: true, phases: [{ limit: 32, fromAnswered: 0 }] },
			// References, not targets: the same at 500 ms, and the node with no limit at all at 500 ms (with a plain
			// client at the same concurrency): what this machine allows at Concurrency 32.
			{ name: 'limit 32 at 500 ms (reference)', executions: 1, items: 200, reference: true, phases: [{ limit: 32, fromAnswered: 0 }] },
			{
				name: 'no limit (reference)',
				executions: 1,
				items: 200,
				reference: true,
				plainClient: true,
				phases: [{ limit: 0, fromAnswered: 0 }],
			},
			{ name: 'three executions, limit 8', executions: 3, items: 200, phases: [{ limit: 8, fromAnswered: 0 }] },
			// 32, then 4 from the 150th answer, then 32 again from the 250th: a last phase of 550 items (8.6 s at
			// 32) long enough that climbing back is measured, not only the first seconds of it
			{
				name: 'limit 32 -> 4 -> 32',
				executions: 1,
				items: 800,
				phases: [
					{ limit: 32, fromAnswered: 0 },
					{ limit: 4, fromAnswered: 150 },
					{ limit: 32, fromAnswered: 250 },
				],
			},
		],
		pollMs: 50,
		warmItems: 16,
		deadlineFactor: 3,
		deadlineExtraMs: 20000,
		stopGraceMs: 30000,
		quietMs: 1500,
	},
};

const HELP =
	'node bench/run.js [--part=overhead,throughput,memory,n8n,limits] [--no-write]\n' +
	'node bench/run.js --report    (re-render docs/BENCHMARKS.md from .bench/results.json and bench/notes.md, no measuring)\n' +
	'node bench/run.js --part=memory --quick --no-write    (memory at 20 MB only, filesystem mode, every route: a minute)\n' +
	'node bench/run.js --part=limits --quick --no-write    (limits with a tenth of the items: to try it out)\n' +
	'  --memory-reps=N    repetitions of each memory measurement (default 3)\n' +
	'  --scenario=TEXT    part 5: only the scenarios whose name holds TEXT (with --no-write: to repeat one)\n';

function readArgs() {
	const { values } = parseArgs({
		options: {
			part: { type: 'string' },
			parts: { type: 'string' },
			'no-write': { type: 'boolean' },
			quick: { type: 'boolean', default: false },
			'memory-reps': { type: 'string' },
			scenario: { type: 'string' },
			report: { type: 'boolean', default: false },
			help: { type: 'boolean', short: 'h' },
		},
	});
	if (values.help) {
		process.stdout.write(HELP);
		process.exit(0);
	}
	const list = values.part ?? values.parts;
	const parts =
		list === undefined
			? PARTS
			: list
					.split(',')
					.map((s) => s.trim())
					.filter(Boolean);
	for (const p of parts) if (!PARTS.includes(p)) throw new Error(`unknown part "${p}" (parts: ${PARTS.join(', ')})`);
	if (values.scenario !== undefined) CONFIG.limits.scenarios = CONFIG.limits.scenarios.filter((sc) => sc.name.includes(values.scenario));
	if (values['memory-reps'] !== undefined) CONFIG.memory.reps = Math.max(1, Number(values['memory-reps']) || CONFIG.memory.reps);
	return { parts, write: !values['no-write'] && values.scenario === undefined, reportOnly: values.report, quick: values.quick };
}

/** Compiles the node, the credential and the test harness into .bench-build/ (tsconfig.bench.json). */
function buildHarness() {
	const started = Date.now();
	fs.rmSync(path.join(ROOT, '.bench-build'), { recursive: true, force: true });
	const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
	const res = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.bench.json')], { cwd: ROOT, encoding: 'utf8' });
	if (res.status !== 0) throw new Error(`tsc -p tsconfig.bench.json failed:\n${res.stdout}\n${res.stderr}`);
	log(`harness compiled into .bench-build/ in ${L.seconds(Date.now() - started)}`);
}

function machine() {
	const cpus = os.cpus();
	const rt = L.runtime.paths('2'); // part 4 runs n8n 2.x
	let n8nNode = null;
	let n8nVersion = null;
	try {
		n8nNode = require(path.join(rt.nodeDir, 'package.json')).version;
		n8nVersion = require(path.join(rt.dir, 'node_modules', 'n8n', 'package.json')).version;
	} catch {
		/* runtime not installed yet */
	}
	const pkg = (name) => {
		try {
			return require(path.join(ROOT, 'node_modules', name, 'package.json')).version;
		} catch {
			return null;
		}
	};
	return {
		cpuModel: cpus[0] ? cpus[0].model.trim() : 'unknown',
		cores: cpus.length,
		memoryBytes: os.totalmem(),
		os: `${os.type()} ${os.release()} ${os.arch()}`,
		node: process.version,
		n8nRuntimeNode: n8nNode ? `v${n8nNode}` : null,
		n8nVersion,
		n8nCore: pkg('n8n-core'),
		axios: pkg('axios'),
		packageVersion: JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version,
		gitCommit: (spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout || '').trim(),
		gitDirty:
			(spawnSync('git', ['status', '--porcelain', '--', 'nodes', 'credentials'], { cwd: ROOT, encoding: 'utf8' }).stdout || '').trim() !==
			'',
	};
}

const load = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

async function partOverhead() {
	const cfg = CONFIG.overhead;
	const emu = await startEmulatorProcess({ latencyMs: 0 });
	try {
		const res = await runChild(path.join(__dirname, 'parts', 'overhead.js'), { baseUrl: emu.url, apiKey: emu.key, ...cfg });
		if (res.error) throw new Error(res.error);
		return { ...res, reps: cfg.reps, emulatorLatencyMs: 0 };
	} finally {
		await emu.stop();
	}
}

async function partThroughput() {
	const cfg = CONFIG.throughput;
	const emu = await startEmulatorProcess({ latencyMs: cfg.latencyMs });
	try {
		const res = await runChild(path.join(__dirname, 'parts', 'throughput.js'), { baseUrl: emu.url, apiKey: emu.key, ...cfg });
		if (res.error) throw new Error(res.error);
		return { ...res, reps: cfg.reps };
	} finally {
		await emu.stop();
	}
}

async function partMemory(quick) {
	const cfg = quick ? { ...CONFIG.memory, sizesMb: [20], modes: ['filesystem'] } : CONFIG.memory;
	const emu = await startEmulatorProcess({ latencyMs: 0 });
	const cases = [];
	for (const direction of cfg.directions) {
		for (const sizeMb of cfg.sizesMb) {
			for (const mode of cfg.modes) cases.push({ who: 'node', route: 'native', binaryMode: mode, direction, sizeMb });
			for (const route of cfg.otherRoutes) cases.push({ who: 'node', route, binaryMode: 'filesystem', direction, sizeMb });
			cases.push({ who: 'plain', route: null, binaryMode: null, direction, sizeMb });
		}
	}
	const runs = cases.map(() => []);
	try {
		for (let r = 0; r < cfg.reps; r++) {
			for (const [i, c] of cases.entries()) {
				const res = await runChild(
					path.join(__dirname, 'parts', 'memory-child.js'),
					{
						baseUrl: emu.url,
						apiKey: emu.key,
						who: c.who,
						route: c.route,
						binaryMode: c.binaryMode,
						direction: c.direction,
						sizeBytes: c.sizeMb * MB,
					},
					{ echo: true },
				);
				if (res.error) throw new Error(`memory ${JSON.stringify(c)}: ${res.error}`);
				runs[i].push(res);
			}
			log(`  memory rep ${r + 1}/${cfg.reps} done (${cases.length} processes)`);
		}
	} finally {
		await emu.stop();
	}
	return {
		reps: cfg.reps,
		quick,
		rows: cases.map((c, i) => ({
			...c,
			runs: runs[i].map((x) => ({
				peakExtra: x.peakExtra,
				sampledPeakExtra: x.sampledPeakExtra,
				baseline: x.baseline,
				ms: x.ms,
				peakReset: x.peakReset,
			})),
			medianPeakExtra: median(runs[i].map((x) => x.peakExtra)),
			medianSampledPeakExtra: median(runs[i].map((x) => x.sampledPeakExtra)),
			medianBaseline: median(runs[i].map((x) => x.baseline)),
			multiple: median(runs[i].map((x) => x.peakMultiple)),
			sampledMultiple: median(runs[i].map((x) => x.sampledMultiple)),
			peakReset: runs[i].every((x) => x.peakReset),
		})),
	};
}

/** --quick: a tenth of the items (and of the drop's thresholds), to try the part out; not for the doc. */
const scaled = (sc) => ({
	...sc,
	items: Math.max(10, Math.round(sc.items / 10)),
	phases: sc.phases.map((p) => ({ ...p, fromAnswered: Math.round(p.fromAnswered / 10) })),
});

async function partLimits(quick) {
	const cfg = quick ? { ...CONFIG.limits, scenarios: CONFIG.limits.scenarios.map(scaled) } : CONFIG.limits;
	const emu = await startEmulatorProcess({ latencyMs: cfg.latencyMs });
	const warm = await startEmulatorProcess({ latencyMs: 0 }); // another Base URL for the warm-ups
	const scenarios = [];
	try {
		for (const scenario of cfg.scenarios) {
			const t0 = Date.now();
			const res = await runChild(
				path.join(__dirname, 'parts', 'limits.js'),
				{ baseUrl: emu.url, warmUrl: warm.url, apiKey: emu.key, ...cfg, scenarios: undefined, scenario },
				{ timeoutMs: 8 * 60 * 1000 },
			);
			if (res.error) throw new Error(`${scenario.name}: ${res.error}`);
			log(
				`  ${scenario.name}: ${res.itemsThrough}/${res.items} items in ${(res.wallMs / 1000).toFixed(1)} s` +
					`${Number.isFinite(res.wallRatio) && !res.reference ? ` (${res.wallRatio.toFixed(2)} x ideal)` : ''}, refused ${res.refused}/${res.requests}` +
					`${res.perExecution.some((e) => e.error) ? `; ${res.perExecution.find((e) => e.error).error}` : ''} [${Math.round((Date.now() - t0) / 1000)} s]`,
			);
			scenarios.push({ ...res, processSeconds: Math.round((Date.now() - t0) / 1000) });
		}
	} finally {
		await emu.stop();
		await warm.stop();
	}
	return { latencyMs: cfg.latencyMs, binaryMode: cfg.binaryMode, quick, defaults: scenarios[0] && scenarios[0].defaults, scenarios };
}

async function partN8n() {
	const { runN8nPart } = require('./parts/n8n');
	return await runN8nPart(CONFIG.n8n);
}

/** Hand-written explanations (why a target is missed) live in bench/notes.md and are copied into the doc. */
function writeDoc(results) {
	fs.mkdirSync(path.dirname(DOC), { recursive: true });
	const notesFile = path.join(__dirname, 'notes.md');
	const notes = fs.existsSync(notesFile) ? fs.readFileSync(notesFile, 'utf8') : '';
	const readingFile = path.join(__dirname, 'reading.md'); // bench/reading.js
	const reading = fs.existsSync(readingFile) ? fs.readFileSync(readingFile, 'utf8') : '';
	fs.writeFileSync(DOC, renderMarkdown(results, notes, reading));
	log(`written: ${path.relative(ROOT, DOC)} (raw numbers: ${path.relative(ROOT, RESULTS)})`);
}

const RUNNERS = { overhead: partOverhead, throughput: partThroughput, memory: partMemory, n8n: partN8n, limits: partLimits };

async function main() {
	const args = readArgs();
	L.installExitHandlers();
	const started = Date.now();
	const command =
		process.env.npm_lifecycle_event === 'bench'
			? `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`
			: `node bench/run.js${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`;

	if (args.reportOnly) {
		const saved = JSON.parse(fs.readFileSync(RESULTS, 'utf8'));
		process.stdout.write(`${renderConsole(saved)}\n`);
		if (args.write) writeDoc(saved);
		return;
	}

	if (args.parts.some((p) => p !== 'n8n')) buildHarness();
	if (args.parts.includes('n8n') && !fs.existsSync(path.join(ROOT, 'dist', 'nodes'))) {
		throw new Error('dist/ is missing: run `npm run build` first (npm run bench does)');
	}

	let previous = {};
	try {
		previous = JSON.parse(fs.readFileSync(RESULTS, 'utf8'));
	} catch {
		/* first run */
	}
	const results = { machine: machine(), parts: { ...(previous.parts || {}) }, failures: previous.failures || {} };
	const failed = [];
	for (const part of args.parts) {
		const t0 = Date.now();
		const loadBefore = load();
		log(`\n▶ part ${PARTS.indexOf(part) + 1}: ${part}`);
		let data;
		let error;
		try {
			data = await RUNNERS[part](args.quick);
		} catch (e) {
			// one part failing keeps the others' results; the run still exits 1
			error = L.redact(e && e.stack ? e.stack : String(e));
			failed.push(part);
			log(`  part ${part} FAILED: ${error}`);
			await L.stopAll().catch(() => {});
		}
		const entry = {
			date: new Date().toISOString(),
			command,
			commit: `${results.machine.gitCommit}${results.machine.gitDirty ? ' (uncommitted changes in nodes/ or credentials/)' : ''}`,
			seconds: Math.round((Date.now() - t0) / 1000),
			loadBefore,
			loadAfter: load(),
			config: CONFIG[part],
		};
		if (error) {
			// the last good result of this part stays in the doc, flagged as not renewed
			results.failures = { ...(results.failures || {}), [part]: { date: entry.date, error: error.split('\n')[0] } };
			if (!results.parts[part]) continue;
		} else {
			results.parts[part] = { ...entry, data };
			if (results.failures) delete results.failures[part];
		}
		if (!error) log(`  ${part}: ${results.parts[part].seconds} s`);
	}
	results.totalSeconds = Math.round((Date.now() - started) / 1000);
	results.command = command;
	results.date = new Date().toISOString();
	results.ranParts = args.parts;

	fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
	fs.writeFileSync(RESULTS, JSON.stringify(results, null, 2));
	process.stdout.write(`\n${renderConsole(results)}\n`);
	if (args.write) writeDoc(results);
	log(`total: ${results.totalSeconds} s`);
	await L.stopAll();
	if (failed.length) log(`FAILED parts: ${failed.join(', ')}`);
	process.exit(failed.length ? 1 : 0);
}

main().catch(async (e) => {
	process.stderr.write(`bench failed: ${L.redact(e && e.stack ? e.stack : e)}\n`);
	await L.stopAll().catch(() => {});
	process.exit(1);
});
