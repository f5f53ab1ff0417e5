'use strict';
// Drives a real n8n (the cached runtime of scripts/n8n-runtime.js) for `npm start`, `npm run demo` and the
// end-to-end tests: user folders, installing the packed package the way n8n's installer does, environment,
// CLI imports and `execute`, `n8n start` / `n8n worker` with readiness waits, the REST API, and shutting every
// child process down (whole process groups) on exit and Ctrl-C.
//
// Plain CommonJS on node: built-ins; runs on the project's Node 20 and starts n8n with the runtime's Node 24.
// Secrets (the CometAPI key) are never printed: everything echoed goes through redact().

const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const runtime = require('../n8n-runtime');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_JSON = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const PACKAGE_NAME = PACKAGE_JSON.name;
const NODE_TYPE = `${PACKAGE_NAME}.geminiImage`;
const CREDENTIAL = { id: 'cometCred0001', name: 'CometAPI account', type: 'cometApi' };
// Local sandbox only: the key that encrypts credentials in the SQLite file of a user folder made by these
// scripts. Fixed so that CLI imports, `n8n start` and workers of one folder agree.
const ENCRYPTION_KEY = 'n8n-nodes-cometapi-local-sandbox-encryption-key';
// Owner account of the local sandbox n8n (127.0.0.1 only), printed by `npm start`.
const SANDBOX_OWNER = {
	email: 'sandbox@n8n-nodes-cometapi.local',
	password: 'Sandbox-n8n-1',
	firstName: 'Sandbox',
	lastName: 'Owner',
};
const BROWSER_ID = 'n8n-nodes-cometapi-scripts';

// ------------------------------------------------------------------------------------------- small helpers
const secrets = new Set();
/** Registers a value that must never appear in anything printed. */
function addSecret(value) {
	if (typeof value === 'string' && value.length >= 4) secrets.add(value);
}
function redact(text) {
	let out = String(text);
	for (const s of secrets) out = out.split(s).join('<redacted>');
	return out;
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function sha256(buf) {
	return crypto.createHash('sha256').update(buf).digest('hex');
}

function seconds(ms) {
	return `${(ms / 1000).toFixed(1)} s`;
}

/** A free TCP port on 127.0.0.1 (not in `exclude`, nor handed out before by this process). */
const handedOut = new Set();
async function freePort(exclude = []) {
	for (let attempt = 0; attempt < 50; attempt++) {
		const port = await new Promise((resolve, reject) => {
			const srv = net.createServer();
			srv.unref();
			srv.once('error', reject);
			srv.listen(0, '127.0.0.1', () => {
				const p = srv.address().port;
				srv.close(() => resolve(p));
			});
		});
		if (!handedOut.has(port) && !exclude.includes(port)) {
			handedOut.add(port);
			return port;
		}
	}
	throw new Error('no free port found');
}

/** Whether something already listens on 127.0.0.1:port. */
function portInUse(port, host = '127.0.0.1') {
	return new Promise((resolve) => {
		const sock = net.connect({ port, host });
		sock.once('connect', () => {
			sock.destroy();
			resolve(true);
		});
		sock.once('error', () => resolve(false));
	});
}

// ------------------------------------------------------------------------------------------- processes
// Every child runs in its own process group (detached), so stopping it also stops what it started
// (n8n's task runners). Ctrl-C in a terminal reaches only our group: we stop the children ourselves.
const children = new Set();
let handlersInstalled = false;
let onSignalHook = null;

function installExitHandlers(onSignal) {
	if (onSignal) onSignalHook = onSignal;
	if (handlersInstalled) return;
	handlersInstalled = true;
	process.on('exit', () => {
		for (const c of children) killGroup(c, 'SIGKILL');
	});
	let stopping = false;
	const handler = (signal) => {
		if (stopping) {
			// second Ctrl-C: no more waiting
			for (const c of children) killGroup(c, 'SIGKILL');
			process.exit(130);
		}
		stopping = true;
		process.stderr.write(`\n${signal}: stopping everything this script started...\n`);
		Promise.resolve()
			.then(() => (onSignalHook ? onSignalHook(signal) : undefined))
			.catch(() => {})
			.then(() => stopAll())
			.finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
	};
	process.on('SIGINT', handler);
	process.on('SIGTERM', handler);
	process.on('SIGHUP', handler);
}

function killGroup(child, signal) {
	if (!child || child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			/* already gone */
		}
	}
}

