#!/usr/bin/env node
'use strict';
// End-to-end tests in a real n8n, once per n8n line users run: n8n 2.x (2.41, Node 24) and n8n 1.x (1.123 LTS,
// Node 20), each from the runtime cache, with the packed tarball installed the way n8n's community package
// installer does into a user folder OUTSIDE the repository (so the package loads n8n's own n8n-workflow:
// checked right after the install; the run stops if not). Per line:
//   binary data modes   the main workflow by `n8n execute` in each mode (modes.js)
//   regular mode        one `n8n start`: credential test, model list, examples, fault workflows (server.js, faults.js)
//   trust               one `n8n start` in filesystem mode: foreign file ids, private fields, long conversations (trust.js)
//   queue mode          redis + `n8n worker` + `n8n start`: a webhook workflow runs on the worker (queue.js)
//   limits              under an account limit the node is not told: a webhook workflow called three times at once
//                       in regular mode (in server.js's n8n), then two queue-mode workers (queue.js) (limits.js)
//
//   npm run test:e2e                           (builds first) both lines, 2.x first
//   node test/e2e/run.js --n8n=1               one line (or N8N_LINE=1|2)
//   node test/e2e/run.js --only stop,bulk      only these parts: filesystem, default, database, rest, faults
//                                              (= retries, final-errors, timeout, stop, rate-limit, bulk),
//                                              conversation, agent (conversation.js), urls (urls.js), trust (trust.js),
//                                              queue, limits (limits.js)
//
// Env: E2E_SKIP_QUEUE=1 skips queue mode, limits' too (no redis-server and not root). User folders:
// ~/.cache/n8n-nodes-cometapi/homes/<clone>/e2e-n8n<line>; logs: .e2e/logs/<line>/. The checks are node:test
// tests (test/lib/suite.js): its reporter prints them and the counts (npm run test:e2e asks for the spec reporter),
// and the run exits 1 on any failure.

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { parseArgs } = require('node:util');

const L = require('../../scripts/lib');
const { startEmulator } = require('../../emulator/server');
const images = require('../../emulator/images');
const H = require('./harness');
const W = require('./workflows');
const { runMode } = require('./modes');
const { runServer } = require('./server');
const { runQueue } = require('./queue');
const { SCENARIOS, faultWorkflows } = require('./faults');
const C = require('./conversation');
const U = require('./urls');
const T = require('./trust');
const LIM = require('./limits');

const WORK = path.join(L.REPO_ROOT, '.e2e');
const MODES = ['filesystem', 'default', 'database'];
const FAULT_KEYS = SCENARIOS.map(([key]) => key);

const { values: opts } = parseArgs({ options: { n8n: { type: 'string' }, only: { type: 'string' } } });
const LINES = opts.n8n || process.env.N8N_LINE ? [L.runtime.selectLine(opts.n8n)] : ['2', '1'];
const onlyArg = opts.only ?? process.env.E2E_ONLY;
const only = onlyArg ? new Set(onlyArg.split(',').flatMap((s) => (s.trim() === 'faults' ? FAULT_KEYS : [s.trim()]))) : null;
const wants = (name) => !only || only.has(name);
const KNOWN = [...MODES, 'rest', ...FAULT_KEYS, ...C.PARTS, ...U.PARTS, ...T.PARTS, 'queue', ...LIM.PARTS];
for (const key of only || []) {
	if (KNOWN.includes(key)) continue;
	console.error(`--only: unknown part "${key}" (parts: ${KNOWN.join(', ')}; faults = all fault workflows)`);
	process.exit(2);
}

// ------------------------------------------------------------------------------------------- fixtures
/** The input images n8n's own nodes fetch: three over HTTP (PNG, JPEG, WEBP), one from disk. */
function makeInputs() {
	const served = {
		'/a.png': { ...images.solidPng(64, 48, [220, 40, 40]), contentType: 'image/png' },
		'/b.jpg': { ...images.fixture('jpeg'), contentType: 'image/jpeg' },
		'/c.webp': { ...images.fixture('webp'), contentType: 'image/webp' },
	};
	const file = images.solidPng(40, 30, [120, 90, 30]);
	return { served, file };
}

