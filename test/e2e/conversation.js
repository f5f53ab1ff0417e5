'use strict';
// Images in a conversation, in a real n8n:
//   make → refine → refine   one webhook workflow: Text to Image, then Refine Image twice. The emulator checks
//                            that the 2nd and 3rd requests carry the earlier turns with the exact signatures it
//                            issued; the output's images (latest and history fields, hashed by n8n's Crypto
//                            node) are the bytes the emulator sent, the last one the 3rd answer's.
//   AI Agent + tool          webhook workflows with n8n's AI Agent (3, the default, and 2.2: the two ways n8n
//                            runs a tool), an OpenAI Chat Model pointed at the emulator, and this node as the
//                            agent's tool. The agent must get the signed link, and the link must serve exactly
//                            the bytes the emulator sent; in memory mode the tool says why there is no link.
// Both run in regular mode (server.js) and on a queue-mode worker (queue.js).

const crypto = require('node:crypto');
const http = require('node:http');

const L = require('../../scripts/lib');
const H = require('./harness');
const { workflows, examples, credentials, IDS, PATHS } = require('./conversation-workflows');

async function activateAll(rest) {
	for (const id of Object.values(IDS)) await rest.activateWorkflow(id);
	for (const wf of Object.values(examples())) await rest.activateWorkflow(wf.id);
}

const tagged = (emu, tag, route = 'native') => emu.requests.filter((r) => r.route === route && JSON.stringify(r.body || {}).includes(tag));

/** The last execution of a workflow, with its run data, from the editor's REST API. */

/** Why the last execution of a workflow failed, for a message. */
async function lastFailure(rest, workflowId) {
	try {
		const ex = await H.lastExecution(rest, workflowId, 30000);
		const error = ex.data.resultData.error;
		return error
			? `${ex.data.resultData.lastNodeExecuted}: ${error.message} ${error.description || ''}`
			: `execution ${ex.id}: ${ex.status}`;
	} catch (e) {
		return `(no execution details: ${e.message})`;
	}
}

/**
 * The checks of one make → refine → refine run, in the chain (`key` conversation) or the review loop (loop).
 * `label` names where it ran.
 */
async function checkConversation(ctx, rest, baseUrl, label, key = 'conversation') {
	const { emu } = ctx;
	const tag = `run-${crypto.randomBytes(4).toString('hex')}`;
	const body = {
		prompt: `e2e ${tag}: a fox in a café`,
		refine1: 'now make it night',
		refine2: 'add rain',
		changes: ['now make it night', 'add rain'],
	};
	emu.reset();
	const res = await L.callWebhook(`${baseUrl}/webhook/${PATHS[key]}`, { body });
	if (res.status !== 200) throw new Error(`webhook status ${res.status}: ${await lastFailure(rest, IDS[key])}`);
	const [r1, r2, r3] = tagged(emu, tag);
	H.eq(tagged(emu, tag).length, 3, 'native requests of this run');
	for (const r of [r1, r2, r3]) H.eq(r.status, 200, `request ${r.id} status`);
	H.eq(r1.body.contents.length, 1, '1st request: one turn');
	H.eq(r2.body.contents.length, 3, '2nd request: prompt, answer, new prompt');
	H.eq(r3.body.contents.length, 5, '3rd request: two earlier pairs and the new prompt');
	const issued = (r) => r.signaturesIssued.map((s) => s.signature);
	H.assert(issued(r1).length === 2 && issued(r2).length === 2, `signatures issued: ${issued(r1).length}, ${issued(r2).length}`);
	H.eq(
		JSON.stringify(r2.conversation.signaturesReceived),
		JSON.stringify(issued(r1)),
		'2nd request: the exact signatures of the 1st answer',
	);
	H.eq(
		JSON.stringify(r3.conversation.signaturesReceived),
		JSON.stringify([...issued(r1), ...issued(r2)]),
		'3rd request: the exact signatures of both answers',
	);
	H.eq(r3.conversation.signaturesMissing.length, 0, 'signatures left out');
	const sentImage = (r) => r.imagesSent.find((i) => i.role === 'final').sha256;
	const imageOfTurn = (r, t) => r.conversation.turns[t].parts.find((p) => p.kind === 'image').sha256;
	H.eq(imageOfTurn(r2, 1), sentImage(r1), "2nd request's earlier image vs the 1st answer's");
	H.eq(imageOfTurn(r3, 1), sentImage(r1), "3rd request's first image vs the 1st answer's");
	H.eq(imageOfTurn(r3, 3), sentImage(r2), "3rd request's second image vs the 2nd answer's");
	H.eq(r3.conversation.turns[4].parts[0].text, 'add rain', 'the new prompt comes last');
	// what n8n's Crypto node read back, and what n8n stored for each binary field of the last item
	if (key === 'conversation') H.eq(res.json.shaLatest, sentImage(r3), 'the output image is the 3rd answer (Crypto node)');
	const ex = await H.lastExecution(rest, IDS[key], 30000);
	const [item] = key === 'conversation' ? L.nodeItems(ex, 'Refine 2') : L.nodeItems(ex, 'Refine', { run: 1 });
	const out = item.json;
	const stored = (field) => L.sha256(L.readStoredBinary(ctx.home, item.binary[field], ctx.rt).bytes);
	H.eq(Object.keys(item.binary).sort().join(','), 'data,turn2_image1,turn4_image1', 'binary fields of the last item');
	H.eq(stored('data'), sentImage(r3), `stored ${item.binary.data.id || 'inline'}: the 3rd answer`);
	H.eq(stored('turn2_image1'), sentImage(r1), 'binary field turn2_image1: the 1st answer');
	H.eq(stored('turn4_image1'), sentImage(r2), 'binary field turn4_image1: the 2nd answer');
	H.eq(out.conversation.turns.length, 6, 'turns carried on the output item');
	const lastImage = out.conversation.turns[5].parts.find((p) => p.image);
	H.eq(lastImage.image, 'data', 'the latest image is in the output field');
	H.eq(
		lastImage.thoughtSignature,
		r3.signaturesIssued.find((s) => s.kind === 'image').signature,
		'the latest signature, kept for the next turn',
	);
	console.log(`    ${label}: 3 requests, ${r3.conversation.signaturesReceived.length} signatures sent back, images match`);
	return tag;
}

