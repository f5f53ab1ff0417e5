'use strict';
// The n8n command line: the environment of a quiet, offline n8n on 127.0.0.1, one-shot commands (imports,
// `execute`), reading their output, and reading back the binary data n8n stored.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { ENCRYPTION_KEY } = require('./constants');
const { filesDir } = require('./pack');
const { addSecret, redact, seconds, stopChild, trackedSpawn, untrack } = require('./process');
const runtime = require('./runtime');

/** The runtime an environment made by n8nEnv belongs to. */
function runtimeOf(env) {
	return runtime.paths(env.COMETAPI_N8N_LINE || runtime.DEFAULT_LINE);
}

/**
 * Environment for a quiet, offline n8n on 127.0.0.1 using `userFolder`.
 * opts: rt (the runtime, scripts/lib/runtime.js; default the newest 2.x), port, brokerPort,
 * binaryMode ('filesystem' | 'default' | 'database'; unset: the line's own default), queue ({host, port}), logLevel,
 * inherit (keep N8N_* etc. of the caller's environment), extra (more variables).
 */
function n8nEnv(userFolder, opts = {}) {
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (!opts.inherit && /^(N8N_|DB_|QUEUE_|EXECUTIONS_|GENERIC_|WEBHOOK_URL$|NODE_FUNCTION_|OFFLOAD_)/.test(k)) continue;
		if (/^npm_/.test(k)) continue; // npm's own variables (nodedir of Node 20 and so on)
		env[k] = v;
	}
	delete env.NODE_OPTIONS;
	Object.assign(env, {
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		// explicit values of the defaults n8n 2.41 warns will change (keeps the boot log short)
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_RUNNERS_TASK_TIMEOUT: '300',
		N8N_SECURE_COOKIE: 'false',
		N8N_HOST: '127.0.0.1',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_RESTRICT_FILE_ACCESS_TO: filesDir(userFolder),
		N8N_LOG_LEVEL: opts.logLevel || 'info',
		N8N_LOG_OUTPUT: 'console',
		DB_TYPE: 'sqlite',
		NODE_ENV: 'production',
		NO_COLOR: '1',
		// which runtime runs this environment (read by runN8n and N8nProcess); n8n ignores it
		COMETAPI_N8N_LINE: (opts.rt || runtime.paths()).line,
	});
	Object.assign(env, (opts.rt || runtime.paths()).env);
	if (opts.port) {
		env.N8N_PORT = String(opts.port);
		env.N8N_WEBHOOK_URL = `http://127.0.0.1:${opts.port}/`;
		env.N8N_EDITOR_BASE_URL = `http://127.0.0.1:${opts.port}/`;
	}
	if (opts.brokerPort) env.N8N_RUNNERS_BROKER_PORT = String(opts.brokerPort);
	if (opts.binaryMode) env.N8N_DEFAULT_BINARY_DATA_MODE = opts.binaryMode;
	// n8n 1.x has the `database` mode too, but offers only `filesystem` (besides `default`) unless told
	if (opts.binaryMode === 'database' && (opts.rt || runtime.paths()).line === '1')
		env.N8N_AVAILABLE_BINARY_DATA_MODES = 'filesystem,database';
	if (opts.queue) {
		env.EXECUTIONS_MODE = 'queue';
		env.QUEUE_BULL_REDIS_HOST = opts.queue.host || '127.0.0.1';
		env.QUEUE_BULL_REDIS_PORT = String(opts.queue.port);
		env.QUEUE_HEALTH_CHECK_ACTIVE = 'false';
	}
	Object.assign(env, opts.extra || {});
	return env;
}

/**
 * Runs `n8n <args>` to completion. Resolves {code, stdout, stderr, ms}; never rejects on exit codes.
 * Log level info: CLI commands print their results (import counts, `execute`'s JSON) as info log lines.
 */
