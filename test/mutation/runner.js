/**
 * The test runner of mutation runs (jest.mutation.config.js): jest's own, run file by file, which leaves out
 * - the test files that hold none of the tests Stryker asked for (it asks by test name: jest would still load
 *   every related file, and loading one that starts n8n-core takes about half a second), using the index of
 *   test names that scripts/mutation.js writes before Stryker starts (MUTATION_TEST_INDEX);
 * - every file after the mutant's first failing test (see environment.js).
 * Outside a mutant run it is jest's runner as it is.
 */
const fs = require('node:fs');
const path = require('node:path');

const TestRunner = require('jest-runner').default;

const bail = require('./bail');

let index;
/** Test file (relative to the project, with /) -> the full names of its tests; empty without an index. */
function testIndex() {
	if (index) return index;
	index = new Map();
	const file = process.env.MUTATION_TEST_INDEX;
	if (file && fs.existsSync(file)) {
		for (const [name, tests] of Object.entries(JSON.parse(fs.readFileSync(file, 'utf8')))) index.set(name, tests);
	}
	return index;
}

function hasWantedTest(testPath, rootDir, pattern) {
	const tests = testIndex().get(path.relative(rootDir, testPath).split(path.sep).join('/'));
	// A file the index does not know (added since) runs, whatever it holds.
	return !tests || tests.some((name) => pattern.test(name));
}

class MutationRunner extends TestRunner {
	async runTests(tests, watcher, options) {
		if (bail.activeMutant() === undefined || !options.serial) return await super.runTests(tests, watcher, options);
		const pattern = this._globalConfig.testNamePattern ? new RegExp(this._globalConfig.testNamePattern, 'i') : undefined;
		for (const test of tests) {
			if (bail.failed()) break;
			if (pattern && !hasWantedTest(test.path, test.context.config.rootDir, pattern)) continue;
			await super.runTests([test], watcher, options);
		}
	}
}

module.exports = MutationRunner;
