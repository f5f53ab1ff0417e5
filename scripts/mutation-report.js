#!/usr/bin/env node
/**
 * docs/MUTATION.md from the last mutation run (`npm run test:mutation`): the score per folder and every mutant
 * that no test detects (survived, or not covered by any test), with the reason it is kept from
 * test/mutation/survivors.json. A surviving mutant with no reason there is listed as such: kill it with a test
 * that would catch a real regression, or add its reason (an equivalent mutant, or defensive code that cannot be
 * reached). Exits 1 when the score of nodes/ is under the target, a survivor has no reason, a file of nodes/ or
 * credentials/ has no result for its current code, the last run was narrowed, or a timeout was not retried yet.
 *
 *   node scripts/mutation-report.js        (reads Stryker's incremental report, test/mutation/incremental.json)
 *   node scripts/mutation-report.js --prune   (also removes the reasons in survivors.json that no survivor matches)
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { settled } = require('./lib/mutation-timeouts');

const ROOT = path.join(__dirname, '..');
const TARGET = 90;
const REPORT = path.join(ROOT, 'test', 'mutation', 'incremental.json');
const REASONS = path.join(ROOT, 'test', 'mutation', 'survivors.json');
const OUT = path.join(ROOT, 'docs', 'MUTATION.md');

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

/** The source text a mutant replaced (locations are 1-based, the end column exclusive). */
function original(source, { start, end }) {
	const lines = source.split('\n');
	if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
	return [
		lines[start.line - 1].slice(start.column - 1),
		...lines.slice(start.line, end.line - 1),
		lines[end.line - 1].slice(0, end.column - 1),
	].join('\n');
}

const oneLine = (text, max = 90) => {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};
const code = (text) => `\`${oneLine(text).replace(/`/g, "'")}\``;
const cell = (text) => text.replace(/\|/g, '\\|');

/** A kept survivor's reason: matched by file, mutator, the code it replaced and its replacement (not by line). */
const reasonKey = (file, mutator, from, to) => `${file}\n${mutator}\n${oneLine(from, 1e9)}\n${oneLine(to, 1e9)}`;

function reasonIndex() {
	const reasons = fs.existsSync(REASONS) ? JSON.parse(fs.readFileSync(REASONS, 'utf8')) : {};
	const index = new Map();
	const used = new Set();
	for (const [file, entries] of Object.entries(reasons)) {
		if (file.startsWith('$')) continue;
		for (const entry of entries) index.set(reasonKey(file, entry.mutator, entry.original, entry.replacement), entry);
	}
	return {
		find(file, mutator, from, to) {
			const key = reasonKey(file, mutator, from, to);
			const entry = index.get(key);
			if (entry) used.add(key);
			return entry?.reason;
		},
		unused: () => [...index.keys()].filter((key) => !used.has(key)).map((key) => key.split('\n').slice(0, 3).join(' | ')),
		/** survivors.json without the reasons no survivor used (`--prune`). */
		prune() {
			const kept = {};
			for (const [file, entries] of Object.entries(reasons))
				kept[file] = file.startsWith('$')
					? entries
					: entries.filter((e) => used.has(reasonKey(file, e.mutator, e.original, e.replacement)));
			fs.writeFileSync(REASONS, `${JSON.stringify(kept, null, '\t')}\n`);
		},
	};
}

function count(mutants) {
	const c = { total: mutants.length, killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, errors: 0 };
	for (const m of mutants) {
		if (m.status === 'Killed') c.killed++;
		else if (m.status === 'Timeout') c.timeout++;
		else if (m.status === 'Survived') c.survived++;
		else if (m.status === 'NoCoverage') c.noCoverage++;
		else if (m.status === 'Ignored') c.ignored++;
		else c.errors++;
	}
	const detected = c.killed + c.timeout;
	const valid = detected + c.survived + c.noCoverage;
	c.score = valid ? (100 * detected) / valid : 100;
	return c;
}