/**
 * One agent run: the agent gets the link and the link serves the emulator's bytes; or, without a link
 * (memory mode), the tool's JSON says why. Returns the link.
 */
async function checkAgent(ctx, rest, baseUrl, key, { expectLink }) {
	const { emu } = ctx;
	const tag = `agent-${crypto.randomBytes(4).toString('hex')}`;
	const message = `e2e ${tag}: draw a lighthouse at dusk [agent:args={"aspectRatio":"16:9"}]`;
	emu.reset();
	const res = await L.callWebhook(`${baseUrl}/webhook/${PATHS[key]}`, { body: { message } });
	if (res.status !== 200) throw new Error(`webhook status ${res.status}: ${await lastFailure(rest, IDS[key])}`);
	const agentTurns = emu.requests.filter((r) => r.route === 'agent');
	H.eq(agentTurns.length, 2, 'chat model requests (tool call, then reply)');
	H.eq(agentTurns[0].agent.toolCalls.length, 1, 'tool calls asked for');
	const call = agentTurns[0].agent.toolCalls[0];
	for (const arg of ['prompt', 'aspectRatio', 'imageSize', 'numberOfImages']) {
		H.assert(
			Object.prototype.hasOwnProperty.call(call.arguments, arg),
			`the tool offers "${arg}" to the agent: ${JSON.stringify(agentTurns[0].body.tools)}`,
		);
	}
	const [image] = tagged(emu, tag);
	H.assert(image, 'the tool sent no image request');
	H.eq(image.asked.aspectRatio, '16:9', 'the aspect ratio the agent chose');
	const toolResult = agentTurns[1].agent.toolResults.join('\n');
	const reply = String(res.json.output ?? '');
	if (!expectLink) {
		H.assert(/N8N_DEFAULT_BINARY_DATA_MODE/.test(toolResult), `the tool says why there is no link: ${toolResult.slice(0, 400)}`);
		H.assert(/no link/i.test(reply), `agent reply: ${reply}`);
		return null;
	}
	const link = agentTurns[1].agent.link;
	H.assert(link && /\/rest\/binary-data\/signed\?token=/.test(link), `signed link in the tool result: ${toolResult.slice(0, 400)}`);
	H.assert(reply.includes(`![image](${link})`), `the agent shows the link: ${reply}`);
	H.assert(!/"conversation"|thoughtSignature/.test(toolResult), 'the agent gets no conversation data');
	const got = await L.request('GET', link);
	H.eq(got.status, 200, `GET signed link (${got.body.toString('utf8').slice(0, 200)})`);
	const sent = image.imagesSent.find((i) => i.role === 'final');
	H.eq(L.sha256(got.body), sent.sha256, 'the bytes behind the link vs sent by the emulator');
	H.eq(got.headers['content-type'], sent.mimeType, 'content-type behind the link');
	const bad = await L.request('GET', link.replace(/token=.{8}/, 'token=xxxxxxxx'));
	H.eq(bad.status, 400, 'a tampered link is refused');
	return link;
}

