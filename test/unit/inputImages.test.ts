import { checkInputImage, describeBytes, formatBytes, parseBinaryFieldNames } from '../../nodes/GeminiImage/helpers/inputImages';
import { gifHeader, heicHeader, jpegHeader, pngHeader, webpVp8xHeader } from './fixtures';

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

describe('describeBytes', () => {
	it.each([
		[pngHeader(1, 1), 'a PNG image'],
		[jpegHeader(1, 1), 'a JPEG image'],
		[gifHeader(1, 1), 'a GIF image'],
		[heicHeader('heic'), 'image/heic'],
		[Buffer.from('%PDF-1.4 rest of it'), 'a PDF document'],
		[Buffer.from('PK\u0003\u0004 zipped stuff'), 'a ZIP archive'],
		[Buffer.from('BM6\u0000\u0000\u0000 bitmap bytes'), 'a BMP image'],
		[Buffer.from('II*\u0000 tiff little endian'), 'a TIFF image'],
		[Buffer.from('MM\u0000* tiff big endian.'), 'a TIFF image'],
		[Buffer.from('  <!DOCTYPE html><html>'), 'text (HTML, XML or SVG)'],
		[Buffer.from('just some words here'), 'not an image format we recognise'],
		[Buffer.from('II*'), 'not an image format we recognise'],
		// the signatures count at the start only
		[Buffer.from('xxII*\u0000 later on'), 'not an image format we recognise'],
		[Buffer.from('xxMM\u0000* later on'), 'not an image format we recognise'],
		[Buffer.from('a <b> and more'), 'not an image format we recognise'],
	])('%#: %s', (bytes, expected) => {
		expect(describeBytes(bytes)).toBe(expected);
	});
});

describe('input image checks, the rest', () => {
	it('sizes at the unit boundaries', () => {
		expect([1023, 1024, 1024 * 1024 - 1, 1024 * 1024].map(formatBytes)).toEqual(['1023 bytes', '1.0 KB', '1024.0 KB', '1.0 MB']);
	});
	it('URLs are named as URLs, with their secrets left out', () => {
		const check = checkInputImage(Buffer.from('<html>not an image</html>'), 'text/html', 'https://example.com/a.png?sig=SECRET');
		expect(!check.ok && check.problem).toBe(
			'The image at https://example.com/a.png?… is text (HTML, XML or SVG) (labelled text/html), which Gemini does not accept',
		);
		const data = checkInputImage(Buffer.from('GIF89a......'), undefined, 'data:image/gif;base64,R0lGOD');
		expect(!data.ok && data.problem).toMatch(
			/^The image at data:image\/gif;base64,… \(28 characters\) is a GIF image, which Gemini does not accept$/,
		);
		const empty = checkInputImage(Buffer.alloc(0), undefined, 'DATA:image/png;base64,');
		expect(!empty.ok && empty.problem).toMatch(/^The image at DATA:/);
		expect(empty).toMatchObject({ fix: 'Check the node or URL that produced it.' });
		// a binary field whose name merely holds "http:" is still a field
		const field = checkInputImage(Buffer.alloc(0), undefined, 'from-http://old');
		expect(!field.ok && field.problem).toBe('Binary field "from-http://old" is empty (0 bytes)');
	});
	it('WEBP is accepted; an unknown ISO media file only when labelled HEIC or HEIF', () => {
		expect(checkInputImage(webpVp8xHeader(2, 2), undefined, 'x')).toEqual({ ok: true, mimeType: 'image/webp' });
		expect(checkInputImage(heicHeader('abcd'), 'IMAGE/HEIC', 'x')).toEqual({ ok: true, mimeType: 'image/heic' });
		expect(checkInputImage(heicHeader('abcd'), 'video/mp4', 'x').ok).toBe(false);
		expect(checkInputImage(Buffer.from('xxxxftypabcdefgh'), 'image/heic', 'x')).toEqual({ ok: true, mimeType: 'image/heic' });
		expect(checkInputImage(Buffer.from('xxxxnopeabcdefgh'), 'image/heic', 'x').ok).toBe(false);
	});
});
