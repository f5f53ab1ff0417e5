/** The chat route (OpenAI-compatible): its request, its answer (text, drafts, data-URL images) and its content. */
import { ChatBodyReader } from '../../nodes/GeminiImage/api/chat/readers';
import { buildChatRequest } from '../../nodes/GeminiImage/api/chat/request';
import { ChatAnswer } from '../../nodes/GeminiImage/api/chat/answer';
import { ChatContent } from '../../nodes/GeminiImage/api/chat/content';
import { dataUrl, jpegHeader, pngHeader } from './fixtures';

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
				{
					role: 'user',
					content: [
						{ type: 'text', text: 'a cat' },
						{ type: 'image_url', image_url: { url: dataUrl(img) } },
					],
				},
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
		a.add({
			choices: [
				{ message: { content: 'Done.', images: [{ type: 'image_url', image_url: { url: dataUrl(final) } }] }, finish_reason: 'stop' },
			],
		});
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
	it('the images after the last words are the result; a run of images after words is all results', () => {
		const a = new ChatAnswer();
		a.add({ choices: [{ delta: { content: `Here are two.\n\n![image](${dataUrl(draft)})\n\n` } }] });
		a.add({ choices: [{ delta: { content: `![image](${dataUrl(final)})` } }] });
		a.add({ choices: [{ delta: {}, finish_reason: 'stop' }] });
		const r = a.result();
		expect(r.images.map((i) => i.mimeType)).toEqual(['image/png', 'image/jpeg']);
		expect(r.draftImagesSkipped).toBe(0);
		expect(r.text).toBe('Here are two.');
	});
	it('without any words, drafts cannot be told apart: the last image is the result', () => {
		const a = new ChatAnswer();
		a.add({
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
		a.add({ choices: [{ delta: { content: `A ${url.slice(0, 10)}` } }] });
		a.add({ choices: [{ delta: { content: url.slice(10, 40) } }] });
		a.add({ choices: [{ delta: { content: `${url.slice(40)} B data:text/plain;base64,QUJD` } }] });
		a.add({ choices: [{ delta: {}, finish_reason: 'stop' }] });
		const r = a.result();
		expect(r.images).toHaveLength(1);
		expect(r.images[0].data.equals(final)).toBe(true);
		expect(r.text).toBe('A  B data:text/plain;base64,QUJD');
	});
	it('an undecodable image is reported as such', () => {
		const a = new ChatAnswer();
		a.add({
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

describe('chat answers, the rest', () => {
	const png = pngHeader(16, 16);
	const text = (a: ChatAnswer) => a.result().text;

	it('content given as a list of parts: text parts are text, image_url parts are images', () => {
		const a = new ChatAnswer();
		a.add({
			choices: [
				{
					message: { content: [{ type: 'text', text: 'Here:' }, { type: 'image_url', image_url: { url: dataUrl(png) } }, 'and a string'] },
				},
			],
			finish_reason: 'stop',
		});
		const r = a.result();
		expect(r.text).toBe('Here:and a string');
		expect(r.images.map((i) => i.data)).toEqual([png]);
		const b = new ChatAnswer();
		b.add({ choices: [{ delta: { content: [{ type: 'image_url', imageUrl: dataUrl(png) }] } }] });
		expect(b.result().images).toHaveLength(1);
		const c = new ChatAnswer();
		c.add({ choices: [{ message: { content: 'x', other: 'data:image/png;base64,AAAA', title: 'y' } }] });
		expect(c.result()).toMatchObject({ text: 'x', images: [] });
	});

	it('meta from any chunk: the last finish reason, model and id win; usage as counts; chunks without them change nothing', () => {
		const a = new ChatAnswer();
		a.add(undefined);
		a.add(null);
		a.add('text');
		a.add({ id: 'c1', model: 'm1', choices: [{ finish_reason: 'length' }] });
		a.add({
			id: 'c2',
			model: 'm2',
			choices: [{}, { finishReason: 'stop' }],
			usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
		});
		a.add({ choices: [] });
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
			a.add({ choices: [{ delta: { content } }] });
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
			a.add({ choices: [{ delta: { content } }] });
			expect([content, a.result().text, a.result().images.length]).toEqual([content, content, 0]);
		}
		const upper = new ChatAnswer();
		upper.add({ choices: [{ delta: { content: `DATA:IMAGE/PNG;BASE64,${png.toString('base64')}` } }] });
		expect(upper.result().images.map((i) => i.data)).toEqual([png]);
	});

	it('the whole answer, not streamed: an error object, JSON that is not an object, or JSON cut short', () => {
		const read = (body: string) => {
			const reader = new ChatBodyReader();
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
