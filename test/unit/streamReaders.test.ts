/** Streams read in any pieces (both routes), the server-sent events under them, and which reader an answer gets. */
import type { AnswerReader } from '../../nodes/GeminiImage/api/types';
import { ChatBodyReader, ChatStreamReader } from '../../nodes/GeminiImage/api/chat/readers';
import { NativeBodyReader, NativeStreamReader } from '../../nodes/GeminiImage/api/native/readers';
import { readerFor } from '../../nodes/GeminiImage/api/readerFor';
import { SseReader } from '../../nodes/GeminiImage/api/stream/sse';
import { dataUrl, pngHeader } from './fixtures';

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
