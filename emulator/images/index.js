'use strict';
// Image bytes for the CometAPI emulator and the rest of the repository's dev code (tests, npm start's sandbox,
// the benchmark): the one PNG writer and the one image sniffer outside node code. Only node: built-ins.
//
// Every generator returns a cached image record { buffer, base64, sha256, bytes, mimeType, type, width, height }:
// - solidPng(w, h, rgb), sizedPng(targetBytes)   png.js
// - solidJpeg(w, h, rgb)                         jpeg.js
// - solidWebp(w, h, rgb)                         webp.js
// - solidGif(w, h, rgb)                          gif.js
// - inspect(buffer): { type, mimeType, width, height } from magic bytes and headers, null if unknown (inspect.js)
// - colourFor(text): the solid colour of a text, the first three bytes of sha256(text); record(): a record of
//   any bytes (record.js)

const { solidPng, sizedPng, PNG_SIGNATURE } = require('./png');
const { solidJpeg } = require('./jpeg');
const { solidWebp } = require('./webp');
const { solidGif } = require('./gif');
const { inspect } = require('./inspect');
const { colourFor, clearCache, record } = require('./record');

module.exports = { solidPng, sizedPng, solidJpeg, solidWebp, solidGif, inspect, colourFor, clearCache, record, PNG_SIGNATURE };
