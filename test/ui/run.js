#!/usr/bin/env node
'use strict';
// The browser suite: the node as users meet it, in n8n's own editor. A real n8n (the cached runtime of the chosen
// line) with the packed tarball installed the way n8n's installer does, Debian's Chromium driven by
// playwright-core, and the CometAPI emulator behind the credential. It checks that the node is found by each
// search in the regular nodes panel, can be added to a new workflow (version 2, no "Custom API Call"), lists the
// account's image models only, shows a run's image in the binary view, shows a refusal's title and description,
// hides settings that do not apply,
// explains a wrong key in the credential dialog (and a wrong Base URL, a missing scheme), takes the binary-object
// expression n8n's own tooltip suggests, and still runs a workflow saved with version 1.
//
//   npm run test:ui                       (builds first; n8n 2.x)
//   node test/ui/run.js [--n8n=1|2] [--only search,node,credential,tooltip,v1]
//
// Screenshots (and the page's HTML) of failed checks go to .ui/screenshots/ (gitignored; UI_SHOTS=all keeps a
// screenshot of every check too),
// n8n's log to .ui/logs/. Prints
// "N passed, N failed" as its last line and exits 1 on any failure.

const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const tls = require('node:tls');

const L = require('../../scripts/lib');
const B = require('../../scripts/lib/browser');
const { startEmulator } = require('../../emulator/server');
const images = require('../../emulator/images');
const { Editor } = require('./editor');
const W = require('./workflows');

const argv = process.argv.slice(2);
const LINE = L.runtime.selectLine(argv);
const WORK = path.join(L.REPO_ROOT, '.ui');
const SHOTS = path.join(WORK, 'screenshots', `n8n${LINE}`);
const LOGS = path.join(WORK, 'logs');
const HOME = L.userFolderPath(`ui-n8n${LINE}`); // outside the repository: n8n must load its own n8n-workflow
const onlyArg = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : process.env.UI_ONLY;
// UI_SHOTS=all also keeps a screenshot of each passed check (to look at what the suite saw)
const SHOT_ALL = process.env.UI_SHOTS === 'all';
const only = onlyArg ? new Set(onlyArg.split(',').map((s) => s.trim())) : null;

const SEARCHES = ['Gemini', 'CometAPI', 'Nano Banana', 'image', 'edit image'];
const NODE_NAME = 'Gemini Image (CometAPI)';
const IMAGE_MODELS = [
	'gemini-nano-banana-2.1 (Nano Banana 2.1)',
	'gemini-3.1-flash-lite-image (Nano Banana 2 Lite)',
	'gemini-3.1-flash-image (Nano Banana 2)',
	'gemini-3-pro-image (Nano Banana Pro)',
];

// ------------------------------------------------------------------------------------------- tiny runner
const results = [];
const timings = [];
let editor = null;

function assert(cond, message) {
	if (!cond) throw new Error(message);
}
function eq(actual, expected, what) {
	if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
const slug = (s) => s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, 80);

async function test(key, name, fn) {
	if (only && !only.has(key)) return;
	const started = Date.now();
	try {
		await fn();
		results.push({ name, ok: true });
		if (SHOT_ALL && editor) {
			fs.mkdirSync(SHOTS, { recursive: true });
			await editor.screenshot(path.join(SHOTS, `ok-${slug(name)}.png`)).catch(() => {});
		}
		console.log(`  ✔ ${name} (${L.seconds(Date.now() - started)})`);
	} catch (e) {
		results.push({ name, ok: false, error: e });
		let shot = '';
		if (editor) {
			fs.mkdirSync(SHOTS, { recursive: true });
			const file = path.join(SHOTS, `${slug(name)}.png`);
			await editor.screenshot(file).then(() => (shot = `\n      screenshot: ${path.relative(L.REPO_ROOT, file)}`), () => {});
			// the page's HTML too, to see which selectors this n8n uses
			await editor.page.content().then((html) => fs.writeFileSync(file.replace(/\.png$/, '.html'), html), () => {});
		}
		console.log(`  ✘ ${name} (${L.seconds(Date.now() - started)})\n      ${L.redact(e && e.stack ? e.stack : e).split('\n').slice(0, 6).join('\n      ')}${shot}`);
	}
}

