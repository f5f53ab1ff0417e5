'use strict';
// Image URLs in a real n8n (part `urls`): which addresses the node fetches.
//   AI Agent + tool      n8n's AI Agent, its chat model the emulator, asks this node's tool to edit an image at
//                        an internal address (loopback stands for it: 127.0.0.1 literally, and `localhost`, a
//                        name that leads there). The node refuses, with the same words for both; the target
//                        counts 0 requests (the name: at most 1, its answer unread), nothing goes to the gateway.
//                        An address the tool's Allowed Private Hosts names (127.0.0.2) is fetched. On n8n 2.x
//                        (binary data in files: signed links) the agent draws, then refines its drawing by n8n's
//                        own signed link, which the node always fetches.
//   n8n's SSRF guard     n8n 2.12+ only: a second `n8n start` with N8N_SSRF_PROTECTION_ENABLED=true (the emulator's
//                        127.0.0.1 allowed). A plain node set to Any Address, and the tool with 127.0.0.2 allowed,
//                        are both refused at 127.0.0.2, also behind a redirect; with the setting off they fetch it.
// Every server here listens on loopback; no URL names any other address.

const crypto = require('node:crypto');
const http = require('node:http');
const path = require('node:path');

const L = require('../../scripts/lib');
const H = require('./harness');
const { CREDENTIALS, workflowNodes } = require('./workflows');

const GEMINI = 'n8n-nodes-cometapi.geminiImage';
const MODEL = { __rl: true, mode: 'id', value: 'gemini-3-pro-image' };
const IDS = { agent: 'e2eUrlAgent00001', plain: 'e2eUrlPlain00001' };
const PATHS = { agent: 'e2e-url-agent', plain: 'e2e-url-plain' };
const INSIDE = '127.0.0.2'; // the "internal" host; the emulator and n8n are on 127.0.0.1
const PARTS = ['urls'];

const { node, webhook, from } = workflowNodes('e2e00000', { firstSeq: 900, hookBase: '0000000009' });
const tool = (name, position, parameters) =>
	node(name, `${GEMINI}Tool`, 2, position, { model: MODEL, ...parameters }, { credentials: CREDENTIALS });

