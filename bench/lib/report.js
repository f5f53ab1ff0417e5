'use strict';
// Turns bench results into the console table and docs/BENCHMARKS.md (bench/report-template.md filled with the
// numbers and tables), with every target checked.

const fs = require('node:fs');
const path = require('node:path');

const MB = 1024 * 1024;
const PART_COUNT = 5; // bench/run.js PARTS

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
	// part 5: under an account limit the node is not told
	limitWallRatio: 1.2, // wall time / ideal (items / limit x latency)
	limitRefusedShare: 0.1, // refused requests / all requests
	limitRecovery: 1 / 1.2, // rate once back up after the drop / the limit's ideal rate: the same margin as 1.2 x
	// rounds (mean latencies) from the limit's rise to 80 % of it in flight: the limiter's rule tries past a refused
	// level within 64 successes (16 rounds at 4), then doubles each round (4 -> 32 in 3), and one round of slack
	limitBackUpRounds: 20,
};

const pct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : 'n/a');

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
				by:
					ratio <= TARGETS.wallVsDiy
						? ''
						: `${f(ratio - TARGETS.wallVsDiy)} x DIY over (${s(d.unlimited[name].medianMs - TARGETS.wallVsDiy * diy)} slower than allowed)`,
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
	if (p.limits) out.push(...limitsVerdicts(p.limits.data));
	return out;
}

/** A scenario's failure, if any, in a few words for the Targets table. */
function failureNote(sc) {
	const e = sc.perExecution.find((x) => x.error);
	return e ? `; failed: "${e.error.length > 120 ? `${e.error.slice(0, 117)}...` : e.error}"` : '';
}

