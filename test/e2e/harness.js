'use strict';
// The e2e suite's checks on node:test (test/lib/suite.js): phases and checks named with the n8n line they run in,
// timings as notes in the report, logs under .e2e/logs/<line>/, and the pairedItem reader.
const fs = require('node:fs');
const path = require('node:path');

const L = require('../../scripts/lib');
const suite = require('../lib/suite');

const LOGS_ROOT = path.join(L.REPO_ROOT, '.e2e', 'logs');
let tag = ''; // "[n8n 2.41.1] " while a line runs

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

/** A check: a failure is reported and the phase goes on. */
const test = (name, fn) => suite.test(name, fn);

/** A phase, tagged with the line: if it throws, its remaining checks are skipped; the run goes on. */
function phase(name, fn) {
	console.log(`\n→ ${tag}${name}`);
	return suite.test(tag + name, fn);
}

/** A timing inside the running phase. */
function time(name, ms) {
	suite.note(`⏱ ${name}: ${L.seconds(ms)}`);
}

/** The index an output item is paired with (number, {item}, or a one-element list of those), else null. */
function pairedIndex(item) {
	const p = item.pairedItem;
	if (typeof p === 'number') return p;
	if (Array.isArray(p)) return p.length === 1 ? pairedIndex({ pairedItem: p[0] }) : null;
	return p ? p.item : null;
}

/** The newest execution of a workflow, once it has finished. */
async function lastExecution(rest, workflowId, timeoutMs = 60000) {
	const list = await rest.call('GET', `/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}&limit=1`, undefined, {
		expect: 200,
	});
	const body = list.json.data || list.json;
	const [latest] = body.results || body;
	if (!latest) throw new Error(`no execution of workflow ${workflowId}`);
	return await rest.waitForExecution(latest.id, { timeoutMs });
}

module.exports = {
	LOGS_ROOT,
	Fatal: suite.Fatal,
	stoppedBy: suite.stoppedBy,
	setLine,
	logsDir,
	writeLog,
	assert: suite.assert,
	eq: suite.eq,
	test,
	phase,
	time,
	pairedIndex,
	lastExecution,
};