async function phase(name, fn) {
	const started = Date.now();
	console.log(`\n▶ ${name}`);
	try {
		await fn();
		return true;
	} catch (e) {
		results.push({ name: `${name} (set-up)`, ok: false, error: e });
		console.log(`  ✘ ${name} could not run:\n      ${L.redact(e && e.stack ? e.stack : e).split('\n').join('\n      ')}`);
		return false;
	} finally {
		timings.push({ name, ms: Date.now() - started });
	}
}

// ------------------------------------------------------------------------------------------- fixtures
/** A server that answers every path with a web page: a Base URL pointing at a website, not the API. */
function startHtmlSite() {
	const server = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>Welcome</body></html>'));
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * HTTPS in front of the emulator, with a certificate for 127.0.0.1 that n8n trusts (NODE_EXTRA_CA_CERTS): a
 * Base URL typed without a scheme ("127.0.0.1:PORT") must reach it both from the node and from the Test button.
 */
function startTlsProxy(dir, targetPort) {
	fs.mkdirSync(dir, { recursive: true });
	const key = path.join(dir, 'key.pem');
	const cert = path.join(dir, 'cert.pem');
	const res = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
	if (res.status !== 0) throw new Error(`openssl could not make a test certificate: ${res.stderr}`);
	const server = tls.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (socket) => {
		const upstream = net.connect(targetPort, '127.0.0.1');
		socket.pipe(upstream).pipe(socket);
		socket.on('error', () => upstream.destroy());
		upstream.on('error', () => socket.destroy());
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, cert, port: server.address().port })));
}

/** What the credential's Test button must say (the node's own words for the same answers). */
const BASE_URL_FIX = "Check the Base URL in this credential: it should be the API's address, such as https://api.cometapi.com, without a path.";
const CREDENTIAL_MESSAGES = {
	unauthorized: 'CometAPI answered 401 Unauthorized. Check the API key in this credential: it is missing, mistyped or revoked.',
	notFound: `CometAPI answered 404 Not Found. ${BASE_URL_FIX}`,
	htmlPage: `CometAPI answered with an HTML page instead of the API's JSON. ${BASE_URL_FIX}`,
};
// n8n 1.x: its credential tester never sees the HTTP status of a failed test request (n8n-workflow 1.x's
// ExecutionBaseError declares a `cause` class field, which wipes the axios error NodeApiError was given), so
// it applies no status rule and shows NodeApiError's own words. A body rule (the HTML page) still works there.
if (LINE === '1') {
	CREDENTIAL_MESSAGES.unauthorized = 'Authorization failed - please check your credentials';
	CREDENTIAL_MESSAGES.notFound = 'The resource you are requesting could not be found';
}

