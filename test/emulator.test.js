'use strict';
// Tests of the CometAPI emulator (test/emulator/), with axios as the client.
const crypto = require('node:crypto');
const zlib = require('node:zlib');
const path = require('node:path');
const { spawn } = require('node:child_process');
const http = require('node:http');
const axios = require('axios');
const { startEmulator, parseDirectives, parseSpec, faultFor } = require('../emulator/server');
const images = require('../emulator/images');
const { verify: verifySignature } = require('../emulator/conversation');

const KEY = 'sk-emulator-test';
const IMAGE_MODEL = 'gemini-2.5-flash-image';
const PRO_MODEL = 'gemini-3-pro-image-preview';

let emu;
let api;

beforeAll(async () => {
	emu = await startEmulator({ port: 0, host: '127.0.0.1', apiKey: KEY, latencyMs: 0, maxInFlight: Infinity });
	api = axios.create({
		baseURL: emu.url,
		headers: { Authorization: `Bearer ${KEY}` },
		validateStatus: () => true,
		maxBodyLength: Infinity,
		maxContentLength: Infinity,
		maxRedirects: 0,
	});
});

afterAll(async () => {
	await emu.close();
});

beforeEach(() => {
	emu.reset();
	emu.setConfig({ defaultScenario: 'ok', latencyMs: 0, maxInFlight: null });
});

// ------------------------------------------------------------------------------------------- helpers
function body(prompt, generationConfig, extraParts = []) {
	const b = { contents: [{ role: 'user', parts: [{ text: prompt }, ...extraParts] }] };
	if (generationConfig) b.generationConfig = generationConfig;
	return b;
}

function generate(prompt, { model = IMAGE_MODEL, gen, parts, headers, config } = {}) {
	return api.post(`/v1beta/models/${model}:generateContent`, body(prompt, gen, parts), Object.assign({ headers }, config));
}

function partsOf(data) {
	return data.candidates[0].content.parts;
}

function imageParts(data) {
	return partsOf(data).filter((p) => p.inlineData);
}

function decode(part) {
	return Buffer.from(part.inlineData.data, 'base64');
}

const sha = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

// A small independent PNG reader: checks signature, chunk CRCs, inflates IDAT and checks its length.
function readPng(buf) {
	expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
	let p = 8;
	let width;
	let height;
	const idat = [];
	let sawEnd = false;
	while (p < buf.length) {
		const len = buf.readUInt32BE(p);
		const type = buf.toString('latin1', p + 4, p + 8);
		const data = buf.subarray(p + 8, p + 8 + len);
		const crc = buf.readUInt32BE(p + 8 + len);
		const calc = zlib.crc32 ? zlib.crc32(buf.subarray(p + 4, p + 8 + len)) >>> 0 : crc;
		expect(calc).toBe(crc);
		if (type === 'IHDR') {
			width = data.readUInt32BE(0);
			height = data.readUInt32BE(4);
			expect(data[8]).toBe(8);
			expect(data[9]).toBe(2);
		}
		if (type === 'IDAT') idat.push(data);
		if (type === 'IEND') sawEnd = true;
		p += 12 + len;
	}
	expect(sawEnd).toBe(true);
	const raw = zlib.inflateSync(Buffer.concat(idat));
	expect(raw.length).toBe(height * (1 + width * 3));
	return { width, height, raw };
}

function jpegDims(buf) {
	let p = 2;
	while (p < buf.length) {
		if (buf[p] !== 0xff) return null;
		const marker = buf[p + 1];
		const len = buf.readUInt16BE(p + 2);
		if (marker === 0xc0 || marker === 0xc2) return { height: buf.readUInt16BE(p + 5), width: buf.readUInt16BE(p + 7), marker };
		p += 2 + len;
	}
	return null;
}

// ------------------------------------------------------------------------------------------- unit: directives
describe('directive parsing', () => {
	test('several directives in a prompt', () => {
		const d = parseDirectives('Draw a cat [emu:thoughts] [emu:latency=500] and [emu:fail=503x2,retryafter=3]');
		expect(d.scenario).toBe('thoughts');
		expect(d.latencyMs).toBe(500);
		expect(d.retryAfter).toBe('3');
		expect(d.faults).toEqual([{ kind: 'fail', status: 503, n: 2 }]);
		expect(d.errors).toEqual([]);
	});
	test('sizes, bare faults and specs', () => {
		expect(parseDirectives('[emu:size=20MB]').sizeBytes).toBe(20 * 1024 * 1024);
		expect(parseDirectives('[emu:size=1500]').sizeBytes).toBe(1500);
		expect(parseDirectives('[emu:hang]').faults).toEqual([{ kind: 'hang', n: 1 }]);
		expect(parseSpec('thoughts latency=20').scenario).toBe('thoughts');
		expect(parseDirectives('[emu:nope]').errors.length).toBe(1);
	});
	test('faults occupy consecutive attempts', () => {
		const faults = [
			{ kind: 'reset', n: 1 },
			{ kind: 'fail', status: 503, n: 2 },
		];
		expect(faultFor(faults, 1).kind).toBe('reset');
		expect(faultFor(faults, 2).status).toBe(503);
		expect(faultFor(faults, 3).status).toBe(503);
		expect(faultFor(faults, 4)).toBeNull();
	});
});

// ------------------------------------------------------------------------------------------- models + auth
describe('models and auth', () => {
	test('GET /v1/models lists models in OpenAI shape, not image-first', async () => {
		const r = await api.get('/v1/models');
		expect(r.status).toBe(200);
		expect(r.data.object).toBe('list');
		expect(r.data.data.length).toBeGreaterThanOrEqual(12);
		const ids = r.data.data.map((m) => m.id);
		for (const id of ['gemini-3.1-flash-image', 'gemini-3-pro-image', 'gemini-3.1-flash-lite-image', 'gemini-nano-banana-2.1', 'gpt-image-1', 'gpt-4o', 'gemini-2.5-pro', 'claude-sonnet-4']) {
			expect(ids).toContain(id);
		}
		// retired by CometAPI (2026-09-30) and Google (previews, 2026-06-25): no longer listed
		for (const id of ['gemini-2.5-flash-image', 'gemini-2.5-flash-image-preview', 'gemini-3-pro-image-preview', 'gemini-3.1-flash-image-preview']) {
			expect(ids).not.toContain(id);
		}
		expect(ids[0]).not.toMatch(/image/);
		for (const m of r.data.data) {
			expect(m.object).toBe('model');
			expect(typeof m.owned_by).toBe('string');
			expect(typeof m.created).toBe('number');
		}
	});

	test('auth variants', async () => {
		expect((await api.get('/v1/models', { headers: { Authorization: `Bearer ${KEY}` } })).status).toBe(200);
		expect((await api.get('/v1/models', { headers: { Authorization: KEY } })).status).toBe(200);
		expect((await generate('a', { headers: { Authorization: KEY } })).status).toBe(200);
		expect((await generate('a', { headers: { Authorization: '', 'x-goog-api-key': KEY } })).status).toBe(200);
		const q = await api.post(`/v1beta/models/${IMAGE_MODEL}:generateContent?key=${KEY}`, body('a'), { headers: { Authorization: '' } });
		expect(q.status).toBe(200);
		const kinds = emu.requests.map((r) => r.auth);
		expect(kinds).toEqual(['bearer', 'bare', 'bare', 'x-goog-api-key', 'query']);
		// secrets are not recorded
		expect(emu.requests[0].headers.authorization).toBe('<redacted>');
		expect(emu.requests[3].headers['x-goog-api-key']).toBe('<redacted>');
		expect(emu.requests[4].query.key).toBe('<redacted>');
	});

	test('missing or wrong key -> 401 CometAPI envelope', async () => {
		const check = (r) => {
			expect(r.status).toBe(401);
			expect(r.data.error.type).toBe('comet_api_error');
			expect(r.data.error.param).toBe('');
			expect(r.data.error.code).toBe('');
			expect(r.data.error.message).toMatch(/^Invalid token \(request id: 20\d{15}[0-9a-f]+\)$/);
		};
		check(await api.get('/v1/models', { headers: { Authorization: 'Bearer sk-wrong' } }));
		check(await api.get('/v1/models', { headers: { Authorization: '' } }));
		check(await generate('a', { headers: { Authorization: 'Bearer nope' } }));
		// x-goog-api-key and ?key= only count on /v1beta/*
		check(await api.get(`/v1/models?key=${KEY}`, { headers: { Authorization: '', 'x-goog-api-key': KEY } }));
	});
});

