'use strict';
// The workflows the end-to-end tests import into a real n8n. Built as objects (not files) because they
// carry the URL of the test's image server and the folder n8n may read files from.

const GEMINI = 'n8n-nodes-cometapi.geminiImage';
const CREDENTIALS = { cometApi: { id: 'cometCred0001', name: 'CometAPI account' } };
const MODEL = { __rl: true, mode: 'list', value: 'gemini-2.5-flash-image' };

const PROMPTS = {
	textToImage: 'e2e: a lighthouse at dusk, text to image',
	chatRoute: 'e2e: the same lighthouse on the OpenAI-compatible chat route',
	fromFile: 'e2e: make the input file look like a postcard',
	threeInputs: 'e2e: combine the three input images into one poster',
	batch: [
		'e2e batch item 0: a red bicycle',
		'e2e batch item 1: something refused [emu:image-safety]',
		'e2e batch item 2: a blue kite',
		'e2e batch item 3: JPEG bytes labelled image/png [emu:jpeg-as-png]',
	],
	queue: 'e2e queue mode: a tiny robot painting',
};

let nodeSeq = 0;
function node(name, type, typeVersion, position, parameters, extra = {}) {
	nodeSeq++;
	return {
		id: `e2e00000-0000-4000-8000-${String(nodeSeq).padStart(12, '0')}`,
		name,
		type,
		typeVersion,
		position,
		parameters,
		...extra,
	};
}

/**
 * Node builders for one file's workflows: node ids `<prefix>-0000-4000-9000-<n>` counted from `firstSeq`, webhook
 * ids `<prefix>-0000-4000-9000-<hookBase><hook>`; each file has its own prefix or range, so ids never collide.
 * `from(n)` makes the next node number n + 1 (a workflow of its own range).
 */
function workflowNodes(prefix, { firstSeq = 0, hookBase = '0000000000' } = {}) {
	let seq = firstSeq;
	const build = (name, type, typeVersion, position, parameters, extra = {}) => {
		seq++;
		return { id: `${prefix}-0000-4000-9000-${String(seq).padStart(12, '0')}`, name, type, typeVersion, position, parameters, ...extra };
	};
	const webhook = (path, hookId) =>
		build(
			'Webhook',
			'n8n-nodes-base.webhook',
			2,
			[0, 0],
			{ httpMethod: 'POST', path, responseMode: 'lastNode', options: {} },
			{ webhookId: `${prefix}-0000-4000-9000-${hookBase}${hookId}` },
		);
	return { node: build, webhook, from: (n) => (seq = n) };
}

function gemini(name, position, parameters, extra = {}) {
	return node(name, GEMINI, 1, position, { model: MODEL, ...parameters }, { credentials: CREDENTIALS, ...extra });
}

/** Crypto node: sha256 (hex) of the binary field `data`, read back from n8n's binary storage, into json.sha256. */
function hash(name, position, extra = {}) {
	return node(
		name,
		'n8n-nodes-base.crypto',
		2,
		position,
		{ action: 'hash', type: 'SHA256', binaryData: true, binaryPropertyName: 'data', dataPropertyName: 'sha256', encoding: 'hex' },
		extra,
	);
}

function download(name, position, url, field) {
	return node(name, 'n8n-nodes-base.httpRequest', 4.2, position, {
		url,
		options: { response: { response: { responseFormat: 'file', outputPropertyName: field } } },
	});
}

function connect(pairs) {
	const connections = {};
	for (const [from, to] of pairs) {
		connections[from] ??= { main: [[]] };
		connections[from].main[0].push({ node: to, type: 'main', index: 0 });
	}
	return connections;
}

/**
 * One Manual Trigger workflow covering: text to image with an aspect ratio; image to image from a file read by
 * Read/Write Files from Disk; image to image with three inputs downloaded by HTTP Request into three binary
 * fields of one item; four items from a Code node, one refused by the model (Continue On Fail), one answered
 * with JPEG bytes labelled image/png.
 * Every Gemini Image output is hashed by n8n's Crypto node (which reads the binary back from n8n's storage).
 */
