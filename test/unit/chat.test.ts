import { buildChatRequest, ChatAnswer, extractDataUrlImages } from '../../nodes/GeminiImage/api/chat';
import { SseParser } from '../../nodes/GeminiImage/api/sse';
import { jpegHeader, pngHeader } from './fixtures';

const dataUrl = (b: Buffer, mime = 'image/png') => `data:${mime};base64,${b.toString('base64')}`;

describe('buildChatRequest', () => {
	it('streams, sends images as data URLs and Gemini settings in extra_body.google (snake_case)', () => {
		const img = pngHeader(2, 2);
		const body = buildChatRequest({
			model: 'gemini-2.5-flash-image',
			prompt: 'a cat',
			images: [{ data: img, mimeType: 'image/png', source: 'data' }],
			aspectRatio: '16:9',
			imageSize: '2K',
			systemInstruction: 'be nice',
			temperature: 0.5,
			topP: 0.9,
			seed: 7,
		});
		expect(body).toEqual({
			model: 'gemini-2.5-flash-image',
			stream: true,
			messages: [
				{ role: 'system', content: 'be nice' },
				{ role: 'user', content: [{ type: 'text', text: 'a cat' }, { type: 'image_url', image_url: { url: dataUrl(img) } }] },
			],
			temperature: 0.5,
			top_p: 0.9,
			seed: 7,
			extra_body: { google: { image_config: { aspect_ratio: '16:9', image_size: '2K' } } },
		});
	});
	it('sends no extra_body when nothing Gemini-specific is set', () => {
		expect(buildChatRequest({ model: 'm', prompt: 'p', images: [] })).not.toHaveProperty('extra_body');
	});
});

describe('ChatAnswer', () => {
	const draft = pngHeader(512, 512);
	const final = jpegHeader(1024, 1024);

	it('reads a streamed answer: text pieces, drafts first, the last image is the result', () => {
		const a = new ChatAnswer();
		a.add({ id: 'c1', model: 'gemini-3-pro-image-preview', choices: [{ delta: { role: 'assistant', content: 'Drafting... ' } }] });
		a.add({ choices: [{ delta: { content: `![draft](${dataUrl(draft)})\n` } }] });
		a.add({ choices: [{ delta: { content: `Here it is: ![image](${dataUrl(final, 'image/png')})` } }] });
		a.add({ choices: [{ delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 } });
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
		a.add({ choices: [{ message: { content: 'Done.', images: [{ type: 'image_url', image_url: { url: dataUrl(final) } }] }, finish_reason: 'stop' }] });
		expect(a.result().images[0].data.equals(final)).toBe(true);
		const b = new ChatAnswer();
		b.add({ choices: [{ delta: { images: [{ image_url: { url: dataUrl(draft) } }] } }] });
		expect(b.result().images).toHaveLength(1);
	});
	it('maps content_filter to a refusal without images', () => {
		const a = new ChatAnswer();
		a.add({ choices: [{ delta: { content: '' }, finish_reason: 'content_filter' }] });
		const r = a.result();
		expect(r.images).toEqual([]);
		expect(r.finishReason).toBe('CONTENT_FILTER');
	});
	it('extracts data URLs and leaves the text', () => {
		const { images, text } = extractDataUrlImages(`A ![x](${dataUrl(draft)}) B`);
		expect(images).toHaveLength(1);
		expect(text).toBe('A  B');
	});
});

describe('SseParser', () => {
	const events = (chunks: Array<string | Buffer>) => {
		const p = new SseParser();
		const out = chunks.flatMap((c) => p.push(c));
		return [...out, ...p.end()].map((e) => e.data);
	};
	it('splits LF and CRLF events and skips comments', () => {
		expect(events([': PING\n\ndata: {"a":1}\n\ndata: {"b":2}\r\n\r\n: PING\r\n\r\ndata: [DONE]\n\n'])).toEqual(['{"a":1}', '{"b":2}', '[DONE]']);
	});
	it('joins a long line split across many chunks, and multi-line data', () => {
		const big = 'x'.repeat(3 * 1024 * 1024);
		const text = `data: ${big}\r\n\r\ndata: line1\ndata: line2\n\n`;
		const buf = Buffer.from(text);
		const chunks: Buffer[] = [];
		for (let i = 0; i < buf.length; i += 65536) chunks.push(buf.subarray(i, i + 65536));
		expect(events(chunks)).toEqual([big, 'line1\nline2']);
	});
	it('splits a CRLF across chunks and flushes a last event without its blank line', () => {
		expect(events(['data: a\r', '\n\r', '\ndata: b'])).toEqual(['a', 'b']);
	});
	it('keeps multi-byte characters split across chunks intact', () => {
		const buf = Buffer.from('data: héllo 🍌\n\n');
		expect(events([buf.subarray(0, 9), buf.subarray(9, 16), buf.subarray(16)])).toEqual(['héllo 🍌']);
	});
});