function runN8n(args, { env: baseEnv, cwd, timeoutMs = 180000, onLine } = {}) {
	const rt = runtimeOf(baseEnv);
	const started = Date.now();
	const env = { ...baseEnv, N8N_LOG_LEVEL: 'info' };
	return new Promise((resolve, reject) => {
		const child = trackedSpawn(rt.nodeBin, [rt.n8nBin, ...args], {
			cwd: cwd || env.N8N_USER_FOLDER,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const out = [];
		const err = [];
		child.stdout.on('data', (c) => {
			out.push(c);
			if (onLine) onLine(c.toString());
		});
		child.stderr.on('data', (c) => {
			err.push(c);
			if (onLine) onLine(c.toString());
		});
		const timer = setTimeout(() => {
			process.stderr.write(`n8n ${args[0]} timed out after ${seconds(timeoutMs)}, stopping it\n`);
			stopChild(child, 2000);
		}, timeoutMs);
		child.once('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			untrack(child);
			try {
				process.kill(-child.pid, 'SIGKILL'); // leftovers of the group (task runner)
			} catch {
				/* none */
			}
			resolve({
				code: code === null ? 128 + (os.constants.signals[signal] || 0) : code,
				stdout: Buffer.concat(out).toString('utf8'),
				stderr: Buffer.concat(err).toString('utf8'),
				ms: Date.now() - started,
			});
		});
	});
}

function cliFailure(what, res) {
	const tail = redact(`${res.stdout}\n${res.stderr}`).trim().split('\n').slice(-40).join('\n');
	return new Error(`${what} failed (exit ${res.code}):\n${tail}`);
}

/** `n8n import:credentials` of a list of {id, name, type, data}; data is encrypted by n8n on import. */
async function importCredentials(env, credentials) {
	for (const c of credentials) addSecret(c.data && c.data.apiKey);
	const file = path.join(env.N8N_USER_FOLDER, `.import-credentials-${process.pid}.json`);
	fs.writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
	try {
		const res = await runN8n(['import:credentials', `--input=${file}`], { env });
		if (res.code !== 0 || !/Successfully imported/i.test(res.stdout + res.stderr)) throw cliFailure('n8n import:credentials', res);
		return res;
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/** `n8n import:workflow --separate` of a list of workflow objects (each with an `id`), in one n8n boot. */
async function importWorkflows(env, workflows, extraArgs = []) {
	const dir = path.join(env.N8N_USER_FOLDER, `.import-workflows-${process.pid}`);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	workflows.forEach((wf, i) => {
		if (!wf.id) throw new Error(`workflow "${wf.name}" has no id`);
		fs.writeFileSync(path.join(dir, `${String(i).padStart(3, '0')}-${wf.id}.json`), JSON.stringify(wf, null, 2));
	});
	try {
		const res = await runN8n(['import:workflow', '--separate', `--input=${dir}`, ...extraArgs], { env });
		if (res.code !== 0 || !/Successfully imported/i.test(res.stdout + res.stderr)) throw cliFailure('n8n import:workflow', res);
		return res;
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/** `n8n publish:workflow --id=...` (2.x's replacement of `update:workflow --active=true`); n8n must not be running. */
async function publishWorkflow(env, id) {
	const res = await runN8n(['publish:workflow', `--id=${id}`], { env });
	if (res.code !== 0) throw cliFailure(`n8n publish:workflow --id=${id}`, res);
	return res;
}

/**
 * Extracts the execution JSON that `n8n execute --rawOutput` prints (pretty-printed, after log lines).
 * Returns the object or null.
 */
function parseExecutionJson(text) {
	const lines = text.split('\n');
	const starts = [];
	const ends = [];
	lines.forEach((l, i) => {
		if (/^\{\s*$/.test(l)) starts.push(i);
		if (/^\}\s*$/.test(l)) ends.push(i);
	});
	for (const s of starts) {
		for (let e = ends.length - 1; e >= 0; e--) {
			if (ends[e] <= s) break;
			try {
				const obj = JSON.parse(lines.slice(s, ends[e] + 1).join('\n'));
				if (obj && typeof obj === 'object' && obj.data && obj.data.resultData) return obj;
			} catch {
				/* try a shorter span */
			}
		}
	}
	return null;
}

/**
 * `n8n execute --id=<id> --rawOutput`: runs a Manual Trigger workflow in one n8n boot.
 * Resolves {ok, code, execution, ms, stdout, stderr, error}.
 */
async function executeWorkflow(env, id, opts = {}) {
	const res = await runN8n(['execute', `--id=${id}`, '--rawOutput'], { env, timeoutMs: opts.timeoutMs || 300000 });
	const execution = parseExecutionJson(res.stdout) || parseExecutionJson(res.stdout + res.stderr);
	const error = execution && execution.data.resultData.error;
	return {
		ok: res.code === 0 && !!execution && !error,
		code: res.code,
		execution,
		error,
		ms: res.ms,
		stdout: res.stdout,
		stderr: res.stderr,
	};
}

/** The output items of a node in an execution (run 0, output 0 unless told). */
function nodeItems(execution, nodeName, { run = 0, output = 0 } = {}) {
	const runs = execution && execution.data && execution.data.resultData.runData[nodeName];
	if (!runs || !runs[run]) return null;
	const main = runs[run].data && runs[run].data.main;
	return (main && main[output]) || [];
}

function nodeError(execution, nodeName, run = 0) {
	const runs = execution && execution.data && execution.data.resultData.runData[nodeName];
	return runs && runs[run] && runs[run].error;
}

/** Where `filesystem` mode keeps its files: `.n8n/storage` in n8n 2.x, `.n8n/binaryData` in 1.x. */
function binaryStorageDir(userFolder, rt) {
	return path.join(userFolder, '.n8n', rt.line === '1' ? 'binaryData' : 'storage');
}

/**
 * Runs one SQL query on an n8n user folder's SQLite file with the sqlite3 module the runtime's n8n ships
 * (so it works with either line's Node). BLOB columns come back as {sha256, bytes} unless `blobs` is true
 * (then as Buffers). Resolves the rows.
 */
function sqliteQuery(userFolder, rt, sql, params = [], { blobs = false } = {}) {
	const db = path.join(userFolder, '.n8n', 'database.sqlite');
	const code = `
		const [mod, file, sql, params, blobs] = process.argv.slice(1);
		const sqlite3 = require(mod); const c = require('node:crypto');
		const d = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (e) => { if (e) { console.error(e.message); process.exit(2); } });
		d.all(sql, JSON.parse(params), (e, rows) => {
			if (e) { console.error(e.message); process.exit(3); }
			const out = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Buffer.isBuffer(v)
				? (blobs === '1' ? { base64: v.toString('base64') } : { sha256: c.createHash('sha256').update(v).digest('hex'), bytes: v.length })
				: v])));
			process.stdout.write(JSON.stringify(out)); d.close();
		});`;
	const res = spawnSync(
		rt.nodeBin,
		['--no-warnings', '-e', code, path.join(rt.modules, 'sqlite3'), db, sql, JSON.stringify(params), blobs ? '1' : '0'],
		{
			encoding: 'utf8',
			maxBuffer: 512 * 1024 * 1024,
		},
	);
	if (res.status !== 0) throw new Error(`SQLite query on ${db} failed: ${res.stderr}`);
	return JSON.parse(res.stdout);
}

/**
 * The bytes n8n stored for a binary reference from execution data, read without n8n:
 * `default` mode keeps base64 inline; `filesystem-v2:<path>` lives under the storage folder (see
 * binaryStorageDir); `database:<fileId>` is a row of the `binary_data` table of the SQLite file.
 * rt: the runtime of the n8n that wrote it (default the newest 2.x).
 */
function readStoredBinary(userFolder, binary, rt = runtime.paths()) {
	if (!binary) throw new Error('no binary');
	if (!binary.id) return { mode: 'default', bytes: Buffer.from(binary.data, 'base64') };
	const sep = binary.id.indexOf(':');
	const mode = binary.id.slice(0, sep);
	const ref = binary.id.slice(sep + 1);
	if (mode === 'filesystem-v2' || mode === 'filesystem') {
		const base = mode === 'filesystem-v2' ? binaryStorageDir(userFolder, rt) : path.join(userFolder, '.n8n', 'binaryData');
		const file = path.join(base, ref);
		return { mode, file, bytes: fs.readFileSync(file) };
	}
	if (mode === 'database') {
		const rows = sqliteQuery(userFolder, rt, 'SELECT data FROM binary_data WHERE fileId = ?', [ref], { blobs: true });
		if (!rows.length) throw new Error(`no binary_data row ${ref}`);
		return { mode, file: `database.sqlite#binary_data/${ref}`, bytes: Buffer.from(rows[0].data.base64, 'base64') };
	}
	throw new Error(`unknown binary data mode in id ${binary.id}`);
}

/** Every row of the `binary_data` table (database mode): {fileId, sourceType, sourceId, mimeType, fileName, fileSize, data: {sha256, bytes}}. */
function listDatabaseBinaries(userFolder, rt = runtime.paths()) {
	return sqliteQuery(userFolder, rt, 'SELECT * FROM binary_data').map(({ data, ...row }) => ({
		...row,
		sha256: data.sha256,
		bytes: data.bytes,
	}));
}

module.exports = {
	runtimeOf,
	n8nEnv,
	runN8n,
	importCredentials,
	importWorkflows,
	publishWorkflow,
	parseExecutionJson,
	executeWorkflow,
	nodeItems,
	nodeError,
	binaryStorageDir,
	sqliteQuery,
	readStoredBinary,
	listDatabaseBinaries,
};
