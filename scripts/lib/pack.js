'use strict';
// The package as n8n users get it: `npm pack`, installed into an n8n user folder the way n8n's community
// package installer does; user folders kept outside the repository; and the check that the installed package
// loads the n8n-workflow of the n8n under test, not the project's development copy.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { PACKAGE_NAME, REPO_ROOT } = require('./constants');
const { sha256 } = require('./process');
const runtime = require('./runtime');

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
			[
				'install',
				'--audit=false',
				'--fund=false',
				'--bin-links=false',
				'--install-strategy=shallow',
				'--ignore-scripts=true',
				'--package-lock=false',
			],
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
 * Where a script keeps the n8n user folder called `name` (e.g. `e2e-n8n2`): in the runtime cache, outside
 * the repository. Node resolves a package's imports by walking up its folders: an n8n user folder inside the
 * repository would let the installed package load the project's development n8n-workflow instead of n8n's.
 */
function userFolderPath(name) {
	// one folder per clone, so two clones on a machine never share a user folder
	const clone = `${path.basename(REPO_ROOT)}-${sha256(REPO_ROOT).slice(0, 8)}`;
	return path.join(runtime.cacheBase(), 'homes', clone, name);
}

/**
 * Resolves `n8n-workflow` from the installed package the way n8n does at boot (LoadNodesAndCredentials.init
 * puts n8n's own module paths into NODE_PATH, then the package's require walks up from its folder), with the
 * runtime's Node, and fails loudly unless it is the copy that the n8n under test ships.
 * Returns { resolved, version }.
 */
function checkResolution(pkgDir, rt) {
	const probe = `
		const Module = require('node:module'); const fs = require('node:fs'); const path = require('node:path');
		const [n8nDist, pkg] = process.argv.slice(1);
		const own = fs.realpathSync(path.dirname(require.resolve('n8n-workflow/package.json', { paths: [n8nDist] })));
		process.env.NODE_PATH = Module._nodeModulePaths(n8nDist).join(path.delimiter);
		Module._initPaths();
		const seen = fs.realpathSync(path.dirname(require.resolve('n8n-workflow/package.json', { paths: [pkg] })));
		const version = JSON.parse(fs.readFileSync(path.join(seen, 'package.json'), 'utf8')).version;
		const ownVersion = JSON.parse(fs.readFileSync(path.join(own, 'package.json'), 'utf8')).version;
		process.stdout.write(JSON.stringify({ own, seen, version, ownVersion }));`;
	const n8nDist = path.join(rt.modules, 'n8n', 'dist');
	const res = spawnSync(rt.nodeBin, ['-e', probe, n8nDist, pkgDir], { encoding: 'utf8' });
	if (res.status !== 0) throw new Error(`resolving n8n-workflow from ${pkgDir} failed:\n${res.stderr}`);
	const r = JSON.parse(res.stdout);
	if (r.seen !== r.own) {
		throw new Error(
			`The installed package resolves n8n-workflow to ${r.seen} (${r.version}), not to the copy ${rt.label} ships ` +
				`(${r.own}, ${r.ownVersion}). A node_modules folder above the n8n user folder ${pkgDir} shadows n8n's own ` +
				'libraries, so this run would not test what users run. Keep user folders outside any project.',
		);
	}
	return { resolved: r.seen, version: r.version };
}

module.exports = { packPackage, installPackage, filesDir, makeUserFolder, userFolderPath, checkResolution };
