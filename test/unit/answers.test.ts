/**
 * helpers/answers.ts: reading an answer of either route (the native route's response objects, the chat route's
 * completion chunks and content), fed in any pieces, and bad input tried systematically (fast-check, seeded and
 * bounded): never a crash, never a 0-byte or made-up image, and a cut answer is never taken for a whole one.
 */
import fc from 'fast-check';

import { describeErrorEvent, describeUnreadableBody } from '../../nodes/GeminiImage/helpers/failures';
import { explainMissingImage } from '../../nodes/GeminiImage/helpers/failures';
import {
	BodyReader,
	capText,
	ChatAnswer,
	describeLimit,
	ChatContent,
	ChatStreamReader,
	emptyResult,
	field,
	mergeNativeResponse,
	NativeStreamReader,
	parseNativeResponse,
	readAnswer,
	readerFor,
	readImage,
	readInlineImage,
} from '../../nodes/GeminiImage/helpers/answers';
import { sniffImage } from '../../nodes/GeminiImage/helpers/images';
import type { AnswerReader, GenerationResult, ReadOutcome } from '../../nodes/GeminiImage/helpers/interfaces';
import { AnswerLimitError, ANSWER_LIMITS } from '../../nodes/GeminiImage/helpers/interfaces';
import { dataUrl, jpegHeader, pieces, pngHeader, propertyRuns as runs } from './fixtures';
import { ImageBudget } from '../../nodes/GeminiImage/helpers/json';

/** One chunk of a chat answer given as an object, read as the route reads it. */
function addChunk(answer: ChatAnswer, chunk: unknown): void {
	const reader = answer.reader();
	reader.push(Buffer.from(JSON.stringify(chunk) ?? 'null'));
	answer.addMeta(reader.end());
}

describe('the native route', () => {
	const b64 = (b: Buffer) => b.toString('base64');

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

	describe('native answers: images, keys, text, blocked prompts and grounding', () => {
		const png = pngHeader(8, 8);
		const part = (data: unknown, extra: object = {}) => ({ inlineData: { mimeType: 'image/png', data }, ...extra });

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
				[
					{ data: png, notBase64: false },
					{ data: png, notBase64: true },
				],
			);
			expect(read.images.map((i) => i.data)).toEqual([png]);
			expect(read.undecodableImages?.map((u) => u.problem)).toEqual(['its data is not base64', 'its data is not base64']);
			expect(readInlineImage('', 'image/png', [])).toEqual({ problem: 'it is empty (0 bytes)' });
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

		it('grounding from several candidates and events adds up; chunks without a web source, and queries that are not text, are skipped', () => {
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
			expect(result.searchQueries).toEqual(['q1', 'q2']);
			// A source with only a title is kept; chunks whose web source is not an object leave no (empty) list.
			const titled = emptyResult();
			mergeNativeResponse(titled, { candidates: [{ groundingMetadata: { groundingChunks: [{ web: { title: 'T' } }] } }] });
			expect(titled.groundingSources).toEqual([{ title: 'T', uri: undefined }]);
			const none = emptyResult();
			mergeNativeResponse(none, { candidates: [{ groundingMetadata: { groundingChunks: [{ web: 'x' }, { web: null }, {}] } }] });
			expect(none.groundingSources).toBeUndefined();
		});

		it('grounding of many events keeps the first sources and queries, up to their limits', () => {
			const result = emptyResult();
			for (let i = 0; i < 500; i++) {
				mergeNativeResponse(result, {
					candidates: [{ groundingMetadata: { groundingChunks: [{ web: { uri: `u${i}` } }, {}], webSearchQueries: [`q${i}`] } }],
				});
			}
			expect(ANSWER_LIMITS.maxGroundingSources).toBe(100);
			expect(ANSWER_LIMITS.maxSearchQueries).toBe(100);
			expect(result.groundingSources).toEqual(Array.from({ length: 100 }, (_, i) => ({ uri: `u${i}`, title: undefined })));
			expect(result.searchQueries).toEqual(Array.from({ length: 100 }, (_, i) => `q${i}`));
		});
	});
});

