import type { AnswerReader } from '../../nodes/GeminiImage/api/types';
import { ChatBodyReader, ChatStreamReader } from '../../nodes/GeminiImage/api/chat/readers';
import { NativeBodyReader, NativeStreamReader } from '../../nodes/GeminiImage/api/native/readers';
import { readerFor } from '../../nodes/GeminiImage/api/readerFor';
import { buildChatRequest } from '../../nodes/GeminiImage/api/chat/request';
import { ChatAnswer } from '../../nodes/GeminiImage/api/chat/answer';
import { ChatContent } from '../../nodes/GeminiImage/api/chat/content';
import { SseReader } from '../../nodes/GeminiImage/api/stream/sse';
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

/** Feeds `text` cut at `cuts` to a fresh reader and returns its outcome. */
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
		const outcome = readCut(() => new ChatBodyReader(), body, [5, 100]);
		expect('result' in outcome && outcome.result.images[0].data.equals(img)).toBe(true);
	});
});

describe('SseReader', () => {
	const events = (chunks: Array<string | Buffer>) => {
		const out: string[] = [];
		let current: Buffer[] = [];
		const reader = new SseReader({
			begin: () => (current = []),
			data: (b, s, e) => current.push(Buffer.from(b.subarray(s, e))),
			end: () => out.push(Buffer.concat(current).toString('utf8')),
		});
		for (const c of chunks) reader.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
		reader.end();
		return out;
	};
	it('splits LF and CRLF events and skips comments and other fields', () => {
		expect(events([': PING\n\ndata: {"a":1}\n\nevent: x\nid: 3\ndata: {"b":2}\r\n\r\n: PING\r\n\r\ndata: [DONE]\n\n'])).toEqual([
			'{"a":1}',
			'{"b":2}',
			'[DONE]',
		]);
	});
	it('joins multi-line data, keeps a CR that is data, and flushes a last event without its blank line', () => {
		expect(events(['data: line1\ndata:line2\n\ndata: a\rb\n\n', 'data: last'])).toEqual(['line1\nline2', 'a\rb', 'last']);
	});
	it('gives the same events wherever the chunks are cut', () => {
		const text = ': PING\r\n\r\ndata: héllo 🍌\r\n\r\ndata: x\ndata: y\n\ndata: [DONE]\n\n';
		const buf = Buffer.from(text);
		const expected = events([text]);
		expect(expected).toEqual(['héllo 🍌', 'x\ny', '[DONE]']);
		for (let cut = 1; cut < buf.length; cut++) expect(events([buf.subarray(0, cut), buf.subarray(cut)])).toEqual(expected);
		expect(events(Array.from(buf, (b) => Buffer.of(b)))).toEqual(expected);
	});
	it('a field name alone is a field with an empty value: "data" alone is an empty data line', () => {
		expect(events(['data\ndata: x\n\n'])).toEqual(['\nx']);
		expect(events(['data\n\n'])).toEqual(['']);
		expect(events(['event\ndata: y\n\n'])).toEqual(['y']);
		expect(events(['data'])).toEqual(['']);
	});
	it('field names are case-sensitive and short; a long one is ignored', () => {
		expect(events(['Data: x\n\nDATA: y\n\n'])).toEqual([]);
		expect(events([`${'d'.repeat(40)}ata: x\n\ndata: ok\n\n`])).toEqual(['ok']);
		expect(events(['datax: y\n\ndat: z\n\n'])).toEqual([]);
	});
	it('a CR at the end of a chunk is data unless a LF follows; an empty chunk changes nothing', () => {
		expect(events(['data: a\r', 'b\n\n'])).toEqual(['a\rb']);
		expect(events(['data: a\r', '\n\n'])).toEqual(['a']);
		expect(events(['data: a', '', '\n\n'])).toEqual(['a']);
		expect(events(['data: a\r'])).toEqual(['a']);
		expect(events(['data:no-space\n\ndata:  two\n\n'])).toEqual(['no-space', ' two']);
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

describe('readerFor', () => {
	const big = Buffer.concat([pngHeader(2048, 2048), Buffer.alloc(1536 * 1024, 9)]);
	const body = Buffer.from(
		JSON.stringify({
			candidates: [{ content: { parts: [{ inlineData: { mimeType: 'image/png', data: big.toString('base64') } }] }, finishReason: 'STOP' }],
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
		expect(readerFor({ chat: true, streaming: true }, { 'content-type': 'Application/JSON; charset=utf-8' })).toBeInstanceOf(
			ChatBodyReader,
		);
		expect(readerFor({ chat: false, streaming: true }, { 'content-type': 'application/json' })).toBeInstanceOf(NativeStreamReader);
		expect(readerFor({ chat: false, streaming: false }, { 'content-type': 'text/event-stream' })).toBeInstanceOf(NativeBodyReader);
	});

	it("the native body: its Content-Length sizes a large image's buffer; without one, the image gets a room of 64 MB", () => {
		expect(readBody({ 'content-length': String(body.length) })).toBeLessThanOrEqual(body.length);
		for (const length of [undefined, '0', '-5', 'abc']) expect(readBody({ 'content-length': length })).toBe(64 * 1024 * 1024);
	});
});
