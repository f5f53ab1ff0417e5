/**
 * Bad input, tried systematically (fast-check), for the readers of api/: arbitrary JSON, truncated and re-chunked
 * streams, odd casing, huge lines, wrong base64 and bytes that are no image. Each must give a clear error or the
 * right image: never a crash, never a 0-byte or made-up image, and a cut answer is never taken for a whole one.
 * Seeded and bounded (numRuns), so every run tries the same cases in about a second.
 */
import fc from 'fast-check';

import { ChatBodyReader, ChatStreamReader } from '../../nodes/GeminiImage/api/chat/readers';
import { NativeBodyReader, NativeStreamReader } from '../../nodes/GeminiImage/api/native/readers';
import { Base64Decoder, ImageBudget } from '../../nodes/GeminiImage/api/stream/blobs';
import { describeErrorEvent } from '../../nodes/GeminiImage/helpers/errors';
import { parseNativeResponse } from '../../nodes/GeminiImage/api/native/response';
import { explainMissingImage } from '../../nodes/GeminiImage/helpers/errors';
import type { AnswerReader, GenerationResult, ReadOutcome } from '../../nodes/GeminiImage/api/types';
import { sniffImage } from '../../nodes/GeminiImage/helpers/images';
import { jpegHeader, pngHeader, propertyRuns as runs } from './fixtures';

/** A buffer cut at the given points (any order, duplicates and out-of-range points ignored). */
function pieces(buf: Buffer, cuts: number[]): Buffer[] {
	const at = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
	const out: Buffer[] = [];
	let from = 0;
	for (const cut of [...at, buf.length]) {
		if (cut > from) out.push(buf.subarray(from, cut));
		from = Math.max(from, cut);
	}
	return out;
}

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
			if (p.kind !== 'inline' || p.thought || !known(p.key, 'inlineData', 'inline_data') || !known(a.partsKey, 'parts', 'parts')) return [];
			const bytes = p.data.kind === 'image' || p.data.kind === 'bytes' ? p.data.bytes : undefined;
			return bytes && sniffImage(bytes) ? [bytes] : [];
		});

	it('any answer, read whole or in any pieces, gives exactly the images it holds, or says why there is none', () => {
		fc.assert(
			fc.property(answerArb, cutsArb, fc.boolean(), (answer, cuts, withLength) => {
				let text = JSON.stringify(toJson(answer));
				if (answer.escapeSlashes) text = text.replace(/\//g, '\\/');
				const body = Buffer.from(text);
				const outcome = read(new NativeBodyReader(withLength ? body.length : undefined), pieces(body, cuts));
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
				const outcome = read(new NativeBodyReader(), pieces(body, cuts));
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
	const contentArb = fc.array(fc.tuple(noiseArb, imageArb, fc.constantFrom('![image](', '![](', '', ' ')), { minLength: 1, maxLength: 3 });

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
				const reader = new ChatBodyReader();
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

describe('base64 decoding', () => {
	const decode = (text: string, cuts: number[], bound?: number) => {
		const decoder = new Base64Decoder(new ImageBudget(), bound);
		for (const piece of pieces(Buffer.from(text, 'latin1'), cuts)) decoder.write(piece, 0, piece.length);
		return decoder.end();
	};

	it('gives back the bytes, whatever the line breaks, the alphabet (standard or URL-safe) and the pieces', () => {
		fc.assert(
			fc.property(
				fc.uint8Array({ maxLength: 3000 }),
				fc.constantFrom('base64', 'base64url'),
				fc.array(fc.nat(), { maxLength: 8 }),
				cutsArb,
				fc.boolean(),
				(bytes, alphabet, breaks, cuts, bounded) => {
					const data = Buffer.from(bytes);
					let text = data.toString(alphabet as BufferEncoding);
					for (const at of breaks) {
						const i = at % (text.length + 1);
						text = `${text.slice(0, i)}\r\n${text.slice(i)}`;
					}
					const out = decode(text, cuts, bounded ? data.length : undefined);
					expect(out.notBase64).toBe(false);
					expect(out.data.equals(data)).toBe(true);
				},
			),
			runs(200),
		);
	});

	it('text with anything else in it is "not base64", never some bytes', () => {
		const bad = fc.constantFrom('!', '*', '.', '"', '\u00e9', '<', '=A', '%', '\u0000');
		fc.assert(
			fc.property(fc.uint8Array({ minLength: 1, maxLength: 600 }), bad, fc.nat(), cutsArb, (bytes, char, at, cuts) => {
				const text = Buffer.from(bytes).toString('base64').replace(/=+$/, '');
				const i = at % (text.length + 1);
				const out = decode(`${text.slice(0, i)}${char}${text.slice(i)}`, cuts);
				expect(out.notBase64).toBe(true);
				expect(out.data.length).toBe(0);
			}),
			runs(200),
		);
	});
});
