'use strict';
// Tests of the CometAPI emulator (emulator/), with axios as the client.
// Requests: directive parsing, models and auth, and the checks every request goes through (400, 404, 503).
const axios = require('axios');
const { startEmulator, parseDirectives, parseSpec, faultFor } = require('../../emulator/server');
const H = require('./helpers');

const { KEY, IMAGE_MODEL, body, generate, imageParts, decode, readPng } = H;

let emu, api; // set by H.useEmulator
H.useEmulator((e, a) => ([emu, api] = [e, a]));

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

describe('models and auth', () => {
	test('GET /v1/models lists models in OpenAI shape, not image-first', async () => {
		const r = await api.get('/v1/models');
		expect(r.status).toBe(200);
		expect(r.data.object).toBe('list');
		expect(r.data.data.length).toBeGreaterThanOrEqual(12);
		const ids = r.data.data.map((m) => m.id);
		for (const id of [
			'gemini-3.1-flash-image',
			'gemini-3-pro-image',
			'gemini-3.1-flash-lite-image',
			'gemini-nano-banana-2.1',
			'gpt-image-1',
			'gpt-4o',
			'gemini-2.5-pro',
			'claude-sonnet-4',
		]) {
			expect(ids).toContain(id);
		}
		// retired by CometAPI (2026-09-30) and Google (previews, 2026-06-25): no longer listed
		for (const id of [
			'gemini-2.5-flash-image',
			'gemini-2.5-flash-image-preview',
			'gemini-3-pro-image-preview',
			'gemini-3.1-flash-image-preview',
		]) {
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

describe('request checks (400, 404, 503)', () => {
	const post = (data, model = IMAGE_MODEL) =>
		api.post(`/v1beta/models/${model}:generateContent`, data, {
			headers: { 'Content-Type': 'application/json' },
			transformRequest: [(d) => d],
		});

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
		expect400(
			await post(JSON.stringify(body('x', null, [{ inlineData: { mimeType: 'image/gif', data: 'R0lGODlh' } }]))),
			/Unsupported MIME type: image\/gif/,
		);
		expect400(await post(JSON.stringify(body('x', { imageConfig: { imageSize: '1k' } }))), /image_size/);
		expect400(await post(JSON.stringify(body('x', { imageConfig: { imageSize: '3K' } }))), /image_size/);
		expect400(await post(JSON.stringify(body('x', { imageConfig: { aspectRatio: '7:3' } }))), /aspect_ratio/);
		for (const size of ['512', '1K', '2K', '4K']) {
			expect((await post(JSON.stringify(body('x', { imageConfig: { imageSize: size, aspectRatio: '1:1' } })))).status).toBe(200);
		}
		// snake_case request keys are accepted (and recorded)
		const snake = await post(
			JSON.stringify({ contents: [{ parts: [{ text: 'x' }] }], generation_config: { image_config: { aspect_ratio: '16:9' } } }),
		);
		expect(snake.status).toBe(200);
		expect(readPng(decode(imageParts(snake.data)[0])).width).toBe(1344);
		expect(emu.requests[emu.requests.length - 1].snakeCaseKeys).toEqual([
			'generation_config',
			'generation_config.image_config',
			'generation_config.image_config.aspect_ratio',
		]);
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
			const call = (model) =>
				axios.post(`${strict.url}/v1beta/models/${model}:generateContent`, body('x'), {
					headers: { Authorization: `Bearer ${KEY}` },
					validateStatus: () => true,
				});
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
