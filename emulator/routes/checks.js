'use strict';
// The steps both generation routes (native and chat) take before an answer, in the order of the README: JSON
// parse, directive errors, unknown model, body checks, then the identity that counts attempts.

const { parseDirectives, parseSpec, mergeDirectives } = require('../directives');
const { analyseNative, analyseChat, identityOf } = require('../analyse');
const { parseJson } = require('../body');
const { send } = require('../send');
const errors = require('../scenarios/errors');
const strict = require('../strict');
const { MODELS } = require('./models');

/**
 * Returns { a (analysed body), d (directives), identity }, or null when it has answered.
 * route: { analyse(body), invalid(message) -> answer, badJson: message, modelOf(a) }
 */
function checkRequest(emu, req, res, rec, raw, ctx, route) {
	const headerD = parseSpec(req.headers['x-emulator-scenario']);
	const body = parseJson(raw);
	rec.body = body === undefined ? null : body;
	const answer = (outcome, a) => {
		rec.outcome = outcome;
		send(emu, res, rec, a, {});
		return null;
	};
	if (body === undefined) {
		const d = mergeDirectives(emu.defaultDirectives, headerD);
		rec.scenario = d.scenario || 'ok';
		return answer('invalid', route.invalid(route.badJson));
	}
	const a = route.analyse(body);
	const model = route.modelOf(a);
	rec.asked = a.asked;
	rec.snakeCaseKeys = a.snakeCaseKeys;
	rec.imagesReceived = a.images;
	const d = mergeDirectives(emu.defaultDirectives, headerD, parseDirectives(a.directiveText));
	rec.directives = d.tokens;
	rec.scenario = d.scenario || 'ok';
	if (d.sizeBytes) rec.sizeBytes = d.sizeBytes;
	if (d.errors.length) return answer('invalid', route.invalid(`[emulator] ${d.errors.join('; ')}`));
	const kind = model ? strict.modelKind(model, MODELS, emu.knownModelsOnly) : 'image';
	if (kind === 'unknown') return answer('model-not-found', errors.unknownModel(model, ctx));
	if (kind === 'other') return answer('not-image-model', route.invalid(strict.notImageModelMessage(model)));
	if (a.validationError) return answer('invalid', a.validationError);
	return { a, d, identity: identityOf(model, a) };
}

/** What the answer builders need to know of a checked request (scenarios/: ctx). */
function answerContext(a, d) {
	return {
		promptText: a.promptText,
		aspectRatio: a.asked.aspectRatio,
		imageSize: a.asked.imageSize,
		inputImages: a.images.length,
		sizeBytes: d.sizeBytes,
		responseModalities: a.asked.responseModalities,
	};
}

// A request turned away by maxInFlight still says which prompt it was (asked, model, identity), so tests
// can count every request an item caused; it gets no attempt number (nothing was counted).
function noteRejected(rec, route, raw) {
	if (route.kind !== 'native' && route.kind !== 'stream' && route.kind !== 'chat') return;
	const body = parseJson(raw);
	if (body === undefined) return;
	try {
		const a = route.kind === 'chat' ? analyseChat(body) : analyseNative(body);
		const model = route.kind === 'chat' ? a.model : route.model;
		if (route.kind === 'chat') rec.model = a.model;
		rec.asked = a.asked;
		rec.identity = identityOf(model, a);
	} catch {
		/* a body the route would reject anyway: nothing to note */
	}
}

module.exports = { checkRequest, answerContext, noteRejected };