function waitExit(child, ms) {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
	return new Promise((resolve) => {
		const t = setTimeout(() => resolve(false), ms);
		child.once('exit', () => {
			clearTimeout(t);
			resolve(true);
		});
	});
}

/** SIGTERM to the child's process group, SIGKILL after `graceMs`. */
async function stopChild(child, graceMs = 10000) {
	if (!child) return;
	killGroup(child, 'SIGTERM');
	if (!(await waitExit(child, graceMs))) {
		killGroup(child, 'SIGKILL');
		await waitExit(child, 3000);
	}
	// the group may still hold grandchildren (task runner) after the leader exited
	try {
		process.kill(-child.pid, 'SIGKILL');
	} catch {
		/* none left */
	}
	children.delete(child);
}

async function stopAll(graceMs = 10000) {
	await Promise.all([...children].reverse().map((c) => stopChild(c, graceMs)));
}

function trackedSpawn(cmd, args, opts) {
	const child = spawn(cmd, args, { ...opts, detached: true });
	children.add(child);
	child.once('exit', () => {
		children.delete(child);
		// what the child started in its group (n8n's task runner) goes with it
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {
			/* none left */
		}
	});
	return child;
}

// ------------------------------------------------------------------------------------------- runtime and package
function ensureRuntime() {
	const started = Date.now();
	const p = runtime.ensureRuntime();
	return { ...p, installMs: Date.now() - started };
}

/** Installs the runtime once and tells how long the first install took (from its .complete marker). */
function runtimeInfo() {
	const p = runtime.paths();
	try {
		return { ...p, marker: JSON.parse(fs.readFileSync(p.marker, 'utf8')) };
	} catch {
		return { ...p, marker: null };
	}
}

