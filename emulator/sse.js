'use strict';
// The one SSE writer of both streamed routes: the native streamGenerateContent?alt=sse (CRLF line ends, no
// [DONE]) and the chat route's `stream: true` (LF, then `data: [DONE]`). It writes the headers and a first
// `: PING`, waits for the latency with a PING every second, then writes each event in its own write, and
// carries out the faults and hostile behaviours that act on a stream (truncate, cut, stall, resetmid, drip,
// trickle, escapeslash, ping, linger).

const hostile = require('./hostile');
const { sleep, resetConnection } = require('./connection');
const { commonHeaders } = require('./send');
const { sentImages } = require('./recording');

const PING_INTERVAL_MS = 1000;
const SSE_HEADERS = {
	'Content-Type': 'text/event-stream',
	'Cache-Control': 'no-cache',
	Connection: 'keep-alive',
	'X-Accel-Buffering': 'no',
};

/** Waits `ms` (false if the client went away), writing `ping` every `every` ms (a second) while waiting. */
async function waitPinging(emu, res, ms, ping, every = PING_INTERVAL_MS) {
	for (let left = ms || 0; left > 0; left -= every) {
		if (!(await sleep(Math.min(left, every), res, emu.timers))) return false;
		if (left > every && !res.destroyed) res.write(ping);
	}
	return !res.destroyed;
}

/** One event: at once, or trickled / cut after backslashes. False if the client went away. */
async function writeEvent(emu, res, line, h) {
	if (h.trickleMs || h.escapeSlash) {
		return hostile.writeBody(
			res,
			line,
			{ trickleMs: h.trickleMs, cuts: h.escapeSlash ? hostile.cutsAfterBackslashes(line) : [] },
			emu.timers,
		);
	}
	res.write(line);
	await new Promise((r) => setImmediate(r));
	return !res.destroyed;
}

/**
 * Streams `events` ([{ json, image }]: `image` marks an event that carries an image) as a 200.
 * opts: eol ('\r\n' native, '\n' chat); latency and drip (ms); truncate; h (send.hostileOptions);
 * done (write `data: [DONE]` after a whole stream); error (the last event is an error: the stream is not whole);
 * images (the answer's images, recorded as sent when the stream went out whole); linger (leave it open at the end).
 */
async function writeEvents(emu, res, rec, events, opts) {
	const { eol, h, truncate } = opts;
	const ping = `: PING${eol}${eol}`;
	rec.status = 200;
	res.writeHead(200, Object.assign({}, SSE_HEADERS, commonHeaders(rec)));
	res.write(ping);
	// "The model works": wait, with a `: PING` comment every second (ping=<ms>).
	if (!(await waitPinging(emu, res, opts.latency, ping, h.pingMs))) return;
	if (truncate) rec.outcome = 'truncated';
	if (h.cut) rec.outcome = 'cut';
	for (let i = 0; i < events.length; i++) {
		// drip=<ms>: a pause (with PINGs) between events
		if (i > 0 && !(await waitPinging(emu, res, opts.drip, ping, h.pingMs))) return;
		if (res.destroyed) return;
		// cut: the stream ends cleanly after a whole event, before the last one (finish reason, usage).
		if (h.cut && i === events.length - 1) break;
		const line = Buffer.from(`data: ${hostile.stringify(events[i].json, h.escapeSlash)}${eol}${eol}`, 'utf8');
		if ((truncate || h.stall || h.resetMid) && (events[i].image || i === events.length - 1)) {
			res.write(line.subarray(0, Math.max(1, Math.floor(line.length / 2))));
			if (h.stall) {
				rec.outcome = 'stall';
				return; // silence: no more data, no PINGs, the socket stays open
			}
			if (h.resetMid) {
				rec.outcome = 'resetmid';
				return resetConnection(res);
			}
			break;
		}
		if (!(await writeEvent(emu, res, line, h))) return;
	}
	if (!truncate && !h.cut && !opts.error) {
		if (opts.done) {
			if (!(await waitPinging(emu, res, opts.drip, ping, h.pingMs))) return;
			res.write(`data: [DONE]${eol}${eol}`);
		}
		rec.imagesSent = sentImages({ images: opts.images });
	}
	if (opts.linger) return;
	if (!res.destroyed) res.end();
}

module.exports = { writeEvents, SSE_HEADERS };