describe('the answer as parts, for the next turn of a conversation', () => {
	const b64 = (b: Buffer) => b.toString('base64');

	const png = pngHeader(8, 8);

	const answer = (parts: unknown[]) => ({ candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP' }] });

	it('keeps text and image parts in order with their signatures, drafts left out', () => {
		const r = parseNativeResponse(
			answer([
				{ text: 'thinking', thought: true, thoughtSignature: 'T0' },
				{ inlineData: { mimeType: 'image/png', data: b64(png) }, thought: true },
				{ text: 'Here it is.', thoughtSignature: 'S1' },
				{ inlineData: { mimeType: 'image/png', data: b64(png) }, thoughtSignature: 'S2' },
				{ text: 'Enjoy.' },
			]),
		);
		expect(r.parts).toEqual([{ text: 'Here it is.', thoughtSignature: 'S1' }, { image: 0, thoughtSignature: 'S2' }, { text: 'Enjoy.' }]);
		expect(r.images).toHaveLength(1);
	});

	it('numbers only the images that decode, and reads snake_case signatures', () => {
		const r = parseNativeResponse(
			answer([
				{ inline_data: { mime_type: 'image/png', data: '' } },
				{ inline_data: { mime_type: 'image/jpeg', data: b64(jpegHeader(4, 4)) }, thought_signature: 'S' },
			]),
		);
		expect(r.parts).toEqual([{ image: 0, thoughtSignature: 'S' }]);
	});

	it('joins the text pieces of a stream into one part, with a signature that comes on a last empty piece', () => {
		const r: GenerationResult = parseNativeResponse({});
		for (const event of [
			answer([{ text: 'Here ' }]),
			answer([{ text: 'it is.' }]),
			answer([{ text: '', thoughtSignature: 'S1' }]),
			answer([{ inlineData: { mimeType: 'image/png', data: b64(png) }, thoughtSignature: 'S2' }]),
			answer([{ text: '' }]),
		]) {
			mergeNativeResponse(r, event);
		}
		expect(r.parts).toEqual([
			{ text: 'Here it is.', thoughtSignature: 'S1' },
			{ image: 0, thoughtSignature: 'S2' },
		]);
	});

	it('keeps separate text parts of one answer separate', () => {
		expect(parseNativeResponse(answer([{ text: 'a' }, { text: 'b' }])).parts).toEqual([{ text: 'a' }, { text: 'b' }]);
	});
});

describe('the chat route', () => {
	describe('ChatAnswer', () => {
		const draft = pngHeader(512, 512);
		const final = jpegHeader(1024, 1024);

		it('reads a streamed answer: text pieces, drafts first, the last image is the result', () => {
			const a = new ChatAnswer();
			addChunk(a, { id: 'c1', model: 'gemini-3-pro-image-preview', choices: [{ delta: { role: 'assistant', content: 'Drafting... ' } }] });
			addChunk(a, { choices: [{ delta: { content: `![draft](${dataUrl(draft)})\n` } }] });
			addChunk(a, { choices: [{ delta: { content: `Here it is: ![image](${dataUrl(final, 'image/png')})` } }] });
			addChunk(a, { choices: [{ delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 } });
			const r = a.result();
			expect(r.images).toHaveLength(1);
			expect(r.images[0].data.equals(final)).toBe(true);
			expect(r.images[0]).toMatchObject({ mimeType: 'image/jpeg', labelledMimeType: 'image/png' });
			expect(r.draftImagesSkipped).toBe(1);
			expect(r.text).toBe('Drafting... \nHere it is:');
			expect(r.finishReason).toBe('STOP');
			expect(r.usage).toEqual({ promptTokens: 5, outputTokens: 9, totalTokens: 14 });
			expect(r.modelVersion).toBe('gemini-3-pro-image-preview');
		});
		it('reads a non-streamed answer and images arrays', () => {
			const a = new ChatAnswer();
			addChunk(a, {
				choices: [
					{ message: { content: 'Done.', images: [{ type: 'image_url', image_url: { url: dataUrl(final) } }] }, finish_reason: 'stop' },
				],
			});
			expect(a.result().images[0].data.equals(final)).toBe(true);
			const b = new ChatAnswer();
			addChunk(b, { choices: [{ delta: { images: [{ image_url: { url: dataUrl(draft) } }] } }] });
			expect(b.result().images).toHaveLength(1);
		});
		it('maps content_filter to a refusal without images', () => {
			const a = new ChatAnswer();
			addChunk(a, { choices: [{ delta: { content: '' }, finish_reason: 'content_filter' }] });
			const r = a.result();
			expect(r.images).toEqual([]);
			expect(r.finishReason).toBe('CONTENT_FILTER');
		});
		it('the images after the last words are the result; a run of images after words is all results', () => {
			const a = new ChatAnswer();
			addChunk(a, { choices: [{ delta: { content: `Here are two.\n\n![image](${dataUrl(draft)})\n\n` } }] });
			addChunk(a, { choices: [{ delta: { content: `![image](${dataUrl(final)})` } }] });
			addChunk(a, { choices: [{ delta: {}, finish_reason: 'stop' }] });
			const r = a.result();
			expect(r.images.map((i) => i.mimeType)).toEqual(['image/png', 'image/jpeg']);
			expect(r.draftImagesSkipped).toBe(0);
			expect(r.text).toBe('Here are two.');
		});
		it('without any words, drafts cannot be told apart: the last image is the result', () => {
			const a = new ChatAnswer();
			addChunk(a, {
				choices: [{ delta: { content: `![d](${dataUrl(draft)})![d](${dataUrl(draft)})![f](${dataUrl(final)})` }, finish_reason: 'stop' }],
			});
			const r = a.result();
			expect(r.images).toHaveLength(1);
			expect(r.images[0].mimeType).toBe('image/jpeg');
			expect(r.draftImagesSkipped).toBe(2);
		});
		it('reads a bare data URL, an image split over chunks, and leaves other data URLs as text', () => {
			const url = dataUrl(final);
			const a = new ChatAnswer();
			addChunk(a, { choices: [{ delta: { content: `A ${url.slice(0, 10)}` } }] });
			addChunk(a, { choices: [{ delta: { content: url.slice(10, 40) } }] });
			addChunk(a, { choices: [{ delta: { content: `${url.slice(40)} B data:text/plain;base64,QUJD` } }] });
			addChunk(a, { choices: [{ delta: {}, finish_reason: 'stop' }] });
			const r = a.result();
			expect(r.images).toHaveLength(1);
			expect(r.images[0].data.equals(final)).toBe(true);
			expect(r.text).toBe('A  B data:text/plain;base64,QUJD');
		});
		it('an undecodable image is reported as such', () => {
			const a = new ChatAnswer();
			addChunk(a, {
				choices: [
					{ delta: { content: `![x](data:image/png;base64,${Buffer.from('<html>hi</html>').toString('base64')})` }, finish_reason: 'stop' },
				],
			});
			expect(a.result().undecodableImages).toEqual([{ labelledMimeType: 'image/png', problem: 'its bytes are text (HTML, XML or SVG)' }]);
		});
	});

	describe('ChatContent', () => {
		it('removes the markdown around an image only when it is there', () => {
			const c = new ChatContent();
			const feed = (text: string) => {
				c.begin('text');
				const b = Buffer.from(text);
				c.write(b, 0, b.length);
				c.endString();
			};
			feed(`[link](x) ![alt text](  ${dataUrl(pngHeader(4, 4))}  ) tail ![`);
			feed(`](not) done`);
			c.finish();
			expect(c.textContent()).toBe('[link](x)  tail ![](not) done');
			expect(c.images).toHaveLength(1);
		});
	});

	describe('chat answers: content lists, meta, escapes and markdown', () => {
		const png = pngHeader(16, 16);
		const text = (a: ChatAnswer) => a.result().text;

		it('content given as a list of parts: text parts are text, image_url parts are images', () => {
			const a = new ChatAnswer();
			addChunk(a, {
				choices: [
					{
						message: {
							content: [{ type: 'text', text: 'Here:' }, { type: 'image_url', image_url: { url: dataUrl(png) } }, 'and a string'],
						},
					},
				],
				finish_reason: 'stop',
			});
			const r = a.result();
			expect(r.text).toBe('Here:and a string');
			expect(r.images.map((i) => i.data)).toEqual([png]);
			const b = new ChatAnswer();
			addChunk(b, { choices: [{ delta: { content: [{ type: 'image_url', imageUrl: dataUrl(png) }] } }] });
			expect(b.result().images).toHaveLength(1);
			const c = new ChatAnswer();
			addChunk(c, { choices: [{ message: { content: 'x', other: 'data:image/png;base64,AAAA', title: 'y' } }] });
			expect(c.result()).toMatchObject({ text: 'x', images: [] });
		});

		it('meta from any chunk: the last finish reason, model and id win; usage as counts; chunks without them change nothing', () => {
			const a = new ChatAnswer();
			addChunk(a, undefined);
			addChunk(a, null);
			addChunk(a, 'text');
			addChunk(a, { id: 'c1', model: 'm1', choices: [{ finish_reason: 'length' }] });
			addChunk(a, {
				id: 'c2',
				model: 'm2',
				choices: [{}, { finishReason: 'stop' }],
				usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
			});
			addChunk(a, { choices: [] });
			expect(a.result()).toMatchObject({
				finishReason: 'STOP',
				modelVersion: 'm2',
				responseId: 'c2',
				usage: { promptTokens: 1, outputTokens: 2, totalTokens: 3 },
			});
			const none = new ChatAnswer().result();
			expect(none).toEqual({
				images: [],
				text: '',
				draftImagesSkipped: 0,
				finishReason: undefined,
				modelVersion: undefined,
				responseId: undefined,
			});
		});

		it('escapes decode to the same text as JSON.parse, a lone high surrogate included', () => {
			const a = new ChatAnswer();
			const reader = a.reader();
			reader.push(Buffer.from('{"choices":[{"delta":{"content":"\\ud83c\\u0041 \\ud83c\\udf4c \\ud83c"}}]}'));
			a.addMeta(reader.end());
			expect(text(a)).toBe(JSON.parse('"\\ud83c\\u0041 \\ud83c\\udf4c \\ud83c"').replace(/\ud83c(?!\udf4c)/g, '\ufffd'));
			expect(text(a)).toBe('\ufffdA 🍌 \ufffd');
		});

		it('markdown is dropped only around an image it wraps', () => {
			const url = dataUrl(png);
			const cases: Array<[string, string]> = [
				[`a](${url}) b`, 'a]() b'],
				[`x ![](${url})`, 'x'],
				[`[not markdown](${url})`, '[not markdown]()'],
				[`![al\nt](${url})`, '![al\nt]()'],
				[`![${'a'.repeat(1200)}](${url})`, `![${'a'.repeat(1200)}]()`],
				[`![a]b](${url})`, '![a]b]()'],
				[`](${url})`, ']()'],
				[`![x](  ${url}  ) tail`, 'tail'],
			];
			for (const [content, expected] of cases) {
				const a = new ChatAnswer();
				addChunk(a, { choices: [{ delta: { content } }] });
				const r = a.result();
				expect([content.slice(0, 20), r.text, r.images.length]).toEqual([content.slice(0, 20), expected, 1]);
			}
		});

		it('a data URL whose type is not an image, or that is not one at all, stays text', () => {
			for (const content of [
				'data:text/plain;base64,QUJD',
				'data:image/png;utf8,<svg/>',
				`data:${'a'.repeat(80)};base64,QUJD`,
				'data:image/png base64,QUJD',
				'DATA:IMAGE;base64,QUJD',
			]) {
				const a = new ChatAnswer();
				addChunk(a, { choices: [{ delta: { content } }] });
				expect([content, a.result().text, a.result().images.length]).toEqual([content, content, 0]);
			}
			const upper = new ChatAnswer();
			addChunk(upper, { choices: [{ delta: { content: `DATA:IMAGE/PNG;BASE64,${png.toString('base64')}` } }] });
			expect(upper.result().images.map((i) => i.data)).toEqual([png]);
		});

		it('the whole answer, not streamed: an error object, JSON that is not an object, or JSON cut short', () => {
			const read = (body: string) => {
				const reader = new BodyReader('chat');
				reader.push(Buffer.from(body));
				return reader.end();
			};
			expect(read('{"error":{"message":"quota","code":"429"}}')).toEqual({ errorEvent: { error: { message: 'quota', code: '429' } } });
			expect(read('{"error":null,"choices":[{"message":{"content":"hi"},"finish_reason":"stop"}]}')).toMatchObject({
				result: { text: 'hi' },
			});
			expect(read('"just a string"')).toEqual({ unreadable: '"just a string"' });
			expect(read('{"choices":[{"message":{"content":"hi')).toEqual({ unreadable: '{"choices":[{"message":{"content":"hi' });
			expect(read('<html>gateway page</html>')).toEqual({ unreadable: '<html>gateway page</html>' });
			// what the message quotes is the start of the body
			const long = read(`<html>${'x'.repeat(2000)}`) as { unreadable: string };
			expect(long.unreadable.length).toBe(512);
		});
	});
});

describe('the chat content scanner, byte by byte: where a data URL starts and ends, and what it takes', () => {
	const png = pngHeader(16, 16);
	const url = dataUrl(png);
	const read = (content: unknown) => {
		const a = new ChatAnswer();
		addChunk(a, { choices: [{ delta: { content } }] });
		return a.result();
	};

	it('a data URL right after a "d" is found, the "d" kept as text; a byte that is not "d" starts no match', () => {
		const after = read(`ab d${url}`);
		expect(after.text).toBe('ab d');
		expect(after.images.map((i) => i.data)).toEqual([png]);
		// "xata:" is not "data:": a byte that breaks a match restarts it only when it is a "d"
		const content = `ab xata:image/png;base64,${png.toString('base64')}`;
		expect(read(content)).toMatchObject({ text: content, images: [] });
	});

	it('after an image in markdown only spaces and the closing parenthesis go; the words after an image left open stay', () => {
		expect(read(`![x](${url}\nNext line`)).toMatchObject({ text: 'Next line', images: [{ data: png }] });
		expect(read(`![x](${url}.) tail`)).toMatchObject({ text: '.) tail', images: [{ data: png }] });
	});

	it('a MIME type of up to 64 bytes is read; one byte more and the data URL stays text', () => {
		const type = (length: number) => `image/${'x'.repeat(length - 'image/'.length)}`;
		const longest = read(dataUrl(png, type(64)));
		expect(longest.images).toEqual([expect.objectContaining({ data: png, mimeType: 'image/png', labelledMimeType: type(64) })]);
		const content = dataUrl(png, type(65));
		expect(read(content)).toMatchObject({ text: content, images: [] });
	});

	it('a MIME type that never ends is held only up to its first bytes, not in memory as it grows', () => {
		// 8 MB of a type with no ";" in 2 MB pieces: held whole (a number a byte) it would take 64 MB of heap or more
		const c = new ChatContent();
		const piece = Buffer.alloc(2 * 1024 * 1024, 'a');
		c.begin('text');
		c.write(Buffer.from('data:'), 0, 5);
		const before = process.memoryUsage().heapUsed;
		for (let k = 0; k < 4; k++) c.write(piece, 0, piece.length);
		const grown = process.memoryUsage().heapUsed - before;
		expect(grown).toBeLessThan(16 * 1024 * 1024);
		c.endString();
		c.finish();
		expect(c.images).toEqual([]);
	});

	it('ChatContent reads only the bytes between start and end: base64 past the end is not part of the image', () => {
		const bytes = Buffer.from(`${url}QUJD`);
		const c = new ChatContent();
		c.begin('text');
		c.write(bytes, 0, bytes.length - 4);
		c.endString();
		c.finish();
		expect(c.images.map((i) => i.data)).toEqual([png]);
	});

	it('markdown is dropped around an image only when "![alt](" comes right before it', () => {
		const cases: Array<[string, string]> = [
			// no "(" before the URL
			[`see ![a] ${url}`, 'see ![a]'],
			// "](" missing its "]", or its "("
			[`![a]] ${url}`, '![a]]'],
			[`![ax(${url}) y`, '![ax() y'],
			// "[" without "!" in the middle of the text
			[`a [link](${url})`, 'a [link]()'],
			// the longest alt text dropped with its image
			[`x ![${'a'.repeat(999)}](${url})`, 'x'],
		];
		for (const [content, expected] of cases) {
			const r = read(content);
			expect([content.slice(0, 20), r.text, r.images.length]).toEqual([content.slice(0, 20), expected, 1]);
		}
	});

	it("the model's text is content, or text parts of a content list; no other string of the chunk is", () => {
		const a = new ChatAnswer();
		addChunk(a, { choices: [{ message: { content: 'Hi', annotations: [{ type: 'note', text: 'note' }], tags: ['t'] } }] });
		expect(a.result().text).toBe('Hi');
	});

	it('images are data URLs in url, image_url or imageUrl fields, or strings of an images list; no other string is', () => {
		const one = (chunk: unknown) => {
			const a = new ChatAnswer();
			addChunk(a, chunk);
			return a.result();
		};
		expect(one({ choices: [{ delta: { content: [{ type: 'image_url', image_url: url }] } }] }).images.map((i) => i.data)).toEqual([png]);
		expect(one({ choices: [{ delta: { images: [url] } }] }).images.map((i) => i.data)).toEqual([png]);
		expect(one({ choices: [{ delta: { content: 'Hi', thumbnails: [url] } }] })).toMatchObject({ text: 'Hi', images: [] });
		// only the URL of an images entry is its image, not another field that holds a data URL
		const final = jpegHeader(64, 64);
		const r = one({ choices: [{ delta: { images: [{ type: 'image_url', image_url: { url: dataUrl(final) }, preview: url }] } }] });
		expect(r.images.map((i) => i.data)).toEqual([final]);
		expect(r.draftImagesSkipped).toBe(0);
	});

	it("a chunk read by the chat reader holds its content as empty strings (the content is the scanner's, not kept twice)", () => {
		const a = new ChatAnswer();
		const reader = a.reader();
		reader.push(Buffer.from(`{"id":"c1","choices":[{"delta":{"content":"Hi ${url}"}}]}`));
		expect(reader.end()).toEqual({ id: 'c1', choices: [{ delta: { content: '' } }] });
	});

	it("an image past the answer's budget stops the read when its URL ends, not only at the end of the answer", () => {
		const budget = new ImageBudget();
		// "QUJDRA" decodes to 4 bytes: 3 as it arrives, the last one only when its string ends
		budget.bytes = ANSWER_LIMITS.maxImageBytes - 3;
		const a = new ChatAnswer(budget);
		const reader = a.reader();
		expect(() =>
			reader.push(Buffer.from('{"choices":[{"delta":{"images":[{"image_url":{"url":"data:image/png;base64,QUJDRA"}}]}}]}')),
		).toThrow('answer limit: imageBytes');
	});
});

describe('the readers: a stream or body cut or broken is not taken for an answer', () => {
	const read = (reader: AnswerReader, chunks: string[]) => {
		for (const chunk of chunks) reader.push(Buffer.from(chunk));
		return reader.end();
	};

	it('the start of a body that is not JSON is quoted up to 512 characters, however it was cut', () => {
		const body = `<html>${'x'.repeat(2000)}`;
		const chunks = Array.from({ length: Math.ceil(body.length / 256) }, (_, k) => body.slice(k * 256, (k + 1) * 256));
		expect(read(new BodyReader('chat'), chunks)).toEqual({ unreadable: body.slice(0, 512) });
	});

	it('native stream: an event that is not JSON after the one with the finish reason makes the stream unreadable', () => {
		const done = JSON.stringify({ candidates: [{ content: { parts: [{ text: 'hi' }] }, finishReason: 'STOP' }] });
		expect(read(new NativeStreamReader(), [`data: ${done}\n\n`])).toMatchObject({ result: { text: 'hi', finishReason: 'STOP' } });
		expect(read(new NativeStreamReader(), [`data: ${done}\n\n`, 'data: {"candidates":[{"cont\n\n'])).toEqual({ unreadable: '' });
	});

	it('chat stream: an event that is not JSON after the finish reason, or a stream of [DONE] alone, is unreadable', () => {
		const done = JSON.stringify({ choices: [{ delta: { content: 'hi' }, finish_reason: 'stop' }] });
		expect(read(new ChatStreamReader(), [`data: ${done}\n\n`])).toMatchObject({ result: { text: 'hi', finishReason: 'STOP' } });
		expect(read(new ChatStreamReader(), [`data: ${done}\n\n`, 'data: {"choices":[{"del\n\n'])).toEqual({ unreadable: '' });
		expect(read(new ChatStreamReader(), ['data: [DONE]\n\n'])).toEqual({ unreadable: '' });
	});

	// A fault: addMeta iterates `choices` as it comes, so an object or a number there throws a TypeError, which
	// readAnswer hands on and the transport describes as a broken connection (and retries). A gateway's answer
	// is not to be trusted to hold a list where the guide shows one.
	it('a chat answer whose choices is not a list is read without them, not thrown as a TypeError', () => {
		for (const choices of [5, true, {}, { finish_reason: 'stop' }]) {
			const chunk = JSON.stringify({ id: 'c1', choices });
			expect(read(new BodyReader('chat'), [chunk])).toMatchObject({ result: { images: [], text: '', responseId: 'c1' } });
			expect(read(new ChatStreamReader(), [`data: ${chunk}\n\n`, 'data: [DONE]\n\n'])).toMatchObject({
				result: { images: [], responseId: 'c1' },
			});
		}
	});
});

describe('readers fed any pieces', () => {
	function readCut(make: () => AnswerReader, text: string | Buffer, cuts: number[]) {
		const reader = make();
		const buf = Buffer.isBuffer(text) ? text : Buffer.from(text);
		let from = 0;
		for (const cut of [...cuts, buf.length]) {
			reader.push(buf.subarray(from, cut));
			from = cut;
		}
		return reader.end();
	}

	describe('streamed readers split at every byte', () => {
		const img = Buffer.concat([pngHeader(20, 10), Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 37) % 256))]);
		const chunk = (delta: object, extra: object = {}) => ({
			id: 'c',
			model: 'm',
			choices: [{ index: 0, delta, finish_reason: null }],
			...extra,
		});
		const chatStream = [
			': PING',
			'',
			`data: ${JSON.stringify(chunk({ role: 'assistant', content: 'Here is "it" é\n\n' })).replace(/\//g, '\\/')}`,
			'',
			`data: ${JSON.stringify(chunk({ content: `![image](${dataUrl(img)})` })).replace(/\//g, '\\/')}`,
			'',
			`data: ${JSON.stringify({ id: 'c', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } })}`,
			'',
			'data: [DONE]',
			'',
			'',
		].join('\r\n');
		const native = (parts: object[], extra: object = {}) => ({ candidates: [{ content: { role: 'model', parts }, index: 0, ...extra }] });
		const nativeStream = [
			': PING',
			'',
			`data: ${JSON.stringify(native([{ text: 'Here is \u00e9' }]))}`,
			'',
			`data: ${JSON.stringify(native([{ inlineData: { mimeType: 'image/png', data: img.toString('base64') } }])).replace(/\//g, '\\/')}`,
			'',
			`data: ${JSON.stringify(native([{ text: '' }], { finishReason: 'STOP' }))}`,
			'',
			'',
		].join('\n');

		it.each([
			['chat', () => new ChatStreamReader(), chatStream, 'Here is "it" é'],
			['native', () => new NativeStreamReader(), nativeStream, 'Here is é'],
		])('%s: the same result as a one-piece read, wherever the cut falls', (_name, make, stream, text) => {
			const whole = readCut(make, stream, []);
			if (!('result' in whole)) throw new Error(`not read: ${JSON.stringify(whole)}`);
			expect(whole.result.images[0].data.equals(img)).toBe(true);
			expect(whole.result.text).toBe(text);
			expect(whole.result.finishReason).toBe('STOP');
			const length = Buffer.byteLength(stream);
			for (let cut = 1; cut < length; cut++) {
				const outcome = readCut(make, stream, [cut]);
				if (!('result' in outcome) || !outcome.result.images[0]?.data.equals(img) || outcome.result.text !== text) {
					throw new Error(`wrong read when cut at byte ${cut}`);
				}
			}
			// every byte its own chunk
			const bytes = readCut(
				make,
				stream,
				Array.from({ length: length - 1 }, (_, i) => i + 1),
			);
			expect('result' in bytes && bytes.result.images[0].data.equals(img)).toBe(true);
		});

		it.each([
			['chat', () => new ChatStreamReader(), chatStream],
			['native', () => new NativeStreamReader(), nativeStream],
		])('%s: cut off at any byte, it is "unreadable" until its last event is in; never half an answer', (_name, make, stream) => {
			const buf = Buffer.from(stream);
			// where the last event (native: the one with the finish reason; chat: the finish chunk) starts
			const last = buf.indexOf('data: ', buf.lastIndexOf(_name === 'chat' ? '"finish_reason":"stop"' : '"finishReason":"STOP"') - 200);
			expect(last).toBeGreaterThan(0);
			for (let cut = 0; cut < buf.length; cut++) {
				const outcome = readCut(make, buf.subarray(0, cut), []);
				if ('result' in outcome) {
					if (cut <= last) throw new Error(`cut at byte ${cut}, before the last event (${last}), read as an answer`);
					expect(outcome.result.images[0].data.equals(img)).toBe(true);
					expect(outcome.result.finishReason).toBe('STOP');
				} else {
					expect(outcome).toEqual({ unreadable: '' });
				}
			}
		});

		it('a stream cut off, an error event, and a non-streamed chat answer', () => {
			expect(readCut(() => new ChatStreamReader(), chatStream.slice(0, chatStream.indexOf('data: [DONE]') - 30), [])).toEqual({
				unreadable: '',
			});
			expect(readCut(() => new ChatStreamReader(), 'data: {"error":{"message":"upstream error","code":"500"}}\n\n', [])).toEqual({
				errorEvent: { error: { message: 'upstream error', code: '500' } },
			});
			const body = JSON.stringify({ choices: [{ message: { content: `ok ![i](${dataUrl(img)})` }, finish_reason: 'stop' }] });
			const outcome = readCut(() => new BodyReader('chat'), body, [5, 100]);
			expect('result' in outcome && outcome.result.images[0].data.equals(img)).toBe(true);
		});
	});

	describe('readerFor', () => {
		const big = Buffer.concat([pngHeader(2048, 2048), Buffer.alloc(1536 * 1024, 9)]);
		const body = Buffer.from(
			JSON.stringify({
				candidates: [
					{ content: { parts: [{ inlineData: { mimeType: 'image/png', data: big.toString('base64') } }] }, finishReason: 'STOP' },
				],
			}),
		);
		const readBody = (headers: Record<string, unknown>) => {
			const reader = readerFor({ chat: false, streaming: false }, headers);
			for (let at = 0; at < body.length; at += 65536) reader.push(body.subarray(at, at + 65536));
			const outcome = reader.end();
			if (!('result' in outcome)) throw new Error('not read');
			expect(outcome.result.images[0].data.equals(big)).toBe(true);
			return outcome.result.images[0].data.buffer.byteLength;
		};

		it('the chat route: a stream, unless the gateway answered with one JSON object', () => {
			expect(readerFor({ chat: true, streaming: false }, { 'content-type': 'text/event-stream' })).toBeInstanceOf(ChatStreamReader);
			expect(readerFor({ chat: true, streaming: false }, {})).toBeInstanceOf(ChatStreamReader);
			const chatBody = readerFor({ chat: true, streaming: true }, { 'content-type': 'Application/JSON; charset=utf-8' });
			expect(chatBody).toBeInstanceOf(BodyReader);
			expect(chatBody).toMatchObject({ route: 'chat' });
			expect(readerFor({ chat: false, streaming: true }, { 'content-type': 'application/json' })).toBeInstanceOf(NativeStreamReader);
			const nativeBody = readerFor({ chat: false, streaming: false }, { 'content-type': 'text/event-stream' });
			expect(nativeBody).toBeInstanceOf(BodyReader);
			expect(nativeBody).toMatchObject({ route: 'native' });
		});

		it("the native body: its Content-Length sizes a large image's buffer; without one, the image gets a room of 64 MB", () => {
			// room for the image, and no more than the body's base64 can hold: 3 bytes for every 4 characters
			const room = readBody({ 'content-length': String(body.length) });
			expect(room).toBeGreaterThanOrEqual(big.length);
			expect(room).toBeLessThanOrEqual((body.length * 3) / 4);
			for (const length of [undefined, '0', '-5', 'abc']) expect(readBody({ 'content-length': length })).toBe(64 * 1024 * 1024);
		});
	});
});

