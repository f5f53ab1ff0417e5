'use strict';
// The workflows of the conversation and agent checks (conversation.js): make → refine → refine, a review loop,
// n8n's AI Agent (3 and 2.2) with this node as its tool, the README's two examples, and their OpenAI credentials.

const fs = require('node:fs');
const path = require('node:path');

const L = require('../../scripts/lib');
const { CREDENTIALS, workflowNodes } = require('./workflows');

const GEMINI = 'n8n-nodes-cometapi.geminiImage';
const MODEL = 'gemini-3-pro-image'; // a thinking model: the emulator signs its answers
const OPENAI_CREDENTIAL = { id: 'e2eOpenAiCred001', name: 'Emulator as OpenAI', type: 'openAiApi' };
const IDS = { conversation: 'e2eConversation1', loop: 'e2eReviewLoop001', agent3: 'e2eAgentToolV3xx', agent2: 'e2eAgentToolV22x' };
const PATHS = { conversation: 'e2e-conversation', loop: 'e2e-review-loop', agent3: 'e2e-agent-v3', agent2: 'e2e-agent-v2' };

const { node, webhook, from } = workflowNodes('e2e00000');

const gemini = (name, position, parameters, type = GEMINI) =>
	node(name, type, 2, position, { model: { __rl: true, mode: 'id', value: MODEL }, ...parameters }, { credentials: CREDENTIALS });

/** Crypto node: sha256 (hex) of binary field `field` into json[`into`], read back from n8n's storage. */
const hash = (name, position, field, into) =>
	node(name, 'n8n-nodes-base.crypto', 2, position, {
		action: 'hash',
		type: 'SHA256',
		binaryData: true,
		binaryPropertyName: field,
		dataPropertyName: into,
		encoding: 'hex',
	});

function chain(names, connections = {}) {
	for (let i = 0; i + 1 < names.length; i++) {
		connections[names[i]] ??= { main: [[]] };
		connections[names[i]].main[0].push({ node: names[i + 1], type: 'main', index: 0 });
	}
	return connections;
}

/** Webhook → Make → Refine → Refine → n8n's Crypto node on the latest image; answers with its item's JSON. */
function conversationWorkflow() {
	from(0);
	const names = ['Webhook', 'Make', 'Refine 1', 'Refine 2', 'Hash Latest'];
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
	];
	return {
		id: IDS.conversation,
		name: 'e2e: make, refine, refine',
		nodes,
		connections: chain(names),
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

/**
 * A review loop as a human would run it with a Form page, without the human: Make → Current Image (No
 * Operation) → Review (Edit Fields replaces the item with the reviewer's changes, as a Form page does) →
 * If there are changes → Refine Image, which takes the conversation from "Current Image" → back to Current
 * Image. Two rounds of changes, then Done.
 */
function loopWorkflow() {
	from(300);
	const nodes = [
		webhook(PATHS.loop, 'b1'),
		gemini('Make', [250, 0], { operation: 'textToImage', prompt: '={{ $json.body.prompt }}' }),
		node('Current Image', 'n8n-nodes-base.noOp', 1, [500, 0], {}),
		node('Review', 'n8n-nodes-base.set', 3.4, [750, 0], {
			mode: 'manual',
			assignments: {
				assignments: [
					{
						id: 'e2e-review-changes',
						name: 'changes',
						type: 'string',
						value: "={{ $('Webhook').first().json.body.changes[$runIndex] ?? '' }}",
					},
				],
			},
			options: {},
		}),
		node('Changes?', 'n8n-nodes-base.if', 2.2, [1000, 0], {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
				conditions: [
					{
						id: 'e2e-has-changes',
						leftValue: '={{ $json.changes }}',
						rightValue: '',
						operator: { type: 'string', operation: 'notEmpty', singleValue: true },
					},
				],
				combinator: 'and',
			},
			options: {},
		}),
		gemini('Refine', [1250, -100], {
			operation: 'refineImage',
			prompt: '={{ $json.changes }}',
			options: { conversationNode: 'Current Image' },
		}),
		node('Done', 'n8n-nodes-base.noOp', 1, [1250, 100], {}),
	];
	const connections = chain(['Webhook', 'Make', 'Current Image', 'Review', 'Changes?']);
	connections['Changes?'] = { main: [[{ node: 'Refine', type: 'main', index: 0 }], [{ node: 'Done', type: 'main', index: 0 }]] };
	connections.Refine = { main: [[{ node: 'Current Image', type: 'main', index: 0 }]] };
	return {
		id: IDS.loop,
		name: 'e2e: review loop with a replaced item',
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

/** Webhook → AI Agent (version `agentVersion`) with an OpenAI Chat Model on the emulator and this node as its tool. */
function agentWorkflow(key, agentVersion) {
	from(key === 'agent3' ? 100 : 200);
	const nodes = [
		webhook(PATHS[key], key === 'agent3' ? 'a3' : 'a2'),
		node('AI Agent', '@n8n/n8n-nodes-langchain.agent', agentVersion, [300, 0], {
			promptType: 'define',
			text: '={{ $json.body.message }}',
			options: {},
		}),
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

/** The two example workflows of the README; the chat one made public, so that a test can chat with it. */
function examples() {
	const read = (name) => JSON.parse(fs.readFileSync(path.join(L.REPO_ROOT, 'examples', `${name}.workflow.json`), 'utf8'));
	const chat = read('chat-agent-draws');
	chat.nodes.find((n) => n.type === '@n8n/n8n-nodes-langchain.chatTrigger').parameters.public = true;
	return { chat, review: read('make-review-refine') };
}

function workflows() {
	const ex = examples();
	return [conversationWorkflow(), loopWorkflow(), agentWorkflow('agent3', 3), agentWorkflow('agent2', 2.2), ex.chat, ex.review];
}

/** The OpenAI credentials of the chat models (the e2e agents' and the chat example's): the emulator, with its key. */
function credentials(apiKey, emuUrl) {
	const data = { apiKey, url: `${emuUrl}/v1` };
	return [
		{ ...OPENAI_CREDENTIAL, data },
		{ id: 'cometOpenAi0001', name: 'CometAPI (OpenAI-compatible)', type: 'openAiApi', data },
	];
}

module.exports = { workflows, examples, credentials, IDS, PATHS };
