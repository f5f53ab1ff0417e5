#!/usr/bin/env node
'use strict';
// End-to-end tests: a real n8n (2.41, Node 24, from the cached runtime) with the packed tarball installed the
// way n8n's community package installer does, running workflows that use the node against the CometAPI
// emulator, and checking output BYTES: the sha256 of each image the emulator sent must equal the sha256 of
// what n8n stored (read back three ways: n8n's own Crypto node inside the workflow, the execution data's
// binary reference resolved on disk / in SQLite / inline base64, and the webhook response).
//
//   npm run test:e2e                 (builds first)
//   node test/e2e/run.js [--only filesystem,default,database,queue] [--keep]
//
// Env: E2E_SKIP_QUEUE=1 skips queue mode (no redis-server and not root). Work folder: .e2e/ (logs in
// .e2e/logs/). Prints "N passed, N failed" as its last line and exits 1 on any failure.

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const L = require('../../scripts/lib');
const { startEmulator } = require('../emulator/server');
const images = require('../emulator/images');
const W = require('./workflows');

const WORK = path.join(L.REPO_ROOT, '.e2e');
const HOME = path.join(WORK, 'home');
const LOGS = path.join(WORK, 'logs');
const MODES = ['filesystem', 'default', 'database'];

const args = process.argv.slice(2);
const onlyArg = args.includes('--only') ? args[args.indexOf('--only') + 1] : process.env.E2E_ONLY;
const only = onlyArg ? new Set(onlyArg.split(',').map((s) => s.trim())) : null;
const wants = (name) => !only || only.has(name);

// ------------------------------------------------------------------------------------------- tiny runner
const results = [];
const timings = [];

