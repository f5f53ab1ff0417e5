'use strict';
// Hostile gateway behaviours (issue 9): answers that stall after their headers, drip, escape '/', carry huge
// text or thousands of images, undecodable images, keys echoed back, and image files of any size served
// slowly or not at all. Pure helpers for server.js: answer rewriting and body writing.

const crypto = require('node:crypto');
const images = require('./images');

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

function imageRecord(buffer, mimeType) {
	return {
		buffer,
		base64: buffer.toString('base64'),
		sha256: crypto.createHash('sha256').update(buffer).digest('hex'),
		bytes: buffer.length,
		mimeType,
		type: null,
		width: null,
		height: null,
		role: 'final',
		thought: false,
	};
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
		cand.content.parts = [...parts.filter((p) => !p.inlineData), ...imgs.map((img) => ({ inlineData: { mimeType: img.mimeType, data: img.base64 } }))];
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

function sleep(ms, res, timers) {
	return new Promise((resolve) => {
		if (res.destroyed) return resolve(false);
		const t = setTimeout(() => {
			timers.delete(t);
			res.off('close', onClose);
			resolve(!res.destroyed);
		}, ms);
		timers.add(t);
		const onClose = () => {
			clearTimeout(t);
			timers.delete(t);
			resolve(false);
		};
		res.once('close', onClose);
	});
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
		const sock = res.socket;
		if (sock) {
			if (typeof sock.resetAndDestroy === 'function') sock.resetAndDestroy();
			else sock.destroy();
		}
	}
	return false; // stall: nothing more, the socket stays open until the client or close() ends it
}

// GET /files/<name>?size=<bytes>&stall=1&trickle=<ms>&nolength=1&type=png|html: an "image URL" of any size,
// streamed without holding it (a PNG header, then filler), optionally slow or stalling.
async function serveFile(req, res, url, emu) {
	const size = Math.max(0, Number(url.searchParams.get('size')) || 1024);
	const html = url.searchParams.get('type') === 'html';
	const stall = url.searchParams.get('stall') === '1';
	const trickleMs = Number(url.searchParams.get('trickle')) || 0;
	const entry = { path: url.pathname + url.search, size, bytesSent: 0, complete: false, aborted: false, headers: Object.assign({}, req.headers) };
	emu.files.push(entry);
	res.once('close', () => {
		entry.aborted = !entry.complete;
	});
	const head = html ? HTML_PAGE : images.solidPng(16, 16, [200, 10, 10]).buffer;
	const headers = { 'Content-Type': html ? 'text/html' : 'image/png' };
	if (url.searchParams.get('nolength') !== '1') headers['Content-Length'] = String(size);
	res.writeHead(200, headers);
	const block = Buffer.alloc(64 * 1024, 0x41);
	while (entry.bytesSent < size) {
		if (res.destroyed) return;
		let chunk = entry.bytesSent < head.length ? head.subarray(entry.bytesSent) : block;
		chunk = chunk.subarray(0, Math.min(chunk.length, size - entry.bytesSent, trickleMs ? 1024 : chunk.length));
		const ok = res.write(chunk);
		entry.bytesSent += chunk.length;
		if (stall && entry.bytesSent >= 64 * 1024) return; // headers and a first piece, then silence
		if (trickleMs) {
			if (!(await sleep(trickleMs, res, emu._timers))) return;
		} else if (!ok) {
			await new Promise((resolve) => {
				res.once('drain', resolve);
				res.once('close', resolve);
			});
		}
	}
	entry.complete = true;
	res.end();
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
	serveFile,
	imageRecord,
};
