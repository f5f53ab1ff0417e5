'use strict';
// The fault workflows (fault-workflows.js) in a running n8n, started as the editor's "Execute workflow"
// button does, with every request counted at the emulator: transient faults are retried until the image
// arrives, final ones are sent once, a hanging request times out on time, the Stop button aborts what is in
// flight and no retry follows, a rate-limited gateway still gets all 40 items through, and 1,000 items with
// 5 % faults all come out, in order, each sent no more often than the retry policy allows.

const L = require('../../scripts/lib');
const H = require('./harness');
const F = require('./fault-workflows');

const { PROMPTS } = F;
const TIMEOUT_S = 2; // the Timeout option of the hanging request (the editor's minimum is 10; an expression can go lower)
const TIMEOUT_RETRIES = 1;
const STOP_RETRY_AFTER_S = 4;
const RATE = { items: 40, concurrency: 16, maxInFlight: 8, latencyMs: 300, maxRetries: 5 };

/** The generation requests the emulator got for one prompt, in arrival order. */
function requestsFor(emu, prompt) {
	return emu.requests.filter(
		(r) => (r.route === 'native' || r.route === 'chat' || r.route === 'stream') && r.asked && r.asked.promptText === prompt,
	);
}

async function until(what, check, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${L.seconds(timeoutMs)} waiting for ${what}`);
		await L.sleep(50);
	}
}

/** The workflows to import (every scenario's, whichever run). */
function faultWorkflows() {
	const bulk = F.bulkWorkflow();
	return {
		retries: F.retriesWorkflow(),
		final: F.finalErrorsWorkflow(),
		timeout: F.timeoutWorkflow(TIMEOUT_S, TIMEOUT_RETRIES),
		stop: F.stopWorkflow(STOP_RETRY_AFTER_S),
		rateLimit: F.rateLimitWorkflow(RATE.items),
		bulk: bulk.wf,
		bulkPlan: bulk.plan,
		bulkMaxRetries: bulk.maxRetries,
	};
}

/** Runs a workflow like the editor's button and returns its Gemini Image output (and the execution). */
async function runFault(ctx, rest, wf) {
	const t = Date.now();
	const run = await rest.runWorkflowManually(wf.id, 'Start');
	const ms = Date.now() - t;
	H.time(`"${wf.name}" (execution ${run.id})`, ms);
	const out = L.nodeItems(run.execution, 'Gemini Image') || [];
	return { run, out, ms, error: run.execution.data.resultData.error };
}

/** An output item carries the image the emulator sent in `rec`, for input item i. */
function checkImageItem(ctx, item, i, rec) {
	H.assert(item && item.binary && item.binary.data, `output ${i} has no image: ${JSON.stringify(item && item.json).slice(0, 300)}`);
	H.eq(H.pairedIndex(item), i, `pairedItem of output ${i}`);
	H.eq(item.binary.data.fileName, `gemini-image-${i}.png`, `file name of output ${i}`);
	H.eq(rec.status, 200, `status of the request that delivered item ${i}`);
	H.eq(L.sha256(L.readStoredBinary(ctx.home, item.binary.data, ctx.rt).bytes), rec.imagesSent[0].sha256, `sha256 of output ${i} vs sent`);
}

function checkErrorItem(item, i, re) {
	H.assert(
		item && item.json && typeof item.json.error === 'string',
		`output ${i} is not an error item: ${JSON.stringify(item && item.json).slice(0, 300)}`,
	);
	H.eq(H.pairedIndex(item), i, `pairedItem of error item ${i}`);
	H.assert(!item.binary || Object.keys(item.binary).length === 0, `error item ${i} carries a binary`);
	H.assert(re.test(item.json.error), `error of item ${i}: ${JSON.stringify(item.json.error)} does not match ${re}`);
}

async function retries(ctx, rest, wfs) {
	const { emu } = ctx;
	emu.reset();
	const { run, out } = await runFault(ctx, rest, wfs.retries);
	const cases = [
		['429 with Retry-After 2 s', PROMPTS.retry429, 'fail-429'],
		['503', PROMPTS.retry503, 'fail-503'],
		['a reset connection', PROMPTS.retryReset, 'reset'],
	];
	for (const [i, [what, prompt, first]] of cases.entries()) {
		await H.test(`${what}, then an image: exactly 2 requests, the image arrives in output ${i}`, () => {
			H.eq(run.status, 'success', 'execution status');
			const recs = requestsFor(emu, prompt);
			H.eq(recs.length, 2, 'requests for this item');
			H.eq(recs[0].outcome, first, 'outcome of the first request');
			H.eq(recs[1].attempt, 2, 'attempt number of the second request');
			H.eq(out.length, 3, 'output items');
			checkImageItem(ctx, out[i], i, recs[1]);
			if (first === 'fail-429') {
				const waited = Date.parse(recs[1].receivedAt) - Date.parse(recs[0].receivedAt);
				H.assert(waited >= 1900, `the retry came ${waited} ms after the 429: Retry-After asked for 2 s`);
			}
		});
	}
}

async function finalErrors(ctx, rest, wfs) {
	const { emu } = ctx;
	emu.reset();
	const { run, out } = await runFault(ctx, rest, wfs.final);
	const cases = [
		['invalid_request 500', PROMPTS.invalid, /CometAPI answered 500 .*invalid request/, /rejected the request/],
		[
			'model_not_found (an unknown model)',
			PROMPTS.unknownModel,
			new RegExp(`503 .*model_not_found.*${F.UNKNOWN_MODEL}`),
			/Check the model name/,
		],
		['a safety refusal (IMAGE_SAFETY)', PROMPTS.safety, /IMAGE_SAFETY/, /^The safety filter rejected the result: rephrase the prompt\.$/],
	];
	for (const [i, [what, prompt, message, fix]] of cases.entries()) {
		await H.test(`${what}: sent exactly once, never retried, a clear error item (Continue On Fail)`, () => {
			H.eq(run.status, 'success', 'execution status (Continue On Fail)');
			H.eq(requestsFor(emu, prompt).length, 1, 'requests for this item');
			H.eq(out.length, 3, 'output items');
			checkErrorItem(out[i], i, message);
			H.assert(!/gave up after/.test(out[i].json.error), `retried: ${out[i].json.error}`);
			H.assert(fix.test(out[i].json.description || ''), `description ${JSON.stringify(out[i].json.description)} does not match ${fix}`);
		});
	}
}

async function timeout(ctx, rest, wfs) {
	const { emu } = ctx;
	emu.reset();
	const { run, out } = await runFault(ctx, rest, wfs.timeout);
	await H.test(
		`a hanging request times out after the Timeout (${TIMEOUT_S} s), is retried per policy (Max Retries ${TIMEOUT_RETRIES}), then a clear error`,
		() => {
			H.eq(run.status, 'success', 'execution status (Continue On Fail)');
			const recs = requestsFor(emu, PROMPTS.hang);
			H.eq(recs.length, TIMEOUT_RETRIES + 1, 'requests (attempts)');
			for (const r of recs) {
				H.eq(r.outcome, 'hang', `outcome of attempt ${r.attempt}`);
				// generous upper bound: a shared machine; the point is that the request ended near the Timeout, not after minutes
				// (the emulator's clock starts when the request has arrived, the node's a little before)
				H.assert(
					r.durationMs >= TIMEOUT_S * 1000 - 500 && r.durationMs < TIMEOUT_S * 1000 + 15000,
					`attempt ${r.attempt} was cut after ${Math.round(r.durationMs)} ms`,
				);
			}
			checkErrorItem(out[0], 0, new RegExp(`no answer within ${TIMEOUT_S} s \\(gave up after ${TIMEOUT_RETRIES + 1} attempts\\)`));
			H.assert(/Timeout/.test(out[0].json.description || ''), `description: ${out[0].json.description}`);
		},
	);
}

async function stop(ctx, rest, wfs) {
	const { emu } = ctx;
	emu.reset();
	const waitingPrompt = PROMPTS.waiting(STOP_RETRY_AFTER_S);
	const executionId = await rest.startManualRun(wfs.stop.id, 'Start');
	// item 0 in flight, item 1 answered 429 and waiting to retry
	await until(
		'item 0 in flight and item 1 rate-limited',
		() => {
			const a = requestsFor(emu, PROMPTS.inFlight);
			const b = requestsFor(emu, waitingPrompt);
			return a.length === 1 && a[0].outcome === null && b.length === 1 && b[0].outcome === 'fail-429';
		},
		60000,
	);
	const seen = emu.requests.length;
	const stoppedAt = Date.now();
	const stopped = await rest.stopExecution(executionId);
	const inFlight = requestsFor(emu, PROMPTS.inFlight)[0];
	let abortMs = null;
	try {
		await until('the request in flight to close', () => inFlight.outcome !== null, 15000);
		abortMs = Date.now() - stoppedAt;
	} catch {
		/* reported below */
	}
	// past the Retry-After item 1 was waiting for, and a bit more: a retry that ignored the stop would show now
	await L.sleep(STOP_RETRY_AFTER_S * 1000 + 3000);
	const ex = await rest.waitForExecution(executionId, { timeoutMs: 30000 });
	H.time(`"${wfs.stop.name}" (execution ${executionId}), with ${STOP_RETRY_AFTER_S + 3} s watching for retries`, Date.now() - stoppedAt);

	await H.test('Stop (POST /rest/executions/:id/stop): the request in flight is aborted at once', () => {
		H.eq(inFlight.outcome, 'aborted', 'outcome of the request in flight');
		console.log(`    aborted ${abortMs} ms after the stop`);
		H.assert(abortMs !== null && abortMs < 10000, `aborted ${abortMs} ms after the stop`);
	});
	await H.test(
		`Stop: no retry follows (no request in the ${STOP_RETRY_AFTER_S + 3} s after the stop, past the Retry-After being waited for)`,
		() => {
			const after = emu.requests.slice(seen).map((r) => `${r.id} ${r.asked && r.asked.promptText} ${r.outcome}`);
			H.eq(after.length, 0, `requests after the stop (${after.join('; ')})`);
			H.eq(requestsFor(emu, waitingPrompt).length, 1, 'requests of the item that was waiting to retry');
		},
	);
	await H.test('Stop: the execution ends as cancelled (status "canceled")', () => {
		H.eq(ex.status, 'canceled', `execution status (stop answered ${JSON.stringify(stopped).slice(0, 200)})`);
	});
}

async function rateLimit(ctx, rest, wfs) {
	const { emu } = ctx;
	emu.reset();
	emu.setConfig({ maxInFlight: RATE.maxInFlight, latencyMs: RATE.latencyMs });
	let result;
	try {
		result = await runFault(ctx, rest, wfs.rateLimit);
	} finally {
		emu.setConfig({ maxInFlight: null, latencyMs: 0 });
	}
	const { run, out } = result;
	const stats = emu.stats();
	console.log(
		`    ${stats.total} requests, ${stats.rateLimited} turned away (429), at most ${stats.peakInFlight} in flight, ${L.seconds(result.ms)}`,
	);
	await H.test(
		`${RATE.items} items at Concurrency ${RATE.concurrency}, gateway allows ${RATE.maxInFlight} in flight (429 + Retry-After past that): all delivered, in order, paired`,
		() => {
			H.eq(run.status, 'success', `execution status${result.error ? ` (${result.error.message})` : ''}`);
			H.assert(stats.rateLimited > 0, 'the gateway never turned a request away: the test did not test anything');
			H.assert(stats.peakInFlight <= RATE.maxInFlight, `peak in flight ${stats.peakInFlight}`);
			H.eq(out.length, RATE.items, 'output items');
			for (let i = 0; i < RATE.items; i++) {
				const recs = requestsFor(emu, `e2e rate limit: item ${i}`);
				const answered = recs.filter((r) => r.status === 200);
				H.eq(answered.length, 1, `answered requests of item ${i}`);
				H.assert(recs.length <= RATE.maxRetries + 1, `item ${i} was sent ${recs.length} times (Max Retries ${RATE.maxRetries})`);
				checkImageItem(ctx, out[i], i, answered[0]);
			}
		},
	);
}

async function bulk(ctx, rest, wfs) {
	const { emu } = ctx;
	const plan = wfs.bulkPlan;
	emu.reset();
	const { run, out, ms } = await runFault(ctx, rest, wfs.bulk);
	const byPrompt = new Map();
	for (const r of emu.requests) {
		if (!r.asked) continue;
		if (!byPrompt.has(r.asked.promptText)) byPrompt.set(r.asked.promptText, []);
		byPrompt.get(r.asked.promptText).push(r);
	}
	const faulty = plan.filter((p) => p.kind !== 'ok');
	console.log(
		`    ${plan.length} items (${faulty.length} faulty: ${faulty.filter((p) => p.image).length} transient, ${faulty.filter((p) => !p.image).length} final), ${emu.requests.length} requests, ${L.seconds(ms)}`,
	);
	await H.test(
		`${plan.length} items, ${faulty.length} with injected faults (seeded; transient and final mixed), Continue On Fail: every item accounted for, in order, paired`,
		() => {
			H.eq(run.status, 'success', 'execution status');
			H.eq(out.length, plan.length, 'output items');
			plan.forEach((p, i) => {
				const recs = byPrompt.get(p.prompt) || [];
				if (p.image) checkImageItem(ctx, out[i], i, recs[recs.length - 1]);
				else checkErrorItem(out[i], i, p.error);
			});
		},
	);
	await H.test(
		`${plan.length} items: each sent exactly as often as its fault needs, never more than the retry policy allows (Max Retries ${wfs.bulkMaxRetries})`,
		() => {
			const wrong = [];
			plan.forEach((p, i) => {
				const n = (byPrompt.get(p.prompt) || []).length;
				if (n > wfs.bulkMaxRetries + 1) wrong.push(`item ${i} (${p.kind}) sent ${n} times: more than the policy allows`);
				else if (n !== p.attempts) wrong.push(`item ${i} (${p.kind}) sent ${n} times, expected ${p.attempts}`);
			});
			H.assert(wrong.length === 0, `${wrong.length} items:\n${wrong.slice(0, 10).join('\n')}`);
			const generations = emu.requests.filter((r) => r.path !== '/v1/models');
			H.eq(
				generations.length,
				plan.reduce((n, p) => n + p.attempts, 0),
				'generation requests in all',
			);
			// the model_not_found errors list the account's image models: one model list for the whole run
			H.eq(emu.requests.length - generations.length, 1, 'GET /v1/models requests');
			// the emulator's own count per identity (model, prompt, input images) agrees
			const highest = Math.max(...emu.requests.map((r) => r.attempt || 0));
			H.assert(highest <= wfs.bulkMaxRetries + 1, `an identity reached attempt ${highest}`);
		},
	);
}

const SCENARIOS = [
	['retries', '429 / 503 / reset, then an image', retries],
	['final-errors', 'final errors, sent once', finalErrors],
	['timeout', 'a hanging request times out', timeout],
	['stop', 'the Stop button', stop],
	['rate-limit', `${RATE.items} items against ${RATE.maxInFlight} allowed in flight`, rateLimit],
	['bulk', '1,000 items, 5 % faults', bulk],
];

module.exports = { SCENARIOS, faultWorkflows, requestsFor };