/**
 * A page as a browser opens it. Not fetch(): it always sends `sec-fetch-mode: cors` (Node 20's cannot be told
 * otherwise), and n8n answers that on form-waiting pages by polling.
 */
function getPage(url) {
	return new Promise((resolve) => {
		const req = http.get(url, { agent: false, timeout: 3000 }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode, html: Buffer.concat(chunks).toString('utf8') }));
			res.on('error', (e) => resolve({ status: 0, html: String(e) }));
		});
		req.on('timeout', () => req.destroy(new Error('timed out')));
		// n8n may drop the connection while it resumes the execution: try again
		req.on('error', (e) => resolve({ status: 0, html: String(e) }));
	});
}

async function submitForm(url, fields) {
	const form = new FormData();
	for (const [key, value] of Object.entries(fields)) form.append(key, value);
	const res = await fetch(url, { method: 'POST', body: form, redirect: 'manual', signal: AbortSignal.timeout(60000) });
	return { status: res.status, text: await res.text() };
}

/** Polls a form page until `ready(html)` (the execution has reached the page). */
async function pageWhen(url, ready, what) {
	const deadline = Date.now() + 60000;
	for (;;) {
		const t = Date.now();
		const page = await getPage(url);
		if (process.env.E2E_DEBUG) console.log(`    GET ${what}: ${page.status} in ${Date.now() - t} ms ${page.status ? '' : page.html}`);
		if (page.status === 200 && ready(page.html)) return page.html;
		if (Date.now() > deadline) throw new Error(`${what}: not there within 60 s (HTTP ${page.status}): ${page.html.slice(0, 300)}`);
		await L.sleep(200);
	}
}

const imgSrc = (html) => (/<img src="([^"]*)"/.exec(html) || [])[1];

/**
 * The make → review → refine example through its forms, as a person would: describe, ask for a change, accept.
 * The review page shows the image by its signed link; the change continues the conversation.
 */
async function checkReviewExample(ctx, rest, baseUrl, { expectLink }) {
	const { emu } = ctx;
	const { review } = examples();
	const hook = review.nodes.find((n) => n.type === 'n8n-nodes-base.formTrigger').webhookId;
	emu.reset();
	const start = await L.callWebhook(`${baseUrl}/form/${hook}`, { method: 'GET' });
	H.eq(start.status, 200, 'the form page');
	const submitted = await submitForm(`${baseUrl}/form/${hook}`, { 'field-0': 'e2e example: a fox in a café' });
	H.eq(submitted.status, 200, `form submission (${submitted.text.slice(0, 200)})`);
	const waiting = JSON.parse(submitted.text).formWaitingUrl;
	H.assert(waiting, `no formWaitingUrl: ${submitted.text.slice(0, 200)}`);
	const first = await pageWhen(waiting, (html) => /Review the image/.test(html), 'the review page');
	const make = emu.requests.filter((r) => r.route === 'native');
	H.eq(make.length, 1, 'requests after the first form');
	const checkLink = async (html, rec, what) => {
		if (!expectLink) return H.assert(!imgSrc(html), `${what}: no image link in memory mode`);
		const src = imgSrc(html);
		H.assert(src && /\/rest\/binary-data\/signed\?token=/.test(src), `${what}: the page shows the image by its signed link: ${src}`);
		const got = await L.request('GET', src);
		H.eq(L.sha256(got.body), rec.imagesSent.find((i) => i.role === 'final').sha256, `${what}: the image behind the link`);
	};
	await checkLink(first, make[0], 'review page 1');
	await submitForm(waiting, { 'field-0': 'Change it', 'field-1': 'now make it night' });
	const refined = () => emu.requests.filter((r) => r.route === 'native').length === 2;
	const second = await pageWhen(
		waiting,
		(html) => refined() && /Review the image/.test(html) && (!expectLink || imgSrc(html) !== imgSrc(first)),
		'the second review page',
	);
	const [r1, r2] = emu.requests.filter((r) => r.route === 'native');
	H.assert(r2, 'no refine request');
	H.eq(
		JSON.stringify(r2.conversation.signaturesReceived),
		JSON.stringify(r1.signaturesIssued.map((x) => x.signature)),
		'the refine request carries the signatures of the first answer',
	);
	H.eq(r2.conversation.turns[2].parts[0].text, 'now make it night', 'the change asked for');
	await checkLink(second, r2, 'review page 2');
	await submitForm(waiting, { 'field-0': 'Looks good', 'field-1': '' });
	const done = await pageWhen(waiting, (html) => /Here is your image/.test(html), 'the completion page');
	await checkLink(done, r2, 'the completion page');
	H.eq(emu.requests.filter((r) => r.route === 'native').length, 2, 'requests in all');
}

