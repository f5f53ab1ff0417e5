'use strict';
// The CometAPI emulator in its own process (emulator/cli.js), so its CPU and memory are not the measured
// process's, and its control API (config, stats, reset).

const path = require('node:path');

const L = require('../../scripts/lib');

const CLI = path.join(L.REPO_ROOT, 'emulator', 'cli.js');
const API_KEY = 'sk-bench-emulator-key-0123456789';

async function startEmulatorProcess({ latencyMs = 0, key = API_KEY } = {}) {
	const child = L.trackedSpawn(process.execPath, [CLI, '--port', '0', '--key', key, '--latency', String(latencyMs), '--quiet'], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let out = '';
	let err = '';
	child.stderr.on('data', (c) => (err += c));
	const url = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`emulator did not start: ${err}`)), 15000);
		child.stdout.on('data', (c) => {
			out += c;
			const m = /listening on (http:\/\/\S+)/.exec(out);
			if (m) {
				clearTimeout(timer);
				resolve(m[1]);
			}
		});
		child.once('exit', (code) => reject(new Error(`emulator exited (${code}): ${err}`)));
	});
	return { url, key, pid: child.pid, ...emulatorControl(url), stop: () => L.stopChild(child, 3000) };
}

/** The control API of an emulator at `url` (also usable from a bench child process, which has only the URL). */
function emulatorControl(url) {
	const control = async (method, p, body) => {
		const res = await L.request(method, `${url}/__emulator/${p}`, { body });
		if (res.status !== 200) throw new Error(`emulator ${method} ${p}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 200)}`);
		return res.json;
	};
	return {
		config: (c) => control('POST', 'config', c),
		stats: () => control('GET', 'stats'),
		reset: () => control('POST', 'reset'),
	};
}

module.exports = { startEmulatorProcess, emulatorControl, API_KEY };
