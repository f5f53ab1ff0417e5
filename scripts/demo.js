#!/usr/bin/env node
'use strict';
// `npm run demo`: runs the example workflow in a real n8n without the editor (`n8n execute`) and writes the
// image(s) it made to a folder.
//
//   npm run demo -- --prompt "A lighthouse at dusk" [--aspect-ratio 16:9] [--image-size 2K] [--model gemini-2.5-flash-image]
//   npm run demo -- --prompt "Make it a poster" --image photo.png [--image logo.png ...]   (Image to Image)
//   [--out .demo-output] [--n8n 1|2]   (n8n line: 2.x by default; or N8N_LINE=1)
//
// Without COMETAPI_KEY it talks to the local CometAPI emulator (solid-colour placeholder images); with it, to the
// real API (COMETAPI_BASE_URL to change the address). n8n's user folder for the demo lives in the runtime
// cache (~/.cache/n8n-nodes-cometapi/homes/<clone>/demo-n8n<line>), outside the repository.

const fs = require('node:fs');
const path = require('node:path');
const { parseArgs: parseCliArgs } = require('node:util');

const L = require('./lib');
const S = require('./lib/sandbox');

const { inspect } = require('../emulator/images');

let HOME;
let STATE_FILE;
const DEMO_SANDBOX_PORT = 8788;

const HELP = `Usage: npm run demo -- --prompt "..." [options]

  --prompt <text>        what to make (required)
  --image <file>         input image (repeat for several, in order): runs Image to Image
  --model <id>           model ID (default: the example's, gemini-2.5-flash-image)
  --aspect-ratio <r>     e.g. 1:1, 16:9, 9:16 (default: the model's)
  --image-size <s>       512, 1K, 2K or 4K (default: the model's)
  --out <dir>            where to write the images (default .demo-output)
  --n8n <line>           1 (n8n 1.x, 1.123 LTS) or 2 (n8n 2.x, the default); or N8N_LINE

Without COMETAPI_KEY the CometAPI sandbox (emulator) answers; with it, the real API.`;

function parseArgs(argv) {
	// node:util's parser (strict: unknown options and missing values are errors).
	const { values } = parseCliArgs({
		args: argv,
		options: {
			prompt: { type: 'string', short: 'p' },
			image: { type: 'string', short: 'i', multiple: true, default: [] },
			model: { type: 'string' },
			'aspect-ratio': { type: 'string' },
			'image-size': { type: 'string' },
			out: { type: 'string', short: 'o', default: path.join(L.REPO_ROOT, '.demo-output') },
			n8n: { type: 'string' },
			help: { type: 'boolean', short: 'h', default: false },
		},
	});
	return {
		prompt: values.prompt,
		images: values.image.map((f) => path.resolve(f)),
		model: values.model,
		aspectRatio: values['aspect-ratio'],
		imageSize: values['image-size'],
		out: path.resolve(values.out),
		help: values.help,
		line: L.runtime.selectLine(values.n8n),
	};
}

function readState() {
	try {
		return fs.existsSync(path.join(HOME, '.n8n', 'database.sqlite')) ? JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) : {};
	} catch {
		return {};
	}
}

