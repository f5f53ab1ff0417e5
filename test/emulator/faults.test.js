'use strict';
// Tests of the CometAPI emulator (emulator/), with axios as the client.
// Fault injection (fail=, reset, hang, truncate, latency, maxInFlight) and drip= on the streamed routes.
const http = require('node:http');
const axios = require('axios');
const { parseDirectives } = require('../../emulator/server');
const { startEmulator } = require('../../emulator/server');
const H = require('./helpers');

const { KEY, IMAGE_MODEL, body, generate } = H;

let emu, api; // set by H.useEmulator
H.useEmulator((e, a) => ([emu, api] = [e, a]));

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

describe('drip=<ms> on the streaming routes', () => {
	// Raw reads with arrival times (ms since the request).
	const timedPost = (urlPath, payload) =>
		new Promise((resolve, reject) => {
			const t0 = Date.now();
			const data = Buffer.from(JSON.stringify(payload));
			const req = http.request(
				`${emu.url}${urlPath}`,
				{ method: 'POST', headers: { Authorization: KEY, 'Content-Type': 'application/json', 'Content-Length': data.length } },
				(res) => {
					const reads = [];
					res.setEncoding('utf8');
					res.on('data', (d) => reads.push({ at: Date.now() - t0, text: d }));
					res.on('end', () => resolve({ status: res.statusCode, reads, text: reads.map((x) => x.text).join('') }));
				},
			);
			req.on('error', reject);
			req.end(data);
		});
	const firstAt = (reads, needle) => reads.find((x) => x.text.includes(needle)).at;

	test('chat: events arrive drip ms apart', async () => {
		const r = await timedPost('/v1/chat/completions', {
			model: IMAGE_MODEL,
			stream: true,
			messages: [{ role: 'user', content: '[emu:drip=150] d' }],
		});
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
