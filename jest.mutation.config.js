/**
 * What mutation testing runs for each mutant: the tests of nodes/ and credentials/ (unit and integration).
 * The sources are roots too, so that jest's --findRelatedTests (Stryker's way to pick the test files of a mutant)
 * sees which test files import them.
 */
const base = require('./jest.config');

module.exports = {
	...base,
	roots: ['<rootDir>/test', '<rootDir>/nodes', '<rootDir>/credentials'],
	testPathIgnorePatterns: [...base.testPathIgnorePatterns, '/test/compat/', '/test/emulator\\.test\\.js$'],
};
