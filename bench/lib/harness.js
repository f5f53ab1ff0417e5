'use strict';
// The node's real execute() inside n8n-core, for the benchmark. Same set-up as test/harness/runNode.ts (it
// reuses that harness's compiled runtime: DI container, binary data service, credentials helper, node types),
// split in two so the benchmark can time and measure only what the node does:
//   prepare(): store the input items' binaries the instance's way (what the previous node did in n8n)
//   execute(): the node's execute() and its close functions, nothing else (no read-back of the outputs,
//              which runNode does for the tests and which would add a copy of every output image)
//
// Needs the harness compiled by bench/lib/build.js (tsconfig.bench.json -> .bench-build/).

const path = require('node:path');

const BUILD = path.resolve(__dirname, '..', '..', '.bench-build');

let rt;
let core;
let workflowLib;
function load() {
	if (rt) return;
	rt = require(path.join(BUILD, 'test', 'harness', 'runtime.js'));
	core = require('n8n-core');
	workflowLib = require('n8n-workflow');
}

const model = (value = 'gemini-2.5-flash-image') => ({ __rl: true, mode: 'id', value });

/**
 * Prepares one execution of the node. opts: {parameters, items, credentials:{apiKey, baseUrl}, binaryMode}.
 * Resolves {execute(): Promise<{outputs, error}>, release()}; call release() when done (binary mode lock).
 */
async function prepare(opts) {
	load();
	const release = await rt.acquireBinaryMode(opts.binaryMode || 'default');
	const executionId = rt.nextExecutionId();
	const workflowId = 'bench-workflow';
	const credentialsHelper = new rt.TestCredentialsHelper({ [rt.CREDENTIAL_TYPE]: { ...opts.credentials } });
	const additionalData = rt.makeAdditionalData(credentialsHelper, executionId);
	const node = rt.makeNode(opts.parameters);
	const workflow = new workflowLib.Workflow({
		id: workflowId,
		name: 'Bench workflow',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: rt.nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	const workflowNode = workflow.getNode(rt.NODE_NAME);

	const inputItems = [];
	for (const item of opts.items || [{ json: {} }]) {
		const out = { json: structuredClone(item.json || {}) };
		if (item.binary) {
			out.binary = {};
			for (const [name, b] of Object.entries(item.binary)) {
				out.binary[name] = await core.prepareBinaryData(b.data, executionId, workflowId, b.fileName, b.mimeType);
			}
		}
		inputItems.push(out);
	}
	const inputData = { main: [inputItems] };
	const executeData = { node: workflowNode, data: inputData, source: null };
	const runExecutionData = workflowLib.createRunExecutionData({ executionData: { nodeExecutionStack: [executeData] } });
	const closeFunctions = [];
	const context = new core.ExecuteContext(
		workflow,
		workflowNode,
		additionalData,
		'manual',
		runExecutionData,
		0,
		inputItems,
		inputData,
		executeData,
		closeFunctions,
		undefined,
	);
	const nodeType = rt.nodeTypes.getByNameAndVersion(workflowNode.type, workflowNode.typeVersion);
	return {
		inputItems,
		async execute() {
			try {
				const outputs = await nodeType.execute.call(context);
				const closing = await Promise.allSettled(closeFunctions.map(async (fn) => await fn()));
				const failed = closing.find((r) => r.status === 'rejected');
				if (failed) throw failed.reason;
				return { outputs };
			} catch (error) {
				return { outputs: null, error };
			}
		},
		release,
	};
}

/** prepare + execute + release; resolves {outputs, error, ms} (ms: execute() only). */
async function runOnce(opts) {
	const run = await prepare(opts);
	try {
		const t0 = process.hrtime.bigint();
		const res = await run.execute();
		const ms = Number(process.hrtime.bigint() - t0) / 1e6;
		return { ...res, ms };
	} finally {
		run.release();
	}
}

/** Stores `count` copies of `buffer` through n8n-core (the current binary mode), `concurrency` at once. */
async function storeMany(buffer, count, concurrency) {
	load();
	const { pool } = require('./util');
	const executionId = rt.nextExecutionId();
	await pool(count, concurrency, async (i) => {
		await core.prepareBinaryData(buffer, executionId, 'bench-workflow', `image-${i}.png`, 'image/png');
	});
}

function dispose() {
	if (rt) rt.disposeHarness();
}

module.exports = { prepare, runOnce, storeMany, dispose, model };
