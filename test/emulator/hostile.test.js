'use strict';
// Tests of the CometAPI emulator (emulator/), with axios as the client.
// Hostile gateway behaviours: stalls, trickles, escaped slashes, huge answers, echoed keys, image files.
const path = require('node:path');
const http = require('node:http');
const axios = require('axios');
const H = require('./helpers');

const { KEY, IMAGE_MODEL, body, generate, partsOf, imageParts, decode } = H;

let emu, api; // set by H.useEmulator
H.useEmulator((e, a) => ([emu, api] = [e, a]));

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
		const chatOut = await raw(
			'POST',
			'/v1/chat/completions',
			{ model: IMAGE_MODEL, stream: true, messages: [{ role: 'user', content: 'y [emu:stall=1]' }] },
			{ waitMs: 500 },
		);
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
		const out = await raw('POST', nativePath(false), body('slash test'), {
			waitMs: 2000,
			headers: { 'x-emulator-scenario': 'escapeslash size=64KB' },
		});
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
		const chatMany = await api.post('/v1/chat/completions', {
			model: IMAGE_MODEL,
			stream: false,
			messages: [{ role: 'user', content: 'x [emu:images=7]' }],
		});
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