// ------------------------------------------------------------------------------------------- scenarios
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
		expect(emu.requests[0].imagesSent[0]).toMatchObject({ sha256: sha(a), bytes: a.length, mimeType: 'image/png', width: 1024, height: 1024 });
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

	test('jpeg-as-png: real JPEG bytes labelled image/png', async () => {
		const r = await generate('[emu:jpeg-as-png] x', { gen: { imageConfig: { aspectRatio: '3:2' } } });
		const part = imageParts(r.data)[0];
		expect(part.inlineData.mimeType).toBe('image/png');
		const buf = decode(part);
		expect(buf.subarray(0, 3).toString('hex')).toBe('ffd8ff');
		expect(buf.subarray(-2).toString('hex')).toBe('ffd9');
		expect(jpegDims(buf)).toEqual({ width: 1248, height: 832, marker: 0xc0 });
	});

	test('webp and gif: real bytes with dimensions', async () => {
		const w = await generate('[emu:webp] x', { gen: { imageConfig: { aspectRatio: '16:9' } } });
		const wp = imageParts(w.data)[0];
		expect(wp.inlineData.mimeType).toBe('image/webp');
		const wb = decode(wp);
		expect(wb.toString('latin1', 0, 4)).toBe('RIFF');
		expect(wb.toString('latin1', 8, 12)).toBe('WEBP');
		expect(wb.readUInt32LE(4)).toBe(wb.length - 8);
		const bits = wb.readUInt32LE(21);
		expect([(bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1]).toEqual([1344, 768]);

		const g = await generate('[emu:gif] x');
		const gp = imageParts(g.data)[0];
		expect(gp.inlineData.mimeType).toBe('image/gif');
		const gb = decode(gp);
		expect(gb.toString('latin1', 0, 6)).toBe('GIF89a');
		expect([gb.readUInt16LE(6), gb.readUInt16LE(8)]).toEqual([1024, 1024]);
		expect(gb[gb.length - 1]).toBe(0x3b);
	});

	test('thoughts: thought text, two drafts, final text and image with signatures', async () => {
		const r = await generate('[emu:thoughts] a poster', { model: PRO_MODEL });
		const parts = partsOf(r.data);
		expect(parts).toHaveLength(5);
		expect(parts[0]).toEqual({ text: 'thinking...', thought: true });
		expect(parts[1].thought).toBe(true);
		expect(parts[2].thought).toBe(true);
		// signatures issued by the emulator (test/emulator-conversation.test.js), bound to their part
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
		comet(await generate('[emu:error-503-model] x'), 503, 'model_not_found', new RegExp(`^model_not_found: no available channel for model ${IMAGE_MODEL} `));
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
		const s = await api.post(`/v1beta/models/${IMAGE_MODEL}:generateContent`, Object.assign(body('x'), { systemInstruction: { parts: [{ text: '[emu:no-image]' }] } }));
		expect(s.data.candidates[0].finishReason).toBe('NO_IMAGE');
		// unknown directive -> 400 explaining it
		const bad = await generate('[emu:no-such-thing] x');
		expect(bad.status).toBe(400);
		expect(bad.data.error.message).toMatch(/no-such-thing/);
	});

	test('size=<N>MB: a valid PNG of about that size, fast after the first time', async () => {
		const target = 20 * 1024 * 1024;
		let t = Date.now();
		const first = await generate('[emu:size=20MB] big');
		const firstMs = Date.now() - t;
		t = Date.now();
		const again = await generate('[emu:size=20MB] big again');
		const againMs = Date.now() - t;
		expect(first.status).toBe(200);
		const buf = decode(imageParts(again.data)[0]);
		expect(Math.abs(buf.length - target)).toBeLessThan(target * 0.01);
		expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
		const rec = emu.requests[1];
		expect(rec.sizeBytes).toBe(target);
		expect(rec.imagesSent[0].bytes).toBe(buf.length);
		expect(firstMs).toBeLessThan(5000);
		expect(againMs).toBeLessThan(2000);
		// small sizes: really valid
		const small = await generate('[emu:size=50000] small');
		const sb = decode(imageParts(small.data)[0]);
		readPng(sb);
		expect(Math.abs(sb.length - 50000)).toBeLessThan(1000);
	});
});

// ------------------------------------------------------------------------------------------- request checks
describe('request checks (400, 404, 503)', () => {
	const post = (data, model = IMAGE_MODEL) =>
		api.post(`/v1beta/models/${model}:generateContent`, data, { headers: { 'Content-Type': 'application/json' }, transformRequest: [(d) => d] });

	test('400s in Google envelope', async () => {
		const expect400 = (r, msg) => {
			expect(r.status).toBe(400);
			expect(r.data.error.code).toBe(400);
			expect(r.data.error.status).toBe('INVALID_ARGUMENT');
			expect(r.data.error.message).toMatch(msg);
		};
		expect400(await post('{not json'), /Invalid JSON payload/);
		expect400(await post(JSON.stringify({})), /contents is not specified/);
		expect400(await post(JSON.stringify({ contents: [] })), /contents is not specified/);
		expect400(
			await post(JSON.stringify(body('x', null, [{ inlineData: { mimeType: 'image/png', data: 'data:image/png;base64,iVBORw0KGgo=' } }]))),
			/Base64 decoding failed/,
		);
		expect400(await post(JSON.stringify(body('x', null, [{ inlineData: { mimeType: 'image/gif', data: 'R0lGODlh' } }]))), /Unsupported MIME type: image\/gif/);
		expect400(await post(JSON.stringify(body('x', { imageConfig: { imageSize: '1k' } }))), /image_size/);
		expect400(await post(JSON.stringify(body('x', { imageConfig: { imageSize: '3K' } }))), /image_size/);
		expect400(await post(JSON.stringify(body('x', { imageConfig: { aspectRatio: '7:3' } }))), /aspect_ratio/);
		for (const size of ['512', '1K', '2K', '4K']) {
			expect((await post(JSON.stringify(body('x', { imageConfig: { imageSize: size, aspectRatio: '1:1' } })))).status).toBe(200);
		}
		// snake_case request keys are accepted (and recorded)
		const snake = await post(JSON.stringify({ contents: [{ parts: [{ text: 'x' }] }], generation_config: { image_config: { aspect_ratio: '16:9' } } }));
		expect(snake.status).toBe(200);
		expect(readPng(decode(imageParts(snake.data)[0])).width).toBe(1344);
		expect(emu.requests[emu.requests.length - 1].snakeCaseKeys).toEqual(['generation_config', 'generation_config.image_config', 'generation_config.image_config.aspect_ratio']);
	});

	test('unknown model -> 503 model_not_found', async () => {
		for (const model of ['unknown-model-1', 'nonexistent']) {
			const r = await generate('x', { model });
			expect(r.status).toBe(503);
			expect(r.data.error.code).toBe('model_not_found');
			expect(r.data.error.message).toMatch(new RegExp(`^model_not_found: no available channel for model ${model} \\(request id: `));
		}
	});

	test('knownModelsOnly: a model not in the list (a retired one) -> 503 model_not_found; listed ones answer', async () => {
		const strict = await startEmulator({ port: 0, apiKey: KEY, knownModelsOnly: true });
		try {
			const call = (model) => axios.post(`${strict.url}/v1beta/models/${model}:generateContent`, body('x'), { headers: { Authorization: `Bearer ${KEY}` }, validateStatus: () => true });
			const retired = await call('gemini-2.5-flash-image');
			expect(retired.status).toBe(503);
			expect(retired.data.error.code).toBe('model_not_found');
			expect((await call('gemini-nano-banana-2.1')).status).toBe(200);
		} finally {
			await strict.close();
		}
	});

	test('other paths -> 404 HTML page', async () => {
		for (const p of ['/', '/v1beta/models/x:generateContentX', '/v1/v1beta/models/x:generateContent', '/api/v1/models']) {
			const r = await api.post(p, {});
			expect(r.status).toBe(404);
			expect(r.headers['content-type']).toMatch(/^text\/html/);
			expect(r.data).toMatch(/<html/);
		}
	});
});

