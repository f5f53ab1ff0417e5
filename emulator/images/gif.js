'use strict';
// solidGif(w, h, rgb): a real GIF89a (LZW-compressed, one colour).

const { cached, record, colourKey, checkDims } = require('./record');

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

module.exports = { solidGif };
