/**
 * Hostile input at the level of the pure readers: JSON escapes decoded right whatever the chunking (every byte,
 * and seeded random cuts), markers no answer can forge (linear time on adversarial text: linear.test.ts).
 */
import { JsonBlobReader } from '../../nodes/GeminiImage/api/stream/blobs';
import { parseNativeResponse } from '../../nodes/GeminiImage/api/native/response';
import { pngHeader } from './fixtures';

/** A small seeded PRNG (mulberry32): the same "random" cuts on every run. */
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
	return { json, result: parseNativeResponse(json, reader.blobs) };
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