// ------------------------------------------------------------------------------------------- faults
describe('fault injection', () => {
	test('fail=503x2: two 503 then 200 for the same prompt; counters reset', async () => {
		const prompt = '[emu:fail=503x2] retry me';
		const statuses = [];
		for (let i = 0; i < 3; i++) statuses.push((await generate(prompt)).status);
		expect(statuses).toEqual([503, 503, 200]);
		expect(emu.requests.map((r) => r.attempt)).toEqual([1, 2, 3]);
		expect(emu.requests[0].outcome).toBe('fail-503');
		// another prompt has its own counter
		expect((await generate('[emu:fail=503x2] other')).status).toBe(503);
		// different input image -> different identity
		expect((await generate(prompt, { parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] })).status).toBe(503);
		emu.reset();
		expect((await generate(prompt)).status).toBe(503);
		expect(emu.requests[0].attempt).toBe(1);
	});

	test('fail=429 carries Retry-After; retryafter=<s> changes it; 524 is an HTML page', async () => {
		const r = await generate('[emu:fail=429x1] a');
		expect(r.status).toBe(429);
		expect(r.headers['retry-after']).toBe('1');
		expect(r.data.error.type).toBe('comet_api_error');
		const r2 = await generate('[emu:fail=429x1] [emu:retryafter=3] b');
		expect(r2.headers['retry-after']).toBe('3');
		const r3 = await generate('[emu:fail=524x1] c');
		expect(r3.status).toBe(524);
		expect(r3.headers['content-type']).toMatch(/^text\/html/);
		expect(r3.data).toMatch(/524/);
		for (const s of [408, 500, 502, 504]) {
			const rr = await generate(`[emu:fail=${s}x1] d${s}`);
			expect(rr.status).toBe(s);
			expect(rr.data.error.code).toBe(s);
		}
	});

	test('reset=1: connection reset, then an answer', async () => {
		let err;
		try {
			await generate('[emu:reset=1] r');
		} catch (e) {
			err = e;
		}
		expect(err).toBeDefined();
		expect(['ECONNRESET', 'ERR_BAD_RESPONSE', 'EPIPE']).toContain(err.code);
		expect((await generate('[emu:reset=1] r')).status).toBe(200);
		expect(emu.requests.map((r) => r.outcome)).toEqual(['reset', 'answered']);
	});

	test('hang=1: never answers (client timeout), then an answer; close() is not blocked', async () => {
		let err;
		try {
			await generate('[emu:hang=1] h', { config: { timeout: 300 } });
		} catch (e) {
			err = e;
		}
		expect(err && err.code).toBe('ECONNABORTED');
		expect((await generate('[emu:hang=1] h', { config: { timeout: 2000 } })).status).toBe(200);
		expect(emu.requests[0].outcome).toBe('hang');

		const other = await startEmulator({ port: 0, apiKey: KEY });
		const pending = axios
			.post(`${other.url}/v1beta/models/${IMAGE_MODEL}:generateContent`, body('[emu:hang] forever'), { headers: { Authorization: KEY } })
			.catch((e) => e);
		await new Promise((r) => setTimeout(r, 100));
		expect(other.requests).toHaveLength(1);
		const t = Date.now();
		await other.close();
		expect(Date.now() - t).toBeLessThan(1000);
		const e = await pending;
		expect(e).toBeInstanceOf(Error);
	});

	test('truncate=1: 200 with a cut JSON body and matching Content-Length', async () => {
		const r = await generate('[emu:truncate=1] t', { config: { responseType: 'text', transformResponse: [(d) => d] } });
		expect(r.status).toBe(200);
		expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(r.data));
		expect(() => JSON.parse(r.data)).toThrow();
		expect(r.data.startsWith('{"candidates"')).toBe(true);
		expect((await generate('[emu:truncate=1] t')).data.candidates).toBeDefined();
		expect(emu.requests[0].outcome).toBe('truncated');
	});

	test('latency=<ms> directive and global latency', async () => {
		let t = Date.now();
		expect((await generate('[emu:latency=250] slow')).status).toBe(200);
		expect(Date.now() - t).toBeGreaterThanOrEqual(240);
		emu.setConfig({ latencyMs: 150 });
		t = Date.now();
		await generate('slow too');
		expect(Date.now() - t).toBeGreaterThanOrEqual(140);
		t = Date.now();
		await generate('[emu:latency=0] fast');
		expect(Date.now() - t).toBeLessThan(140);
	});

	test('maxInFlight: requests beyond the limit get 429 + Retry-After: 1', async () => {
		const cfg = await api.post('/__emulator/config', { maxInFlight: 2 });
		expect(cfg.data.maxInFlight).toBe(2);
		const all = await Promise.all([1, 2, 3, 4].map((i) => generate(`[emu:latency=300] p${i}`)));
		const statuses = all.map((r) => r.status).sort();
		expect(statuses).toEqual([200, 200, 429, 429]);
		const limited = all.filter((r) => r.status === 429);
		for (const r of limited) {
			expect(r.headers['retry-after']).toBe('1');
			expect(r.data.error.code).toBe('rate_limit_exceeded');
		}
		expect(emu.stats().rateLimited).toBe(2);
		const rejected = emu.requests.filter((r) => r.outcome === 'rate-limited');
		expect(rejected).toHaveLength(2);
		// a rejected request still names its prompt and identity (not an attempt: nothing was counted)
		const answered = emu.requests.filter((r) => r.status === 200);
		for (const r of rejected) {
			expect(r.attempt).toBeNull();
			expect(r.asked.promptText).toMatch(/^\[emu:latency=300\] p[1-4]$/);
			expect(r.identity).toMatch(/^[0-9a-f]{32}$/);
		}
		const prompts = [...rejected, ...answered].map((r) => r.asked.promptText).sort();
		expect(prompts).toEqual([1, 2, 3, 4].map((i) => `[emu:latency=300] p${i}`));
		// the same identity as the attempt that gets through later
		const retried = await generate(rejected[0].asked.promptText);
		expect(retried.status).toBe(200);
		expect(emu.requests[emu.requests.length - 1].identity).toBe(rejected[0].identity);
		// unlimited again
		await api.post('/__emulator/config', { maxInFlight: null });
		const again = await Promise.all([1, 2, 3].map((i) => generate(`q${i}`)));
		expect(again.map((r) => r.status)).toEqual([200, 200, 200]);
	});
});

