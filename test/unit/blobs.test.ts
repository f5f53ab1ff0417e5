import { blobRef, encodeJsonWithBlobs, JsonBlobReader } from '../../nodes/GeminiImage/api/blobs';
import { buildChatRequest } from '../../nodes/GeminiImage/api/chat';
import { buildNativeRequest, parseNativeResponse } from '../../nodes/GeminiImage/api/native';
import { pngHeader } from './fixtures';

const random = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7919 + 13) % 256));

describe('encodeJsonWithBlobs', () => {
	it('gives exactly the JSON of the request with base64 inline, for any image size', () => {
		for (const size of [0, 1, 2, 3, 4, 5, 786431, 786432, 786433, 2 * 786432 + 2]) {
			const images = [
				{ data: random(size), mimeType: 'image/png', source: 'a' },
				{ data: random(size + 1), mimeType: 'image/jpeg', source: 'b' },
			];
			const input = { model: 'm', prompt: 'héllo "quoted" \u2028', images, aspectRatio: '1:1' };
			const asBlob = (_: unknown, i: number) => blobRef(i);
			const expectedNative = Buffer.from(JSON.stringify(buildNativeRequest(input)));
			expect(encodeJsonWithBlobs(buildNativeRequest(input, asBlob), images.map((i) => i.data)).equals(expectedNative)).toBe(true);
			const expectedChat = Buffer.from(JSON.stringify(buildChatRequest(input)));
			expect(encodeJsonWithBlobs(buildChatRequest(input, asBlob), images.map((i) => i.data)).equals(expectedChat)).toBe(true);
		}
	});
});

describe('JsonBlobReader', () => {
	const answer = (images: Buffer[]) =>
		JSON.stringify({
			candidates: [
				{
					content: {
						parts: [{ text: 'data: "not an image" \\"' }, ...images.map((b) => ({ inlineData: { mimeType: 'image/png', data: b.toString('base64') } }))],
					},
					finishReason: 'STOP',
				},
			],
			usageMetadata: { totalTokenCount: 5 },
			data: [1, 2],
		});

	const read = (text: string, chunkSize: number, withLength = false) => {
		const reader = new JsonBlobReader(withLength ? Buffer.byteLength(text) : undefined);
		const buf = Buffer.from(text);
		for (let i = 0; i < buf.length; i += chunkSize) reader.push(buf.subarray(i, i + chunkSize));
		return { json: reader.end(), blobs: reader.blobs };
	};

	it.each([
		[1, false],
		[3, true],
		[7, false],
		[4096, true],
		[4096, false],
		[1 << 20, true],
	])('decodes images on the fly whatever the chunking (%i-byte chunks, Content-Length known: %s)', (chunkSize, withLength) => {
		const a = Buffer.concat([pngHeader(10, 20), random(5000)]);
		const b = Buffer.concat([pngHeader(30, 40), random(3)]);
		const { json, blobs } = read(answer([a, b]), chunkSize, withLength);
		expect(blobs).toHaveLength(2);
		expect(blobs[0].equals(a)).toBe(true);
		expect(blobs[1].equals(b)).toBe(true);
		const result = parseNativeResponse(json, blobs);
		expect(result.images.map((i) => i.data.equals(a) || i.data.equals(b))).toEqual([true, true]);
		expect(result.images[1]).toMatchObject({ width: 30, height: 40 });
		expect(result.text).toBe('data: "not an image" \\"');
		expect((json as any).data).toEqual([1, 2]);
	});

	it('handles escaped slashes in base64', () => {
		const img = Buffer.concat([pngHeader(1, 1), Buffer.from([0xff, 0xff, 0xff])]);
		const b64 = img.toString('base64');
		expect(b64).toContain('/');
		const text = `{"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"${b64.replace(/\//g, '\\/')}"}}]}}]}`;
		expect(read(text, 5).blobs[0].equals(img)).toBe(true);
	});

	it('falls back to joining pieces when the announced length is too small', () => {
		const a = Buffer.concat([pngHeader(10, 20), random(30000)]);
		const text = answer([a]);
		const reader = new JsonBlobReader(1000);
		const buf = Buffer.from(text);
		for (let i = 0; i < buf.length; i += 512) reader.push(buf.subarray(i, i + 512));
		reader.end();
		expect(reader.blobs[0].equals(a)).toBe(true);
	});

	it('throws on a cut-off body', () => {
		const text = answer([random(100)]);
		expect(() => read(text.slice(0, text.length / 2), 64)).toThrow();
		expect(() => read(text.slice(0, 40), 64)).toThrow();
	});
});
