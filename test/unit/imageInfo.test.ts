import { sniffImage } from '../../nodes/GeminiImage/helpers/imageInfo';
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
});
