/** helpers/images.ts: what an image is, read from its bytes, and the checks on input images. */
import { checkInputImage, describeBytes, sniffImage } from '../../nodes/GeminiImage/helpers/images';
import { gifHeader, heicHeader, jpegHeader, pngHeader, webpVp8xHeader } from './fixtures';

describe('sniffImage', () => {
	it('reads PNG type and size from IHDR', () => {
		expect(sniffImage(pngHeader(1344, 768))).toEqual({ mimeType: 'image/png', extension: 'png', width: 1344, height: 768 });
	});
	it('reads JPEG size from the SOF segment after APP0', () => {
		expect(sniffImage(jpegHeader(4096, 2304))).toEqual({ mimeType: 'image/jpeg', extension: 'jpg', width: 4096, height: 2304 });
	});
	it('reads WEBP (VP8X) and GIF', () => {
		expect(sniffImage(webpVp8xHeader(800, 600))).toMatchObject({ mimeType: 'image/webp', width: 800, height: 600 });
		expect(sniffImage(gifHeader(10, 20))).toMatchObject({ mimeType: 'image/gif', width: 10, height: 20 });
	});
	it('recognises HEIC and HEIF brands', () => {
		expect(sniffImage(heicHeader('heic'))?.mimeType).toBe('image/heic');
		expect(sniffImage(heicHeader('mif1'))?.mimeType).toBe('image/heif');
	});
	it('rejects non-images and tiny buffers', () => {
		expect(sniffImage(Buffer.from('%PDF-1.7 hello world'))).toBeUndefined();
		expect(sniffImage(Buffer.from([0x89, 0x50]))).toBeUndefined();
		expect(sniffImage(Buffer.alloc(0))).toBeUndefined();
	});
	it('reads JPEG sizes past fill bytes and standalone markers, and gives none for a JPEG cut short', () => {
		const sof = jpegHeader(300, 200).subarray(20); // SOF0 and EOI
		const odd = Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.from([0xff, 0xff, 0xff, 0xd0, 0xff, 0x01, 0xff, 0xd8]), sof]);
		expect(sniffImage(odd)).toEqual({ mimeType: 'image/jpeg', extension: 'jpg', width: 300, height: 200 });
		// SOF2 (progressive) counts, DHT (C4) does not
		const dht = Buffer.from([0xff, 0xc4, 0x00, 0x04, 0x00, 0x00]);
		const sof2 = Buffer.from(sof);
		sof2[1] = 0xc2;
		expect(sniffImage(Buffer.concat([Buffer.from([0xff, 0xd8]), dht, sof2]))).toMatchObject({ width: 300, height: 200 });
		expect(sniffImage(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.alloc(14)]))).toEqual({
			mimeType: 'image/jpeg',
			extension: 'jpg',
		});
		expect(sniffImage(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from('not a marker at all')]))).toEqual({
			mimeType: 'image/jpeg',
			extension: 'jpg',
		});
	});
	it('reads WEBP sizes from lossy (VP8) and lossless (VP8L) headers', () => {
		const riff = (chunk: string, body: number[]) => {
			const b = Buffer.alloc(30);
			b.write('RIFF', 0, 'ascii');
			b.write('WEBP', 8, 'ascii');
			b.write(chunk, 12, 'ascii');
			Buffer.from(body).copy(b, 20);
			return b;
		};
		const vp8 = riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a]);
		vp8.writeUInt16LE(0xc000 | 640, 26); // the top two bits are the scale
		vp8.writeUInt16LE(480, 28);
		expect(sniffImage(vp8)).toEqual({ mimeType: 'image/webp', extension: 'webp', width: 640, height: 480 });
		const bits = (1000 - 1) | ((750 - 1) << 14);
		const vp8l = riff('VP8L', [0x2f, bits & 0xff, (bits >> 8) & 0xff, (bits >> 16) & 0xff, (bits >> 24) & 0xff]);
		expect(sniffImage(vp8l)).toEqual({ mimeType: 'image/webp', extension: 'webp', width: 1000, height: 750 });
		expect(sniffImage(vp8l.subarray(0, 24))).toEqual({ mimeType: 'image/webp', extension: 'webp' });
		expect(sniffImage(vp8.subarray(0, 29))).toEqual({ mimeType: 'image/webp', extension: 'webp' });
		expect(sniffImage(riff('ALPH', []))).toEqual({ mimeType: 'image/webp', extension: 'webp' });
		expect(sniffImage(webpVp8xHeader(5, 5).subarray(0, 29))).toEqual({ mimeType: 'image/webp', extension: 'webp' });
	});
	it('reads PNG sizes only from an IHDR that is there', () => {
		const png = pngHeader(7, 9);
		expect(sniffImage(png.subarray(0, 23))).toEqual({ mimeType: 'image/png', extension: 'png' });
		// 24 bytes end with IHDR's height: enough for the size
		expect(sniffImage(png.subarray(0, 24))).toEqual({ mimeType: 'image/png', extension: 'png', width: 7, height: 9 });
		const noIhdr = Buffer.from(png);
		noIhdr.write('IDAT', 12, 'ascii');
		expect(sniffImage(noIhdr)).toEqual({ mimeType: 'image/png', extension: 'png' });
		const huge = pngHeader(0x80000001, 1);
		expect(sniffImage(huge)?.width).toBe(0x80000001);
	});
	it('knows every HEIC and HEIF brand it lists, and no other ISO media file', () => {
		for (const brand of ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx'])
			expect(sniffImage(heicHeader(brand))).toEqual({ mimeType: 'image/heic', extension: 'heic' });
		for (const brand of ['mif1', 'msf1', 'mif2'])
			expect(sniffImage(heicHeader(brand))).toEqual({ mimeType: 'image/heif', extension: 'heif' });
		expect(sniffImage(heicHeader('isom'))).toBeUndefined();
	});

	it('reads a JPEG frame size when its bytes are all there, and not a byte sooner', () => {
		const jpeg = jpegHeader(300, 200); // the frame (SOF0) starts at byte 20, its width ends at byte 29
		expect(sniffImage(jpeg.subarray(0, 29))).toEqual({ mimeType: 'image/jpeg', extension: 'jpg', width: 300, height: 200 });
		expect(sniffImage(jpeg.subarray(0, 28))).toEqual({ mimeType: 'image/jpeg', extension: 'jpg' });
	});

	it('takes a JPEG size from every frame marker C0 to CF but DHT, JPG and DAC, and steps over standalone markers', () => {
		const soi = Buffer.from([0xff, 0xd8]);
		const sof = jpegHeader(300, 200).subarray(20); // SOF0, then EOI
		const segment = (marker: number) => {
			const s = Buffer.from(sof);
			s[1] = marker;
			return s;
		};
		for (let marker = 0xc0; marker <= 0xcf; marker++) {
			const info = sniffImage(Buffer.concat([soi, segment(marker)]));
			if ([0xc4, 0xc8, 0xcc].includes(marker)) expect(info).toEqual({ mimeType: 'image/jpeg', extension: 'jpg' });
			else expect(info).toEqual({ mimeType: 'image/jpeg', extension: 'jpg', width: 300, height: 200 });
		}
		for (const marker of [0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0x01]) {
			expect(sniffImage(Buffer.concat([soi, Buffer.from([0xff, marker]), sof]))).toMatchObject({ width: 300, height: 200 });
		}
	});

	it('stops reading a JPEG at a byte that starts no marker: no size is guessed from what follows', () => {
		const sof = Buffer.from(jpegHeader(300, 200).subarray(20));
		sof[0] = 0x00;
		const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00]), sof]);
		expect(sniffImage(jpeg)).toEqual({ mimeType: 'image/jpeg', extension: 'jpg' });
	});

	it('reads a lossless WEBP size from its first 25 bytes', () => {
		const b = Buffer.alloc(25);
		b.write('RIFF', 0, 'ascii');
		b.write('WEBP', 8, 'ascii');
		b.write('VP8L', 12, 'ascii');
		b.writeUInt32LE((64 - 1) | ((32 - 1) << 14), 21);
		expect(sniffImage(b)).toEqual({ mimeType: 'image/webp', extension: 'webp', width: 64, height: 32 });
	});

	it('recognises nothing in fewer than 12 bytes, even the start of a real image', () => {
		expect(sniffImage(pngHeader(1, 1).subarray(0, 11))).toBeUndefined();
		expect(sniffImage(gifHeader(1, 1).subarray(0, 11))).toBeUndefined();
		expect(sniffImage(pngHeader(1, 1).subarray(0, 12))).toEqual({ mimeType: 'image/png', extension: 'png' });
	});

	it('needs every byte of a signature: one right byte in the wrong place is not an image', () => {
		const pad = (head: number[] | string) => {
			const b = Buffer.alloc(16);
			(typeof head === 'string' ? Buffer.from(head, 'latin1') : Buffer.from(head)).copy(b);
			return b;
		};
		for (const head of [
			[0x89, 0x50, 0x4e, 0x58],
			[0x00, 0x50, 0x4e, 0x47],
			[0x00, 0xd8, 0xff],
			[0xff, 0x00, 0xff],
			[0xff, 0xd8, 0x00],
			[0x00, 0x00, 0xff],
		])
			expect(sniffImage(pad(head))).toBeUndefined();
		// WAV and AVI files are RIFF too
		expect(sniffImage(pad('RIFF\x24\x00\x00\x00WAVEfmt '))).toBeUndefined();
		expect(sniffImage(pad('RIFX\x24\x00\x00\x00WEBPVP8X'))).toBeUndefined();
		// a HEIC brand counts only in an ftyp box
		expect(sniffImage(pad('\x00\x00\x00\x18freeheic'))).toBeUndefined();
	});

	it('names the GIF extension', () => {
		expect(sniffImage(gifHeader(3, 4))).toEqual({ mimeType: 'image/gif', extension: 'gif', width: 3, height: 4 });
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
	it('accepts HEIF of a known brand whatever its label says', () => {
		for (const label of [undefined, 'application/octet-stream', 'image/heif'])
			expect(checkInputImage(heicHeader('mif1'), label, 'x')).toEqual({ ok: true, mimeType: 'image/heif' });
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

describe('input image checks: URLs named as URLs, WEBP, HEIC and HEIF', () => {
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
