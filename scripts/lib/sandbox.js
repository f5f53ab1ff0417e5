'use strict';
// What `npm start` and `npm run demo` share: which CometAPI the credential points at (the local emulator, or
// the real API when COMETAPI_KEY is set), the example workflows, and a sample input image.

const fs = require('node:fs');
const path = require('node:path');

const L = require('./index');

const SANDBOX_KEY = 'sk-sandbox-n8n-nodes-cometapi'; // the emulator's key: not a secret
const DEFAULT_SANDBOX_PORT = 8787;
const REAL_API = 'https://api.cometapi.com';
const EXAMPLES_DIR = path.join(L.REPO_ROOT, 'examples');
const EXAMPLES = {
	textToImage: path.join(EXAMPLES_DIR, 'text-to-image.workflow.json'),
	imageToImage: path.join(EXAMPLES_DIR, 'image-to-image.workflow.json'),
	reviewLoop: path.join(EXAMPLES_DIR, 'make-review-refine.workflow.json'),
	chatAgent: path.join(EXAMPLES_DIR, 'chat-agent-draws.workflow.json'),
};
// The chat agent example's chat model: n8n's OpenAI credential pointed at CometAPI's OpenAI-compatible route (the
// sandbox answers it as a chat model that calls the tool).
const OPENAI_CREDENTIAL = { id: 'cometOpenAi0001', name: 'CometAPI (OpenAI-compatible)', type: 'openAiApi' };

function readExample(name) {
	return JSON.parse(fs.readFileSync(EXAMPLES[name], 'utf8'));
}

/** The Manual Trigger of a workflow (to start it like the editor's button does). */
function manualTriggerName(wf) {
	const t = wf.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger');
	if (!t) throw new Error(`workflow ${wf.name} has no Manual Trigger`);
	return t.name;
}

function geminiNodeName(wf) {
	const n = wf.nodes.find((x) => x.type === L.NODE_TYPE);
	if (!n) throw new Error(`workflow ${wf.name} has no ${L.NODE_TYPE} node`);
	return n.name;
}

/**
 * The API the credential uses. With COMETAPI_KEY: the real API (COMETAPI_BASE_URL or api.cometapi.com), the key
 * registered as a secret so it never gets printed. Without: the emulator, started in this process.
 * Resolves {kind: 'sandbox'|'real', baseUrl, apiKey, emulator, label, close()}.
 */
async function startBackend({ onRequest, preferredPort } = {}) {
	const key = (process.env.COMETAPI_KEY || '').trim();
	if (key) {
		L.addSecret(key);
		const baseUrl = (process.env.COMETAPI_BASE_URL || REAL_API).trim().replace(/\/+$/, '');
		return {
			kind: 'real',
			baseUrl,
			apiKey: key,
			emulator: null,
			label:
				baseUrl === REAL_API
					? `the real CometAPI at ${baseUrl} (key from COMETAPI_KEY)`
					: `the API at ${baseUrl} (COMETAPI_BASE_URL, key from COMETAPI_KEY)`,
			close: async () => {},
		};
	}
	const { startEmulator } = require('../../emulator/server');
	let port = Number(process.env.COMETAPI_SANDBOX_PORT || preferredPort || DEFAULT_SANDBOX_PORT);
	if (await L.portInUse(port)) port = await L.freePort();
	const emulator = await startEmulator({ port, host: '127.0.0.1', apiKey: SANDBOX_KEY, onRequest });
	return {
		kind: 'sandbox',
		baseUrl: emulator.url,
		apiKey: SANDBOX_KEY,
		emulator,
		label: `the local CometAPI sandbox (emulator) at ${emulator.url}: no key or network needed, images are solid-colour placeholders`,
		close: () => emulator.close(),
	};
}

/** The credentials the examples use: CometAPI's, and an OpenAI one on CometAPI's OpenAI-compatible route. */
function credentialsFor(backend) {
	return [
		{ ...L.CREDENTIAL, data: { apiKey: backend.apiKey, baseUrl: backend.baseUrl } },
		{ ...OPENAI_CREDENTIAL, data: { apiKey: backend.apiKey, url: `${backend.baseUrl}/v1` } },
	];
}

/** Whether a workflow starts with a Manual Trigger (the smoke test runs those through the REST API). */
function hasManualTrigger(wf) {
	return wf.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger');
}

/** A small sample input image in n8n's file folder for the Image to Image example (never overwrites). */
function ensureSampleInput(userFolder) {
	const dir = L.filesDir(userFolder);
	fs.mkdirSync(dir, { recursive: true });
	if (fs.readdirSync(dir).some((f) => /^gemini-input/.test(f))) return null;
	const images = require('../../emulator/images');
	const file = path.join(dir, 'gemini-input-1.png');
	fs.writeFileSync(file, images.solidPng(256, 256, [46, 125, 230]).buffer);
	return file;
}

module.exports = {
	SANDBOX_KEY,
	REAL_API,
	EXAMPLES,
	readExample,
	manualTriggerName,
	geminiNodeName,
	startBackend,
	credentialsFor,
	hasManualTrigger,
	ensureSampleInput,
};
