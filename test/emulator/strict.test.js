'use strict';
// Tests of the CometAPI emulator (emulator/), with axios as the client.
// As strict as the real gateway: Content-Type, model names, body size, nostream, cut=, streamerror=, ping=.
const path = require('node:path');
const H = require('./helpers');

const { IMAGE_MODEL, PRO_MODEL, body, generate } = H;

let emu, api; // set by H.useEmulator
H.useEmulator((e, a) => ([emu, api] = [e, a]));

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
			expect(JSON.parse(g.data).error).toMatchObject({
				code: 400,
				status: 'INVALID_ARGUMENT',
				message: `Invalid Content-Type "${contentType}": the request body must be sent as application/json.`,
			});
			const c = await chatCall('x', { headers: { 'Content-Type': contentType } });
			expect(c.status).toBe(400);
			expect(JSON.parse(c.data).error).toMatchObject({
				type: 'invalid_request_error',
				message: expect.stringMatching(/^Invalid Content-Type/),
			});
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
			expect(JSON.parse(g.data).error).toMatchObject({
				status: 'INVALID_ARGUMENT',
				message: `Model ${model} does not support the requested response modalities: image. Use a Gemini image model, e.g. gemini-3.1-flash-image.`,
			});
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
		expect(first.map((e) => Object.keys(e.candidates[0].content.parts[0]).filter((k) => k !== 'thoughtSignature'))).toEqual([
			['text'],
			['inlineData'],
		]);
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

	test("streamerror=<status>x<n>: an error event inside the 200 stream, in each route's envelope; a plain error when not streamed", async () => {
		const nativeEvents = sseData((await native('[emu:streamerror=429x1] p', { model: PRO_MODEL, stream: true })).data);
		expect(nativeEvents).toHaveLength(2);
		expect(nativeEvents[1]).toEqual({
			error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' },
		});
		expect((await native('[emu:streamerror=429x1] p', { model: PRO_MODEL, stream: true })).data).not.toMatch(/"error"/);
		const chatEvents = sseData((await chatCall('[emu:streamerror=400x1] q')).data);
		expect(chatEvents[chatEvents.length - 1]).toEqual({
			error: { message: 'Request contains an invalid argument.', type: 'comet_api_error', code: '400' },
		});
		expect(chatEvents).not.toContain('[DONE]');
		const plain = await native('[emu:streamerror=503x1] r');
		expect(plain.status).toBe(503);
		expect(JSON.parse(plain.data).error).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
		const chatPlain = await chatCall('[emu:nostream] [emu:streamerror=429x1] s');
		expect([chatPlain.status, JSON.parse(chatPlain.data).error.code]).toEqual([429, '429']);
		expect(emu.requests.map((r) => r.outcome)).toEqual([
			'streamerror-429',
			'answered',
			'streamerror-400',
			'streamerror-503',
			'streamerror-429',
		]);
		for (const bad of ['streamerror=200', 'streamerror=abc', 'ping=0', 'ping=x']) expect((await native(`[emu:${bad}] x`)).status).toBe(400);
	});

	test('ping=<ms>: the keep-alive comments come that often while the model works', async () => {
		const r = await native('[emu:latency=600] [emu:ping=100] p', { model: PRO_MODEL, stream: true });
		const pings = r.data.split(': PING\r\n\r\n').length - 1;
		// the first PING, then one every 100 ms of the 600 (the last wait ends with the answer, not a PING)
		expect(pings).toBe(6);
	});
});