function stamp() {
	return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** The example workflow with the demo's prompt, model, options and input files. */
function buildWorkflow(opts, inputDir) {
	const wf = S.readExample(opts.images.length ? 'imageToImage' : 'textToImage');
	const gemini = wf.nodes.find((n) => n.name === S.geminiNodeName(wf));
	gemini.parameters.prompt = opts.prompt;
	if (opts.model) gemini.parameters.model = { __rl: true, mode: 'id', value: opts.model };
	const options = {};
	if (opts.aspectRatio) options.aspectRatio = opts.aspectRatio;
	if (opts.imageSize) options.imageSize = opts.imageSize;
	gemini.parameters.options = options;
	if (opts.images.length) {
		const read = wf.nodes.find((n) => n.type === 'n8n-nodes-base.readWriteFile');
		read.parameters.fileSelector = `${inputDir}/gemini-input-*`;
	}
	return { wf, geminiName: gemini.name };
}

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	if (opts.help) {
		console.log(HELP);
		return 0;
	}
	if (!opts.prompt || !opts.prompt.trim()) {
		console.error(`--prompt is required\n\n${HELP}`);
		return 2;
	}
	for (const f of opts.images) if (!fs.statSync(f, { throwIfNoEntry: false })?.isFile()) throw new Error(`--image ${f}: no such file`);

	const t0 = Date.now();
	let backend = null;
	L.installExitHandlers(async () => backend && backend.close());

	const rt = L.runtime.ensureRuntime(opts.line); // first run: installs n8n into the machine-wide cache
	HOME = L.userFolderPath(`demo-n8n${opts.line}`);
	STATE_FILE = path.join(HOME, '.demo-state.json');
	L.makeUserFolder(HOME, { fresh: false });
	const pack = L.packPackage(path.join(HOME, 'pack'));
	const inst = L.installPackage(HOME, pack.file);
	fs.rmSync(pack.file, { force: true });
	L.checkResolution(inst.pkgDir, rt);
	console.log(`${rt.label}: ${L.PACKAGE_NAME} installed in ${HOME}`);

	backend = await S.startBackend({ preferredPort: DEMO_SANDBOX_PORT });
	console.log(`CometAPI: ${L.redact(backend.label)}`);

	// input images: copied (numbered, so their order is kept) into the one folder n8n may read from
	const inputDir = path.join(L.filesDir(HOME), 'demo-input');
	fs.rmSync(inputDir, { recursive: true, force: true });
	fs.mkdirSync(inputDir, { recursive: true });
	opts.images.forEach((f, i) =>
		fs.copyFileSync(f, path.join(inputDir, `gemini-input-${String(i + 1).padStart(2, '0')}-${path.basename(f)}`)),
	);

	const env = L.n8nEnv(HOME, { rt, brokerPort: await L.freePort(), binaryMode: 'filesystem', logLevel: 'warn' });
	const state = readState();
	const credential = S.credentialsFor(backend)[0];
	const credHash = L.sha256(JSON.stringify(credential));
	if (state.credential !== credHash) {
		console.log('n8n import:credentials ...');
		await L.importCredentials(env, [credential]);
		state.credential = credHash;
		fs.writeFileSync(STATE_FILE, JSON.stringify(state));
	}
	const { wf, geminiName } = buildWorkflow(opts, inputDir);
	console.log(`n8n import:workflow "${wf.name}" ...`);
	await L.importWorkflows(env, [wf]);

	console.log(
		`n8n execute --id=${wf.id} (${opts.images.length ? `Image to Image, ${opts.images.length} input image(s)` : 'Text to Image'}) ...`,
	);
	const ex = await L.executeWorkflow(env, wf.id);
	fs.writeFileSync(path.join(HOME, 'last-execute.log'), L.redact(`${ex.stdout}\n----- stderr -----\n${ex.stderr}`));
	if (!ex.execution) {
		console.error(`n8n execute failed (exit ${ex.code}); output in ${path.join(HOME, 'last-execute.log')}`);
		console.error(L.redact(`${ex.stdout}\n${ex.stderr}`).trim().split('\n').slice(-15).join('\n'));
		return 1;
	}
	if (ex.error) {
		const nodeName = ex.error.node && ex.error.node.name;
		console.error(`The workflow failed${nodeName ? ` in "${nodeName}"` : ''}: ${L.redact(ex.error.message)}`);
		if (ex.error.description) console.error(`  ${L.redact(ex.error.description)}`);
		return 1;
	}

	const items = L.nodeItems(ex.execution, geminiName) || [];
	fs.mkdirSync(opts.out, { recursive: true });
	const prefix = `demo-${stamp()}`;
	let written = 0;
	let failed = 0;
	items.forEach((item, i) => {
		const bin = item.binary && item.binary.data;
		if (!bin) {
			failed++;
			console.error(`item ${i}: no image: ${L.redact(item.json.error || JSON.stringify(item.json))}`);
			return;
		}
		const { bytes } = L.readStoredBinary(HOME, bin, rt);
		const img = inspect(bytes) || {};
		const ext = bin.fileExtension || (img.type === 'jpeg' ? 'jpg' : img.type) || 'bin';
		const file = path.join(opts.out, `${prefix}${items.length > 1 ? `-${i + 1}` : ''}.${ext}`);
		fs.writeFileSync(file, bytes);
		written++;
		const shown = path.relative(process.cwd(), file);
		console.log(`${shown.startsWith('..') ? file : shown}  ${bytes.length} bytes  ${img.width}x${img.height}  ${bin.mimeType}`);
		if (item.json.text) console.log(`  model text: ${String(item.json.text).slice(0, 300)}`);
		console.log(`  model: ${item.json.modelVersion || item.json.model}, finish: ${item.json.finishReason}`);
	});
	console.log(`${written} image(s) written to ${opts.out} in ${L.seconds(Date.now() - t0)} (n8n execute ${L.seconds(ex.ms)})`);
	return written > 0 && failed === 0 ? 0 : 1;
}

main()
	.then(async (code) => {
		await L.stopAll();
		process.exit(code);
	})
	.catch(async (e) => {
		console.error(`demo failed: ${L.redact(e && e.stack ? e.stack : e)}`);
		await L.stopAll();
		process.exit(1);
	});
