/** helpers/sse.ts: server-sent events read in any pieces, and the event readers of both streamed routes. */
import { ChatStreamReader, NativeStreamReader } from '../../nodes/GeminiImage/helpers/answers';
import type { AnswerReader } from '../../nodes/GeminiImage/helpers/interfaces';
import { errorIn, SseReader } from '../../nodes/GeminiImage/helpers/sse';

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

describe('SseReader: what a stream can make it hand on or hold', () => {
	/** Every call the reader makes, in order: "begin", each piece of data as its text, "end". */
	const recorder = () => {
		const calls: string[] = [];
		const reader = new SseReader({
			begin: () => calls.push('begin'),
			data: (b, s, e) => calls.push(`data ${JSON.stringify(b.toString('latin1', s, e))}`),
			end: () => calls.push('end'),
		});
		return { calls, push: (c: string) => reader.push(Buffer.from(c, 'latin1')), end: () => reader.end() };
	};
	const callsOf = (chunks: string[]) => {
		const r = recorder();
		for (const c of chunks) r.push(c);
		r.end();
		return r.calls;
	};

	it('lines of one event that end in CRLF stay one event, joined by LF', () => {
		expect(callsOf(['data: a\r\ndata: b\r\n\r\n'])).toEqual(['begin', 'data "a"', 'data "\\n"', 'data "b"', 'end']);
	});

	it('data comes only between begin and end, and never as an empty piece', () => {
		expect(callsOf(['data: a\n\n'])).toEqual(['begin', 'data "a"', 'end']);
		// the LF that ends a line of data comes alone in the next chunk, after a held-back CR
		expect(callsOf(['data: a\r', '\n', '\n'])).toEqual(['begin', 'data "a"', 'end']);
		expect(callsOf(['data: a', '\n', '\n'])).toEqual(['begin', 'data "a"', 'end']);
		// an empty value, with and without its space
		expect(callsOf(['data:\n\n', 'data: \n\n'])).toEqual(['begin', 'end', 'begin', 'end']);
	});

	it('after end() it reads a new stream as a new reader would: a CR held back at the end of the last one is dropped', () => {
		const r = recorder();
		r.push('data: a\r');
		r.end();
		r.push('data: b\n\n');
		r.end();
		expect(r.calls).toEqual(['begin', 'data "a"', 'end', 'begin', 'data "b"', 'end']);
	});

	it('an empty chunk keeps a held-back CR held back: the LF after it still makes it a line end', () => {
		expect(callsOf(['data: a\r', '', '\n\n'])).toEqual(['begin', 'data "a"', 'end']);
		expect(callsOf(['data: a\r', '', 'b\n\n'])).toEqual(['begin', 'data "a"', 'data "\\r"', 'data "b"', 'end']);
	});

	it('a comment never ends an event or becomes data, even an empty one or one that reads like a data line', () => {
		expect(callsOf(['data: a\n:\ndata: b\n\n'])).toEqual(['begin', 'data "a"', 'data "\\n"', 'data "b"', 'end']);
		expect(callsOf([':data: x\n\n', ':data\n\n'])).toEqual([]);
		expect(callsOf(['data: a\n:data: x\n:data\n\n'])).toEqual(['begin', 'data "a"', 'end']);
	});

	it('the value of another field is never data, after a data line either', () => {
		expect(callsOf(['data: a\nid: 7\nevent: e\nretry: 10\n\n'])).toEqual(['begin', 'data "a"', 'end']);
	});

	it('a field name that never ends is held only up to its first bytes, not in memory as it grows', () => {
		// 8 MB of a name with no colon and no line end, in 2 MB chunks: held whole (a number a byte) it would take 64 MB of heap or more
		const chunk = Buffer.alloc(2 * 1024 * 1024, 'x');
		const reader = new SseReader({ begin: () => undefined, data: () => undefined, end: () => undefined });
		const before = process.memoryUsage().heapUsed;
		for (let k = 0; k < 4; k++) reader.push(chunk);
		const grown = process.memoryUsage().heapUsed - before;
		expect(grown).toBeLessThan(16 * 1024 * 1024);
	});
});

