#!/usr/bin/env node
/**
 * `npm run test:mutation`: mutation testing of nodes/ and credentials/ with StrykerJS in its incremental mode
 * (stryker.config.json), then docs/MUTATION.md (scripts/mutation-report.js). Every argument goes to Stryker.
 *
 *   npm run test:mutation                                            what changed since test/mutation/incremental.json
 *   npm run test:mutation -- --mutate 'nodes/GeminiImage/helpers/**'  one folder: a sitting's worth, the rest kept
 *   npm run test:mutation -- --force                                 every mutant again
 *   npm run test:mutation -- --retry-timeouts                        the timed-out mutants again, 60 s more each
 *   npm run test:mutation -- --retry-static                          the surviving static mutants again
 *   npm run test:mutation -- --retry-timeouts --retry-limit=10       only the first 10 of them (one sitting's worth)
 *   npm run test:mutation -- --retry-timeouts --unit-only            in the unit tests alone: endless loops, in minutes
 *
 * Stryker keeps each mutant's result in test/mutation/incremental.json (committed) and reuses it while the mutant's
 * code and the tests that cover or killed it are unchanged; a run that is interrupted writes nothing, so a long one
 * is split with --mutate (a narrower run carries the other files' results over). Stryker runs under `nice`: the
 * machine's other work (timing-sensitive tests) goes first. Before it starts, jest lists every test of the mutation
 * suite by name (test/mutation/runner.js skips the files that hold none of the tests a mutant needs).
 *
 * A timed-out mutant counts as detected (an endless loop), but on a loaded machine a slow test can time out too:
 * --retry-timeouts runs only the mutants the report has as Timeout again, 2 at a time, each allowed 60 s more than its tests' time x 1.5 (the usual: 10 s more), and
 * puts their new results into the report (Stryker would reuse a Timeout as it is).
 *
 * A static mutant (code that runs when its module loads, such as a module-level regex) has no per-test coverage,
 * so no new test ever counts as covering it and Stryker reuses its survival for as long as its code is unchanged:
 * --retry-static runs the report's surviving static mutants again (every related test, the usual timeout): those
 * marked static, and every survivor that no test covers (only a static one can survive uncovered; a result that
 * Stryker reused may have lost its static mark).
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { AGAIN, AGAIN_UNIT, settled } = require('./lib/mutation-timeouts');

const ROOT = path.join(__dirname, '..');
const OUT = path.join(ROOT, 'reports', 'mutation');
const INDEX = path.join(OUT, 'test-index.json');
const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);

function run(command, args, env = {}) {
	const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
	if (result.error) throw result.error;
	return result.status ?? 1;
}

/** Every test of the mutation suite by file, from a jest run that loads each file and runs no test. */
function writeTestIndex() {
	const raw = path.join(OUT, 'test-list.json');
	run(process.execPath, [
		bin('jest'),
		'-c',
		'jest.mutation.config.js',
		'--silent',
		'--testNamePattern',
		'^$never^',
		'--json',
		'--outputFile',
		raw,
	]);
	const listed = JSON.parse(fs.readFileSync(raw, 'utf8'));
	const index = {};
	for (const file of listed.testResults) {
		index[path.relative(ROOT, file.name).split(path.sep).join('/')] = file.assertionResults.map((test) => test.fullName);
	}
	fs.writeFileSync(INDEX, `${JSON.stringify(index, null, 1)}\n`);
	fs.rmSync(raw, { force: true });
	return Object.values(index).reduce((n, tests) => n + tests.length, 0);
}

/**
 * The committed report without what only this machine and this run know: the stack of the test that killed each
 * mutant (megabytes over a whole run, with the sandbox's absolute paths) and the project's path. Stryker reuses a
 * result by its mutant's code, location and tests, never by these. One mutant a line: a later run's diff shows
 * the mutants whose result changed.
 */
function tidyReport() {
	const file = path.join(ROOT, 'test', 'mutation', 'incremental.json');
	const report = JSON.parse(fs.readFileSync(file, 'utf8'));
	delete report.projectRoot;
	const lines = [];
	const text = JSON.stringify(
		report,
		(key, value) => {
			if (!value?.mutatorName) return value;
			if (value.status === 'Killed') delete value.statusReason;
			return `@mutant ${lines.push(JSON.stringify(value)) - 1}@`;
		},
		1,
	);
	fs.writeFileSync(file, `${text.replace(/"@mutant (\d+)@"/g, (_, i) => lines[i])}\n`);
}

const REPORT = path.join(ROOT, 'test', 'mutation', 'incremental.json');
const where = (m) => `${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column}`;
const sameMutant = (a, b) => a.mutatorName === b.mutatorName && a.replacement === b.replacement && where(a) === where(b);