function assert(cond, message) {
	if (!cond) throw new Error(message);
}
function eq(actual, expected, what) {
	if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

async function test(name, fn) {
	const started = Date.now();
	try {
		await fn();
		results.push({ name, ok: true });
		console.log(`  ✔ ${name} (${Date.now() - started} ms)`);
	} catch (e) {
		results.push({ name, ok: false, error: e });
		console.log(`  ✘ ${name}\n      ${L.redact(e && e.stack ? e.stack : e).split('\n').join('\n      ')}`);
	}
}

/** A phase: timed; if its setup throws, that counts as one failed test and the phase's checks are skipped. */
async function phase(name, fn) {
	console.log(`\n▶ ${name}`);
	const started = Date.now();
	const timing = { name, ms: 0 };
	timings.push(timing); // before the phase's own sub-timings
	try {
		await fn();
	} catch (e) {
		results.push({ name: `${name} (phase)`, ok: false, error: e });
		console.log(`  ✘ ${name} could not run:\n      ${L.redact(e && e.stack ? e.stack : e).split('\n').join('\n      ')}`);
	}
	timing.ms = Date.now() - started;
	console.log(`  ⏱ ${name}: ${L.seconds(timing.ms)}`);
}

function writeLog(name, text) {
	fs.mkdirSync(LOGS, { recursive: true });
	fs.writeFileSync(path.join(LOGS, name), L.redact(text));
}

const pairedIndex = (item) => {
	const p = item.pairedItem;
	if (typeof p === 'number') return p;
	if (Array.isArray(p)) return p.length === 1 ? pairedIndex({ pairedItem: p[0] }) : null;
	return p ? p.item : null;
};

// ------------------------------------------------------------------------------------------- fixtures
/** The input images n8n's own nodes fetch: three over HTTP (PNG, JPEG, WEBP), one from disk. */
function makeInputs() {
	const served = {
		'/a.png': { ...images.solidPng(64, 48, [220, 40, 40]), contentType: 'image/png' },
		'/b.jpg': { ...images.solidJpeg(32, 32, [40, 200, 40]), contentType: 'image/jpeg' },
		'/c.webp': { ...images.solidWebp(24, 16, [40, 40, 220]), contentType: 'image/webp' },
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

// ------------------------------------------------------------------------------------------- checks
/** The one emulator request whose prompt text is `prompt`; must have answered 200. */
function requestFor(emu, prompt) {
	const recs = emu.requests.filter((r) => (r.route === 'native' || r.route === 'chat') && r.asked && r.asked.promptText === prompt);
	eq(recs.length, 1, `emulator requests with prompt ${JSON.stringify(prompt)}`);
	eq(recs[0].status, 200, 'emulator answer status');
	return recs[0];
}

/**
 * An output item's image against what the emulator sent: the bytes n8n stored (resolved from the binary
 * reference), n8n's own Crypto hash, the JSON the node wrote, and where the bytes live for this mode.
 */
function checkImage(mode, item, hashItem, sent, ctx) {
	assert(item && item.binary && item.binary.data, 'output item has no binary field "data"');
	const bin = item.binary.data;
	if (mode === 'filesystem') assert(/^filesystem-v2:/.test(bin.id || ''), `binary id ${bin.id} is not filesystem-v2`);
	if (mode === 'database') assert(/^database:/.test(bin.id || ''), `binary id ${bin.id} is not database`);
	if (mode === 'default') assert(!bin.id && typeof bin.data === 'string' && bin.data.length > 100, 'binary is not inline base64');
	const stored = L.readStoredBinary(HOME, bin);
	eq(L.sha256(stored.bytes), sent.sha256, `sha256 of the bytes n8n stored (${stored.file || 'inline'}) vs sent by the emulator`);
	eq(stored.bytes.length, sent.bytes, 'stored size');
	assert(hashItem && hashItem.json, 'no item from the Crypto node');
	eq(hashItem.json.sha256, sent.sha256, "sha256 computed by n8n's Crypto node vs sent by the emulator");
	eq(item.json.fileSize, sent.bytes, 'json.fileSize');
	eq(item.json.width, sent.width, 'json.width');
	eq(item.json.height, sent.height, 'json.height');
	// the real type of the bytes, whatever the API labelled them
	const realMime = `image/${sent.type}`;
	eq(item.json.mimeType, realMime, 'json.mimeType');
	eq(bin.mimeType, realMime, 'binary mimeType');
	ctx.shas.push(sent.sha256);
}

async function runMode(mode, ctx) {
	const { emu, inputs } = ctx;
	emu.reset();
	const env = L.n8nEnv(HOME, { brokerPort: await L.freePort(), binaryMode: mode });
	const ex = await L.executeWorkflow(env, ctx.mainId);
	writeLog(`execute-${mode}.log`, `${ex.stdout}\n----- stderr -----\n${ex.stderr}`);
	console.log(`  n8n execute (${mode}): ${L.seconds(ex.ms)} including boot`);
	timings.push({ name: `  n8n execute, ${mode} mode`, ms: ex.ms });
	const shas = [];
	const c = { shas };
	const items = (node) => L.nodeItems(ex.execution, node) || [];

	await test(`[${mode}] the workflow runs in n8n (execute exit 0, no error)`, () => {
		assert(ex.execution, `no execution JSON in the output (exit ${ex.code}); see .e2e/logs/execute-${mode}.log`);
		assert(!ex.error, `execution error: ${ex.error && ex.error.message}`);
		eq(ex.code, 0, 'exit code');
	});
	if (!ex.execution) return;

	await test(`[${mode}] text to image: aspect ratio 16:9 reaches the API, stored bytes == sent bytes`, () => {
		const rec = requestFor(emu, W.PROMPTS.textToImage);
		eq(rec.asked.aspectRatio, '16:9', 'aspectRatio in the request body');
		eq(rec.body.generationConfig.imageConfig.aspectRatio, '16:9', 'generationConfig.imageConfig.aspectRatio');
		eq(rec.auth, 'bearer', 'auth method');
		eq(rec.imagesSent.length, 1, 'images sent');
		const out = items('Text to Image');
		eq(out.length, 1, 'output items');
		eq(pairedIndex(out[0]), 0, 'pairedItem');
		checkImage(mode, out[0], items('Hash Text to Image')[0], rec.imagesSent[0], c);
		eq(out[0].json.width, 1344, 'width of a 16:9 1K image');
		eq(out[0].json.height, 768, 'height of a 16:9 1K image');
	});

	await test(`[${mode}] chat route (apiFormat openAiChat): streamed, aspect ratio in extra_body, stored bytes == sent bytes`, () => {
		const rec = requestFor(emu, W.PROMPTS.chatRoute);
		eq(rec.path, '/v1/chat/completions', 'path');
		eq(rec.body.stream, true, 'stream');
		eq(rec.body.extra_body.google.image_config.aspect_ratio, '9:16', 'extra_body.google.image_config.aspect_ratio');
		eq(rec.imagesSent.length, 1, 'images sent');
		const out = items('Text to Image (chat route)');
		eq(out.length, 1, 'output items');
		eq(pairedIndex(out[0]), 0, 'pairedItem');
		checkImage(mode, out[0], items('Hash Text to Image (chat route)')[0], rec.imagesSent[0], c);
		eq(out[0].json.width, 768, 'width of a 9:16 1K image');
		eq(out[0].json.height, 1344, 'height of a 9:16 1K image');
	});

	await test(`[${mode}] image to image, input read by Read/Write Files from Disk: input bytes arrive, output stored`, () => {
		const rec = requestFor(emu, W.PROMPTS.fromFile);
		eq(rec.imagesReceived.length, 1, 'input images received');
		eq(rec.imagesReceived[0].sha256, L.sha256(inputs.file.buffer), 'sha256 of the input image received vs the file on disk');
		eq(rec.imagesReceived[0].mimeType, 'image/png', 'input MIME type');
		const out = items('Image to Image (file)');
		eq(out.length, 1, 'output items');
		checkImage(mode, out[0], items('Hash Image to Image (file)')[0], rec.imagesSent[0], c);
	});

	await test(`[${mode}] image to image, 3 inputs downloaded by HTTP Request into 3 fields: sent in order, output stored`, () => {
		const rec = requestFor(emu, W.PROMPTS.threeInputs);
		const expected = ['/a.png', '/b.jpg', '/c.webp'].map((k) => inputs.served[k]);
		eq(rec.imagesReceived.length, 3, 'input images received');
		rec.imagesReceived.forEach((img, i) => {
			eq(img.sha256, expected[i].sha256, `sha256 of input image ${i + 1}`);
			eq(img.mimeType, expected[i].mimeType, `MIME type of input image ${i + 1}`);
		});
		const parts = rec.body.contents[0].parts;
		assert(parts.filter((p) => p.inlineData || p.inline_data).length === 3, 'three inline images in the body');
		const out = items('Image to Image (3 inputs)');
		eq(out.length, 1, 'output items');
		checkImage(mode, out[0], items('Hash Image to Image (3 inputs)')[0], rec.imagesSent[0], c);
	});

	await test(`[${mode}] 4 items, item 1 refused (IMAGE_SAFETY), Continue On Fail: good items keep images and pairing`, () => {
		const out = items('Batch with a refusal');
		const hashed = items('Hash Batch');
		eq(out.length, 4, 'output items');
		eq(hashed.length, 4, 'items after the Crypto node');
		for (const i of [0, 2, 3]) {
			const rec = requestFor(emu, W.PROMPTS.batch[i]);
			eq(pairedIndex(out[i]), i, `pairedItem of output ${i}`);
			checkImage(mode, out[i], hashed[i], rec.imagesSent[0], c);
		}
		const refused = requestFor(emu, W.PROMPTS.batch[1]);
		eq(refused.imagesSent.length, 0, 'images sent for the refused prompt');
		eq(pairedIndex(out[1]), 1, 'pairedItem of the refused item');
		assert(!out[1].binary || Object.keys(out[1].binary).length === 0, 'the refused item carries no binary');
		assert(typeof out[1].json.error === 'string' && /IMAGE_SAFETY/.test(out[1].json.error), `error json: ${JSON.stringify(out[1].json)}`);
		eq(items('Prompts').length, 4, 'items from the Code node');
	});

	await test(`[${mode}] JPEG bytes labelled image/png are stored as JPEG (MIME type, extension, file name)`, () => {
		const out = items('Batch with a refusal')[3];
		const sent = requestFor(emu, W.PROMPTS.batch[3]).imagesSent[0];
		eq(sent.mimeType, 'image/png', 'label the emulator sent');
		eq(sent.type, 'jpeg', 'real type the emulator sent');
		eq(out.binary.data.mimeType, 'image/jpeg', 'binary mimeType');
		eq(out.binary.data.fileExtension, 'jpg', 'binary fileExtension');
		assert(/\.jpe?g$/.test(out.binary.data.fileName), `file name ${out.binary.data.fileName}`);
	});

	ctx.shasByMode[mode] = shas;
}

async function runQueue(ctx) {
	const { emu } = ctx;
	const redisBin = L.ensureRedisServer((m) => console.log(`  ${m}`));
	if (!redisBin) throw new Error('redis-server is not installed and cannot be installed (not root): set E2E_SKIP_QUEUE=1 to skip');
	const redisPort = await L.freePort();
	const redis = await L.startRedis(redisBin, redisPort, WORK);
	console.log(`  redis-server on 127.0.0.1:${redisPort}`);
	const port = await L.freePort();
	const queue = { port: redisPort };
	const workerEnv = L.n8nEnv(HOME, { brokerPort: await L.freePort(), queue, extra: { QUEUE_HEALTH_CHECK_PORT: String(await L.freePort()) } });
	const mainEnv = L.n8nEnv(HOME, { brokerPort: await L.freePort(), queue, port });
	const started = Date.now();
	const worker = L.startWorker({ env: workerEnv, logFile: path.join(LOGS, 'queue-worker.log'), concurrency: 5 });
	const main = L.startN8n({ env: mainEnv, logFile: path.join(LOGS, 'queue-main.log') });
	try {
		await Promise.all([main.waitReady(), worker.waitForLog(/n8n worker is now ready/, 180000)]);
		const bootMs = Date.now() - started;
		timings.push({ name: '  n8n start + n8n worker boot (queue mode)', ms: bootMs });
		console.log(`  n8n main (queue mode) ready at ${main.url} in ${L.seconds(main.readyMs)}, worker ready in ${L.seconds(bootMs)}`);

		const rest = new L.RestClient(main.url, L.runtime.paths());
		await rest.setupOwnerOrLogin();

		// What the editor's credential dialog does: load the credential (the key comes back blanked out) and
		// send it to the test endpoint; n8n puts the stored (decrypted) key back in before testing.
		const testStored = async (cred) => {
			const stored = await rest.call('GET', `/credentials/${cred.id}?includeData=true`, undefined, { expect: 200 });
			const data = (stored.json.data || stored.json).data;
			assert(data && data.apiKey && !data.apiKey.startsWith('sk-'), 'the editor gets the key blanked out');
			return rest.testCredential(cred, data);
		};

		await test('credential test through n8n (POST /rest/credentials/test) passes with the right key', async () => {
			emu.reset();
			const r = await testStored(L.CREDENTIAL);
			eq(r.status, 'OK', `credential test (${r.message})`);
			const models = emu.requests.filter((q) => q.path === '/v1/models');
			assert(models.length >= 1 && models.every((q) => q.status === 200 && q.auth === 'bearer'), 'GET /v1/models answered 200 to a Bearer key');
		});

		await test('credential test through n8n fails with a wrong key (stored, and typed in the dialog)', async () => {
			emu.reset();
			const wrong = await testStored(ctx.wrongCredential);
			eq(wrong.status, 'Error', 'stored wrong key');
			const typed = await rest.testCredential(L.CREDENTIAL, { apiKey: 'sk-typed-wrong-key', baseUrl: emu.url });
			eq(typed.status, 'Error', 'typed wrong key');
			const models = emu.requests.filter((q) => q.path === '/v1/models');
			assert(models.length >= 2 && models.every((q) => q.status === 401), 'the emulator answered 401');
		});

		await test("the editor's model list (resource locator \"From List\") comes from GET /v1/models, image models only", async () => {
			emu.reset();
			const res = await rest.call(
				'POST',
				'/dynamic-node-parameters/resource-locator-results',
				{
					path: 'parameters.model',
					nodeTypeAndVersion: { name: L.NODE_TYPE, version: 2 },
					currentNodeParameters: { operation: 'textToImage', model: { __rl: true, mode: 'list', value: '' }, prompt: '', options: {} },
					methodName: 'searchModels',
					credentials: { cometApi: { id: L.CREDENTIAL.id, name: L.CREDENTIAL.name } },
				},
				{ expect: 200 },
			);
			const ids = ((res.json.data || res.json).results || []).map((r) => r.value);
			assert(ids.includes('gemini-3.1-flash-image') && ids.includes('gemini-nano-banana-2.1'), `model list: ${JSON.stringify(ids)}`);
			assert(ids.every((id) => /gemini.*image|nano-banana/.test(id)), `a model that is not a Gemini image model: ${JSON.stringify(ids)}`);
			eq(emu.requests.filter((q) => q.path === '/v1/models' && q.status === 200).length, 1, 'GET /v1/models calls');
		});

		for (const example of ctx.examples) {
			await test(`example "${example.name}" runs like the editor's "Execute workflow" button (POST /rest/workflows/:id/run)`, async () => {
				emu.reset();
				const run = await rest.runWorkflowManually(example.id, example.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger').name);
				const err = run.execution.data.resultData.error;
				eq(run.status, 'success', `execution status${err ? ` (${err.message})` : ''}`);
				const gem = example.nodes.find((n) => n.type === L.NODE_TYPE).name;
				const out = run.execution.data.resultData.runData[gem][0].data.main[0];
				eq(out.length, 1, 'output items');
				const rec = emu.requests.find((r) => r.route === 'native');
				const stored = L.readStoredBinary(HOME, out[0].binary.data);
				eq(L.sha256(stored.bytes), rec.imagesSent[0].sha256, 'sha256 of the stored image vs sent by the emulator');
				if (example.id === 'cometExample002') {
					// the example reads .n8n-files/gemini-input*.png relative to n8n's folder, sorted by name
					eq(rec.imagesReceived.map((i) => i.sha256).join(','), ctx.exampleInputs.map(L.sha256).join(','), 'input images, in file name order');
				} else {
					eq(rec.asked.aspectRatio, '16:9', "the example's aspect ratio");
				}
			});
		}

		await test('queue mode: a webhook workflow runs on the worker and returns the image bytes n8n stored', async () => {
			emu.reset();
			await rest.activateWorkflow(ctx.webhookId);
			const workerMark = worker.log.length;
			const mainMark = main.log.length;
			const t = Date.now();
			const res = await L.callWebhook(`${main.url}/webhook/e2e-gemini-image`, { body: { prompt: W.PROMPTS.queue } });
			console.log(`    webhook answered in ${Date.now() - t} ms`);
			eq(res.status, 200, `webhook status (${res.body.toString('utf8').slice(0, 200)})`);
			const rec = requestFor(emu, W.PROMPTS.queue);
			const sent = rec.imagesSent[0];
			eq(res.headers['content-type'], sent.mimeType, 'content-type');
			eq(L.sha256(res.body), sent.sha256, 'sha256 of the webhook response body vs sent by the emulator');
			eq(Number(res.headers['x-image-width']), sent.width, 'x-image-width');
			eq(Number(res.headers['x-image-file-size']), sent.bytes, 'x-image-file-size');
			const m = await worker.waitForLog(/Worker started execution (\d+)/, 10000, workerMark);
			await worker.waitForLog(new RegExp(`Worker finished execution ${m[1]}\\b`), 30000, workerMark);
			await main.waitForLog(new RegExp(`Enqueued execution ${m[1]}\\b`), 10000, mainMark);
			assert(!/Worker started execution/.test(main.log), 'the main process must not run executions itself');
			// queue mode stores binaries in the database by default: the worker's row holds the same bytes
			const rows = L.listDatabaseBinaries(HOME).filter((r) => String(r.sourceId) === m[1]);
			assert(rows.some((r) => r.sha256 === sent.sha256), `binary_data rows of execution ${m[1]}: ${JSON.stringify(rows)}`);
		});
	} finally {
		const t = Date.now();
		await main.stop();
		await worker.stop();
		await redis.stop();
		timings.push({ name: '  queue mode shutdown', ms: Date.now() - t });
	}
}

// ------------------------------------------------------------------------------------------- main
async function main() {
	const t0 = Date.now();
	L.installExitHandlers();
	fs.rmSync(LOGS, { recursive: true, force: true });
	fs.mkdirSync(LOGS, { recursive: true });
	const apiKey = `sk-e2e-${crypto.randomBytes(12).toString('hex')}`;
	L.addSecret(apiKey);
	const ctx = { shasByMode: {}, mainId: null, webhookId: null, examples: [] };

	await phase('n8n runtime (cached install)', async () => {
		const rt = L.runtime.ensureRuntime();
		const info = L.runtime.installInfo(rt.line);
		console.log(`  ${rt.n8nBin}`);
		if (info) console.log(`  installed ${info.installedAt}: npm install ${info.t1} s + sqlite3 build ${info.t2} s`);
	});

	await phase('pack and install the package, emulator, imports', async () => {
		const pack = L.packPackage(path.join(WORK, 'pack'));
		console.log(`  ${path.relative(L.REPO_ROOT, pack.file)}: ${pack.files.length} files, ${pack.size} bytes`);
		await test('the tarball holds the built node, credential and icons, and no sources', () => {
			const pj = JSON.parse(fs.readFileSync(path.join(L.REPO_ROOT, 'package.json'), 'utf8'));
			for (const f of [...pj.n8n.nodes, ...pj.n8n.credentials, 'package.json']) assert(pack.files.includes(f), `missing ${f}`);
			assert(pack.files.some((f) => /^dist\/nodes\/GeminiImage\/.*\.svg$/.test(f)), 'node icon missing');
			assert(!pack.files.some((f) => /\.ts$/.test(f) && !/\.d\.ts$/.test(f)), 'TypeScript sources in the tarball');
			assert(!pack.files.some((f) => /^(test|scripts|examples)\//.test(f)), 'test/scripts/examples in the tarball');
		});
		L.makeUserFolder(HOME);
		const inst = L.installPackage(HOME, pack.file);
		console.log(`  installed into ${path.relative(L.REPO_ROOT, inst.pkgDir)}`);

		ctx.inputs = makeInputs();
		fs.writeFileSync(path.join(L.filesDir(HOME), 'input-a.png'), ctx.inputs.file.buffer);
		ctx.imageServer = await startImageServer(ctx.inputs.served);
		ctx.emu = await startEmulator({ port: 0, apiKey });
		console.log(`  emulator at ${ctx.emu.url}, input images at http://127.0.0.1:${ctx.imageServer.address().port}`);

		const env = L.n8nEnv(HOME, { brokerPort: await L.freePort() });
		ctx.wrongCredential = { id: 'cometCredWrong01', name: 'CometAPI wrong key', type: 'cometApi' };
		let t = Date.now();
		await L.importCredentials(env, [
			{ ...L.CREDENTIAL, data: { apiKey, baseUrl: ctx.emu.url } },
			{ ...ctx.wrongCredential, data: { apiKey: 'sk-e2e-wrong-key', baseUrl: ctx.emu.url } },
		]);
		timings.push({ name: '  n8n import:credentials', ms: Date.now() - t });
		const mainWf = W.mainWorkflow({
			imagesUrl: `http://127.0.0.1:${ctx.imageServer.address().port}`,
			inputFile: path.join(L.filesDir(HOME), 'input-a.png'),
		});
		const hookWf = W.webhookWorkflow();
		const examples = ['text-to-image', 'image-to-image']
			.map((n) => path.join(L.REPO_ROOT, 'examples', `${n}.workflow.json`))
			.filter((f) => fs.existsSync(f))
			.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
		ctx.examples = examples;
		// inputs of the Image to Image example: written in reverse name order, the example sorts by file name
		ctx.exampleInputs = [images.solidPng(50, 50, [10, 20, 30]).buffer, images.solidJpeg(40, 40, [200, 100, 50]).buffer];
		fs.writeFileSync(path.join(L.filesDir(HOME), 'gemini-input-2.jpg'), ctx.exampleInputs[1]);
		fs.writeFileSync(path.join(L.filesDir(HOME), 'gemini-input-1.png'), ctx.exampleInputs[0]);
		t = Date.now();
		await L.importWorkflows(env, [mainWf, hookWf, ...examples]);
		timings.push({ name: '  n8n import:workflow', ms: Date.now() - t });
		ctx.mainId = mainWf.id;
		ctx.webhookId = hookWf.id;
	});

	if (ctx.mainId) {
		for (const mode of MODES) {
			if (!wants(mode)) continue;
			await phase(`binary data mode "${mode}" (n8n execute)`, () => runMode(mode, ctx));
		}
		const done = MODES.filter((m) => ctx.shasByMode[m]);
		if (done.length > 1) {
			await test(`the same images, byte for byte, in ${done.join(', ')} modes`, () => {
				const ref = JSON.stringify(ctx.shasByMode[done[0]]);
				for (const m of done) eq(JSON.stringify(ctx.shasByMode[m]), ref, `sha256 list of ${m} vs ${done[0]}`);
			});
		}
		if (wants('queue') && process.env.E2E_SKIP_QUEUE !== '1') {
			await phase('queue mode: redis + n8n worker + n8n start (webhook, credential test)', () => runQueue(ctx));
		} else {
			console.log('\n▶ queue mode skipped');
		}
	}

	if (ctx.emu) await ctx.emu.close();
	if (ctx.imageServer) ctx.imageServer.close();
	await L.stopAll();

	console.log('\nTimings');
	for (const t of timings) console.log(`  ${t.name.padEnd(62)} ${L.seconds(t.ms).padStart(8)}`);
	console.log(`  ${'total'.padEnd(62)} ${L.seconds(Date.now() - t0).padStart(8)}`);
	console.log(`  logs: ${path.relative(L.REPO_ROOT, LOGS)}/`);

	summaryAndExit();
}

function summaryAndExit() {
	const passed = results.filter((r) => r.ok).length;
	const failed = results.length - passed;
	if (failed) {
		console.log('\nFailed:');
		for (const r of results.filter((x) => !x.ok)) console.log(`  ✘ ${r.name}`);
	}
	console.log(`\n${passed} passed, ${failed} failed`);
	process.exit(failed || results.length === 0 ? 1 : 0);
}

main().catch(async (e) => {
	console.error(L.redact(e && e.stack ? e.stack : e));
	results.push({ name: 'e2e runner', ok: false, error: e });
	await L.stopAll();
	summaryAndExit();
});
