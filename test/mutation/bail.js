/**
 * What a mutation run shares between its test runner (runner.js) and its test environment (environment.js),
 * which jest loads in the same process: whether the active mutant has already failed a test.
 */
// One jest process runs many test files and many mutants, one after the other: the state lives in the
// process (not in a module, which jest may load more than once), keyed by the mutant Stryker activated.
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';
const STATE = Symbol.for('n8n-nodes-cometapi.mutation.bail');
const state = (globalThis[STATE] ??= { mutant: undefined, failed: false });

/** The id of the mutant under test; undefined outside a mutant run (plain jest, Stryker's dry run). */
function activeMutant() {
	const mutant = process.env[ACTIVE_MUTANT];
	if (!mutant) return undefined;
	if (state.mutant !== mutant) {
		state.mutant = mutant;
		state.failed = false;
	}
	return mutant;
}

module.exports = {
	activeMutant,
	/** Whether a test already failed in this mutant's run. */
	failed: () => activeMutant() !== undefined && state.failed,
	markFailed: () => {
		if (activeMutant() !== undefined) state.failed = true;
	},
};
