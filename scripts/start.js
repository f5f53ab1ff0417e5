#!/usr/bin/env node
'use strict';
// `npm start`: a local n8n (SQLite) on 127.0.0.1:5678 with this package installed the way n8n installs
// community packages, a CometAPI credential and the example workflows. Without COMETAPI_KEY the credential
// points at the CometAPI emulator (a sandbox started here: no key, no network); with it, at the real API.
//
//   npm start                      build, then start n8n 2.x (Ctrl-C stops n8n and the sandbox)
//                                  one line per step on the terminal; npm's, tsc's and the compiler's output go to
//                                  start.log in the user folder (its path is printed; its tail too, when a step fails)
//   npm start -- --n8n=1           the same in n8n 1.x (1.123 LTS); or N8N_LINE=1 npm start
//   npm start -- --smoke           (or START_SMOKE=1) boot, run the example once through n8n, print, exit 0/1
//   npm start -- --fresh           start from an empty user folder (kept between runs otherwise)
//
// Env: COMETAPI_KEY, COMETAPI_BASE_URL (real API); N8N_PORT (default 5678); COMETAPI_SANDBOX_PORT (default 8787);
// other N8N_* variables are passed to n8n (e.g. N8N_DEFAULT_BINARY_DATA_MODE=database).
// The user folder lives in the runtime cache (~/.cache/n8n-nodes-cometapi/homes/<clone>/start-n8n<line>), outside the
// repository, so the installed package loads n8n's own n8n-workflow (checked at every start).

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const L = require('./lib');
const S = require('./lib/sandbox');
const { inspect } = require('../emulator/images');

const { values: opts } = parseArgs({ options: { n8n: { type: 'string' }, smoke: { type: 'boolean' }, fresh: { type: 'boolean' } } });
const LINE = L.runtime.selectLine(opts.n8n);
const HOME = L.userFolderPath(`start-n8n${LINE}`);
const STATE_FILE = path.join(HOME, '.start-state.json');
const SMOKE = !!opts.smoke || /^(1|true|yes)$/i.test(process.env.START_SMOKE || '');
const FRESH = !!opts.fresh;

const say = (msg = '') => process.stdout.write(`${L.redact(msg)}\n`);
// Everything the steps' tools print (npm, tsc, gulp, the compiler of sqlite3) goes here, not to the terminal.
const LOG = path.join(HOME, 'start.log');
const toLog = (msg) => fs.appendFileSync(LOG, `${L.redact(msg)}\n`);

/** One line per step: what, then how long it took (`• Building the package… 6.2 s`); its details go to the log. */
async function step(what, fn) {
	const started = Date.now();
	process.stdout.write(`• ${L.redact(what)}… `);
	toLog(`\n== ${what}`);
	try {
		const note = await fn();
		say(`${L.seconds(Date.now() - started)}${note ? `: ${note}` : ''}`);
		return note;
	} catch (e) {
		say('failed');
		throw e;
	}
}

