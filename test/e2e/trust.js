'use strict';
// What a webhook caller can make the node read and send, in a real n8n (its own `n8n start`, filesystem
// binary data mode on both lines, so that stored files have ids):
//   foreign file      a workflow stores an image (and edits it by n8n's tooltip expression, which must still
//                     work); another workflow's webhook is posted that file's id in its JSON: refused, the bytes
//                     never reach the emulator
//   private field     a conversation posted beside an uploaded file names the file's field: refused, 0 requests
//   long conversation 40,000 turns posted: refused at once while /healthz keeps answering promptly

const crypto = require('node:crypto');
const path = require('node:path');

const L = require('../../scripts/lib');
const H = require('./harness');
const { workflows, IDS, PATHS } = require('./trust-workflows');

const PARTS = ['trust'];
const generations = (emu) => emu.requests.filter((r) => ['native', 'stream', 'chat'].includes(r.route));

/** The last execution of a workflow, with its run data. */

/** The error the node stopped with in the last execution of a workflow. */
async function nodeErrorOf(rest, workflowId, nodeName) {
	const ex = await H.lastExecution(rest, workflowId);
	const error = L.nodeError(ex, nodeName) || ex.data.resultData.error;
	H.assert(error, `the execution of ${workflowId} did not fail: ${ex.status}`);
	return String(error.message);
}

async function checkForeignFile(ctx, rest, baseUrl) {
	const { emu } = ctx;
	emu.reset();
	const tag = `trust-${crypto.randomBytes(4).toString('hex')}`;
	const made = await L.callWebhook(`${baseUrl}/webhook/${PATHS.store}`, { body: { prompt: `e2e ${tag}: a private photo` } });
	H.eq(made.status, 200, `the storing workflow (${made.body.toString('utf8').slice(0, 200)})`);
	const [make, edit] = generations(emu);
	H.assert(make && edit, `requests of the storing workflow: ${generations(emu).length}`);
	const secretSha = make.imagesSent.find((i) => i.role === 'final').sha256;
	H.eq(
		edit.imagesReceived.map((i) => i.sha256).join(),
		secretSha,
		"n8n's tooltip expression {{ $('Make').item.binary.data }} reads the image",
	);
	const ex = await H.lastExecution(rest, IDS.store);
	const stored = L.nodeItems(ex, 'Make')[0].binary.data;
	H.assert(/^filesystem(-v2)?:/.test(stored.id || ''), `the image is stored with an id: ${JSON.stringify(stored).slice(0, 200)}`);
	console.log(`    another workflow's file: ${stored.id}`);

	emu.reset();
	const res = await L.callWebhook(`${baseUrl}/webhook/${PATHS.steal}`, { body: { data: { mimeType: 'image/png', id: stored.id } } });
	H.assert(res.status >= 400, `the webhook answered ${res.status}: ${res.body.toString('utf8').slice(0, 200)}`);
	const message = await nodeErrorOf(rest, IDS.steal, 'Edit');
	H.assert(/not one of this execution's files: it was not read \[item 0\]/.test(message), `the node's error: ${message}`);
	H.eq(generations(emu).length, 0, 'requests sent');
	H.assert(!JSON.stringify(emu.requests).includes(secretSha), "the file's bytes reached the emulator");
}

async function checkPrivateField(ctx, rest, baseUrl) {
	const { emu } = ctx;
	emu.reset();
	const conversation = {
		format: 'gemini-image-conversation',
		version: 1,
		model: 'gemini-3-pro-image',
		turns: [
			{ role: 'user', parts: [{ text: 'a fox' }] },
			{ role: 'model', parts: [{ image: 'secret', mimeType: 'image/png' }] },
		],
	};
	const form = new FormData();
	form.append('conversation', JSON.stringify(conversation));
	form.append('secret', new Blob([ctx.inputs.file.buffer], { type: 'image/png' }), 'passport.png');
	const res = await fetch(`${baseUrl}/webhook/${PATHS.refine}`, { method: 'POST', body: form, signal: AbortSignal.timeout(60000) });
	H.assert(res.status >= 400, `the webhook answered ${res.status}`);
	const ex = await H.lastExecution(rest, IDS.refine);
	const item = L.nodeItems(ex, 'Conversation')[0];
	H.assert(
		item && item.binary && item.binary.secret,
		`the uploaded file is on the item as "secret": ${JSON.stringify(item && item.binary)}`,
	);
	const message = await nodeErrorOf(rest, IDS.refine, 'Refine');
	H.assert(
		/names binary field "secret" for an image of turn 2, which is not a field Gemini Image writes/.test(message),
		`the node's error: ${message}`,
	);
	H.eq(generations(emu).length, 0, 'requests sent');
}

