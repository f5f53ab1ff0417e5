#!/usr/bin/env node
'use strict';
// The library sets `npm test` runs on (n8n-core and n8n-workflow of n8n 2.41.1 and 1.123.81, and everything they
// resolve to) must be exactly what each whole n8n ships. Two commands keep them so:
//
//   node scripts/libs.js lock 1|2     copies the lockfile npm wrote when it installed the whole n8n to
//                                     scripts/runtimes/n8n-<version>/ (later installs of that n8n use it with npm ci)
//                                     and cuts libs/package-lock.json out of it: the packages reachable from n8n-core,
//                                     n8n-workflow and @n8n/di (and Node 24's package), same paths, same versions,
//                                     same integrity hashes. `npm ci` installs the library set from it.
//   node scripts/libs.js check [1|2]  (npm run check:libs) walks both installed trees on disk from n8n-core and
//                                     n8n-workflow as the whole n8n resolves them (from its own folder), resolving
//                                     every dependency the way Node does, and fails on any package whose version
//                                     (or recorded integrity) differs between the library set and the whole n8n.
//
// After a change of n8n version in scripts/lib/runtime.js: install the whole line, run `lock`, then `check`.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const runtime = require('./lib/runtime');

/** The packages the test harness and the load guard import, and what Node they run on. */
const ROOTS = ['n8n-core', 'n8n-workflow', '@n8n/di'];

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

// ---------------------------------------------------------------------------------------------------------
// lock: a subset of the whole install's lockfile

/** Node's lookup in a lockfile's `packages` map: `name` required from the package at `from` ('' = the root). */
function resolveInLock(packages, from, name) {
	let base = from;
	for (;;) {
		const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
		if (packages[candidate] && !packages[candidate].link) return candidate;
		if (!base) return null;
		const cut = base.lastIndexOf('/node_modules/');
		base = cut < 0 ? '' : base.slice(0, cut);
	}
}

/** The names a package requires: dependencies, optional ones and peers (optional peers unless `hardOnly`). */
function dependencyNames(entry, hardOnly = false) {
	const meta = entry.peerDependenciesMeta || {};
	return [
		...Object.keys(entry.dependencies || {}),
		...Object.keys(entry.optionalDependencies || {}),
		...Object.keys(entry.peerDependencies || {}).filter((n) => !(hardOnly && meta[n] && meta[n].optional)),
	];
}

/**
 * The closure of `roots` in a lockfile (each required from n8n's folder, as n8n requires them). Paths are kept:
 * a package's dependencies then resolve to the same entries in the subset as in the whole tree, since every
 * entry Node's lookup hits first in the whole tree is in the subset and none that it would have skipped are added.
 */
function closure(packages, roots, from, hardOnly = false) {
	const keep = new Set();
	const missing = [];
	const queue = [];
	for (const name of roots) {
		const hit = resolveInLock(packages, from, name);
		if (!hit) throw new Error(`${name} is not in the lockfile`);
		queue.push(hit);
	}
	while (queue.length) {
		const at = queue.pop();
		if (keep.has(at)) continue;
		keep.add(at);
		const entry = packages[at];
		for (const name of dependencyNames(entry, hardOnly)) {
			const hit = resolveInLock(packages, at, name);
			if (hit) queue.push(hit);
			else if (!(entry.optionalDependencies || {})[name] && !(entry.peerDependenciesMeta || {})[name]?.optional) {
				missing.push(`${at} → ${name}`);
			}
		}
	}
	return { keep, missing };
}