// ------------------------------------------------------------------------------------------- streaming
describe('streaming route', () => {
	const stream = (prompt, opts = {}) =>
		api.post(`/v1beta/models/${opts.model || PRO_MODEL}:streamGenerateContent?alt=sse`, body(prompt, opts.gen), {
			responseType: 'text',
			transformResponse: [(d) => d],
			headers: opts.headers,
		});

	const events = (text) =>
		text
			.split('\r\n\r\n')
			.filter((e) => e.startsWith('data: '))
			.map((e) => JSON.parse(e.slice(6)));

	test('SSE: PING first, CRLF-separated whole-response events, image in its own event, no [DONE]', async () => {
		const r = await stream('stream me', { gen: { imageConfig: { aspectRatio: '16:9' } } });
		expect(r.status).toBe(200);
		expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
		expect(r.data.startsWith(': PING\r\n\r\n')).toBe(true);
		expect(r.data.endsWith('\r\n\r\n')).toBe(true);
		expect(r.data).not.toMatch(/\[DONE\]/);
		expect(r.data.replace(/\r\n/g, '')).not.toMatch(/\n/);
		const ev = events(r.data);
		expect(ev.length).toBe(3);
		expect(ev[0].candidates[0].content.parts).toEqual([{ text: 'Here is your image.', thoughtSignature: expect.any(String) }]);
		const img = ev[1].candidates[0].content.parts[0].inlineData;
		expect(img.mimeType).toBe('image/png');
		expect(readPng(Buffer.from(img.data, 'base64')).width).toBe(1344);
		const last = ev[ev.length - 1];
		expect(last.candidates[0].finishReason).toBe('STOP');
		expect(last.usageMetadata.totalTokenCount).toBeGreaterThan(0);
		expect(ev[0].candidates[0].finishReason).toBeUndefined();
		// same image as the non-streamed route for the same prompt
		const plain = await generate('stream me', { model: PRO_MODEL, gen: { imageConfig: { aspectRatio: '16:9' } } });
		expect(imageParts(plain.data)[0].inlineData.data).toBe(img.data);
		expect(emu.requests[0].route).toBe('stream');
		expect(emu.requests[0].imagesSent).toHaveLength(1);
	});

	test('SSE: thoughts arrive part by part; snake keys stay snake', async () => {
		const ev = events((await stream('[emu:thoughts] p')).data);
		expect(ev).toHaveLength(6);
		expect(ev[1].candidates[0].content.parts[0].thought).toBe(true);
		expect(verifySignature(ev[4].candidates[0].content.parts[0].thoughtSignature)).toMatchObject({ kind: 'image' });
		const sn = events((await stream('[emu:snake] p')).data);
		expect(sn[1].candidates[0].content.parts[0].inline_data.mime_type).toBe('image/png');
		expect(sn[sn.length - 1].usage_metadata).toBeDefined();
	});

	test('stream-error: a text chunk then an in-stream error event', async () => {
		const r = await stream('[emu:stream-error] p');
		expect(r.status).toBe(200);
		expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
		expect(r.data.startsWith(': PING\r\n\r\ndata: ')).toBe(true);
		expect(r.data.endsWith('\r\n\r\n')).toBe(true);
		expect(r.data).not.toMatch(/\[DONE\]/);
		const ev = events(r.data);
		expect(ev).toHaveLength(2);
		expect(ev[0].candidates[0].content.parts[0].text).toBeTruthy();
		expect(ev[1]).toEqual({ error: { code: 500, message: 'Internal error in stream', status: 'INTERNAL' } });
		// on the non-streamed route the same scenario is a plain 500
		expect((await generate('[emu:stream-error] p')).status).toBe(500);
	});

	test('errors before the stream are plain HTTP errors; faults work on the stream route', async () => {
		const r = await stream('[emu:error-402] p');
		expect(r.status).toBe(402);
		expect(JSON.parse(r.data).error.code).toBe('insufficient_quota');
		expect((await stream('[emu:fail=503x1] s')).status).toBe(503);
		expect((await stream('[emu:fail=503x1] s')).status).toBe(200);
		const blocked = events((await stream('[emu:blocked] p')).data);
		expect(blocked).toHaveLength(1);
		expect(blocked[0].promptFeedback.blockReason).toBe('PROHIBITED_CONTENT');
	});

	test('truncated stream ends in the middle of the image event', async () => {
		const r = await stream('[emu:truncate] p');
		expect(r.status).toBe(200);
		const chunks = r.data.split('\r\n\r\n');
		expect(chunks[0]).toBe(': PING');
		expect(JSON.parse(chunks[1].slice(6)).candidates).toBeDefined();
		expect(() => JSON.parse(chunks[2].slice(6))).toThrow();
		expect(r.data).not.toMatch(/finishReason/);
	});

	test('without alt=sse the stream is one JSON array', async () => {
		const r = await api.post(`/v1beta/models/${PRO_MODEL}:streamGenerateContent`, body('arr'));
		expect(r.status).toBe(200);
		expect(Array.isArray(r.data)).toBe(true);
		expect(r.data[r.data.length - 1].candidates[0].finishReason).toBe('STOP');
		expect(emu.requests[0].imagesSent).toHaveLength(1);
	});
});

