'use strict';
// Sends a whole answer (not a stream: sse.js writes those): serialised, with the emulator's headers, and
// written at once or the hostile way (cut in half, trickled, stopped halfway: hostile.js).

const hostile = require('./hostile');
const { toSnake } = require('./scenarios/common');
const { sentImages } = require('./recording');

/** The x-emulator-* headers of every answer to a recorded request. */
function commonHeaders(rec) {
	const h = {};
	if (rec) {
		h['x-emulator-request-id'] = String(rec.id);
		if (rec.scenario) h['x-emulator-scenario'] = rec.scenario;
		if (rec.attempt !== null) h['x-emulator-attempt'] = String(rec.attempt);
	}
	return h;
}

function serialize(answer, escapeSlash) {
	if (answer.kind === 'json') {
		const body = answer.snake ? toSnake(answer.body) : answer.body;
		return { contentType: 'application/json; charset=utf-8', buf: Buffer.from(hostile.stringify(body, escapeSlash), 'utf8') };
	}
	return {
		contentType: answer.contentType || 'text/plain; charset=utf-8',
		buf: Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(String(answer.body), 'utf8'),
	};
}

/**
 * Sends `answer` and records its status and images on `rec` (null for the control API).
 * opts: truncate; the hostile ones (hostileOptions): escapeSlash, trickleMs, stall, resetMid (200 answers);
 * stopHalf ('stall' | 'reset': the body stops halfway, then silence or a reset).
 */
async function send(emu, res, rec, answer, opts = {}) {
	if (res.destroyed || res.headersSent) return;
	const { contentType, buf } = serialize(answer, opts.escapeSlash);
	let out = buf;
	if (opts.truncate) {
		out = buf.subarray(0, Math.max(1, Math.floor(buf.length / 2)));
		if (rec) rec.outcome = 'truncated';
	}
	const stopHalf =
		opts.stopHalf || (answer.status === 200 && opts.stall ? 'stall' : answer.status === 200 && opts.resetMid ? 'reset' : undefined);
	const headers = Object.assign(
		{ 'Content-Type': contentType, 'Content-Length': String(out.length) },
		commonHeaders(rec),
		answer.headers || {},
	);
	if (rec) {
		rec.status = answer.status;
		if (stopHalf && !opts.stopHalf) rec.outcome = stopHalf === 'stall' ? 'stall' : 'resetmid';
		if (!opts.truncate && !stopHalf && answer.status === 200 && answer.images) rec.imagesSent = sentImages(answer);
	}
	res.writeHead(answer.status, headers);
	if (!opts.trickleMs && !opts.escapeSlash && !stopHalf) return res.end(out);
	const complete = await hostile.writeBody(
		res,
		out,
		{
			trickleMs: opts.trickleMs,
			cuts: opts.escapeSlash ? hostile.cutsAfterBackslashes(out) : [],
			stopAt: stopHalf ? Math.floor(out.length / 2) : undefined,
			then: stopHalf,
		},
		emu.timers,
	);
	if (complete && !res.destroyed) res.end();
}

/** The hostile options of one answer: from the directives (escapeslash, trickle, ping, linger) and the fault. */
function hostileOptions(d, r) {
	return {
		truncate: r.truncate,
		stall: r.stall,
		escapeSlash: d.escapeSlash,
		trickleMs: d.trickleMs,
		cut: r.cut,
		pingMs: d.pingMs,
		resetMid: r.resetMid,
		linger: d.linger,
	};
}

/** The key the client sent in Authorization (echokey= and echotext= repeat it). */
function clientKey(req) {
	return String(req.headers.authorization || '').replace(/^Bearer\s+/i, '');
}

/** echokey=<n>: a 401 whose plain-text body repeats the key the client sent, after n filler characters. */
function echoKey(emu, req, res, rec, at) {
	rec.outcome = 'echo-key';
	return send(emu, res, rec, {
		kind: 'raw',
		status: 401,
		contentType: 'text/plain; charset=utf-8',
		body: `${'x'.repeat(at)}${clientKey(req)} is not a valid key for this gateway`,
	});
}

module.exports = { send, commonHeaders, hostileOptions, clientKey, echoKey };