/** Each retry: which mutants it tests again, what they are called, and Stryker's extra arguments. */
const RETRIES = {
	'--retry-timeouts': {
		pick: (m) => m.status === 'Timeout' && !settled(m),
		what: 'timed-out mutants',
		stryker: ['--timeoutMS', '60000', '--concurrency', '2'],
	},
	'--retry-static': {
		pick: (m) => m.status === 'Survived' && (m.static === true || !m.coveredBy?.length),
		what: 'surviving static mutants',
		stryker: [],
	},
};

/**
 * The report without the mutants `pick` chooses (Stryker then tests them as new), and how to put their new results
 * back into the whole report: test ids are the report's own, so the new results' ids are mapped by test name.
 */
function without(pick, limit = Infinity, unitOnly = false) {
	const whole = JSON.parse(fs.readFileSync(REPORT, 'utf8'));
	const retried = [];
	for (const [file, result] of Object.entries(whole.files))
		for (const m of result.mutants) if (pick(m) && retried.length < limit) retried.push({ file, mutant: m });
	const trimmed = structuredClone(whole);
	for (const [file, result] of Object.entries(trimmed.files))
		result.mutants = result.mutants.filter((m) => !retried.some((r) => r.file === file && sameMutant(r.mutant, m)));
	const merge = (fresh) => {
		const idOf = new Map();
		for (const [file, tests] of Object.entries(whole.testFiles ?? {})) for (const t of tests.tests) idOf.set(`${file}\n${t.name}`, t.id);
		const mapId = (id) => {
			for (const [file, tests] of Object.entries(fresh.testFiles ?? {})) {
				const t = tests.tests.find((x) => x.id === id);
				if (!t) continue;
				const key = `${file}\n${t.name}`;
				if (!idOf.has(key)) {
					const added = { ...t, id: `retry-${id}` };
					(whole.testFiles[file] ??= { tests: [] }).tests.push(added);
					idOf.set(key, added.id);
				}
				return idOf.get(key);
			}
			return undefined;
		};
		let changed = 0;
		for (const { file, mutant } of retried) {
			const now = fresh.files[file]?.mutants.find((m) => sameMutant(m, mutant));
			// Without the integration tests only a timeout tells something (an endless loop in a unit test); a mutant
			// that ends there keeps its result until a retry with every test.
			if (!now || (unitOnly && now.status !== 'Timeout')) continue;
			const was = mutant.status;
			Object.assign(mutant, now, {
				id: mutant.id,
				killedBy: now.killedBy?.map(mapId).filter(Boolean),
				coveredBy: now.coveredBy?.map(mapId).filter(Boolean),
			});
			// A timeout with 60 s more too is an endless loop: said so, and not retried again (Stryker keeps the reason).
			if (was === 'Timeout' && mutant.status === 'Timeout') mutant.statusReason = unitOnly ? AGAIN_UNIT : AGAIN;
			if (mutant.status !== was) changed++;
		}
		fs.writeFileSync(REPORT, JSON.stringify(whole));
		return changed;
	};
	return { retried, trimmed, merge };
}

/** The report's settled timeouts, by file. */
function settledTimeouts() {
	if (!fs.existsSync(REPORT)) return [];
	const report = JSON.parse(fs.readFileSync(REPORT, 'utf8'));
	return Object.entries(report.files).flatMap(([file, r]) =>
		r.mutants.filter((m) => m.status === 'Timeout' && settled(m)).map((mutant) => ({ file, mutant })),
	);
}

/**
 * A mutant whose tests changed is tested again, and an endless loop times out again with the usual allowance. When
 * it had already timed out with 60 s more (the same code at the same place), that retry's label is kept, so that
 * --retry-timeouts does not spend minutes a mutant on it again; a mutant that is now killed or survives is left
 * as it is. Returns how many were kept.
 */
function keepSettled(before) {
	const report = JSON.parse(fs.readFileSync(REPORT, 'utf8'));
	let kept = 0;
	for (const { file, mutant: old } of before) {
		const now = report.files[file]?.mutants.find((m) => sameMutant(m, old));
		if (!now || now.status !== 'Timeout' || settled(now)) continue;
		now.statusReason = old.statusReason;
		kept++;
	}
	fs.writeFileSync(REPORT, JSON.stringify(report));
	return kept;
}

/**
 * test/mutation/measured.json: for each source file, the commit (and date) whose code and tests its results were
 * last measured at; "+" when the tests or the code had uncommitted changes. `patterns`: the run's --mutate globs
 * (undefined: a whole run, every file).
 */
