import { buildNativeRequest } from '../../nodes/GeminiImage/api/native/request';
import { mergeNativeResponse, parseNativeResponse } from '../../nodes/GeminiImage/api/native/response';
import type { GenerationResult } from '../../nodes/GeminiImage/api/types';
import { jpegHeader, pngHeader } from './fixtures';

const b64 = (b: Buffer) => b.toString('base64');
const png = pngHeader(8, 8);
const answer = (parts: unknown[]) => ({ candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP' }] });

describe('the answer as parts, for the next turn of a conversation', () => {
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

describe('a request that continues a conversation', () => {
	it('sends the earlier turns first, their images being the first input images, then the prompt with the rest', () => {
		const a = pngHeader(2, 2);
		const b = jpegHeader(3, 3);
		const body = buildNativeRequest({
			model: 'm',
			prompt: 'add rain',
			images: [
				{ data: a, mimeType: 'image/png', source: 'data' },
				{ data: b, mimeType: 'image/jpeg', source: 'logo' },
			],
			history: {
				turns: [
					{ role: 'user', parts: [{ text: 'a fox' }] },
					{
						role: 'model',
						parts: [
							{ text: 'ok', thoughtSignature: 'S1' },
							{ image: 'data', mimeType: 'image/jpeg', thoughtSignature: 'S2' },
						],
					},
				],
				earlierPrompts: [],
			},
		});
		expect(body.contents).toEqual([
			{ role: 'user', parts: [{ text: 'a fox' }] },
			// the loaded image's real type wins over the one written in the conversation
			{
				role: 'model',
				parts: [
					{ text: 'ok', thoughtSignature: 'S1' },
					{ inlineData: { mimeType: 'image/png', data: b64(a) }, thoughtSignature: 'S2' },
				],
			},
			{ role: 'user', parts: [{ text: 'add rain' }, { inlineData: { mimeType: 'image/jpeg', data: b64(b) } }] },
		]);
	});
});
