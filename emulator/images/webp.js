'use strict';
// solidWebp(w, h, rgb): a real lossless WEBP (VP8L with single-symbol prefix codes: zero bits per pixel).

const { cached, record, colourKey, checkDims } = require('./record');

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

module.exports = { solidWebp };
