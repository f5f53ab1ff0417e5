import { checkInputImage, formatBytes, parseBinaryFieldNames } from '../../nodes/GeminiImage/helpers/inputImages';
import { gifHeader, heicHeader, jpegHeader, pngHeader } from './fixtures';

describe('parseBinaryFieldNames', () => {
	it('splits on commas, trims and drops empties, keeping order', () => {
		expect(parseBinaryFieldNames(' data, logo ,,background ')).toEqual(['data', 'logo', 'background']);
		expect(parseBinaryFieldNames('')).toEqual([]);
		expect(parseBinaryFieldNames(undefined)).toEqual([]);
	});
});

describe('checkInputImage', () => {
	it('takes the MIME type from the bytes, not the label', () => {
		expect(checkInputImage(jpegHeader(2, 2), 'application/octet-stream', 'data')).toEqual({ ok: true, mimeType: 'image/jpeg' });
		expect(checkInputImage(pngHeader(2, 2), 'image/jpeg', 'data')).toEqual({ ok: true, mimeType: 'image/png' });
	});
	it('accepts HEIC, and HEIF family files of unknown brand when labelled so', () => {
		expect(checkInputImage(heicHeader('heic'), undefined, 'x')).toEqual({ ok: true, mimeType: 'image/heic' });
		expect(checkInputImage(heicHeader('abcd'), 'image/heif', 'x')).toEqual({ ok: true, mimeType: 'image/heif' });
	});
	it('rejects GIF, PDF and empty data with the field name and a fix', () => {
		const gif = checkInputImage(gifHeader(1, 1), 'image/gif', 'photo');
		expect(gif).toMatchObject({ ok: false });
		if (!gif.ok) {
			expect(gif.problem).toBe('Binary field "photo" is a GIF image (labelled image/gif), which Gemini does not accept');
			expect(gif.fix).toMatch(/PNG, JPEG, WEBP, HEIC or HEIF/);
		}
		const pdf = checkInputImage(Buffer.from('%PDF-1.7 0000000000'), 'image/png', 'doc');
		expect(!pdf.ok && pdf.problem).toBe('Binary field "doc" is a PDF document (labelled image/png), which Gemini does not accept');
		const empty = checkInputImage(Buffer.alloc(0), 'image/png', 'data');
		expect(!empty.ok && empty.problem).toBe('Binary field "data" is empty (0 bytes)');
	});
	it('formats sizes for messages', () => {
		expect(formatBytes(512)).toBe('512 bytes');
		expect(formatBytes(2048)).toBe('2.0 KB');
		expect(formatBytes(20 * 1024 * 1024)).toBe('20.0 MB');
	});
});
