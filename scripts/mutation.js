#!/usr/bin/env node
/**
 * `npm run test:mutation`: mutation testing of nodes/ and credentials/ with StrykerJS (stryker.config.json),
 * then the report (docs/MUTATION.md, from reports/mutation/mutation.json; the HTML report stays in
 * reports/mutation/, which git ignores).
 *
 *   npm run test:mutation                         the whole run (about half an hour on 2 cores)
 *   npm run test:mutation -- --mutate nodes/GeminiImage/api/stream/sse.ts  some files only (no report written)
 *   npm run test:mutation -- --report-only        the report again, from the last JSON report
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
const RUN = path.join(OUT, 'run.json');
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

function main() {
	// --report-only is ours; every other argument goes to Stryker as it was given
	const { values, tokens } = parseArgs({
		options: { 'report-only': { type: 'boolean' }, mutate: { type: 'string', short: 'm' } },
		strict: false,
		tokens: true,
	});
	const ours = new Set(tokens.filter((t) => t.kind === 'option' && t.name === 'report-only').map((t) => t.index));
	const args = process.argv.slice(2).filter((a, i) => !ours.has(i));
	fs.mkdirSync(OUT, { recursive: true });
	if (!values['report-only']) {
		const tests = writeTestIndex();
		console.log(`mutation: ${tests} tests listed in ${path.relative(ROOT, INDEX)}`);
		const started = Date.now();
		const status = run('nice', ['-n', '10', process.execPath, bin('stryker'), 'run', ...args], { MUTATION_TEST_INDEX: INDEX });
		if (status !== 0) process.exit(status);
		const partial = values.mutate !== undefined;
		fs.writeFileSync(
			RUN,
			`${JSON.stringify({ seconds: Math.round((Date.now() - started) / 1000), cpus: os.cpus().length, partial, args, finishedAt: new Date().toISOString() }, null, 1)}\n`,
		);
		if (partial) {
			console.log('mutation: some files only, docs/MUTATION.md left as it is (see reports/mutation/index.html)');
			return;
		}
	}
	process.exit(run(process.execPath, [path.join(__dirname, 'mutation-report.js')]));
}

main();
