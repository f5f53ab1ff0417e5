'use strict';
// Tests of the CometAPI emulator (emulator/), with axios as the client.
// The control API (/__emulator/...) and the standalone process (cli.js).
const path = require('node:path');
const { spawn } = require('node:child_process');
const http = require('node:http');
const axios = require('axios');
const H = require('./helpers');

const { IMAGE_MODEL, body, generate } = H;

let emu; // set by H.useEmulator
H.useEmulator((e) => (emu = e));

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

describe('CLI', () => {
	test('starts on port 0, prints the URL, serves, exits on SIGTERM', async () => {
		const child = spawn(
			process.execPath,
			[path.join(__dirname, '..', '..', 'emulator', 'cli.js'), '--port', '0', '--key', 'sk-cli', '--scenario', 'text-only'],
			{
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
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
		const r = await axios.post(`${url}/v1beta/models/${IMAGE_MODEL}:generateContent`, body('cli'), {
			headers: { Authorization: 'sk-cli' },
		});
		expect(r.data.candidates[0].content.parts[0].text).toMatch(/^I can't draw that/);
		const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
		child.kill('SIGTERM');
		expect(await exited).toEqual({ code: 0, signal: null });
		expect(stderr).toMatch(/^POST \/v1beta\/models\/gemini-2\.5-flash-image:generateContent text-only 200 \d+ms$/m);
	});
});