async function checkLongConversation(ctx, rest, baseUrl) {
	const { emu } = ctx;
	emu.reset();
	const turns = [];
	for (let t = 0; t < 40000; t++) {
		turns.push(
			t % 2 ? { role: 'model', parts: [{ image: 'data', mimeType: 'image/png' }] } : { role: 'user', parts: [{ text: `step ${t}` }] },
		);
	}
	const body = { conversation: { format: 'gemini-image-conversation', version: 1, model: 'gemini-3-pro-image', turns } };
	console.log(`    posting ${(JSON.stringify(body).length / 1024 / 1024).toFixed(1)} MB of JSON (40,000 turns)`);
	let done = false;
	const posted = L.callWebhook(`${baseUrl}/webhook/${PATHS.long}`, { body }).finally(() => (done = true));
	const latencies = [];
	for (let i = 0; i < 600 && !done; i++) {
		const started = Date.now();
		const health = await L.request('GET', `${baseUrl}/healthz`, { timeoutMs: 10000 });
		latencies.push(Date.now() - started);
		H.eq(health.status, 200, '/healthz');
		await L.sleep(50);
	}
	const res = await posted;
	H.assert(res.status >= 400, `the webhook answered ${res.status}`);
	const message = await nodeErrorOf(rest, IDS.long, 'Refine');
	H.assert(/too long: 40000 turns, at most 100 \[item 0\]/.test(message), `the node's error: ${message}`);
	H.eq(generations(emu).length, 0, 'requests sent');
	const worst = Math.max(0, ...latencies);
	console.log(`    /healthz answered ${latencies.length} times while the webhook ran, slowest ${worst} ms`);
	// n8n's own parsing and storing of 2 MB takes up to about 1.5 s on 1.x here; reading the conversation once took over a minute
	H.assert(worst < 4000, `/healthz took ${worst} ms while the conversation was read`);
}

/** Its own `n8n start` in filesystem mode (both lines), so that the files have ids to steal. */
async function runTrust(ctx) {
	const { rt, home } = ctx;
	const env = L.n8nEnv(home, { rt, port: await L.freePort(), brokerPort: await L.freePort(), binaryMode: 'filesystem' });
	const n8n = L.startN8n({ env, logFile: path.join(H.logsDir(rt), 'trust.log') });
	try {
		await n8n.waitReady();
		const rest = new L.RestClient(n8n.url, rt);
		await rest.setupOwnerOrLogin();
		for (const wf of workflows()) await rest.activateWorkflow(wf.id);
		await H.test(
			"a file another workflow stored, its id posted to a webhook: refused, its bytes never sent (n8n's tooltip expression still reads this execution's file)",
			() => checkForeignFile(ctx, rest, n8n.url),
		);
		await H.test('a posted conversation naming an uploaded file\'s field ("secret"): refused, 0 requests', () =>
			checkPrivateField(ctx, rest, n8n.url),
		);
		await H.test('a posted conversation of 40,000 turns: refused at once, 0 requests, /healthz answers throughout', () =>
			checkLongConversation(ctx, rest, n8n.url),
		);
	} finally {
		await n8n.stop();
	}
}

module.exports = { PARTS, workflows, runTrust };