/** The chat example: a message in, an answer out that shows the image the agent's tool made. */
async function checkChatExample(ctx, rest, baseUrl, { expectLink }) {
	const { emu } = ctx;
	const { chat } = examples();
	const hook = chat.nodes.find((n) => n.type === '@n8n/n8n-nodes-langchain.chatTrigger').webhookId;
	emu.reset();
	const res = await L.callWebhook(`${baseUrl}/webhook/${hook}/chat`, {
		body: {
			action: 'sendMessage',
			sessionId: `e2e-${crypto.randomBytes(4).toString('hex')}`,
			chatInput: 'Draw a lighthouse at dusk [agent:tool=Draw_Image]',
		},
	});
	if (res.status !== 200) throw new Error(`chat status ${res.status}: ${await lastFailure(rest, chat.id)}`);
	const reply = String(res.json.output ?? res.json.text ?? '');
	const image = emu.requests.find((r) => r.route === 'native');
	H.assert(image, 'the agent did not draw');
	H.eq(emu.requests.find((r) => r.route === 'agent').agent.toolCalls[0].name, 'Draw_Image', 'the tool the agent called');
	if (!expectLink) return H.assert(/no link/i.test(reply), `reply: ${reply}`);
	const link = (/!\[image\]\(([^)]+)\)/.exec(reply) || [])[1];
	H.assert(link, `the reply shows no image: ${reply}`);
	const got = await L.request('GET', link);
	H.eq(L.sha256(got.body), image.imagesSent.find((i) => i.role === 'final').sha256, 'the image behind the link in the chat');
}

/** The parts of the suite this file adds (`--only conversation,agent,examples`). */
const PARTS = ['conversation', 'agent', 'examples'];

/**
 * One `n8n start` in regular mode, the line's default binary data mode: filesystem in 2.x (the agent gets a
 * link), memory (`default`) in 1.x (the tool says why there is no link).
 */
async function runRegular(ctx, rest, baseUrl, wants) {
	await activateAll(rest);
	if (wants('conversation')) {
		await H.test('make → refine → refine: every turn, the exact signatures, the images (regular mode)', () =>
			checkConversation(ctx, rest, baseUrl, 'regular mode'),
		);
		await H.test('a review loop whose item a page replaces: Refine Image takes the conversation from "Current Image" (regular mode)', () =>
			checkConversation(ctx, rest, baseUrl, 'regular mode, review loop', 'loop'),
		);
	}
	const expectLink = ctx.rt.line !== '1';
	if (wants('agent')) {
		for (const [key, version] of [
			['agent3', 3],
			['agent2', 2.2],
		]) {
			const what = expectLink ? 'gets a signed link that serves the exact bytes' : 'is told why there is no link (binary data in memory)';
			await H.test(`AI Agent ${version} with this node as its tool ${what} (regular mode)`, () =>
				checkAgent(ctx, rest, baseUrl, key, { expectLink }),
			);
		}
	}
	if (wants('examples')) {
		await H.test('example "a chat agent that draws": a chat message gets an answer that shows the image', () =>
			checkChatExample(ctx, rest, baseUrl, { expectLink }),
		);
		await H.test('example "make, review, refine": describe, change, accept through its forms; the pages show the images', () =>
			checkReviewExample(ctx, rest, baseUrl, { expectLink }),
		);
	}
}

/** Both workflows on a queue-mode worker: the links are signed there and served by main. */
async function runQueue(ctx, rest, main, worker) {
	await activateAll(rest);
	const onWorker = async (what, fn) => {
		const mark = worker.log.length;
		await fn();
		const m = await worker.waitForLog(/Worker started execution (\d+)/, 10000, mark);
		await worker.waitForLog(new RegExp(`Worker finished execution ${m[1]}\\b`), 30000, mark);
		H.assert(!/Worker started execution/.test(main.log), `${what}: the main process must not run executions itself`);
	};
	await H.test('queue mode: make → refine → refine runs on the worker, every turn with its exact signatures', () =>
		onWorker('conversation', () => checkConversation(ctx, rest, main.url, 'queue mode')),
	);
	await H.test('queue mode: the review loop, its item replaced each round, refines the same conversation on the worker', () =>
		onWorker('review loop', () => checkConversation(ctx, rest, main.url, 'queue mode, review loop', 'loop')),
	);
	await H.test('queue mode: the AI Agent and its tool run on the worker, and main serves the signed link', () =>
		onWorker('agent', () => checkAgent(ctx, rest, main.url, 'agent3', { expectLink: true })),
	);
}

module.exports = { workflows, credentials, activateAll, checkConversation, checkAgent, runRegular, runQueue, IDS, PATHS, PARTS };
