'use strict';
// Turns bench results into the console table and docs/BENCHMARKS.md, with every target checked.

const MB = 1024 * 1024;

const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const s = (ms, d = 2) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(d)} s` : 'n/a');
const mb = (bytes, d = 1) => (Number.isFinite(bytes) ? `${(bytes / MB).toFixed(d)} MB` : 'n/a');
const gb = (bytes) => `${(bytes / 1024 ** 3).toFixed(1)} GB`;

const TARGETS = {
	overhead: 1.1,
	speedUpFactor: 0.8,
	speedUpUpTo: 8,
	memoryMultiple: 3,
	memorySizeMb: 20,
	wallVsDiy: 1.25,
};

// ------------------------------------------------------------------------------------------- verdicts
/** Every target, checked: [{part, what, target, result, met, by}] ('by' says how much a miss misses by). */
function verdicts(results) {
	const out = [];
	const p = results.parts;
	if (p.overhead) {
		for (const sc of p.overhead.data.scenarios) {
			for (const mode of ['filesystem', 'default']) {
				const r = sc.medianRatio[mode];
				out.push({
					part: 1,
					what: `overhead, ${sc.label}, binary mode ${mode}`,
					target: `node / plain client <= ${f(TARGETS.overhead)}`,
					result: f(r),
					met: r <= TARGETS.overhead,
					by: r <= TARGETS.overhead ? '' : `${f(r - TARGETS.overhead)} over (${f(r / TARGETS.overhead, 2)}x the allowed ratio)`,
				});
			}
		}
	}
	if (p.throughput) {
		for (const row of p.throughput.data.rows) {
			if (row.concurrency === 1 || row.concurrency > TARGETS.speedUpUpTo) continue;
			const need = TARGETS.speedUpFactor * row.concurrency;
			out.push({
				part: 2,
				what: `speed-up at concurrency ${row.concurrency}`,
				target: `>= ${f(need, 1)} (0.8 x ${row.concurrency})`,
				result: f(row.speedUp),
				met: row.speedUp >= need,
				by: row.speedUp >= need ? '' : `${f(need - row.speedUp)} short`,
			});
		}
	}
	if (p.memory) {
		for (const row of p.memory.data.rows) {
			if (row.who !== 'node' || row.sizeMb !== TARGETS.memorySizeMb) continue;
			const m = row.multiple;
			out.push({
				part: 3,
				what: `peak extra memory, ${row.sizeMb} MB ${row.direction} image, ${routeLabel(row.route)}, binary mode ${row.binaryMode}`,
				target: `<= ${TARGETS.memoryMultiple} x image size`,
				result: `${f(m)} x (${mb(row.medianPeakExtra)})`,
				met: m <= TARGETS.memoryMultiple,
				by:
					m <= TARGETS.memoryMultiple
						? ''
						: `${f(m - TARGETS.memoryMultiple)} x the image size over (${mb(row.medianPeakExtra - TARGETS.memoryMultiple * row.sizeMb * MB)} too much)`,
			});
		}
	}
	if (p.n8n) {
		const d = p.n8n.data;
		const diy = d.unlimited.diy.medianMs;
		for (const name of ['node', 'node16']) {
			const ratio = d.unlimited[name].medianMs / diy;
			out.push({
				part: 4,
				what: `n8n, no rate limit: ${label(name, d)} wall time vs do-it-yourself`,
				target: `<= ${f(TARGETS.wallVsDiy)} x DIY`,
				result: `${f(ratio)} x (${s(d.unlimited[name].medianMs)} vs ${s(diy)})`,
				met: ratio <= TARGETS.wallVsDiy,
				by: ratio <= TARGETS.wallVsDiy ? '' : `${f(ratio - TARGETS.wallVsDiy)} x DIY over (${s(d.unlimited[name].medianMs - TARGETS.wallVsDiy * diy)} slower than allowed)`,
			});
		}
		const diyLost = Math.min(...d.limited.diy.itemsThrough) < d.items;
		for (const name of ['node', 'node16']) {
			const through = d.limited[name].itemsThrough;
			const all = through.every((n) => n === d.items);
			out.push({
				part: 4,
				what: `n8n, rate limit (${d.maxInFlight} in flight): every item through, ${label(name, d)}`,
				target: `${d.items}/${d.items} items (DIY: ${d.limited.diy.itemsThrough.map((n) => `${n}/${d.items}`).join(', ')})`,
				result: through.map((n) => `${n}/${d.items}`).join(', '),
				met: all && diyLost,
				by: all ? (diyLost ? '' : 'DIY lost no item either') : `${d.items - Math.min(...through)} items lost`,
			});
		}
	}
	return out;
}

/** The node's default concurrency in part 4: read from the packed build, else the requests seen in flight. */
function defaultConcurrency(d) {
	if (d && d.nodeDefaultConcurrency) return d.nodeDefaultConcurrency;
	const seen = d && d.unlimited && d.unlimited.node ? Math.max(...d.unlimited.node.runs.map((r) => r.emulator.peakInFlight)) : NaN;
	return Number.isFinite(seen) ? seen : '?';
}

function label(name, d) {
	return (
		{
			diy: 'do-it-yourself (HTTP Request + Edit Fields + Convert to File)',
			node: `Gemini Image, defaults (concurrency ${defaultConcurrency(d)})`,
			node16: 'Gemini Image, concurrency 16',
		}[name] || name
	);
}

// ------------------------------------------------------------------------------------------- tables
/** A table as rows of cells: markdown or aligned text. */
function table(header, rows, kind) {
	if (kind === 'md') {
		const line = (cells) => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
		return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
	}
	const widths = header.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)));
	const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
	return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const range = (xs) => `${f(Math.min(...xs))}-${f(Math.max(...xs))}`;

function overheadTable(d, kind) {
	const rows = d.scenarios.map((sc) => [
		sc.label,
		sc.items,
		sc.concurrency,
		s(sc.medianMs.plain, 3),
		sc.medianMs['plain-new-connections'] !== undefined ? s(sc.medianMs['plain-new-connections'], 3) : 'n/a',
		s(sc.medianMs['node-filesystem'], 3),
		s(sc.medianMs['node-default'], 3),
		`${f(sc.medianRatio.filesystem)} (${range(sc.ratios.filesystem)})`,
		`${f(sc.medianRatio.default)} (${range(sc.ratios.default)})`,
		`${f(sc.medianRatioWithoutStorage.filesystem)} / ${f(sc.medianRatioWithoutStorage.default)}`,
		`${s(sc.medianMs['store-filesystem'], 3)} / ${s(sc.medianMs['store-default'], 3)}`,
	]);
	return table(
		['workload', 'items', 'conc.', 'plain axios', 'plain axios, new connection each request', 'node (filesystem)', 'node (default)', 'ratio fs (range)', 'ratio default (range)', 'ratio minus n8n storage (fs / default)', "n8n storage alone (fs / default)"],
		rows,
		kind,
	);
}

function throughputTable(d, kind) {
	const rows = d.rows.map((r) => [
		r.concurrency,
		s(r.medianMs),
		f(r.itemsPerSecond),
		f(r.idealItemsPerSecond),
		f(r.speedUp),
		r.concurrency === 1 ? '-' : r.concurrency <= TARGETS.speedUpUpTo ? `>= ${f(0.8 * r.concurrency, 1)}` : '(none)',
		r.concurrency === 1 ? '-' : r.concurrency <= TARGETS.speedUpUpTo ? (r.speedUp >= 0.8 * r.concurrency ? 'met' : 'MISSED') : '-',
	]);
	return table(['concurrency', `time for ${d.items} items`, 'items/s', 'ideal items/s', 'speed-up vs 1', 'target', ''], rows, kind);
}

const ROUTE_LABELS = { native: 'native route', stream: 'native streamed route', chat: 'chat route' };
/** Results from before routes were measured were all on the native route. */
const routeLabel = (route) => ROUTE_LABELS[route || 'native'];

function memoryTable(d, kind) {
	const rows = d.rows.map((r) => [
		r.direction,
		`${r.sizeMb} MB`,
		r.who === 'node' ? `node, ${routeLabel(r.route)}, ${r.binaryMode}` : 'plain axios (reference)',
		mb(r.medianPeakExtra),
		`${f(r.multiple)} x`,
		`${f(r.sampledMultiple)} x`,
		mb(r.medianBaseline, 0),
		r.who === 'node' && r.sizeMb === TARGETS.memorySizeMb ? (r.multiple <= TARGETS.memoryMultiple ? 'met (<= 3 x)' : 'MISSED (<= 3 x)') : '',
	]);
	return table(['image', 'size', 'who', 'peak extra RSS (maxRSS)', 'x size', 'x size (10 ms samples)', 'baseline RSS', 'target'], rows, kind);
}

function n8nTables(d, kind) {
	const names = ['diy', 'node', 'node16'];
	const diy = d.unlimited.diy.medianMs;
	const a = table(
		['workflow', 'execution time (median)', 'runs', 'vs DIY', 'items out', 'peak extra RSS of n8n (fresh process)', 'peak RSS'],
		names.map((n) => [
			label(n, d),
			s(d.unlimited[n].medianMs),
			d.unlimited[n].runs.map((r) => s(r.ms)).join(', '),
			f(d.unlimited[n].medianMs / diy),
			d.unlimited[n].itemsThrough.map((x) => `${x}/${d.items}`).join(', '),
			d.memory ? mb(d.memory[n].peakExtra, 0) : 'n/a',
			d.memory ? mb(d.memory[n].peakRss, 0) : 'n/a',
		]),
		kind,
	);
	const b = table(
		['workflow', 'items out with an image', 'execution time', 'status', 'emulator: 200 / 429 answers', 'peak in flight'],
		names.map((n) => [
			label(n, d),
			d.limited[n].runs.map((r) => `${r.itemsThrough}/${d.items}`).join(', '),
			d.limited[n].runs.map((r) => s(r.ms)).join(', '),
			d.limited[n].runs.map((r) => r.status).join(', '),
			d.limited[n].runs.map((r) => `${(r.emulator.byStatus && r.emulator.byStatus['200']) || 0} / ${r.emulator.rateLimited}`).join(', '),
			d.limited[n].runs.map((r) => r.emulator.peakInFlight).join(', '),
		]),
		kind,
	);
	return { a, b };
}

function verdictTable(v, kind) {
	return table(
		['part', 'what', 'target', 'result', 'met?', 'missed by'],
		v.map((x) => [x.part, x.what, x.target, x.result, x.met ? 'yes' : 'NO', x.by || '-']),
		kind,
	);
}

// ------------------------------------------------------------------------------------------- console
function renderConsole(results) {
	const p = results.parts;
	const out = [];
	const m = results.machine;
	out.push(`Machine: ${m.cpuModel}, ${m.cores} cores, ${gb(m.memoryBytes)}; Node ${m.node} (harness), n8n ${m.n8nVersion} on Node ${m.n8nRuntimeNode}`);
	if (p.overhead) out.push('', `1. Overhead (emulator latency 0; median of ${p.overhead.data.reps} reps)`, overheadTable(p.overhead.data, 'txt'));
	if (p.throughput) {
		const d = p.throughput.data;
		out.push('', `2. Throughput (${d.items} items, emulator latency ${d.latencyMs} ms, binary mode ${d.binaryMode}; median of ${d.reps || p.throughput.config.reps} reps)`, throughputTable(d, 'txt'));
	}
	if (p.memory) out.push('', `3. Memory (one fresh process per measurement, median of ${p.memory.data.reps})`, memoryTable(p.memory.data, 'txt'));
	if (p.n8n) {
		const d = p.n8n.data;
		const t = n8nTables(d, 'txt');
		out.push('', `4a. n8n ${d.n8nVersion}, ${d.items} items, ${mb(d.outputBytes, 0)} images, emulator latency ${d.latencyMs} ms, no rate limit`, t.a);
		out.push('', `4b. the same with the emulator answering 429 + Retry-After: 1 beyond ${d.maxInFlight} requests in flight`, t.b);
	}
	out.push('', 'Targets', verdictTable(verdicts(results), 'txt'));
	for (const [part, x] of Object.entries(results.failures || {})) out.push(`FAILED: part ${part}: ${x.error}`);
	return out.join('\n');
}

// ------------------------------------------------------------------------------------------- markdown
function partHeader(part) {
	return `_Measured ${part.date.replace('T', ' ').slice(0, 16)} UTC in ${part.seconds} s${part.commit ? ` at commit ${part.commit}` : ''}; load average ${part.loadBefore.join(' / ')} before, ${part.loadAfter.join(' / ')} after._`;
}

/** notes: hand-written text (bench/notes.md) kept across regenerations, e.g. why a target is missed. */
function renderMarkdown(results, notes) {
	const p = results.parts;
	const m = results.machine;
	const v = verdicts(results);
	const lines = [];
	const dates = Object.values(p).map((x) => x.date).sort();
	if (!dates.length) dates.push(results.date);
	lines.push('# Benchmarks', '');
	lines.push(
		'Generated by `npm run bench` (`bench/run.js`); do not edit by hand. The issue it answers: issue 4 ("Survive the real API',
		'at volume"). Every number is a median of repetitions on the machine below; ratios are taken within one repetition',
		'(the contenders run back to back, in a rotated order) so that the machine\'s load affects both sides alike.',
		'',
	);
	lines.push('## Machine and run', '');
	lines.push(
		table(
			['', ''],
			[
				['CPU', `${m.cpuModel}, ${m.cores} cores (shared virtual machine: other jobs ran at the same time, see the load averages)`],
				['memory', gb(m.memoryBytes)],
				['OS', m.os],
				['Node (harness, parts 1-3)', `${m.node}, n8n-core ${m.n8nCore}, axios ${m.axios}`],
				['n8n (part 4)', `n8n ${m.n8nVersion} on Node ${m.n8nRuntimeNode} (scripts/lib/runtime.js), SQLite, binary data mode filesystem`],
				['package', `n8n-nodes-cometapi ${m.packageVersion}, commit ${m.gitCommit}${m.gitDirty ? ' with uncommitted changes in nodes/ or credentials/' : ''}`],
				['command', `\`${results.command}\`${results.ranParts.length < 4 ? ` (parts run this time: ${results.ranParts.join(', ')}; the others are from earlier runs, dated in their sections)` : ''}`],
				['date', `${dates[dates.length - 1].slice(0, 10)} (parts measured between ${dates[0].replace('T', ' ').slice(0, 16)} and ${dates[dates.length - 1].replace('T', ' ').slice(0, 16)} UTC)`],
				['duration', `${results.totalSeconds} s for the parts run this time`],
			],
			'md',
		),
		'',
	);

	const failures = Object.entries(results.failures || {});
	if (failures.length) {
		lines.push('## Failed parts', '');
		for (const [part, x] of failures) {
			lines.push(`- **${part}** failed on ${x.date.replace('T', ' ').slice(0, 16)} UTC: \`${x.error}\`.${p[part] ? ' Its section below shows the last good run, dated there.' : ''}`);
		}
		lines.push('');
	}

	lines.push('## Targets', '');
	lines.push(verdictTable(v, 'md'), '');
	const missed = v.filter((x) => !x.met).length;
	lines.push(`${v.length - missed} of ${v.length} targets met, ${missed} missed.`, '');

	if (p.overhead) {
		const d = p.overhead.data;
		lines.push('## 1. Overhead: the node versus a plain HTTP client', '', partHeader(p.overhead), '');
		lines.push(
			'The node runs its real `execute()` inside n8n-core (the test harness: real `ExecuteContext`, binary data service,',
			"n8n's authenticated HTTP helper) in one process; the plain client is axios in the same process doing the same calls",
			'(same body, same prompts and input images, same concurrency, the answer decoded from base64 into a Buffer and kept).',
			'The emulator runs in its own process with latency 0, so the times are the clients\' own work plus the emulator\'s.',
			'Timed: `execute()` only (the input items are stored in n8n\'s binary storage beforehand, as the previous node would;',
			'outputs are not read back). A warm-up run of each contender comes first. Ratio = node time / plain time in the same',
			`repetition, median of ${d.reps} repetitions.`,
			'Two diagnostics, not targets: "plain axios, new connection each request" is the plain client with a new `http.Agent`',
			"per request, as n8n-core's HTTP helper makes one per request (no keep-alive; the plain client's default agent keeps",
			'connections alive); "n8n storage alone" is n8n-core\'s `prepareBinaryData` storing the same number of images of the',
			'same size in that mode (what the node must call for its output); "ratio minus n8n storage" subtracts it from the node\'s time.',
			'',
		);
		lines.push(overheadTable(d, 'md'), '');
		lines.push(
			'At latency 0 the emulator\'s own work (building, parsing and hashing the JSON bodies, on the same 2 cores) is part of',
			'both times. With a 1 MB input image the emulator uses about as much CPU as the plain client (it decodes and hashes',
			'every input image), which pulls that ratio towards 1; the small-answer workload shows the per-request cost best.',
			'',
		);
		lines.push('Per repetition (ms):', '');
		lines.push(
			table(
				['workload', 'contender', 'times'],
				d.scenarios.flatMap((sc) => Object.entries(sc.times).map(([k, t]) => [sc.name, k, t.map((x) => Math.round(x)).join(', ')])),
				'md',
			),
			'',
		);
	}

	if (p.throughput) {
		const d = p.throughput.data;
		lines.push('## 2. Throughput against concurrency', '', partHeader(p.throughput), '');
		lines.push(
			`${d.items} items, text to image, the emulator (own process) answering every request after ${d.latencyMs} ms, the node in the`,
			`harness with binary mode ${d.binaryMode}. Each repetition runs every concurrency once (rotated order); median of ${p.throughput.config.reps}.`,
			`Ideal = ${d.items} / (ceil(${d.items} / concurrency) x ${d.latencyMs} ms). Speed-up = median time at concurrency 1 / median time.`,
			'',
		);
		lines.push(throughputTable(d, 'md'), '');
		lines.push(`Per repetition: ${d.rows.map((r) => `c${r.concurrency}: ${r.times.map((x) => Math.round(x)).join(', ')} ms`).join('; ')}.`, '');
	}

	if (p.memory) {
		const d = p.memory.data;
		lines.push('## 3. Peak memory against image size', '', partHeader(p.memory), '');
		lines.push(
			'One item with one large image. **input**: image to image with an input image of that size (a real PNG, stored in',
			"n8n's binary storage before the measurement, as the previous node would), the emulator answers with a small image",
			'(option Max Input Size raised to 64 MB so that 20 MB passes). **output**: text to image, the emulator answers with a',
			'PNG of that size (`[emu:size=...]`, 1 MB = 1,048,576 bytes). Every route: native (`generateContent`), native',
			'streamed (`streamGenerateContent?alt=sse`, the image in one multi-MB event) and chat (streamed, the image as a',
			'markdown data URL in one chunk); the streamed and chat routes in filesystem mode.',
			'Each measurement is a fresh Node process (the emulator runs in another one): load everything, warm up with a small',
			'run of the same kind, full GC, reset the peak RSS (Linux `/proc/self/clear_refs` = 5), baseline = `rss`, one run.',
			'Peak extra = `process.resourceUsage().maxRSS` after the run - baseline; the 10 ms samples of `rss` are shown too',
			'(they miss peaks while the event loop is busy). The plain axios client (same request, JSON answer decoded into a',
			`Buffer) is measured the same way for reference. Median of ${d.reps} processes per row.`,
			'',
		);
		lines.push(memoryTable(d, 'md'), '');
	}

	if (p.n8n) {
		const d = p.n8n.data;
		const t = n8nTables(d, 'md');
		lines.push('## 4. Side by side in a real n8n', '', partHeader(p.n8n), '');
		lines.push(
			`n8n ${d.n8nVersion} on Node ${d.n8nNodeVersion} (\`n8n start\`, regular mode, SQLite, binary data mode filesystem), with the`,
			'packed package installed the way n8n\'s community package installer does (`scripts/lib/n8n.js`). Each workflow starts',
			`with a Webhook (POST, answers when the last node finishes) and a Split Out turning the body's list into ${d.items} items;`,
			`the emulator (own process) answers every request after ${d.latencyMs} ms with a ${mb(d.outputBytes, 0)} PNG (\`[emu:size=${d.outputBytes}]\`, a realistic`,
			'size for a 1K image from these models).',
			'- **do-it-yourself**: HTTP Request (POST `{emulator}/v1beta/models/gemini-2.5-flash-image:generateContent`, JSON body',
			'  from an expression, `Authorization: Bearer ...` header, every other setting at its default: no batching, so all',
			'  items\' requests go out at once, and no retry) -> Edit Fields',
			'  (`candidates[0].content.parts.find(p => p.inlineData).inlineData.data`) -> Convert to File (Move Base64 String to',
			'  File). Node versions: the ones a new node gets in n8n 2.41 (HTTP Request 4.5, Edit Fields 3.5, Convert to File 1.1).',
			`- **Gemini Image, defaults**: the node with no option set (concurrency ${defaultConcurrency(d)}, retries on).`,
			'- **Gemini Image, concurrency 16**: the node with option Concurrency = 16 (its maximum).',
			'',
			'Execution time = `stoppedAt - startedAt` of the execution n8n saved (read back through its REST API). Memory: RSS of',
			"the n8n main process (`/proc/<pid>/status`); its peak (VmHWM) is reset with `clear_refs` just before the webhook call;",
			'peak extra = peak during the execution (until n8n lists it as finished, i.e. saved) - RSS before. Memory is measured',
			'once per workflow in a fresh n8n process after a warm-up run of 5 small items, because a process that ran the other',
			'workflow before keeps its freed heap and hides the growth of the next run. Times come from one n8n process running',
			`the three workflows in turn (rotated order) after a warm-up run of each: median of ${p.n8n.config.rounds} rounds.`,
			'',
		);
		lines.push('### (a) Nothing limits the rate', '', t.a, '');
		lines.push(
			`### (b) Rate limit: 429 with \`Retry-After: 1\` beyond ${d.maxInFlight} requests in flight`,
			'',
			`The emulator's \`maxInFlight: ${d.maxInFlight}\`; ${p.n8n.config.limitedRounds} rounds. "Items out" counts the last node's items that carry an image.`,
			'',
			t.b,
			'',
		);
		const errs = [...new Set(d.limited.diy.runs.map((r) => r.error).filter(Boolean))];
		if (errs.length) lines.push(`Do-it-yourself error: "${errs.join('"; "')}"`, '');
	}

	if (notes) lines.push('## Why targets are missed', '', notes.trim(), '');

	lines.push('## Reproduce', '');
	lines.push(
		'```',
		'npm run bench                               # everything (builds dist/ first; about 10 minutes)',
		'node bench/run.js --part=memory             # one part (also: overhead, throughput, n8n; comma-separated)',
		'node bench/run.js --part=overhead --no-write # print only, leave docs/BENCHMARKS.md alone',
		'node bench/run.js --report                  # re-render this file from the last results, no measuring',
		'```',
		'',
		'Part 4 installs the n8n runtime on first use (`scripts/lib/runtime.js`, about 7 minutes, cached in ~/.cache). Raw',
		'numbers of the last run: `.bench/results.json` (not committed). The workloads and repetition counts are in `CONFIG`',
		'at the top of `bench/run.js`. Explanations of missed targets are hand-written in `bench/notes.md`, which every run',
		'copies into this file under "Why targets are missed".',
		'',
	);
	return lines.join('\n');
}

module.exports = { renderConsole, renderMarkdown, verdicts, TARGETS };
