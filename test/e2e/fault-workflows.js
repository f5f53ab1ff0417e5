'use strict';
// The fault workflows: Manual Trigger → Code node (the items) → Gemini Image, one workflow per scenario. The
// items carry emulator directives in their prompts ([emu:fail=503x1] and so on: emulator/README.md), so
// every item's fate is known in advance and the emulator counts each item's requests.

const { seeded } = require('../lib/seeded');
const { CREDENTIALS } = require('./workflows');

const GEMINI = 'n8n-nodes-cometapi.geminiImage';
const MODEL = 'gemini-2.5-flash-image';

/**
 * One fault workflow. items: [{prompt, model?}]; options: the Gemini Image node's options.
 * With any item naming its own model, the model comes from the item (By ID, an expression).
 */
function faultWorkflow(id, name, items, options, { continueOnFail = true } = {}) {
	const ownModels = items.some((i) => i.model);
	const full = items.map((i) => ({ prompt: i.prompt, model: i.model || MODEL }));
	const nodes = [
		{ id: `${id}-t`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: `${id}-c`,
			name: 'Items',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [250, 0],
			parameters: {
				jsCode: `return ${JSON.stringify(ownModels ? full : full.map(({ prompt }) => ({ prompt })))}.map((json) => ({ json }));`,
			},
		},
		{
			id: `${id}-g`,
			name: 'Gemini Image',
			type: GEMINI,
			typeVersion: 1,
			position: [500, 0],
			parameters: {
				operation: 'textToImage',
				model: ownModels ? { __rl: true, mode: 'id', value: '={{ $json.model }}' } : { __rl: true, mode: 'list', value: MODEL },
				prompt: '={{ $json.prompt }}',
				options,
			},
			credentials: CREDENTIALS,
			...(continueOnFail ? { onError: 'continueRegularOutput' } : {}),
		},
	];
	return {
		id,
		name,
		nodes,
		connections: {
			Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: 'Gemini Image', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

/** The prompts of the small scenarios (the checks find each item's requests at the emulator by them). */
const PROMPTS = {
	retry429: 'e2e retry: 429 with Retry-After, then an image [emu:fail=429x1,retryafter=2]',
	retry503: 'e2e retry: 503, then an image [emu:fail=503x1]',
	retryReset: 'e2e retry: a reset connection, then an image [emu:reset=1]',
	invalid: 'e2e final: a malformed request [emu:error-500-invalid]',
	unknownModel: 'e2e final: a model that does not exist',
	safety: 'e2e final: a refused prompt [emu:image-safety]',
	hang: 'e2e timeout: the gateway never answers [emu:hang=9]',
	inFlight: 'e2e stop: in flight when stopped [emu:latency=60000]',
	waiting: (retryAfterS) => `e2e stop: waiting to retry when stopped [emu:fail=429x1,retryafter=${retryAfterS}]`,
};
const UNKNOWN_MODEL = 'unknown-model-e2e';

/** Transient faults, each followed by an image: 429 with Retry-After 2 s, 503, a reset connection. */
function retriesWorkflow() {
	return faultWorkflow(
		'e2eFaultRetries1',
		'e2e faults: transient, then an image',
		[{ prompt: PROMPTS.retry429 }, { prompt: PROMPTS.retry503 }, { prompt: PROMPTS.retryReset }],
		{ concurrency: 3 },
	);
}

/** Final failures, each sent once: CometAPI's 500 invalid_request, an unknown model (503 model_not_found), a safety refusal. */
function finalErrorsWorkflow() {
	return faultWorkflow(
		'e2eFaultFinal001',
		'e2e faults: final errors, never retried',
		[{ prompt: PROMPTS.invalid }, { prompt: PROMPTS.unknownModel, model: UNKNOWN_MODEL }, { prompt: PROMPTS.safety }],
		{ concurrency: 3 },
	);
}

/** A request that never answers, with a small Timeout and `maxRetries` retries. */
function timeoutWorkflow(timeoutSeconds, maxRetries) {
	return faultWorkflow('e2eFaultTimeout1', 'e2e faults: a hanging request times out', [{ prompt: PROMPTS.hang }], {
		timeout: timeoutSeconds,
		maxRetries,
	});
}

/**
 * For the Stop button: item 0's request stays in flight (the model answers after a minute), item 1 got a
 * 429 and waits `retryAfterS` before its retry.
 */
function stopWorkflow(retryAfterS) {
	return faultWorkflow(
		'e2eFaultStop0001',
		'e2e faults: stopped while running',
		[{ prompt: PROMPTS.inFlight }, { prompt: PROMPTS.waiting(retryAfterS) }],
		{ concurrency: 2 },
		{ continueOnFail: false },
	);
}

/** 40 items at Concurrency 16 (the emulator turns away requests past 8 in flight). */
function rateLimitWorkflow(count = 40) {
	return faultWorkflow(
		'e2eFaultRateLim1',
		'e2e faults: 40 items against a gateway that allows 8 in flight',
		Array.from({ length: count }, (_, i) => ({ prompt: `e2e rate limit: item ${i}` })),
		{ concurrency: 16 },
		{ continueOnFail: false },
	);
}

/**
 * The fault kinds of the bulk run: a directive, how many requests the item takes with Max Retries
 * `maxRetries`, and whether an image comes out in the end (else: which error).
 */
function bulkKinds(maxRetries) {
	return [
		{ kind: '503 once', directive: 'fail=503x1', attempts: 2, image: true },
		{ kind: '429 once (Retry-After 1 s)', directive: 'fail=429x1', attempts: 2, image: true },
		{ kind: 'reset once', directive: 'reset=1', attempts: 2, image: true },
		{ kind: `500 ${maxRetries} times`, directive: `fail=500x${maxRetries}`, attempts: maxRetries + 1, image: true },
		{ kind: 'cut-off JSON once', directive: 'truncate=1', attempts: 2, image: true },
		{ kind: '500 invalid_request', directive: 'error-500-invalid', attempts: 1, error: /500 .*invalid request/ },
		{ kind: 'safety refusal', directive: 'image-safety', attempts: 1, error: /IMAGE_SAFETY/ },
		{ kind: '503 model_not_found', directive: 'error-503-model', attempts: 1, error: /model_not_found/ },
		{
			kind: `503 more often than Max Retries ${maxRetries}`,
			directive: `fail=503x${maxRetries + 1}`,
			attempts: maxRetries + 1,
			error: new RegExp(`503.*gave up after ${maxRetries + 1} attempts`),
		},
	];
}

/**
 * `count` items, `rate` of them faulty (exactly round(count * rate), at seeded random places, kinds taken in
 * turn from bulkKinds so every kind occurs), Continue On Fail, Concurrency 16. Returns the workflow, and in
 * `plan` each item's expected fate: {prompt, attempts, image, error, kind}.
 */
function bulkWorkflow({ count = 1000, rate = 0.05, seed = 20261130, maxRetries = 2 } = {}) {
	const random = seeded(seed);
	const order = Array.from({ length: count }, (_, i) => i);
	for (let i = count - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[order[i], order[j]] = [order[j], order[i]];
	}
	const kinds = bulkKinds(maxRetries);
	const faulty = new Map(order.slice(0, Math.round(count * rate)).map((index, n) => [index, kinds[n % kinds.length]]));
	const plan = Array.from({ length: count }, (_, i) => {
		const k = faulty.get(i);
		if (!k) return { prompt: `e2e bulk item ${i}`, attempts: 1, image: true, kind: 'ok' };
		return { prompt: `e2e bulk item ${i} [emu:${k.directive}]`, attempts: k.attempts, image: !!k.image, error: k.error, kind: k.kind };
	});
	const wf = faultWorkflow(
		'e2eFaultBulk0001',
		`e2e faults: ${count} items, ${Math.round(rate * 100)} % faulty`,
		plan.map(({ prompt }) => ({ prompt })),
		{ concurrency: 16, maxRetries },
	);
	return { wf, plan, maxRetries };
}

module.exports = {
	PROMPTS,
	UNKNOWN_MODEL,
	faultWorkflow,
	retriesWorkflow,
	finalErrorsWorkflow,
	timeoutWorkflow,
	stopWorkflow,
	rateLimitWorkflow,
	bulkWorkflow,
};
