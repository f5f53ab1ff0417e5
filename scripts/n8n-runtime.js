'use strict';
// Installs (once) and locates the n8n runtime used by `npm start`, `npm run demo`, the e2e tests and the
// benchmark. n8n needs Node 24 while the project builds on Node 20, so the runtime carries its own Node binary
// from the npm registry (node-<platform>-<arch>). The install is 2.9 GB and takes minutes, so it lives in a
// machine-wide cache outside the git tree and is reused by every clone on the machine.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const N8N_VERSION = '2.41.1'; // 2.41.3 fails on this registry mirror (ETARGET on pinned @n8n/* siblings)
const NODE_MAJOR = '24';
const NODE_PKG = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;

function runtimeDir() {
	const base =
		process.env.N8N_RUNTIME_DIR ||
		path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'n8n-nodes-cometapi');
	return path.join(base, `n8n-${N8N_VERSION}-node${NODE_MAJOR}`);
}

function paths(dir = runtimeDir()) {
	const nodeDir = path.join(dir, 'node_modules', NODE_PKG);
	return {
		dir,
		nodeDir,
		nodeBin: path.join(nodeDir, 'bin', 'node'),
		n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		marker: path.join(dir, '.complete'),
	};
}

function log(msg) {
	process.stderr.write(`[n8n-runtime] ${msg}\n`);
}

function run(cmd, args, opts) {
	const started = Date.now();
	const res = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
	if (res.status !== 0) {
		throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${res.status}`);
	}
	return Math.round((Date.now() - started) / 1000);
}

function isComplete(p) {
	return fs.existsSync(p.marker) && fs.existsSync(p.nodeBin) && fs.existsSync(p.n8nBin);
}

function sleepSync(ms) {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

/**
 * One installer at a time per cache folder (`npm start` and `npm run test:e2e` started together on a fresh
 * machine): a lock directory holding the installer's pid; others wait for it, a dead installer's lock is taken over.
 */
function withInstallLock(p, install) {
	const lock = `${p.dir}.lock`;
	fs.mkdirSync(path.dirname(lock), { recursive: true });
	let announced = false;
	for (;;) {
		try {
			fs.mkdirSync(lock);
			fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
			break;
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
			let pid = NaN;
			try {
				pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
			} catch {
				/* being written */
			}
			if (Number.isInteger(pid) && pid > 0 && !pidAlive(pid)) {
				log(`taking over the lock of installer ${pid}, which is gone`);
				fs.rmSync(lock, { recursive: true, force: true });
				continue;
			}
			if (!announced) {
				log(`another process (pid ${pid}) is installing n8n into ${p.dir}: waiting for it`);
				announced = true;
			}
			sleepSync(2000);
			if (isComplete(p)) return p;
		}
	}
	try {
		return isComplete(p) ? p : install();
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}

/** Installs n8n if the cache does not hold a complete install yet; returns the paths. */
function ensureRuntime() {
	const p = paths();
	if (isComplete(p)) return p;
	return withInstallLock(p, () => install(p));
}

function install(p) {

	log(`installing n8n ${N8N_VERSION} with Node ${NODE_MAJOR} into ${p.dir}`);
	log('first run only: about 5 minutes for 2,400 packages (2.9 GB), then 2 minutes to compile sqlite3');
	fs.mkdirSync(p.dir, { recursive: true });
	fs.writeFileSync(
		path.join(p.dir, 'package.json'),
		JSON.stringify(
			{
				name: 'cometapi-n8n-runtime',
				private: true,
				description: 'n8n runtime cache of n8n-nodes-cometapi (safe to delete)',
				dependencies: { n8n: N8N_VERSION, [NODE_PKG]: `^${NODE_MAJOR}` },
				// linkedom 0.18.15 needs a package the registry mirror lacks
				overrides: { linkedom: '0.18.14' },
			},
			null,
			2,
		),
	);
	// Run from `npm start` / `npm test:e2e`, the environment carries the parent npm's npm_* variables (its
	// nodedir, allow-scripts, lifecycle...): keep only the ones that say where and how to download.
	const env = {};
	const keep = /^npm_config_(registry|cache|userconfig|globalconfig|cafile|strict_ssl|proxy|https_proxy|noproxy|fetch_.*|@.*:registry|\/\/.*)$/i;
	for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) || keep.test(k)) env[k] = v;
	env.npm_config_yes = 'true';
	// Install scripts off: one of them downloads from the internet and its failure rolls back everything.
	const t1 = run(
		'npm',
		['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=http', '--progress=true'],
		{ cwd: p.dir, env },
	);
	log(`packages installed in ${t1} s; compiling sqlite3 for Node ${NODE_MAJOR}`);
	// node-gyp must build against Node 24's headers (this machine's npm config points at Node 20's).
	const t2 = run('npm', ['rebuild', 'sqlite3', '--foreground-scripts'], {
		cwd: p.dir,
		env: {
			...env,
			npm_config_nodedir: p.nodeDir,
			PATH: `${path.dirname(p.nodeBin)}${path.delimiter}${process.env.PATH}`,
		},
	});
	log(`sqlite3 compiled in ${t2} s`);
	fs.writeFileSync(p.marker, JSON.stringify({ n8n: N8N_VERSION, installedAt: new Date().toISOString(), t1, t2 }));
	return p;
}

module.exports = { ensureRuntime, paths, runtimeDir, N8N_VERSION };

if (require.main === module) {
	const p = ensureRuntime();
	log(`ready: ${p.n8nBin} on ${p.nodeBin}`);
}