/** `npm pack` of the repository (dist/ must be built) into `destDir`; returns the tarball's path. */
function packPackage(destDir) {
	fs.mkdirSync(destDir, { recursive: true });
	if (!fs.existsSync(path.join(REPO_ROOT, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first');
	const res = spawnSync('npm', ['pack', '--json', '--pack-destination', destDir, '--ignore-scripts'], {
		cwd: REPO_ROOT,
		encoding: 'utf8',
	});
	if (res.status !== 0) throw new Error(`npm pack failed:\n${res.stderr}`);
	const info = JSON.parse(res.stdout.slice(res.stdout.indexOf('[')));
	const file = path.join(destDir, info[0].filename);
	return { file, files: info[0].files.map((f) => f.path), size: info[0].size, sha256: sha256(fs.readFileSync(file)) };
}

/**
 * Installs a packed tarball into `<userFolder>/.n8n/nodes` the way n8n's community package installer does
 * (CommunityPackagesService.downloadPackage): unpack into node_modules/<name>, drop dev/peer/optional
 * dependencies from its package.json, install its runtime dependencies (none for this package), and list it
 * in nodes/package.json.
 */
function installPackage(userFolder, tarball) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const pkgDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.rmSync(pkgDir, { recursive: true, force: true });
	fs.mkdirSync(pkgDir, { recursive: true });
	const tar = spawnSync('tar', ['-xzf', tarball, '-C', pkgDir, '--strip-components=1'], { encoding: 'utf8' });
	if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
	const pjPath = path.join(pkgDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...pj } = JSON.parse(fs.readFileSync(pjPath, 'utf8'));
	fs.writeFileSync(pjPath, JSON.stringify(pj, null, 2));
	if (pj.dependencies && Object.keys(pj.dependencies).length) {
		const res = spawnSync(
			'npm',
			['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'],
			{ cwd: pkgDir, encoding: 'utf8' },
		);
		if (res.status !== 0) throw new Error(`npm install in ${pkgDir} failed:\n${res.stderr}`);
	}
	const listPath = path.join(nodesDir, 'package.json');
	let list = { name: 'installed-nodes', private: true, dependencies: {} };
	try {
		list = JSON.parse(fs.readFileSync(listPath, 'utf8'));
	} catch {
		/* first install */
	}
	list.dependencies = { ...(list.dependencies || {}), [PACKAGE_NAME]: pj.version };
	fs.writeFileSync(listPath, JSON.stringify(list, null, 2));
	return { pkgDir, version: pj.version };
}

// ------------------------------------------------------------------------------------------- environment
/**
 * A user folder for n8n, laid out like a home folder: `<dir>/.n8n` holds the SQLite file, binary data and
 * installed packages; `<dir>/.n8n-files` (n8n's default `~/.n8n-files`) is the only place Read/Write Files
 * from Disk may touch. n8n runs with `<dir>` as its working directory, so `.n8n-files/x.png` works as a path.
 */
function filesDir(dir) {
	return path.join(dir, '.n8n-files');
}

function makeUserFolder(dir, { fresh = true } = {}) {
	if (fresh) fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(path.join(dir, '.n8n', 'nodes'), { recursive: true });
	fs.mkdirSync(filesDir(dir), { recursive: true });
	return { dir, filesDir: filesDir(dir), n8nDir: path.join(dir, '.n8n') };
}

/**
 * Environment for a quiet, offline n8n on 127.0.0.1 using `userFolder`.
 * opts: port, brokerPort, binaryMode ('filesystem' | 'default' | 'database'), queue ({host, port}),
 * logLevel, inherit (keep N8N_* etc. of the caller's environment), extra (more variables).
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
		N8N_DISABLED_MODULES: 'mcp-registry',
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
	});
	if (opts.port) {
		env.N8N_PORT = String(opts.port);
		env.N8N_WEBHOOK_URL = `http://127.0.0.1:${opts.port}/`;
		env.N8N_EDITOR_BASE_URL = `http://127.0.0.1:${opts.port}/`;
	}
	if (opts.brokerPort) env.N8N_RUNNERS_BROKER_PORT = String(opts.brokerPort);
	if (opts.binaryMode) env.N8N_DEFAULT_BINARY_DATA_MODE = opts.binaryMode;
	if (opts.queue) {
		env.EXECUTIONS_MODE = 'queue';
		env.QUEUE_BULL_REDIS_HOST = opts.queue.host || '127.0.0.1';
		env.QUEUE_BULL_REDIS_PORT = String(opts.queue.port);
		env.QUEUE_HEALTH_CHECK_ACTIVE = 'false';
	}
	Object.assign(env, opts.extra || {});
	return env;
}

// ------------------------------------------------------------------------------------------- the n8n CLI
/**
 * Runs `n8n <args>` to completion. Resolves {code, stdout, stderr, ms}; never rejects on exit codes.
 * Log level info: CLI commands print their results (import counts, `execute`'s JSON) as info log lines.
 */
function runN8n(args, { env: baseEnv, cwd, timeoutMs = 180000, rt = runtime.paths(), onLine } = {}) {
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
			children.delete(child);
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
	return { ok: res.code === 0 && !!execution && !error, code: res.code, execution, error, ms: res.ms, stdout: res.stdout, stderr: res.stderr };
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

// ------------------------------------------------------------------------------------------- binary data read-back
/**
 * The bytes n8n stored for a binary reference from execution data, read without n8n:
 * `default` mode keeps base64 inline; `filesystem-v2:<path>` lives under `.n8n/storage/<path>`;
 * `database:<fileId>` is a row of the `binary_data` table (read with the runtime's Node 24 `node:sqlite`).
 */
function readStoredBinary(userFolder, binary, rt = runtime.paths()) {
	if (!binary) throw new Error('no binary');
	if (!binary.id) return { mode: 'default', bytes: Buffer.from(binary.data, 'base64') };
	const sep = binary.id.indexOf(':');
	const mode = binary.id.slice(0, sep);
	const ref = binary.id.slice(sep + 1);
	if (mode === 'filesystem-v2' || mode === 'filesystem') {
		const base = path.join(userFolder, '.n8n', mode === 'filesystem-v2' ? 'storage' : 'binaryData');
		const file = path.join(base, ref);
		return { mode, file, bytes: fs.readFileSync(file) };
	}
	if (mode === 'database') {
		const db = path.join(userFolder, '.n8n', 'database.sqlite');
		const code = `const {DatabaseSync}=require('node:sqlite');const d=new DatabaseSync(process.argv[1],{readOnly:true});const r=d.prepare('SELECT data FROM binary_data WHERE fileId = ?').get(process.argv[2]);process.stdout.write(r?Buffer.from(r.data).toString('base64'):'');`;
		const res = spawnSync(rt.nodeBin, ['--no-warnings', '-e', code, db, ref], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
		if (res.status !== 0) throw new Error(`reading binary_data failed: ${res.stderr}`);
		if (!res.stdout) throw new Error(`no binary_data row ${ref}`);
		return { mode, file: `${db}#binary_data/${ref}`, bytes: Buffer.from(res.stdout, 'base64') };
	}
	throw new Error(`unknown binary data mode in id ${binary.id}`);
}

/** Every row of the `binary_data` table (database mode): {fileId, sourceType, sourceId, mimeType, fileName, fileSize, sha256}. */
function listDatabaseBinaries(userFolder, rt = runtime.paths()) {
	const db = path.join(userFolder, '.n8n', 'database.sqlite');
	const code = `const {DatabaseSync}=require('node:sqlite');const c=require('node:crypto');const d=new DatabaseSync(process.argv[1],{readOnly:true});const rows=d.prepare('SELECT * FROM binary_data').all().map(r=>{const o={};for(const [k,v] of Object.entries(r)){if(k==='data'){o.sha256=c.createHash('sha256').update(v).digest('hex');o.bytes=v.length;}else o[k]=v;}return o;});process.stdout.write(JSON.stringify(rows));`;
	const res = spawnSync(rt.nodeBin, ['--no-warnings', '-e', code, db], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	if (res.status !== 0) throw new Error(`reading binary_data failed: ${res.stderr}`);
	return JSON.parse(res.stdout);
}

// ------------------------------------------------------------------------------------------- HTTP
/** Minimal HTTP client: resolves {status, headers, body (Buffer), json (if JSON)}. */
function request(method, url, { headers = {}, body, timeoutMs = 60000 } = {}) {
	return new Promise((resolve, reject) => {
		const u = new URL(url);
		let payload = body;
		const h = { ...headers };
		if (body !== undefined && !Buffer.isBuffer(body) && typeof body !== 'string') {
			payload = JSON.stringify(body);
			h['content-type'] = h['content-type'] || 'application/json';
		}
		if (payload !== undefined) h['content-length'] = Buffer.byteLength(payload);
		const req = http.request(
			{ method, hostname: u.hostname, port: u.port, path: u.pathname + u.search, headers: h, timeout: timeoutMs },
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const buf = Buffer.concat(chunks);
					let json;
					if (/json/.test(res.headers['content-type'] || '')) {
						try {
							json = JSON.parse(buf.toString('utf8'));
						} catch {
							/* not JSON after all */
						}
					}
					resolve({ status: res.statusCode, headers: res.headers, body: buf, json });
				});
				res.on('error', reject);
			},
		);
		req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
		req.on('error', reject);
		if (payload !== undefined) req.write(payload);
		req.end();
	});
}

// ------------------------------------------------------------------------------------------- n8n start / worker
/**
 * A long-running n8n process (`start` or `worker`) with its log kept in memory and in `logFile`.
 * opts: command ('start' | 'worker'), env, logFile, echo (function(line) for the terminal), rt.
 */
class N8nProcess {
	constructor({ command = 'start', env, logFile, echo, rt = runtime.paths(), args = [] }) {
		this.command = command;
		this.env = env;
		this.port = env.N8N_PORT ? Number(env.N8N_PORT) : null;
		this.url = this.port ? `http://127.0.0.1:${this.port}` : null;
		this.log = '';
		this.startedAt = Date.now();
		const logStream = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null;
		this.logFile = logFile;
		this.child = trackedSpawn(rt.nodeBin, [rt.n8nBin, command, ...args], {
			cwd: env.N8N_USER_FOLDER,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
		let partial = '';
		const onData = (c) => {
			const text = redact(c.toString('utf8'));
			this.log += text;
			if (this.log.length > 4 * 1024 * 1024) this.log = this.log.slice(-2 * 1024 * 1024);
			if (logStream) logStream.write(text);
			if (echo) {
				partial += text;
				const lines = partial.split('\n');
				partial = lines.pop();
				for (const l of lines) echo(l);
			}
		};
		this.child.stdout.on('data', onData);
		this.child.stderr.on('data', onData);
		this.child.once('exit', () => logStream && logStream.end());
	}

	get running() {
		return this.child.exitCode === null && this.child.signalCode === null;
	}

	tail(lines = 40) {
		return this.log.trim().split('\n').slice(-lines).join('\n');
	}

	/**
	 * Waits for a log line matching `re` (in the log after offset `from`, e.g. an earlier `log.length`);
	 * rejects when the process exits first or after timeoutMs.
	 */
	async waitForLog(re, timeoutMs = 120000, from = 0) {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const m = re.exec(this.log.slice(from));
			if (m) return m;
			if (!this.running) throw new Error(`n8n ${this.command} exited before logging ${re}:\n${this.tail()}`);
			await sleep(200);
		}
		throw new Error(`n8n ${this.command}: no ${re} in the log after ${seconds(timeoutMs)}:\n${this.tail()}`);
	}

	/** `n8n start`: waits for GET /healthz/readiness = 200. Resolves the boot time in ms. */
	async waitReady(timeoutMs = 180000) {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (!this.running) throw new Error(`n8n ${this.command} exited during boot:\n${this.tail()}`);
			try {
				const res = await request('GET', `${this.url}/healthz/readiness`, { timeoutMs: 2000 });
				if (res.status === 200) {
					this.readyMs = Date.now() - this.startedAt;
					return this.readyMs;
				}
			} catch {
				/* not listening yet */
			}
			await sleep(250);
		}
		throw new Error(`n8n ${this.command} not ready after ${seconds(timeoutMs)}:\n${this.tail()}`);
	}

	async stop(graceMs = 15000) {
		await stopChild(this.child, graceMs);
	}
}

function startN8n(opts) {
	return new N8nProcess({ ...opts, command: 'start' });
}

function startWorker(opts) {
	return new N8nProcess({ ...opts, command: 'worker', args: opts.concurrency ? [`--concurrency=${opts.concurrency}`] : [] });
}

// ------------------------------------------------------------------------------------------- REST API (session)
/** n8n stores execution data with `flatted` (JSON with references); use the copy n8n itself ships. */
function loadFlatted(rt = runtime.paths()) {
	return require(path.join(rt.dir, 'node_modules', 'flatted'));
}

/** The editor's REST API with a session cookie (what the browser does). */
class RestClient {
	constructor(baseUrl) {
		this.baseUrl = baseUrl.replace(/\/+$/, '');
		this.cookie = null;
	}

	async call(method, p, body, { expect } = {}) {
		const headers = { 'browser-id': BROWSER_ID };
		if (this.cookie) headers.cookie = this.cookie;
		const res = await request(method, `${this.baseUrl}/rest${p}`, { headers, body });
		const setCookie = res.headers['set-cookie'];
		if (setCookie) {
			const auth = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
			if (auth) this.cookie = auth;
		}
		if (expect && res.status !== expect) {
			throw new Error(`${method} /rest${p}: HTTP ${res.status} ${redact(res.body.toString('utf8').slice(0, 500))}`);
		}
		return res;
	}

	/** Sets up the owner account (first run) or logs in with it (owner already there). */
	async setupOwnerOrLogin(owner = SANDBOX_OWNER) {
		const setup = await this.call('POST', '/owner/setup', owner);
		if (setup.status === 200) return 'created';
		const login = await this.call('POST', '/login', { emailOrLdapLoginId: owner.email, password: owner.password });
		if (login.status === 200) return 'logged-in';
		throw new Error(
			`owner setup answered HTTP ${setup.status} and login HTTP ${login.status}: ${login.body.toString('utf8').slice(0, 300)}`,
		);
	}

	/** Activates (publishes) a workflow in a running n8n; its webhooks register at once. */
	async activateWorkflow(id) {
		const wf = await this.call('GET', `/workflows/${id}`, undefined, { expect: 200 });
		const data = wf.json.data || wf.json;
		if (data.active && data.activeVersionId === data.versionId) return data;
		const res = await this.call('POST', `/workflows/${id}/activate`, { versionId: data.versionId }, { expect: 200 });
		return res.json.data || res.json;
	}

	/**
	 * What the editor's "Execute workflow" button does: POST /rest/workflows/:id/run from a trigger, then waits
	 * for the execution to finish. Resolves {id, status, execution} where execution.data.resultData.runData is
	 * the plain run data (n8n stores it "flatted"; parsed with the runtime's own `flatted`).
	 */
	async runWorkflowManually(id, triggerName, { timeoutMs = 300000 } = {}) {
		const started = await this.call('POST', `/workflows/${id}/run`, { triggerToStartFrom: { name: triggerName } }, { expect: 200 });
		const executionId = (started.json.data || started.json).executionId;
		if (!executionId) throw new Error(`POST /rest/workflows/${id}/run gave no executionId: ${started.body.toString('utf8').slice(0, 300)}`);
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const res = await this.call('GET', `/executions/${executionId}`);
			const ex = res.status === 200 ? res.json.data || res.json : null;
			if (ex && ex.finished !== undefined && ex.status && !['new', 'running', 'waiting'].includes(ex.status)) {
				const data = typeof ex.data === 'string' ? loadFlatted().parse(ex.data) : ex.data;
				return { id: executionId, status: ex.status, execution: { ...ex, data } };
			}
			await sleep(300);
		}
		throw new Error(`execution ${executionId} did not finish within ${seconds(timeoutMs)}`);
	}

	/** The editor's "Test" button on a saved credential; `data` overrides stored fields (like the edit dialog). */
	async testCredential(cred, data) {
		const res = await this.call('POST', '/credentials/test', {
			credentials: { id: cred.id, name: cred.name, type: cred.type, data: data || {} },
		});
		if (res.status !== 200) throw new Error(`POST /rest/credentials/test: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 300)}`);
		return res.json.data || res.json; // {status: 'OK' | 'Error', message}
	}
}

/** Calls a webhook, retrying briefly on the 404 n8n gives while it is still registering webhooks. */
async function callWebhook(url, { method = 'POST', body, headers, timeoutMs = 120000, retryForMs = 15000 } = {}) {
	const deadline = Date.now() + retryForMs;
	for (;;) {
		const res = await request(method, url, { body, headers, timeoutMs });
		if (res.status !== 404 || Date.now() > deadline) return res;
		await sleep(300);
	}
}

// ------------------------------------------------------------------------------------------- redis (queue mode)
function findRedisServer() {
	for (const p of ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/usr/sbin/redis-server']) {
		if (fs.existsSync(p)) return p;
	}
	const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
	return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : null;
}

/** Installs Debian's redis-server when missing (apt-get; needs root). Returns the binary path or null. */
function ensureRedisServer(log = (m) => process.stderr.write(`${m}\n`)) {
	let bin = findRedisServer();
	if (bin) return bin;
	if (process.getuid && process.getuid() !== 0) return null;
	log('redis-server is missing: installing Debian\'s package (apt-get install -y redis-server)');
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	let res = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], { stdio: 'inherit', env });
	if (res.status !== 0) {
		spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
		res = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], { stdio: 'inherit', env });
	}
	bin = findRedisServer();
	return bin;
}

