#!/usr/bin/env node
'use strict';
// The browser suite: the node as users meet it, in n8n's own editor. A real n8n (the cached runtime of the chosen
// line) with the packed tarball installed the way n8n's installer does, Debian's Chromium driven by
// playwright-core, and the CometAPI emulator behind the credential. The checks are in checks.js.
//
//   npm run test:ui                       (builds first; n8n 2.x, then 1.x)
//   node test/ui/run.js [--n8n=1|2] [--only search,node,credential,tooltip,v1]
//
// Screenshots (and the page's HTML) of failed checks go to .ui/screenshots/ (gitignored; UI_SHOTS=all keeps a
// screenshot of every check too), n8n's log to .ui/logs/. The checks are node:test tests (test/lib/suite.js): its
// reporter prints them and the counts (npm run test:ui asks for the spec reporter), and the run exits 1 on any
// failure.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const L = require('../../scripts/lib');
const B = require('../../scripts/lib/browser');
const { startEmulator } = require('../../emulator/server');
const images = require('../../emulator/images');
const suite = require('../lib/suite');
const { editorChecks } = require('./checks');
const { Editor } = require('./editor');
const { startHtmlSite, startTlsProxy, credentialMessages } = require('./fixtures');
const W = require('./workflows');

const { values: opts } = parseArgs({ options: { n8n: { type: 'string' }, only: { type: 'string' } } });
const LINE = L.runtime.selectLine(opts.n8n);
const WORK = path.join(L.REPO_ROOT, '.ui');
const SHOTS = path.join(WORK, 'screenshots', `n8n${LINE}`);
const LOGS = path.join(WORK, 'logs');
const HOME = L.userFolderPath(`ui-n8n${LINE}`); // outside the repository: n8n must load its own n8n-workflow
const onlyArg = opts.only ?? process.env.UI_ONLY;
// UI_SHOTS=all also keeps a screenshot of each passed check (to look at what the suite saw)
const SHOT_ALL = process.env.UI_SHOTS === 'all';
const only = onlyArg ? new Set(onlyArg.split(',').map((s) => s.trim())) : null;

let editor = null;
const slug = (s) =>
	s
		.replace(/[^a-z0-9]+/gi, '-')
		.replace(/^-|-$/g, '')
		.slice(0, 80);

async function screenshot(file) {
	fs.mkdirSync(SHOTS, { recursive: true });
	await editor.screenshot(file).catch(() => {});
}

/** One check (skipped unless --only names its key); a failed one leaves a screenshot and the page's HTML. */
function test(key, name, fn) {
	if (only && !only.has(key)) return Promise.resolve(true);
	return suite.test(name, fn, {
		onSuccess: async () => {
			if (SHOT_ALL && editor) await screenshot(path.join(SHOTS, `ok-${slug(name)}.png`));
		},
		onFailure: async () => {
			if (!editor) return;
			const file = path.join(SHOTS, `${slug(name)}.png`);
			await screenshot(file);
			console.log(`  screenshot of "${name}": ${path.relative(L.REPO_ROOT, file)}`);
			// the page's HTML too, to see which selectors this n8n uses
			await editor.page.content().then(
				(html) => fs.writeFileSync(file.replace(/\.png$/, '.html'), html),
				() => {},
			);
		},
	});
}

async function main() {
	const t0 = Date.now();
	L.installExitHandlers();
	fs.rmSync(SHOTS, { recursive: true, force: true });
	fs.mkdirSync(LOGS, { recursive: true });
	const apiKey = `sk-ui-${crypto.randomBytes(10).toString('hex')}`;
	L.addSecret(apiKey);
	const ctx = { apiKey };

	const ready = await suite.test(`set-up: n8n ${L.runtime.LINES[LINE].n8n}, the packed package, the emulator, Chromium`, async () => {
		const rt = L.runtime.ensureRuntime(LINE);
		ctx.rt = rt;
		const chromium = B.ensureChromium((m) => console.log(`  ${m}`));
		if (!chromium)
			throw new Error("Debian's chromium is not installed and cannot be installed here (not root): apt-get install -y chromium");
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
		suite.note(`⏱ n8n boot: ${L.seconds(ctx.n8n.readyMs)}`);

		ctx.rest = new L.RestClient(ctx.n8n.url, rt);
		await ctx.rest.setupOwnerOrLogin();
		const created = await ctx.rest.call(
			'POST',
			'/credentials',
			{ name: L.CREDENTIAL.name, type: L.CREDENTIAL.type, data: { apiKey, baseUrl: ctx.emu.url } },
			{ expect: 200 },
		);
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
		suite.note(`⏱ Chromium start and sign-in: ${L.seconds(Date.now() - started)}`);
	});

	if (ready) await suite.test('the editor', () => editorChecks(ctx, { editor, test, messages: credentialMessages(LINE) }));

	if (ctx.browser) await ctx.browser.close();
	if (ctx.n8n) await ctx.n8n.stop();
	if (ctx.emu) await ctx.emu.close();
	if (ctx.site) ctx.site.close();
	if (ctx.tlsProxy) ctx.tlsProxy.server.close();
	await L.stopAll();
	console.log(`\ntotal ${L.seconds(Date.now() - t0)}`);
}

main().catch(async (e) => {
	console.error(L.redact(e && e.stack ? e.stack : e));
	process.exitCode = 1;
	await L.stopAll();
});
