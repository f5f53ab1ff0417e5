'use strict';
// Image bytes for the CometAPI emulator and the rest of the repository's dev code (tests, npm start's sandbox,
// the benchmark): the one PNG writer and the one image sniffer outside node code. Only node: built-ins.
//
// Every image is a cached image record { buffer, base64, sha256, bytes, mimeType, type, width, height }:
// - solidPng(w, h, rgb), sizedPng(targetBytes)   png.js: sizes and colours chosen at run time (the size of an
//   aspect ratio, the colour of a prompt, a 20 MB answer)
// - fixture('jpeg' | 'webp' | 'gif')             small.jpg (40x30), small.webp (24x16, lossless), small.gif
//   (16x12, GIF89a): fixed files for the other formats, which nothing needs at a chosen size (made once with Pillow)
// - inspect(buffer): { type, mimeType, width, height } from magic bytes and headers, null if unknown (inspect.js)
// - colourFor(text): the solid colour of a text, the first three bytes of sha256(text); record(): a record of
//   any bytes (record.js)

const fs = require('node:fs');
const path = require('node:path');

const { solidPng, sizedPng, PNG_SIGNATURE } = require('./png');
const { inspect } = require('./inspect');
const { cached, colourFor, clearCache, record } = require('./record');

const FIXTURES = { jpeg: 'small.jpg', webp: 'small.webp', gif: 'small.gif' };

function fixture(type) {
	if (!FIXTURES[type]) throw new RangeError(`no image fixture of type ${type}`);
	return cached(`fixture:${type}`, () => {
		const buffer = fs.readFileSync(path.join(__dirname, FIXTURES[type]));
		const { mimeType, width, height } = inspect(buffer);
		return record(buffer, mimeType, type, width, height);
	});
}

module.exports = { solidPng, sizedPng, fixture, inspect, colourFor, clearCache, record, PNG_SIGNATURE };