function limitsVerdicts(d) {
	const out = [];
	const reference = d.scenarios.find((x) => x.reference && !x.limit);
	const atLimitRef = d.scenarios.find((x) => x.reference && x.limit);
	// What this machine allows at 32 in flight and the emulator's mean latency: the references, as multiples of their ideal.
	const machineNote = (sc) => {
		const own = sc.plainMs ? `a plain client at 32 in flight with no limit ${f(sc.plainMs / sc.idealMs)} x` : '';
		if (!reference || sc.limit < 32 || sc.items !== reference.items) return own ? `; ${own}` : '';
		const ideal = (reference.items / 32) * reference.latencyMs;
		const parts = [
			atLimitRef ? `at ${reference.latencyMs} ms: limit 32 ${f(atLimitRef.wallRatio)} x` : '',
			`the node with no limit ${f(reference.wallMs / ideal)} x`,
			reference.plainMs ? `a plain client ${f(reference.plainMs / ideal)} x` : '',
		];
		return `; ${own ? `${own}; ` : ''}${parts.filter(Boolean).join(', ')} its ideal`;
	};
	for (const sc of d.scenarios) {
		if (sc.reference) continue;
		const lost = sc.items - sc.itemsThrough;
		const where = sc.limit ? `limit ${sc.limit}` : sc.phases.map((x) => x.limit).join(' -> ');
		const who = sc.executions > 1 ? `${sc.executions} executions x ${sc.itemsPerExecution} items at once` : `${sc.items} items`;
		const name = `limits, ${who}, ${where}${sc.stopped ? ' (stopped at the deadline)' : ''}`;
		out.push({
			part: 5,
			what: `${name}: every item through`,
			target: `${sc.items}/${sc.items}`,
			result: `${sc.itemsThrough}/${sc.items}${failureNote(sc)}`,
			met: lost === 0,
			by: lost === 0 ? '' : `${lost} items lost`,
		});
		if (sc.limit) {
			const ok = lost === 0 && sc.wallRatio <= TARGETS.limitWallRatio;
			out.push({
				part: 5,
				what: `${name}: wall time / ideal (${sc.items} / ${sc.limit} x ${sc.latencyMs} ms mean latency = ${s(sc.idealMs, 1)})`,
				target: `<= ${f(TARGETS.limitWallRatio)}`,
				result:
					lost === 0
						? `${f(sc.wallRatio)} (${s(sc.wallMs, 1)}${machineNote(sc)})`
						: `no full run (${lost} items lost after ${s(sc.wallMs, 1)})`,
				met: ok,
				by: ok
					? ''
					: lost === 0
						? `${f(sc.wallRatio - TARGETS.limitWallRatio)} over (${s(sc.wallMs - TARGETS.limitWallRatio * sc.idealMs, 1)} slower than allowed)`
						: 'the run failed',
			});
		}
		const share = sc.refusedShare;
		out.push({
			part: 5,
			what: `${name}: refused / all requests`,
			target: `<= ${pct(TARGETS.limitRefusedShare)}`,
			result: `${pct(share)} (${sc.refused} / ${sc.requests})`,
			met: share <= TARGETS.limitRefusedShare,
			by: share <= TARGETS.limitRefusedShare ? '' : `${f((share - TARGETS.limitRefusedShare) * 100, 1)} points over`,
		});
		if (!sc.limit) {
			const last = sc.phases[sc.phases.length - 1];
			const rounds = last.backUpMs === null ? NaN : last.backUpMs / sc.latencyMs;
			const fast = lost === 0 && rounds <= TARGETS.limitBackUpRounds;
			out.push({
				part: 5,
				what: `${name}: back up after the rise, in rounds of ${sc.latencyMs} ms (to 80 % of the limit of ${last.limit} in flight)`,
				target: `<= ${TARGETS.limitBackUpRounds} rounds`,
				result: Number.isFinite(rounds) ? `${f(rounds, 1)} rounds (${s(last.backUpMs, 1)})` : 'never',
				met: fast,
				by: fast ? '' : Number.isFinite(rounds) ? `${f(rounds - TARGETS.limitBackUpRounds, 1)} rounds over` : 'never back up',
			});
			const after = last.afterBackUp;
			const ratio = after ? after.rateRatio : NaN;
			const ok = lost === 0 && ratio >= TARGETS.limitRecovery;
			out.push({
				part: 5,
				what: `${name}: the rate once back up (items/s from then to the end / the limit's ideal ${f(last.idealItemsPerSecond, 0)}/s)`,
				target: `>= ${f(TARGETS.limitRecovery)} (1 / ${f(TARGETS.limitWallRatio, 1)})`,
				result: after
					? `${f(ratio)} (${f(after.itemsPerSecond, 1)}/s over ${s(after.ms, 1)}; the whole last phase ${f(last.rateRatio)}${reference ? `; the node with no limit ${f(reference.items / (reference.wallMs / 1000), 1)}/s` : ''})`
					: 'n/a',
				met: ok,
				by: ok ? '' : Number.isFinite(ratio) ? `${f(TARGETS.limitRecovery - ratio)} short` : 'never back up',
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
	// results from before part 4 ran version 2 were of version 1
	const v = `v${(d && d.nodeTypeVersion) || 1}`;
	return (
		{
			diy: 'do-it-yourself (HTTP Request + Edit Fields + Convert to File)',
			node: `Gemini Image ${v}, defaults (concurrency ${defaultConcurrency(d)})`,
			node16: `Gemini Image ${v}, concurrency ${(d && d.pinnedConcurrency) || 16}`,
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
		[
			'workload',
			'items',
			'conc.',
			'plain axios',
			'plain axios, new connection each request',
			'node (filesystem)',
			'node (default)',
			'ratio fs (range)',
			'ratio default (range)',
			'ratio minus n8n storage (fs / default)',
			'n8n storage alone (fs / default)',
		],
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
		r.who === 'node' && r.sizeMb === TARGETS.memorySizeMb
			? r.multiple <= TARGETS.memoryMultiple
				? 'met (<= 3 x)'
				: 'MISSED (<= 3 x)'
			: '',
	]);
	return table(
		['image', 'size', 'who', 'peak extra RSS (maxRSS)', 'x size', 'x size (10 ms samples)', 'baseline RSS', 'target'],
		rows,
		kind,
	);
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

function limitsTable(d, kind) {
	const rows = d.scenarios.map((sc) => [
		sc.name,
		sc.executions > 1 ? `${sc.executions} x ${sc.itemsPerExecution}` : sc.items,
		`${sc.latencyMs} ms`,
		`${sc.itemsThrough}/${sc.items}`,
		s(sc.wallMs, 1),
		sc.limit ? s(sc.idealMs, 1) : '-',
		sc.limit ? f(sc.wallRatio) : '-',
		`${sc.refused} / ${sc.requests} (${pct(sc.refusedShare)})`,
		sc.peakInFlight,
		sc.executions > 1 ? sc.perExecution.map((e) => s(e.ms, 1)).join(', ') : '-',
		sc.afterEnd.requests,
		sc.perExecution.find((e) => e.error) ? sc.perExecution.find((e) => e.error).error : '',
	]);
	return table(
		[
			'scenario',
			'items',
			'mean latency',
			'items through',
			'wall time',
			'ideal',
			'wall / ideal',
			'refused / requests',
			'peak in flight',
			'each execution',
			'requests after the end',
			'error',
		],
		rows,
		kind,
	);
}

/** The drop scenario's phases in words, from what was run. */
function dropText(d) {
	const sc = d.scenarios.find((x) => !x.limit && !x.reference);
	if (!sc) return 'not run';
	const [first, ...rest] = sc.phases;
	const changes = rest.map((ph, i) => `${i ? 'then ' : ''}${ph.limit} from the ${ph.fromAnswered ?? '?'}th answer`).join(', ');
	const last = sc.phases[sc.phases.length - 1];
	const lastItems = sc.items - (last.fromAnswered ?? NaN);
	return `${sc.items} items; the emulator's limit is ${first.limit}, changed to ${changes}, so the last phase has ${lastItems} items (${s((lastItems / last.limit) * sc.latencyMs, 1)} at its ideal rate)`;
}

function limitsPhaseTable(d, kind) {
	const rows = [];
	for (const sc of d.scenarios) {
		if (sc.limit || sc.reference) continue;
		for (const [i, ph] of sc.phases.entries()) {
			rows.push([
				sc.name,
				i + 1,
				ph.limit,
				`${s(ph.fromMs, 1)} - ${s(ph.toMs, 1)}`,
				ph.answered,
				`${ph.refused} / ${ph.requests}`,
				f(ph.itemsPerSecond, 1),
				f(ph.idealItemsPerSecond, 0),
				f(ph.rateRatio),
				ph.peakSampledInFlight === null ? 'n/a' : ph.peakSampledInFlight,
				ph.backUpMs === null || ph.backUpMs === undefined ? 'n/a' : `${s(ph.backUpMs, 1)} (${f(ph.backUpMs / sc.latencyMs, 1)} rounds)`,
			]);
		}
	}
	return table(
		[
			'scenario',
			'phase',
			'limit',
			'from - to',
			'answered',
			'refused / requests',
			'items/s',
			'ideal items/s',
			'rate / ideal',
			'peak in flight (sampled)',
			'80 % of the limit in flight after',
		],
		rows,
		kind,
	);
}

function verdictTable(v, kind) {
	return table(
		['part', 'what', 'target', 'result', 'met?', 'missed by'],
		v.map((x) => [x.part, x.what, x.target, x.result, x.met ? 'yes' : 'NO', x.by || '-']),
		kind,
	);
}

const defaultsText = (x) =>
	x ? `Concurrency ${x.concurrency} (at most ${x.maxConcurrency}), Max Retries ${x.maxRetries}` : 'not recorded';

// ------------------------------------------------------------------------------------------- console
function renderConsole(results) {
	const p = results.parts;
	const out = [];
	const m = results.machine;
	out.push(
		`Machine: ${m.cpuModel}, ${m.cores} cores, ${gb(m.memoryBytes)}; Node ${m.node} (harness), n8n ${m.n8nVersion} on Node ${m.n8nRuntimeNode}`,
	);
	if (p.overhead)
		out.push('', `1. Overhead (emulator latency 0; median of ${p.overhead.data.reps} reps)`, overheadTable(p.overhead.data, 'txt'));
	if (p.throughput) {
		const d = p.throughput.data;
		out.push(
			'',
			`2. Throughput (${d.items} items, emulator latency ${d.latencyMs} ms, binary mode ${d.binaryMode}; median of ${d.reps || p.throughput.config.reps} reps)`,
			throughputTable(d, 'txt'),
		);
	}
	if (p.memory)
		out.push('', `3. Memory (one fresh process per measurement, median of ${p.memory.data.reps})`, memoryTable(p.memory.data, 'txt'));
	if (p.n8n) {
		const d = p.n8n.data;
		const t = n8nTables(d, 'txt');
		out.push(
			'',
			`4a. n8n ${d.n8nVersion}, ${d.items} items, ${mb(d.outputBytes, 0)} images, emulator latency ${d.latencyMs} ms, no rate limit`,
			t.a,
		);
		out.push('', `4b. the same with the emulator answering 429 + Retry-After: 1 beyond ${d.maxInFlight} requests in flight`, t.b);
	}
	if (p.limits) {
		const d = p.limits.data;
		out.push(
			'',
			`5. Under an account limit the node is not told (emulator latency ${d.latencyMs} ms; node version 2, defaults: ${defaultsText(d.defaults)})${d.quick ? ' QUICK: a tenth of the items' : ''}`,
			limitsTable(d, 'txt'),
			'',
			limitsPhaseTable(d, 'txt'),
		);
	}
	out.push('', 'Targets', verdictTable(verdicts(results), 'txt'));
	for (const [part, x] of Object.entries(results.failures || {})) out.push(`FAILED: part ${part}: ${x.error}`);
	return out.join('\n');
}

// ------------------------------------------------------------------------------------------- markdown
const TEMPLATE = path.join(__dirname, '..', 'report-template.md');

/**
 * The template with its values: a {{#name}} … {{/name}} block (marker lines included) stays only when
 * values[name] is truthy; then every {{name}} is replaced (an unknown name is an error, not a blank).
 */
function fill(template, values) {
	let text = template.replace(/^<!--[\s\S]*?-->\n/, '');
	const block = /^\{\{#(\w+)\}\}\n([\s\S]*?)^\{\{\/\1\}\}\n/m;
	for (let m = block.exec(text); m; m = block.exec(text)) text = text.replace(m[0], () => (values[m[1]] ? m[2] : ''));
	return text.replace(/\{\{(\w+)\}\}/g, (_, name) => {
		if (values[name] === undefined) throw new Error(`${path.basename(TEMPLATE)}: no value for {{${name}}}`);
		return String(values[name]);
	});
}

const cell = (x) => String(x).replace(/\|/g, '\\|');
const when = (iso) => iso.replace('T', ' ').slice(0, 16);

function partHeader(part) {
	return `_Measured ${when(part.date)} UTC in ${part.seconds} s${part.commit ? ` at commit ${part.commit}` : ''}; load average ${part.loadBefore.join(' / ')} before, ${part.loadAfter.join(' / ')} after._`;
}

/**
 * notes: hand-written text (bench/notes.md) kept across regenerations, e.g. why a target is missed;
 * reading: the section bench/reading.js wrote (bench/reading.md), kept the same way.
 */
function renderMarkdown(results, notes, reading = '') {
	const p = results.parts;
	const m = results.machine;
	const v = verdicts(results);
	const dates = Object.values(p)
		.map((x) => x.date)
		.sort();
	if (!dates.length) dates.push(results.date);
	const missed = v.filter((x) => !x.met).length;
	const failures = Object.entries(results.failures || {}).map(
		([part, x]) =>
			`- **${part}** failed on ${when(x.date)} UTC: \`${x.error}\`.${p[part] ? ' Its section below shows the last good run, dated there.' : ''}`,
	);
	const values = {
		cpu: cell(m.cpuModel),
		cores: m.cores,
		ram: cell(gb(m.memoryBytes)),
		os: cell(m.os),
		harnessNode: cell(m.node),
		n8nCore: cell(m.n8nCore),
		axios: cell(m.axios),
		n8nVersion: cell(m.n8nVersion),
		n8nRuntimeNode: cell(m.n8nRuntimeNode),
		packageVersion: cell(m.packageVersion),
		commit: cell(`${m.gitCommit}${m.gitDirty ? ' with uncommitted changes in nodes/ or credentials/' : ''}`),
		command: cell(
			`\`${results.command}\`${results.ranParts.length < PART_COUNT ? ` (parts run this time: ${results.ranParts.join(', ')}; the others are from earlier runs, dated in their sections)` : ''}`,
		),
		date: dates[dates.length - 1].slice(0, 10),
		firstDate: when(dates[0]),
		lastDate: when(dates[dates.length - 1]),
		totalSeconds: results.totalSeconds,
		failures: failures.join('\n'),
		verdictTable: verdictTable(v, 'md'),
		met: v.length - missed,
		targets: v.length,
		missed,
		notes: notes ? notes.trim() : '',
		reading: reading.trim(),
		overhead: !!p.overhead,
		throughput: !!p.throughput,
		memory: !!p.memory,
		n8n: !!p.n8n,
		limits: !!p.limits,
	};
	if (p.overhead) {
		const d = p.overhead.data;
		Object.assign(values, {
			overheadMeasured: partHeader(p.overhead),
			overheadReps: d.reps,
			overheadTable: overheadTable(d, 'md'),
			overheadTimes: table(
				['workload', 'contender', 'times'],
				d.scenarios.flatMap((sc) => Object.entries(sc.times).map(([k, t]) => [sc.name, k, t.map((x) => Math.round(x)).join(', ')])),
				'md',
			),
		});
	}
	if (p.throughput) {
		const d = p.throughput.data;
		Object.assign(values, {
			throughputMeasured: partHeader(p.throughput),
			throughputItems: d.items,
			throughputLatency: d.latencyMs,
			throughputBinaryMode: d.binaryMode,
			throughputReps: p.throughput.config.reps,
			throughputTable: throughputTable(d, 'md'),
			throughputTimes: d.rows.map((r) => `c${r.concurrency}: ${r.times.map((x) => Math.round(x)).join(', ')} ms`).join('; '),
		});
	}
	if (p.memory) {
		const d = p.memory.data;
		Object.assign(values, { memoryMeasured: partHeader(p.memory), memoryReps: d.reps, memoryTable: memoryTable(d, 'md') });
	}
	if (p.n8n) {
		const d = p.n8n.data;
		const t = n8nTables(d, 'md');
		Object.assign(values, {
			n8nMeasured: partHeader(p.n8n),
			n8nPartVersion: d.n8nVersion,
			n8nPartNode: d.n8nNodeVersion,
			n8nItems: d.items,
			n8nLatency: d.latencyMs,
			n8nImageSize: mb(d.outputBytes, 0),
			n8nImageBytes: d.outputBytes,
			n8nDefaultConcurrency: defaultConcurrency(d),
			n8nNodeVersion: d.nodeTypeVersion || 1,
			n8nModel: d.model || 'gemini-2.5-flash-image',
			n8nPinned: d.pinnedConcurrency || 16,
			n8nDefaultsFrom: d.nodeDefaults
				? `read from the packed build's version ${d.nodeTypeVersion} description, Request Settings`
				: 'LIMITS.defaultConcurrency of the packed build',
			n8nRounds: p.n8n.config.rounds,
			n8nTableA: t.a,
			n8nMaxInFlight: d.maxInFlight,
			n8nLimitedRounds: p.n8n.config.limitedRounds,
			n8nTableB: t.b,
			diyErrors: [...new Set(d.limited.diy.runs.map((r) => r.error).filter(Boolean))].join('"; "'),
		});
	}
	if (p.limits) {
		const d = p.limits.data;
		const cfg = p.limits.config || {};
		Object.assign(values, {
			limitsMeasured: partHeader(p.limits),
			limitsLatency: d.latencyMs,
			limitsBinaryMode: d.binaryMode,
			limitsDefaults: defaultsText(d.defaults),
			limitsQuick: d.quick ? ' **Quick run (`--quick`): a tenth of the items; not comparable with the targets.**' : '',
			limitsDeadline: `${cfg.deadlineFactor ?? '?'} x the ideal time + ${Math.round((cfg.deadlineExtraMs ?? NaN) / 1000)} s`,
			limitsSeconds: p.limits.seconds,
			limitsWarmItems: cfg.warmItems ?? '?',
			limitsDropText: dropText(d),
			limitsTable: limitsTable(d, 'md'),
			limitsPhaseTable: limitsPhaseTable(d, 'md'),
		});
	}
	return fill(fs.readFileSync(TEMPLATE, 'utf8'), values);
}

module.exports = { renderConsole, renderMarkdown, verdicts, TARGETS };
