'use strict';
// Image byte generators for the CometAPI emulator. Only node: built-ins.
//
// Every generator returns a cached "image record":
//   { buffer, base64, sha256, bytes, mimeType, type, width, height }
// so repeated answers cost nothing after the first generation.
//
// - solidPng(w, h, rgb):    a real PNG of one colour (filter Sub/Up rows, so the zlib stream is tiny and fast)
// - sizedPng(targetBytes):  a real PNG of random (incompressible) pixels, stored deflate blocks, about targetBytes long
// - solidJpeg(w, h, rgb):   a real baseline JPEG (SOF0, 4:4:4, one DC value per block, AC all zero)
// - solidWebp(w, h, rgb):   a real lossless WEBP (VP8L with single-symbol prefix codes: zero bits per pixel)
// - solidGif(w, h, rgb):    a real GIF89a (LZW-compressed, one colour)
// - inspect(buffer):        { type, mimeType, width, height } from magic bytes and headers (null if unknown)
// - colourFor(text):        the solid colour derived from a text: first three bytes of sha256(text)

const zlib = require('node:zlib');
const crypto = require('node:crypto');

// LRU cache bounded by entry count and by total bytes (so 20 MB+ images do not pile up).
const MAX_CACHE_ENTRIES = 256;
const MAX_CACHE_BYTES = 256 * 1024 * 1024;
const cache = new Map();
let cacheBytes = 0;

function cached(key, make) {
	let hit = cache.get(key);
	if (hit) {
		cache.delete(key); // refresh LRU position
		cache.set(key, hit);
		return hit;
	}
	hit = make();
	cache.set(key, hit);
	cacheBytes += hit.bytes * 2.4; // buffer + base64 string
	while (cache.size > 1 && (cache.size > MAX_CACHE_ENTRIES || cacheBytes > MAX_CACHE_BYTES)) {
		const oldest = cache.keys().next().value;
		cacheBytes -= cache.get(oldest).bytes * 2.4;
		cache.delete(oldest);
	}
	return hit;
}

function clearCache() {
	cache.clear();
	cacheBytes = 0;
}

function record(buffer, mimeType, type, width, height) {
	return {
		buffer,
		base64: buffer.toString('base64'),
		sha256: crypto.createHash('sha256').update(buffer).digest('hex'),
		bytes: buffer.length,
		mimeType,
		type,
		width,
		height,
	};
}

function colourFor(text) {
	const h = crypto.createHash('sha256').update(String(text), 'utf8').digest();
	return [h[0], h[1], h[2]];
}

function colourKey(rgb) {
	return rgb.map((c) => c & 255).join(',');
}

// ---------------------------------------------------------------------------------------------- CRC32
let crcTable = null;
function crc32js(buf, crc = 0) {
	if (!crcTable) {
		crcTable = new Int32Array(256);
		for (let n = 0; n < 256; n++) {
			let c = n;
			for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
			crcTable[n] = c;
		}
	}
	let c = ~crc;
	for (let i = 0; i < buf.length; i++) c = crcTable[(c ^ buf[i]) & 255] ^ (c >>> 8);
	return ~c >>> 0;
}
// zlib.crc32 exists from Node 20.15 / 22.2; fall back to the table version otherwise.
const crc32 = typeof zlib.crc32 === 'function' ? (buf, crc = 0) => zlib.crc32(buf, crc) >>> 0 : crc32js;

// ---------------------------------------------------------------------------------------------- PNG
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type, data) {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'latin1');
	const tail = Buffer.alloc(4);
	let c = crc32(head.subarray(4, 8));
	c = crc32(data, c);
	tail.writeUInt32BE(c >>> 0, 0);
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

function checkDims(width, height) {
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 16384 || height > 16384) {
		throw new RangeError(`bad image dimensions ${width}x${height}`);
	}
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

