'use strict';
// The PNG writer of the repository's dev code (tests, npm start's sandbox, the benchmark): real RGB PNGs.
//   solidPng(w, h, rgb):   one colour (filter Sub/Up rows, so the zlib stream is tiny and fast)
//   sizedPng(targetBytes): random (incompressible) pixels in stored deflate blocks, about targetBytes long

const zlib = require('node:zlib');
const crypto = require('node:crypto');
const { cached, record, colourKey, checkDims } = require('./record');

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type, data) {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'latin1');
	const tail = Buffer.alloc(4);
	tail.writeUInt32BE(zlib.crc32(data, zlib.crc32(head.subarray(4, 8))) >>> 0, 0);
	return [head, data, tail];
}

function ihdr(width, height) {
	const d = Buffer.alloc(13);
	d.writeUInt32BE(width, 0);
	d.writeUInt32BE(height, 4);
	d[8] = 8; // bit depth
	d[9] = 2; // colour type: truecolour RGB
	d[10] = 0; // compression
	d[11] = 0; // filter
	d[12] = 0; // interlace
	return d;
}

function assemblePng(width, height, idat) {
	return Buffer.concat([
		PNG_SIGNATURE,
		...pngChunk('IHDR', ihdr(width, height)),
		...pngChunk('IDAT', idat),
		...pngChunk('IEND', Buffer.alloc(0)),
	]);
}

// Solid colour RGB PNG. Row 0 uses filter Sub (first pixel = colour, rest zero deltas), the other rows use
// filter Up (all zero), so the raw stream is almost all zeros: deflates to a few KB even at 4096x4096.
function solidPng(width, height, rgb) {
	checkDims(width, height);
	return cached(`png:${width}x${height}:${colourKey(rgb)}`, () => {
		const stride = 1 + width * 3;
		const raw = Buffer.alloc(stride * height); // zero-filled: Up rows are all zeros after the filter byte
		raw[0] = 1; // Sub
		raw[1] = rgb[0] & 255;
		raw[2] = rgb[1] & 255;
		raw[3] = rgb[2] & 255;
		for (let r = 1; r < height; r++) raw[r * stride] = 2; // Up
		const idat = zlib.deflateSync(raw, { level: 9, memLevel: 9, strategy: zlib.constants.Z_RLE });
		const png = assemblePng(width, height, idat);
		return record(png, 'image/png', 'png', width, height);
	});
}

// Deterministic incompressible bytes: AES-128-CTR keystream (hardware accelerated, ~1 GB/s) seeded by `seed`.
function fillRandom(buf, seed) {
	const key = crypto.createHash('sha256').update(`emulator-noise:${seed}`).digest();
	const cipher = crypto.createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
	const chunk = 1024 * 1024;
	const zeros = Buffer.alloc(Math.min(chunk, buf.length));
	for (let off = 0; off < buf.length; off += chunk) {
		const n = Math.min(chunk, buf.length - off);
		cipher.update(zeros.subarray(0, n)).copy(buf, off);
	}
}

// A valid PNG of random pixels whose file size is close to targetBytes (within one row, a few KB at most).
// Stored (level 0) deflate blocks: 5 bytes of overhead per 65535 bytes of raw data.
function sizedPng(targetBytes) {
	const target = Math.max(100, Math.floor(targetBytes));
	return cached(`sized:${target}`, () => {
		const fixed = 8 + 25 + 12 + 12 + 6; // signature, IHDR, IEND, IDAT framing, zlib header+adler
		const width = target >= 4 * 1024 * 1024 ? 2048 : target >= 256 * 1024 ? 1024 : target >= 16 * 1024 ? 256 : 16;
		const stride = 1 + width * 3;
		const perRawByte = 1 + 5 / 65535;
		const height = Math.max(1, Math.min(16384, Math.round((target - fixed) / (stride * perRawByte))));
		const raw = Buffer.allocUnsafe(stride * height);
		fillRandom(raw, target);
		for (let r = 0; r < height; r++) raw[r * stride] = 0; // filter None
		const idat = zlib.deflateSync(raw, { level: 0 });
		const png = assemblePng(width, height, idat);
		return record(png, 'image/png', 'png', width, height);
	});
}

module.exports = { solidPng, sizedPng, PNG_SIGNATURE };
