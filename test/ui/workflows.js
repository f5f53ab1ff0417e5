'use strict';
// Workflows the browser suite creates through n8n's REST API before it opens them in the editor.

const NODE_TYPE = 'n8n-nodes-cometapi.geminiImage';

const manual = {
	id: 'a0000000-0000-4000-8000-000000000001',
	name: 'Manual',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const chain = (...names) =>
	Object.fromEntries(names.slice(0, -1).map((name, i) => [name, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));

/** The node "Gemini Image" of `typeVersion` with these parameters, as a saved workflow holds it. */
const gemini = (id, typeVersion, position, credential, parameters) => ({
	id,
	name: 'Gemini Image',
	type: NODE_TYPE,
	typeVersion,
	position,
	parameters,
	credentials: { cometApi: credential },
});

const base = (name, nodes, connections = {}) => ({ name, nodes, connections, settings: { executionOrder: 'v1' }, active: false });

/** A new workflow with only a Manual Trigger: the regular nodes panel opens from its "+". */
function newWorkflow(name) {
	return base(name, [manual]);
}

/**
 * Manual Trigger → Read/Write Files from Disk ("Load Image") → Gemini Image (version 2, Image to Image) with
 * Input Data Field Name(s) set to a field the item lacks, so the run fails unless the test's expression (the one
 * n8n's tooltip suggests) takes its place.
 */
function tooltipWorkflow({ file, credential }) {
	return base(
		'UI: binary object from an expression',
		[
			manual,
			{
				id: 'a0000000-0000-4000-8000-000000000002',
				name: 'Load Image',
				type: 'n8n-nodes-base.readWriteFile',
				typeVersion: 1.1,
				position: [220, 0],
				parameters: { operation: 'read', fileSelector: file, options: {} },
			},
			gemini('a0000000-0000-4000-8000-000000000003', 2, [440, 0], credential, {
				operation: 'imageToImage',
				model: { __rl: true, mode: 'list', value: 'gemini-3.1-flash-image' },
				prompt: 'Turn this photo into a travel poster',
				binaryPropertyNames: 'photo',
				options: {},
			}),
		],
		chain('Manual', 'Load Image', 'Gemini Image'),
	);
}

/** The Text to Image example exactly as version 0.1.0 of the package saved it: a version 1 node. */
function versionOneWorkflow({ credential }) {
	return base(
		'UI: saved with version 1',
		[
			manual,
			gemini('a0000000-0000-4000-8000-000000000004', 1, [260, 0], credential, {
				operation: 'textToImage',
				model: { __rl: true, mode: 'list', value: 'gemini-2.5-flash-image' },
				prompt: 'A watercolour fox reading a newspaper in a Paris café, morning light',
				options: { aspectRatio: '16:9' },
			}),
		],
		chain('Manual', 'Gemini Image'),
	);
}

module.exports = { NODE_TYPE, newWorkflow, tooltipWorkflow, versionOneWorkflow };
