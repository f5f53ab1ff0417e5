'use strict';
// node:test for the suites that drive a real n8n (test/e2e, test/ui). Their checks run in one order against one
// n8n, so each check is a node:test subtest of the phase it runs in, found through AsyncLocalStorage: helpers deep
// in the suite call test() without passing the context around. node:test's reporter prints the tree, the failed
// tests and the counts, and sets the exit code. A failed check does not stop its phase; a Fatal one stops the run.
const { AsyncLocalStorage } = require('node:async_hooks');
const nodeTest = require('node:test');

const { redact } = require('../../scripts/lib/process');

const current = new AsyncLocalStorage();
let stopped = null;

/** A failure that must stop the whole run at once (the suite would not test what users run). */
class Fatal extends Error {}

/** The error as the reporter will print it, with any secret the run registered masked. */
function masked(e) {
	if (!(e instanceof Error)) return new Error(redact(String(e)));
	e.message = redact(e.message);
	if (e.stack) e.stack = redact(e.stack);
	return e;
}

/**
 * A named check, nested in the running one (top level outside any). Resolves true if it passed. `onFailure(e)`
 * and `onSuccess()` run inside it (screenshots). After a Fatal failure nothing else runs and every open check fails.
 */
async function test(name, fn, { onFailure, onSuccess } = {}) {
	if (stopped) return false;
	let ok = false;
	const body = async (t) => {
		try {
			await current.run(t, () => fn(t));
			if (onSuccess) await onSuccess();
			ok = true;
		} catch (e) {
			if (e instanceof Fatal && !stopped) stopped = e;
			if (onFailure) await onFailure(e).catch(() => {});
			throw masked(e);
		}
	};
	const parent = current.getStore();
	await (parent ? parent.test(name, body) : nodeTest(name, body));
	if (stopped && parent) throw new Fatal(`stopped: ${stopped.message}`);
	return ok;
}

/** A line under the running check in the report (timings, versions). */
function note(message) {
	const t = current.getStore();
	if (t) t.diagnostic(redact(message));
	else console.log(redact(message));
}

/** The Fatal failure that stopped the run, if one did. */
const stoppedBy = () => stopped;

function assert(cond, message) {
	if (!cond) throw new Error(message);
}

/** Strict equality of the JSON forms, with both values in the message. */
function eq(actual, expected, what) {
	if (JSON.stringify(actual) !== JSON.stringify(expected))
		throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

module.exports = { Fatal, test, note, stoppedBy, assert, eq };
