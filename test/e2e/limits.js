'use strict';
// An account's limit in a real n8n: the emulator lets LIMIT.maxInFlight requests be in flight and turns the rest
// away (429, Retry-After 1 s), a limit the node is not told. One webhook workflow (Webhook → Code: the body's
// prompts as items → Gemini Image version 2 at its defaults → n8n's Crypto node on the image → Respond to
// Webhook with all items), called several times at once:
//   regular mode   REGULAR.calls executions at once in one n8n process (server.js): they share the process's limiter
//   queue mode     QUEUE.calls executions at once on two workers (queue.js), each process adapting on its own
// Every item of every call must come through: each webhook answer holds every item, in order, with the bytes the
// emulator sent (hashed by the Crypto node from n8n's storage), and the emulator answered each prompt exactly once
// with 200 (every other request of it was turned away). The executions must have overlapped (else the test tested
// nothing). Refusals are counted and reported; the benchmark (npm run bench) bounds them.

const crypto = require('node:crypto');

const L = require('../../scripts/lib');
const H = require('./harness');
const { CREDENTIALS, workflowNodes } = require('./workflows');

const PARTS = ['limits'];
const ID = 'e2eLimitsHook001';
const PATH = 'e2e-limits';
// 300 ms an image keeps the part short (ideal: 30 items / 2 × 0.3 s = 4.5 s) while a request is still long enough
// for three executions to pile up on a limit of 2
const LIMIT = { maxInFlight: 2, latencyMs: 300 };
const REGULAR = { calls: 3, items: 10 };
// queue mode: each worker runs at most WORKER_CONCURRENCY executions, so QUEUE.calls > that puts some on both
const WORKER_CONCURRENCY = 5;
const QUEUE = { calls: 6, items: 5 };

const { node } = workflowNodes('e2e11000');

