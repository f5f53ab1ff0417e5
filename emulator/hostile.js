'use strict';
// Hostile gateway behaviours: answers that stall after their headers, drip, escape '/', carry huge
// text or thousands of images, undecodable images, keys echoed back, and image files of any size served
// slowly or not at all (routes/files.js). Helpers for the routes: answer rewriting and body writing.

const images = require('./images');
const { sleep, resetConnection } = require('./connection');

// Native and chat scenarios that only exist to be hostile.
const HOSTILE_SCENARIOS = ['bad-base64', 'html-image', 'quoted-data'];
// Faults (they take attempts, like reset/hang/truncate).
const HOSTILE_FAULTS = ['stall', 'stallerror', 'reseterror'];

const HTML_PAGE = Buffer.from('<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>');

// A JSON text with every '/' written as '\/' (valid JSON: some gateways do this).
function stringify(value, escapeSlash) {
	const text = JSON.stringify(value);
	return escapeSlash ? text.replace(/\//g, '\\/') : text;
}

// Text of `bytes` length for `hugetext=`.
function hugeText(bytes) {
	const unit = 'All work and no play makes a gateway dull. ';
	return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

// `count` small distinct PNGs for `images=`.
function manyImages(count, seedText) {
	const out = [];
	for (let i = 0; i < count; i++) {
		const img = images.solidPng(8, 8, images.colourFor(`${seedText}#${i}`));
		out.push(Object.assign({ role: 'final', thought: false }, img));
	}
	return out;
}

// The record of bytes that are no image the emulator made (html-image, bad-base64).
function imageRecord(buffer, mimeType) {
	return Object.assign(images.record(buffer, mimeType, null, null, null), { role: 'final', thought: false });
}

// The image parts of the hostile native scenarios: [parts, images, extra top-level fields].
function hostileNativeParts(name, okText) {
	if (name === 'bad-base64') {
		const part = { inlineData: { mimeType: 'image/png', data: 'this is not base64 at all!' } };
		return { parts: [{ text: okText }, part], imgs: [] };
	}
	if (name === 'html-image') {
		const img = imageRecord(HTML_PAGE, 'image/png');
		return { parts: [{ text: okText }, { inlineData: { mimeType: 'image/png', data: img.base64 } }], imgs: [img] };
	}
	return null; // quoted-data: an ok answer plus a field named "data" holding an escaped quote
}

// Rewrites a built native answer for `hugetext=` and `images=` (json answers with parts only).
function modifyNative(answer, d, prompt) {
	const cand = answer && answer.body && answer.body.candidates && answer.body.candidates[0];
	const parts = cand && cand.content && Array.isArray(cand.content.parts) ? cand.content.parts : null;
	if (!parts) return answer;
	if (d.imageCount !== undefined) {
		const imgs = manyImages(d.imageCount, prompt);
		cand.content.parts = [
			...parts.filter((p) => !p.inlineData),
			...imgs.map((img) => ({ inlineData: { mimeType: img.mimeType, data: img.base64 } })),
		];
		answer.images = imgs;
	}
	if (d.hugeTextBytes) cand.content.parts.unshift({ text: hugeText(d.hugeTextBytes) });
	return answer;
}

// Same for a chat answer ({ chunks: [{ delta, image }] }).
function modifyChat(answer, d, prompt) {
	if (!answer || answer.kind !== 'chat') return answer;
	if (d.imageCount !== undefined) {
		const imgs = manyImages(d.imageCount, prompt);
		const text = answer.chunks.filter((c) => !c.image);
		const content = imgs.map((img) => `![image](data:${img.mimeType};base64,${img.base64})`).join('\n\n');
		answer.chunks = [...text, { delta: { content }, image: true }];
		answer.images = imgs;
	}
	if (d.hugeTextBytes) answer.chunks.unshift({ delta: { content: `${hugeText(d.hugeTextBytes)}\n\n` }, image: false });
	return answer;
}

// echotext=<n>: a text-only answer whose text repeats the key the client sent, after n filler characters.
const echoed = (key, at) => `${'x'.repeat(at)}${key} was the key you sent`;
function echoTextNative(answer, key, at) {
	answer.body.candidates[0].content.parts[0].text = echoed(key, at);
	return answer;
}
function echoTextChat(answer, key, at) {
	answer.chunks[0].delta.content = echoed(key, at);
	return answer;
}

// Where to cut a body so that pieces end right after a backslash (escapeslash): the first few inside the
// image's base64 (after `"data":"` or `;base64,`), where a reader that does not carry an escape over a
// chunk boundary goes wrong.
function cutsAfterBackslashes(buf, max = 4) {
	const starts = [buf.indexOf('"data":"'), buf.indexOf(';base64,')].filter((i) => i !== -1);
	const cuts = [];
	if (!starts.length) return cuts;
	for (let i = buf.indexOf(0x5c, Math.min(...starts)); i !== -1 && cuts.length < max; i = buf.indexOf(0x5c, i + 256)) cuts.push(i + 1);
	return cuts;
}

/**
 * Writes `buf` as the body (headers already sent), the hostile way:
 *   opts.trickleMs: in pieces of opts.trickleBytes (default 8) with that pause between them
 *   opts.cuts: positions where to end one write and pause 25 ms before the next (separate reads)
 *   opts.stopAt: write up to there, then stop (opts.then: 'stall' keeps the socket open, 'reset' resets it)
 * Resolves true if it wrote everything (the caller then ends the response).
 */
async function writeBody(res, buf, opts, timers) {
	const end = opts.stopAt !== undefined ? Math.min(opts.stopAt, buf.length) : buf.length;
	const stops = new Set(opts.cuts || []);
	const piece = opts.trickleMs ? opts.trickleBytes || 8 : Infinity;
	let from = 0;
	while (from < end) {
		let to = Math.min(end, from + piece);
		for (const cut of stops) if (cut > from && cut < to) to = Math.min(to, cut);
		if (res.destroyed) return false;
		res.write(buf.subarray(from, to));
		from = to;
		if (from < end) {
			const pause = opts.trickleMs || (stops.has(from) ? 25 : 0);
			if (pause && !(await sleep(pause, res, timers))) return false;
		}
	}
	if (opts.stopAt === undefined) return true;
	if (opts.then === 'reset') {
		await sleep(20, res, timers);
		resetConnection(res);
	}
	return false; // stall: nothing more, the socket stays open until the client or close() ends it
}

module.exports = {
	HOSTILE_SCENARIOS,
	HOSTILE_FAULTS,
	HTML_PAGE,
	stringify,
	hostileNativeParts,
	modifyNative,
	modifyChat,
	echoTextNative,
	echoTextChat,
	cutsAfterBackslashes,
	writeBody,
	imageRecord,
};
