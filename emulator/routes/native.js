'use strict';
// The Gemini native routes: POST /v1beta/models/{model}:generateContent and :streamGenerateContent (SSE with
// alt=sse, else one JSON array of the same events).

const hostile = require('../hostile');
const conversation = require('../conversation');
const strict = require('../strict');
const errors = require('../scenarios/errors');
const { buildNativeAnswer, streamEvents } = require('../scenarios/native');
const { analyseNative } = require('../analyse');
const { runFaults } = require('../faults');
const { send, hostileOptions, clientKey, echoKey } = require('../send');
const { writeEvents } = require('../sse');
const { sleep } = require('../connection');
const { sentImages } = require('../recording');
const { checkRequest, answerContext } = require('./checks');

async function handle(emu, req, res, url, route, rec, raw, ctx) {
	const stream = route.kind === 'stream';
	const checked = checkRequest(emu, req, res, rec, raw, ctx, {
		analyse: analyseNative,
		modelOf: () => route.model,
		invalid: (message) => errors.googleError(400, 'INVALID_ARGUMENT', message),
		badJson: 'Invalid JSON payload received. Unexpected token.',
	});
	if (!checked) return;
	const { a, d, identity } = checked;
	if (d.echoKeyAt !== undefined) return echoKey(emu, req, res, rec, d.echoKeyAt);
	// Multi-turn requests: the signatures the emulator issued must come back on the parts they were issued for.
	const turns = conversation.inspectNative(rec.body, a.images);
	rec.conversation = turns.record;
	if (turns.error) {
		rec.outcome = 'invalid';
		return send(emu, res, rec, errors.googleError(400, 'INVALID_ARGUMENT', turns.error), {});
	}
	const r = await runFaults(emu, res, rec, d, identity, ctx, route.kind);
	if (r.handled) return;

	Object.assign(ctx, answerContext(a, d), {
		googleSearch: (a.asked.tools || []).includes('googleSearch') || (a.asked.tools || []).includes('google_search'),
		responseId: errors.responseId(),
	});
	let answer = conversation.signNative(hostile.modifyNative(buildNativeAnswer(rec.scenario, ctx), d, a.promptText), rec, route.model);
	if (d.echoTextAt !== undefined) answer = hostile.echoTextNative(buildNativeAnswer('text-only', ctx), clientKey(req), d.echoTextAt);
	const h = hostileOptions(d, r);
	if (r.streamError) {
		rec.outcome = `streamerror-${r.streamError}`;
		if (!stream) return send(emu, res, rec, strict.plainStreamError(r.streamError, 'native'), h);
		answer = strict.nativeWithStreamError(answer, r.streamError);
	}
	if (!stream) {
		if (answer.kind === 'stream-error') {
			return send(emu, res, rec, errors.googleError(500, 'INTERNAL', 'Internal error in stream'), h);
		}
		// cut, on an answer that is not a stream: the body cut in half, like truncate
		return send(emu, res, rec, answer, Object.assign({}, h, { truncate: h.truncate || h.cut }));
	}
	return streamAnswer(emu, res, rec, url, answer, r, d.dripMs, h);
}

// streamGenerateContent: `: PING`, then `data: <whole response JSON>\r\n\r\n` events, no [DONE]. Errors
// (non-200 answers) are plain HTTP errors, before any streaming starts.
async function streamAnswer(emu, res, rec, url, answer, r, drip, h) {
	const sse = (url.searchParams.get('alt') || '').toLowerCase() === 'sse';
	if (answer.status !== 200 || answer.kind === 'raw' || !sse) {
		if (!(await sleep(r.latency, res, emu.timers))) return;
	}
	if (answer.status !== 200 || answer.kind === 'raw') return send(emu, res, rec, answer, Object.assign({}, h, { truncate: r.truncate }));
	const events = streamEvents(answer);
	const error = answer.kind === 'stream-error';
	if (!sse) {
		// Without alt=sse Google streams one JSON array.
		rec.status = 200;
		const text = `[${events.map((e) => hostile.stringify(e, h.escapeSlash)).join(',\r\n')}]`;
		if (!r.truncate && !error) rec.imagesSent = sentImages(answer);
		return send(
			emu,
			res,
			rec,
			{ kind: 'raw', status: 200, contentType: 'application/json; charset=utf-8', body: text },
			Object.assign({}, h, { truncate: r.truncate || h.cut }),
		);
	}
	const imagesByB64 = new Map((answer.images || []).map((i) => [i.base64, i]));
	return writeEvents(
		emu,
		res,
		rec,
		events.map((json) => ({ json, image: !!imageOf(json, imagesByB64) })),
		{
			eol: '\r\n',
			latency: r.latency,
			drip,
			truncate: r.truncate,
			h,
			error,
			images: answer.images,
			// linger: after the error event the connection stays open (the native stream has no [DONE])
			linger: h.linger && error,
		},
	);
}

/** The image an event carries (one of the answer's, by its base64), or null. */
function imageOf(ev, imagesByB64) {
	const c = ev && ev.candidates && ev.candidates[0];
	const parts = c && c.content && c.content.parts;
	if (!Array.isArray(parts)) return null;
	for (const p of parts) {
		const inline = p && (p.inlineData || p.inline_data);
		if (inline && typeof inline.data === 'string' && imagesByB64.has(inline.data)) return imagesByB64.get(inline.data);
	}
	return null;
}

module.exports = { handle };
