'use strict';
// The workflows of part 4, for a real n8n. Each starts with a Webhook (POST, answers when the last node is
// done, without data) and a Split Out that turns the body's `prompts` list into one item per prompt.
//  - diy: what users build today without this package: HTTP Request (POST generateContent with the JSON
//    body and an Authorization header; default settings, so every item's request goes out at once), Edit
//    Fields taking the base64 of the image part, Convert to File (base64 -> binary).
//  - node: Gemini Image as a new node gets it (version 2, its default model, every setting at its default);
//    node16: the same with Concurrency pinned at 16 (Request Settings).
// Both sides ask for the same model (version 2's default), so the emulator does the same work for each.

const GEMINI = 'n8n-nodes-cometapi.geminiImage';
const NODE_VERSION = 2;
const MODEL_ID = 'gemini-3.1-flash-image';

let seq = 0;
const uuid = (n) => `b3nc0000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function node(name, type, typeVersion, position, parameters, extra = {}) {
	seq++;
	return { id: uuid(seq), name, type, typeVersion, position, parameters, ...extra };
}

function chain(names) {
	const connections = {};
	for (let i = 0; i + 1 < names.length; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

function head(pathName) {
	return [
		node(
			'Webhook',
			'n8n-nodes-base.webhook',
			2.1,
			[0, 0],
			{ httpMethod: 'POST', path: pathName, responseMode: 'lastNode', responseData: 'noData', options: {} },
			{
				webhookId: `b3nc0000-aaaa-4000-8000-${pathName
					.replace(/[^0-9a-z]/gi, '')
					.padEnd(12, '0')
					.slice(0, 12)}`,
			},
		),
		node('Split Out', 'n8n-nodes-base.splitOut', 1, [220, 0], { fieldToSplitOut: 'body.prompts', include: 'noOtherFields', options: {} }),
	];
}

function workflow(id, name, nodes) {
	return {
		id,
		name,
		nodes,
		connections: chain(nodes.map((n) => n.name)),
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

/** The do-it-yourself workflow. The key sits in a header, as in the HTTP Request node's usual set-up. */
function diyWorkflow({ baseUrl, apiKey }) {
	seq = 0;
	const nodes = [
		...head('bench-diy'),
		node('HTTP Request', 'n8n-nodes-base.httpRequest', 4.5, [440, 0], {
			method: 'POST',
			url: `${baseUrl}/v1beta/models/${MODEL_ID}:generateContent`,
			authentication: 'none',
			sendHeaders: true,
			headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${apiKey}` }] },
			sendBody: true,
			contentType: 'json',
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify({ contents: [{ role: "user", parts: [{ text: $json.p }] }] }) }}',
			options: {},
		}),
		node('Edit Fields', 'n8n-nodes-base.set', 3.5, [660, 0], {
			mode: 'manual',
			assignments: {
				assignments: [
					{
						id: uuid(900),
						name: 'data',
						value: '={{ $json.candidates[0].content.parts.find(p => p.inlineData).inlineData.data }}',
						type: 'string',
					},
				],
			},
			includeOtherFields: false,
			options: {},
		}),
		node('Convert to File', 'n8n-nodes-base.convertToFile', 1.1, [880, 0], {
			operation: 'toBinary',
			sourceProperty: 'data',
			binaryPropertyName: 'data',
			options: { fileName: 'image.png', mimeType: 'image/png' },
		}),
	];
	return workflow('benchDiyWorkflow', 'bench: do it yourself (HTTP Request + Edit Fields + Convert to File)', nodes);
}

function nodeWorkflow({ id, pathName, name, requestSettings = {} }) {
	seq = id === 'benchNodeDefault' ? 100 : 200;
	const nodes = [
		...head(pathName),
		node(
			'Gemini Image',
			GEMINI,
			NODE_VERSION,
			[440, 0],
			{
				resource: 'image',
				operation: 'textToImage',
				model: { __rl: true, mode: 'list', value: MODEL_ID },
				prompt: '={{ $json.p }}',
				options: {},
				requestSettings,
			},
			{ credentials: { cometApi: { id: 'cometCred0001', name: 'CometAPI account' } } },
		),
	];
	return workflow(id, name, nodes);
}

function benchWorkflows(backend, { pinnedConcurrency = 16 } = {}) {
	return {
		diy: {
			wf: diyWorkflow(backend),
			path: 'bench-diy',
			lastNode: 'Convert to File',
			workNodes: ['HTTP Request', 'Edit Fields', 'Convert to File'],
		},
		node: {
			wf: nodeWorkflow({ id: 'benchNodeDefault', pathName: 'bench-node', name: 'bench: Gemini Image (defaults)' }),
			path: 'bench-node',
			lastNode: 'Gemini Image',
			workNodes: ['Gemini Image'],
		},
		node16: {
			wf: nodeWorkflow({
				id: 'benchNodeConc16',
				pathName: 'bench-node16',
				name: `bench: Gemini Image (concurrency ${pinnedConcurrency})`,
				requestSettings: { concurrency: pinnedConcurrency },
			}),
			path: 'bench-node16',
			lastNode: 'Gemini Image',
			workNodes: ['Gemini Image'],
		},
	};
}

module.exports = { benchWorkflows, MODEL_ID, NODE_VERSION };
