/**
 * What mutation testing runs for each mutant: the tests of nodes/ and credentials/ (unit and integration).
 * The sources are roots too, so that jest's --findRelatedTests (Stryker's way to pick the test files of a mutant)
 * sees which test files import them. Fast files run first and a run stops at its first failure
 * (test/mutation/): one failing test is all Stryker needs.
 */
const path = require('node:path');

const base = require('./jest.config');

module.exports = {
	...base,
	roots: ['<rootDir>/test', '<rootDir>/nodes', '<rootDir>/credentials'],
	// Left out: the load guard (it packs dist/), the emulator's own tests, and the run-time ratios of
	// linear.test.ts (instrumented code is slower in uneven ways).
	testPathIgnorePatterns: [
		...base.testPathIgnorePatterns,
		'/test/compat/',
		'/test/emulator/',
		'/test/unit/linear\\.test\\.ts$',
		// `--retry-timeouts --unit-only` (scripts/mutation.js): the unit tests alone, a short timeout for endless loops.
		...(process.env.MUTATION_UNIT_ONLY ? ['/test/integration/', '/test/harness\\.test\\.ts$'] : []),
	],
	// Absolute paths: Stryker's plugin resolves the environment itself, without <rootDir>.
	testEnvironment: path.join(__dirname, 'test/mutation/environment.js'),
	testSequencer: path.join(__dirname, 'test/mutation/sequencer.js'),
	runner: path.join(__dirname, 'test/mutation/runner.js'),
	// Tests that take their time only where it buys something (see test/integration/setup.ts).
	globals: { ...base.globals, MUTATION_RUN: true },
	// A mutant that makes a test hang fails it sooner (the slowest test takes about 6 s).
	testTimeout: 15000,
};
