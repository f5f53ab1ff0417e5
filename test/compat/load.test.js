/**
 * The load guard: the packed package, loaded by each n8n line's own n8n-core loader with its own n8n-workflow
 * (the library sets of n8n 1.x and 2.x, the versions each whole n8n ships, and the libraries of the oldest n8n
 * the README claims). Fails when the node or the credential does not load, or when the code uses an
 * n8n-workflow value that n8n lacks, as `sleepWithAbort` once did in every n8n from 2.34 on. Needs
 * `npm run build` and the library sets (`node scripts/lib/runtime.js libs`); `npm test` does both.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { packPackage } = require('../../scripts/lib/pack');
const runtime = require('../../scripts/lib/runtime');

const GUARD = path.join(__dirname, 'load-in-n8n.js');
const LINES = [runtime.libsOf('1'), runtime.libsOf('2'), 'floor'];

let work;
let pkgDir;

/** Unpacks the tarball the way n8n's installer does, into a folder with no project above it. */
function unpack(tarball, into) {
	const dir = path.join(into, 'node_modules', 'n8n-nodes-cometapi');
	fs.mkdirSync(dir, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
	return dir;
}

function guard(rt, dir) {
	let stdout;
	try {
		stdout = execFileSync(rt.nodeBin, [GUARD, rt.modules, dir], { encoding: 'utf8', timeout: 60000 });
	} catch (e) {
		stdout = e.stdout;
	}
	return JSON.parse(stdout.trim().split('\n').pop());
}

beforeAll(() => {
	work = fs.mkdtempSync(path.join(os.tmpdir(), 'cometapi-load-'));
	const pack = packPackage(path.join(work, 'pack'));
	pkgDir = unpack(pack.file, path.join(work, 'installed'));
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe.each(LINES)('n8n line %s', (line) => {
	const rt = runtime.paths(line);

	test(`${rt.label}: the node and the credential load, and every n8n-workflow value the code uses exists`, () => {
		if (!runtime.isInstalled(line)) {
			throw new Error(`${rt.label} is not installed in ${rt.dir}: run \`node scripts/lib/runtime.js ${line}\` (npm test does)`);
		}
		const out = guard(rt, pkgDir);
		expect(out.error).toBeUndefined();
		// n8n's own copy, not a development one
		expect(out.resolved).toBe(fs.realpathSync(path.join(rt.modules, 'n8n-workflow')));
		expect(out.nodes).toEqual(['geminiImage']);
		expect(out.credentials).toEqual(['cometApi']);
		expect(out.used.length).toBeGreaterThan(0);
		expect(out.missing).toEqual([]);
		expect(out.described.every((d) => d.properties > 0 && d.codex)).toBe(true);
		// version 2 for new nodes, version 1 kept (n8n also adds no "Custom API Call" to such a description)
		expect(out.described[0]).toMatchObject({ version: [1, 2], defaultVersion: 2 });
	});

	test(`${rt.label}: each node version gets its own parameters (the @version display options work)`, () => {
		const { parameters: p } = guard(rt, pkgDir);
		expect(Object.keys(p['v1 textToImage'])).toEqual(['operation', 'model', 'prompt', 'options']);
		expect(p['v1 textToImage'].model).toEqual({ __rl: true, mode: 'list', value: 'gemini-2.5-flash-image' });
		expect(Object.keys(p['v1 imageToImage'])).toEqual(['operation', 'model', 'prompt', 'binaryPropertyNames', 'options']);
		expect(Object.keys(p['v2 textToImage'])).toEqual(['resource', 'operation', 'model', 'prompt', 'options', 'requestSettings']);
		expect(p['v2 textToImage'].resource).toBe('image');
		expect(p['v2 textToImage'].model).toEqual({ __rl: true, mode: 'list', value: 'gemini-3.1-flash-image' });
		expect(Object.keys(p['v2 imageToImage'])).toEqual([
			'resource',
			'operation',
			'model',
			'prompt',
			'inputImages',
			'binaryPropertyNames',
			'options',
			'requestSettings',
		]);
		// Refine Image: its model is empty by default (the conversation's own)
		expect(Object.keys(p['v2 refineImage'])).toEqual(['resource', 'operation', 'model', 'prompt', 'options', 'requestSettings']);
		expect(p['v2 refineImage'].model).toEqual({ __rl: true, mode: 'id', value: '' });
	});

	test(`${rt.label}: as an AI Agent's tool, version 1 is as it was and version 2 lets the AI model choose${line === 'floor' ? ' (not in this n8n: no @tool)' : ''}`, () => {
		const { parameters: p } = guard(rt, pkgDir);
		expect(p['v1 textToImage tool']).toEqual(p['v1 textToImage']);
		expect(p['v1 imageToImage tool']).toEqual(p['v1 imageToImage']);
		if (line === 'floor') {
			// n8n-workflow 1.83 does not know `@tool`: the tool variant is the plain node, as before
			expect(p['v2 textToImage tool']).toEqual(p['v2 textToImage']);
			return;
		}
		expect(Object.keys(p['v2 textToImage tool'])).toEqual([
			'resource',
			'operation',
			'model',
			'prompt',
			'toolAspectRatio',
			'toolImageSize',
			'toolNumberOfImages',
			'options',
			'requestSettings',
		]);
		expect(p['v2 textToImage tool'].resource).toBe('imageTool');
		expect(p['v2 textToImage tool'].prompt).toMatch(/^=\{\{ \$fromAI\('prompt', /);
		expect(p['v2 textToImage tool'].toolAspectRatio).toMatch(/^=\{\{ \$fromAI\('aspectRatio', .*, 'string', ''\) \}\}$/);
		// an agent cannot hand a tool a file: links only
		expect(Object.keys(p['v2 imageToImage tool'])).toEqual([
			'resource',
			'operation',
			'model',
			'prompt',
			'toolImageUrls',
			'toolAspectRatio',
			'toolImageSize',
			'toolNumberOfImages',
			'options',
			'requestSettings',
		]);
		expect(Object.keys(p['v2 refineImage tool'])).toContain('toolImageUrls');
	});
});

test('the guard itself fails on an export that n8n 2.x removed (sleepWithAbort)', () => {
	const line = runtime.libsOf('2');
	const rt = runtime.paths(line);
	if (!runtime.isInstalled(line)) throw new Error(`${rt.label} is not installed: run \`node scripts/lib/runtime.js ${line}\``);
	const broken = path.join(work, 'broken', 'node_modules', 'n8n-nodes-cometapi');
	fs.cpSync(pkgDir, broken, { recursive: true });
	const transport = path.join(broken, 'dist', 'nodes', 'GeminiImage', 'transport', 'index.js');
	fs.appendFileSync(transport, '\nexports.old = () => (0, n8n_workflow_1.sleepWithAbort)(1);\n');
	const out = guard(rt, broken);
	expect(out.missing).toEqual(['sleepWithAbort']);
});