/** Webhook → AI Agent with three tools: Draw Image, Edit Image (127.0.0.2 allowed), Refine Image. */
function agentWorkflow() {
	from(900);
	const nodes = [
		webhook(PATHS.agent, 'u1'),
		node('AI Agent', '@n8n/n8n-nodes-langchain.agent', 3, [300, 0], {
			promptType: 'define',
			text: '={{ $json.body.message }}',
			options: {},
		}),
		node(
			'OpenAI Chat Model',
			'@n8n/n8n-nodes-langchain.lmChatOpenAi',
			1.2,
			[200, 250],
			{ model: { __rl: true, mode: 'id', value: 'agent-model-urls' }, options: {} },
			{ credentials: { openAiApi: { id: 'e2eOpenAiCred001', name: 'Emulator as OpenAI' } } },
		),
		tool('Draw Image', [400, 250], { operation: 'textToImage' }),
		tool('Edit Image', [550, 250], { operation: 'imageToImage', requestSettings: { allowedPrivateHosts: INSIDE } }),
		tool('Refine Image', [700, 250], { operation: 'refineImage' }),
	];
	const toAgent = { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] };
	return {
		id: IDS.agent,
		name: 'e2e: an AI Agent asks for internal image URLs',
		nodes,
		connections: {
			Webhook: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			'Draw Image': toAgent,
			'Edit Image': toAgent,
			'Refine Image': toAgent,
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

/** Webhook → Gemini Image (version 2, Image URL Access: Any Address, the URL from the body); errors become the item. */
function plainWorkflow() {
	from(950);
	const edit = node(
		'Edit',
		GEMINI,
		2,
		[250, 0],
		{
			operation: 'imageToImage',
			model: MODEL,
			prompt: 'e2e url: make it a postcard',
			inputImages: 'url',
			imageUrls: '={{ $json.body.url }}',
			requestSettings: { imageUrlAccess: 'any' },
		},
		{ credentials: CREDENTIALS, onError: 'continueRegularOutput' },
	);
	return {
		id: IDS.plain,
		name: 'e2e: a plain node fetches an internal image URL',
		nodes: [webhook(PATHS.plain, 'u2'), edit],
		connections: { Webhook: { main: [[{ node: 'Edit', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

const workflows = () => [agentWorkflow(), plainWorkflow()];

/** A loopback server that counts its requests: the photo at /photo.png, a redirect to `to` at /redirect. */
function countingServer(host, photo, to) {
	const server = http.createServer((req, res) => {
		server.hits.push(req.url);
		if (req.url === '/redirect' && to) return void res.writeHead(302, { location: to() }).end();
		res.writeHead(200, { 'content-type': 'image/png', 'content-length': photo.length }).end(photo);
	});
	server.hits = [];
	return new Promise((resolve) => server.listen(0, host, () => resolve(server)));
}
const urlOf = (server, p = '/photo.png', host = server.address().address) => `http://${host}:${server.address().port}${p}`;

const REFUSED = /Did not download the input image \S+: it is not a public address, or it could not be reached to check/;
const N8N_REFUSED = /Did not download the input image \S+: n8n's SSRF protection refused its address/;

/** The error that ended the agent workflow's last execution. */
async function lastError(rest) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId: IDS.agent }));
	const list = await rest.call('GET', `/executions?filter=${filter}&limit=1`, undefined, { expect: 200 });
	const body = list.json.data || list.json;
	const [latest] = body.results || body;
	const ex = await rest.waitForExecution(latest.id, { timeoutMs: 30000 });
	const error = ex.data.resultData.error || {};
	return `${error.message || ''} ${error.description || ''}`;
}

/**
 * One agent turn: the message (with emulator directives); what the tool answered the agent, and the reply.
 * n8n 2.x hands a tool's error to the model; n8n 1.x's agent fails the execution with it: then that error counts.
 */
async function askAgent(ctx, baseUrl, message) {
	const { emu, rest } = ctx;
	emu.reset();
	const res = await L.callWebhook(`${baseUrl}/webhook/${PATHS.agent}`, { body: { message } });
	if (res.status === 500 && ctx.rt.line === '1') {
		return { toolResult: await lastError(rest), link: null, images: emu.requests.filter((r) => r.route === 'native') };
	}
	H.eq(res.status, 200, `agent webhook (${JSON.stringify(res.json).slice(0, 300)})`);
	const turns = emu.requests.filter((r) => r.route === 'agent');
	H.eq(turns.length, 2, 'chat model requests (tool call, then reply)');
	return {
		toolResult: turns[1].agent.toolResults.join('\n'),
		link: turns[1].agent.link,
		images: emu.requests.filter((r) => r.route === 'native'),
	};
}

const editCall = (url, tag) => `e2e ${tag}: make it a postcard [agent:tool=Edit_Image][agent:args={"imageUrls":"${url}"}]`;

async function runPlain(baseUrl, url) {
	const res = await L.callWebhook(`${baseUrl}/webhook/${PATHS.plain}`, { body: { url } });
	H.eq(res.status, 200, 'plain webhook');
	return res.json;
}

/** The checks with n8n's SSRF protection off (its default): the node's own rule. */
async function checkOwnRule(ctx, baseUrl, servers) {
	const { outside, inside } = servers;
	const tag = crypto.randomBytes(3).toString('hex');
	await H.test('an AI Agent asks for an image at 127.0.0.1 and at localhost: refused alike, never read, nothing sent on', async () => {
		outside.hits.length = 0;
		const literal = await askAgent(ctx, baseUrl, editCall(urlOf(outside), tag));
		H.assert(REFUSED.test(literal.toolResult), `the tool's answer: ${literal.toolResult.slice(0, 400)}`);
		H.eq(outside.hits.length, 0, 'requests the 127.0.0.1 target got');
		H.eq(literal.images.length, 0, 'image requests to the gateway');
		const named = await askAgent(ctx, baseUrl, editCall(urlOf(outside, '/photo.png', 'localhost'), tag));
		H.assert(REFUSED.test(named.toolResult), `the tool's answer: ${named.toolResult.slice(0, 400)}`);
		const words = (text) => (REFUSED.exec(text) || [''])[0].replace(/image \S+:/, 'image URL:');
		H.eq(words(named.toolResult), words(literal.toolResult), 'the refusal, its URL left out');
		H.assert(outside.hits.length <= 1, `requests the localhost target got: ${outside.hits.length}`);
		console.log(`    localhost target: ${outside.hits.length} request (checked on the connected address, its answer unread)`);
		H.eq(named.images.length, 0, 'image requests to the gateway');
	});
	await H.test(`the tool fetches ${INSIDE}, which its Allowed Private Hosts names`, async () => {
		inside.hits.length = 0;
		const allowed = await askAgent(ctx, baseUrl, editCall(urlOf(inside), tag));
		H.eq(inside.hits.length, 1, `requests ${INSIDE} got (tool: ${allowed.toolResult.slice(0, 300)})`);
		H.eq(allowed.images.length, 1, 'image requests to the gateway');
		H.eq(allowed.images[0].imagesReceived[0].sha256, L.sha256(servers.photo), 'the image sent on');
	});
	await H.test(`a plain node set to Any Address fetches ${INSIDE}, also behind a redirect`, async () => {
		inside.hits.length = 0;
		const direct = await runPlain(baseUrl, urlOf(inside));
		H.assert(!direct.error, `plain node: ${JSON.stringify(direct).slice(0, 300)}`);
		const redirected = await runPlain(baseUrl, urlOf(outside, '/redirect'));
		H.assert(!redirected.error, `plain node behind a redirect: ${JSON.stringify(redirected).slice(0, 300)}`);
		H.eq(inside.hits.length, 2, `requests ${INSIDE} got`);
	});
	if (ctx.rt.line === '1') return; // binary data in memory on 1.x: no signed links
	await H.test("the agent refines its drawing by n8n's own signed link (on 127.0.0.1), which the node always fetches", async () => {
		const drawn = await askAgent(ctx, baseUrl, `e2e ${tag}: draw a lighthouse [agent:tool=Draw_Image]`);
		H.assert(drawn.link && /\/rest\/binary-data\/signed\?token=/.test(drawn.link), `signed link: ${drawn.toolResult.slice(0, 300)}`);
		H.assert(new URL(drawn.link).hostname === '127.0.0.1', `n8n's link is on loopback: ${drawn.link}`);
		const drawnSha = drawn.images[0].imagesSent.find((i) => i.role === 'final').sha256;
		const refined = await askAgent(
			ctx,
			baseUrl,
			`e2e ${tag}: now at night [agent:tool=Refine_Image][agent:args={"imageUrls":"${drawn.link}"}]`,
		);
		H.eq(refined.images.length, 1, `refine requests (tool: ${refined.toolResult.slice(0, 300)})`);
		H.eq(refined.images[0].conversation.turns[1].parts[0].sha256, drawnSha, 'the refined image is the drawing');
	});
}

/** The checks with n8n's SSRF protection on: n8n refuses what the node would fetch. */
async function checkN8nGuard(ctx, baseUrl, servers) {
	const { outside, inside } = servers;
	const tag = crypto.randomBytes(3).toString('hex');
	await H.test(
		`N8N_SSRF_PROTECTION_ENABLED=true: a plain node set to Any Address is refused at ${INSIDE}, also behind a redirect`,
		async () => {
			inside.hits.length = 0;
			outside.hits.length = 0;
			const direct = await runPlain(baseUrl, urlOf(inside));
			H.assert(N8N_REFUSED.test(String(direct.error)), `plain node: ${JSON.stringify(direct).slice(0, 300)}`);
			const redirected = await runPlain(baseUrl, urlOf(outside, '/redirect'));
			H.assert(N8N_REFUSED.test(String(redirected.error)), `behind a redirect: ${JSON.stringify(redirected).slice(0, 300)}`);
			H.eq(outside.hits.length, 1, 'requests the allowed first hop got');
			H.eq(inside.hits.length, 0, `requests ${INSIDE} got`);
			const sent = ctx.emu.requests.filter((r) => r.route === 'native' && /e2e url:/.test(JSON.stringify(r.body || {})));
			H.eq(sent.length, 0, `image requests to the gateway (${JSON.stringify(sent.map((r) => [r.path, r.asked && r.asked.promptText]))})`);
		},
	);
	await H.test(`N8N_SSRF_PROTECTION_ENABLED=true: the tool's own allowance for ${INSIDE} does not override n8n`, async () => {
		inside.hits.length = 0;
		const refused = await askAgent(ctx, baseUrl, editCall(urlOf(inside), tag));
		H.assert(REFUSED.test(refused.toolResult), `the tool's answer: ${refused.toolResult.slice(0, 400)}`);
		H.eq(inside.hits.length, 0, `requests ${INSIDE} got`);
	});
}

async function withN8n(ctx, label, extraEnv, fn) {
	const { rt, home } = ctx;
	const port = await L.freePort();
	const env = { ...L.n8nEnv(home, { rt, port, brokerPort: await L.freePort() }), ...extraEnv };
	const n8n = L.startN8n({ env, logFile: path.join(H.logsDir(rt), `urls-${label}.log`) });
	try {
		await n8n.waitReady();
		console.log(`  ${rt.label} (${label}) ready at ${n8n.url}`);
		const rest = new L.RestClient(n8n.url, rt);
		await rest.setupOwnerOrLogin();
		for (const id of Object.values(IDS)) await rest.activateWorkflow(id);
		ctx.rest = rest;
		await fn(n8n.url);
	} finally {
		await n8n.stop();
	}
}

/** n8n has an SSRF setting from 2.12 on. */
const hasSsrfSetting = (rt) => {
	const [major, minor] = String(rt.version || '')
		.split('.')
		.map(Number);
	return major > 2 || (major === 2 && minor >= 12);
};

async function runUrls(ctx) {
	const photo = ctx.urlPhoto;
	const inside = await countingServer(INSIDE, photo);
	const outside = await countingServer('127.0.0.1', photo, () => urlOf(inside));
	const servers = { inside, outside, photo };
	try {
		await H.phase("image URLs: the node's own rule (n8n's SSRF protection off)", () =>
			withN8n(ctx, 'ssrf-off', { N8N_SSRF_PROTECTION_ENABLED: 'false' }, (url) => checkOwnRule(ctx, url, servers)),
		);
		if (!hasSsrfSetting(ctx.rt)) {
			console.log(`  ${ctx.rt.label} has no SSRF protection setting: n8n's guard not tested here`);
			return;
		}
		await H.phase("image URLs: n8n's SSRF protection on", () =>
			withN8n(ctx, 'ssrf-on', { N8N_SSRF_PROTECTION_ENABLED: 'true', N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.1/32' }, (url) =>
				checkN8nGuard(ctx, url, servers),
			),
		);
	} finally {
		inside.close();
		outside.close();
	}
}

module.exports = { workflows, runUrls, PARTS, IDS };
