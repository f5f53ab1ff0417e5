'use strict';
// One `n8n start` (regular mode, the line's default binary data mode) driven through the editor's REST API:
// the credential dialog's Test button, the model list, the example workflows run like the "Execute workflow"
// button, then the fault workflows (faults.js), the conversations (conversation.js) and the limits part
// (limits.js). One boot serves them all.

const path = require('node:path');

const L = require('../../scripts/lib');
const H = require('./harness');
const { SCENARIOS } = require('./faults');
const C = require('./conversation');
const LIM = require('./limits');

async function restChecks(ctx, rest) {
	const { emu } = ctx;
	// What the editor's credential dialog does: load the credential (the key comes back blanked out) and
	// send it to the test endpoint; n8n puts the stored (decrypted) key back in before testing.
	const testStored = async (cred) => {
		const stored = await rest.call('GET', `/credentials/${cred.id}?includeData=true`, undefined, { expect: 200 });
		const data = (stored.json.data || stored.json).data;
		H.assert(data && data.apiKey && !data.apiKey.startsWith('sk-'), 'the editor gets the key blanked out');
		return rest.testCredential(cred, data);
	};

	await H.test('credential test through n8n (POST /rest/credentials/test) passes with the right key', async () => {
		emu.reset();
		const r = await testStored(L.CREDENTIAL);
		H.eq(r.status, 'OK', `credential test (${r.message})`);
		const models = emu.requests.filter((q) => q.path === '/v1/models');
		H.assert(
			models.length >= 1 && models.every((q) => q.status === 200 && q.auth === 'bearer'),
			'GET /v1/models answered 200 to a Bearer key',
		);
	});

	await H.test('credential test through n8n fails with a wrong key (stored, and typed in the dialog)', async () => {
		emu.reset();
		const wrong = await testStored(ctx.wrongCredential);
		H.eq(wrong.status, 'Error', 'stored wrong key');
		const typed = await rest.testCredential(L.CREDENTIAL, { apiKey: 'sk-typed-wrong-key', baseUrl: emu.url });
		H.eq(typed.status, 'Error', 'typed wrong key');
		const models = emu.requests.filter((q) => q.path === '/v1/models');
		H.assert(models.length >= 2 && models.every((q) => q.status === 401), 'the emulator answered 401');
	});

	await H.test('the editor\'s model list (resource locator "From List") comes from GET /v1/models, image models only', async () => {
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
		H.assert(ids.includes('gemini-3.1-flash-image') && ids.includes('gemini-nano-banana-2.1'), `model list: ${JSON.stringify(ids)}`);
		H.assert(
			ids.every((id) => /gemini.*image|nano-banana/.test(id)),
			`a model that is not a Gemini image model: ${JSON.stringify(ids)}`,
		);
		H.eq(emu.requests.filter((q) => q.path === '/v1/models' && q.status === 200).length, 1, 'GET /v1/models calls');
	});

	for (const example of ctx.examples) {
		await H.test(`example "${example.name}" runs like the editor's "Execute workflow" button (POST /rest/workflows/:id/run)`, async () => {
			emu.reset();
			const run = await rest.runWorkflowManually(example.id, example.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger').name);
			const err = run.execution.data.resultData.error;
			H.eq(run.status, 'success', `execution status${err ? ` (${err.message})` : ''}`);
			const gem = example.nodes.find((n) => n.type === L.NODE_TYPE).name;
			const out = L.nodeItems(run.execution, gem);
			H.eq(out.length, 1, 'output items');
			const rec = emu.requests.find((r) => r.route === 'native');
			const stored = L.readStoredBinary(ctx.home, out[0].binary.data, ctx.rt);
			H.eq(L.sha256(stored.bytes), rec.imagesSent[0].sha256, 'sha256 of the stored image vs sent by the emulator');
			if (example.id === 'cometExample002') {
				// the example reads .n8n-files/gemini-input*.png relative to n8n's folder, sorted by name
				H.eq(
					rec.imagesReceived.map((i) => i.sha256).join(','),
					ctx.exampleInputs.map(L.sha256).join(','),
					'input images, in file name order',
				);
			} else {
				H.eq(rec.asked.aspectRatio, '16:9', "the example's aspect ratio");
			}
		});
	}
}

/** wants(key): whether --only asked for it. */
async function runServer(ctx, wants) {
	const { rt, home } = ctx;
	const port = await L.freePort();
	const env = L.n8nEnv(home, { rt, port, brokerPort: await L.freePort() });
	const n8n = L.startN8n({ env, logFile: path.join(H.logsDir(rt), 'server.log') });
	try {
		await n8n.waitReady();
		H.time('n8n start boot (regular mode)', n8n.readyMs);
		// no N8N_DEFAULT_BINARY_DATA_MODE: the line's own default (filesystem in 2.x, default = in memory in 1.x)
		console.log(`  ${rt.label} ready at ${n8n.url} in ${L.seconds(n8n.readyMs)}, binary data in its default mode`);
		const rest = new L.RestClient(n8n.url, rt);
		await rest.setupOwnerOrLogin();
		if (wants('rest')) await restChecks(ctx, rest);
		for (const [key, title, fn] of SCENARIOS) {
			if (!wants(key)) continue;
			await H.phase(`fault workflow: ${title}`, () => fn(ctx, rest, ctx.faults));
		}
		if (C.PARTS.some(wants))
			await H.phase('conversations and the AI Agent tool (regular mode)', () => C.runRegular(ctx, rest, n8n.url, wants));
		if (LIM.PARTS.some(wants)) {
			await H.phase('limits: webhook calls at once under an account limit (limits.js)', () => LIM.runRegular(ctx, rest, n8n.url));
		}
	} finally {
		await n8n.stop();
	}
}

module.exports = { runServer };
