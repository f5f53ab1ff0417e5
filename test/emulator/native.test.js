'use strict';
// Tests of the CometAPI emulator (emulator/), with axios as the client.
// The native route's answer scenarios: real images of the asked size, drafts, refusals, errors.
const crypto = require('node:crypto');
const { verify: verifySignature } = require('../../emulator/conversation');
const H = require('./helpers');
const { sizedPng } = require('../../emulator/images/png');

const { IMAGE_MODEL, PRO_MODEL, body, generate, partsOf, imageParts, decode, sha, readPng, jpegDims } = H;

let emu, api; // set by H.useEmulator
H.useEmulator((e, a) => ([emu, api] = [e, a]));

describe('answer scenarios', () => {
	test('ok: text + real PNG sized by aspect ratio and image size', async () => {
		const r = await generate('a red fox');
		expect(r.status).toBe(200);
		expect(r.headers['content-type']).toMatch(/application\/json/);
		const parts = partsOf(r.data);
		expect(parts[0]).toEqual({ text: 'Here is your image.' });
		expect(parts[1].inlineData.mimeType).toBe('image/png');
		expect(r.data.candidates[0].finishReason).toBe('STOP');
		expect(r.data.candidates[0].content.role).toBe('model');
		expect(r.data.modelVersion).toBe(IMAGE_MODEL);
		expect(typeof r.data.responseId).toBe('string');
		expect(r.data.usageMetadata.totalTokenCount).toBeGreaterThan(0);
		const png = readPng(decode(parts[1]));
		expect([png.width, png.height]).toEqual([1024, 1024]);
		// solid colour from sha256(prompt)
		const h = crypto.createHash('sha256').update('a red fox').digest();
		expect([...png.raw.subarray(1, 4)]).toEqual([h[0], h[1], h[2]]);

		const cases = [
			[{ aspectRatio: '16:9' }, [1344, 768]],
			[{ aspectRatio: '9:16' }, [768, 1344]],
			[{ aspectRatio: '16:9', imageSize: '2K' }, [2688, 1536]],
			[{ aspectRatio: '1:1', imageSize: '512' }, [512, 512]],
			[{ aspectRatio: '4:3', imageSize: '4K' }, [4736, 3456]],
		];
		for (const [imageConfig, dims] of cases) {
			const rr = await generate('a red fox', { model: PRO_MODEL, gen: { responseModalities: ['TEXT', 'IMAGE'], imageConfig } });
			expect(rr.status).toBe(200);
			const p = readPng(decode(imageParts(rr.data)[0]));
			expect([p.width, p.height]).toEqual(dims);
		}
		const rec = emu.requests[emu.requests.length - 1];
		expect(rec.asked).toMatchObject({ aspectRatio: '4:3', imageSize: '4K', inputImages: 0, responseModalities: ['TEXT', 'IMAGE'] });
		expect(rec.imagesSent).toEqual([expect.objectContaining({ mimeType: 'image/png', width: 4736, height: 3456 })]);
	});

	test('ok: same prompt -> same bytes, different prompt -> different bytes; sha256 recorded', async () => {
		const a = decode(imageParts((await generate('prompt one')).data)[0]);
		const b = decode(imageParts((await generate('prompt one')).data)[0]);
		const c = decode(imageParts((await generate('prompt two')).data)[0]);
		expect(a.equals(b)).toBe(true);
		expect(a.equals(c)).toBe(false);
		expect(emu.requests[0].imagesSent[0]).toMatchObject({
			sha256: sha(a),
			bytes: a.length,
			mimeType: 'image/png',
			width: 1024,
			height: 1024,
		});
		expect(emu.requests[2].imagesSent[0].sha256).toBe(sha(c));
	});

	test('responseModalities IMAGE only drops the text part', async () => {
		const r = await generate('x', { gen: { responseModalities: ['IMAGE'] } });
		expect(partsOf(r.data).map((p) => Object.keys(p)[0])).toEqual(['inlineData']);
	});

	test('input images are recorded (camelCase and snake_case accepted)', async () => {
		const img = Buffer.from(imageParts((await generate('source')).data)[0].inlineData.data, 'base64');
		emu.reset();
		const r = await generate('edit this', {
			parts: [
				{ inlineData: { mimeType: 'image/png', data: img.toString('base64') } },
				{ inline_data: { mime_type: 'image/jpeg', data: img.toString('base64') } },
			],
		});
		expect(r.status).toBe(200);
		const rec = emu.requests[0];
		expect(rec.asked.inputImages).toBe(2);
		expect(rec.imagesReceived.map((i) => i.key)).toEqual(['inlineData', 'inline_data']);
		expect(rec.imagesReceived[0]).toMatchObject({ sha256: sha(img), bytes: img.length, detectedType: 'png', width: 1024, height: 1024 });
		expect(rec.snakeCaseKeys).toContain('contents[0].parts[2].inline_data');
		expect(rec.body.contents[0].parts[1].inlineData.data).toBe(img.toString('base64'));
	});

	test('multi: two final images of different colours', async () => {
		const r = await generate('[emu:multi] two cats');
		const imgs = imageParts(r.data);
		expect(imgs).toHaveLength(2);
		expect(partsOf(r.data)[0].text).toBeTruthy();
		const [a, b] = imgs.map(decode);
		readPng(a);
		readPng(b);
		expect(a.equals(b)).toBe(false);
		expect(emu.requests[0].scenario).toBe('multi');
		expect(emu.requests[0].imagesSent).toHaveLength(2);
	});

	test('jpeg-as-png: real JPEG bytes labelled image/png (the fixed small JPEG, whatever the aspect ratio)', async () => {
		const r = await generate('[emu:jpeg-as-png] x', { gen: { imageConfig: { aspectRatio: '3:2' } } });
		const part = imageParts(r.data)[0];
		expect(part.inlineData.mimeType).toBe('image/png');
		const buf = decode(part);
		expect(buf.subarray(0, 3).toString('hex')).toBe('ffd8ff');
		expect(buf.subarray(-2).toString('hex')).toBe('ffd9');
		expect(jpegDims(buf)).toEqual({ width: 40, height: 30, marker: 0xc0 });
	});

	test('webp and gif: real bytes with dimensions (the fixed small files)', async () => {
		const w = await generate('[emu:webp] x', { gen: { imageConfig: { aspectRatio: '16:9' } } });
		const wp = imageParts(w.data)[0];
		expect(wp.inlineData.mimeType).toBe('image/webp');
		const wb = decode(wp);
		expect(wb.toString('latin1', 0, 4)).toBe('RIFF');
		expect(wb.toString('latin1', 8, 12)).toBe('WEBP');
		expect(wb.readUInt32LE(4)).toBe(wb.length - 8);
		const bits = wb.readUInt32LE(21);
		expect([(bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1]).toEqual([24, 16]);

		const g = await generate('[emu:gif] x');
		const gp = imageParts(g.data)[0];
		expect(gp.inlineData.mimeType).toBe('image/gif');
		const gb = decode(gp);
		expect(gb.toString('latin1', 0, 6)).toBe('GIF89a');
		expect([gb.readUInt16LE(6), gb.readUInt16LE(8)]).toEqual([16, 12]);
		expect(gb[gb.length - 1]).toBe(0x3b);
	});

	test('thoughts: thought text, two drafts, final text and image with signatures', async () => {
		const r = await generate('[emu:thoughts] a poster', { model: PRO_MODEL });
		const parts = partsOf(r.data);
		expect(parts).toHaveLength(5);
		expect(parts[0]).toEqual({ text: 'thinking...', thought: true });
		expect(parts[1].thought).toBe(true);
		expect(parts[2].thought).toBe(true);
		// signatures issued by the emulator (test/emulator/conversation.test.js), bound to their part
		expect(parts[3]).toEqual({ text: 'Here is your poster.', thoughtSignature: expect.any(String) });
		expect(verifySignature(parts[3].thoughtSignature)).toMatchObject({ kind: 'text' });
		expect(verifySignature(parts[4].thoughtSignature)).toMatchObject({ kind: 'image' });
		expect(parts[4].thought).toBeUndefined();
		const [d1, d2, fin] = [parts[1], parts[2], parts[4]].map(decode);
		expect(d1.equals(fin) || d2.equals(fin) || d1.equals(d2)).toBe(false);
		expect(r.data.usageMetadata.thoughtsTokenCount).toBeGreaterThan(0);
		const sent = emu.requests[0].imagesSent;
		expect(sent.map((s) => s.role)).toEqual(['draft', 'draft', 'final']);
		expect(sent[2].sha256).toBe(sha(fin));
	});

	test('snake: every key snake_case', async () => {
		const r = await generate('[emu:snake] x');
		const c = r.data.candidates[0];
		expect(c.finish_reason).toBe('STOP');
		expect(c.content.parts[0].text).toBe('Here is your image.');
		expect(c.content.parts[1].inline_data.mime_type).toBe('image/png');
		readPng(Buffer.from(c.content.parts[1].inline_data.data, 'base64'));
		expect(r.data.usage_metadata.prompt_token_count).toBeGreaterThan(0);
		expect(r.data.model_version).toBe(IMAGE_MODEL);
		expect(r.data.response_id).toBeTruthy();
		expect(JSON.stringify(r.data)).not.toMatch(/"[a-z]+[A-Z][a-zA-Z]*":/);
	});

	test('no-image answers with HTTP 200', async () => {
		let r = await generate('[emu:image-safety] x');
		expect(r.status).toBe(200);
		expect(r.data.candidates[0]).toMatchObject({ content: { role: 'model', parts: null }, finishReason: 'IMAGE_SAFETY' });
		expect(r.data.candidates[0].finishMessage).toMatch(/Prohibited Use policy/);

		r = await generate('[emu:blocked] x');
		expect(r.data.candidates).toBeUndefined();
		expect(r.data.promptFeedback).toEqual({ blockReason: 'PROHIBITED_CONTENT' });

		r = await generate('[emu:text-only] x');
		expect(partsOf(r.data)).toEqual([{ text: expect.stringMatching(/^I can't draw that, but here is a description: /) }]);
		expect(r.data.candidates[0].finishReason).toBe('STOP');

		r = await generate('[emu:no-image] x');
		expect(r.data.candidates[0].finishReason).toBe('NO_IMAGE');
		expect(r.data.candidates[0].content.parts).toBeUndefined();
		expect(r.data.candidates[0].finishMessage).toBeTruthy();

		r = await generate('[emu:empty-parts] x');
		expect(r.data.candidates[0].content).toEqual({ role: 'model' });
		expect(r.data.candidates[0].finishReason).toBe('STOP');

		r = await generate('[emu:empty-image] x');
		expect(imageParts(r.data)[0].inlineData).toEqual({ mimeType: 'image/png', data: '' });
		expect(emu.requests[emu.requests.length - 1].imagesSent[0].bytes).toBe(0);
	});

	test('error scenarios', async () => {
		const comet = (r, status, code, msg) => {
			expect(r.status).toBe(status);
			expect(r.data.error).toMatchObject({ type: 'comet_api_error', param: '', code });
			expect(r.data.error.message).toMatch(msg);
			expect(r.data.error.message).toMatch(/\(request id: \w+\)$/);
		};
		const google = (r, status, gstatus) => {
			expect(r.status).toBe(status);
			expect(r.data.error.code).toBe(status);
			expect(r.data.error.status).toBe(gstatus);
			expect(typeof r.data.error.message).toBe('string');
		};
		google(await generate('[emu:error-400-google] x'), 400, 'INVALID_ARGUMENT');
		comet(await generate('[emu:error-401] x'), 401, '', /^Invalid token/);
		comet(await generate('[emu:error-402] x'), 402, 'insufficient_quota', /insufficient quota/);
		comet(await generate('[emu:error-403] x'), 403, 'access_denied', /access denied/);
		google(await generate('[emu:error-404] x'), 404, 'NOT_FOUND');
		comet(await generate('[emu:error-413] x'), 413, 'request_body_too_large', /^request entity too large/);
		const r429 = await generate('[emu:error-429-google] x');
		google(r429, 429, 'RESOURCE_EXHAUSTED');
		expect(r429.data.error.details).toEqual([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }]);
		comet(await generate('[emu:error-500-invalid] x'), 500, 'invalid_request', /invalid request/);
		comet(await generate('[emu:error-500] x'), 500, 500, /internal server error/);
		comet(
			await generate('[emu:error-503-model] x'),
			503,
			'model_not_found',
			new RegExp(`^model_not_found: no available channel for model ${IMAGE_MODEL} `),
		);
		comet(await generate('[emu:error-503] x'), 503, '', /upstream service temporarily unavailable/);

		const html = await generate('[emu:html] x');
		expect(html.status).toBe(200);
		expect(html.headers['content-type']).toMatch(/^text\/html/);
		expect(html.data).toMatch(/^<!DOCTYPE html>/);

		const red = await generate('[emu:redirect] x');
		expect(red.status).toBe(301);
		expect(red.headers.location).toBe('/somewhere');
	});

	test('scenario selection: prompt directive > x-emulator-scenario header > default', async () => {
		emu.setDefaultScenario('text-only');
		expect(partsOf((await generate('x')).data)).toHaveLength(1);
		expect((await generate('x', { headers: { 'x-emulator-scenario': 'blocked' } })).data.promptFeedback).toBeTruthy();
		const r = await generate('[emu:multi] x', { headers: { 'x-emulator-scenario': 'blocked' } });
		expect(imageParts(r.data)).toHaveLength(2);
		expect(emu.requests.map((q) => q.scenario)).toEqual(['text-only', 'blocked', 'multi']);
		// directives in the system instruction count too
		const s = await api.post(
			`/v1beta/models/${IMAGE_MODEL}:generateContent`,
			Object.assign(body('x'), { systemInstruction: { parts: [{ text: '[emu:no-image]' }] } }),
		);
		expect(s.data.candidates[0].finishReason).toBe('NO_IMAGE');
		// unknown directive -> 400 explaining it
		const bad = await generate('[emu:no-such-thing] x');
		expect(bad.status).toBe(400);
		expect(bad.data.error.message).toMatch(/no-such-thing/);
	});

	// "Fast after the first time" is the image cache: checked by identity, not by the clock (a busy machine is slow).
	test('size=<N>MB: a valid PNG of about that size, made once and cached', async () => {
		const target = 20 * 1024 * 1024;
		const first = await generate('[emu:size=20MB] big');
		const again = await generate('[emu:size=20MB] big again');
		expect(first.status).toBe(200);
		expect(sizedPng(target)).toBe(sizedPng(target));
		const buf = decode(imageParts(again.data)[0]);
		expect(Math.abs(buf.length - target)).toBeLessThan(target * 0.01);
		expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
		const rec = emu.requests[1];
		expect(rec.sizeBytes).toBe(target);
		expect(rec.imagesSent[0].bytes).toBe(buf.length);
		// small sizes: really valid
		const small = await generate('[emu:size=50000] small');
		const sb = decode(imageParts(small.data)[0]);
		readPng(sb);
		expect(Math.abs(sb.length - 50000)).toBeLessThan(1000);
	});
});
