'use strict';
// Long-running n8n processes (`n8n start`, `n8n worker`) with their logs and readiness waits, and the Redis
// server that queue mode needs.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');

const { request } = require('./rest');
const { runtimeOf } = require('./cli');
const { aptInstall, redact, seconds, sleep, stopChild, trackedSpawn } = require('./process');

/**
 * A long-running n8n process (`start` or `worker`) with its log kept in memory and in `logFile`.
 * opts: command ('start' | 'worker'), env, logFile, echo (function(line) for the terminal), rt.
 */
class N8nProcess {
	constructor({ command = 'start', env, logFile, echo, args = [] }) {
		const rt = runtimeOf(env);
		this.rt = rt;
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

	/**
	 * `n8n start`: waits for GET /healthz/readiness = 200 and then for the REST API (GET /rest/settings = 200:
	 * n8n 1.x answers readiness before it has registered its REST routes). Resolves the boot time in ms.
	 */
	async waitReady(timeoutMs = 180000) {
		const deadline = Date.now() + timeoutMs;
		let probe = '/healthz/readiness';
		while (Date.now() < deadline) {
			if (!this.running) throw new Error(`n8n ${this.command} exited during boot:\n${this.tail()}`);
			try {
				const res = await request('GET', `${this.url}${probe}`, { timeoutMs: 2000 });
				if (res.status === 200 && probe !== '/rest/settings') {
					probe = '/rest/settings';
					continue;
				}
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

function findRedisServer() {
	for (const p of ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/usr/sbin/redis-server']) {
		if (fs.existsSync(p)) return p;
	}
	const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
	return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : null;
}

/** Installs Debian's redis-server when missing (apt-get; needs root). Returns the binary path or null. */
function ensureRedisServer(log = (m) => process.stderr.write(`${m}\n`)) {
	return findRedisServer() || (aptInstall('redis-server', log, ['--no-install-recommends']) ? findRedisServer() : null);
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

module.exports = { N8nProcess, startN8n, startWorker, ensureRedisServer, startRedis };