function mainWorkflow({ imagesUrl, inputFile }) {
	nodeSeq = 0;
	const nodes = [
		node('Start', 'n8n-nodes-base.manualTrigger', 1, [0, 300], {}),
		gemini('Text to Image', [300, 0], {
			operation: 'textToImage',
			prompt: PROMPTS.textToImage,
			options: { aspectRatio: '16:9' },
		}),
		hash('Hash Text to Image', [600, 0]),
		gemini('Text to Image (chat route)', [300, -200], {
			operation: 'textToImage',
			prompt: PROMPTS.chatRoute,
			options: { apiFormat: 'openAiChat', aspectRatio: '9:16' },
		}),
		hash('Hash Text to Image (chat route)', [600, -200]),
		node('Read Input File', 'n8n-nodes-base.readWriteFile', 1.1, [300, 200], { operation: 'read', fileSelector: inputFile, options: {} }),
		gemini('Image to Image (file)', [600, 200], {
			operation: 'imageToImage',
			prompt: PROMPTS.fromFile,
			binaryPropertyNames: 'data',
			options: {},
		}),
		hash('Hash Image to Image (file)', [900, 200]),
		download('Download A', [300, 400], `${imagesUrl}/a.png`, 'img1'),
		download('Download B', [500, 400], `${imagesUrl}/b.jpg`, 'img2'),
		download('Download C', [700, 400], `${imagesUrl}/c.webp`, 'img3'),
		gemini('Image to Image (3 inputs)', [900, 400], {
			operation: 'imageToImage',
			prompt: PROMPTS.threeInputs,
			binaryPropertyNames: 'img1, img2, img3',
			options: {},
		}),
		hash('Hash Image to Image (3 inputs)', [1200, 400]),
		node('Prompts', 'n8n-nodes-base.code', 2, [300, 600], {
			jsCode: `return ${JSON.stringify(PROMPTS.batch)}.map((prompt) => ({ json: { prompt } }));`,
		}),
		gemini(
			'Batch with a refusal',
			[600, 600],
			{ operation: 'textToImage', prompt: '={{ $json.prompt }}', options: { concurrency: 2 } },
			{ onError: 'continueRegularOutput' },
		),
		hash('Hash Batch', [900, 600], { onError: 'continueRegularOutput' }),
	];
	return {
		id: 'e2eMainWorkflow1',
		name: 'e2e: all operations',
		nodes,
		connections: connect([
			['Start', 'Text to Image'],
			['Text to Image', 'Hash Text to Image'],
			['Start', 'Text to Image (chat route)'],
			['Text to Image (chat route)', 'Hash Text to Image (chat route)'],
			['Start', 'Read Input File'],
			['Read Input File', 'Image to Image (file)'],
			['Image to Image (file)', 'Hash Image to Image (file)'],
			['Start', 'Download A'],
			['Download A', 'Download B'],
			['Download B', 'Download C'],
			['Download C', 'Image to Image (3 inputs)'],
			['Image to Image (3 inputs)', 'Hash Image to Image (3 inputs)'],
			['Start', 'Prompts'],
			['Prompts', 'Batch with a refusal'],
			['Batch with a refusal', 'Hash Batch'],
		]),
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

/** Webhook → Gemini Image → Respond to Webhook with the image bytes (for queue mode: runs on a worker). */
function webhookWorkflow() {
	nodeSeq = 100;
	const nodes = [
		node(
			'Webhook',
			'n8n-nodes-base.webhook',
			2,
			[0, 0],
			{ httpMethod: 'POST', path: 'e2e-gemini-image', responseMode: 'responseNode', options: {} },
			{ webhookId: 'e2e00000-0000-4000-8000-0000000000a1' },
		),
		gemini('Gemini Image', [300, 0], { operation: 'textToImage', prompt: '={{ $json.body.prompt }}', options: {} }),
		node('Respond with Image', 'n8n-nodes-base.respondToWebhook', 1.4, [600, 0], {
			respondWith: 'binary',
			inputDataFieldName: 'data',
			options: {
				responseHeaders: {
					entries: [
						{ name: 'x-image-width', value: '={{ $json.width }}' },
						{ name: 'x-image-height', value: '={{ $json.height }}' },
						{ name: 'x-image-file-size', value: '={{ $json.fileSize }}' },
					],
				},
			},
		}),
	];
	return {
		id: 'e2eWebhookFlow01',
		name: 'e2e: webhook',
		nodes,
		connections: connect([
			['Webhook', 'Gemini Image'],
			['Gemini Image', 'Respond with Image'],
		]),
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

module.exports = { mainWorkflow, webhookWorkflow, workflowNodes, PROMPTS, CREDENTIALS };
