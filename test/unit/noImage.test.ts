/** api/errors/noImage.ts: why an answer holds no image (refusal, blocked prompt, text only, ...) and what to do. */
import { explainMissingImage } from '../../nodes/GeminiImage/api/errors/noImage';
import { parseNativeResponse } from '../../nodes/GeminiImage/helpers/answers';

describe('explainMissingImage', () => {
	it('explains a safety refusal with the finish message', () => {
		const r = parseNativeResponse({
			candidates: [{ content: { parts: null }, finishReason: 'IMAGE_SAFETY', finishMessage: 'Unable to show the generated image.' }],
		});
		const e = explainMissingImage(r);
		expect(e.reason).toBe('safety');
		expect(e.message).toBe('The model refused to make the image (IMAGE_SAFETY). Unable to show the generated image.');
	});
	it('explains a blocked prompt, NO_IMAGE, a text-only answer and an empty answer', () => {
		expect(explainMissingImage(parseNativeResponse({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } })).message).toBe(
			'The prompt was blocked before any image was made (PROHIBITED_CONTENT).',
		);
		expect(explainMissingImage(parseNativeResponse({ candidates: [{ finishReason: 'NO_IMAGE' }] })).reason).toBe('noImage');
		const text = explainMissingImage(
			parseNativeResponse({ candidates: [{ content: { parts: [{ text: 'I cannot draw.' }] }, finishReason: 'STOP' }] }),
		);
		expect(text.reason).toBe('textOnly');
		expect(text.message).toContain('"I cannot draw."');
		expect(explainMissingImage(parseNativeResponse({})).reason).toBe('empty');
	});
});

describe('explaining a missing image, each reason', () => {
	const result = (extra: object) => ({ images: [], text: '', draftImagesSkipped: 0, ...extra });
	it('a blocked prompt with its message; with input images the advice mentions them', () => {
		expect(explainMissingImage(result({ blockReason: 'SAFETY', blockReasonMessage: 'Not allowed.' }), true)).toEqual({
			reason: 'blocked',
			message: 'The prompt was blocked before any image was made (SAFETY). Not allowed.',
			description: 'Rephrase the prompt or change the input images: the safety filter rejected the request itself.',
		});
	});
	it.each([
		'IMAGE_SAFETY',
		'IMAGE_PROHIBITED_CONTENT',
		'SAFETY',
		'PROHIBITED_CONTENT',
		'BLOCKLIST',
		'SPII',
		'CONTENT_FILTER',
		'content_filter',
	])('%s is a safety refusal', (finish) => {
		expect(explainMissingImage(result({ finishReason: finish })).message).toBe(
			`The model refused to make the image (${finish.toUpperCase()}).`,
		);
	});
	it.each(['RECITATION', 'IMAGE_RECITATION'])('%s says the image would copy existing content', (finish) => {
		expect(explainMissingImage(result({ finishReason: finish, finishMessage: ' Too close. ', text: 'a b' }))).toEqual({
			reason: 'recitation',
			message: `The model stopped because the image would copy existing content too closely (${finish}). Too close. The model said: "a b"`,
			description: 'Ask for something more original, or describe the subject in your own words.',
		});
	});
	it.each(['NO_IMAGE', 'IMAGE_OTHER', 'OTHER'])('%s: no image produced', (finish) => {
		expect(explainMissingImage(result({ finishReason: finish })).reason).toBe('noImage');
	});
	it('MAX_TOKENS, with and without input images', () => {
		expect(explainMissingImage(result({ finishReason: 'MAX_TOKENS' })).description).toBe('Try a shorter prompt or a smaller image size.');
		expect(explainMissingImage(result({ finishReason: 'MAX_TOKENS' }), true).description).toBe(
			'Try a shorter prompt or a smaller image size, or fewer input images.',
		);
	});
	it('long text is quoted on one line, cut at 300 characters', () => {
		const text = `${'word '.repeat(100)}\n\nend`;
		const { message } = explainMissingImage(result({ text }));
		expect(message).toBe(`The model answered with text only, no image. The model said: "${'word '.repeat(60).slice(0, 300)}…"`);
	});
	it('an image that could not be read, labelled or not', () => {
		expect(explainMissingImage(result({ undecodableImages: [{ problem: 'its data is not base64' }] })).message).toBe(
			'The answer held an image that could not be read: its data is not base64.',
		);
	});
	it('nothing at all, with and without a finish reason', () => {
		expect(explainMissingImage(result({ finishReason: 'stop', finishMessage: 'Done.' })).message).toBe(
			'The model returned no image and no text (finish reason STOP). Done.',
		);
		expect(explainMissingImage(result({})).message).toBe('The model returned no image and no text.');
	});
});
