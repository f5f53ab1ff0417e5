import { buildNativeRequest, nativePath, parseNativeResponse } from '../../nodes/GeminiImage/api/native';
import { jpegHeader, pngHeader } from './fixtures';

const b64 = (b: Buffer) => b.toString('base64');

describe('buildNativeRequest', () => {
	it('sends the prompt and raw base64 images in camelCase, in order', () => {
		const a = pngHeader(4, 4);
		const b = jpegHeader(8, 8);
		const body = buildNativeRequest({
			model: 'm',
			prompt: 'Put this cat in a spacesuit',
			images: [
				{ data: a, mimeType: 'image/png', source: 'data' },
				{ data: b, mimeType: 'image/jpeg', source: 'logo' },
			],
		});
		expect(body).toEqual({
			contents: [
				{
					role: 'user',
					parts: [
						{ text: 'Put this cat in a spacesuit' },
						{ inlineData: { mimeType: 'image/png', data: b64(a) } },
						{ inlineData: { mimeType: 'image/jpeg', data: b64(b) } },
					],
				},
			],
		});
		expect(JSON.stringify(body)).not.toContain('data:image');
	});

	it('puts only what the user set into generationConfig', () => {
		expect(buildNativeRequest({ model: 'm', prompt: 'p', images: [] })).not.toHaveProperty('generationConfig');
		const body = buildNativeRequest({ model: 'm', prompt: 'p', images: [], aspectRatio: '16:9' });
		expect(body.generationConfig).toEqual({ imageConfig: { aspectRatio: '16:9' } });
		const full = buildNativeRequest({
			model: 'm',
			prompt: 'p',
			images: [],
			aspectRatio: '1:1',
			imageSize: '4K',
			responseModalities: ['IMAGE'],
		});
		expect(full.generationConfig).toEqual({ responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '1:1', imageSize: '4K' } });
	});

	it('builds the route path with the model escaped', () => {
		expect(nativePath('gemini-2.5-flash-image')).toBe('/v1beta/models/gemini-2.5-flash-image:generateContent');
		expect(nativePath('a/b')).toBe('/v1beta/models/a%2Fb:generateContent');
		expect(nativePath('m', true)).toBe('/v1beta/models/m:streamGenerateContent?alt=sse');
	});
});

describe('parseNativeResponse', () => {
	const png = pngHeader(1024, 1024);
	const jpeg = jpegHeader(1344, 768);

	it('reads text, image, finish reason, usage and model version', () => {
		const r = parseNativeResponse({
			candidates: [
				{
					content: { role: 'model', parts: [{ text: 'Here you go.' }, { inlineData: { mimeType: 'image/png', data: b64(png) } }] },
					finishReason: 'STOP',
				},
			],
			usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 1290, totalTokenCount: 1300 },
			modelVersion: 'gemini-2.5-flash-image',
			responseId: 'r1',
			turnToken: 'ignored',
		});
		expect(r.text).toBe('Here you go.');
		expect(r.finishReason).toBe('STOP');
		expect(r.modelVersion).toBe('gemini-2.5-flash-image');
		expect(r.usage).toEqual({ promptTokens: 10, outputTokens: 1290, thoughtsTokens: undefined, totalTokens: 1300 });
		expect(r.images).toHaveLength(1);
		expect(r.images[0]).toMatchObject({ mimeType: 'image/png', extension: 'png', width: 1024, height: 1024 });
		expect(r.images[0].data.equals(png)).toBe(true);
	});

	it('trusts the bytes over the label (JPEG labelled image/png)', () => {
		const r = parseNativeResponse({
			candidates: [{ content: { parts: [{ inlineData: { mimeType: 'image/png', data: b64(jpeg) } }] }, finishReason: 'STOP' }],
		});
		expect(r.images[0]).toMatchObject({ mimeType: 'image/jpeg', extension: 'jpg', width: 1344, height: 768, labelledMimeType: 'image/png' });
	});

	it('skips thought drafts and keeps the final image and text', () => {
		const draft = pngHeader(512, 512);
		const r = parseNativeResponse({
			candidates: [
				{
					content: {
						parts: [
							{ text: 'thinking...', thought: true },
							{ inlineData: { mimeType: 'image/png', data: b64(draft) }, thought: true },
							{ inlineData: { mimeType: 'image/png', data: b64(draft) }, thought: true },
							{ text: 'Here is your poster.', thoughtSignature: 's' },
							{ inlineData: { mimeType: 'image/jpeg', data: b64(jpeg) }, thoughtSignature: 's' },
						],
					},
					finishReason: 'STOP',
				},
			],
			usageMetadata: { thoughtsTokenCount: 215 },
		});
		expect(r.images).toHaveLength(1);
		expect(r.images[0].data.equals(jpeg)).toBe(true);
		expect(r.text).toBe('Here is your poster.');
		expect(r.draftImagesSkipped).toBe(2);
		expect(r.usage?.thoughtsTokens).toBe(215);
	});

	it('reads snake_case keys', () => {
		const r = parseNativeResponse({
			candidates: [
				{
					content: { parts: [{ text: 'ok' }, { inline_data: { mime_type: 'image/png', data: b64(png) } }] },
					finish_reason: 'STOP',
				},
			],
			usage_metadata: { prompt_token_count: 3, total_token_count: 9 },
			model_version: 'v',
		});
		expect(r.images).toHaveLength(1);
		expect(r.finishReason).toBe('STOP');
		expect(r.usage).toMatchObject({ promptTokens: 3, totalTokens: 9 });
		expect(r.modelVersion).toBe('v');
	});

	it.each([
		['parts: null with IMAGE_SAFETY', { candidates: [{ content: { role: 'model', parts: null }, finishReason: 'IMAGE_SAFETY', finishMessage: 'No.' }] }],
		['no candidates, blockReason', { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } }],
		['content without parts', { candidates: [{ content: { role: 'model' }, finishReason: 'STOP' }] }],
		['empty image data', { candidates: [{ content: { parts: [{ inlineData: { mimeType: 'image/png', data: '' } }] } }] }],
		['a non-object answer', 'hello'],
		['null', null],
	])('yields no image without throwing: %s', (_name, body) => {
		const r = parseNativeResponse(body);
		expect(r.images).toEqual([]);
	});

	it('collects grounding sources and search queries', () => {
		const r = parseNativeResponse({
			candidates: [
				{
					content: { parts: [{ inlineData: { mimeType: 'image/png', data: b64(png) } }] },
					groundingMetadata: {
						webSearchQueries: ['weather paris'],
						groundingChunks: [{ web: { uri: 'https://example.com/a', title: 'A' } }],
					},
				},
			],
		});
		expect(r.groundingSources).toEqual([{ uri: 'https://example.com/a', title: 'A' }]);
		expect(r.searchQueries).toEqual(['weather paris']);
	});
});