describe('errorIn', () => {
	it("gives a value's error envelope, and undefined for anything else, whatever the value is", () => {
		const envelope = { error: { message: 'quota', code: 429 } };
		expect(errorIn(envelope)).toBe(envelope);
		expect(errorIn({ error: 'upstream error' })).toEqual({ error: 'upstream error' });
		for (const value of [{ error: null }, { error: '' }, { message: 'no error key' }, [], null, undefined, 7, 'error', true]) {
			expect(errorIn(value)).toBeUndefined();
		}
	});
});

describe('EventReader: where a stream stops, and what comes after', () => {
	const native = (text: string, finishReason?: string) =>
		JSON.stringify({
			candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0, ...(finishReason ? { finishReason } : {}) }],
		});
	const chat = (content: string, finish?: string) =>
		JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { content }, finish_reason: finish ?? null }] });
	/** Chunks pushed as readAnswer pushes them: none after the reader says it stopped. */
	const read = (reader: AnswerReader, chunks: string[]) => {
		for (const c of chunks) {
			reader.push(Buffer.from(c));
			if (reader.stopped) break;
		}
		return reader.end();
	};

	it('the last event counts without its blank line: the server may close right after it', () => {
		expect(read(new NativeStreamReader(), [`data: ${native('a', 'STOP')}`])).toMatchObject({ result: { text: 'a', finishReason: 'STOP' } });
		expect(read(new NativeStreamReader(), [`data: ${native('a')}\n\n`, `data: ${native('b', 'STOP')}\n`])).toMatchObject({
			result: { text: 'ab', finishReason: 'STOP' },
		});
		expect(read(new ChatStreamReader(), [`data: ${chat('Hi')}\n\n`, 'data: [DONE]'])).toMatchObject({ result: { text: 'Hi' } });
	});

	it('[DONE] with spaces around it still ends the stream', () => {
		for (const done of ['data: [DONE] ', 'data:  [DONE]', 'data: [DONE]\t']) {
			expect(read(new ChatStreamReader(), [`data: ${chat('Hi')}\n\n${done}\n\n`])).toMatchObject({ result: { text: 'Hi' } });
		}
		// without it, a chat stream with no finish reason was cut off
		expect(read(new ChatStreamReader(), [`data: ${chat('Hi')}\n\n`])).toEqual({ unreadable: '' });
	});

	it.each(['null', '7', '"text"', 'true', '{"candidates":[', 'not json'])(
		'an event that is not a JSON object (%s) makes the stream unreadable, whatever comes after it',
		(bad) => {
			const stream = `data: ${native('a')}\n\ndata: ${bad}\n\ndata: ${native('b', 'STOP')}\n\n`;
			expect(read(new NativeStreamReader(), [stream])).toEqual({ unreadable: '' });
			expect(
				read(new ChatStreamReader(), [`data: ${chat('a')}\n\ndata: ${bad}\n\ndata: ${chat('b', 'stop')}\n\ndata: [DONE]\n\n`]),
			).toEqual({
				unreadable: '',
			});
		},
	);

	it('an error event is the answer, even when whole events follow it in the same chunk', () => {
		const error = { error: { message: 'quota exceeded', code: 429 } };
		const stream = `data: ${native('a')}\n\ndata: ${JSON.stringify(error)}\n\ndata: ${native('b', 'STOP')}\n\n`;
		expect(read(new NativeStreamReader(), [stream])).toEqual({ errorEvent: error });
		expect(read(new ChatStreamReader(), [`data: ${JSON.stringify(error)}\n\ndata: ${chat('b', 'stop')}\n\ndata: [DONE]\n\n`])).toEqual({
			errorEvent: error,
		});
	});

	it('once stopped, chunks pushed still change nothing: the rest of the stream does not matter', () => {
		const reader = new ChatStreamReader();
		for (const c of [`data: ${chat('Hi')}\n\ndata: [DONE]\n\n`, `data: ${chat(' and more', 'stop')}\n\n`]) reader.push(Buffer.from(c));
		expect(reader.stopped).toBe(true);
		expect(reader.end()).toMatchObject({ result: { text: 'Hi' } });
	});

	// A known fault, left for the lead: after [DONE] the rest of the same chunk is still parsed, and the chat
	// route writes content into the answer as it streams, so the result depends on where the chunks were cut.
	it('content after [DONE] in the same chunk is not part of the answer either', () => {
		expect(read(new ChatStreamReader(), [`data: ${chat('Hi')}\n\ndata: [DONE]\n\ndata: ${chat(' and more', 'stop')}\n\n`])).toMatchObject({
			result: { text: 'Hi' },
		});
	});
});
