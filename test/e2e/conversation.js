'use strict';
// Images in a conversation, in a real n8n (issue 11):
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

const L = require('../../scripts/lib');
const H = require('./harness');
const { CREDENTIALS } = require('./workflows');

const GEMINI = 'n8n-nodes-cometapi.geminiImage';
const MODEL = 'gemini-3-pro-image'; // a thinking model: the emulator signs its answers
const OPENAI_CREDENTIAL = { id: 'e2eOpenAiCred001', name: 'Emulator as OpenAI', type: 'openAiApi' };
const IDS = { conversation: 'e2eConversation1', agent3: 'e2eAgentToolV3xx', agent2: 'e2eAgentToolV22x' };
const PATHS = { conversation: 'e2e-conversation', agent3: 'e2e-agent-v3', agent2: 'e2e-agent-v2' };

let seq = 0;
function node(name, type, typeVersion, position, parameters, extra = {}) {
	seq++;
	return { id: `e2e00000-0000-4000-9000-${String(seq).padStart(12, '0')}`, name, type, typeVersion, position, parameters, ...extra };
}

const webhook = (path, hookId) =>
	node('Webhook', 'n8n-nodes-base.webhook', 2, [0, 0], { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} }, { webhookId: `e2e00000-0000-4000-9000-0000000000${hookId}` });

const gemini = (name, position, parameters, type = GEMINI) =>
	node(name, type, 2, position, { model: { __rl: true, mode: 'id', value: MODEL }, ...parameters }, { credentials: CREDENTIALS });

/** Crypto node: sha256 (hex) of binary field `field` into json[`into`], read back from n8n's storage. */
const hash = (name, position, field, into) =>
	node(name, 'n8n-nodes-base.crypto', 2, position, { action: 'hash', type: 'SHA256', binaryData: true, binaryPropertyName: field, dataPropertyName: into, encoding: 'hex' });

function chain(names) {
	const connections = {};
	for (let i = 0; i + 1 < names.length; i++) connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	return connections;
}

/** Webhook → Make → Refine → Refine → three Crypto nodes; answers with the last item's JSON. */
function conversationWorkflow() {
	seq = 0;
	const names = ['Webhook', 'Make', 'Refine 1', 'Refine 2', 'Hash Latest', 'Hash Turn 2', 'Hash Turn 4'];
	const nodes = [
		webhook(PATHS.conversation, 'c1'),
		gemini('Make', [250, 0], { operation: 'textToImage', prompt: '={{ $json.body.prompt }}' }),
		// the conversation's own model, as the README suggests
		gemini('Refine 1', [500, 0], {
			operation: 'refineImage',
			model: { __rl: true, mode: 'id', value: '={{ $json.conversation.model }}' },
			prompt: "={{ $('Webhook').item.json.body.refine1 }}",
		}),
		gemini('Refine 2', [750, 0], { operation: 'refineImage', prompt: "={{ $('Webhook').item.json.body.refine2 }}" }),
		hash('Hash Latest', [1000, 0], 'data', 'shaLatest'),
		hash('Hash Turn 2', [1250, 0], 'turn2_image1', 'shaTurn2'),
		hash('Hash Turn 4', [1500, 0], 'turn4_image1', 'shaTurn4'),
	];
	return { id: IDS.conversation, name: 'e2e: make, refine, refine', nodes, connections: chain(names), settings: { executionOrder: 'v1' }, pinData: {}, active: false };
}

