/**
 * helpers/json.ts: JSON read as it arrives (strings routed, escapes decoded, bounds), base64 decoded on the fly
 * within the answer's image budget (an image exists once), native answers' images, and hostile answers.
 */
import fc from 'fast-check';

import { parseNativeResponse } from '../../nodes/GeminiImage/helpers/answers';
import { AnswerLimitError, ANSWER_LIMITS } from '../../nodes/GeminiImage/helpers/interfaces';
import { Base64Decoder, blobIndex, ImageBudget, JsonBlobReader, JsonReader } from '../../nodes/GeminiImage/helpers/json';
import { pieces, pngHeader, propertyRuns as runs } from './fixtures';

describe('reading JSON and base64 as it arrives', () => {
	const random = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7919 + 13) % 256));

	describe('JsonReader', () => {
		const read = (text: string, chunk = 7, route?: ConstructorParameters<typeof JsonReader>[0]) => {
			const reader = new JsonReader(route);
			const buf = Buffer.from(text);
			for (let i = 0; i < buf.length; i += chunk) reader.push(buf.subarray(i, i + chunk));
			return reader;
		};

		it('keeps everything it does not route, escapes and all, at any chunking', () => {
			const value = { a: 'x "y" \\ \n \u00e9 é 🍌', b: [1, 2.5e3, true, null, { c: ['d'] }], 'k\u0065y': '\ud83c\udf4c' };
			const text = JSON.stringify(value).replace('é é', '\\u00e9 é');
			for (const chunk of [1, 2, 3, 5, 64]) expect(read(text, chunk).end()).toEqual(JSON.parse(text));
		});

		it('turns a NUL in the answer into U+FFFD, even split over chunks', () => {
			for (const chunk of [1, 2, 3, 4, 100]) expect(read('{"t":"a\\u0000b\\u0000"}', chunk).end()).toEqual({ t: 'a\ufffdb\ufffd' });
		});

		it('hands routed strings to their sink with escapes decoded, and tells where they sit', () => {
			const seen: Array<[string | undefined, string | undefined, string]> = [];
			const route = (place: { key?: string; parentKey?: string }) => {
				const bytes: Buffer[] = [];
				return {
					sink: {
						write: (b: Buffer, s: number, e: number) => bytes.push(Buffer.from(b.subarray(s, e))),
						end: () => seen.push([place.key, place.parentKey, Buffer.concat(bytes).toString()]),
					},
					placeholder: 'P',
				};
			};
			const text = '{"o":{"k":"v\\/\\"\\u00e9\\ud83c\\udf4c"},"arr":["x",{"k2":"y"}]}';
			for (const chunk of [1, 3, 100]) {
				seen.length = 0;
				expect(read(text, chunk, route).end()).toEqual({ o: { k: 'P' }, arr: ['P', { k2: 'P' }] });
				expect(seen).toEqual([
					['k', 'o', 'v/"é🍌'],
					[undefined, 'arr', 'x'],
					['k2', 'arr', 'y'],
				]);
			}
		});

		it('cuts a string past the limit (whole characters only) and counts it', () => {
			const long = 'é'.repeat(ANSWER_LIMITS.maxStringBytes);
			const reader = read(JSON.stringify({ t: long, u: 'kept' }), 65536);
			const parsed = reader.end() as { t: string; u: string };
			expect(parsed.u).toBe('kept');
			expect(parsed.t.length).toBe(ANSWER_LIMITS.maxStringBytes / 2);
			expect(parsed.t).not.toContain('\ufffd');
			expect(reader.cutStrings).toBe(1);
		});

		it('cuts a long string at the limit, never inside a UTF-8 character, whatever the chunking', () => {
			const max = ANSWER_LIMITS.maxStringBytes;
			for (const chunk of [max + 7, 65536, 1000]) {
				// é is two bytes: the limit falls in the middle of one
				const cut = JSON.parse(read(JSON.stringify({ t: `a${'é'.repeat(max / 2 + 10)}`, after: 'kept' }), chunk).text());
				expect(cut.after).toBe('kept');
				expect(Buffer.byteLength(cut.t)).toBe(max - 1);
				expect(cut.t.endsWith('é')).toBe(true);
				expect(cut.t).not.toContain('\ufffd');
			}
		});

		it('cuts a long string of escapes too, and keeps the JSON around it', () => {
			const max = ANSWER_LIMITS.maxStringBytes;
			for (const chunk of [1 << 20, 4099]) {
				const reader = read(`{"t":"${'\\n'.repeat(max / 2 + 50)}\\u0041","n":1,"u":"${'\\u00e9'.repeat(max / 6 + 50)}"}`, chunk);
				const parsed = JSON.parse(reader.text());
				expect(parsed.n).toBe(1);
				// the escape that passes the limit is the last one kept
				expect(parsed.t).toBe('\n'.repeat(max / 2 + 1));
				expect(parsed.u).toBe('é'.repeat(Math.floor(max / 6) + 1));
				expect(reader.cutStrings).toBe(2);
			}
		});

		it('refuses a skeleton past its limit, and survives deep nesting', () => {
			// strings are cut at 1 MB each: 17 of them pass the 16 MB the skeleton may hold
			const string = `"${'a'.repeat(ANSWER_LIMITS.maxStringBytes + 10)}"`;
			const many = `[${Array.from({ length: ANSWER_LIMITS.maxJsonBytes / ANSWER_LIMITS.maxStringBytes + 1 }, () => string).join(',')}]`;
			expect(() => read(many, 1 << 20)).toThrow(AnswerLimitError);
			const fewer = `[${Array.from({ length: ANSWER_LIMITS.maxJsonBytes / ANSWER_LIMITS.maxStringBytes - 1 }, () => string).join(',')}]`;
			expect(read(fewer, 1 << 20).cutStrings).toBe(15);
			const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
			expect(() => read(deep, 4096).text()).not.toThrow();
		});
	});

	describe('Base64Decoder', () => {
		const decode = (text: string, chunk = 3, bound?: number) => {
			const decoder = new Base64Decoder(new ImageBudget(), bound);
			const buf = Buffer.from(text, 'latin1');
			for (let i = 0; i < buf.length; i += chunk) decoder.write(buf, i, Math.min(buf.length, i + chunk));
			return decoder.end();
		};

		it('decodes base64 wrapped at 76 characters with CRLF (MIME style) that ends in padding, in one piece or many', () => {
			// (found by properties-readers.test.ts: a line break before the padding once marked such an image "not base64")
			for (let n = 110; n < 130; n++) {
				const data = Buffer.alloc(n, 0x41);
				const wrapped = data.toString('base64').replace(/(.{76})/g, '$1\r\n');
				for (const chunk of [wrapped.length, 4, 7]) {
					const out = decode(wrapped, chunk);
					expect(out.notBase64).toBe(false);
					expect(out.data.equals(data)).toBe(true);
				}
			}
			expect(decode('AA==\r\nAA==', 100).notBase64).toBe(true);
		});

		it.each([0, 1, 2, 3, 4, 5, 100, 70_000, 200_001])('decodes %i bytes exactly, in any pieces, with or without a bound', (size) => {
			const data = random(size);
			for (const chunk of [1, 7, 65536]) {
				expect(decode(data.toString('base64'), chunk).data.equals(data)).toBe(true);
				expect(decode(data.toString('base64'), chunk, size + 10).data.equals(data)).toBe(true);
			}
		});

		it('decodes a large image of unknown size (pieces, then its room) and one larger than its room', () => {
			for (const size of [1024 * 1024 - 1, 3 * 1024 * 1024 + 1]) {
				const data = random(size);
				for (const chunk of [65536, 4097]) expect(decode(data.toString('base64'), chunk).data.equals(data)).toBe(true);
			}
			const data = random(3 * 1024 * 1024);
			expect(decode(data.toString('base64'), 65536, 1024 * 1024).data.equals(data)).toBe(true);
		});

		it('accepts line breaks, refuses anything else that is not base64', () => {
			const data = random(5000);
			const wrapped = data.toString('base64').replace(/(.{76})/g, '$1\r\n');
			expect(decode(wrapped, 5).data.equals(data)).toBe(true);
			for (const bad of ['<html>', 'QUJD"REVG', 'QUI=REVG', 'Q', 'QUJDR', 'QQ===', '%%%%']) expect(decode(bad).notBase64).toBe(true);
			expect(decode('').data.length).toBe(0);
		});

		it('stops at the image budget', () => {
			const budget = new ImageBudget();
			budget.add(ANSWER_LIMITS.maxImageBytes - 10);
			const decoder = new Base64Decoder(budget);
			expect(() => {
				decoder.write(Buffer.from(random(100).toString('base64')), 0, 136);
				decoder.end();
			}).toThrow(AnswerLimitError);
		});
	});

	describe('ImageBudget', () => {
		it('counts images and bytes across one answer, up to the limits', () => {
			const budget = new ImageBudget();
			for (let i = 0; i < ANSWER_LIMITS.maxImages; i++) budget.openImage();
			expect(budget.images).toBe(ANSWER_LIMITS.maxImages);
			expect(() => budget.openImage()).toThrow(expect.objectContaining({ kind: 'images' }));
			const bytes = new ImageBudget();
			bytes.add(100);
			expect(bytes.bytesLeft).toBe(ANSWER_LIMITS.maxImageBytes - 100);
			bytes.add(ANSWER_LIMITS.maxImageBytes - 100);
			expect(bytes.bytesLeft).toBe(0);
			expect(() => bytes.add(1)).toThrow(expect.objectContaining({ kind: 'imageBytes', message: 'answer limit: imageBytes' }));
		});
	});

	describe('Base64Decoder memory: an image exists once', () => {
		const feed = (decoder: Base64Decoder, text: string, chunk: number) => {
			const buf = Buffer.from(text, 'latin1');
			for (let i = 0; i < buf.length; i += chunk) decoder.write(buf, i, Math.min(buf.length, i + chunk));
			return decoder.end();
		};
		const MB = 1024 * 1024;

		it('with a size bound, a large image is decoded into its room and handed out from there, no copy', () => {
			const data = random(2 * MB);
			const out = feed(new Base64Decoder(new ImageBudget(), 3 * MB), data.toString('base64'), 65536);
			expect(out.data.equals(data)).toBe(true);
			expect(out.data.buffer.byteLength).toBe(3 * MB);
		});

		it('a small image is copied out of its room, so the room can go', () => {
			const data = random(100_000);
			const out = feed(new Base64Decoder(new ImageBudget(), 3 * MB), data.toString('base64'), 65536);
			expect(out.data.equals(data)).toBe(true);
			expect(out.data.buffer.byteLength).toBe(100_000);
		});

		it('without a bound, past 1 MB an image goes on in a room of its own (at most 64 MB, within the budget)', () => {
			const data = random(MB + 100_000);
			const out = feed(new Base64Decoder(new ImageBudget()), data.toString('base64'), 65536);
			expect(out.data.equals(data)).toBe(true);
			expect(out.data.buffer.byteLength).toBe(64 * MB);
			const budget = new ImageBudget();
			budget.add(ANSWER_LIMITS.maxImageBytes - 5 * MB);
			const tight = feed(new Base64Decoder(budget), data.toString('base64'), 65536);
			expect(tight.data.equals(data)).toBe(true);
			expect(tight.data.buffer.byteLength).toBeLessThanOrEqual(5 * MB);
			expect(tight.data.buffer.byteLength).toBeGreaterThanOrEqual(MB + 100_000);
		});

		it('a bound too small for the image: the rest goes on in pieces, joined at the end', () => {
			const data = random(3 * MB);
			const out = feed(new Base64Decoder(new ImageBudget(), MB), data.toString('base64'), 65536);
			expect(out.data.equals(data)).toBe(true);
			expect(out.data.buffer.byteLength).toBe(3 * MB);
		});

		it('a large image with line breaks decodes through the staged path too', () => {
			const data = random(200_000);
			const wrapped = data.toString('base64').replace(/(.{76})/g, '$1\n');
			for (const chunk of [3, 1000, 70_000])
				expect(feed(new Base64Decoder(new ImageBudget()), wrapped, chunk).data.equals(data)).toBe(true);
			// and anything else in it is still refused, wherever it is
			const bad = `${wrapped.slice(0, 150_000)}!${wrapped.slice(150_000)}`;
			expect(feed(new Base64Decoder(new ImageBudget()), bad, 3).notBase64).toBe(true);
		});

		it('after the padding only more padding and whitespace may follow', () => {
			const padded = (rest: string) => {
				const decoder = new Base64Decoder(new ImageBudget());
				decoder.write(Buffer.from('QQ=='), 0, 4);
				const buf = Buffer.from(rest, 'latin1');
				for (let i = 0; i < buf.length; i += 3) decoder.write(buf, i, Math.min(buf.length, i + 3));
				return decoder.end();
			};
			// (a full stage after the padding is checked as it fills, the rest at the end)
			expect(padded('A'.repeat(70_000)).notBase64).toBe(true);
			expect(padded(`${' '.repeat(70_000)}A`).notBase64).toBe(true);
			expect(padded(`${' '.repeat(70_000)}==\r\n`)).toEqual({ data: Buffer.from('A'), notBase64: false });
			expect(feed(new Base64Decoder(new ImageBudget()), `QQ==${'A'.repeat(70_000)}`, 3).notBase64).toBe(true);
			expect(feed(new Base64Decoder(new ImageBudget()), `QQ==${' '.repeat(70_000)}`, 3)).toEqual({
				data: Buffer.from('A'),
				notBase64: false,
			});
			expect(feed(new Base64Decoder(new ImageBudget()), 'QQ==\r\n', 2)).toEqual({ data: Buffer.from('A'), notBase64: false });
			expect(feed(new Base64Decoder(new ImageBudget()), 'QQ==QQ==', 8).notBase64).toBe(true);
		});
	});

	describe('JsonBlobReader', () => {
		const answer = (images: Buffer[]) =>
			JSON.stringify({
				candidates: [
					{
						content: {
							parts: [
								{ text: 'data: "not an image" \\"' },
								...images.map((b) => ({ inlineData: { mimeType: 'image/png', data: b.toString('base64') } })),
							],
						},
						finishReason: 'STOP',
					},
				],
				usageMetadata: { totalTokenCount: 5 },
				data: [1, 2],
			});

		const read = (text: string, chunkSize: number, withLength = false) => {
			const reader = new JsonBlobReader(withLength ? Buffer.byteLength(text) : undefined);
			const buf = Buffer.from(text);
			for (let i = 0; i < buf.length; i += chunkSize) reader.push(buf.subarray(i, i + chunkSize));
			return { json: reader.end(), images: reader.images };
		};

		it.each([
			[1, false],
			[3, true],
			[7, false],
			[4096, true],
			[4096, false],
			[1 << 20, true],
		])('decodes images on the fly whatever the chunking (%i-byte chunks, Content-Length known: %s)', (chunkSize, withLength) => {
			const a = Buffer.concat([pngHeader(10, 20), random(5000)]);
			const b = Buffer.concat([pngHeader(30, 40), random(3)]);
			const { json, images } = read(answer([a, b]), chunkSize, withLength);
			expect(images).toHaveLength(2);
			expect(images[0].data.equals(a)).toBe(true);
			expect(images[1].data.equals(b)).toBe(true);
			const result = parseNativeResponse(json, images);
			expect(result.images.map((i) => i.data.equals(a) || i.data.equals(b))).toEqual([true, true]);
			expect(result.images[1]).toMatchObject({ width: 30, height: 40 });
			expect(result.text).toBe('data: "not an image" \\"');
			expect((json as any).data).toEqual([1, 2]);
		});

		it('handles escaped slashes in base64', () => {
			const img = Buffer.concat([pngHeader(1, 1), Buffer.from([0xff, 0xff, 0xff])]);
			const b64 = img.toString('base64');
			expect(b64).toContain('/');
			const text = `{"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"${b64.replace(/\//g, '\\/')}"}}]}}]}`;
			expect(read(text, 5).images[0].data.equals(img)).toBe(true);
		});

		it('falls back to joining pieces when the announced length is too small', () => {
			const a = Buffer.concat([pngHeader(10, 20), random(30000)]);
			const text = answer([a]);
			const reader = new JsonBlobReader(1000);
			const buf = Buffer.from(text);
			for (let i = 0; i < buf.length; i += 512) reader.push(buf.subarray(i, i + 512));
			reader.end();
			expect(reader.images[0].data.equals(a)).toBe(true);
		});

		it('never reserves more than 64 MB on the word of a Content-Length', () => {
			const reader = new JsonBlobReader(10 * 1024 * 1024 * 1024);
			reader.push(Buffer.from(answer([random(10)])));
			expect(reader.images[0].data.equals(random(10))).toBe(true);
		});

		it('reads only inlineData.data as images (other "data" fields stay text), and marks bad base64', () => {
			const text = '{"data":"not an image","candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"@@@@"}}]}}]}';
			const reader = new JsonBlobReader();
			reader.push(Buffer.from(text));
			expect((reader.end() as any).data).toBe('not an image');
			expect(reader.images.map((image) => image.notBase64)).toEqual([true]);
			expect(parseNativeResponse(reader.end(), reader.images).undecodableImages).toEqual([
				{ labelledMimeType: 'image/png', problem: 'its data is not base64' },
			]);
		});

		it('throws on a cut-off body', () => {
			const text = answer([random(100)]);
			expect(() => read(text.slice(0, text.length / 2), 64)).toThrow(new SyntaxError('Unexpected end of JSON input'));
			expect(() => read(text.slice(0, 40), 64)).toThrow(new SyntaxError('Unexpected end of JSON input'));
		});
	});
});

