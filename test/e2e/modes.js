'use strict';
// Binary data modes: the main workflow (workflows.js) run by `n8n execute` (one n8n boot each) in each mode
// the line has, checking output BYTES: the sha256 of each image the emulator sent must equal the sha256 of
// what n8n stored (read back from the binary reference: on disk, in SQLite or inline base64), of what n8n's
// own Crypto node computed inside the workflow, and the JSON the node wrote.

const L = require('../../scripts/lib');
const H = require('./harness');
const W = require('./workflows');

/** The one emulator request whose prompt text is `prompt`; must have answered 200. */
function requestFor(emu, prompt) {
	const recs = emu.requests.filter((r) => (r.route === 'native' || r.route === 'chat') && r.asked && r.asked.promptText === prompt);
	H.eq(recs.length, 1, `emulator requests with prompt ${JSON.stringify(prompt)}`);
	H.eq(recs[0].status, 200, 'emulator answer status');
	return recs[0];
}

/**
 * An output item's image against what the emulator sent: the bytes n8n stored (resolved from the binary
 * reference), n8n's own Crypto hash, the JSON the node wrote, and where the bytes live for this mode.
 */
function checkImage(mode, item, hashItem, sent, c) {
	H.assert(item && item.binary && item.binary.data, 'output item has no binary field "data"');
	const bin = item.binary.data;
	if (mode === 'filesystem') H.assert(/^filesystem-v2:/.test(bin.id || ''), `binary id ${bin.id} is not filesystem-v2`);
	if (mode === 'database') H.assert(/^database:/.test(bin.id || ''), `binary id ${bin.id} is not database`);
	if (mode === 'default') H.assert(!bin.id && typeof bin.data === 'string' && bin.data.length > 100, 'binary is not inline base64');
	const stored = L.readStoredBinary(c.home, bin, c.rt);
	H.eq(L.sha256(stored.bytes), sent.sha256, `sha256 of the bytes n8n stored (${stored.file || 'inline'}) vs sent by the emulator`);
	H.eq(stored.bytes.length, sent.bytes, 'stored size');
	H.assert(hashItem && hashItem.json, 'no item from the Crypto node');
	H.eq(hashItem.json.sha256, sent.sha256, "sha256 computed by n8n's Crypto node vs sent by the emulator");
	H.eq(item.json.fileSize, sent.bytes, 'json.fileSize');
	H.eq(item.json.width, sent.width, 'json.width');
	H.eq(item.json.height, sent.height, 'json.height');
	// the real type of the bytes, whatever the API labelled them
	const realMime = `image/${sent.type}`;
	H.eq(item.json.mimeType, realMime, 'json.mimeType');
	H.eq(bin.mimeType, realMime, 'binary mimeType');
	c.shas.push(sent.sha256);
}

