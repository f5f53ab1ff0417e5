'use strict';
// The e2e suite's tiny test runner: named tests and timed phases (each tagged with the n8n line it ran in),
// assertions, logs under .e2e/logs/<line>/, and the summary.
const fs = require('node:fs');
const path = require('node:path');

const L = require('../../scripts/lib');

const LOGS_ROOT = path.join(L.REPO_ROOT, '.e2e', 'logs');
const results = [];
const timings = [];
let tag = ''; // "[n8n 2.41.1] " while a line runs

/** A failure that must stop the whole run at once (the suite would not test what users run). */
class Fatal extends Error {}

function setLine(rt) {
	tag = rt ? `[${rt.label}] ` : '';
}

function logsDir(rt) {
	const dir = path.join(LOGS_ROOT, rt ? rt.line : 'shared');
	fs.mkdirSync(dir, { recursive: true });
	return dir;
}

function writeLog(rt, name, text) {
	fs.writeFileSync(path.join(logsDir(rt), name), L.redact(text));
}

function assert(cond, message) {
	if (!cond) throw new Error(message);
}

function eq(actual, expected, what) {
	if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

const indent = (e) => L.redact(e && e.stack ? e.stack : e).split('\n').join('\n      ');

async function test(name, fn) {
	const started = Date.now();
	try {
		await fn();
		results.push({ name: tag + name, ok: true });
		console.log(`  ✔ ${name} (${Date.now() - started} ms)`);
	} catch (e) {
		results.push({ name: tag + name, ok: false, error: e });
		console.log(`  ✘ ${name}\n      ${indent(e)}`);
		if (e instanceof Fatal) throw e;
	}
}

/** A phase: timed; if it throws, that counts as one failed test and its remaining checks are skipped. */
async function phase(name, fn) {
	console.log(`\n▶ ${tag}${name}`);
	const started = Date.now();
	const timing = { name: tag + name, ms: 0 };
	timings.push(timing); // before the phase's own sub-timings
	try {
		await fn();
	} catch (e) {
		if (e instanceof Fatal) throw e;
		results.push({ name: `${tag}${name} (phase)`, ok: false, error: e });
		console.log(`  ✘ ${name} could not run:\n      ${indent(e)}`);
	}
	timing.ms = Date.now() - started;
	console.log(`  ⏱ ${name}: ${L.seconds(timing.ms)}`);
}

function time(name, ms) {
	timings.push({ name: `  ${tag}${name}`, ms });
}

/** The index an output item is paired with (number, {item}, or a one-element list of those), else null. */
function pairedIndex(item) {
	const p = item.pairedItem;
	if (typeof p === 'number') return p;
	if (Array.isArray(p)) return p.length === 1 ? pairedIndex({ pairedItem: p[0] }) : null;
	return p ? p.item : null;
}

function printTimings(totalMs) {
	console.log('\nTimings');
	for (const t of timings) console.log(`  ${t.name.padEnd(78)} ${L.seconds(t.ms).padStart(8)}`);
	console.log(`  ${'total'.padEnd(78)} ${L.seconds(totalMs).padStart(8)}`);
	console.log(`  logs: ${path.relative(L.REPO_ROOT, LOGS_ROOT)}/<line>/`);
}

function summaryAndExit() {
	const passed = results.filter((r) => r.ok).length;
	const failed = results.length - passed;
	if (failed) {
		console.log('\nFailed:');
		for (const r of results.filter((x) => !x.ok)) console.log(`  ✘ ${r.name}`);
	}
	console.log(`\n${passed} passed, ${failed} failed`);
	process.exit(failed || results.length === 0 ? 1 : 0);
}

function recordFailure(name, error) {
	results.push({ name: tag + name, ok: false, error });
}

module.exports = {
	LOGS_ROOT,
	Fatal,
	setLine,
	logsDir,
	writeLog,
	assert,
	eq,
	test,
	phase,
	time,
	pairedIndex,
	printTimings,
	summaryAndExit,
	recordFailure,
};
