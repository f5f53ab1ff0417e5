#!/usr/bin/env node
'use strict';
// Buffered or streaming answer reading: peak memory of one 20 MB output image on every route (native,
// native streamed, chat streamed) and in both binary modes, read by the node's streaming readers and by a
// buffered reader (bench/lib/bufferedReader.js, put in their place in the compiled node), in the same run.
//
//   node bench/reading.js [--reps=3] [--no-write]
//
// Each measurement is bench/parts/memory-child.js (a fresh process, warm-up, full GC, peak RSS reset), so the
// numbers compare with part 3 of docs/BENCHMARKS.md. Writes bench/reading.md, the section that
// docs/BENCHMARKS.md shows (spliced in here; bench/run.js copies it on every regeneration).

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');

const L = require('../scripts/lib');
const { startEmulatorProcess } = require('./lib/emulator');
const { log, median, min, max, MB, rotate, runChild } = require('./lib/util');

const ROOT = L.REPO_ROOT;
const SECTION = path.join(__dirname, 'reading.md');
const DOC = path.join(ROOT, 'docs', 'BENCHMARKS.md');
const HEADING = '## Buffered or streaming answer reading';
const SIZE_MB = 20;
const ROUTES = { native: 'native', stream: 'native streamed (SSE)', chat: 'chat streamed (SSE)' };
const MODES = ['filesystem', 'default'];
const READERS = ['streaming', 'buffered', 'buffered-sliced'];
const READER_LABELS = {
	streaming: "streaming (today's node)",
	buffered: 'buffered, `Buffer.from(base64)`',
	'buffered-sliced': 'buffered, base64 decoded in 1 MB slices',
};
const HELPERS = path.join(ROOT, 'nodes', 'GeminiImage', 'helpers');

/** What the buffered reader makes unnecessary in nodes/ (whole files), and the part of answers.ts it replaces. */
const REPLACED = ['json.ts', 'sse.ts'];
const HALF = 'answers.ts'; // from ChatContent to the stream readers; readAnswer and the response readers stay
const HALF_FROM = 'export class ChatContent';
const HALF_TO = 'export interface Route';

const lines = (file) => fs.readFileSync(file, 'utf8').split('\n').length - 1;
const x = (v) => (Number.isFinite(v) ? `${v.toFixed(2)} x` : 'n/a');

function buildHarness() {
	const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
	const res = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.bench.json')], { cwd: ROOT, encoding: 'utf8' });
	if (res.status !== 0) throw new Error(`tsc -p tsconfig.bench.json failed:\n${res.stdout}\n${res.stderr}`);
}

async function measure(reps) {
	const cases = [];
	for (const route of Object.keys(ROUTES)) for (const mode of MODES) for (const reader of READERS) cases.push({ route, mode, reader });
	const runs = cases.map(() => []);
	const emu = await startEmulatorProcess({ latencyMs: 0 });
	try {
		for (let r = 0; r < reps; r++) {
			// rotated, so that neither reader always runs first on a busy machine
			for (const i of rotate([...cases.keys()], r * 5)) {
				const c = cases[i];
				const res = await runChild(path.join(__dirname, 'parts', 'memory-child.js'), {
					baseUrl: emu.url,
					apiKey: emu.key,
					who: 'node',
					route: c.route,
					binaryMode: c.mode,
					direction: 'output',
					sizeBytes: SIZE_MB * MB,
					reader: c.reader,
				});
				if (res.error) throw new Error(`${JSON.stringify(c)}: ${res.error}`);
				if (!res.peakReset) throw new Error('peak RSS could not be reset (/proc/self/clear_refs)');
				runs[i].push({ rss: res.peakMultiple, heap: res.heapPeakExtra / res.sizeBytes, ms: res.ms });
			}
			log(`  rep ${r + 1}/${reps} done`);
		}
	} finally {
		await emu.stop();
	}
	return cases.map((c, i) => ({ ...c, runs: runs[i] }));
}

