'use strict';
// What the emulator's own tests share: one emulator per test file (reset before each test), an axios client
// with the key, request bodies, and small readers of the answers. The PNG reader here is independent of the
// emulator's images/ on purpose: it checks their bytes.
const crypto = require('node:crypto');
const zlib = require('node:zlib');
const axios = require('axios');
const { startEmulator } = require('../../emulator/server');

const KEY = 'sk-emulator-test';
const IMAGE_MODEL = 'gemini-2.5-flash-image';
const PRO_MODEL = 'gemini-3-pro-image-preview';
const current = { emu: null, api: null };

/** Starts an emulator for the test file; `onStart(emu, api)` gets it and an axios client that sends the key. */
function useEmulator(onStart) {
	beforeAll(async () => {
		current.emu = await startEmulator({ port: 0, host: '127.0.0.1', apiKey: KEY, latencyMs: 0, maxInFlight: Infinity });
		current.api = axios.create({
			baseURL: current.emu.url,
			headers: { Authorization: `Bearer ${KEY}` },
			validateStatus: () => true,
			maxBodyLength: Infinity,
			maxContentLength: Infinity,
			maxRedirects: 0,
		});
		onStart(current.emu, current.api);
	});
	afterAll(async () => {
		await current.emu.close();
	});
	beforeEach(() => {
		current.emu.reset();
		current.emu.setConfig({ defaultScenario: 'ok', latencyMs: 0, maxInFlight: null });
	});
}

function body(prompt, generationConfig, extraParts = []) {
	const b = { contents: [{ role: 'user', parts: [{ text: prompt }, ...extraParts] }] };
	if (generationConfig) b.generationConfig = generationConfig;
	return b;
}

function generate(prompt, { model = IMAGE_MODEL, gen, parts, headers, config } = {}) {
	return current.api.post(`/v1beta/models/${model}:generateContent`, body(prompt, gen, parts), Object.assign({ headers }, config));
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
		expect(zlib.crc32(buf.subarray(p + 4, p + 8 + len)) >>> 0).toBe(buf.readUInt32BE(p + 8 + len));
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

module.exports = { KEY, IMAGE_MODEL, PRO_MODEL, useEmulator, body, generate, partsOf, imageParts, decode, sha, readPng, jpegDims };
