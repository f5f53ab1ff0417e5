'use strict';
// Which timed-out mutants count as detected (scripts/mutation.js retries the others, scripts/mutation-report.js
// lists them as open).

// The label of a mutant that timed out again when retried with 60 s more (scripts/mutation.js --retry-timeouts).
const AGAIN = 'timed out again with 60 s more';
// The label of one that timed out again in the unit tests alone (--retry-timeouts --unit-only), also with 60 s more.
const AGAIN_UNIT = 'timed out again in the unit tests with 60 s more';
// The label results retried before 2026-12-05 carry (the allowance was 60 s then too; only the label said 30 s).
const AGAIN_BEFORE = 'timed out again with 30 s';

/** A timeout load cannot explain: Stryker counted the mutant's loop past its hit limit, or a retry timed out too. */
const settled = (m) => [AGAIN, AGAIN_UNIT, AGAIN_BEFORE].includes(m.statusReason) || /^Hit limit reached/.test(m.statusReason ?? '');

module.exports = { AGAIN, AGAIN_UNIT, settled };
