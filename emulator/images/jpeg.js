'use strict';
// solidJpeg(w, h, rgb): a real baseline JPEG (SOF0, 4:4:4, one DC value per block, AC all zero).

const { cached, record, colourKey, checkDims } = require('./record');

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

module.exports = { solidJpeg };
