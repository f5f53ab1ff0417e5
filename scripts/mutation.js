#!/usr/bin/env node
/**
 * `npm run test:mutation`: mutation testing of nodes/ and credentials/ with StrykerJS (stryker.config.json),
 * in parts (see PARTS), then the report: docs/MUTATION.md, from the parts' JSON reports in reports/mutation/parts/
 * (git ignores reports/).
 *
 *   npm run test:mutation                         every part (hours on 2 cores: see docs/MUTATION.md)
 *   npm run test:mutation -- --resume             the parts not yet done for the current sources and tests
 *   npm run test:mutation -- --part api           one part (repeatable), then the report of all parts done
 *   npm run test:mutation -- --mutate nodes/GeminiImage/api/stream/sse.ts  some files only (no report written)
 *   npm run test:mutation -- --report-only        the report again, from the parts' reports
 *
 * Stryker runs under `nice`: the machine's other work (timing-sensitive tests) goes first. Before Stryker
 * starts, jest lists every test of the mutation suite by name (test/mutation/runner.js skips the files that
 * hold none of the tests a mutant needs).
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');

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
 * The run in parts, one folder group at a time, each with its own JSON report in reports/mutation/parts/: a
 * whole run takes hours on 2 cores, and a part that is done stays done when a later one is interrupted
 * (--resume skips the parts whose report is newer than every source and test file). The report merges them.
 */
const PARTS = {
	small: ['credentials/**/*.ts', 'nodes/GeminiImage/helpers/**/*.ts', 'nodes/GeminiImage/methods/**/*.ts', 'nodes/GeminiImage/*.ts'],
	api: ['nodes/GeminiImage/api/**/*.ts'],
	transport: ['nodes/GeminiImage/transport/**/*.ts'],
	actions: ['nodes/GeminiImage/actions/**/*.ts'],
};
const PARTS_DIR = path.join(OUT, 'parts');

function newestInput() {
	const out = spawnSync('git', ['ls-files', 'nodes', 'credentials', 'test'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\n');
	return Math.max(...out.filter(Boolean).map((f) => fs.statSync(path.join(ROOT, f)).mtimeMs));
}

function runPart(name, extra) {
	fs.mkdirSync(PARTS_DIR, { recursive: true });
	const base = JSON.parse(fs.readFileSync(path.join(ROOT, 'stryker.config.json'), 'utf8'));
	const config = path.join(PARTS_DIR, `${name}.config.json`);
	const json = path.join(PARTS_DIR, `${name}.json`);
	fs.writeFileSync(
		config,
		JSON.stringify({
			...base,
			$schema: undefined,
			mutate: PARTS[name],
			reporters: ['clear-text', 'progress', 'json'],
			jsonReporter: { fileName: path.relative(ROOT, json) },
		}),
	);
	const started = Date.now();
	const status = run('nice', ['-n', '10', process.execPath, bin('stryker'), 'run', config, ...extra], { MUTATION_TEST_INDEX: INDEX });
	fs.rmSync(config, { force: true });
	if (status !== 0) return status;
	const seconds = Math.round((Date.now() - started) / 1000);
	const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
	fs.writeFileSync(
		path.join(PARTS_DIR, `${name}.run.json`),
		`${JSON.stringify({ seconds, cpus: os.cpus().length, commit, finishedAt: new Date().toISOString() })}\n`,
	);
	console.log(`mutation: part ${name} done in ${seconds} s`);
	return 0;
}

function main() {
	// --report-only, --part and --resume are ours; every other argument goes to Stryker as it was given
	const { values, tokens } = parseArgs({
		options: {
			'report-only': { type: 'boolean' },
			resume: { type: 'boolean' },
			part: { type: 'string', multiple: true },
			mutate: { type: 'string', short: 'm' },
		},
		strict: false,
		tokens: true,
	});
	const ourNames = new Set(['report-only', 'resume', 'part']);
	const ours = new Set();
	for (const t of tokens.filter((t) => t.kind === 'option' && ourNames.has(t.name))) {
		ours.add(t.index);
		if (t.name === 'part' && t.inlineValue === false) ours.add(t.index + 1);
	}
	const args = process.argv.slice(2).filter((a, i) => !ours.has(i));
	fs.mkdirSync(OUT, { recursive: true });
	if (!values['report-only']) {
		const tests = writeTestIndex();
		console.log(`mutation: ${tests} tests listed in ${path.relative(ROOT, INDEX)}`);
		if (values.mutate !== undefined) {
			// some files only, in one run: the HTML and JSON reports, docs/MUTATION.md left as it is
			process.exit(run('nice', ['-n', '10', process.execPath, bin('stryker'), 'run', ...args], { MUTATION_TEST_INDEX: INDEX }));
		}
		const names = values.part ?? Object.keys(PARTS);
		const unknown = names.filter((n) => !PARTS[n]);
		if (unknown.length) throw new Error(`unknown part ${unknown.join(', ')}: the parts are ${Object.keys(PARTS).join(', ')}`);
		const inputsChanged = newestInput();
		for (const name of names) {
			const done = path.join(PARTS_DIR, `${name}.run.json`);
			if (values.resume && fs.existsSync(done) && fs.statSync(done).mtimeMs > inputsChanged) {
				console.log(`mutation: part ${name} is up to date, skipped`);
				continue;
			}
			const status = runPart(name, args);
			if (status !== 0) process.exit(status);
		}
	}
	process.exit(run(process.execPath, [path.join(__dirname, 'mutation-report.js')]));
}

if (require.main === module) main();

module.exports = { PARTS, PARTS_DIR };