function startImageServer(served) {
	const server = http.createServer((req, res) => {
		const img = served[req.url];
		if (!img) {
			res.writeHead(404).end();
			return;
		}
		res.writeHead(200, { 'content-type': img.contentType, 'content-length': img.buffer.length });
		res.end(img.buffer);
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ------------------------------------------------------------------------------------------- one line
/** Runtime, user folder, the package installed and its n8n-workflow checked, credentials and workflows imported. */
async function setUpLine(line, shared) {
	const rt = L.runtime.ensureRuntime(line);
	H.setLine(rt);
	const ctx = { ...shared, rt, home: L.userFolderPath(`e2e-n8n${line}`), shasByMode: {} };
	await H.phase('user folder, package install, imports', async () => {
		const info = L.runtime.installInfo(line);
		console.log(`  ${rt.label} on Node ${rt.nodeDir ? path.basename(rt.nodeDir) : process.version} in ${rt.dir}`);
		if (info && info.t1) console.log(`  installed ${info.installedAt}: npm install ${info.t1} s + sqlite3 build ${info.t2} s`);
		L.makeUserFolder(ctx.home);
		console.log(`  user folder ${ctx.home}`);
		const inst = L.installPackage(ctx.home, shared.pack.file);
		await H.test("the installed package resolves n8n-workflow to the n8n's own copy (not the project's node_modules)", () => {
			let r;
			try {
				r = L.checkResolution(inst.pkgDir, rt);
			} catch (e) {
				throw new H.Fatal(e.message);
			}
			console.log(`    n8n-workflow ${r.version} from ${r.resolved}`);
		});

		fs.writeFileSync(path.join(L.filesDir(ctx.home), 'input-a.png'), shared.inputs.file.buffer);
		fs.writeFileSync(path.join(L.filesDir(ctx.home), 'gemini-input-2.jpg'), shared.exampleInputs[1]);
		fs.writeFileSync(path.join(L.filesDir(ctx.home), 'gemini-input-1.png'), shared.exampleInputs[0]);

		const env = L.n8nEnv(ctx.home, { rt, brokerPort: await L.freePort() });
		let t = Date.now();
		await L.importCredentials(env, [
			{ ...L.CREDENTIAL, data: { apiKey: shared.apiKey, baseUrl: shared.emu.url } },
			{ ...shared.wrongCredential, data: { apiKey: 'sk-e2e-wrong-key', baseUrl: shared.emu.url } },
			...C.credentials(shared.apiKey, shared.emu.url),
		]);
		H.time('n8n import:credentials', Date.now() - t);
		const mainWf = W.mainWorkflow({ imagesUrl: shared.imagesUrl, inputFile: path.join(L.filesDir(ctx.home), 'input-a.png') });
		const hookWf = W.webhookWorkflow();
		const faults = faultWorkflows();
		const faultWfs = Object.values(faults).filter((w) => w && w.nodes);
		t = Date.now();
		await L.importWorkflows(env, [
			mainWf,
			hookWf,
			...shared.examples,
			...faultWfs,
			...C.workflows(),
			...U.workflows(),
			...T.workflows(),
			...LIM.workflows(),
		]);
		H.time('n8n import:workflow', Date.now() - t);
		Object.assign(ctx, { mainId: mainWf.id, webhookId: hookWf.id, faults });
	});
	return ctx;
}

async function runLine(line, shared) {
	const ctx = await setUpLine(line, shared);
	if (!ctx.mainId) return;
	for (const mode of MODES) {
		if (!wants(mode)) continue;
		await H.phase(`binary data mode "${mode}" (n8n execute)`, () => runMode(mode, ctx));
	}
	const done = MODES.filter((m) => ctx.shasByMode[m]);
	if (done.length > 1) {
		await H.test(`the same images, byte for byte, in ${done.join(', ')} modes`, () => {
			const ref = JSON.stringify(ctx.shasByMode[done[0]]);
			for (const m of done) H.eq(JSON.stringify(ctx.shasByMode[m]), ref, `sha256 list of ${m} vs ${done[0]}`);
		});
	}
	if (wants('rest') || FAULT_KEYS.some(wants) || C.PARTS.some(wants) || LIM.PARTS.some(wants)) {
		await H.phase('regular mode: n8n start, REST API (credential test, model list, examples, fault workflows, conversations, limits)', () =>
			runServer(ctx, wants),
		);
	}
	if (U.PARTS.some(wants)) await H.phase('image URLs: which addresses the node fetches (urls.js)', () => U.runUrls(ctx));
	if (T.PARTS.some(wants)) {
		await H.phase('trust: foreign files, private fields, long conversations (n8n start, filesystem mode)', () => T.runTrust(ctx));
	}
	if ((wants('queue') || LIM.PARTS.some(wants)) && process.env.E2E_SKIP_QUEUE !== '1') {
		await H.phase('queue mode: redis + n8n worker + n8n start (webhook)', () => runQueue(ctx, wants));
	} else {
		console.log('\n→ queue mode skipped');
	}
}

// ------------------------------------------------------------------------------------------- main
async function main() {
	const t0 = Date.now();
	L.installExitHandlers();
	fs.rmSync(H.LOGS_ROOT, { recursive: true, force: true });
	const apiKey = `sk-e2e-${crypto.randomBytes(12).toString('hex')}`;
	L.addSecret(apiKey);
	const shared = { apiKey, wrongCredential: { id: 'cometCredWrong01', name: 'CometAPI wrong key', type: 'cometApi' } };
	console.log(`n8n lines: ${LINES.map((l) => L.runtime.paths(l).label).join(', then ')}${only ? `; only ${[...only].join(', ')}` : ''}`);

	await H.phase('pack the package, start the emulator', async () => {
		shared.pack = L.packPackage(path.join(WORK, 'pack'));
		console.log(`  ${path.relative(L.REPO_ROOT, shared.pack.file)}: ${shared.pack.files.length} files, ${shared.pack.size} bytes`);
		await H.test('the tarball holds the built node, credential and icons, and no sources', () => {
			const pj = L.PACKAGE_JSON;
			for (const f of [...pj.n8n.nodes, ...pj.n8n.credentials, 'package.json']) H.assert(shared.pack.files.includes(f), `missing ${f}`);
			H.assert(
				shared.pack.files.some((f) => /^dist\/nodes\/GeminiImage\/.*\.svg$/.test(f)),
				'node icon missing',
			);
			H.assert(!shared.pack.files.some((f) => /\.ts$/.test(f) && !/\.d\.ts$/.test(f)), 'TypeScript sources in the tarball');
			H.assert(!shared.pack.files.some((f) => /^(test|scripts|examples)\//.test(f)), 'test/scripts/examples in the tarball');
		});
		shared.inputs = makeInputs();
		shared.urlPhoto = images.solidPng(24, 24, [90, 30, 160]).buffer;
		shared.imageServer = await startImageServer(shared.inputs.served);
		shared.imagesUrl = `http://127.0.0.1:${shared.imageServer.address().port}`;
		shared.emu = await startEmulator({ port: 0, apiKey });
		console.log(`  emulator at ${shared.emu.url}, input images at ${shared.imagesUrl}`);
		shared.examples = ['text-to-image', 'image-to-image']
			.map((n) => path.join(L.REPO_ROOT, 'examples', `${n}.workflow.json`))
			.filter((f) => fs.existsSync(f))
			.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
		// inputs of the Image to Image example: written in reverse name order, the example sorts by file name
		shared.exampleInputs = [images.solidPng(50, 50, [10, 20, 30]).buffer, images.fixture('jpeg').buffer];
	});

	if (shared.emu) {
		for (const line of LINES) {
			if (H.stoppedBy()) break;
			const started = Date.now();
			await runLine(line, shared);
			H.setLine(null);
			H.time(`${L.runtime.paths(line).label}: whole line`, Date.now() - started);
		}
	}

	if (shared.emu) await shared.emu.close();
	if (shared.imageServer) shared.imageServer.close();
	await L.stopAll();
	if (H.stoppedBy()) console.error(`\n${'!'.repeat(100)}\nSTOPPED: ${L.redact(H.stoppedBy().message)}\n${'!'.repeat(100)}`);
	console.log(`\ntotal ${L.seconds(Date.now() - t0)}; logs: ${path.relative(L.REPO_ROOT, H.LOGS_ROOT)}/<line>/`);
}

main().catch(async (e) => {
	console.error(L.redact(e && e.stack ? e.stack : e));
	process.exitCode = 1;
	await L.stopAll();
});
