/**
 * Checks on input images, pure so they can be tested without n8n. Each returns the problem in words a
 * user can act on (the caller adds the item number), or nothing when all is well.
 */
import { quote, shortUrl } from './redact';
import { GEMINI_INPUT_MIME_TYPES, sniffImage } from './imageInfo';

export function parseBinaryFieldNames(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
}

export function formatBytes(bytes: number): string {
	if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
	if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
	return `${bytes} bytes`;
}

const HUMAN_TYPE: Record<string, string> = {
	'image/gif': 'a GIF image',
	'image/png': 'a PNG image',
	'image/jpeg': 'a JPEG image',
};

/** What the bytes look like, for the error message when they are not an accepted image. */
export function describeBytes(bytes: Uint8Array): string {
	const info = sniffImage(bytes);
	if (info) return HUMAN_TYPE[info.mimeType] ?? info.mimeType;
	const head = String.fromCharCode(...Array.from(bytes.subarray(0, 8)));
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

export type InputImageCheck = { ok: true; mimeType: string } | { ok: false; problem: string; fix: string };

/**
 * Decides the MIME type to send from the bytes: the label of an n8n binary is often generic
 * (application/octet-stream) or wrong. HEIF family files whose brand we do not know fall back to the label.
 */
export function checkInputImage(bytes: Uint8Array, labelledMimeType: string | undefined, fieldName: string): InputImageCheck {
	if (bytes.length === 0) {
		return { ok: false, problem: `${describeSource(fieldName)} is empty (0 bytes)`, fix: 'Check the node or URL that produced it.' };
	}
	const info = sniffImage(bytes);
	if (info && GEMINI_INPUT_MIME_TYPES.includes(info.mimeType)) return { ok: true, mimeType: info.mimeType };
	const label = (labelledMimeType ?? '').toLowerCase();
	const isIsoMedia = String.fromCharCode(...Array.from(bytes.subarray(4, 8))) === 'ftyp';
	if (!info && isIsoMedia && (label === 'image/heic' || label === 'image/heif')) return { ok: true, mimeType: label };
	return {
		ok: false,
		problem: `${describeSource(fieldName)} is ${describeBytes(bytes)}${label ? ` (labelled ${label})` : ''}, which Gemini does not accept`,
		fix: 'Use a PNG, JPEG, WEBP, HEIC or HEIF image: convert it first, for example with the Edit Image node.',
	};
}
