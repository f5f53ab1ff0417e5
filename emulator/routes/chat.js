'use strict';
// POST /v1/chat/completions: the OpenAI-compatible chat route, in the same order as the native route (see
// README), with OpenAI-style 400s. A request of n8n's AI Agent (tools offered, or tool results) goes to agent.js.

const hostile = require('../hostile');
const strict = require('../strict');
const errors = require('../scenarios/errors');
const { buildChatAnswer, chatStreamEvents, chatCompletion } = require('../scenarios/chat');
const { analyseChat } = require('../analyse');
const { runFaults } = require('../faults');
const { send, hostileOptions, clientKey, echoKey } = require('../send');
const { writeEvents } = require('../sse');
const { sleep } = require('../connection');
const { checkRequest, answerContext } = require('./checks');
const agent = require('./agent');

async function handle(emu, req, res, rec, raw, ctx) {
	const agentRequest = agent.agentBody(raw);
	if (agentRequest) return agent.answer(emu, res, rec, agentRequest);
	const checked = checkRequest(emu, req, res, rec, raw, ctx, {
		analyse: (body) => {
			const analysed = analyseChat(body);
			rec.model = analysed.model;
			rec.stream = analysed.stream;
			ctx.model = analysed.model;
			return analysed;
		},
		modelOf: (analysed) => analysed.model,
		invalid: (message) => errors.openaiError(400, message),
		badJson: 'We could not parse the JSON body of your request. The API expects a JSON payload, but what was sent was not valid JSON.',
	});
	if (!checked) return;
	const { a, d, identity } = checked;
	if (d.echoKeyAt !== undefined) return echoKey(emu, req, res, rec, d.echoKeyAt);
	const r = await runFaults(emu, res, rec, d, identity, ctx, a.stream ? 'stream' : 'chat');
	if (r.handled) return;

	Object.assign(ctx, answerContext(a, d));
	let answer = hostile.modifyChat(buildChatAnswer(rec.scenario, ctx), d, a.promptText);
	if (d.echoTextAt !== undefined) answer = hostile.echoTextChat(buildChatAnswer('text-only', ctx), clientKey(req), d.echoTextAt);
	const h = hostileOptions(d, r);
	// nostream: one chat.completion object even when a stream was asked for (a gateway that does not stream).
	const streamed = a.stream && !d.noStream;
	rec.streamed = streamed;
	if (r.streamError) {
		rec.outcome = `streamerror-${r.streamError}`;
		if (!streamed || answer.kind !== 'chat') return send(emu, res, rec, strict.plainStreamError(r.streamError, 'chat'), h);
		answer = Object.assign({}, answer, { images: undefined, streamError: strict.chatStreamError(r.streamError) });
	}
	if (!streamed)
		return send(
			emu,
			res,
			rec,
			answer.kind === 'chat' ? chatCompletion(answer) : answer,
			Object.assign({}, h, { truncate: h.truncate || h.cut }),
		);
	// `stream: true`: `: PING`, then `data: <chunk>\n\n` events, then `data: [DONE]`. Errors are plain HTTP errors.
	if (answer.kind !== 'chat') {
		if (!(await sleep(r.latency, res, emu.timers))) return;
		return send(emu, res, rec, answer, Object.assign({}, h, { truncate: r.truncate }));
	}
	return writeEvents(emu, res, rec, chatStreamEvents(answer), {
		eol: '\n',
		latency: r.latency,
		drip: d.dripMs,
		truncate: r.truncate,
		h,
		done: true,
		error: !!answer.streamError,
		images: answer.images,
		// linger: after [DONE] (or the error event) the connection stays open, as some proxies keep it
		linger: h.linger && !r.truncate && !h.cut,
	});
}

module.exports = { handle };
