'use strict';
// GET /v1/models: the OpenAI-style list CometAPI gives, and the models the generation routes know.

const { parseSpec, mergeDirectives } = require('../directives');
const { runFaults } = require('../faults');
const { send } = require('../send');
const errors = require('../scenarios/errors');
const names = require('../scenarios/names');

// What CometAPI's GET /v1/models lists (late 2026): today's Gemini image models, one whose id lacks "image"
// (gemini-nano-banana-2.1), image models of other APIs (gpt-image-1, imagen) and text models, deliberately not image-first, so the node's filter and
// order are tested. The retired gemini-2.5-flash-image and the -preview ids are not listed; the emulator still
// answers them (gateways keep old names as aliases for a while) unless started with knownModelsOnly. Any other
// name gets 503 model_not_found, and a listed model that makes no images gets a 400 (strict.js).
const MODELS = [
	{ id: 'gpt-4o', owned_by: 'openai', created: 1715367049 },
	{ id: 'gemini-3-pro-image', owned_by: 'google', created: 1779926400 },
	{ id: 'claude-sonnet-4', owned_by: 'anthropic', created: 1747872000 },
	{ id: 'gemini-3.1-flash-lite-image', owned_by: 'google', created: 1784073600 },
	{ id: 'gemini-2.5-pro', owned_by: 'google', created: 1750204800 },
	{ id: 'gpt-image-1', owned_by: 'openai', created: 1745366400 },
	{ id: 'gemini-nano-banana-2.1', owned_by: 'google', created: 1791417600 },
	{ id: 'text-embedding-3-small', owned_by: 'openai', created: 1705948997 },
	{ id: 'imagen-4.0-generate-001', owned_by: 'google', created: 1750204800 },
	{ id: 'gemini-3.1-flash-image', owned_by: 'google', created: 1779926401 },
	{ id: 'deepseek-v3', owned_by: 'deepseek', created: 1735084800 },
	{ id: 'gemini-2.5-flash', owned_by: 'google', created: 1750204800 },
	{ id: 'gpt-4o-mini', owned_by: 'openai', created: 1721172741 },
];

function handle(emu, req, res, rec, ctx) {
	const d = mergeDirectives(emu.defaultDirectives, parseSpec(req.headers['x-emulator-scenario']));
	rec.directives = d.tokens;
	if (d.errors.length) return send(emu, res, rec, errors.googleError(400, 'INVALID_ARGUMENT', `[emulator] ${d.errors.join('; ')}`), {});
	const errScenario = d.scenario && names.ERROR_SCENARIOS.includes(d.scenario) ? d.scenario : null;
	rec.scenario = errScenario || 'models';
	return runFaults(emu, res, rec, d, 'GET /v1/models', ctx, 'models').then((r) => {
		if (r.handled) return;
		const answer = errScenario
			? errors.errorScenario(errScenario, ctx)
			: {
					kind: 'json',
					status: 200,
					body: { object: 'list', data: MODELS.map((m) => ({ id: m.id, object: 'model', owned_by: m.owned_by, created: m.created })) },
				};
		return send(emu, res, rec, answer, { truncate: r.truncate });
	});
}

module.exports = { MODELS, handle };