async function runMode(mode, ctx) {
	const { emu, inputs } = ctx;
	emu.reset();
	const env = L.n8nEnv(ctx.home, { rt: ctx.rt, brokerPort: await L.freePort(), binaryMode: mode });
	const ex = await L.executeWorkflow(env, ctx.mainId);
	H.writeLog(ctx.rt, `execute-${mode}.log`, `${ex.stdout}\n----- stderr -----\n${ex.stderr}`);
	console.log(`  n8n execute (${mode}): ${L.seconds(ex.ms)} including boot`);
	H.time(`n8n execute, ${mode} mode`, ex.ms);
	const shas = [];
	const c = { shas, home: ctx.home, rt: ctx.rt };
	const items = (node) => L.nodeItems(ex.execution, node) || [];
	/** One image sent for `rec`, one output item of `node` paired with input 0, checked with its Crypto hash. */
	const checkOneImage = (rec, node, [width, height], ratio) => {
		H.eq(rec.imagesSent.length, 1, 'images sent');
		const out = items(node);
		H.eq(out.length, 1, 'output items');
		H.eq(H.pairedIndex(out[0]), 0, 'pairedItem');
		checkImage(mode, out[0], items(`Hash ${node}`)[0], rec.imagesSent[0], c);
		H.eq([out[0].json.width, out[0].json.height], [width, height], `size of a ${ratio} 1K image`);
	};

	await H.test(`[${mode}] the workflow runs in n8n (execute exit 0, no error)`, () => {
		H.assert(ex.execution, `no execution JSON in the output (exit ${ex.code}); see .e2e/logs/${ctx.rt.line}/execute-${mode}.log`);
		H.assert(!ex.error, `execution error: ${ex.error && ex.error.message}`);
		H.eq(ex.code, 0, 'exit code');
	});
	if (!ex.execution) return;

	await H.test(`[${mode}] text to image: aspect ratio 16:9 reaches the API, stored bytes == sent bytes`, () => {
		const rec = requestFor(emu, W.PROMPTS.textToImage);
		H.eq(rec.asked.aspectRatio, '16:9', 'aspectRatio in the request body');
		H.eq(rec.body.generationConfig.imageConfig.aspectRatio, '16:9', 'generationConfig.imageConfig.aspectRatio');
		H.eq(rec.auth, 'bearer', 'auth method');
		checkOneImage(rec, 'Text to Image', [1344, 768], '16:9');
	});

	await H.test(`[${mode}] chat route (apiFormat openAiChat): streamed, aspect ratio in extra_body, stored bytes == sent bytes`, () => {
		const rec = requestFor(emu, W.PROMPTS.chatRoute);
		H.eq(rec.path, '/v1/chat/completions', 'path');
		H.eq(rec.body.stream, true, 'stream');
		H.eq(rec.body.extra_body.google.image_config.aspect_ratio, '9:16', 'extra_body.google.image_config.aspect_ratio');
		checkOneImage(rec, 'Text to Image (chat route)', [768, 1344], '9:16');
	});

	await H.test(`[${mode}] image to image, input read by Read/Write Files from Disk: input bytes arrive, output stored`, () => {
		const rec = requestFor(emu, W.PROMPTS.fromFile);
		H.eq(rec.imagesReceived.length, 1, 'input images received');
		H.eq(rec.imagesReceived[0].sha256, L.sha256(inputs.file.buffer), 'sha256 of the input image received vs the file on disk');
		H.eq(rec.imagesReceived[0].mimeType, 'image/png', 'input MIME type');
		const out = items('Image to Image (file)');
		H.eq(out.length, 1, 'output items');
		checkImage(mode, out[0], items('Hash Image to Image (file)')[0], rec.imagesSent[0], c);
	});

	await H.test(`[${mode}] image to image, 3 inputs downloaded by HTTP Request into 3 fields: sent in order, output stored`, () => {
		const rec = requestFor(emu, W.PROMPTS.threeInputs);
		const expected = ['/a.png', '/b.jpg', '/c.webp'].map((k) => inputs.served[k]);
		H.eq(rec.imagesReceived.length, 3, 'input images received');
		rec.imagesReceived.forEach((img, i) => {
			H.eq(img.sha256, expected[i].sha256, `sha256 of input image ${i + 1}`);
			H.eq(img.mimeType, expected[i].mimeType, `MIME type of input image ${i + 1}`);
		});
		const parts = rec.body.contents[0].parts;
		H.assert(parts.filter((p) => p.inlineData || p.inline_data).length === 3, 'three inline images in the body');
		const out = items('Image to Image (3 inputs)');
		H.eq(out.length, 1, 'output items');
		checkImage(mode, out[0], items('Hash Image to Image (3 inputs)')[0], rec.imagesSent[0], c);
	});

	await H.test(`[${mode}] 4 items, item 1 refused (IMAGE_SAFETY), Continue On Fail: good items keep images and pairing`, () => {
		const out = items('Batch with a refusal');
		const hashed = items('Hash Batch');
		H.eq(out.length, 4, 'output items');
		H.eq(hashed.length, 4, 'items after the Crypto node');
		for (const i of [0, 2, 3]) {
			const rec = requestFor(emu, W.PROMPTS.batch[i]);
			H.eq(H.pairedIndex(out[i]), i, `pairedItem of output ${i}`);
			checkImage(mode, out[i], hashed[i], rec.imagesSent[0], c);
		}
		const refused = requestFor(emu, W.PROMPTS.batch[1]);
		H.eq(refused.imagesSent.length, 0, 'images sent for the refused prompt');
		H.eq(H.pairedIndex(out[1]), 1, 'pairedItem of the refused item');
		H.assert(!out[1].binary || Object.keys(out[1].binary).length === 0, 'the refused item carries no binary');
		H.assert(typeof out[1].json.error === 'string' && /IMAGE_SAFETY/.test(out[1].json.error), `error json: ${JSON.stringify(out[1].json)}`);
		H.eq(items('Prompts').length, 4, 'items from the Code node');
	});

	await H.test(`[${mode}] JPEG bytes labelled image/png are stored as JPEG (MIME type, extension, file name)`, () => {
		const out = items('Batch with a refusal')[3];
		const sent = requestFor(emu, W.PROMPTS.batch[3]).imagesSent[0];
		H.eq(sent.mimeType, 'image/png', 'label the emulator sent');
		H.eq(sent.type, 'jpeg', 'real type the emulator sent');
		H.eq(out.binary.data.mimeType, 'image/jpeg', 'binary mimeType');
		H.eq(out.binary.data.fileExtension, 'jpg', 'binary fileExtension');
		H.assert(/\.jpe?g$/.test(out.binary.data.fileName), `file name ${out.binary.data.fileName}`);
	});

	ctx.shasByMode[mode] = shas;
}

module.exports = { runMode, requestFor };