// ------------------------------------------------------------------------------------------- main
async function main() {
	const t0 = Date.now();
	L.installExitHandlers();
	fs.rmSync(SHOTS, { recursive: true, force: true });
	fs.mkdirSync(LOGS, { recursive: true });
	const apiKey = `sk-ui-${crypto.randomBytes(10).toString('hex')}`;
	L.addSecret(apiKey);
	const ctx = { apiKey };

	const ready = await phase(`set-up: n8n ${L.runtime.LINES[LINE].n8n}, the packed package, the emulator, Chromium`, async () => {
		const rt = L.runtime.ensureRuntime(LINE);
		ctx.rt = rt;
		const chromium = B.ensureChromium((m) => console.log(`  ${m}`));
		if (!chromium) throw new Error('Debian\'s chromium is not installed and cannot be installed here (not root): apt-get install -y chromium');
		console.log(`  ${rt.label} (${rt.nodeBin}); ${B.chromiumVersion(chromium)}`);

		L.makeUserFolder(HOME);
		const pack = L.packPackage(path.join(HOME, 'pack'));
		const inst = L.installPackage(HOME, pack.file);
		// Fails the run loudly unless the package loads n8n's own n8n-workflow.
		const resolution = L.checkResolution(inst.pkgDir, rt);
		console.log(`  installed ${pack.files.length} files into ${inst.pkgDir}; it loads n8n-workflow ${resolution.version} from ${rt.label}`);

		ctx.emu = await startEmulator({ port: 0, apiKey });
		ctx.site = await startHtmlSite();
		ctx.tlsProxy = await startTlsProxy(path.join(WORK, 'tls'), ctx.emu.port);
		ctx.inputFile = path.join(L.filesDir(HOME), 'ui-input.png');
		ctx.input = images.solidPng(64, 48, [230, 120, 20]);
		fs.writeFileSync(ctx.inputFile, ctx.input.buffer);

		const port = await L.freePort();
		const env = L.n8nEnv(HOME, { rt, port, brokerPort: await L.freePort(), extra: { NODE_EXTRA_CA_CERTS: ctx.tlsProxy.cert } });
		ctx.n8n = L.startN8n({ env, logFile: path.join(LOGS, `n8n${LINE}.log`) });
		await ctx.n8n.waitReady();
		console.log(`  n8n ready at ${ctx.n8n.url} in ${L.seconds(ctx.n8n.readyMs)}; emulator at ${ctx.emu.url}`);
		timings.push({ name: '  n8n boot', ms: ctx.n8n.readyMs });

		ctx.rest = new L.RestClient(ctx.n8n.url, rt);
		await ctx.rest.setupOwnerOrLogin();
		const created = await ctx.rest.call('POST', '/credentials', { name: L.CREDENTIAL.name, type: L.CREDENTIAL.type, data: { apiKey, baseUrl: ctx.emu.url } }, { expect: 200 });
		const cred = created.json.data || created.json;
		ctx.credential = { id: cred.id, name: cred.name, type: L.CREDENTIAL.type };
		const ref = { id: cred.id, name: cred.name };
		ctx.workflow = async (wf) => (await ctx.rest.call('POST', '/workflows', wf, { expect: 200 })).json.data.id;
		ctx.tooltipWf = await ctx.workflow(W.tooltipWorkflow({ file: ctx.inputFile, credential: ref }));
		ctx.v1Wf = await ctx.workflow(W.versionOneWorkflow({ credential: ref }));

		const started = Date.now();
		ctx.browser = await B.launchChromium({ executablePath: chromium });
		editor = new Editor(ctx.browser.page, ctx.n8n.url);
		await editor.signIn(L.SANDBOX_OWNER);
		timings.push({ name: '  Chromium start and sign-in', ms: Date.now() - started });
	});

	if (ready) await phase('the editor', () => editorTests(ctx));

	if (ctx.browser) await ctx.browser.close();
	if (ctx.n8n) await ctx.n8n.stop();
	if (ctx.emu) await ctx.emu.close();
	if (ctx.site) ctx.site.close();
	if (ctx.tlsProxy) ctx.tlsProxy.server.close();
	await L.stopAll();

	console.log('\nTimings');
	for (const t of timings) console.log(`  ${t.name.padEnd(70)} ${L.seconds(t.ms).padStart(8)}`);
	console.log(`  ${'total'.padEnd(70)} ${L.seconds(Date.now() - t0).padStart(8)}`);
	summaryAndExit();
}

