/**
 * The test environment of mutation runs (jest.mutation.config.js): jest's node environment that stops a
 * mutant's run at its first failing test. Jest has no bail that Stryker can use (it runs jest programmatically),
 * so every mutant would otherwise run all the tests that cover it, the slow fault tests included, even after
 * one failed; one failing test is all Stryker needs to call a mutant killed. The rest of the file is skipped
 * here, the files after it by runner.js. Outside a mutant run (plain jest, Stryker's dry run) it changes nothing.
 */
const { TestEnvironment } = require('jest-environment-node');

const bail = require('./bail');

function skipAll(block) {
	for (const child of block.children) {
		if (child.type === 'test') child.mode = 'skip';
		else skipAll(child);
	}
}

class BailEnvironment extends TestEnvironment {
	async handleTestEvent(event, circusState) {
		if (bail.activeMutant() === undefined) return;
		if ((event.name === 'test_done' && event.test.errors.length > 0) || event.name === 'hook_failure') bail.markFailed();
		if (!bail.failed()) return;
		// A file started after the failure: skip all of it (and its beforeAll hooks, which jest runs only when a test will).
		if (event.name === 'run_start') skipAll(circusState.rootDescribeBlock);
		// A later test of this file.
		else if (event.name === 'test_start' && event.test.errors.length === 0) event.test.mode = 'skip';
	}
}

module.exports = BailEnvironment;