/** Webhook → AI Agent (version `agentVersion`) with an OpenAI Chat Model on the emulator and this node as its tool. */
function agentWorkflow(key, agentVersion) {
	seq = key === 'agent3' ? 100 : 200;
	const nodes = [
		webhook(PATHS[key], key === 'agent3' ? 'a3' : 'a2'),
		node('AI Agent', '@n8n/n8n-nodes-langchain.agent', agentVersion, [300, 0], { promptType: 'define', text: '={{ $json.body.message }}', options: {} }),
		node(
			'OpenAI Chat Model',
			'@n8n/n8n-nodes-langchain.lmChatOpenAi',
			1.2, // before the Responses API option: /v1/chat/completions in both n8n lines
			[200, 250],
			{ model: { __rl: true, mode: 'id', value: `agent-model-${key}` }, options: {} },
			{ credentials: { openAiApi: { id: OPENAI_CREDENTIAL.id, name: OPENAI_CREDENTIAL.name } } },
		),
		// only the operation and the model set: prompt, aspect ratio, size and number of images are the tool
		// variant's defaults, chosen by the agent
		gemini('Draw', [450, 250], { operation: 'textToImage' }, `${GEMINI}Tool`),
	];
	return {
		id: IDS[key],
		name: `e2e: AI Agent ${agentVersion} with Gemini Image as its tool`,
		nodes,
		connections: {
			Webhook: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			Draw: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

function workflows() {
	return [conversationWorkflow(), agentWorkflow('agent3', 3), agentWorkflow('agent2', 2.2)];
}

/** The OpenAI credential of the agents' chat model: the emulator, with its key. */
function credentials(apiKey, emuUrl) {
	return [{ ...OPENAI_CREDENTIAL, data: { apiKey, url: `${emuUrl}/v1` } }];
}

async function activateAll(rest) {
	for (const id of Object.values(IDS)) await rest.activateWorkflow(id);
}

const tagged = (emu, tag, route = 'native') => emu.requests.filter((r) => r.route === route && JSON.stringify(r.body || {}).includes(tag));

/** The checks of one make → refine → refine run. `label` names where it ran. */
async function checkConversation(ctx, baseUrl, label) {
	const { emu } = ctx;
	const tag = `run-${crypto.randomBytes(4).toString('hex')}`;
	const body = { prompt: `e2e ${tag}: a fox in a café`, refine1: 'now make it night', refine2: 'add rain' };
	emu.reset();
	const res = await L.callWebhook(`${baseUrl}/webhook/${PATHS.conversation}`, { body });
	H.eq(res.status, 200, `webhook status (${res.body.toString('utf8').slice(0, 300)})`);
	const out = res.json;
	const [r1, r2, r3] = tagged(emu, tag);
	H.eq(tagged(emu, tag).length, 3, 'native requests of this run');
	for (const r of [r1, r2, r3]) H.eq(r.status, 200, `request ${r.id} status`);
	H.eq(r1.body.contents.length, 1, '1st request: one turn');
	H.eq(r2.body.contents.length, 3, '2nd request: prompt, answer, new prompt');
	H.eq(r3.body.contents.length, 5, '3rd request: two earlier pairs and the new prompt');
	const issued = (r) => r.signaturesIssued.map((s) => s.signature);
	H.assert(issued(r1).length === 2 && issued(r2).length === 2, `signatures issued: ${issued(r1).length}, ${issued(r2).length}`);
	H.eq(JSON.stringify(r2.conversation.signaturesReceived), JSON.stringify(issued(r1)), '2nd request: the exact signatures of the 1st answer');
	H.eq(JSON.stringify(r3.conversation.signaturesReceived), JSON.stringify([...issued(r1), ...issued(r2)]), '3rd request: the exact signatures of both answers');
	H.eq(r3.conversation.signaturesMissing.length, 0, 'signatures left out');
	const sentImage = (r) => r.imagesSent.find((i) => i.role === 'final').sha256;
	const imageOfTurn = (r, t) => r.conversation.turns[t].parts.find((p) => p.kind === 'image').sha256;
	H.eq(imageOfTurn(r2, 1), sentImage(r1), "2nd request's earlier image vs the 1st answer's");
	H.eq(imageOfTurn(r3, 1), sentImage(r1), "3rd request's first image vs the 1st answer's");
	H.eq(imageOfTurn(r3, 3), sentImage(r2), "3rd request's second image vs the 2nd answer's");
	H.eq(r3.conversation.turns[4].parts[0].text, 'add rain', 'the new prompt comes last');
	// what n8n stored and its Crypto node read back
	H.eq(out.shaLatest, sentImage(r3), 'the output image is the 3rd answer');
	H.eq(out.shaTurn2, sentImage(r1), 'binary field turn2_image1 is the 1st answer');
	H.eq(out.shaTurn4, sentImage(r2), 'binary field turn4_image1 is the 2nd answer');
	H.eq(out.conversation.turns.length, 6, 'turns carried on the output item');
	const lastImage = out.conversation.turns[5].parts.find((p) => p.image);
	H.eq(lastImage.image, 'data', 'the latest image is in the output field');
	H.eq(lastImage.thoughtSignature, r3.signaturesIssued.find((s) => s.kind === 'image').signature, 'the latest signature, kept for the next turn');
	console.log(`    ${label}: 3 requests, ${r3.conversation.signaturesReceived.length} signatures sent back, images match`);
	return tag;
}

/**
 * One agent run: the agent gets the link and the link serves the emulator's bytes; or, without a link
 * (memory mode), the tool's JSON says why. Returns the link.
 */
async function checkAgent(ctx, baseUrl, key, { expectLink }) {
	const { emu } = ctx;
	const tag = `agent-${crypto.randomBytes(4).toString('hex')}`;
	const message = `e2e ${tag}: draw a lighthouse at dusk [agent:args={"aspectRatio":"16:9"}]`;
	emu.reset();
	const res = await L.callWebhook(`${baseUrl}/webhook/${PATHS[key]}`, { body: { message } });
	H.eq(res.status, 200, `webhook status (${res.body.toString('utf8').slice(0, 300)})`);
	const agentTurns = emu.requests.filter((r) => r.route === 'agent');
	H.eq(agentTurns.length, 2, 'chat model requests (tool call, then reply)');
	H.eq(agentTurns[0].agent.toolCalls.length, 1, 'tool calls asked for');
	const call = agentTurns[0].agent.toolCalls[0];
	for (const arg of ['prompt', 'aspectRatio', 'imageSize', 'numberOfImages']) {
		H.assert(Object.prototype.hasOwnProperty.call(call.arguments, arg), `the tool offers "${arg}" to the agent: ${JSON.stringify(agentTurns[0].body.tools)}`);
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

module.exports = { workflows, credentials, activateAll, checkConversation, checkAgent, IDS, PATHS };
