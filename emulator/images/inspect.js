'use strict';
// The image sniffer of the repository's dev code: the real type and pixel size of image bytes.
//
// It is also the emulator's independent oracle: it records what the node really sent and checks what it
// generates, so it shares no code with the node's own sniffer (nodes/GeminiImage/helpers/imageInfo.ts, which
// node code keeps: the node may not import dev code). A bug in one of them then shows up as a disagreement.

const { PNG_SIGNATURE } = require('./png');

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
			return {
				type: brand === 'mif1' || brand === 'msf1' ? 'heif' : 'heic',
				mimeType: brand === 'mif1' || brand === 'msf1' ? 'image/heif' : 'image/heic',
				width: null,
				height: null,
			};
		}
	}
	return null;
}

module.exports = { inspect };