async function editorTests(ctx) {
	const { emu } = ctx;
	const page = editor.page;
	const generations = () => emu.requests.filter((r) => r.route === 'native' || r.route === 'chat');
	/** Runs, and waits until the API has answered one more generation request than before. */
	const runAndWait = async (start) => {
		const before = generations().filter((r) => r.status).length;
		await start();
		await editor.until(
			async () => {
				if (generations().filter((r) => r.status).length > before) return true;
				// a run that fails before any request (a parameter n8n or the node rejects) says so in a toast
				const toast = page.locator('.el-notification:visible', { hasText: /Problem (in node|executing|running)/ });
				if (await toast.count()) {
					throw Object.assign(new Error(`the run failed before any request: ${(await toast.first().innerText()).replace(/\s+/g, ' ')}`), { fatal: true });
				}
				return false;
			},
			'no request reached the API',
			120000,
		);
	};
	const newWf = await ctx.workflow(W.newWorkflow(`UI: new workflow ${Date.now()}`));
	await editor.openWorkflow(newWf);

	for (const term of SEARCHES) {
		await test('search', `the regular nodes panel finds the node by "${term}"`, async () => {
			const title = await editor.openNodesPanel();
			eq(title, 'What happens next?', 'panel title (the regular panel, after a trigger)');
			const names = await editor.searchNodes(term);
			assert(names.includes(NODE_NAME), `"${term}" lists ${JSON.stringify(names)}`);
			const text = await editor.nodesPanelText();
			assert(!/sub-nodes/i.test(text), `the node is listed under a sub-nodes heading:\n${text}`);
		});
	}

	let added = false;
	await test('node', 'it is added to a new workflow as version 2, with no "Custom API Call" operation', async () => {
		await editor.openNodesPanel();
		await editor.searchNodes('Nano Banana');
		await editor.clickPanelItem(NODE_NAME);
		await editor.clickPanelItem('Create an image from a prompt');
		await editor.parameter('prompt').waitFor();
		added = true;
		for (const label of ['Model', 'Prompt', 'Options', 'Request Settings']) {
			assert(await page.getByText(label, { exact: true }).first().isVisible(), `no "${label}" in the node`);
		}
		eq(await editor.dropdownOptions('operation'), ['Text to Image', 'Image to Image', 'Refine Image'], 'Operation list');
		const docs = await page.locator('[data-test-id="ndv"] a', { hasText: 'Docs' }).first().getAttribute('href');
		eq(docs, 'https://github.com/cometapi/n8n-nodes-cometapi#operations', 'Docs link');
		await page.keyboard.press('ControlOrMeta+s');
		const saved = await editor.until(async () => {
			const wf = (await ctx.rest.call('GET', `/workflows/${newWf}`)).json.data;
			return wf.nodes.find((n) => n.type === W.NODE_TYPE);
		}, 'the workflow was not saved with the node');
		eq(saved.typeVersion, 2, 'typeVersion of a new node');
	});

	await test('node', "the model list shows the account's image models only, with their product names", async () => {
		assert(added, 'the node was not added');
		emu.reset();
		const names = await editor.modelList();
		eq([...names].sort(), [...IMAGE_MODELS].sort(), 'models listed');
		assert(emu.requests.some((r) => r.path === '/v1/models' && r.status === 200), 'GET /v1/models was not called');
	});

	await test('node', "a run shows the image in the output's binary view, the bytes the API sent", async () => {
		assert(added, 'the node was not added');
		emu.reset();
		await editor.setText('prompt', 'A lighthouse at dusk');
		await runAndWait(() => editor.executeStep());
		eq(await editor.waitForOutput('success'), 'success', 'run outcome');
		const shown = await editor.viewOutputImage();
		const [sent] = generations()[0].imagesSent;
		eq([shown.width, shown.height], [sent.width, sent.height], 'pixel size the browser decoded');
		eq(L.sha256(await editor.imageBytes(shown.src)), sent.sha256, 'sha256 of the image the editor shows vs the one the emulator sent');
	});

	await test('node', 'a refusal shows its title and description', async () => {
		assert(added, 'the node was not added');
		await editor.setText('prompt', 'A fox [emu:image-safety]');
		await runAndWait(() => editor.executeStep());
		eq(await editor.waitForOutput('error'), 'error', 'run outcome');
		const error = await editor.outputError();
		assert(/^The model refused to make the image \(IMAGE_SAFETY\)\..*\[item 0\]$/s.test(error.message), `error title: ${error.message}`);
		eq(error.description, 'The safety filter rejected the result: rephrase the prompt.', 'error description');
	});

	await test('node', 'settings that do not apply are hidden: Max Input Size for Text to Image, Streaming for the chat format', async () => {
		assert(added, 'the node was not added');
		const before = await editor.collectionChoices('Add Setting');
		eq(before, ['API Format', 'Concurrency', 'Max Retries', 'Streaming', 'Timeout (Seconds)'], 'Request Settings of Text to Image');
		await editor.addCollectionChoice('Add Setting', 'API Format', 'apiFormat', 'OpenAI Chat');
		eq(await editor.collectionChoices('Add Setting'), ['Concurrency', 'Max Retries', 'Timeout (Seconds)'], 'Request Settings left with OpenAI Chat');
		const options = await editor.collectionChoices('Add Option');
		assert(options.includes('Image Size') && options.includes('Include Input Fields') && !options.includes('Concurrency'), `Options: ${JSON.stringify(options)}`);
	});

	await test('node', 'Refine Image shows with its own settings: Conversation From Node, no input images', async () => {
		assert(added, 'the node was not added');
		await editor.parameter('operation').click();
		await page.locator('.el-select-dropdown__item:visible, [role=option]:visible', { hasText: 'Refine Image' }).first().click();
		await editor.until(async () => !(await editor.parameter('inputImages').isVisible()) && (await editor.parameter('prompt').isVisible()), 'Refine Image did not show its parameters');
		const options = await editor.collectionChoices('Add Option');
		assert(options.includes('Conversation From Node') && options.includes('Add Image Link'), `Options of Refine Image: ${JSON.stringify(options)}`);
	});

	const messages = CREDENTIAL_MESSAGES;
	await test('node', 'a wrong key in the credential dialog shows the explaining message', async () => {
		assert(added, 'the node was not added');
		await editor.testId('node-credentials-select').click();
		await editor.testId('node-credentials-select-item-new').click();
		await editor.parameter('apiKey').locator('input').fill('sk-wrong-key-typed-in-the-dialog');
		await editor.parameter('baseUrl').locator('input').fill(emu.url);
		await editor.testId('credential-save-button').click();
		// n8n 2.x folds the reason under "More details"; 1.x shows it at once
		await page.getByText('More details').first().click({ timeout: 5000 }).catch(() => {});
		const dialog = editor.testId('credential-edit-dialog');
		await editor.until(async () => (await dialog.innerText()).includes(messages.unauthorized), `the dialog never showed "${messages.unauthorized}"`);
		await page.keyboard.press('Escape');
	});

	await test('credential', 'the Test button explains a wrong Base URL (404, a web page) and takes one without a scheme', async () => {
		const check = async (baseUrl, key = ctx.apiKey) => await ctx.rest.testCredential(ctx.credential, { apiKey: key, baseUrl });
		eq(await check(`${emu.url}/some/site`), { status: 'Error', message: messages.notFound }, '404');
		eq(await check(`http://127.0.0.1:${ctx.site.address().port}/`), { status: 'Error', message: messages.htmlPage }, 'an HTML page');
		const noScheme = `127.0.0.1:${ctx.tlsProxy.port}`;
		eq((await check(noScheme)).status, 'OK', `Test button with Base URL ${noScheme}`);
	});

	await test('tooltip', "n8n's tooltip expression for a binary object works as Input Data Field Name(s)", async () => {
		emu.reset();
		await editor.openWorkflow(ctx.tooltipWf);
		await editor.openNode('Gemini Image');
		const tip = await editor.tooltipOf(editor.parameter('binaryPropertyNames'));
		const suggested = /\{\{\s*\$\('Target Node'\)\.item\.binary\.data\s*\}\}/.exec(tip);
		assert(suggested, `n8n's tooltip: ${tip}`);
		const expression = suggested[0].replace('Target Node', 'Load Image');
		const field = await editor.setExpression('binaryPropertyNames', expression);
		assert(field.includes(expression), `the field holds: ${field}`);
		await editor.closeNode();
		await runAndWait(() => editor.executeWorkflow());
		eq(generations()[0].status, 200, 'status of the answer');
		eq(generations()[0].imagesReceived.map((i) => i.sha256), [ctx.input.sha256], 'the input image the API received');
		await editor.openNode('Gemini Image');
		eq(await editor.waitForOutput('success'), 'success', 'run outcome');
		// n8n's own preview of the expression's value: a binary object, not a field name
		const preview = (await editor.parameterItem('binaryPropertyNames').innerText()).trim();
		assert(preview.includes(expression) && /\[Object:\s*\{"mimeType":\s*"image\/png"/.test(preview), `the field and n8n's preview of its value: ${preview}`);
		const shown = await editor.viewOutputImage();
		eq([shown.width, shown.height], [generations()[0].imagesSent[0].width, generations()[0].imagesSent[0].height], 'image shown');
	});

	await test('v1', 'a workflow saved with version 1 opens with its own parameters and runs as before', async () => {
		emu.reset();
		await editor.openWorkflow(ctx.v1Wf);
		await editor.openNode('Gemini Image');
		assert(!(await page.getByText('Request Settings', { exact: true }).first().isVisible()), 'a version 1 node shows Request Settings');
		eq(await editor.dropdownOptions('operation'), ['Text to Image', 'Image to Image'], 'Operation list');
		await runAndWait(() => editor.executeStep());
		eq(await editor.waitForOutput('success'), 'success', 'run outcome');
		const [req] = generations();
		eq(req.path, '/v1beta/models/gemini-2.5-flash-image:generateContent', 'request path');
		eq(req.asked.aspectRatio, '16:9', 'aspect ratio');
		const shown = await editor.viewOutputImage();
		eq([shown.width, shown.height], [1344, 768], 'image shown');
	});
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
	results.push({ name: 'ui runner', ok: false, error: e });
	await L.stopAll();
	summaryAndExit();
});