function render(rows, meta) {
	const stat = (row, k) => {
		const v = row.runs.map((r) => r[k]);
		return `${x(median(v))} (${min(v).toFixed(2)}-${max(v).toFixed(2)})`;
	};
	const ms = (row) => `${Math.round(median(row.runs.map((r) => r.ms)))} ms`;
	const table = ['| route | binary mode | reader | RSS | heap+external | time |', '| --- | --- | --- | --- | --- | --- |'];
	for (const row of rows) {
		const rss = median(row.runs.map((r) => r.rss));
		const mark = row.mode === 'filesystem' ? (rss <= 3 ? ' (met)' : ' (**over 3 x**)') : '';
		table.push(
			`| ${ROUTES[row.route]} | ${row.mode} | ${READER_LABELS[row.reader]} | ${stat(row, 'rss')}${mark} | ${stat(row, 'heap')} | ${ms(row)} |`,
		);
	}
	const c = meta.count;
	const met = (reader) => {
		const fs_ = rows.filter((r) => r.reader === reader && r.mode === 'filesystem');
		return `${fs_.filter((r) => median(r.runs.map((x) => x.rss)) <= 3).length} of ${fs_.length}`;
	};
	return `${HEADING}

_Measured ${meta.date} UTC in ${meta.seconds} s at commit ${meta.commit}; ${meta.machine}; load average ${meta.loadBefore} before, ${meta.loadAfter} after._
Command: \`node bench/reading.js${meta.reps === 3 ? '' : ` --reps=${meta.reps}`}\` (about 4 minutes; bench code only, \`nodes/\` unchanged).

Could the node read answers the simple way: the whole body into one Buffer (capped; preallocated when
Content-Length gives the size), SSE events split, \`JSON.parse\` on each event or body, every event parsed before any
image is decoded, the base64 decoded into a Buffer? The buffered reader (\`bench/lib/bufferedReader.js\`) takes the
place of \`helpers/answers.ts\`'s readers in the compiled node (\`readAnswer\` is swapped); the rest (transport, output, n8n's binary storage) is the
node's own. It decodes with \`Buffer.from(base64, 'base64')\`, or (second variant) in 1 MB slices into one Buffer,
because \`Buffer.from\` on a heap string first copies the whole string (measured alone: 47 MB extra for a 20 MB image
instead of 20 MB). One item, text to image, the emulator answers with a ${SIZE_MB} MB PNG; measured as part 3 (fresh
process each, warm-up, full GC, peak RSS reset). Peak extra memory as a multiple of the image size: **RSS** = maxRSS -
baseline (the target: <= 3 x in filesystem mode); **heap+external** = V8 heap used + \`external\` (\`arrayBuffers\`
is part of it) over its baseline, sampled after every chunk, after the reader's end and every 10 ms: a lower bound
for the buffered reader (a peak inside \`JSON.parse\` is not seen) and an upper one for the streaming reader on SSE
routes (it reserves a 64 MB room per image, counted in \`external\` but never written, so not in RSS). Median of
${meta.reps} processes per row, lowest-highest in brackets; time = \`execute()\` of the same process.

${table.join('\n')}

Within 3 x in filesystem mode: streaming on ${met('streaming')} routes, buffered on ${met('buffered')}, buffered with sliced decoding on
${met('buffered-sliced')}. A buffered reader cannot get there with \`JSON.parse\`: while the image's string is parsed, the body's text
(4/3 of the image) and the parsed copy of the string (4/3 again) both exist, and the decoded image (1 x) follows
before V8 has collected either: at least 3.7 x, plus the body's Buffer (and on streamed routes its chunks) until the
next GC. In default mode n8n adds its own base64 copy of the output (part 3).

Code: the buffered reader is ${c.needs} lines (${c.needsNote}). It makes ${REPLACED.length} files of
\`nodes/GeminiImage/helpers/\` unnecessary, ${c.replaced} lines (${REPLACED.join(', ')}), and about ${c.half} of the
${c.halfTotal} lines of \`${HALF}\` (the chat content reader and the stream readers; \`readAnswer\` and the response readers stay): ${c.replaced + c.half} lines in all.
`;
}

function countLines() {
	const half = fs.readFileSync(path.join(HELPERS, HALF), 'utf8').split('\n');
	const from = half.findIndex((l) => l.startsWith(HALF_FROM));
	const to = half.findIndex((l) => l.startsWith(HALF_TO));
	return {
		replaced: REPLACED.reduce((sum, f) => sum + lines(path.join(HELPERS, f)), 0),
		half: to - from,
		halfTotal: half.length - 1,
		needs: lines(path.join(__dirname, 'lib', 'bufferedReader.js')),
		needsNote: 'JavaScript with comments, both variants; the native route reuses helpers/answers.ts',
	};
}

/** Puts the section into docs/BENCHMARKS.md: in place of the last one, else before "Why targets are missed". */
function splice(section) {
	let doc = fs.readFileSync(DOC, 'utf8');
	const at = doc.indexOf(HEADING);
	if (at >= 0) {
		const next = doc.indexOf('\n## ', at + HEADING.length);
		doc = doc.slice(0, at) + section + '\n' + doc.slice(next + 1);
	} else {
		const before = doc.indexOf('## Why targets are missed');
		const where = before >= 0 ? before : doc.indexOf('## Reproduce');
		doc = doc.slice(0, where) + section + '\n' + doc.slice(where);
	}
	fs.writeFileSync(DOC, doc);
}

function write(section) {
	fs.writeFileSync(SECTION, section);
	splice(section);
	log('written: bench/reading.md, docs/BENCHMARKS.md');
}

async function main() {
	const { values } = parseArgs({
		options: { reps: { type: 'string', default: '3' }, 'no-write': { type: 'boolean' }, report: { type: 'boolean' } },
	});
	if (values.report) {
		// re-render the last run's section (.bench/reading.json), no measuring
		const last = JSON.parse(fs.readFileSync(path.join(ROOT, '.bench', 'reading.json'), 'utf8'));
		const section = render(last.rows, { ...last.meta, count: countLines() });
		process.stdout.write(`${section}\n`);
		if (!values['no-write']) write(section);
		return;
	}
	const reps = Math.max(1, Number(values.reps) || 3);
	L.installExitHandlers();
	const started = Date.now();
	const load = () =>
		os
			.loadavg()
			.map((v) => v.toFixed(2))
			.join(' / ');
	const loadBefore = load();
	buildHarness();
	const rows = await measure(reps);
	const cpus = os.cpus();
	const meta = {
		date: new Date().toISOString().replace('T', ' ').slice(0, 16),
		seconds: Math.round((Date.now() - started) / 1000),
		commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim(),
		machine: `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores (shared), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB, Node ${process.version}`,
		loadBefore,
		loadAfter: load(),
		reps,
		count: countLines(),
	};
	const section = render(rows, meta);
	process.stdout.write(`${section}\n`);
	fs.mkdirSync(path.join(ROOT, '.bench'), { recursive: true });
	fs.writeFileSync(path.join(ROOT, '.bench', 'reading.json'), JSON.stringify({ meta, rows }, null, 2));
	if (!values['no-write']) write(section);
	await L.stopAll();
}

main().catch(async (e) => {
	process.stderr.write(`bench/reading.js failed: ${e && e.stack ? e.stack : e}\n`);
	await L.stopAll().catch(() => {});
	process.exit(1);
});