// ------------------------------------------------------------------------------------------- chat route
describe('chat route (POST /v1/chat/completions)', () => {
	const chatBody = (prompt, { model = IMAGE_MODEL, stream = true, imageConfig, inputs = [], system, google, extra } = {}) => {
		const content = [{ type: 'text', text: prompt }, ...inputs.map((url) => ({ type: 'image_url', image_url: { url } }))];
		const messages = [];
		if (system) messages.push({ role: 'system', content: system });
		messages.push({ role: 'user', content });
		const b = { model, messages };
		if (stream !== undefined) b.stream = stream;
		const g = Object.assign({}, google);
		if (imageConfig) g.image_config = imageConfig;
		if (Object.keys(g).length) b.extra_body = { google: g };
		return Object.assign(b, extra);
	};
	const chat = (prompt, opts = {}) =>
		api.post('/v1/chat/completions', opts.raw !== undefined ? opts.raw : chatBody(prompt, opts), {
			responseType: 'text',
			transformResponse: [(d) => d],
			headers: Object.assign({ 'Content-Type': 'application/json' }, opts.headers),
			transformRequest: opts.raw !== undefined ? [(d) => d] : undefined,
		});
	// `data:` payloads of an LF-separated stream, JSON-parsed ([DONE] kept as the string).
	const chatEvents = (text) =>
		text
			.split('\n\n')
			.filter((e) => e.startsWith('data: '))
			.map((e) => (e === 'data: [DONE]' ? '[DONE]' : JSON.parse(e.slice(6))));
	const contentOf = (ev) => ev.filter((e) => e !== '[DONE]' && e.choices).map((e) => e.choices[0].delta.content || '').join('');
	const MD_IMAGE = /!\[image\]\(data:(image\/[a-z]+);base64,([A-Za-z0-9+/=]+)\)/g;
	const markdownImages = (content) => [...content.matchAll(MD_IMAGE)].map((m) => ({ mimeType: m[1], buf: Buffer.from(m[2], 'base64') }));
	const expectOpenAi400 = (r, msg) => {
		expect(r.status).toBe(400);
		const data = JSON.parse(r.data);
		expect(Object.keys(data.error).sort()).toEqual(['code', 'message', 'param', 'type']);
		expect(data.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
		expect(data.error.message).toMatch(msg);
	};

	test('stream: PING, chunks, markdown image of the asked size, finish chunk with usage, [DONE]', async () => {
		const r = await chat('a chat cat', {
			system: 'be brief',
			imageConfig: { aspect_ratio: '16:9', image_size: '2K' },
			google: { response_modalities: ['TEXT', 'IMAGE'], safety_settings: [{ category: 'x', threshold: 'y' }], tools: [{ google_search: {} }] },
			extra: { temperature: 0.5, top_p: 0.9, seed: 7 },
		});
		expect(r.status).toBe(200);
		expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
		expect(r.data.startsWith(': PING\n\n')).toBe(true);
		expect(r.data.endsWith('data: [DONE]\n\n')).toBe(true);
		expect(r.data).not.toMatch(/\r/);
		const ev = chatEvents(r.data);
		expect(ev).toHaveLength(4);
		expect(ev[3]).toBe('[DONE]');
		for (const e of ev.slice(0, 3)) {
			expect(e).toMatchObject({ object: 'chat.completion.chunk', model: IMAGE_MODEL, id: ev[0].id });
			expect(typeof e.created).toBe('number');
		}
		expect(ev[0].id).toMatch(/^chatcmpl-/);
		expect(ev[0].choices).toEqual([{ index: 0, delta: { role: 'assistant', content: 'Here is your image.\n\n' }, finish_reason: null }]);
		// the image: one chunk, one SSE line, a markdown data URL
		const imgLine = r.data.split('\n').find((l) => l.includes('base64,'));
		const m = /^!\[image\]\(data:image\/png;base64,([A-Za-z0-9+/=]+)\)$/.exec(ev[1].choices[0].delta.content);
		expect(m).not.toBeNull();
		expect(imgLine).toContain(m[1]);
		const png = Buffer.from(m[1], 'base64');
		expect(readPng(png)).toMatchObject({ width: 2688, height: 1536 });
		expect(ev[2].choices).toEqual([{ index: 0, delta: {}, finish_reason: 'stop' }]);
		const u = ev[2].usage;
		expect(u.prompt_tokens).toBeGreaterThan(0);
		expect(u.completion_tokens).toBeGreaterThan(0);
		expect(u.total_tokens).toBe(u.prompt_tokens + u.completion_tokens);
		// recorded
		const rec = emu.requests[0];
		expect(rec).toMatchObject({ route: 'chat', model: IMAGE_MODEL, stream: true, scenario: 'ok', status: 200, outcome: 'answered', attempt: 1, auth: 'bearer' });
		expect(rec.asked).toMatchObject({
			aspectRatio: '16:9',
			imageSize: '2K',
			responseModalities: ['TEXT', 'IMAGE'],
			temperature: 0.5,
			topP: 0.9,
			seed: 7,
			systemInstruction: 'be brief',
			tools: ['google_search'],
			safetySettings: 1,
			promptText: 'a chat cat',
			stream: true,
		});
		expect(rec.imagesSent).toEqual([expect.objectContaining({ sha256: sha(png), role: 'final', mimeType: 'image/png', type: 'png', width: 2688, height: 1536 })]);
		// the same bytes as the native route for the same prompt and size
		const native = await generate('a chat cat', { gen: { imageConfig: { aspectRatio: '16:9', imageSize: '2K' } } });
		expect(decode(imageParts(native.data)[0]).equals(png)).toBe(true);
	});

	test('stream false or absent: one chat.completion object; input images and plain-string content', async () => {
		const input = Buffer.from(images.solidPng(8, 8, [1, 2, 3]).buffer);
		const r = await chat('plain', { stream: false, inputs: [`data:image/png;base64,${input.toString('base64')}`] });
		expect(r.status).toBe(200);
		expect(r.headers['content-type']).toMatch(/^application\/json/);
		const data = JSON.parse(r.data);
		expect(data).toMatchObject({ object: 'chat.completion', model: IMAGE_MODEL });
		expect(data.choices[0].finish_reason).toBe('stop');
		expect(data.choices[0].message.role).toBe('assistant');
		expect(data.choices[0].message.content.startsWith('Here is your image.\n\n![image](data:image/png;base64,')).toBe(true);
		const [img] = markdownImages(data.choices[0].message.content);
		expect(readPng(img.buf).width).toBe(1024);
		expect(data.usage.total_tokens).toBe(data.usage.prompt_tokens + data.usage.completion_tokens);
		const rec = emu.requests[0];
		expect(rec.stream).toBe(false);
		expect(rec.imagesReceived).toEqual([expect.objectContaining({ key: 'image_url', content: 0, part: 1, mimeType: 'image/png', sha256: sha(input), detectedType: 'png', width: 8, height: 8 })]);
		expect(rec.imagesSent[0].sha256).toBe(sha(img.buf));
		// absent stream, string content
		const s = await chat('', { raw: JSON.stringify({ model: IMAGE_MODEL, messages: [{ role: 'user', content: 'plain string [emu:text-only]' }] }) });
		expect(JSON.parse(s.data).choices[0].message.content).toMatch(/^I can't draw that/);
		expect(emu.requests[1]).toMatchObject({ stream: false, scenario: 'text-only' });
		expect(emu.requests[1].asked.promptText).toBe('plain string [emu:text-only]');
	});

	test('thoughts: drafts first, the last image is byte-identical to ok', async () => {
		const ok = markdownImages(contentOf(chatEvents((await chat('poster', { imageConfig: { aspect_ratio: '3:4' } })).data)));
		const r = await chat('poster', { imageConfig: { aspect_ratio: '3:4' }, headers: { 'x-emulator-scenario': 'thoughts' } });
		const ev = chatEvents(r.data);
		expect(ev[0].choices[0].delta.reasoning_content).toBe('thinking...');
		const imgs = markdownImages(contentOf(ev));
		expect(imgs).toHaveLength(3);
		expect(imgs[0].buf.equals(imgs[2].buf)).toBe(false);
		expect(imgs[2].buf.equals(ok[0].buf)).toBe(true);
		// each image in its own chunk
		expect(ev.filter((e) => e.choices && /!\[image\]/.test(e.choices[0].delta.content || ''))).toHaveLength(3);
		expect(emu.requests[1].imagesSent.map((i) => i.role)).toEqual(['draft', 'draft', 'final']);
		expect(emu.requests[1].imagesSent[2].sha256).toBe(sha(ok[0].buf));
	});

	test('image-safety / content-filter: no image, finish_reason content_filter, empty content', async () => {
		for (const name of ['content-filter', 'image-safety']) {
			const ev = chatEvents((await chat(`[emu:${name}] p`)).data);
			expect(contentOf(ev)).toBe('');
			expect(ev[ev.length - 2].choices[0].finish_reason).toBe('content_filter');
			expect(ev[ev.length - 1]).toBe('[DONE]');
			const nonStream = JSON.parse((await chat(`[emu:${name}] p`, { stream: false })).data);
			expect(nonStream.choices[0]).toMatchObject({ finish_reason: 'content_filter', message: { content: '' } });
		}
		expect(emu.requests.every((r) => r.imagesSent.length === 0)).toBe(true);
	});

	test('multi, jpeg-as-png, images-array', async () => {
		const multi = markdownImages(contentOf(chatEvents((await chat('[emu:multi] m')).data)));
		expect(multi).toHaveLength(2);
		expect(multi[0].buf.equals(multi[1].buf)).toBe(false);
		const jpeg = markdownImages(contentOf(chatEvents((await chat('[emu:jpeg-as-png] j')).data)));
		expect(jpeg[0].mimeType).toBe('image/png');
		expect(jpeg[0].buf.subarray(0, 3).toString('hex')).toBe('ffd8ff');
		const ev = chatEvents((await chat('[emu:images-array] a')).data);
		expect(contentOf(ev)).toBe('Here is your image.');
		const withImages = ev.filter((e) => e.choices && e.choices[0].delta.images);
		expect(withImages).toHaveLength(1);
		const entry = withImages[0].choices[0].delta.images[0];
		expect(entry.type).toBe('image_url');
		const m = /^data:image\/png;base64,(.+)$/.exec(entry.image_url.url);
		expect(readPng(Buffer.from(m[1], 'base64')).width).toBe(1024);
		const nonStream = JSON.parse((await chat('[emu:images-array] a', { stream: false })).data);
		expect(nonStream.choices[0].message.images[0].image_url.url).toBe(entry.image_url.url);
	});

	test('stream-error: a first content chunk, then the error event, no [DONE]; 500 when not streamed', async () => {
		const r = await chat('[emu:stream-error] p');
		expect(r.status).toBe(200);
		const ev = chatEvents(r.data);
		expect(ev).toHaveLength(2);
		expect(ev[0].choices[0].delta.content).toBe('Here is your image.');
		expect(ev[1]).toEqual({ error: { message: 'upstream error', type: 'comet_api_error', code: '500' } });
		expect(r.data).not.toMatch(/\[DONE\]/);
		expect(emu.requests[0].imagesSent).toEqual([]);
		const plain = await chat('[emu:stream-error] p', { stream: false });
		expect(plain.status).toBe(500);
		expect(JSON.parse(plain.data).error.type).toBe('comet_api_error');
	});

	test('truncate: the stream is cut in the middle of the image chunk, no [DONE]', async () => {
		const r = await chat('[emu:truncate] p');
		expect(r.status).toBe(200);
		const parts = r.data.split('\n\n');
		expect(parts[0]).toBe(': PING');
		expect(JSON.parse(parts[1].slice(6)).choices[0].delta.content).toBe('Here is your image.\n\n');
		expect(parts[2]).toMatch(/^data: .*base64,/);
		expect(() => JSON.parse(parts[2].slice(6))).toThrow();
		expect(parts).toHaveLength(3);
		expect(r.data).not.toMatch(/\[DONE\]|finish_reason":"stop/);
		expect(emu.requests[0]).toMatchObject({ outcome: 'truncated', imagesSent: [] });
		// attempt 2 of the same identity answers whole
		expect(chatEvents((await chat('[emu:truncate] p')).data).pop()).toBe('[DONE]');
	});

	test('size=: the big image comes whole in one line', async () => {
		const r = await chat('[emu:size=3MB] big');
		const line = r.data.split('\n').find((l) => l.includes('base64,'));
		const [img] = markdownImages(JSON.parse(line.slice(6)).choices[0].delta.content);
		expect(Math.abs(img.buf.length - 3 * 1024 * 1024)).toBeLessThan(4000);
		expect(readPng(img.buf).width).toBeGreaterThan(0);
		expect(emu.requests[0].imagesSent[0].sha256).toBe(sha(img.buf));
	});

	test('auth: Bearer or bare Authorization only; 401 CometAPI envelope', async () => {
		expect((await chat('a', { headers: { Authorization: KEY } })).status).toBe(200);
		for (const headers of [{ Authorization: 'Bearer nope' }, { Authorization: '' }, { Authorization: '', 'x-goog-api-key': KEY }]) {
			const r = await chat('a', { headers });
			expect(r.status).toBe(401);
			const err = JSON.parse(r.data).error;
			expect(err).toMatchObject({ type: 'comet_api_error', param: '', code: '' });
			expect(err.message).toMatch(/^Invalid token \(request id: /);
		}
		expect(emu.requests.map((r) => r.outcome)).toEqual(['answered', 'unauthorized', 'unauthorized', 'unauthorized']);
		expect(emu.requests[0].auth).toBe('bare');
	});

	test('unknown model -> 503 model_not_found', async () => {
		const r = await chat('x', { model: 'unknown-model-9' });
		expect(r.status).toBe(503);
		const err = JSON.parse(r.data).error;
		expect(err.code).toBe('model_not_found');
		expect(err.message).toMatch(/^model_not_found: no available channel for model unknown-model-9 \(request id: /);
		expect(emu.requests[0]).toMatchObject({ outcome: 'model-not-found', attempt: null, model: 'unknown-model-9' });
	});

	test('400s in the OpenAI envelope', async () => {
		const png = images.solidPng(4, 4, [9, 9, 9]).base64;
		expectOpenAi400(await chat('', { raw: '{not json' }), /could not parse the JSON body/);
		expectOpenAi400(await chat('', { raw: JSON.stringify({ model: IMAGE_MODEL, stream: true }) }), /messages/);
		expectOpenAi400(await chat('', { raw: JSON.stringify({ model: IMAGE_MODEL, stream: true, messages: [] }) }), /messages/);
		expectOpenAi400(await chat('x', { inputs: ['https://example.com/cat.png'] }), /image_url.*data: URL/);
		expectOpenAi400(await chat('x', { inputs: ['data:image/gif;base64,R0lGODlh'] }), /unsupported MIME type "image\/gif"/);
		expectOpenAi400(await chat('x', { inputs: ['data:image/png;base64,not base64!'] }), /base64 decoding failed/);
		expectOpenAi400(await chat('x', { inputs: ['data:image/png,rawdata'] }), /data: URL/);
		expectOpenAi400(await chat('x', { imageConfig: { image_size: '1k' } }), /image_size.*"1k"/);
		expectOpenAi400(await chat('x [emu:nope]'), /\[emulator\] unknown emulator scenario or directive 'nope'/);
		expect(emu.requests.every((r) => r.outcome === 'invalid' && r.attempt === null)).toBe(true);
		for (const size of ['512', '1K', '2K', '4K']) expect((await chat('x', { imageConfig: { image_size: size }, inputs: [`data:image/png;base64,${png}`] })).status).toBe(200);
	});

	test('error scenarios and faults are HTTP errors before the stream; latency sends PINGs', async () => {
		const e402 = await chat('[emu:error-402] p');
		expect(e402.status).toBe(402);
		expect(e402.headers['content-type']).toMatch(/^application\/json/);
		expect(JSON.parse(e402.data).error.code).toBe('insufficient_quota');
		const g429 = JSON.parse((await chat('[emu:error-429-google] p')).data).error;
		expect(g429).toMatchObject({ type: 'comet_api_error', code: 'RESOURCE_EXHAUSTED' });
		expect((await chat('[emu:html] p')).headers['content-type']).toMatch(/^text\/html/);
		expect((await chat('[emu:redirect] p')).status).toBe(301);
		expect((await chat('[emu:fail=503x1] f')).status).toBe(503);
		expect((await chat('[emu:fail=503x1] f')).status).toBe(200);
		expect(emu.requests.slice(-2).map((r) => r.attempt)).toEqual([1, 2]);
		// latency: a PING at once and another each second, then the chunks
		const t0 = Date.now();
		const slow = await chat('[emu:latency=1100] slow');
		expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
		expect(slow.data.startsWith(': PING\n\n: PING\n\ndata: ')).toBe(true);
	});
});

// ------------------------------------------------------------------------------------------- drip
describe('drip=<ms> on the streaming routes', () => {
	// Raw reads with arrival times (ms since the request).
	const timedPost = (urlPath, payload) =>
		new Promise((resolve, reject) => {
			const t0 = Date.now();
			const data = Buffer.from(JSON.stringify(payload));
			const req = http.request(`${emu.url}${urlPath}`, { method: 'POST', headers: { Authorization: KEY, 'Content-Type': 'application/json', 'Content-Length': data.length } }, (res) => {
				const reads = [];
				res.setEncoding('utf8');
				res.on('data', (d) => reads.push({ at: Date.now() - t0, text: d }));
				res.on('end', () => resolve({ status: res.statusCode, reads, text: reads.map((x) => x.text).join('') }));
			});
			req.on('error', reject);
			req.end(data);
		});
	const firstAt = (reads, needle) => reads.find((x) => x.text.includes(needle)).at;

	test('chat: events arrive drip ms apart', async () => {
		const r = await timedPost('/v1/chat/completions', { model: IMAGE_MODEL, stream: true, messages: [{ role: 'user', content: '[emu:drip=150] d' }] });
		expect(r.status).toBe(200);
		const a = firstAt(r.reads, 'Here is your image');
		const b = firstAt(r.reads, 'base64,');
		const c = firstAt(r.reads, 'finish_reason":"stop');
		const done = firstAt(r.reads, '[DONE]');
		expect(b - a).toBeGreaterThanOrEqual(130);
		expect(c - b).toBeGreaterThanOrEqual(130);
		expect(done - c).toBeGreaterThanOrEqual(130);
		expect(emu.requests[0].imagesSent).toHaveLength(1);
	});

	test('native: a PING each second inside a long drip', async () => {
		const r = await timedPost(`/v1beta/models/${IMAGE_MODEL}:streamGenerateContent?alt=sse`, body('[emu:text-only,slowdrip=1100] d'));
		const chunks = r.text.split('\r\n\r\n');
		expect(chunks[0]).toBe(': PING');
		expect(chunks[1]).toMatch(/^data: .*I can't draw that/);
		expect(chunks[2]).toBe(': PING');
		expect(chunks[3]).toMatch(/^data: .*finishReason/);
		expect(firstAt(r.reads, 'finishReason') - firstAt(r.reads, "I can't draw")).toBeGreaterThanOrEqual(1050);
		expect(parseDirectives('[emu:slowdrip]').dripMs).toBe(1000);
		expect(parseDirectives('[emu:drip=2s]').dripMs).toBe(2000);
	});
});

// ------------------------------------------------------------------------------------------- control API
describe('control API', () => {
	const control = axios.create({ validateStatus: () => true });

	test('requests, config, reset (no key needed)', async () => {
		const img = Buffer.alloc(3000, 1).toString('base64');
		await generate('logged', { parts: [{ inlineData: { mimeType: 'image/png', data: img } }] });
		const list = await control.get(`${emu.url}/__emulator/requests`);
		expect(list.status).toBe(200);
		expect(list.data).toHaveLength(1);
		const rec = list.data[0];
		expect(rec).toMatchObject({ method: 'POST', route: 'native', scenario: 'ok', status: 200, attempt: 1, model: IMAGE_MODEL });
		expect(rec.body.contents[0].parts[1].inlineData.data).toBe('<omitted 4000 chars>');
		expect(rec.imagesSent[0].sha256).toMatch(/^[0-9a-f]{64}$/);
		expect(rec.headers.authorization).toBe('<redacted>');
		// the control API itself is not recorded
		expect(emu.requests).toHaveLength(1);

		const cfg = await control.post(`${emu.url}/__emulator/config`, { defaultScenario: 'blocked', latencyMs: 0 });
		expect(cfg.status).toBe(200);
		expect(cfg.data.defaultScenario).toBe('blocked');
		expect((await generate('x')).data.promptFeedback).toBeDefined();
		expect((await control.get(`${emu.url}/__emulator/config`)).data.defaultScenario).toBe('blocked');
		const bad = await control.post(`${emu.url}/__emulator/config`, { defaultScenario: 'nope' });
		expect(bad.status).toBe(400);

		const since = (await control.get(`${emu.url}/__emulator/requests?since=${emu.requests[0].id}`)).data;
		expect(since.map((r) => r.id)).toEqual([emu.requests[1].id]);

		expect((await control.post(`${emu.url}/__emulator/reset`)).data).toEqual({ ok: true });
		expect((await control.get(`${emu.url}/__emulator/requests`)).data).toEqual([]);
		expect(emu.requests).toHaveLength(0);
		const stats = (await control.get(`${emu.url}/__emulator/stats`)).data;
		expect(stats.total).toBe(0);
	});
});

// ------------------------------------------------------------------------------------------- CLI
describe('CLI', () => {
	test('starts on port 0, prints the URL, serves, exits on SIGTERM', async () => {
		const child = spawn(process.execPath, [path.join(__dirname, '..', 'emulator', 'cli.js'), '--port', '0', '--key', 'sk-cli', '--scenario', 'text-only'], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stderr = '';
		child.stderr.on('data', (d) => (stderr += d));
		const line = await new Promise((resolve, reject) => {
			let out = '';
			child.stdout.on('data', (d) => {
				out += d;
				if (out.includes('\n')) resolve(out.split('\n')[0]);
			});
			child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
		});
		expect(line).toMatch(/^CometAPI emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
		const url = line.split(' ').pop();
		const r = await axios.post(`${url}/v1beta/models/${IMAGE_MODEL}:generateContent`, body('cli'), { headers: { Authorization: 'sk-cli' } });
		expect(r.data.candidates[0].content.parts[0].text).toMatch(/^I can't draw that/);
		const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
		child.kill('SIGTERM');
		expect(await exited).toEqual({ code: 0, signal: null });
		expect(stderr).toMatch(/^POST \/v1beta\/models\/gemini-2\.5-flash-image:generateContent text-only 200 \d+ms$/m);
	});
});

// ------------------------------------------------------------------------------------------- hostile behaviours
describe('hostile behaviours (issue 9)', () => {
	// A raw request: the status, headers, the chunks as they arrived and whether the body ended.
	function raw(method, path, payload, { key = KEY, waitMs = 600, headers = {} } = {}) {
		return new Promise((resolve, reject) => {
			const data = payload === undefined ? undefined : Buffer.from(JSON.stringify(payload));
			const all = Object.assign({ 'content-type': 'application/json' }, key ? { authorization: `Bearer ${key}` } : {}, headers);
			const req = http.request(`${emu.url}${path}`, { method, headers: all });
			let out;
			req.on('error', (e) => {
				if (!out) return reject(e);
				out.error = e;
				resolve(out);
			});
			req.on('response', (res) => {
				out = { status: res.statusCode, headers: res.headers, chunks: [], ended: false, error: null };
				const timer = setTimeout(() => {
					res.destroy();
					resolve(out);
				}, waitMs);
				res.on('data', (c) => out.chunks.push(c));
				res.on('error', (e) => (out.error = e));
				res.on('close', () => {
					clearTimeout(timer);
					resolve(out);
				});
				res.on('end', () => (out.ended = true));
			});
			req.end(data);
		});
	}
	const text = (out) => Buffer.concat(out.chunks).toString('utf8');
	const nativePath = (stream) => `/v1beta/models/${IMAGE_MODEL}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`;

	it('stall: 200 headers and half the body, then silence with the socket open', async () => {
		const out = await raw('POST', nativePath(false), body('x [emu:stall=1]'), { waitMs: 500 });
		expect(out.status).toBe(200);
		expect(out.ended).toBe(false);
		const got = Buffer.concat(out.chunks).length;
		expect(got).toBeGreaterThan(0);
		expect(got).toBeLessThan(Number(out.headers['content-length']));
		expect(emu.requests[0].outcome).toBe('stall');
		// the next attempt answers
		const next = await generate('x [emu:stall=1]');
		expect(imageParts(next.data)).toHaveLength(1);
	});

	it('stall on the streamed routes: events up to half the image event, then no more data, not even PINGs', async () => {
		const out = await raw('POST', nativePath(true), body('x [emu:stall=1]'), { waitMs: 2500 });
		expect(out.ended).toBe(false);
		const t = text(out);
		expect(t.startsWith(': PING')).toBe(true);
		expect(t.match(/: PING/g)).toHaveLength(1);
		const chatOut = await raw('POST', '/v1/chat/completions', { model: IMAGE_MODEL, stream: true, messages: [{ role: 'user', content: 'y [emu:stall=1]' }] }, { waitMs: 500 });
		expect(chatOut.ended).toBe(false);
		expect(text(chatOut)).not.toContain('[DONE]');
	});

	it('stallerror and reseterror: a 503 whose body stops halfway', async () => {
		const stalled = await raw('POST', nativePath(false), body('x [emu:stallerror=1]'), { waitMs: 300 });
		expect(stalled.status).toBe(503);
		expect(stalled.ended).toBe(false);
		const reset = await raw('POST', nativePath(false), body('y [emu:reseterror=1]'), { waitMs: 2000 });
		expect(reset.status).toBe(503);
		expect(reset.ended).toBe(false);
		expect(reset.error).not.toBeNull();
	});

	it('trickle: the body arrives a few bytes at a time', async () => {
		const out = await raw('POST', nativePath(false), body('x [emu:trickle=20] [emu:error-401]'), { waitMs: 3000 });
		expect(out.status).toBe(401);
		expect(out.chunks.length).toBeGreaterThan(5);
		expect(Math.max(...out.chunks.map((c) => c.length))).toBeLessThanOrEqual(8);
	});

	it('escapeslash: every / written as \\/, the same JSON, cut right after backslashes', async () => {
		const plain = await generate('slash test [emu:size=64KB]');
		const out = await raw('POST', nativePath(false), body('slash test'), { waitMs: 2000, headers: { 'x-emulator-scenario': 'escapeslash size=64KB' } });
		const t = text(out);
		expect(t).toContain('\\/');
		expect(t).not.toMatch(/[^\\]\//);
		expect(imageParts(JSON.parse(t))[0].inlineData.data).toBe(imageParts(plain.data)[0].inlineData.data);
		expect(out.chunks.slice(0, -1).some((c) => c[c.length - 1] === 0x5c)).toBe(true);
	});

	it('hugetext and images=N change the answer on both routes', async () => {
		const huge = await generate('x [emu:hugetext=200KB]');
		expect(partsOf(huge.data)[0].text).toHaveLength(200 * 1024);
		const many = await generate('x [emu:images=50]');
		expect(imageParts(many.data)).toHaveLength(50);
		expect(emu.requests[1].imagesSent).toHaveLength(50);
		const chatMany = await api.post('/v1/chat/completions', { model: IMAGE_MODEL, stream: false, messages: [{ role: 'user', content: 'x [emu:images=7]' }] });
		expect(chatMany.data.choices[0].message.content.match(/!\[image\]\(data:image\/png;base64,/g)).toHaveLength(7);
	});

	it('undecodable images and a "data" field with escaped quotes', async () => {
		expect(imageParts((await generate('[emu:bad-base64]')).data)[0].inlineData.data).toBe('this is not base64 at all!');
		expect(decode(imageParts((await generate('[emu:html-image]')).data)[0]).toString()).toMatch(/^<!DOCTYPE html>/);
		const quoted = await generate('[emu:quoted-data]');
		expect(quoted.data.metadata.data).toBe('say "hi" \\ and "bye"');
		expect(imageParts(quoted.data)).toHaveLength(1);
	});

	it('echokey: a 401 in plain text that repeats the key after N characters', async () => {
		const out = await generate('[emu:echokey=10]');
		expect(out.status).toBe(401);
		expect(out.data).toBe(`${'x'.repeat(10)}${KEY} is not a valid key for this gateway`);
	});

	it('serves image files of any size, slowly or stalling, and records how much went out', async () => {
		const png = await axios.get(`${emu.url}/files/a.png?size=300000`, { responseType: 'arraybuffer' });
		expect(png.data.length).toBe(300000);
		expect(Buffer.from(png.data).subarray(1, 4).toString()).toBe('PNG');
		expect(emu.files[0]).toMatchObject({ size: 300000, bytesSent: 300000, complete: true });
		const stalled = await raw('GET', '/files/b.png?size=10000000&stall=1', undefined, { waitMs: 300, key: null });
		expect(stalled.ended).toBe(false);
		expect(emu.files[1].bytesSent).toBeLessThan(70 * 1024);
		const big = await raw('GET', '/files/c.png?size=2000000000', undefined, { waitMs: 200, key: null });
		expect(big.headers['content-length']).toBe('2000000000');
		await new Promise((r) => setTimeout(r, 50));
		expect(emu.files[2].aborted).toBe(true);
		expect(emu.files[2].bytesSent).toBeLessThan(2000000000);
		expect(emu.requests).toHaveLength(0);
	});
});

// ------------------------------------------------------------------------------------------- issue 12
describe('as strict as the real gateway (issue 12)', () => {
	const send = (path, payload, headers = {}) =>
		api.post(path, typeof payload === 'string' ? payload : JSON.stringify(payload), {
			headers: Object.assign({ 'Content-Type': 'application/json' }, headers),
			transformRequest: [(d) => d],
			responseType: 'text',
			transformResponse: [(d) => d],
		});
	const native = (prompt, { model = IMAGE_MODEL, stream = false, headers } = {}) =>
		send(`/v1beta/models/${model}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`, body(prompt), headers);
	const chatCall = (prompt, { model = IMAGE_MODEL, stream = true, headers } = {}) =>
		send('/v1/chat/completions', { model, stream, messages: [{ role: 'user', content: prompt }] }, headers);
	const sseData = (text) =>
		text
			.split(/\r?\n\r?\n/)
			.filter((e) => e.startsWith('data: '))
			.map((e) => (e === 'data: [DONE]' ? '[DONE]' : JSON.parse(e.slice(6))));

	test('a body not declared as application/json is a 400 in the route envelope, whatever it holds', async () => {
		for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream', 'application/jsonp']) {
			const g = await native('x', { headers: { 'Content-Type': contentType } });
			expect(g.status).toBe(400);
			expect(JSON.parse(g.data).error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: `Invalid Content-Type "${contentType}": the request body must be sent as application/json.` });
			const c = await chatCall('x', { headers: { 'Content-Type': contentType } });
			expect(c.status).toBe(400);
			expect(JSON.parse(c.data).error).toMatchObject({ type: 'invalid_request_error', message: expect.stringMatching(/^Invalid Content-Type/) });
		}
		expect(emu.requests.length).toBe(8);
		expect(emu.requests.map((r) => [r.outcome, r.attempt])).toEqual(Array(8).fill(['invalid', null]));
		for (const contentType of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8']) {
			expect((await native('x', { headers: { 'Content-Type': contentType } })).status).toBe(200);
		}
		// a body-less GET needs none
		expect((await api.get('/v1/models')).status).toBe(200);
	});

	test('the models: listed image models and retired aliases answer; unknown names 503; models that make no images 400', async () => {
		for (const model of ['gemini-3.1-flash-image', 'gemini-nano-banana-2.1', 'gemini-2.5-flash-image', 'gemini-3-pro-image-preview']) {
			expect([model, (await native('x', { model })).status, (await chatCall('x', { model })).status]).toEqual([model, 200, 200]);
		}
		for (const model of ['gemini-4-ultra-image', 'gemini-3.1-flash-image-previewx', 'GEMINI-3.1-FLASH-IMAGE']) {
			const r = await native('x', { model });
			expect([model, r.status, JSON.parse(r.data).error.code]).toEqual([model, 503, 'model_not_found']);
			expect((await chatCall('x', { model })).status).toBe(503);
		}
		for (const model of ['gemini-2.5-pro', 'gpt-4o', 'gpt-image-1', 'imagen-4.0-generate-001', 'text-embedding-3-small']) {
			const g = await native('x', { model });
			expect([model, g.status]).toEqual([model, 400]);
			expect(JSON.parse(g.data).error).toMatchObject({ status: 'INVALID_ARGUMENT', message: `Model ${model} does not support the requested response modalities: image. Use a Gemini image model, e.g. gemini-3.1-flash-image.` });
			const c = await chatCall('x', { model });
			expect([model, c.status, JSON.parse(c.data).error.type]).toEqual([model, 400, 'invalid_request_error']);
		}
		expect(emu.requests.filter((r) => r.outcome === 'not-image-model')).toHaveLength(10);
		expect(emu.requests.filter((r) => r.outcome === 'not-image-model').every((r) => r.attempt === null)).toBe(true);
	});

	test("a body over the gateway's 32 MB gets 413; just under it is read", async () => {
		expect(emu.config.maxBodyBytes).toBe(32 * 1024 * 1024);
		const fill = (bytes) => ({ contents: [{ role: 'user', parts: [{ text: 'x' }, { text: 'y'.repeat(bytes) }] }] });
		const over = await send(`/v1beta/models/${IMAGE_MODEL}:generateContent`, fill(32 * 1024 * 1024));
		expect(over.status).toBe(413);
		expect(JSON.parse(over.data).error).toMatchObject({ code: 'request_body_too_large' });
		expect((await send(`/v1beta/models/${IMAGE_MODEL}:generateContent`, fill(31 * 1024 * 1024))).status).toBe(200);
		expect(emu.requests.map((r) => r.outcome)).toEqual(['too-large', 'answered']);
	});

	test('nostream: the chat route answers one chat.completion object although a stream was asked for', async () => {
		const r = await chatCall('[emu:nostream] a cat');
		expect(r.headers['content-type']).toMatch(/^application\/json/);
		const data = JSON.parse(r.data);
		expect(data).toMatchObject({ object: 'chat.completion', choices: [{ finish_reason: 'stop', message: { role: 'assistant' } }] });
		expect(data.choices[0].message.content).toMatch(/^Here is your image\.\n\n!\[image\]\(data:image\/png;base64,/);
		expect(emu.requests[0]).toMatchObject({ stream: true, streamed: false, outcome: 'answered' });
		expect(emu.requests[0].imagesSent).toHaveLength(1);
		expect((await chatCall('x')).headers['content-type']).toMatch(/^text\/event-stream/);
		expect(emu.requests[1].streamed).toBe(true);
	});

	test('cut=<n>: the stream ends cleanly between two events, before the last; the next attempt is whole', async () => {
		const first = sseData((await native('[emu:cut=1] p', { model: PRO_MODEL, stream: true })).data);
		// Gemini 3 models sign their parts (thoughtSignature beside the content)
		expect(first.map((e) => Object.keys(e.candidates[0].content.parts[0]).filter((k) => k !== 'thoughtSignature'))).toEqual([['text'], ['inlineData']]);
		expect(first.some((e) => e.candidates[0].finishReason)).toBe(false);
		const second = sseData((await native('[emu:cut=1] p', { model: PRO_MODEL, stream: true })).data);
		expect(second[second.length - 1].candidates[0].finishReason).toBe('STOP');
		const chatCut = sseData((await chatCall('[emu:cut=1] q')).data);
		expect(chatCut.map((e) => e.choices[0].finish_reason)).toEqual([null, null]);
		expect(chatCut).not.toContain('[DONE]');
		expect(emu.requests.map((r) => [r.outcome, r.attempt, r.imagesSent.length])).toEqual([
			['cut', 1, 0],
			['answered', 2, 1],
			['cut', 1, 0],
		]);
		// not streamed: the body cut in half
		const plain = await native('[emu:cut=1] r');
		expect(() => JSON.parse(plain.data)).toThrow();
	});

	test('streamerror=<status>x<n>: an error event inside the 200 stream, in each route\'s envelope; a plain error when not streamed', async () => {
		const nativeEvents = sseData((await native('[emu:streamerror=429x1] p', { model: PRO_MODEL, stream: true })).data);
		expect(nativeEvents).toHaveLength(2);
		expect(nativeEvents[1]).toEqual({ error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } });
		expect((await native('[emu:streamerror=429x1] p', { model: PRO_MODEL, stream: true })).data).not.toMatch(/"error"/);
		const chatEvents = sseData((await chatCall('[emu:streamerror=400x1] q')).data);
		expect(chatEvents[chatEvents.length - 1]).toEqual({ error: { message: 'Request contains an invalid argument.', type: 'comet_api_error', code: '400' } });
		expect(chatEvents).not.toContain('[DONE]');
		const plain = await native('[emu:streamerror=503x1] r');
		expect(plain.status).toBe(503);
		expect(JSON.parse(plain.data).error).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
		const chatPlain = await chatCall('[emu:nostream] [emu:streamerror=429x1] s');
		expect([chatPlain.status, JSON.parse(chatPlain.data).error.code]).toEqual([429, '429']);
		expect(emu.requests.map((r) => r.outcome)).toEqual(['streamerror-429', 'answered', 'streamerror-400', 'streamerror-503', 'streamerror-429']);
		for (const bad of ['streamerror=200', 'streamerror=abc', 'ping=0', 'ping=x']) expect((await native(`[emu:${bad}] x`)).status).toBe(400);
	});

	test('ping=<ms>: the keep-alive comments come that often while the model works', async () => {
		const r = await native('[emu:latency=600] [emu:ping=100] p', { model: PRO_MODEL, stream: true });
		const pings = r.data.split(': PING\r\n\r\n').length - 1;
		// the first PING, then one every 100 ms of the 600 (the last wait ends with the answer, not a PING)
		expect(pings).toBe(6);
	});
});
