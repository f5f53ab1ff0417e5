/** helpers/sse.ts: server-sent events read in any pieces. */
import { SseReader } from '../../nodes/GeminiImage/helpers/sse';

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
