'use strict';
// Child processes of the dev scripts: each in its own process group, all stopped on exit and Ctrl-C; ports;
// Debian packages installed when missing; and the secrets (API keys) that must never appear in anything printed.
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const net = require('node:net');

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

const { setTimeout: sleep } = require('node:timers/promises');

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

/** Forgets a child that has closed (its group is already gone). */
function untrack(child) {
	children.delete(child);
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

/**
 * Installs a Debian package with apt-get (`flags` before its name), updating the package lists when the first try
 * fails. Needs root: returns false without trying otherwise.
 */
function aptInstall(pkg, log, flags = []) {
	if (process.getuid && process.getuid() !== 0) return false;
	const args = ['install', '-y', ...flags, pkg];
	log(`${pkg} is missing: installing Debian's package (apt-get ${args.join(' ')})`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	if (spawnSync('apt-get', args, { stdio: 'inherit', env }).status !== 0) {
		spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
		spawnSync('apt-get', args, { stdio: 'inherit', env });
	}
	return true;
}

module.exports = {
	aptInstall,
	addSecret,
	redact,
	sleep,
	sha256,
	seconds,
	freePort,
	portInUse,
	installExitHandlers,
	killGroup,
	stopChild,
	stopAll,
	trackedSpawn,
	untrack,
};