function recordMeasured(patterns) {
	const file = path.join(ROOT, 'test', 'mutation', 'measured.json');
	const git = (...a) => spawnSync('git', a, { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
	const commit = `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'nodes', 'credentials', 'test', ':!test/mutation') ? '+' : ''}`;
	const date = new Date().toISOString().slice(0, 10);
	const measured = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
	const globs = patterns?.map((p) => p.replace(/:\d[\d:-]*$/, ''));
	for (const source of Object.keys(JSON.parse(fs.readFileSync(REPORT, 'utf8')).files))
		if (!globs || globs.some((g) => path.matchesGlob(source, g))) measured[source] = { commit, date };
	const sorted = Object.fromEntries(Object.entries(measured).sort(([a], [b]) => a.localeCompare(b)));
	fs.writeFileSync(file, `${JSON.stringify(sorted, null, '\t')}\n`);
}

// --unit-only (with --retry-timeouts): the unit tests alone (jest.mutation.config.js leaves out the rest). A mutant
// of code every answer reads is covered by some 230 tests, integration ones among them, and an endless loop waits
// out 1.5 x their time (minutes) before it counts; with the unit tests alone it hangs in the first one that runs it
// and is stopped after 1.5 x the unit tests' time plus the retry's 60 s.
const unitOnly = process.argv.includes('--unit-only');
if (unitOnly) process.env.MUTATION_UNIT_ONLY = '1';
fs.mkdirSync(OUT, { recursive: true });
console.log(`mutation: ${writeTestIndex()} tests listed in ${path.relative(ROOT, INDEX)}`);
// --retry-limit=N: only the first N the retry picks (a retry that fits in a sitting; the rest stay for the next one).
const limitArg = process.argv.find((a) => a.startsWith('--retry-limit='));
const args = process.argv.slice(2).filter((a) => a !== limitArg && a !== '--unit-only');
const retryFlag = Object.keys(RETRIES).find((flag) => args.includes(flag));
const retry = retryFlag !== undefined;
let strykerArgs = args;
let again;
if (retry) {
	if (unitOnly && retryFlag !== '--retry-timeouts') throw new Error('--unit-only goes with --retry-timeouts');
	again = without(RETRIES[retryFlag].pick, limitArg ? Number(limitArg.slice('--retry-limit='.length)) : Infinity, unitOnly);
	if (!again.retried.length) {
		console.log(`mutation: no ${RETRIES[retryFlag].what} in the report`);
		process.exit(0);
	}
	console.log(`mutation: ${again.retried.length} ${RETRIES[retryFlag].what} again`);
	fs.writeFileSync(REPORT, JSON.stringify(again.trimmed));
	// Whole lines (Stryker's range columns count differently from its report's); the lines' other mutants are reused.
	const ranges = [...new Set(again.retried.map(({ file, mutant: m }) => `${file}:${m.location.start.line}-${m.location.end.line}`))];
	// Unit tests take seconds, so 60 s more holds with 4 runners too (the last --concurrency counts).
	const runners = unitOnly ? ['--concurrency', '4'] : [];
	strykerArgs = [...args.filter((a) => a !== retryFlag), ...RETRIES[retryFlag].stryker, ...runners, '--mutate', ranges.join(',')];
}
// Timeouts the report already had settled: if the same mutant times out again in this run, it stays settled.
const settledBefore = retry ? [] : settledTimeouts();
const started = Date.now();
const status = run('nice', ['-n', '10', process.execPath, bin('stryker'), 'run', ...strykerArgs], { MUTATION_TEST_INDEX: INDEX });
console.log(`mutation: Stryker took ${Math.round((Date.now() - started) / 1000)} s`);
if (retry) {
	// The whole report again, with the retried mutants' new results (also when Stryker failed: nothing is lost).
	const fresh = JSON.parse(fs.readFileSync(REPORT, 'utf8'));
	const changed = status === 0 ? again.merge(fresh) : (again.merge({ files: {} }), 0);
	console.log(`mutation: ${changed} of ${again.retried.length} changed status`);
}
if (status !== 0) process.exit(status);
if (!retry) console.log(`mutation: ${keepSettled(settledBefore)} timeouts were settled before and stay settled`);
tidyReport();
if (retry) {
	recordMeasured([...new Set(again.retried.map(({ file }) => file))]);
	process.exit(run(process.execPath, [path.join(__dirname, 'mutation-report.js')]));
}
// A run narrowed with --mutate carried the other files over unchecked: the report says so until a whole run.
const at = args.findIndex((a) => a === '--mutate' || a === '-m' || a.startsWith('--mutate='));
const narrowed = at === -1 ? '' : args[at].startsWith('--mutate=') ? args[at].slice(9) : (args[at + 1] ?? '');
recordMeasured(narrowed ? narrowed.split(',') : undefined);
process.exit(run(process.execPath, [path.join(__dirname, 'mutation-report.js')], { MUTATION_NARROWED: narrowed }));