describe('hostile answers', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { seeded } = require('../lib/seeded') as { seeded: (seed: number) => () => number };

	const randomBytes = (n: number, seed = 1) => {
		const next = seeded(seed);
		return Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256)));
	};

	const image = (n: number, seed = 1) => Buffer.concat([pngHeader(64, 32), randomBytes(n, seed)]);

	/** A real-looking answer as some gateways write it: every '/' escaped as '\/', other escapes on the way. */
	function escapedAnswer(img: Buffer, otherData = true): string {
		const answer = {
			candidates: [
				{
					content: {
						parts: [
							{ text: 'Here is "your" image\\ with é, \u00e9, 🍌 and a\nline break\t.', thought: false },
							{ inlineData: { mimeType: 'image/png', data: img.toString('base64') } },
						],
					},
					finishReason: 'STOP',
				},
			],
			metadata: otherData ? { data: 'say "hi" \\ and "bye"', other: { data: '\\"' } } : {},
			usageMetadata: { totalTokenCount: 7 },
		};
		// JSON.stringify writes é and 🍌 raw; escape some of them the way other encoders do.
		return JSON.stringify(answer).replace(/\//g, '\\/').replace('é, é', 'é, \\u00e9').replace('🍌', '\\ud83c\\udf4c');
	}

	function readInChunks(text: string, cuts: number[], withLength: boolean) {
		const buf = Buffer.from(text);
		const reader = new JsonBlobReader(withLength ? buf.length : undefined);
		let from = 0;
		for (const cut of [...cuts, buf.length]) {
			reader.push(buf.subarray(from, cut));
			from = cut;
		}
		const json = reader.end();
		return { json, result: parseNativeResponse(json, reader.images) };
	}

	describe('JSON escapes decoded right whatever the chunking', () => {
		const img = image(3000);
		const text = escapedAnswer(img);
		const expected = JSON.parse(text);
		const expectedText = expected.candidates[0].content.parts[0].text;

		it('the one-piece decode is the answer itself', () => {
			const whole = readInChunks(text, [], false);
			expect(whole.result.images).toHaveLength(1);
			expect(whole.result.images[0].data.equals(img)).toBe(true);
			expect(whole.result.text).toBe(expectedText);
			expect((whole.json as any).metadata).toEqual(expected.metadata);
		});

		it('split at every byte (two pieces), Content-Length known or not', () => {
			// A smaller image than the others here: every cut reads the whole answer again.
			const small = image(600, 3);
			const smallText = escapedAnswer(small);
			const length = Buffer.byteLength(smallText);
			for (let cut = 1; cut < length; cut++) {
				let read: ReturnType<typeof readInChunks>;
				try {
					read = readInChunks(smallText, [cut], cut % 2 === 0);
				} catch (error) {
					throw new Error(`could not read the answer cut at byte ${cut}: ${(error as Error).message}`);
				}
				const { json, result } = read;
				if (!result.images[0]?.data.equals(small) || result.text !== expectedText) throw new Error(`wrong decode when cut at byte ${cut}`);
				if (JSON.stringify((json as any).metadata) !== JSON.stringify(expected.metadata))
					throw new Error(`metadata wrong when cut at byte ${cut}`);
			}
		});

		it('escaped slashes alone: a cut right after any backslash of the image', () => {
			const plain = escapedAnswer(img, false);
			const buf = Buffer.from(plain);
			const start = buf.indexOf('"data":"');
			let cuts = 0;
			for (let at = buf.indexOf(0x5c, start); at !== -1; at = buf.indexOf(0x5c, at + 1)) {
				const { result } = readInChunks(plain, [at + 1], false);
				expect(result.images[0]?.data.length).toBe(img.length);
				expect(result.images[0].data.equals(img)).toBe(true);
				cuts++;
			}
			expect(cuts).toBeGreaterThan(10);
		});

		it('cut into many pieces at seeded random positions', () => {
			const big = image(200_000, 7);
			const bigText = escapedAnswer(big);
			const length = Buffer.byteLength(bigText);
			for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
				const next = seeded(seed);
				const cuts = Array.from({ length: 300 }, () => 1 + Math.floor(next() * (length - 1))).sort((a, b) => a - b);
				const { result } = readInChunks(bigText, [...new Set(cuts)], seed % 2 === 0);
				expect(result.images[0].data.equals(big)).toBe(true);
				expect(result.text).toBe(expectedText);
			}
		});
	});

	describe('markers no answer can forge', () => {
		it('an escaped "data" key with a placeholder-looking value does not pick up another image', () => {
			const img = image(100);
			const text = `{"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"${img.toString('base64')}"}},{"inlineData":{"mimeType":"image/png","d\\u0061ta":"\\u0000blob:0"}},{"text":"\\u0000blob:0"}]},"finishReason":"STOP"}]}`;
			const { result } = readInChunks(text, [], false);
			expect(result.images).toHaveLength(1);
			expect(result.text).not.toContain('\u0000');
		});
	});
});