const pct = (n) => `${n.toFixed(1)} %`;
const minutes = (s) => (s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`);

const fileCount = (n) => `${n} file${n === 1 ? '' : 's'}`;

function main() {
	if (!fs.existsSync(REPORT)) throw new Error(`no mutation report yet at ${path.relative(ROOT, REPORT)}: run npm run test:mutation`);
	const report = JSON.parse(fs.readFileSync(REPORT, 'utf8'));
	// The files to measure (git's list, so that a file added or moved since the last run shows as not measured), and
	// the files whose results are for other code than the one checked out now.
	const sources = spawnSync('git', ['ls-files', 'nodes/**/*.ts', 'credentials/**/*.ts'], { cwd: ROOT, encoding: 'utf8' })
		.stdout.split('\n')
		.filter(Boolean);
	const missing = sources.filter((file) => !report.files[file]);
	const changed = Object.keys(report.files).filter(
		(file) => !fs.existsSync(path.join(ROOT, file)) || fs.readFileSync(path.join(ROOT, file), 'utf8') !== report.files[file].source,
	);
	const git = (...args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
	const head = git('rev-parse', '--short', 'HEAD');
	const edited = git('status', '--porcelain', '--', 'nodes', 'credentials') !== '';
	const reasons = reasonIndex();
	const files = Object.entries(report.files).map(([file, data]) => [
		// relative to the project the run was made in (a clone or a worktree elsewhere is the same project)
		path
			.relative(report.projectRoot ?? ROOT, path.resolve(report.projectRoot ?? ROOT, file))
			.split(path.sep)
			.join('/'),
		data,
	]);
	files.sort(([a], [b]) => a.localeCompare(b));

	const groups = new Map();
	const add = (name, mutants) => groups.set(name, [...(groups.get(name) ?? []), ...mutants]);
	for (const [file, data] of files) {
		const top = file.split('/')[0];
		add(`${top}/`, data.mutants);
		if (top === 'nodes') add(`${path.dirname(file)}/`, data.mutants);
	}
	const nodes = count(groups.get('nodes/') ?? []);
	const all = count(files.flatMap(([, data]) => data.mutants));

	const undetected = [];
	for (const [file, data] of files) {
		for (const m of data.mutants) {
			if (!UNDETECTED.has(m.status)) continue;
			const from = original(data.source, m.location);
			undetected.push({
				file,
				line: m.location.start.line,
				status: m.status,
				mutator: m.mutatorName,
				from,
				to: m.replacement ?? '',
				reason: reasons.find(file, m.mutatorName, from, m.replacement ?? ''),
			});
		}
	}
	const unexplained = undetected.filter((u) => !u.reason);
	// Timeouts not yet retried (load may explain them): the score counts them, so it also says what it would be without.
	const unsettled = files.flatMap(([file, data]) => data.mutants.filter((m) => m.status === 'Timeout' && !settled(m)).map(() => file));
	const nodesUnsettled = unsettled.filter((file) => file.startsWith('nodes/')).length;

	const lines = [];
	lines.push('# Mutation testing', '');
	lines.push(
		'Generated by `npm run test:mutation` (StrykerJS with its jest runner, `stryker.config.json`), from',
		"Stryker's incremental report `test/mutation/incremental.json` (committed: a later run reuses every result whose",
		'code and tests did not change). Each mutant is',
		'a one-line change of `nodes/` or `credentials/`; a test must fail for it to count as detected. Surviving mutants',
		'are listed with the reason they are kept (`test/mutation/survivors.json`): an equivalent mutant (no input can',
		'tell it from the code), or defensive code no test can reach. See [Tests](../CONTRIBUTING.md#tests) in CONTRIBUTING.md.',
		'',
	);
	lines.push(
		changed.length || missing.length
			? `Results for the code of commit ${head}${edited ? ' with uncommitted changes' : ''}, except where listed below (Stryker ${report.framework?.version ?? ''}, concurrency ${report.config?.concurrency ?? '?'}, under \`nice\`); the commit whose tests measured each file: [Where each file was measured](#where-each-file-was-measured).`
			: `Every result is for the code of commit ${head}${edited ? ' with uncommitted changes' : ''} (Stryker ${report.framework?.version ?? ''}, concurrency ${report.config?.concurrency ?? '?'}, under \`nice\`); the commit whose tests measured each file: [Where each file was measured](#where-each-file-was-measured).`,
		'',
	);
	if (missing.length) lines.push(`**Not measured yet (${fileCount(missing.length)}):** ${missing.map((f) => `\`${f}\``).join(', ')}.`, '');
	if (changed.length)
		lines.push(`**Changed since they were measured (${fileCount(changed.length)}):** ${changed.map((f) => `\`${f}\``).join(', ')}.`, '');
	if (missing.length || changed.length)
		lines.push('Run `npm run test:mutation` to measure them: only their new or changed mutants run.', '');
	const narrowed = process.env.MUTATION_NARROWED;
	if (narrowed)
		lines.push(
			`**The last run was narrowed to \`${narrowed}\`:** the other files' results were carried over without being checked against changed tests, and mutants of code changed outside it are missing. Run \`npm run test:mutation\` without \`--mutate\` before quoting the score.`,
			'',
		);
	lines.push(`**Mutation score: ${pct(nodes.score)} on \`nodes/\`** (target ${TARGET} %), ${pct(all.score)} with \`credentials/\`.`, '');
	if (unsettled.length) {
		const valid = nodes.killed + nodes.timeout + nodes.survived + nodes.noCoverage;
		const worst = (100 * (nodes.killed + nodes.timeout - nodesUnsettled)) / valid;
		lines.push(
			`**${unsettled.length} timeouts not retried yet** (\`npm run test:mutation -- --retry-timeouts\`): load may explain them. Counted as undetected, the score on \`nodes/\` would be ${pct(worst)}.`,
			'',
		);
	}
	lines.push(
		'| | mutants | killed | timeout | survived | no coverage | ignored | errors | score |',
		'|---|---:|---:|---:|---:|---:|---:|---:|---:|',
	);
	for (const [name, mutants] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
		const c = count(mutants);
		const label = name === 'nodes/' || name === 'credentials/' ? `**${name}**` : `\`${name}\``;
		lines.push(
			`| ${label} | ${c.total} | ${c.killed} | ${c.timeout} | ${c.survived} | ${c.noCoverage} | ${c.ignored} | ${c.errors} | ${pct(c.score)} |`,
		);
	}
	lines.push(
		`| all | ${all.total} | ${all.killed} | ${all.timeout} | ${all.survived} | ${all.noCoverage} | ${all.ignored} | ${all.errors} | ${pct(all.score)} |`,
		'',
	);
	lines.push('Score = (killed + timeout) / (killed + timeout + survived + no coverage), as Stryker counts it.', '');
	lines.push(
		'A timeout counts as detected only when load cannot explain it: Stryker stopped an endless loop at its hit limit,',
		'or `npm run test:mutation -- --retry-timeouts` ran the mutant again with 60 s more and it timed out again.',
		'',
	);
	const measuredFile = path.join(ROOT, 'test', 'mutation', 'measured.json');
	const measured = fs.existsSync(measuredFile) ? JSON.parse(fs.readFileSync(measuredFile, 'utf8')) : {};
	lines.push(
		'## Where each file was measured',
		'',
		'The commit whose code and tests each file\'s results were last checked at (test/mutation/measured.json; "+": with',
		'uncommitted changes to the tests or the code).',
		'',
		'| file | mutants | score | measured at | on |',
		'|---|---:|---:|---|---|',
		...files.map(([file, data]) => {
			const m = measured[file];
			return `| \`${file}\` | ${data.mutants.length} | ${pct(count(data.mutants).score)} | ${m ? m.commit : 'not recorded'} | ${m ? m.date : '-'} |`;
		}),
		'',
	);

	// Which kind of test detects each file's mutants: unit test files run first (test/mutation/sequencer.js) and a
	// run stops at its first failing test, so a kill by an integration test means no unit test covering it failed.
	const testFile = new Map();
	for (const [file, data] of Object.entries(report.testFiles ?? {})) for (const test of data.tests) testFile.set(test.id, file);
	const isUnit = (id) => (testFile.get(id) ?? '').startsWith('test/unit/');
	lines.push(
		'## Which tests detect them',
		'',
		'Unit test files run first and a mutant stops at its first failing test, so "only by integration" counts',
		'mutants that no unit test caught: the behaviour is pinned only over real HTTP, in n8n-core (test/integration/).',
		'The last column: timeouts, and kills where jest named no failing test (a test file that failed to load).',
		'',
		'| file | detected | by a unit test | only by integration | timed out, or no test named |',
		'|---|---:|---:|---:|---:|',
		...files.map(([file, data]) => {
			const killed = data.mutants.filter((m) => m.status === 'Killed' && m.killedBy?.length);
			const unit = killed.filter((m) => m.killedBy.some(isUnit)).length;
			const detected = data.mutants.filter((m) => DETECTED.has(m.status)).length;
			return `| \`${file}\` | ${detected} | ${unit} | ${killed.length - unit} | ${detected - killed.length} |`;
		}),
		'',
	);

	lines.push(`## Mutants no test detects (${undetected.length})`, '');
	if (unexplained.length) lines.push(`**${unexplained.length} without a reason in test/mutation/survivors.json.**`, '');
	let current = '';
	for (const u of undetected) {
		if (u.file !== current) {
			current = u.file;
			lines.push(`### ${u.file}`, '', '| line | mutator | code | becomes | why it is kept |', '|---:|---|---|---|---|');
		}
		const status = u.status === 'NoCoverage' ? ' (no test runs it)' : '';
		lines.push(
			`| ${u.line} | ${u.mutator} | ${cell(code(u.from))} | ${cell(code(u.to))} | ${cell(u.reason ?? '**no reason yet**')}${status} |`,
		);
		const next = undetected[undetected.indexOf(u) + 1];
		if (!next || next.file !== current) lines.push('');
	}
	fs.mkdirSync(path.dirname(OUT), { recursive: true });
	fs.writeFileSync(OUT, `${lines.join('\n').replace(/\n+$/, '')}\n`);

	console.log(
		`mutation: ${pct(nodes.score)} on nodes/ (${pct(all.score)} with credentials/), ${undetected.length} undetected, ${unexplained.length} without a reason; ${path.relative(ROOT, OUT)} written`,
	);
	const stale = reasons.unused();
	if (stale.length && process.argv.includes('--prune')) {
		reasons.prune();
		console.log(`mutation: ${stale.length} reasons that matched no survivor removed from test/mutation/survivors.json`);
	} else if (stale.length)
		console.log(
			`mutation: ${stale.length} reasons in test/mutation/survivors.json match no survivor now (killed, or the code changed; \`node scripts/mutation-report.js --prune\` removes them):\n  ${stale.join('\n  ')}`,
		);
	if (missing.length || changed.length)
		console.log(`mutation: ${fileCount(missing.length)} not measured yet, ${changed.length} changed since measured`);
	if (unsettled.length) console.log(`mutation: ${unsettled.length} timeouts not retried yet (--retry-timeouts)`);
	if (nodes.score < TARGET || unexplained.length || missing.length || changed.length || narrowed || unsettled.length) process.exit(1);
}

main();
