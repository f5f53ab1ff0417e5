'use strict';
// The node's real execute() inside n8n-core, for the benchmark: test/harness/runNode.ts's prepareExecution()
// (compiled, with its runtime: DI container, binary data service, credentials helper, node types), in two steps
// so the benchmark can time and measure only what the node does:
//   prepare(): store the input items' binaries the instance's way (what the previous node did in n8n)
//   execute(): the node's execute() and its close functions, nothing else (no read-back of the outputs,
//              which runNode does for the tests and which would add a copy of every output image)
//
// Needs the harness compiled by bench/run.js (tsconfig.bench.json -> .bench-build/).

const path = require('node:path');

const { BUILD, gc, nowMs, pool } = require('./util');

let rt;
let harness;
let core;
function load() {
	if (rt) return;
	rt = require(path.join(BUILD, 'test', 'harness', 'runtime.js'));
	harness = require(path.join(BUILD, 'test', 'harness', 'runNode.js'));
	core = require('n8n-core');
}

const model = (value = 'gemini-2.5-flash-image') => ({ __rl: true, mode: 'id', value });

/**
 * Prepares one execution of the node. opts: {parameters, items, credentials:{apiKey, baseUrl}, binaryMode}.
 * Resolves {execute(): Promise<{outputs, error}>, release()}; call release() when done (binary mode lock).
 */
async function prepare(opts) {
	load();
	const run = await harness.prepareExecution(opts, 'bench-workflow');
	return {
		inputItems: run.inputItems,
		async execute() {
			try {
				return { outputs: await run.execute() };
			} catch (error) {
				return { outputs: null, error };
			}
		},
		release: run.release,
	};
}

/**
 * prepare, then execute() alone timed after a full GC; throws unless it made an image for every item. Resolves
 * the milliseconds. `what` names the run in the error.
 */
async function timeRun(opts, what) {
	const run = await prepare(opts);
	try {
		gc();
		const t0 = nowMs();
		const res = await run.execute();
		const ms = nowMs() - t0;
		if (res.error) throw res.error;
		const made = res.outputs[0].filter((i) => i.binary && i.binary.data).length;
		if (made !== opts.items.length) throw new Error(`${what}: ${made}/${opts.items.length} images`);
		return ms;
	} finally {
		run.release();
	}
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
	const executionId = rt.nextExecutionId();
	await pool(count, concurrency, async (i) => {
		await core.prepareBinaryData(buffer, executionId, 'bench-workflow', `image-${i}.png`, 'image/png');
	});
}

function dispose() {
	if (rt) rt.disposeHarness();
}

module.exports = { prepare, timeRun, runOnce, storeMany, dispose, model };