/** Runs a command to completion with its output in the log (main shows the log's tail when it fails). */
function runLogged(cmd, args, opts = {}) {
	toLog(`$ ${cmd} ${args.join(' ')}`);
	const fd = fs.openSync(LOG, 'a');
	let res;
	try {
		res = spawnSync(cmd, args, { cwd: L.REPO_ROOT, ...opts, stdio: ['ignore', fd, fd] });
	} finally {
		fs.closeSync(fd);
	}
	if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${res.status}`);
}

function logTail(lines = 30) {
	try {
		return fs.readFileSync(LOG, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
	} catch {
		return '';
	}
}

function readState() {
	try {
		return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'));
	} catch {
		return {};
	}
}

/** The user's own N8N_* settings, minus the ones this script must control. */
function userN8nEnv() {
	const keep = {};
	const controlled = new Set([
		'N8N_USER_FOLDER',
		'N8N_ENCRYPTION_KEY',
		'N8N_RUNNERS_BROKER_PORT',
		'N8N_PORT',
		'N8N_HOST',
		'N8N_LISTEN_ADDRESS',
	]);
	for (const [k, v] of Object.entries(process.env)) if (/^N8N_/.test(k) && !controlled.has(k)) keep[k] = v;
	return keep;
}

async function main() {
	const t0 = Date.now();
	let backend = null;
	L.installExitHandlers(async () => {
		if (backend) await backend.close();
	});

	if (FRESH) fs.rmSync(HOME, { recursive: true, force: true });
	fs.mkdirSync(HOME, { recursive: true });
	fs.writeFileSync(LOG, `${new Date().toISOString()} npm start${SMOKE ? ' --smoke' : ''} (${LINE === '1' ? 'n8n 1.x' : 'n8n 2.x'})\n`);
	say(`npm start: n8n with ${L.PACKAGE_NAME}; the tools' output goes to ${LOG}`);

	// 1. the package, compiled
	await step('Building the package (tsc, icons)', () => runLogged('npm', ['run', 'build']));

	// 2. n8n itself (first run: installs into a machine-wide cache)
	const rt = L.runtime.paths(LINE);
	if (L.runtime.isInstalled(LINE)) say(`• ${rt.label}${rt.nodeDir ? ' and its Node 24' : ''}: installed in ${rt.dir}`);
	else {
		await step(`Installing ${rt.label}${rt.nodeDir ? ' and Node 24' : ''} into ${rt.dir} (first run only, about 3 minutes)`, () => {
			L.runtime.ensureRuntime(LINE, { logFile: LOG, say: toLog });
		});
	}

	// 3. the package, packed and installed like n8n's installer does
	L.makeUserFolder(HOME, { fresh: false });
	fs.writeFileSync(path.join(HOME, '.gitignore'), '*\n');
	await step(`Installing ${L.PACKAGE_NAME} into ${path.join(HOME, '.n8n', 'nodes')} (npm pack, as n8n's installer does)`, () => {
		const pack = L.packPackage(path.join(HOME, 'pack'));
		const inst = L.installPackage(path.join(HOME), pack.file);
		fs.rmSync(pack.file, { force: true });
		const resolution = L.checkResolution(inst.pkgDir, rt);
		return `${inst.version}, ${pack.files.length} files; it loads ${rt.label}'s own n8n-workflow ${resolution.version}`;
	});

	// 4. which CometAPI
	const { logLine } = require('../emulator/cli');
	let echoSandbox = false;
	backend = await S.startBackend({ onRequest: (rec) => echoSandbox && say(`[sandbox] ${logLine(rec)}`) });
	say(`• CometAPI: ${backend.label}`);

	// 5. credential and examples: imported when they changed since the last run (each import boots n8n once)
	let port = Number(process.env.N8N_PORT || 5678);
	if (await L.portInUse(port)) {
		if (!SMOKE) {
			throw new Error(`port ${port} is already in use (another n8n?). Stop it, or choose a port: N8N_PORT=5679 npm start`);
		}
		port = await L.freePort();
	}
	const env = L.n8nEnv(HOME, { rt, port, brokerPort: await L.freePort(), inherit: true, extra: userN8nEnv() });
	// a state file without its database (folder partly deleted) means: import again
	const state = fs.existsSync(path.join(HOME, '.n8n', 'database.sqlite')) ? readState() : {};
	const credentials = S.credentialsFor(backend);
	const credHash = L.sha256(JSON.stringify(credentials));
	const examples = Object.keys(S.EXAMPLES).map(S.readExample);
	const examplesHash = L.sha256(JSON.stringify(examples));
	if (state.credential !== credHash) {
		await step(`Importing ${credentials.length} credentials (n8n import:credentials, about 15 s)`, () =>
			L.importCredentials(env, credentials).then(() => credentials.map((c) => `"${c.name}"`).join(', ')),
		);
		state.credential = credHash;
		fs.writeFileSync(STATE_FILE, JSON.stringify(state));
	}
	if (state.examples !== examplesHash) {
		await step(`Importing ${examples.length} example workflows (n8n import:workflow, about 15 s)`, () =>
			L.importWorkflows(env, examples).then(() => ''),
		);
		state.examples = examplesHash;
		fs.writeFileSync(STATE_FILE, JSON.stringify(state));
	}
	const sample = S.ensureSampleInput(HOME);
	if (sample) toLog(`sample input image for the Image to Image example: ${sample}`);

	// 6. n8n start
	let ready = false;
	let n8n;
	let rest;
	await step(`Starting ${rt.label} on http://127.0.0.1:${port} (its log: ${path.join(HOME, 'n8n.log')})`, async () => {
		n8n = L.startN8n({
			env,
			logFile: path.join(HOME, 'n8n.log'),
			echo: (line) => ready && !SMOKE && line.trim() && say(`[n8n] ${line}`),
		});
		await n8n.waitReady();
		rest = new L.RestClient(n8n.url, rt);
		const owner = await rest.setupOwnerOrLogin().catch((e) => {
			toLog(`could not log in as the sandbox owner: ${e.message}`);
			return null;
		});
		if (owner === null) return 'could not log in as the sandbox owner (was the password changed in the editor?)';
		return owner === 'created' ? 'owner account set up' : '';
	});
	ready = true;
	say(`• Ready in ${L.seconds(Date.now() - t0)} in all`);

	if (SMOKE) {
		const ok = await smoke(rest, backend, examples.filter(S.hasManualTrigger));
		await n8n.stop();
		await backend.close();
		await L.stopAll();
		say(ok ? '\nSMOKE OK' : '\nSMOKE FAILED');
		process.exit(ok ? 0 : 1);
	}

	say('');
	say('  ┌───────────────────────────────────────────────────────────────────────');
	say(`  │ ${rt.label} is running with ${L.PACKAGE_NAME} (node "Gemini Image (CometAPI)")`);
	say('  │');
	say(`  │ Editor:      ${n8n.url}`);
	say(`  │ Log in:      ${L.SANDBOX_OWNER.email}`);
	say(`  │ Password:    ${L.SANDBOX_OWNER.password}      (local sandbox account, 127.0.0.1 only)`);
	say(
		`  │ Credential:  "${L.CREDENTIAL.name}" → ${backend.kind === 'sandbox' ? `sandbox at ${backend.baseUrl} (emulator, no key needed)` : `${backend.baseUrl} (key from COMETAPI_KEY)`}`,
	);
	if (backend.kind === 'sandbox') say('  │              set COMETAPI_KEY=sk-... to use the real CometAPI instead');
	examples.forEach((wf, i) => say(`  │ ${i ? '            ' : 'Examples:   '} ${n8n.url}/workflow/${wf.id}   (${wf.name})`));
	say('  │              open one and click "Execute workflow" (or "Open chat" for the agent), then the');
	say("  │              Gemini Image node's output → Binary");
	say(`  │ Input files: ${L.filesDir(HOME)}/ (Read/Write Files from Disk can only reach this folder)`);
	say('  │ Stop:        Ctrl-C (stops n8n and the sandbox)');
	say('  └───────────────────────────────────────────────────────────────────────');
	say('');
	echoSandbox = true;
	const exit = await n8n.exited;
	say(`n8n exited (code ${exit.code}, signal ${exit.signal}); last lines of the log:\n${n8n.tail(20)}`);
	await backend.close();
	await L.stopAll();
	process.exit(1);
}

