import { ANSWER_LIMITS } from '../../nodes/GeminiImage/api/stream/answerLimits';
import { buildNativeRequest, nativePath } from '../../nodes/GeminiImage/api/native/request';
import { emptyResult, mergeNativeResponse, parseNativeResponse, readInlineImage } from '../../nodes/GeminiImage/api/native/response';
import { field } from '../../nodes/GeminiImage/api/fields';
import { readImage } from '../../nodes/GeminiImage/api/readImage';
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
		expect(r.images[0]).toMatchObject({
			mimeType: 'image/jpeg',
			extension: 'jpg',
			width: 1344,
			height: 768,
			labelledMimeType: 'image/png',
		});
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
		[
			'parts: null with IMAGE_SAFETY',
			{ candidates: [{ content: { role: 'model', parts: null }, finishReason: 'IMAGE_SAFETY', finishMessage: 'No.' }] },
		],
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

describe('native requests and answers, the rest', () => {
	const png = pngHeader(8, 8);
	const part = (data: unknown, extra: object = {}) => ({ inlineData: { mimeType: 'image/png', data }, ...extra });

	it('sends system instruction, sampling, safety and Google Search only when set', () => {
		const body = buildNativeRequest({
			model: 'm',
			prompt: 'p',
			images: [],
			systemInstruction: 'be brief',
			temperature: 0,
			topP: 0.5,
			seed: 0,
			safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'OFF' }],
			googleSearch: true,
			responseModalities: [],
		});
		expect(body).toEqual({
			contents: [{ role: 'user', parts: [{ text: 'p' }] }],
			systemInstruction: { parts: [{ text: 'be brief' }] },
			generationConfig: { temperature: 0, topP: 0.5, seed: 0 },
			safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'OFF' }],
			tools: [{ googleSearch: {} }],
		});
		expect(buildNativeRequest({ model: 'm', prompt: 'p', images: [], safetySettings: [], imageSize: '2K' })).toEqual({
			contents: [{ role: 'user', parts: [{ text: 'p' }] }],
			generationConfig: { imageConfig: { imageSize: '2K' } },
		});
	});

	it('an image is read from its bytes: empty, not base64 and not an image each say so', () => {
		expect(readImage(png, 'IMAGE/PNG')).toEqual({ image: { data: png, mimeType: 'image/png', extension: 'png', width: 8, height: 8 } });
		expect(readImage(png)).toMatchObject({ image: { mimeType: 'image/png' } });
		expect(readImage(png, 'image/png', true)).toEqual({ problem: 'its data is not base64' });
		expect(readImage(Buffer.alloc(0))).toEqual({ problem: 'it is empty (0 bytes)' });
		expect(readImage(Buffer.from('%PDF-1.7 document'))).toEqual({ problem: 'its bytes are a PDF document' });
	});

	it('inline data that is no string, an unknown blob reference, or not base64 is no image', () => {
		const r = parseNativeResponse({
			candidates: [{ content: { parts: [part(123), part('\u0000blob:0'), part('not base64!'), part(b64(png))] } }],
		});
		expect(r.images.map((i) => i.data)).toEqual([png]);
		expect(r.undecodableImages).toEqual([
			{ labelledMimeType: 'image/png', problem: 'it is empty (0 bytes)' },
			{ labelledMimeType: 'image/png', problem: 'its data is not base64' },
			{ labelledMimeType: 'image/png', problem: 'its data is not base64' },
		]);
		// decoded while reading: the reference stands for the blob, and a blob that was not base64 says so
		const read = parseNativeResponse(
			{ candidates: [{ content: { parts: [part('\u0000blob:0'), part('\u0000blob:1'), part('\u0000blob:7')] } }] },
			[png, png],
			new Set([1]),
		);
		expect(read.images.map((i) => i.data)).toEqual([png]);
		expect(read.undecodableImages?.map((u) => u.problem)).toEqual(['its data is not base64', 'its data is not base64']);
		expect(readInlineImage('', 'image/png', [], new Set())).toEqual({ problem: 'it is empty (0 bytes)' });
	});

	it('keys: camelCase first, snake_case otherwise, null as absent', () => {
		expect(field({ inlineData: 1, inline_data: 2 }, 'inlineData')).toBe(1);
		expect(field({ inlineData: null, inline_data: 2 }, 'inlineData')).toBe(2);
		expect(field({ inline_data: null }, 'inlineData')).toBeUndefined();
		expect(field({ a: 0 }, 'a')).toBe(0);
		expect(field('text', 'length')).toBeUndefined();
		expect(field(null, 'a')).toBeUndefined();
	});

	it('thought text stays out, blank text is dropped, parts of one answer join by line, events of a stream as they are', () => {
		const r = parseNativeResponse({
			candidates: [
				{ content: { parts: [{ text: 'one' }, { text: 'hidden', thought: true }, { text: '  ' }, null, 'junk', { text: 'two' }] } },
			],
		});
		expect(r.text).toBe('one\ntwo');
		const result = emptyResult();
		mergeNativeResponse(result, { candidates: [{ content: { parts: [{ text: 'Hel' }] } }] });
		mergeNativeResponse(result, { candidates: [{ content: { parts: [{ text: 'lo' }] }, finishReason: 'STOP', finishMessage: 'done' }] });
		mergeNativeResponse(result, { candidates: [{ content: { parts: [{ text: '' }] } }], modelVersion: 'v2', responseId: 'r' });
		expect(result).toMatchObject({ text: 'Hello', finishReason: 'STOP', finishMessage: 'done', modelVersion: 'v2', responseId: 'r' });
		// a later event without these keeps them
		mergeNativeResponse(result, { candidates: [{}] });
		expect(result).toMatchObject({ finishReason: 'STOP', finishMessage: 'done', modelVersion: 'v2', responseId: 'r' });
	});

	it('text past the limit is cut once, and the rest of a stream adds nothing', () => {
		const result = emptyResult();
		mergeNativeResponse(result, { candidates: [{ content: { parts: [{ text: 'x'.repeat(ANSWER_LIMITS.maxTextChars + 5) }] } }] });
		expect(result.text).toHaveLength(ANSWER_LIMITS.maxTextChars);
		expect(result.textCut).toBe(true);
		mergeNativeResponse(result, { candidates: [{ content: { parts: [{ text: 'more' }] } }] });
		expect(result.text).toHaveLength(ANSWER_LIMITS.maxTextChars);
		const exact = parseNativeResponse({ candidates: [{ content: { parts: [{ text: 'y'.repeat(ANSWER_LIMITS.maxTextChars) }] } }] });
		expect(exact.textCut).toBeUndefined();
	});

	it('a blocked prompt and its message, kept across events', () => {
		const result = emptyResult();
		mergeNativeResponse(result, { promptFeedback: { blockReason: 'OTHER', blockReasonMessage: 'no' } });
		mergeNativeResponse(result, { promptFeedback: {} });
		expect(result).toMatchObject({ blockReason: 'OTHER', blockReasonMessage: 'no' });
	});

	it('grounding from several candidates and events adds up; chunks without a web source are skipped', () => {
		const result = emptyResult();
		const grounded = (uri: string, query: string) => ({
			groundingMetadata: { groundingChunks: [{ web: { uri, title: 't' } }, { retrievedContext: {} }], webSearchQueries: [query, 7] },
		});
		mergeNativeResponse(result, { candidates: [grounded('https://a', 'q1')] });
		mergeNativeResponse(result, { candidates: [grounded('https://b', 'q2'), { groundingMetadata: { groundingChunks: [] } }] });
		expect(result.groundingSources).toEqual([
			{ uri: 'https://a', title: 't' },
			{ uri: 'https://b', title: 't' },
		]);
		expect(result.searchQueries).toEqual(['q1', '7', 'q2', '7']);
	});
});