function lock(line) {
	const whole = runtime.paths(line);
	const set = runtime.paths(runtime.libsOf(line));
	if (!runtime.isInstalled(line)) throw new Error(`${whole.label} is not installed: node scripts/lib/runtime.js ${line}`);
	const full = readJson(path.join(whole.dir, 'package-lock.json'));
	const roots = [...ROOTS];
	if (set.nodeDir) roots.push(runtime.NODE_PKG);
	// the library set's top level must be what n8n itself requires: n8n-core and n8n-workflow hoisted beside n8n
	for (const name of ROOTS) {
		const hit = resolveInLock(full.packages, 'node_modules/n8n', name);
		if (hit !== `node_modules/${name}`) throw new Error(`n8n requires ${name} from ${hit}, not from the top level`);
	}
	const { keep, missing } = closure(full.packages, roots, 'node_modules/n8n');
	if (missing.length) throw new Error(`dependencies missing from ${whole.label}'s lockfile:\n${missing.join('\n')}`);
	// A package only an optional peer asks for (langsmith → ws) is there in n8n because something else of n8n needs
	// it; npm would leave it out of the set, so the set asks for it itself (it sits at the top level in n8n).
	for (;;) {
		const hard = closure(full.packages, roots, 'node_modules/n8n', true).keep;
		const extra = [...keep].filter((p) => !hard.has(p));
		if (!extra.length) break;
		// top-level ones first: what sits below them comes along once they are asked for
		const top = extra.filter((p) => p.lastIndexOf('/node_modules/') < 0);
		if (!top.length) throw new Error(`only an optional peer needs ${extra.join(', ')}, and not from the top level`);
		// ask for those no other of them brings along (openai, not its node-fetch)
		const names = top.map((p) => p.slice('node_modules/'.length));
		const below = new Set(names.flatMap((n) => [...closure(full.packages, [n], '', true).keep].filter((p) => p !== `node_modules/${n}`)));
		const asked = top.filter((p) => !below.has(p));
		roots.push(...(asked.length ? asked : top).map((p) => p.slice('node_modules/'.length)));
	}

	const dependencies = {};
	for (const name of roots) dependencies[name] = full.packages[`node_modules/${name}`].version;
	// the whole install's overrides, where they touch a package of the set
	const names = new Set([...keep].map((p) => p.slice(p.lastIndexOf('node_modules/') + 13)));
	const overrides = Object.fromEntries(Object.entries(runtime.LINES[line].overrides || {}).filter(([n]) => names.has(n)));
	const pkg = {
		name: `cometapi-runtime-libs${line}`,
		private: true,
		description: `n8n-core and n8n-workflow of n8n ${whole.version}, as its own install resolves them (scripts/libs.js)`,
		dependencies,
		...(Object.keys(overrides).length ? { overrides } : {}),
	};
	const packages = { '': { name: pkg.name, dependencies } };
	for (const p of [...keep].sort()) packages[p] = withTarball(p, full.packages[p]);
	const out = runtime.lockDir(line);
	const write = (dir, pj, lockPackages) => {
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pj, null, 2)}\n`);
		const lockfile = { name: pj.name, lockfileVersion: 3, requires: true, packages: lockPackages };
		fs.writeFileSync(path.join(dir, 'package-lock.json'), `${JSON.stringify(lockfile, null, 2)}\n`);
	};
	// the whole n8n's own, as installed (npm ci of it gives the same tree, without npm's resolution)
	const wholePackages = Object.fromEntries(Object.entries(full.packages).map(([p, e]) => [p, p ? withTarball(p, e) : e]));
	write(out, readJson(path.join(whole.dir, 'package.json')), wholePackages);
	write(path.join(out, 'libs'), pkg, packages);
	console.log(`${path.relative(process.cwd(), out)}: ${keep.size} of ${Object.keys(full.packages).length - 1} packages of ${whole.label}`);
}

/**
 * A lockfile entry with its tarball's address, which spares npm ci a metadata request per package; npm swaps
 * registry.npmjs.org for the registry a machine is configured with (replace-registry-host). Machines set to omit
 * it (omit-lockfile-registry-resolved) wrote none: it is the registry's standard address.
 */
function withTarball(p, entry) {
	if (entry.link) return entry;
	const name = entry.name || p.slice(p.lastIndexOf('node_modules/') + 13); // an alias (npm:…) names the real one
	const out = { version: entry.version, resolved: `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz` };
	Object.assign(out, entry);
	delete out.dev;
	delete out.peer;
	return out;
}

// ---------------------------------------------------------------------------------------------------------
// check: the two installed trees, on disk

/** Node's lookup of `name` from the folder `dir` (walking up through node_modules folders, stopping at `top`). */
function resolveOnDisk(dir, name, top) {
	let base = dir;
	for (;;) {
		const candidate = path.join(base, 'node_modules', name);
		if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
		if (base === top || path.dirname(base) === base) return null;
		base = path.dirname(base);
	}
}

/** What the hidden lockfile records per installed folder (integrity), keyed by real path. */
function integrities(tree) {
	const out = new Map();
	try {
		const { packages } = readJson(path.join(tree, 'node_modules', '.package-lock.json'));
		for (const [p, e] of Object.entries(packages)) if (e.integrity) out.set(path.join(tree, p), e.integrity);
	} catch {
		/* no hidden lockfile: versions only */
	}
	return out;
}

/**
 * Walks both trees in step from the roots: for every dependency a package declares, resolves it from that
 * package's folder in each tree and compares name, version and integrity. Returns the packages compared and the
 * differences.
 */
function compareTrees(whole, set) {
	const wholeTop = fs.realpathSync(whole.dir);
	const setTop = fs.realpathSync(set.dir);
	const wholeIntegrity = integrities(wholeTop);
	const setIntegrity = integrities(setTop);
	const diffs = [];
	const compared = new Map(); // whole's folder -> "name@version"
	const seen = new Set();
	const queue = ROOTS.map((name) => ({
		name,
		via: 'n8n',
		a: resolveOnDisk(path.join(wholeTop, 'node_modules', 'n8n'), name, wholeTop),
		b: resolveOnDisk(setTop, name, setTop),
	}));
	while (queue.length) {
		const { name, via, a, b } = queue.pop();
		if (!a && !b) continue; // an optional dependency neither installed
		if (!a || !b) {
			diffs.push(`${via} → ${name}: ${a ? 'missing from the library set' : 'not in the whole n8n'}`);
			continue;
		}
		const pa = readJson(path.join(a, 'package.json'));
		const pb = readJson(path.join(b, 'package.json'));
		if (pa.version !== pb.version) diffs.push(`${via} → ${name}: ${pa.version} in n8n, ${pb.version} in the library set`);
		const ia = wholeIntegrity.get(a);
		const ib = setIntegrity.get(b);
		if (ia && ib && ia !== ib) diffs.push(`${via} → ${name}@${pa.version}: other integrity hash`);
		const key = `${a}\0${b}`;
		if (seen.has(key)) continue;
		seen.add(key);
		compared.set(a, `${name}@${pa.version}`);
		for (const dep of dependencyNames(pa)) {
			queue.push({ name: dep, via: `${name}@${pa.version}`, a: resolveOnDisk(a, dep, wholeTop), b: resolveOnDisk(b, dep, setTop) });
		}
	}
	return { compared, diffs: diffs.sort() };
}

function nodeVersion(rt) {
	return spawnSync(rt.nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

/** Compares a line's library set with its whole n8n; both must be installed. Returns a summary (throws on differences). */
function check(line) {
	const whole = runtime.paths(line);
	const set = runtime.paths(runtime.libsOf(line));
	for (const [rt, l] of [
		[whole, line],
		[set, runtime.libsOf(line)],
	]) {
		if (!runtime.isInstalled(l)) throw new Error(`${rt.label} is not installed in ${rt.dir}: node scripts/lib/runtime.js ${l}`);
	}
	const { compared, diffs } = compareTrees(whole, set);
	const nodes = [nodeVersion(whole), nodeVersion(set)];
	if (nodes[0] !== nodes[1]) diffs.push(`Node: ${nodes[0]} runs n8n, ${nodes[1]} the library set`);
	const versions = Object.fromEntries(
		['n8n-core', 'n8n-workflow', 'axios', 'form-data'].map((n) => [n, [...compared.values()].find((v) => v.startsWith(`${n}@`))]),
	);
	return { line, label: whole.label, packages: compared.size, node: nodes[1], versions, diffs };
}

module.exports = { check, closure, compareTrees, resolveInLock };

if (require.main === module) {
	const [command, ...lines] = process.argv.slice(2);
	const todo = lines.length ? lines : ['2', '1'];
	if (command === 'lock') {
		for (const line of todo) lock(line);
	} else if (command === 'check') {
		let failed = false;
		for (const line of todo) {
			const r = check(line);
			const pins = Object.values(r.versions).filter(Boolean).join(', ');
			if (r.diffs.length) {
				failed = true;
				console.log(`✘ ${r.label}: ${r.diffs.length} differences between its library set and the whole n8n:`);
				for (const d of r.diffs.slice(0, 50)) console.log(`  ${d}`);
			} else {
				console.log(
					`✔ ${r.label}: all ${r.packages} packages reached from n8n-core, n8n-workflow and @n8n/di have the same version in the library set (${pins}; Node ${r.node})`,
				);
			}
		}
		process.exit(failed ? 1 : 0);
	} else {
		console.error('usage: node scripts/libs.js lock|check [1|2 ...]');
		process.exit(2);
	}
}