/** Runs each example like the editor's "Execute workflow" button does, and checks an image came out. */
async function smoke(rest, backend, examples) {
	let ok = true;
	for (const wf of examples) {
		const started = Date.now();
		if (backend.emulator) backend.emulator.reset();
		try {
			const run = await rest.runWorkflowManually(wf.id, S.manualTriggerName(wf));
			const node = S.geminiNodeName(wf);
			const runs = run.execution.data.resultData.runData[node];
			const items = (runs && runs[0] && runs[0].data && runs[0].data.main[0]) || [];
			const err = run.execution.data.resultData.error;
			if (run.status !== 'success' || !items.length) {
				throw new Error(`execution ${run.id} ${run.status}${err ? `: ${err.message}` : ''}`);
			}
			for (const item of items) {
				const bin = item.binary && item.binary.data;
				if (!bin) throw new Error(`an output item has no image: ${JSON.stringify(item.json).slice(0, 300)}`);
				const stored = L.readStoredBinary(HOME, bin, rest.rt);
				const img = inspect(stored.bytes) || {};
				let match = '';
				if (backend.emulator) {
					const sent = backend.emulator.requests.flatMap((r) => r.imagesSent).map((s) => s.sha256);
					if (!sent.includes(L.sha256(stored.bytes))) throw new Error('the stored image is not the one the sandbox sent');
					match = ', sha256 == what the sandbox sent';
				}
				say(
					`  ✔ ${wf.name}: execution ${run.id} ${run.status} in ${Date.now() - started} ms; ${bin.fileName} ${bin.mimeType} ${stored.bytes.length} bytes ${img.width}x${img.height}, stored as ${bin.id ? bin.id.split(':')[0] : 'inline'}${match}`,
				);
			}
		} catch (e) {
			ok = false;
			say(`  ✘ ${wf.name}: ${L.redact(e.message)}`);
		}
	}
	return ok;
}

main().catch(async (e) => {
	const tail = logTail();
	if (tail) process.stderr.write(`\nLast lines of ${LOG}:\n${tail}\n`);
	process.stderr.write(`\nnpm start failed: ${L.redact(e && e.stack ? e.stack : e)}\n`);
	await L.stopAll();
	process.exit(1);
});