/** Starts redis-server on 127.0.0.1:port without persistence; resolves when it answers PING. */
async function startRedis(bin, port, dir) {
	const child = trackedSpawn(
		bin,
		['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes'],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let log = '';
	child.stdout.on('data', (c) => (log += c));
	child.stderr.on('data', (c) => (log += c));
	const deadline = Date.now() + 15000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`redis-server exited: ${log}`);
		const pong = await new Promise((resolve) => {
			const sock = net.connect({ port, host: '127.0.0.1' });
			sock.once('connect', () => sock.write('PING\r\n'));
			sock.once('data', (d) => {
				sock.destroy();
				resolve(d.toString().startsWith('+PONG'));
			});
			sock.once('error', () => resolve(false));
		});
		if (pong) return { child, port, stop: () => stopChild(child, 5000) };
		await sleep(100);
	}
	await stopChild(child, 1000);
	throw new Error(`redis-server did not answer on port ${port}: ${log}`);
}

// ------------------------------------------------------------------------------------------- images
/** Kind and pixel size of PNG / JPEG / WebP / GIF bytes (null when unknown). */
function imageInfo(buf) {
	if (buf.length >= 24 && buf.readUInt32BE(0) === 0x89504e47) {
		return { type: 'png', width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
	}
	if (buf.length >= 10 && buf.toString('ascii', 0, 3) === 'GIF') {
		return { type: 'gif', width: buf.readUInt16LE(6), height: buf.readUInt16LE(8) };
	}
	if (buf.length >= 30 && buf.toString('ascii', 0, 4) === 'RIFF' && buf.toString('ascii', 8, 12) === 'WEBP') {
		const chunk = buf.toString('ascii', 12, 16);
		if (chunk === 'VP8X') return { type: 'webp', width: 1 + buf.readUIntLE(24, 3), height: 1 + buf.readUIntLE(27, 3) };
		if (chunk === 'VP8L') {
			const b = buf.readUInt32LE(21);
			return { type: 'webp', width: 1 + (b & 0x3fff), height: 1 + ((b >> 14) & 0x3fff) };
		}
		if (chunk === 'VP8 ') return { type: 'webp', width: buf.readUInt16LE(26) & 0x3fff, height: buf.readUInt16LE(28) & 0x3fff };
	}
	if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8) {
		let i = 2;
		while (i + 9 < buf.length) {
			if (buf[i] !== 0xff) {
				i++;
				continue;
			}
			const marker = buf[i + 1];
			if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
				i += 2;
				continue;
			}
			const len = buf.readUInt16BE(i + 2);
			if ((marker >= 0xc0 && marker <= 0xcf) && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
				return { type: 'jpeg', width: buf.readUInt16BE(i + 7), height: buf.readUInt16BE(i + 5) };
			}
			i += 2 + len;
		}
		return { type: 'jpeg', width: null, height: null };
	}
	return null;
}

module.exports = {
	REPO_ROOT,
	PACKAGE_NAME,
	NODE_TYPE,
	CREDENTIAL,
	ENCRYPTION_KEY,
	SANDBOX_OWNER,
	addSecret,
	redact,
	sleep,
	sha256,
	seconds,
	freePort,
	portInUse,
	installExitHandlers,
	stopChild,
	stopAll,
	trackedSpawn,
	ensureRuntime,
	runtimeInfo,
	packPackage,
	installPackage,
	makeUserFolder,
	filesDir,
	n8nEnv,
	runN8n,
	importCredentials,
	importWorkflows,
	publishWorkflow,
	parseExecutionJson,
	executeWorkflow,
	nodeItems,
	nodeError,
	readStoredBinary,
	listDatabaseBinaries,
	request,
	N8nProcess,
	startN8n,
	startWorker,
	RestClient,
	callWebhook,
	ensureRedisServer,
	startRedis,
	imageInfo,
};
