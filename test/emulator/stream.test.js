'use strict';
// Tests of the CometAPI emulator (emulator/), with axios as the client.
// The native streamed route (streamGenerateContent): SSE events, in-stream errors, faults.
const { verify: verifySignature } = require('../../emulator/conversation');
const H = require('./helpers');

const { PRO_MODEL, body, generate, imageParts, readPng } = H;

let emu, api; // set by H.useEmulator
H.useEmulator((e, a) => ([emu, api] = [e, a]));

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
