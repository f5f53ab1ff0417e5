/**
 * The library sets `npm test` runs the integration suite and the load guard on are the libraries each whole n8n
 * ships: same n8n-core, n8n-workflow and every package they resolve to (scripts/libs.js). The comparison runs
 * for each line whose whole n8n is installed on this machine (after `npm run test:e2e`, `npm start`…; CI runs
 * `npm run check:libs`, which insists on both); the checker's own tests run everywhere, on small trees made here.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const libs = require('../../scripts/libs');
const runtime = require('../../scripts/lib/runtime');

describe.each(['2', '1'])('n8n line %s', (line) => {
	const whole = runtime.paths(line);
	const installed = runtime.isInstalled(line) && runtime.isInstalled(runtime.libsOf(line));
	const maybe = installed ? test : test.skip;

	maybe(`the library set has the versions ${whole.label} resolves from its own folder (runs where the whole n8n is installed)`, () => {
		const r = libs.check(line);
		expect(r.diffs).toEqual([]);
		expect(r.packages).toBeGreaterThan(100);
		const n8nDeps = JSON.parse(fs.readFileSync(path.join(whole.modules, 'n8n', 'package.json'), 'utf8')).dependencies;
		expect(r.versions['n8n-core']).toBe(`n8n-core@${n8nDeps['n8n-core']}`);
		expect(r.versions['n8n-workflow']).toBe(`n8n-workflow@${n8nDeps['n8n-workflow']}`);
		expect(r.versions.axios).toMatch(/^axios@/);
	});
});

describe('the checker', () => {
	let dir;
	beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cometapi-libs-'))));
	afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

	/** Writes node_modules/<name>/package.json files under `root` from { 'a/node_modules/b': [version, deps] }. */
	function tree(root, pkgs) {
		for (const [at, [version, dependencies = {}]] of Object.entries(pkgs)) {
			const d = path.join(root, ...at.split('/'));
			fs.mkdirSync(d, { recursive: true });
			const name = at.slice(at.lastIndexOf('node_modules/') + 13);
			fs.writeFileSync(path.join(d, 'package.json'), JSON.stringify({ name, version, dependencies }));
		}
		return { dir: root, modules: path.join(root, 'node_modules') };
	}

	const base = {
		'node_modules/n8n': ['1.0.0', { 'n8n-core': '1.0.0', 'n8n-workflow': '1.0.0', '@n8n/di': '0.1.0' }],
		'node_modules/n8n-core': ['1.0.0', { axios: '1.0.0', 'form-data': '4.0.0' }],
		'node_modules/n8n-workflow': ['1.0.0'],
		'node_modules/@n8n/di': ['0.1.0'],
		'node_modules/axios': ['1.0.0', { 'form-data': '^4' }],
		'node_modules/form-data': ['4.0.0'],
	};
	const { 'node_modules/n8n': _n8n, ...set } = base;

	test('the same tree: no difference, every package compared', () => {
		const r = libs.compareTrees(tree(path.join(dir, 'whole'), base), tree(path.join(dir, 'set'), set));
		expect(r.diffs).toEqual([]);
		expect(r.compared.size).toBe(5);
	});

	test('a package one level down with another version is found, and so is a missing one', () => {
		const whole = tree(path.join(dir, 'whole'), { ...base, 'node_modules/n8n-core/node_modules/form-data': ['4.0.5'] });
		const { 'node_modules/n8n-workflow': _w, ...rest } = set;
		const r = libs.compareTrees(whole, tree(path.join(dir, 'set'), rest));
		expect(r.diffs).toEqual([
			'n8n → n8n-workflow: missing from the library set',
			'n8n-core@1.0.0 → form-data: 4.0.5 in n8n, 4.0.0 in the library set',
		]);
	});

	test('the lockfile cut keeps what Node would load, nested copies included', () => {
		const packages = {
			'': {},
			'node_modules/n8n': { version: '1.0.0', dependencies: { 'n8n-core': '1' } },
			'node_modules/n8n-core': { version: '1.0.0', dependencies: { axios: '1', lodash: '4' } },
			'node_modules/n8n-core/node_modules/axios': { version: '1.9.0', dependencies: { 'form-data': '4' } },
			'node_modules/axios': { version: '1.0.0' },
			'node_modules/form-data': { version: '4.0.0' },
			'node_modules/lodash': { version: '4.0.0' },
			'node_modules/express': { version: '5.0.0' },
		};
		const { keep, missing } = libs.closure(packages, ['n8n-core'], 'node_modules/n8n');
		expect([...keep].sort()).toEqual([
			'node_modules/form-data',
			'node_modules/lodash',
			'node_modules/n8n-core',
			'node_modules/n8n-core/node_modules/axios',
		]);
		expect(missing).toEqual([]);
	});
});