describe('base64 decoding', () => {
	const cutsArb = fc.array(fc.nat(), { maxLength: 12 });

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

describe('bounds and refusals of the JSON reader, against an answer written to get round them', () => {
	/** Routes every string it is asked about (its text becomes "P") and notes where each sat. */
	const routeAll = (text: string | Buffer[], chunk = 1 << 20) => {
		const places: Array<{ key?: string; parentKey?: string; content: string }> = [];
		const reader = new JsonReader((place) => {
			const bytes: Buffer[] = [];
			return {
				sink: {
					write: (b, s, e) => bytes.push(Buffer.from(b.subarray(s, e))),
					end: () => places.push({ ...place, content: Buffer.concat(bytes).toString('utf8') }),
				},
				placeholder: 'P',
			};
		});
		const chunks = typeof text === 'string' ? [Buffer.from(text)] : text;
		for (const buf of chunks) for (let i = 0; i < buf.length; i += chunk) reader.push(buf.subarray(i, i + chunk));
		return { reader, places };
	};

	it('past 512 levels of nesting strings are only copied, never routed, and routing comes back once the answer climbs out', () => {
		const nested = (depth: number) => `${'['.repeat(depth)}"s"${']'.repeat(depth)}`;
		expect(routeAll(nested(512)).reader.text()).toBe(nested(512).replace('"s"', '"P"'));
		expect(routeAll(nested(513)).reader.text()).toBe(nested(513));
		// 600 levels in and out (the levels past 512 only counted), then a string at the top level again
		const { reader, places } = routeAll(`{"deep":${nested(600)},"k":"v"}`);
		expect(reader.text()).toBe(`{"deep":${nested(600)},"k":"P"}`);
		expect(places).toEqual([{ key: 'k', parentKey: undefined, content: 'v' }]);
	});

	it('a closing bracket ends its array: the key after it belongs to the object again', () => {
		const { places } = routeAll('{"x":[1],"k":"v"}');
		expect(places).toEqual([{ key: 'k', parentKey: undefined, content: 'v' }]);
	});

	it("a container inside an array sits under the array's key, not the last key seen inside it", () => {
		const { places } = routeAll('{"a":[{"b":1},["s"]]}');
		expect(places).toEqual([{ parentKey: 'a', content: 's' }]);
	});

	it('whitespace after a colon leaves the value a value (not a key)', () => {
		const { places } = routeAll('{"k": "v" , "k2" :\t"w"}');
		expect(places).toEqual([
			{ key: 'k', parentKey: undefined, content: 'v' },
			{ key: 'k2', parentKey: undefined, content: 'w' },
		]);
	});

	it('refuses a skeleton one byte past 16 MB (as "json"), keeps one of exactly 16 MB', () => {
		const max = ANSWER_LIMITS.maxJsonBytes;
		// whitespace outside strings is kept as it came: the skeleton is the answer itself
		const exact = `[${' '.repeat(max - 2)}]`;
		expect(routeAll(exact).reader.text().length).toBe(max);
		expect(() => routeAll(`[${' '.repeat(max - 1)}]`)).toThrow(expect.objectContaining({ kind: 'json', message: 'answer limit: json' }));
	});

	it('a key is kept up to 64 bytes; a longer one is no key at all (never its first 64 bytes)', () => {
		const k64 = 'k'.repeat(64);
		expect(routeAll(`{"${k64}":"v"}`).places).toEqual([{ key: k64, parentKey: undefined, content: 'v' }]);
		expect(routeAll(`{"${k64}x":"v"}`).places).toEqual([{ key: undefined, parentKey: undefined, content: 'v' }]);
	});

	it('holds at most the first bytes of a key that never ends, whatever its length (memory)', () => {
		const before = process.memoryUsage().heapUsed;
		const { reader } = routeAll([Buffer.from('{"'), Buffer.alloc(12 * 1024 * 1024, 'k'), Buffer.from('":"v"}')]);
		const grown = process.memoryUsage().heapUsed - before;
		expect(reader.text().length).toBe(12 * 1024 * 1024 + 8);
		// 12 million key bytes held one by one would take 96 MB of heap
		expect(grown).toBeLessThan(32 * 1024 * 1024);
	});

	it('holds at most the first bytes of a key written in escapes, whatever its length (memory)', () => {
		const escapes = 6 * 1024 * 1024;
		const before = process.memoryUsage().heapUsed;
		const { reader, places } = routeAll([Buffer.from('{"'), Buffer.from('\\n'.repeat(escapes)), Buffer.from('":"v"}')]);
		const grown = process.memoryUsage().heapUsed - before;
		expect(reader.text().length).toBe(2 * escapes + 8);
		expect(places).toEqual([{ key: undefined, parentKey: undefined, content: 'v' }]);
		// 6 million key bytes held one by one would take 48 MB of heap or more
		expect(grown).toBeLessThan(32 * 1024 * 1024);
	});

	it('decodes escapes in keys: \\u0065 and \\n are part of the key', () => {
		expect(routeAll('{"k\\u0065y\\n":"v"}').places).toEqual([{ key: 'key\n', parentKey: undefined, content: 'v' }]);
	});

	it('a string of exactly the limit is kept whole; one byte more is cut', () => {
		const max = ANSWER_LIMITS.maxStringBytes;
		const whole = new JsonReader();
		whole.push(Buffer.from(`{"t":"${'a'.repeat(max)}"}`));
		expect(whole.cutStrings).toBe(0);
		expect((whole.end() as { t: string }).t.length).toBe(max);
		const over = new JsonReader();
		over.push(Buffer.from(`{"t":"${'a'.repeat(max + 1)}"}`));
		expect(over.cutStrings).toBe(1);
		expect((over.end() as { t: string }).t.length).toBe(max);
	});

	it('a string whose last escape passes the limit keeps that escape, drops the rest and closes cleanly', () => {
		const max = ANSWER_LIMITS.maxStringBytes;
		const reader = new JsonReader();
		reader.push(Buffer.from(`{"t":"${'\\n'.repeat(max / 2)}\\tdropped","n":1}`));
		expect(reader.end()).toEqual({ t: `${'\n'.repeat(max / 2)}\t`, n: 1 });
		expect(reader.cutStrings).toBe(1);
	});

	it('reads a chunk of escapes, or of short strings, in time linear in its size (each byte looked at once)', () => {
		// Searching again for the next quote or backslash at every escape or string would scan the rest of the
		// chunk each time: 8 times the size would take some 64 times as long, against 8. A ratio, not a duration,
		// so that a busy machine cannot fail it.
		// The cached positions are kept when there is none left in the chunk too: escapes whose closing quote comes
		// in the next chunk, and short strings with one backslash after all of them.
		const escapes = (n: number) => [Buffer.from(`{"t":"${'\\n'.repeat(n)}"}`)];
		const openEscapes = (n: number) => [Buffer.from(`{"t":"${'\\n'.repeat(n)}`), Buffer.from('"}')];
		const strings = (n: number) => [Buffer.from(`[${'"a",'.repeat(n)}"a"]`)];
		const stringsThenEscape = (n: number) => [Buffer.from(`[${'"a",'.repeat(n)}"\\n"]`)];
		const read = (chunks: Buffer[]) => () => {
			const reader = new JsonReader();
			for (const chunk of chunks) reader.push(chunk);
			return reader.end();
		};
		/** The best of 5 runs of each, in ms, taken in turns so that a pause of the machine hits both alike. */
		const best = (small: () => unknown, large: () => unknown) => {
			const times = [Infinity, Infinity];
			for (let i = 0; i < 5; i++)
				[small, large].forEach((fn, n) => {
					const started = process.hrtime.bigint();
					fn();
					times[n] = Math.min(times[n], Number(process.hrtime.bigint() - started) / 1e6);
				});
			return times;
		};
		const k = 1024;
		for (const escaped of [escapes, openEscapes])
			expect((read(escaped(1024 * k))() as { t: string }).t.length).toBe(ANSWER_LIMITS.maxStringBytes / 2 + 1);
		expect((read(strings(512 * k))() as string[]).length).toBe(512 * k + 1);
		expect((read(stringsThenEscape(512 * k))() as string[])[512 * k]).toBe('\n');
		for (const [small, large] of [
			[escapes(128 * k), escapes(1024 * k)],
			[openEscapes(128 * k), openEscapes(1024 * k)],
			[strings(64 * k), strings(512 * k)],
			[stringsThenEscape(64 * k), stringsThenEscape(512 * k)],
		]) {
			const [ms, ms8] = best(read(small), read(large));
			// linear 8; the uncached search measured 85; 40 leaves a busy machine room (a ratio of 28 was seen at load 6
			// for the same kind of test in conversation.test.ts)
			expect(ms8 / Math.max(ms, 1)).toBeLessThan(40);
		}
	});

	it('an answer in tiny pieces is held for its bytes, not for its pieces (memory)', () => {
		// Each piece ends right after a NUL escape, where nothing is left to copy: an empty buffer held there for
		// every piece would take some 200 bytes of heap a piece (215 MB measured for these million).
		const nul = Buffer.from('\\u0000');
		const reader = new JsonReader();
		const before = process.memoryUsage().heapUsed;
		for (let s = 0; s < 6; s++) {
			reader.push(Buffer.from(s === 0 ? '["' : ',"'));
			for (let i = 0; i < 170_000; i++) reader.push(nul);
			reader.push(Buffer.from('"'));
		}
		reader.push(Buffer.from(']'));
		const grown = process.memoryUsage().heapUsed - before;
		expect(reader.end()).toEqual(Array.from({ length: 6 }, () => '\ufffd'.repeat(170_000)));
		// the million references to the one U+FFFD escape take 8 MB; 10 to 26 MB of heap growth measured in all
		expect(grown).toBeLessThan(64 * 1024 * 1024);
	});

	it('a NUL escape in the dropped part of a cut string leaves the kept part alone', () => {
		const max = ANSWER_LIMITS.maxStringBytes;
		const reader = new JsonReader();
		reader.push(Buffer.from(`{"t":"${'a'.repeat(max + 10)}\\u0000","n":1}`));
		expect(reader.end()).toEqual({ t: 'a'.repeat(max), n: 1 });
	});

	it('a long string of bytes that are not UTF-8 (continuation bytes only) is cut to nothing, the JSON around it kept', () => {
		const max = ANSWER_LIMITS.maxStringBytes;
		const reader = new JsonReader();
		reader.push(Buffer.concat([Buffer.from('{"t":"'), Buffer.alloc(max + 10, 0x80), Buffer.from('","n":1}')]));
		expect(reader.end()).toEqual({ t: '', n: 1 });
		expect(reader.cutStrings).toBe(1);
	});
});

describe('bounds and refusals of the base64 decoder and the image reader', () => {
	const MB = 1024 * 1024;
	const pattern = (n: number) => Buffer.alloc(n, 'image bytes \u00ff\u0001', 'latin1');
	const write = (decoder: Base64Decoder, text: string) => decoder.write(Buffer.from(text, 'latin1'), 0, Buffer.byteLength(text, 'latin1'));

	it('text after an image that turned out not to be base64 counts against no budget', () => {
		const budget = new ImageBudget();
		const decoder = new Base64Decoder(budget);
		write(decoder, '!'.repeat(65536)); // a full stage of it: refused as it fills
		write(decoder, 'AAAA'.repeat(1000));
		expect(budget.bytes).toBe(0);
		expect(decoder.end()).toEqual({ data: Buffer.alloc(0), notBase64: true });
	});

	it('after the padding, more text in a later piece is refused, and counts against no budget', () => {
		const decoder = new Base64Decoder(new ImageBudget());
		write(decoder, 'QQ==');
		write(decoder, 'AAAA');
		expect(decoder.end().notBase64).toBe(true);
		const budget = new ImageBudget();
		const long = new Base64Decoder(budget);
		write(long, 'QQ==');
		expect(budget.bytes).toBe(1); // a whole group that comes alone is decoded as it arrives
		for (let i = 0; i < 20; i++) write(long, 'AAA'); // staged, checked when the stage is full
		write(long, 'A'.repeat(70_000));
		expect(budget.bytes).toBe(1);
		expect(long.end().notBase64).toBe(true);
	});

	it('an image of unknown size that passes 1 MB in one piece goes on in its room', () => {
		const data = pattern(MB + 100_000);
		const decoder = new Base64Decoder(new ImageBudget());
		write(decoder, data.toString('base64'));
		const out = decoder.end();
		expect(out.data.equals(data)).toBe(true);
		expect(out.data.buffer.byteLength).toBe(64 * MB);
	});

	it('the room of an image of unknown size is exactly what the budget has left for it', () => {
		const data = pattern(MB + 100_000);
		const budget = new ImageBudget();
		budget.add(ANSWER_LIMITS.maxImageBytes - 5 * MB);
		const decoder = new Base64Decoder(budget);
		const text = Buffer.from(data.toString('base64'));
		for (let i = 0; i < text.length; i += 65536) decoder.write(text, i, Math.min(text.length, i + 65536));
		const out = decoder.end();
		expect(out.data.equals(data)).toBe(true);
		expect(out.data.buffer.byteLength).toBe(5 * MB);
	});

	it('an image of unknown size that outgrows its 64 MB room goes on in pieces, joined once at the end', () => {
		// 3 MB a write: the 22nd passes the room (63 + 3 MB), the 23rd comes after it
		const data = pattern(68 * MB);
		const decoder = new Base64Decoder(new ImageBudget());
		const text = Buffer.from(data.toString('base64'));
		for (let i = 0; i < text.length; i += 4 * MB) decoder.write(text, i, Math.min(text.length, i + 4 * MB));
		const out = decoder.end();
		expect(out.data.length).toBe(data.length);
		expect(out.data.equals(data)).toBe(true);
		// joined: one buffer of the image's size, not a second room
		expect(out.data.buffer.byteLength).toBe(data.length);
	});

	it('an image of unknown size of exactly 1 MB stays as decoded; one byte more goes on in a room', () => {
		for (const [size, buffer] of [
			[MB, MB],
			[MB + 1, 64 * MB],
		]) {
			const data = pattern(size);
			const decoder = new Base64Decoder(new ImageBudget());
			write(decoder, data.toString('base64'));
			const out = decoder.end();
			expect(out.data.equals(data)).toBe(true);
			expect(out.data.buffer.byteLength).toBe(buffer);
		}
	});

	it('an image of exactly 1 MB is handed out from its room; one byte less is copied out of it', () => {
		for (const [size, buffer] of [
			[MB, 3 * MB],
			[MB - 1, MB - 1],
		]) {
			const data = pattern(size);
			const decoder = new Base64Decoder(new ImageBudget(), 3 * MB);
			write(decoder, data.toString('base64'));
			const out = decoder.end();
			expect(out.data.equals(data)).toBe(true);
			expect(out.data.buffer.byteLength).toBe(buffer);
		}
	});

	it("with a Content-Length, an image's room is 3 bytes for every 4 of the body left when it opens", () => {
		const data = pattern(2 * MB);
		const head = '{"candidates":[{"content":{"parts":[{"text":"a picture"},';
		const body = Buffer.from(`${head}{"inlineData":{"mimeType":"image/png","data":"${data.toString('base64')}"}}]}}]}`);
		const reader = new JsonBlobReader(body.length);
		reader.push(body.subarray(0, head.length));
		reader.push(body.subarray(head.length));
		reader.end();
		expect(reader.images[0].data.equals(data)).toBe(true);
		expect(reader.images[0].data.buffer.byteLength).toBe(Math.floor(((body.length - head.length) * 3) / 4));
	});

	it('reads images under "inline_data" (snake case) too', () => {
		const reader = new JsonBlobReader();
		reader.push(Buffer.from('{"parts":[{"inline_data":{"mime_type":"image/png","data":"QUJD"}}]}'));
		expect(reader.end()).toEqual({ parts: [{ inline_data: { mime_type: 'image/png', data: '\u0000blob:0' } }] });
		expect(reader.images).toEqual([{ data: Buffer.from('ABC'), notBase64: false }]);
	});

	it('blobIndex reads only a whole placeholder, any number of digits', () => {
		expect(blobIndex('\u0000blob:12')).toBe(12);
		expect(blobIndex('\u0000blob:0')).toBe(0);
		expect(blobIndex('x\u0000blob:1')).toBeUndefined();
		expect(blobIndex('\u0000blob:1x')).toBeUndefined();
		expect(blobIndex('\u0000blob:')).toBeUndefined();
	});
});

describe('escapes in keys and routed strings', () => {
	const routed = (text: string) => {
		const got: string[] = [];
		const reader = new JsonReader(() => {
			const bytes: Buffer[] = [];
			return {
				sink: { write: (b, s, e) => bytes.push(Buffer.from(b.subarray(s, e))), end: () => got.push(Buffer.concat(bytes).toString('utf8')) },
				placeholder: 'P',
			};
		});
		reader.push(Buffer.from(text));
		return got;
	};

	it('surrogate pairs at the edges of their ranges decode to their code point; other codes near them stand alone', () => {
		expect(routed('["\\ud800\\udc00","\\udbff\\udfff","\\ue000","\\uffff","\\ud7ff"]')).toEqual([
			'\u{10000}',
			'\u{10ffff}',
			'\ue000',
			'\uffff',
			'\ud7ff',
		]);
	});

	it('a high surrogate followed by plain text stands for U+FFFD, in its place', () => {
		expect(routed('["\\ud83cX","\\ud83c"]')).toEqual(['\ufffdX', '\ufffd']);
	});

	it('an unknown one-letter escape adds nothing to a routed string', () => {
		expect(routed('["a\\qb"]')).toEqual(['ab']);
	});

	it('a \\u escape with a digit that is not hex counts it as 0, never as a code point out of range', () => {
		expect(routed('["\\u004g","\\u!!!!x"]')).toEqual(['@', '\u0000x']);
	});
});