function workflow() {
	const nodes = [
		node(
			'Webhook',
			'n8n-nodes-base.webhook',
			2,
			[0, 0],
			{ httpMethod: 'POST', path: PATH, responseMode: 'responseNode', options: {} },
			{ webhookId: 'e2e11000-0000-4000-9000-0000000000b1' },
		),
		node('Prompts', 'n8n-nodes-base.code', 2, [250, 0], {
			jsCode: 'return $input.first().json.body.prompts.map((prompt) => ({ json: { prompt } }));',
		}),
		// version 2 at its defaults (Request Settings untouched), one image an item; Continue On Fail so that an
		// answer shows how many items came through, not only the first failure
		node(
			'Gemini Image',
			'n8n-nodes-cometapi.geminiImage',
			2,
			[500, 0],
			{
				operation: 'textToImage',
				model: { __rl: true, mode: 'list', value: 'gemini-2.5-flash-image' },
				prompt: '={{ $json.prompt }}',
				options: { numberOfImages: 1 },
			},
			{ credentials: CREDENTIALS, onError: 'continueRegularOutput' },
		),
		node(
			'Hash',
			'n8n-nodes-base.crypto',
			2,
			[750, 0],
			{ action: 'hash', type: 'SHA256', binaryData: true, binaryPropertyName: 'data', dataPropertyName: 'sha256', encoding: 'hex' },
			{ onError: 'continueRegularOutput' },
		),
		node('Respond', 'n8n-nodes-base.respondToWebhook', 1.4, [1000, 0], { respondWith: 'allIncomingItems', options: {} }),
	];
	const connections = {};
	for (let i = 0; i + 1 < nodes.length; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { id: ID, name: 'e2e: limits, webhook', nodes, connections, settings: { executionOrder: 'v1' }, pinData: {}, active: false };
}

const workflows = () => [workflow()];

/** The generation requests the emulator got, by prompt. */
function requestsByPrompt(emu) {
	const by = new Map();
	for (const r of emu.requests) {
		if (!r.asked || !r.asked.promptText) continue;
		if (!by.has(r.asked.promptText)) by.set(r.asked.promptText, []);
		by.get(r.asked.promptText).push(r);
	}
	return by;
}

/** The last `n` executions of the workflow (newest first), with run data. */
async function executions(rest, n) {
	const list = await rest.call(
		'GET',
		`/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: ID }))}&limit=${n}`,
		undefined,
		{
			expect: 200,
		},
	);
	const body = list.json.data || list.json;
	const rows = (body.results || body).slice(0, n);
	return Promise.all(rows.map((row) => rest.waitForExecution(row.id, { timeoutMs: 60000 })));
}

/**
 * Calls the webhook `calls` times at once under the limit, `items` prompts each. Resolves what the checks need:
 * the bodies sent, the answers, the emulator's stats and requests by prompt, the wall time.
 */
async function callAtOnce(ctx, baseUrl, { calls, items }) {
	const { emu } = ctx;
	const tag = crypto.randomBytes(4).toString('hex');
	const bodies = Array.from({ length: calls }, (_, c) => ({
		prompts: Array.from({ length: items }, (_, i) => `e2e limits ${tag}: call ${c}, item ${i}`),
	}));
	emu.reset();
	emu.setConfig({ maxInFlight: LIMIT.maxInFlight, latencyMs: LIMIT.latencyMs });
	const t = Date.now();
	let answers;
	try {
		answers = await Promise.all(bodies.map((body) => L.callWebhook(`${baseUrl}/webhook/${PATH}`, { body, timeoutMs: 300000 })));
	} finally {
		emu.setConfig({ maxInFlight: null, latencyMs: 0 });
	}
	const ms = Date.now() - t;
	const stats = emu.stats();
	const all = calls * items;
	const ideal = (all / LIMIT.maxInFlight) * LIMIT.latencyMs;
	const byPrompt = requestsByPrompt(emu);
	const most = Math.max(0, ...[...byPrompt.values()].map((recs) => recs.length));
	const through = answers.reduce((n, a) => n + (Array.isArray(a.json) ? a.json.filter((j) => j && j.sha256).length : 0), 0);
	const pct = stats.total ? ((100 * stats.rateLimited) / stats.total).toFixed(1) : '0';
	console.log(
		`    ${calls} calls × ${items} items at once: ${through} of ${all} items through; ${stats.total} requests, ${stats.rateLimited} turned away (${pct} %), at most ${stats.peakInFlight} in flight, one item sent at most ${most} times; ${L.seconds(ms)} (ideal ${L.seconds(ideal)}, ${(ms / ideal).toFixed(2)} ×)`,
	);
	H.time(`${calls} webhook calls at once under a limit of ${LIMIT.maxInFlight} in flight`, ms);
	return { bodies, answers, stats, byPrompt, ms };
}

/** Every item of every call through: the answers, in order, with the emulator's bytes; one 200 per prompt. */
function checkEveryItem(run, whyFailed) {
	const wrong = [];
	run.bodies.forEach(({ prompts }, c) => {
		const res = run.answers[c];
		if (res.status !== 200 || !Array.isArray(res.json)) {
			wrong.push(`call ${c}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 200)}`);
			return;
		}
		if (res.json.length !== prompts.length) wrong.push(`call ${c}: ${res.json.length} items answered, ${prompts.length} sent`);
		prompts.forEach((prompt, i) => {
			const recs = run.byPrompt.get(prompt) || [];
			const ok = recs.filter((r) => r.status === 200);
			const other = recs.filter((r) => r.status !== 200 && r.outcome !== 'rate-limited');
			const item = res.json[i] || {};
			if (item.error) wrong.push(`call ${c} item ${i}: ${(item.error.message || JSON.stringify(item.error)).slice(0, 200)}`);
			else if (item.prompt !== prompt) wrong.push(`call ${c} item ${i}: answered for ${JSON.stringify(item.prompt)} (order)`);
			if (ok.length !== 1) wrong.push(`call ${c} item ${i}: answered 200 ${ok.length} times (${recs.length} requests)`);
			else if (!item.error && item.sha256 !== ok[0].imagesSent[0].sha256)
				wrong.push(`call ${c} item ${i}: not the bytes the emulator sent`);
			if (other.length)
				wrong.push(`call ${c} item ${i}: requests other than 200 or turned away: ${other.map((r) => r.outcome).join(', ')}`);
		});
	});
	const known = new Set(run.bodies.flatMap((b) => b.prompts));
	const strays = [...run.byPrompt.keys()].filter((p) => !known.has(p));
	if (strays.length) wrong.push(`requests for prompts no call sent: ${strays.slice(0, 3).join('; ')}`);
	H.assert(wrong.length === 0, `${wrong.length} wrong:\n${wrong.slice(0, 12).join('\n')}${whyFailed ? `\n${whyFailed}` : ''}`);
}

/** The gateway's limit was reached (else nothing was tested) and never passed. */
function checkPressure(run) {
	H.eq(run.stats.peakInFlight, LIMIT.maxInFlight, 'most requests in flight at the emulator (the limit reached, never passed)');
}

/** The executions ran at the same time: the last one started before the first one ended. */
function checkOverlap(exs) {
	const starts = exs.map((e) => Date.parse(e.startedAt));
	const stops = exs.map((e) => Date.parse(e.stoppedAt));
	H.assert(
		Math.max(...starts) < Math.min(...stops),
		`the executions did not overlap: ${exs.map((e) => `${e.id} ${e.startedAt}..${e.stoppedAt}`).join(', ')}`,
	);
}

/** Each execution's status, and how many items the Gemini Image node failed (with the first message). */
const summary = (exs) =>
	exs
		.map((e) => {
			const err = e.data && e.data.resultData && e.data.resultData.error;
			const failed = (L.nodeItems(e, 'Gemini Image') || []).filter((i) => i.json && i.json.error);
			const items = failed.length ? `, Gemini Image failed ${failed.length} items (${String(failed[0].json.error).slice(0, 200)})` : '';
			return `execution ${e.id} ${e.status}${err ? `: ${err.message}` : ''}${items}`;
		})
		.join('\n');

/** Regular mode (one n8n process): REGULAR.calls webhook calls at once. */
async function runRegular(ctx, rest, baseUrl) {
	await rest.activateWorkflow(ID);
	const run = await callAtOnce(ctx, baseUrl, REGULAR);
	const exs = await executions(rest, REGULAR.calls);
	await H.test(
		`${REGULAR.calls} webhook calls at once, ${REGULAR.items} items each, Gemini Image version 2 at its defaults, the gateway allowing ${LIMIT.maxInFlight} in flight (${LIMIT.latencyMs} ms an image): every item through, in order, the emulator's bytes`,
		() => checkEveryItem(run, summary(exs)),
	);
	await H.test(`regular mode: the ${REGULAR.calls} executions ran at once and reached the limit, never past it`, () => {
		H.eq(exs.length, REGULAR.calls, 'executions');
		checkOverlap(exs);
		checkPressure(run);
	});
}

/**
 * Queue mode: QUEUE.calls webhook calls at once, run by two workers (each with WORKER_CONCURRENCY) that each adapt
 * on their own. workers: the two N8nProcess; main: the main process.
 */
async function runQueue(ctx, rest, main, workers) {
	await rest.activateWorkflow(ID);
	const marks = workers.map((w) => w.log.length);
	const mainMark = main.log.length;
	const run = await callAtOnce(ctx, main.url, QUEUE);
	// which worker ran which execution (the answer comes from the Respond node, the end is logged a little later)
	const ran = async () => {
		const ids = workers.map((w, n) => [...w.log.slice(marks[n]).matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]));
		for (const [n, list] of ids.entries()) {
			for (const id of list) await workers[n].waitForLog(new RegExp(`Worker finished execution ${id}\\b`), 60000, marks[n]);
		}
		return ids;
	};
	const byWorker = await ran();
	console.log(`    worker 1 ran ${byWorker[0].length} executions, worker 2 ${byWorker[1].length}`);
	const exs = await Promise.all(byWorker.flat().map((id) => rest.waitForExecution(id, { timeoutMs: 60000 })));
	await H.test(
		`queue mode, two workers: ${QUEUE.calls} webhook calls at once, ${QUEUE.items} items each, the gateway allowing ${LIMIT.maxInFlight} in flight: every item through, in order, the emulator's bytes`,
		() => checkEveryItem(run, summary(exs)),
	);
	await H.test('queue mode: both workers ran executions, at the same time, and together they reached the limit, never past it', () => {
		H.eq(byWorker.flat().length, QUEUE.calls, 'executions the workers started');
		H.assert(
			byWorker.every((ids) => ids.length > 0),
			`one worker ran them all (worker 1: ${byWorker[0].length}, worker 2: ${byWorker[1].length})`,
		);
		H.assert(!/Worker started execution/.test(main.log.slice(mainMark)), 'the main process must not run executions itself');
		const first = exs.filter((e) => byWorker[0].includes(String(e.id)));
		const second = exs.filter((e) => byWorker[1].includes(String(e.id)));
		// some execution of worker 1 and some of worker 2 overlapped
		H.assert(
			first.some((a) =>
				second.some((b) => Date.parse(a.startedAt) < Date.parse(b.stoppedAt) && Date.parse(b.startedAt) < Date.parse(a.stoppedAt)),
			),
			`no execution of worker 1 overlapped one of worker 2: ${summary(exs)}`,
		);
		checkPressure(run);
	});
}

module.exports = { PARTS, WORKER_CONCURRENCY, workflows, runRegular, runQueue };