// ---------------------------------------------------------------------------------------------- JPEG
// Baseline JPEG, 3 components 4:4:4, quantisation 8 everywhere, DC coefficient = sample - 128 exactly,
// every AC coefficient zero. DC Huffman table: the standard luminance DC table (Annex K.3); AC table: one
// symbol (EOB) with a 1-bit code.
const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_VALS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const AC_BITS = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const AC_VALS = [0];

function huffCodes(bits, vals) {
	const codes = {};
	let code = 0;
	let k = 0;
	for (let len = 1; len <= 16; len++) {
		for (let i = 0; i < bits[len - 1]; i++) {
			codes[vals[k++]] = { code, len };
			code++;
		}
		code <<= 1;
	}
	return codes;
}

function segment(marker, payload) {
	const head = Buffer.from([0xff, marker, 0, 0]);
	head.writeUInt16BE(payload.length + 2, 2);
	return Buffer.concat([head, payload]);
}

function solidJpeg(width, height, rgb) {
	checkDims(width, height);
	return cached(`jpeg:${width}x${height}:${colourKey(rgb)}`, () => {
		const [R, G, B] = rgb.map((c) => c & 255);
		const clamp = (v) => Math.max(0, Math.min(255, Math.round(v)));
		const Y = clamp(0.299 * R + 0.587 * G + 0.114 * B);
		const Cb = clamp(-0.168736 * R - 0.331264 * G + 0.5 * B + 128);
		const Cr = clamp(0.5 * R - 0.418688 * G - 0.081312 * B + 128);
		const dc = huffCodes(DC_BITS, DC_VALS);
		const ac = huffCodes(AC_BITS, AC_VALS);

		const mcus = Math.ceil(width / 8) * Math.ceil(height / 8);
		// worst case: first MCU ~ 3 * (9 + 11 + 1) bits, then 9 bits per MCU; doubled for 0xFF stuffing
		const out = Buffer.alloc(Math.ceil((mcus * 9 + 96) / 8) * 2 + 16);
		let o = 0;
		let acc = 0;
		let nbits = 0;
		const put = (code, len) => {
			acc = ((acc << len) | code) >>> 0;
			nbits += len;
			while (nbits >= 8) {
				nbits -= 8;
				const byte = (acc >>> nbits) & 255;
				out[o++] = byte;
				if (byte === 0xff) out[o++] = 0x00;
			}
			acc &= (1 << nbits) - 1;
		};
		const putDc = (diff) => {
			const mag = Math.abs(diff);
			let cat = 0;
			while (mag >> cat) cat++;
			put(dc[cat].code, dc[cat].len);
			if (cat > 0) put(diff > 0 ? diff : diff + (1 << cat) - 1, cat);
		};
		const first = [Y - 128, Cb - 128, Cr - 128];
		for (let m = 0; m < mcus; m++) {
			for (let c = 0; c < 3; c++) {
				putDc(m === 0 ? first[c] : 0);
				put(ac[0].code, ac[0].len); // EOB
			}
		}
		if (nbits > 0) put((1 << (8 - nbits)) - 1, 8 - nbits); // pad with ones

		const app0 = Buffer.from([0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
		const dqt = Buffer.alloc(65, 8);
		dqt[0] = 0x00;
		const sof = Buffer.from([8, 0, 0, 0, 0, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]);
		sof.writeUInt16BE(height, 1);
		sof.writeUInt16BE(width, 3);
		const dht = Buffer.from([0x00, ...DC_BITS, ...DC_VALS, 0x10, ...AC_BITS, ...AC_VALS]);
		const sos = Buffer.from([3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0]);
		const jpeg = Buffer.concat([
			Buffer.from([0xff, 0xd8]),
			segment(0xe0, app0),
			segment(0xdb, dqt),
			segment(0xc0, sof),
			segment(0xc4, dht),
			segment(0xda, sos),
			out.subarray(0, o),
			Buffer.from([0xff, 0xd9]),
		]);
		return record(jpeg, 'image/jpeg', 'jpeg', width, height);
	});
}

// ---------------------------------------------------------------------------------------------- WEBP
// Lossless VP8L: no transforms, no colour cache, no meta prefix codes, five "simple" prefix codes with one
// symbol each (green, red, blue, alpha, distance), so every pixel costs zero bits.
function solidWebp(width, height, rgb) {
	checkDims(width, height);
	return cached(`webp:${width}x${height}:${colourKey(rgb)}`, () => {
		const bytes = [];
		let acc = 0;
		let nbits = 0;
		const put = (value, n) => {
			for (let i = 0; i < n; i++) {
				acc |= ((value >>> i) & 1) << nbits;
				nbits++;
				if (nbits === 8) {
					bytes.push(acc);
					acc = 0;
					nbits = 0;
				}
			}
		};
		put(0x2f, 8); // signature
		put(width - 1, 14);
		put(height - 1, 14);
		put(0, 1); // alpha_is_used
		put(0, 3); // version
		put(0, 1); // no transform
		put(0, 1); // no colour cache
		put(0, 1); // no meta prefix codes
		const simple = (symbol) => {
			put(1, 1); // simple code
			put(0, 1); // one symbol
			if (symbol < 2) {
				put(0, 1); // is_first_8bits = 0
				put(symbol, 1);
			} else {
				put(1, 1);
				put(symbol, 8);
			}
		};
		simple(rgb[1] & 255); // green
		simple(rgb[0] & 255); // red
		simple(rgb[2] & 255); // blue
		simple(255); // alpha
		simple(0); // distance
		if (nbits > 0) bytes.push(acc);
		const vp8l = Buffer.from(bytes);
		const pad = vp8l.length % 2;
		const chunkHead = Buffer.alloc(8);
		chunkHead.write('VP8L', 0, 'latin1');
		chunkHead.writeUInt32LE(vp8l.length, 4);
		const riff = Buffer.alloc(12);
		riff.write('RIFF', 0, 'latin1');
		riff.writeUInt32LE(4 + 8 + vp8l.length + pad, 4);
		riff.write('WEBP', 8, 'latin1');
		const webp = Buffer.concat([riff, chunkHead, vp8l, Buffer.alloc(pad)]);
		return record(webp, 'image/webp', 'webp', width, height);
	});
}

// ---------------------------------------------------------------------------------------------- GIF
// GIF89a, 4-entry global colour table, every pixel index 0, LZW as in omggif's encoder.
function solidGif(width, height, rgb) {
	checkDims(width, height);
	return cached(`gif:${width}x${height}:${colourKey(rgb)}`, () => {
		const minCodeSize = 2;
		const clearCode = 1 << minCodeSize;
		const eoiCode = clearCode + 1;
		const data = [];
		let cur = 0;
		let shift = 0;
		let codeSize = minCodeSize + 1;
		let nextCode = eoiCode + 1;
		const emit = (code) => {
			cur |= code << shift;
			shift += codeSize;
			while (shift >= 8) {
				data.push(cur & 255);
				cur >>>= 8;
				shift -= 8;
			}
		};
		// All pixels are index 0, so a dictionary entry is fully described by its prefix code.
		let table = new Int32Array(4096).fill(-1); // code of (prefix + pixel 0), by prefix
		emit(clearCode);
		let prefix = 0;
		const total = width * height;
		for (let i = 1; i < total; i++) {
			const hit = table[prefix];
			if (hit !== -1) {
				prefix = hit;
				continue;
			}
			emit(prefix);
			if (nextCode === 4096) {
				emit(clearCode);
				nextCode = eoiCode + 1;
				codeSize = minCodeSize + 1;
				table.fill(-1);
			} else {
				if (nextCode >= 1 << codeSize) codeSize++;
				table[prefix] = nextCode++;
			}
			prefix = 0;
		}
		emit(prefix);
		emit(eoiCode);
		if (shift > 0) data.push(cur & 255);

		const blocks = [];
		for (let i = 0; i < data.length; i += 255) {
			const part = data.slice(i, i + 255);
			blocks.push(part.length, ...part);
		}
		const head = Buffer.alloc(13);
		head.write('GIF89a', 0, 'latin1');
		head.writeUInt16LE(width, 6);
		head.writeUInt16LE(height, 8);
		head[10] = 0x91; // global colour table, colour resolution 2 bits, table size 4
		head[11] = 0;
		head[12] = 0;
		const gct = Buffer.from([rgb[0] & 255, rgb[1] & 255, rgb[2] & 255, 0, 0, 0, 0, 0, 0, 255, 255, 255]);
		const desc = Buffer.alloc(10);
		desc[0] = 0x2c;
		desc.writeUInt16LE(width, 5);
		desc.writeUInt16LE(height, 7);
		desc[9] = 0;
		const gif = Buffer.concat([head, gct, desc, Buffer.from([minCodeSize, ...blocks, 0x00]), Buffer.from([0x3b])]);
		return record(gif, 'image/gif', 'gif', width, height);
	});
}

// ---------------------------------------------------------------------------------------------- inspect
// Detects the real type from magic bytes and reads the pixel size from the header. Returns null when the
// bytes are not a PNG, JPEG, WEBP, GIF, HEIC/HEIF (size not read for HEIC) image.
function inspect(buf) {
	if (!buf || buf.length < 12) return null;
	if (buf.subarray(0, 8).equals(PNG_SIGNATURE)) {
		const ok = buf.length >= 24 && buf.toString('latin1', 12, 16) === 'IHDR';
		return { type: 'png', mimeType: 'image/png', width: ok ? buf.readUInt32BE(16) : null, height: ok ? buf.readUInt32BE(20) : null };
	}
	if (buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) {
		let width = null;
		let height = null;
		let p = 2;
		while (p + 4 <= buf.length) {
			if (buf[p] !== 0xff) {
				p++;
				continue;
			}
			const marker = buf[p + 1];
			if (marker === 0xff) {
				p++;
				continue;
			}
			if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
				p += 2;
				continue;
			}
			if (marker === 0xd9 || marker === 0xda) break;
			const len = buf.readUInt16BE(p + 2);
			const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
			if (isSof && p + 9 <= buf.length) {
				height = buf.readUInt16BE(p + 5);
				width = buf.readUInt16BE(p + 7);
				break;
			}
			p += 2 + len;
		}
		return { type: 'jpeg', mimeType: 'image/jpeg', width, height };
	}
	if (buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') {
		const fourcc = buf.toString('latin1', 12, 16);
		let width = null;
		let height = null;
		if (fourcc === 'VP8L' && buf.length >= 25) {
			const b = buf.readUInt32LE(21);
			width = (b & 0x3fff) + 1;
			height = ((b >>> 14) & 0x3fff) + 1;
		} else if (fourcc === 'VP8 ' && buf.length >= 30) {
			width = buf.readUInt16LE(26) & 0x3fff;
			height = buf.readUInt16LE(28) & 0x3fff;
		} else if (fourcc === 'VP8X' && buf.length >= 30) {
			width = 1 + buf.readUIntLE(24, 3);
			height = 1 + buf.readUIntLE(27, 3);
		}
		return { type: 'webp', mimeType: 'image/webp', width, height };
	}
	if (buf.toString('latin1', 0, 4) === 'GIF8') {
		return { type: 'gif', mimeType: 'image/gif', width: buf.readUInt16LE(6), height: buf.readUInt16LE(8) };
	}
	if (buf.toString('latin1', 4, 8) === 'ftyp') {
		const brand = buf.toString('latin1', 8, 12);
		if (/^(heic|heix|hevc|hevx|heim|heis|mif1|msf1)$/.test(brand)) {
			return { type: brand === 'mif1' || brand === 'msf1' ? 'heif' : 'heic', mimeType: brand === 'mif1' || brand === 'msf1' ? 'image/heif' : 'image/heic', width: null, height: null };
		}
	}
	return null;
}

module.exports = {
	solidPng,
	sizedPng,
	solidJpeg,
	solidWebp,
	solidGif,
	inspect,
	colourFor,
	crc32,
	clearCache,
	PNG_SIGNATURE,
};
