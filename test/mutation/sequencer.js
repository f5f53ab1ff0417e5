/**
 * The order of test files in mutation runs: the fast ones first, so that a mutant is usually killed (and the
 * run stopped, see environment.js) before the slow fault tests, which wait on real backoffs and timeouts.
 */
const Sequencer = require('@jest/test-sequencer').default;

// From fast to slow (measured with `npx jest -c jest.mutation.config.js`); files not listed go in between.
const FIRST = ['/test/unit/', '/test/mutation/'];
const LAST = ['/test/integration/controls.test.ts', '/test/integration/hostile.test.ts', '/test/integration/faults.test.ts'];

function rank(path) {
	const p = path.replace(/\\/g, '/');
	if (FIRST.some((dir) => p.includes(dir))) return 0;
	const last = LAST.findIndex((file) => p.endsWith(file));
	return last === -1 ? 1 : 2 + last;
}

class FastFirstSequencer extends Sequencer {
	sort(tests) {
		return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
	}
}

module.exports = FastFirstSequencer;