describe('bad input, tried systematically', () => {
	function read(reader: AnswerReader, chunks: Buffer[]): ReadOutcome {
		for (const chunk of chunks) {
			reader.push(chunk);
			if (reader.stopped) break;
		}
		return reader.end();
	}

	const cutsArb = fc.array(fc.nat(), { maxLength: 12 });
	/** Small real images: a PNG or a JPEG header and some bytes of their own. */

	const imageArb = fc
		.tuple(
			fc.constantFrom('png', 'jpeg'),
			fc.integer({ min: 1, max: 4096 }),
			fc.integer({ min: 1, max: 4096 }),
			fc.uint8Array({ maxLength: 64 }),
		)
		.map(([kind, w, h, tail]) => Buffer.concat([kind === 'png' ? pngHeader(w, h) : jpegHeader(w, h), Buffer.from(tail)]));

	/** Every image of a result is a real image: some bytes, a known format. */
	function expectRealImages(result: GenerationResult): void {
		for (const image of result.images) {
			expect(image.data.length).toBeGreaterThan(0);
			expect(sniffImage(image.data)?.mimeType).toBe(image.mimeType);
		}
		if (result.images.length === 0) {
			const why = explainMissingImage(result);
			expect(why.message.length).toBeGreaterThan(10);
			expect(why.description.length).toBeGreaterThan(10);
		}
	}

	describe('native answers', () => {
		// What can stand where an image should be: an image, bytes that are none, text that is no base64, nothing.
		type Data = { kind: 'image'; bytes: Buffer } | { kind: 'bytes'; bytes: Buffer } | { kind: 'text'; text: string } | { kind: 'empty' };
		const dataArb: fc.Arbitrary<Data> = fc.oneof(
			imageArb.map((bytes) => ({ kind: 'image' as const, bytes })),
			fc.uint8Array({ maxLength: 200 }).map((b) => ({ kind: 'bytes' as const, bytes: Buffer.from(b) })),
			fc.string({ unit: 'binary', maxLength: 60 }).map((text) => ({ kind: 'text' as const, text })),
			fc.constant({ kind: 'empty' as const }),
		);
		// Google writes camelCase, CometAPI's docs snake_case; anything else is not a key the reader knows.
		const keyArb = (camel: string, snake: string) =>
			fc.constantFrom(camel, camel, snake, camel.toUpperCase(), `${camel[0].toUpperCase()}${camel.slice(1)}`);
		const known = (key: string, camel: string, snake: string) => key === camel || key === snake;
		const partArb = fc.oneof(
			fc.record({ kind: fc.constant('text' as const), text: fc.string({ maxLength: 40 }), thought: fc.boolean() }),
			fc.record({
				kind: fc.constant('inline' as const),
				key: keyArb('inlineData', 'inline_data'),
				data: dataArb,
				thought: fc.boolean(),
				mime: fc.constantFrom('image/png', 'image/jpeg', 'text/html', ''),
			}),
			fc.record({ kind: fc.constant('junk' as const), value: fc.jsonValue({ maxDepth: 2 }) }),
		);
		const answerArb = fc.record({
			partsKey: keyArb('parts', 'parts'),
			parts: fc.array(partArb, { maxLength: 6 }),
			finishKey: keyArb('finishReason', 'finish_reason'),
			finish: fc.constantFrom('STOP', 'IMAGE_SAFETY', 'MAX_TOKENS', 'OTHER', 'stop', 'who knows', undefined),
			escapeSlashes: fc.boolean(),
		});

		type Answer = typeof answerArb extends fc.Arbitrary<infer A> ? A : never;
		const dataText = (d: Data) => (d.kind === 'image' || d.kind === 'bytes' ? d.bytes.toString('base64') : d.kind === 'text' ? d.text : '');
		const toJson = (a: Answer) => ({
			candidates: [
				{
					content: {
						role: 'model',
						[a.partsKey]: a.parts.map((p) => {
							if (p.kind === 'text') return p.thought ? { text: p.text, thought: true } : { text: p.text };
							if (p.kind === 'junk') return p.value;
							const part: Record<string, unknown> = { [p.key]: { mimeType: p.mime, data: dataText(p.data) } };
							if (p.thought) part.thought = true;
							return part;
						}),
					},
					...(a.finish === undefined ? {} : { [a.finishKey]: a.finish }),
				},
			],
		});
		/** The images the answer really holds, in order: final parts under a known key whose bytes are an image. */
		const expectedImages = (a: Answer) =>
			a.parts.flatMap((p) => {
				if (p.kind !== 'inline' || p.thought || !known(p.key, 'inlineData', 'inline_data') || !known(a.partsKey, 'parts', 'parts'))
					return [];
				const bytes = p.data.kind === 'image' || p.data.kind === 'bytes' ? p.data.bytes : undefined;
				return bytes && sniffImage(bytes) ? [bytes] : [];
			});

		it('any answer, read whole or in any pieces, gives exactly the images it holds, or says why there is none', () => {
			fc.assert(
				fc.property(answerArb, cutsArb, fc.boolean(), (answer, cuts, withLength) => {
					let text = JSON.stringify(toJson(answer));
					if (answer.escapeSlashes) text = text.replace(/\//g, '\\/');
					const body = Buffer.from(text);
					const outcome = read(new BodyReader('native', withLength ? body.length : undefined), pieces(body, cuts));
					expect('result' in outcome).toBe(true);
					const { result } = outcome as { result: GenerationResult };
					expect(result.images.map((i) => i.data)).toEqual(expectedImages(answer));
					expectRealImages(result);
					// the same answer given as an object (small answers, tests) reads the same
					expect(parseNativeResponse(JSON.parse(text)).images.map((i) => i.data)).toEqual(expectedImages(answer));
				}),
				runs(300),
			);
		});

		it('arbitrary JSON or bytes: an answer (maybe without image) or "unreadable", never a throw', () => {
			const bodyArb = fc.oneof(
				fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
				fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
				fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s)),
			);
			fc.assert(
				fc.property(bodyArb, cutsArb, (body, cuts) => {
					const outcome = read(new BodyReader('native'), pieces(body, cuts));
					if ('result' in outcome) expectRealImages(outcome.result);
					else expect(outcome).toEqual({ unreadable: expect.any(String) });
				}),
				runs(300),
			);
		});
	});

	/** One answer with an image as the native stream sends it, and as the chat route streams it. */
	function streams(image: Buffer, text: string, crlf: boolean) {
		const nl = crlf ? '\r\n' : '\n';
		const event = (json: object) => `data: ${JSON.stringify(json)}${nl}${nl}`;
		const native = [
			`: PING${nl}${nl}`,
			event({ candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }] }),
			event({
				candidates: [
					{ content: { role: 'model', parts: [{ inlineData: { mimeType: 'image/png', data: image.toString('base64') } }] }, index: 0 },
				],
			}),
			event({
				candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 }],
				usageMetadata: { totalTokenCount: 9 },
			}),
		].join('');
		const chunk = (delta: object, finish: string | null = null) => ({
			id: 'c',
			object: 'chat.completion.chunk',
			choices: [{ index: 0, delta, finish_reason: finish }],
		});
		const chat = [
			`: PING${nl}${nl}`,
			event(chunk({ role: 'assistant', content: `${text}\n\n` })),
			event(chunk({ content: `![image](data:image/png;base64,${image.toString('base64')})` })),
			event(chunk({}, 'stop')),
			`data: [DONE]${nl}${nl}`,
		].join('');
		return { native, chat };
	}

	const routes: Array<['native' | 'chat', () => AnswerReader]> = [
		['native', () => new NativeStreamReader()],
		['chat', () => new ChatStreamReader()],
	];

	describe.each(routes)('%s streams', (route, make) => {
		const streamArb = fc.record({
			image: imageArb,
			text: fc.string({ minLength: 1, maxLength: 30 }).filter((t) => t.trim().length > 0 && !t.includes('data:')),
			crlf: fc.boolean(),
		});

		it('read in any pieces: the same image as read whole', () => {
			fc.assert(
				fc.property(streamArb, cutsArb, ({ image, text, crlf }, cuts) => {
					const body = Buffer.from(streams(image, text, crlf)[route]);
					const outcome = read(make(), pieces(body, cuts));
					expect('result' in outcome && outcome.result.images.map((i) => i.data)).toEqual([image]);
				}),
				runs(150),
			);
		});

		it('cut off anywhere: either "unreadable" or, once every event is in, the whole answer; never a part of one', () => {
			fc.assert(
				fc.property(streamArb, fc.double({ min: 0, max: 1, noNaN: true }), ({ image, text, crlf }, where) => {
					const body = Buffer.from(streams(image, text, crlf)[route]);
					const cut = Math.floor(where * body.length);
					const outcome = read(make(), [body.subarray(0, cut)]);
					if ('result' in outcome) {
						expect(outcome.result.images.map((i) => i.data)).toEqual([image]);
						// the finish reason came: only the very end (the blank line, the [DONE]) may be missing
						expect(outcome.result.finishReason).toBe('STOP');
					} else {
						expect(outcome).toEqual({ unreadable: '' });
					}
				}),
				runs(300),
			);
		});

		it('field names in other casing ("Data:", "DATA:") are not data: nothing is taken for an answer', () => {
			fc.assert(
				fc.property(
					streamArb,
					fc.mixedCase(fc.constant('data')).filter((f) => f !== 'data'),
					({ image, text, crlf }, field) => {
						const body = Buffer.from(streams(image, text, crlf)[route].replace(/^data:/gm, `${field}:`));
						expect(read(make(), [body])).toEqual({ unreadable: '' });
					},
				),
				runs(50),
			);
		});

		it('a multi-megabyte line in pieces of any size decodes to the exact image', () => {
			const big = Buffer.concat([pngHeader(4096, 4096), Buffer.alloc(1024 * 1024, 7)]);
			fc.assert(
				fc.property(fc.integer({ min: 1, max: 300_000 }), fc.boolean(), (size, crlf) => {
					const body = Buffer.from(streams(big, 'Here it is.', crlf)[route]);
					const chunks: Buffer[] = [];
					for (let at = 0; at < body.length; at += size) chunks.push(body.subarray(at, at + size));
					const outcome = read(make(), chunks);
					expect('result' in outcome && outcome.result.images[0].data.equals(big)).toBe(true);
				}),
				runs(3),
			);
		});

		it('arbitrary bytes or events: an answer (maybe without image), an error event or "unreadable", never a throw', () => {
			const eventArb = fc.oneof(
				fc.jsonValue({ maxDepth: 3 }).map((v) => `data: ${JSON.stringify(v)}\n\n`),
				fc.string({ unit: 'binary', maxLength: 80 }),
				fc.constantFrom(
					'data: [DONE]\n\n',
					': PING\r\n\r\n',
					'data: {"error":{"code":429}}\n\n',
					'event: x\nid: 1\n\n',
					'data: {"choices":[{"delta":{"content":"![x](data:image/png;base64,AAA"}}]}\n\n',
				),
			);
			fc.assert(
				fc.property(fc.array(eventArb, { maxLength: 8 }), cutsArb, (events, cuts) => {
					const outcome = read(make(), pieces(Buffer.from(events.join('')), cuts));
					if ('result' in outcome) expectRealImages(outcome.result);
					else if ('errorEvent' in outcome) expect(describeErrorEvent(outcome.errorEvent).message).toMatch(/^CometAPI answered [45]\d\d/);
					else expect(outcome).toEqual({ unreadable: '' });
				}),
				runs(300),
			);
		});
	});

	describe('chat content', () => {
		// Text around the images with markdown and data-URL fragments, as a confused gateway or model may send.
		const noiseArb = fc
			.array(
				fc.constantFrom(
					'Here ',
					'is ',
					'![',
					'](',
					')',
					'data:',
					'DATA:image/png;base64,',
					'image/',
					';base64,',
					'QUJD',
					' ',
					'\n',
					'![a](data:text/plain;base64,QUJD)',
					'!',
					'[',
					']',
				),
				{ maxLength: 8 },
			)
			.map((p) => p.join(''));
		const contentArb = fc.array(fc.tuple(noiseArb, imageArb, fc.constantFrom('![image](', '![](', '', ' ')), {
			minLength: 1,
			maxLength: 3,
		});

		it('gives real images only, the last one always among them, whatever text surrounds them', () => {
			fc.assert(
				fc.property(contentArb, noiseArb, fc.boolean(), (parts, tail, mixedCase) => {
					const content =
						parts
							.map(
								([noise, image, open]) =>
									`${noise} ${open}${mixedCase ? 'Data:Image/PNG;Base64,' : 'data:image/png;base64,'}${image.toString('base64')}${open.startsWith('!') ? ')' : ' '}`,
							)
							.join('') + tail;
					const reader = new BodyReader('chat');
					const body = Buffer.from(JSON.stringify({ choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop' }] }));
					const outcome = read(reader, [body]);
					expect('result' in outcome).toBe(true);
					const { result } = outcome as { result: GenerationResult };
					expectRealImages(result);
					const given = parts.map(([, image]) => image);
					for (const image of result.images) expect(given.some((g) => g.equals(image.data))).toBe(true);
					// The last image is the result (a data: URL after it, even a broken one, would be the last image).
					if (!/data:/i.test(tail)) expect(result.images.some((i) => i.data.equals(given[given.length - 1]))).toBe(true);
					expect(result.text).not.toMatch(/base64,[A-Za-z0-9+/]{40}/);
				}),
				runs(300),
			);
		});
	});
});

describe('readAnswer: the one entry for both routes', () => {
	const context = { model: 'm', baseUrl: 'http://127.0.0.1:1', secret: 'Zq8xLm2PvR7tK4wN' };
	async function* chunks(...pieces: Array<string | Buffer>) {
		for (const piece of pieces) yield Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
	}
	const img = pngHeader(4, 3);
	const native = JSON.stringify({
		candidates: [{ content: { parts: [{ inlineData: { mimeType: 'image/png', data: img.toString('base64') } }] }, finishReason: 'STOP' }],
	});

	it('gives the result of either route, read in pieces', async () => {
		const body = await readAnswer(
			{ chat: false, streaming: false },
			{ headers: {}, chunks: chunks(native.slice(0, 50), native.slice(50)) },
			context,
		);
		expect(body).toMatchObject({ value: { images: [{ mimeType: 'image/png', width: 4, height: 3 }], finishReason: 'STOP' } });
		const stream = `data: ${JSON.stringify({ choices: [{ delta: { content: `![i](${dataUrl(img)})` }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`;
		const chat = await readAnswer(
			{ chat: true, streaming: true },
			{ headers: { 'content-type': 'text/event-stream' }, chunks: chunks(stream) },
			context,
		);
		expect(chat).toMatchObject({ value: { images: [{ mimeType: 'image/png' }], finishReason: 'STOP' } });
	});

	it('an error event, or a body that is not the JSON expected, is a failure described as such', async () => {
		const error = { error: { code: 429, message: 'slow down' } };
		const event = await readAnswer(
			{ chat: false, streaming: true },
			{ headers: {}, chunks: chunks(`data: ${JSON.stringify(error)}\n\n`) },
			context,
		);
		expect(event).toEqual({ failure: describeErrorEvent(error, context) });
		const html = await readAnswer(
			{ chat: false, streaming: false },
			{ headers: { 'content-type': 'text/html' }, chunks: chunks('<html>') },
			context,
		);
		expect(html).toEqual({ failure: describeUnreadableBody('<html>', 'text/html', context) });
	});

	it('an answer past a limit is a final failure that says which limit, not a throw', async () => {
		const many = JSON.stringify({
			candidates: [
				{
					content: {
						parts: Array.from({ length: ANSWER_LIMITS.maxImages + 1 }, () => ({ inlineData: { mimeType: 'image/png', data: 'QUJD' } })),
					},
				},
			],
		});
		const outcome = await readAnswer({ chat: false, streaming: false }, { headers: {}, chunks: chunks(many) }, context);
		expect(outcome).toEqual({ failure: { ...describeLimit('images'), retryable: false } });
	});

	it('anything else thrown while reading (a broken connection) goes on to the caller', async () => {
		async function* broken() {
			yield Buffer.from('{"candidates":');
			throw new Error('socket hang up');
		}
		await expect(readAnswer({ chat: false, streaming: false }, { headers: {}, chunks: broken() }, context)).rejects.toThrow(
			'socket hang up',
		);
	});
});

describe('the limits of one answer', () => {
	it('says which limit an answer passed', () => {
		expect(describeLimit('images').message).toBe("CometAPI's answer holds more than 32 images, the most this node reads from one answer");
		expect(describeLimit('imageBytes').message).toBe(
			"CometAPI's answer holds more than 256 MB of images, the most this node reads from one answer",
		);
		expect(describeLimit('json').message).toBe("CometAPI's answer holds more than 16 MB besides its images, the most this node reads");
		for (const kind of ['images', 'imageBytes', 'json'] as const)
			expect(describeLimit(kind).description).toMatch(/^A real answer of the image API stays far below this/);
	});

	it('text past the limit is cut with a note; text within it, unless cut already, is left alone', () => {
		expect(capText('short')).toBe('short');
		expect(capText('short', true)).toBe("short … [cut: the model's text is longer than 100,000 characters]");
		const long = 'x'.repeat(ANSWER_LIMITS.maxTextChars + 1);
		expect(capText(long)).toBe(`${'x'.repeat(ANSWER_LIMITS.maxTextChars)} … [cut: the model's text is longer than 100,000 characters]`);
		expect(capText('y'.repeat(ANSWER_LIMITS.maxTextChars))).toBe('y'.repeat(100_000));
	});
});

describe('native answers: parts, usage and blob references, read strictly', () => {
	const b64 = (b: Buffer) => b.toString('base64');
	const png = pngHeader(8, 8);
	const max = ANSWER_LIMITS.maxTextChars;
	const answer = (parts: unknown[], extra: object = {}) => ({ candidates: [{ content: { role: 'model', parts } }], ...extra });

	it('a text part past the limit is cut to 100,000 characters, whether it comes whole or in the pieces of a stream', () => {
		expect(max).toBe(100_000);
		const whole = parseNativeResponse(answer([{ text: 'x'.repeat(100_005) }]));
		expect(whole.parts).toEqual([{ text: 'x'.repeat(100_000) }]);
		const streamed = emptyResult();
		mergeNativeResponse(streamed, answer([{ text: 'x'.repeat(99_998) }]));
		mergeNativeResponse(streamed, answer([{ text: 'yyyyy' }]));
		expect(streamed.parts).toEqual([{ text: `${'x'.repeat(99_998)}yy` }]);
	});

	it('a part without a signature carries no thoughtSignature key, in one answer or joined from a stream', () => {
		const one = parseNativeResponse(answer([{ text: 'a' }, { inlineData: { mimeType: 'image/png', data: b64(png) } }]));
		expect(one.parts).toStrictEqual([{ text: 'a' }, { image: 0 }]);
		const streamed = emptyResult();
		mergeNativeResponse(streamed, answer([{ text: 'Here ' }]));
		mergeNativeResponse(streamed, answer([{ text: 'it is.' }]));
		expect(streamed.parts).toStrictEqual([{ text: 'Here it is.' }]);
	});

	it('a text that is not a string, or a signature on a part that is neither text nor image, adds no part and no text', () => {
		const r = parseNativeResponse(answer([{ text: 5 }, { text: { nested: 'x' } }, { functionCall: { name: 'f' }, thoughtSignature: 'S' }]));
		expect(r.parts).toBeUndefined();
		expect(r.text).toBe('');
	});

	it('a later event without usage keeps the usage of an earlier one; an answer without any has none', () => {
		expect(parseNativeResponse(answer([{ text: 'a' }]))).not.toHaveProperty('usage');
		const streamed = emptyResult();
		mergeNativeResponse(streamed, answer([{ text: 'a' }], { usageMetadata: { promptTokenCount: 3, totalTokenCount: 9 } }));
		mergeNativeResponse(streamed, answer([{ text: 'b' }]));
		expect(streamed.usage).toEqual({ promptTokens: 3, totalTokens: 9 });
	});

	it('merged without decoded images, a blob reference finds no image: its text is simply not base64', () => {
		const r = mergeNativeResponse(emptyResult(), answer([{ inlineData: { mimeType: 'image/png', data: '\u0000blob:0' } }]));
		expect(r.images).toEqual([]);
		expect(r.undecodableImages).toEqual([{ labelledMimeType: 'image/png', problem: 'its data is not base64' }]);
	});
});

describe("chat answers: the text's byte limit, spaces, letter case and where an image ends", () => {
	const png = pngHeader(8, 8);
	const jpeg = jpegHeader(4, 4);
	const note = " … [cut: the model's text is longer than 100,000 characters]";
	/** A chat answer from the content strings of its chunks, read as the route reads them. */
	const chat = (...contents: string[]) => {
		const a = new ChatAnswer();
		for (const content of contents) addChunk(a, { choices: [{ delta: { content } }] });
		addChunk(a, { choices: [{ delta: {}, finish_reason: 'stop' }] });
		return a.result();
	};

	// Line breaks collapse to one blank line in the text, so the 400,000 bytes the reader keeps (4 per character
	// of the text limit, for any UTF-8) show in a short text: what is past them is dropped, and the text says it was cut.
	it('keeps the text up to 400,000 bytes whole, and cuts it there with a note', () => {
		const lines = '\n'.repeat(399_998);
		expect(chat(`a${lines}b`).text).toBe('a\n\nb');
		expect(chat(`a${lines}bc`).text).toBe(`a\n\nb${note}`);
		// the same when the cut comes in a later chunk than the start of the text
		expect(chat('a', `${lines}bc`).text).toBe(`a\n\nb${note}`);
		expect(chat('a', `${lines}b`, 'c', 'd').text).toBe(`a\n\nb${note}`);
	});

	it('once the text is cut, no later text is kept, even after an image whose markdown the cut had reached is taken out', () => {
		// the cut falls inside "data:", so the kept text shrinks back to before "![x](" when the image starts
		const r = chat(`a${'\n'.repeat(399_991)}![x](${dataUrl(png)}) tail`);
		expect(r.text).toBe(`a${note}`);
		expect(r.images.map((i) => i.data)).toEqual([png]);
	});

	it('three or more line breaks in a row become one blank line', () => {
		expect(chat('One.\n\n\nTwo.\n\n\n\n\nThree.\n\nFour.').text).toBe('One.\n\nTwo.\n\nThree.\n\nFour.');
	});

	it("a data URL's type is read whatever the case of its letters, A to Z", () => {
		const r = chat(`![x](data:IMAGE/ABCDEFGHIJKLMNOPQRSTUVWXYZ;BASE64,${png.toString('base64')})`);
		expect(r.images.map((i) => i.data)).toEqual([png]);
		expect(r.images[0].labelledMimeType).toBe('image/abcdefghijklmnopqrstuvwxyz');
		expect(r.text).toBe('');
	});

	it('control characters do not stand in for the letters and signs of "data:image/png;base64,": such text stays text', () => {
		const b64 = png.toString('base64');
		// 0x1a, 0x0f and 0x1b are ':', '/' and ';' with bit 5 cleared, the bit that tells a capital letter
		for (const fake of [`data\u001aimage/png;base64,${b64}`, `data:image\u000fpng;base64,${b64}`, `data:image/png\u001bbase64,${b64}`]) {
			const r = chat(`See ${fake} here`);
			expect(r.images).toEqual([]);
			expect(r.undecodableImages).toBeUndefined();
			expect(r.text).toBe(`See ${fake} here`);
		}
	});

	it('tabs and carriage returns around a data URL count as spaces: the markdown around the image goes with it', () => {
		const r = chat(`Look:\n![a](\t\r${dataUrl(png)}\r\t)\t\r\nDone.`);
		expect(r.images.map((i) => i.data)).toEqual([png]);
		expect(r.text).toBe('Look:\n\t\r\nDone.');
	});

	it("an image that ends the text of one chunk ends when a URL string starts, and the URL's image is read too", () => {
		const a = new ChatAnswer();
		addChunk(a, { choices: [{ delta: { content: `Here: ${dataUrl(png)}` } }] });
		addChunk(a, { choices: [{ delta: { images: [{ type: 'image_url', image_url: { url: dataUrl(jpeg, 'image/jpeg') } }] } }] });
		addChunk(a, { choices: [{ delta: {}, finish_reason: 'stop' }] });
		const r = a.result();
		expect(r.images.map((i) => i.data)).toEqual([png, jpeg]);
		expect(r.text).toBe('Here:');
		expect(r.draftImagesSkipped).toBe(0);
	});

	it('an image in a URL string ends with its string: one past the image budget on its last bytes stops the reading there', () => {
		const budget = new ImageBudget();
		budget.bytes = ANSWER_LIMITS.maxImageBytes - png.length;
		const a = new ChatAnswer(budget);
		// one byte more than the budget holds, its base64 unpadded: the last byte is decoded when the string ends
		const url = `data:image/png;base64,${Buffer.concat([png, Buffer.of(0)])
			.toString('base64')
			.replace(/=+$/, '')}`;
		const reader = a.reader();
		let thrown: unknown;
		try {
			reader.push(Buffer.from(JSON.stringify({ choices: [{ delta: { images: [{ image_url: { url } }] } }] })));
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(AnswerLimitError);
		expect((thrown as AnswerLimitError).kind).toBe('imageBytes');
	});
});

describe("fields of another type than the API's read as absent (the answer is anyone's JSON)", () => {
	const png = pngHeader(3, 2);
	const odd = [5, true, {}, [], { a: 1 }, ['x'], 1e400];
	const body = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
	/** A count is a finite number (1e400 parses to Infinity). */
	const asCount = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
	function readChat(answer: unknown, streamed: boolean): ReadOutcome {
		const reader = streamed ? new ChatStreamReader() : new BodyReader('chat');
		reader.push(streamed ? Buffer.from(`data: ${JSON.stringify(answer)}\n\ndata: [DONE]\n\n`) : body(answer));
		return reader.end();
	}

	it('native: texts, counts and labels of another type are left out; the image is still read', () => {
		for (const v of odd) {
			const result = parseNativeResponse({
				candidates: [
					{
						content: { parts: [{ inlineData: { mimeType: v, data: png.toString('base64') }, thoughtSignature: v }, { text: v }] },
						finishReason: v,
						finishMessage: v,
						groundingMetadata: { groundingChunks: [{ web: { uri: v, title: v } }, { web: v }], webSearchQueries: [v] },
					},
				],
				promptFeedback: { blockReason: v, blockReasonMessage: v },
				usageMetadata: { promptTokenCount: v, candidatesTokenCount: v, thoughtsTokenCount: v, totalTokenCount: v },
				modelVersion: v,
				responseId: v,
			});
			expect(result).toStrictEqual({
				images: [{ data: png, mimeType: 'image/png', extension: 'png', width: 3, height: 2 }],
				text: '',
				draftImagesSkipped: 0,
				parts: [{ image: 0 }],
				finishReason: undefined,
				finishMessage: undefined,
				groundingSources: [],
				searchQueries: [],
				blockReason: undefined,
				blockReasonMessage: undefined,
				usage: { promptTokens: asCount(v), outputTokens: asCount(v), thoughtsTokens: asCount(v), totalTokens: asCount(v) },
				modelVersion: undefined,
				responseId: undefined,
			});
		}
	});

	it('native: a finish reason of another type is no finish reason, so a stream that has no other is cut off', () => {
		const reader = new NativeStreamReader();
		reader.push(Buffer.from(`data: ${JSON.stringify({ candidates: [{ content: { parts: [{ text: 'hi' }] }, finishReason: {} }] })}\n\n`));
		expect(reader.end()).toStrictEqual({ unreadable: '' });
	});

	it.each([
		['whole', false],
		['streamed', true],
	])('chat (%s): choices, finish reason, model, id and usage of another type are left out, not thrown', (_name, streamed) => {
		for (const v of odd) {
			const outcome = readChat({ id: v, model: v, usage: v, choices: [{ message: { content: 'hi' }, finish_reason: v }, v] }, streamed);
			expect(outcome).toStrictEqual({
				result: {
					images: [],
					text: 'hi',
					draftImagesSkipped: 0,
					finishReason: undefined,
					modelVersion: undefined,
					responseId: undefined,
					...(v && typeof v === 'object' ? { usage: { promptTokens: undefined, outputTokens: undefined, totalTokens: undefined } } : {}),
				},
			});
			const counted = readChat({ id: 'c', choices: [], usage: { prompt_tokens: v, completion_tokens: 3, total_tokens: v } }, streamed);
			expect('result' in counted && counted.result.usage).toStrictEqual({
				promptTokens: asCount(v),
				outputTokens: 3,
				totalTokens: asCount(v),
			});
		}
	});

	it('any JSON value in any field of either route reads without throwing, and only as text or a count (fast-check)', () => {
		const textOrAbsent = (v: unknown) => v === undefined || typeof v === 'string';
		const countOrAbsent = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));
		fc.assert(
			fc.property(fc.jsonValue(), fc.jsonValue(), fc.boolean(), (a, b, streamed) => {
				const native = parseNativeResponse({
					candidates: [{ content: { parts: [{ text: a, thoughtSignature: b }] }, finishReason: a, groundingMetadata: b }],
					usageMetadata: { totalTokenCount: a },
					modelVersion: b,
					responseId: a,
				});
				const chat = readChat(
					{ id: a, model: b, usage: { total_tokens: a }, choices: [{ delta: { content: 'x' }, finish_reason: b }] },
					streamed,
				);
				expect('result' in chat).toBe(true);
				for (const result of [native, (chat as { result: GenerationResult }).result]) {
					for (const key of ['finishReason', 'finishMessage', 'modelVersion', 'responseId'] as const)
						expect(textOrAbsent(result[key])).toBe(true);
					for (const count of Object.values(result.usage ?? {})) expect(countOrAbsent(count)).toBe(true);
					for (const source of result.groundingSources ?? []) expect(textOrAbsent(source.uri) && textOrAbsent(source.title)).toBe(true);
					for (const query of result.searchQueries ?? []) expect(typeof query).toBe('string');
				}
			}),
			runs(300),
		);
	});
});
