/**
 * Images read from their bytes, and the checks on input images. Labels lie (Gemini returns JPEG bytes
 * labelled image/png, n8n binaries often say application/octet-stream), so the magic numbers decide.
 */
import { quote, shortUrl } from './redact';

export interface ImageInfo {
	mimeType: string;
	extension: string;
	width?: number;
	height?: number;
}

const ascii = (buf: Uint8Array, start: number, end: number) => String.fromCharCode(...Array.from(buf.subarray(start, end)));

const u16be = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const u16le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u24le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
const u32be = (b: Uint8Array, o: number) => ((b[o] << 24) >>> 0) + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);

function pngSize(b: Uint8Array) {
	if (b.length < 24 || ascii(b, 12, 16) !== 'IHDR') return {};
	return { width: u32be(b, 16), height: u32be(b, 20) };
}

function jpegSize(b: Uint8Array) {
	let o = 2;
	// o + 8 is the last byte read here (a frame's width)
	while (o + 9 <= b.length) {
		if (b[o] !== 0xff) return {};
		const marker = b[o + 1];
		if (marker === 0xff) {
			o += 1; // fill byte
			continue;
		}
		// SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC)
		if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
			return { height: u16be(b, o + 5), width: u16be(b, o + 7) };
		}
		if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
			o += 2;
			continue;
		}
		o += 2 + u16be(b, o + 2);
	}
	return {};
}

function webpSize(b: Uint8Array) {
	const chunk = ascii(b, 12, 16);
	if (chunk === 'VP8X' && b.length >= 30) return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
	if (chunk === 'VP8 ' && b.length >= 30) return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
	if (chunk === 'VP8L' && b.length >= 25) {
		const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
		return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
	}
	return {};
}

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx']);
const HEIF_BRANDS = new Set(['mif1', 'msf1', 'mif2']);

/** Sniffs PNG, JPEG, WEBP, GIF, HEIC and HEIF from the first bytes; undefined for anything else. */
export function sniffImage(buf: Uint8Array): ImageInfo | undefined {
	if (!buf || buf.length < 12) return undefined;
	if (buf[0] === 0x89 && ascii(buf, 1, 4) === 'PNG') return { mimeType: 'image/png', extension: 'png', ...pngSize(buf) };
	if (buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return { mimeType: 'image/jpeg', extension: 'jpg', ...jpegSize(buf) };
	if (ascii(buf, 0, 4) === 'RIFF' && ascii(buf, 8, 12) === 'WEBP') return { mimeType: 'image/webp', extension: 'webp', ...webpSize(buf) };
	if (ascii(buf, 0, 4) === 'GIF8') return { mimeType: 'image/gif', extension: 'gif', width: u16le(buf, 6), height: u16le(buf, 8) };
	if (ascii(buf, 4, 8) === 'ftyp') {
		const brand = ascii(buf, 8, 12);
		if (HEIC_BRANDS.has(brand)) return { mimeType: 'image/heic', extension: 'heic' };
		if (HEIF_BRANDS.has(brand)) return { mimeType: 'image/heif', extension: 'heif' };
	}
	return undefined;
}

/** The input types Gemini accepts inline. */
const GEMINI_INPUT_MIME_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/heic', 'image/heif'];

const HUMAN_TYPE: Record<string, string> = {
	'image/gif': 'a GIF image',
	'image/png': 'a PNG image',
	'image/jpeg': 'a JPEG image',
};

/** What the bytes look like, for the error message when they are not an accepted image. */
export function describeBytes(bytes: Uint8Array): string {
	const info = sniffImage(bytes);
	if (info) return HUMAN_TYPE[info.mimeType] ?? info.mimeType;
	const head = ascii(bytes, 0, 8);
	if (head.startsWith('%PDF')) return 'a PDF document';
	if (head.startsWith('PK')) return 'a ZIP archive';
	if (head.startsWith('BM')) return 'a BMP image';
	if (/^II\*\0|^MM\0\*/.test(head)) return 'a TIFF image';
	if (/^\s*</.test(head)) return 'text (HTML, XML or SVG)';
	return 'not an image format we recognise';
}

/** A binary field name, or a URL for images given by URL. */
const describeSource = (source: string) =>
	/^(https?|data):/i.test(source) ? `The image at ${shortUrl(source)}` : `Binary field ${quote(source)}`;

type InputImageCheck = { ok: true; mimeType: string } | { ok: false; problem: string; fix: string };

/**
 * The MIME type to send, from the bytes, or the problem in words a user can act on (the caller adds the item
 * number). HEIF family files whose brand we do not know fall back to the label.
 */
export function checkInputImage(bytes: Uint8Array, labelledMimeType: string | undefined, fieldName: string): InputImageCheck {
	if (bytes.length === 0) {
		return { ok: false, problem: `${describeSource(fieldName)} is empty (0 bytes)`, fix: 'Check the node or URL that produced it.' };
	}
	const info = sniffImage(bytes);
	if (info && GEMINI_INPUT_MIME_TYPES.includes(info.mimeType)) return { ok: true, mimeType: info.mimeType };
	const label = (labelledMimeType ?? '').toLowerCase();
	const isIsoMedia = ascii(bytes, 4, 8) === 'ftyp';
	if (!info && isIsoMedia && (label === 'image/heic' || label === 'image/heif')) return { ok: true, mimeType: label };
	return {
		ok: false,
		problem: `${describeSource(fieldName)} is ${describeBytes(bytes)}${label ? ` (labelled ${label})` : ''}, which Gemini does not accept`,
		fix: 'Use a PNG, JPEG, WEBP, HEIC or HEIF image: convert it first, for example with the Edit Image node.',
	};
}
