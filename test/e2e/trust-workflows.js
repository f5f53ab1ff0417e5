'use strict';
// The workflows of the trust checks (trust.js): one that stores an image and edits it by n8n's tooltip
// expression, and two whose input a webhook caller writes: Image to Image reading the item's JSON, and
// Refine Image reading a conversation (with a file upload beside it).

const { CREDENTIALS, workflowNodes } = require('./workflows');

const GEMINI = 'n8n-nodes-cometapi.geminiImage';
const MODEL = { __rl: true, mode: 'id', value: 'gemini-3-pro-image' };
const IDS = { store: 'e2eTrustStore001', steal: 'e2eTrustSteal001', refine: 'e2eTrustRefine01', long: 'e2eTrustLong0001' };
const PATHS = { store: 'e2e-trust-store', steal: 'e2e-trust-steal', refine: 'e2e-trust-refine', long: 'e2e-trust-long' };

const { node, webhook, from } = workflowNodes('e2e7a000');
const gemini = (name, position, parameters) =>
	node(name, GEMINI, 2, position, { model: MODEL, ...parameters }, { credentials: CREDENTIALS });
/** Edit Fields in JSON mode: the item's JSON becomes what the expression gives (3.3: binary files kept). */
const setJson = (name, position, expression) =>
	node(name, 'n8n-nodes-base.set', 3.3, position, { mode: 'raw', jsonOutput: `={{ ${expression} }}`, options: { includeBinary: true } });
/** Rename Keys: body.conversation becomes conversation, with no expression (n8n's engine gives up on megabytes). */
const lift = (name, position) =>
	node(name, 'n8n-nodes-base.renameKeys', 1, position, {
		keys: { key: [{ currentKey: 'body.conversation', newKey: 'conversation' }] },
		additionalOptions: {},
	});

function chain(names) {
	const connections = {};
	for (let i = 0; i + 1 < names.length; i++) connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	return connections;
}
const workflow = (id, name, nodes) => ({
	id,
	name,
	nodes,
	connections: chain(nodes.map((n) => n.name)),
	settings: { executionOrder: 'v1' },
	pinData: {},
	active: false,
});

function workflows() {
	from(0);
	return [
		// Another workflow's execution stores an image; the edit reads it by n8n's own tooltip expression.
		workflow(IDS.store, 'e2e trust: make and edit by expression', [
			webhook(PATHS.store, 't1'),
			gemini('Make', [250, 0], { operation: 'textToImage', prompt: '={{ $json.body.prompt }}' }),
			gemini('Edit', [500, 0], {
				operation: 'imageToImage',
				prompt: 'now in watercolour',
				binaryPropertyNames: "={{ $('Make').item.binary.data }}",
			}),
		]),
		// The caller's JSON becomes the item: {"data": {"mimeType": ..., "id": ...}} where the field "data" is missing.
		workflow(IDS.steal, 'e2e trust: image to image from webhook JSON', [
			webhook(PATHS.steal, 't2'),
			setJson('Body', [250, 0], '$json.body'),
			gemini('Edit', [500, 0], { operation: 'imageToImage', prompt: 'describe it', binaryPropertyNames: 'data' }),
		]),
		// The caller's conversation (JSON, or a form field beside an uploaded file) goes to Refine Image.
		workflow(IDS.refine, 'e2e trust: refine a conversation a caller wrote', [
			webhook(PATHS.refine, 't3'),
			setJson(
				'Conversation',
				[250, 0],
				"{ conversation: typeof $json.body.conversation === 'string' ? JSON.parse($json.body.conversation) : $json.body.conversation }",
			),
			gemini('Refine', [500, 0], { operation: 'refineImage', prompt: 'x' }),
		]),
		// A long conversation posted as JSON.
		workflow(IDS.long, 'e2e trust: refine a long conversation', [
			webhook(PATHS.long, 't4'),
			lift('Conversation', [250, 0]),
			gemini('Refine', [500, 0], { operation: 'refineImage', prompt: 'x' }),
		]),
	];
}

module.exports = { workflows, IDS, PATHS };
