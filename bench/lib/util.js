'use strict';
// Small helpers shared by the benchmark's parts.

const { spawn } = require('node:child_process');
const path = require('node:path');

function median(values) {
	const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
	if (!v.length) return NaN;
	const mid = Math.floor(v.length / 2);
	return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

function min(values) {
	return Math.min(...values.filter((x) => Number.isFinite(x)));
}

function max(values) {
	return Math.max(...values.filter((x) => Number.isFinite(x)));
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** Full GC when the process runs with --expose-gc (twice: the first pass may only free what it finalises). */
function gc() {
	if (typeof global.gc === 'function') {
		global.gc();
		global.gc();
	}
}

/** The node, the credential and the test harness compiled for the benchmark (bench/run.js, tsconfig.bench.json). */
const BUILD = path.resolve(__dirname, '..', '..', '.bench-build');

/**
 * Runs `task(i)` for i < count with at most `limit` at once: the node's own pool (compiled into BUILD), so the
 * plain client of the baseline schedules its requests exactly as the node does.
 */
function pool(count, limit, task) {
	return require(path.join(BUILD, 'nodes', 'GeminiImage', 'actions', 'router.js')).runPool(count, limit, task);
}

/** Rotates `list` by `n` (the order of the contenders changes every repetition). */
function rotate(list, n) {
	const k = ((n % list.length) + list.length) % list.length;
	return [...list.slice(k), ...list.slice(0, k)];
}

/**
 * Runs a bench script in a child Node process; its last stdout line is a JSON result.
 * stderr goes through (progress lines). Resolves the parsed result.
 */
function runChild(script, payload, { nodeArgs = ['--expose-gc'], echo = true, timeoutMs = 600000 } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [...nodeArgs, path.resolve(script), JSON.stringify(payload)], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`${path.basename(script)} timed out after ${timeoutMs} ms`));
		}, timeoutMs);
		child.stdout.on('data', (c) => (out += c));
		child.stderr.on('data', (c) => {
			err += c;
			if (echo) process.stderr.write(c);
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			const last = out.trim().split('\n').pop();
			try {
				const parsed = JSON.parse(last);
				if (code !== 0 && !parsed) throw new Error('no result');
				resolve(parsed);
			} catch {
				reject(new Error(`${path.basename(script)} exited ${code} without a result:\n${out.slice(-2000)}\n${err.slice(-2000)}`));
			}
		});
	});
}

/** A child bench script's main: reads its payload, prints the JSON result as the last stdout line. */
function childMain(fn) {
	const payload = JSON.parse(process.argv[2] || '{}');
	Promise.resolve()
		.then(() => fn(payload))
		.then(
			(result) => {
				process.stdout.write(`\n${JSON.stringify(result)}\n`);
				process.exit(0);
			},
			(error) => {
				process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
				process.stdout.write(`\n${JSON.stringify({ error: String(error && error.message ? error.message : error) })}\n`);
				process.exit(1);
			},
		);
}

const log = (msg) => process.stderr.write(`${msg}\n`);

const MB = 1024 * 1024;

module.exports = { BUILD, median, min, max, nowMs, gc, pool, rotate, runChild, childMain, log, MB };
