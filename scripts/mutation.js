#!/usr/bin/env node
/**
 * `npm run test:mutation`: mutation testing of nodes/ and credentials/ with StrykerJS in its incremental mode
 * (stryker.config.json), then docs/MUTATION.md (scripts/mutation-report.js). Every argument goes to Stryker.
 *
 *   npm run test:mutation                                            what changed since test/mutation/incremental.json
 *   npm run test:mutation -- --mutate 'nodes/GeminiImage/helpers/**'  one folder: a sitting's worth, the rest kept
 *   npm run test:mutation -- --force                                 every mutant again
 *
 * Stryker keeps each mutant's result in test/mutation/incremental.json (committed) and reuses it while the mutant's
 * code and the tests that cover or killed it are unchanged; a run that is interrupted writes nothing, so a long one
 * is split with --mutate (a narrower run carries the other files' results over). Stryker runs under `nice`: the
 * machine's other work (timing-sensitive tests) goes first. Before it starts, jest lists every test of the mutation
 * suite by name (test/mutation/runner.js skips the files that hold none of the tests a mutant needs).
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

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

fs.mkdirSync(OUT, { recursive: true });
console.log(`mutation: ${writeTestIndex()} tests listed in ${path.relative(ROOT, INDEX)}`);
const started = Date.now();
const status = run('nice', ['-n', '10', process.execPath, bin('stryker'), 'run', ...process.argv.slice(2)], { MUTATION_TEST_INDEX: INDEX });
console.log(`mutation: Stryker took ${Math.round((Date.now() - started) / 1000)} s`);
if (status !== 0) process.exit(status);
tidyReport();
// A run narrowed with --mutate carried the other files over unchecked: the report says so until a whole run.
const args = process.argv.slice(2);
const at = args.findIndex((a) => a === '--mutate' || a === '-m' || a.startsWith('--mutate='));
const narrowed = at === -1 ? '' : args[at].startsWith('--mutate=') ? args[at].slice(9) : (args[at + 1] ?? '');
process.exit(run(process.execPath, [path.join(__dirname, 'mutation-report.js')], { MUTATION_NARROWED: narrowed }));
