'use strict';
// GET /files/<name>: image URLs for the node to download (hostile behaviours: of any size, slow, stalling).

const images = require('../images');
const { HTML_PAGE } = require('../hostile');
const { sleep } = require('../connection');

// GET /files/<name>?size=<bytes>&stall=1&trickle=<ms>&nolength=1&type=png|html: an "image URL" of any size,
// streamed without holding it (a PNG header, then filler), optionally slow or stalling.
async function serveFile(req, res, url, emu) {
	const size = Math.max(0, Number(url.searchParams.get('size')) || 1024);
	const html = url.searchParams.get('type') === 'html';
	const stall = url.searchParams.get('stall') === '1';
	const trickleMs = Number(url.searchParams.get('trickle')) || 0;
	const entry = {
		path: url.pathname + url.search,
		size,
		bytesSent: 0,
		complete: false,
		aborted: false,
		headers: Object.assign({}, req.headers),
	};
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
			if (!(await sleep(trickleMs, res, emu.timers))) return;
		} else if (!ok) {
			await new Promise((resolve) => {
				const done = () => {
					res.off('drain', done);
					res.off('close', done);
					resolve();
				};
				res.once('drain', done);
				res.once('close', done);
			});
		}
	}
	entry.complete = true;
	res.end();
}

module.exports = { serveFile };
