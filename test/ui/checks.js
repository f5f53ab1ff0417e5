'use strict';
// The browser suite's checks, in the order a user meets the node: the nodes panel's search, a new node (its
// version, operations, model list, a run's image, a refusal, the settings that apply), the credential dialog and
// Test button, n8n's tooltip expression, and a workflow saved with version 1. Each check has a key for --only.

const L = require('../../scripts/lib');
const { assert, eq } = require('../lib/suite');
const W = require('./workflows');

const SEARCHES = ['Gemini', 'CometAPI', 'Nano Banana', 'image', 'edit image'];
const NODE_NAME = 'Gemini Image (CometAPI)';
const IMAGE_MODELS = [
	'gemini-nano-banana-2.1 (Nano Banana 2.1)',
	'gemini-3.1-flash-lite-image (Nano Banana 2 Lite)',
	'gemini-3.1-flash-image (Nano Banana 2)',
	'gemini-3-pro-image (Nano Banana Pro)',
];

/** Runs the checks in n8n's editor: `test(key, name, fn)` runs one, `messages` are the Test button's words. */
async function editorChecks(ctx, { editor, test, messages }) {
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
					throw Object.assign(new Error(`the run failed before any request: ${(await toast.first().innerText()).replace(/\s+/g, ' ')}`), {
						fatal: true,
					});
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
		assert(
			emu.requests.some((r) => r.path === '/v1/models' && r.status === 200),
			'GET /v1/models was not called',
		);
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
		eq(
			await editor.collectionChoices('Add Setting'),
			['Concurrency', 'Max Retries', 'Timeout (Seconds)'],
			'Request Settings left with OpenAI Chat',
		);
		const options = await editor.collectionChoices('Add Option');
		assert(
			options.includes('Image Size') && options.includes('Include Input Fields') && !options.includes('Concurrency'),
			`Options: ${JSON.stringify(options)}`,
		);
	});

	await test('node', 'Refine Image shows with its own settings: Conversation From Node, no input images', async () => {
		assert(added, 'the node was not added');
		await editor.parameter('operation').click();
		await page.locator('.el-select-dropdown__item:visible, [role=option]:visible', { hasText: 'Refine Image' }).first().click();
		await editor.until(
			async () => !(await editor.parameter('inputImages').isVisible()) && (await editor.parameter('prompt').isVisible()),
			'Refine Image did not show its parameters',
		);
		const options = await editor.collectionChoices('Add Option');
		assert(
			options.includes('Conversation From Node') && options.includes('Add Image Link'),
			`Options of Refine Image: ${JSON.stringify(options)}`,
		);
	});

	await test('node', 'a wrong key in the credential dialog shows the explaining message', async () => {
		assert(added, 'the node was not added');
		await editor.testId('node-credentials-select').click();
		await editor.testId('node-credentials-select-item-new').click();
		await editor.parameter('apiKey').locator('input').fill('sk-wrong-key-typed-in-the-dialog');
		await editor.parameter('baseUrl').locator('input').fill(emu.url);
		await editor.testId('credential-save-button').click();
		// n8n 2.x folds the reason under "More details"; 1.x shows it at once
		await page
			.getByText('More details')
			.first()
			.click({ timeout: 5000 })
			.catch(() => {});
		const dialog = editor.testId('credential-edit-dialog');
		await editor.until(
			async () => (await dialog.innerText()).includes(messages.unauthorized),
			`the dialog never showed "${messages.unauthorized}"`,
		);
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
		eq(
			generations()[0].imagesReceived.map((i) => i.sha256),
			[ctx.input.sha256],
			'the input image the API received',
		);
		await editor.openNode('Gemini Image');
		eq(await editor.waitForOutput('success'), 'success', 'run outcome');
		// n8n's own preview of the expression's value: a binary object, not a field name
		const preview = (await editor.parameterItem('binaryPropertyNames').innerText()).trim();
		assert(
			preview.includes(expression) && /\[Object:\s*\{"mimeType":\s*"image\/png"/.test(preview),
			`the field and n8n's preview of its value: ${preview}`,
		);
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

module.exports = { editorChecks };
