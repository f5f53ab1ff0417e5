'use strict';
// Fault injection: counting the attempts of each prompt and carrying out the fault directives (fail=, reset,
// hang, truncate, cut, stall, streamerror= ...) and the latency, for every API route.

const errors = require('./scenarios/errors');
const { sleep, resetConnection } = require('./connection');
const { send } = require('./send');

// Which fault (if any) applies to attempt number `attempt` (1-based): faults occupy consecutive attempts in
// the order they were given, e.g. [reset=1, fail=503x2] -> attempt 1 reset, 2-3 answer 503, 4+ real answer.
function faultFor(faults, attempt) {
	let remaining = attempt;
	for (const f of faults) {
		if (remaining <= f.n) return f;
		remaining -= f.n;
	}
	return null;
}

// Faults that let an answer go out and act on it (on the body or inside the stream).
const ON_THE_ANSWER = ['truncate', 'stall', 'cut', 'streamerror', 'resetmid'];

/**
 * Counts the attempt of `identity`, then applies its fault and the latency. Returns { handled: true } when the
 * request has been answered, dropped or left hanging; otherwise { handled: false, truncate, stall, cut,
 * streamError, resetMid, latency } (latency still to wait: only on the streamed routes, which send their
 * headers and a PING first).
 */
async function runFaults(emu, res, rec, directives, identity, ctx, route) {
	const attempt = (emu.attempts.get(identity) || 0) + 1;
	emu.attempts.set(identity, attempt);
	rec.attempt = attempt;
	rec.identity = identity;
	const latency = directives.latencyMs !== undefined ? directives.latencyMs : emu.latencyMs;
	const fault = faultFor(directives.faults, attempt);
	if (fault && fault.kind === 'hang') {
		rec.outcome = 'hang';
		return { handled: true };
	}
	if (!fault || ON_THE_ANSWER.includes(fault.kind)) {
		const kind = fault && fault.kind;
		// cut: the stream ends cleanly between two events; streamerror: an error event inside the 200 stream;
		// resetmid: a 200 whose body stops halfway, then the connection is reset.
		const pass = {
			handled: false,
			truncate: kind === 'truncate',
			stall: kind === 'stall',
			cut: kind === 'cut',
			streamError: kind === 'streamerror' ? fault.status : undefined,
			resetMid: kind === 'resetmid',
		};
		if (route === 'stream') return { ...pass, latency };
		if (!(await sleep(latency, res, emu.timers))) return { handled: true };
		return { ...pass, latency: 0 };
	}
	if (!(await sleep(latency, res, emu.timers))) return { handled: true };
	if (fault.kind === 'stallerror' || fault.kind === 'reseterror') {
		// A 503 whose body stops halfway: then silence, or a reset.
		rec.outcome = fault.kind;
		await send(emu, res, rec, errors.failAnswer(503, ctx, directives.retryAfter), {
			stopHalf: fault.kind === 'stallerror' ? 'stall' : 'reset',
		});
		return { handled: true };
	}
	if (fault.kind === 'reset') {
		rec.outcome = 'reset';
		resetConnection(res);
		return { handled: true };
	}
	// fail=<status>x<n>
	rec.outcome = `fail-${fault.status}`;
	send(emu, res, rec, errors.failAnswer(fault.status, ctx, directives.retryAfter), {});
	return { handled: true };
}

module.exports = { faultFor, runFaults };
