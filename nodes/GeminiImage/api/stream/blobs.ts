/**
 * Large images without needless copies. Requests: the JSON is written straight into one Buffer, the
 * images base64-encoded into it slice by slice (no whole base64 string, no JSON.stringify of one).
 * Answers: every image string is decoded as it arrives (jsonReader.ts hands it over, escapes decoded)
 * into its own Buffer, leaving a small JSON to parse. Pure: no n8n, no streams.
 *
 * Placeholders: the request's are tags checked to occur nowhere else in the JSON; the answer's hold a NUL,
 * which the reader removes from everything the gateway sends. No prompt or answer can forge either.
 */
import { Base64Decoder, ImageBudget } from './base64';
import type { StringSink } from './jsonReader';
import { JsonReader } from './jsonReader';

export { Base64Decoder, ImageBudget } from './base64';

const ENCODE_SLICE = 3 * 256 * 1024; // a multiple of 3: each slice encodes without padding

/** How a request builder writes input image `index`: here, a placeholder (see ImageEncoder in types.ts). */
export type BlobTagger = (image: unknown, index: number) => string;

/** The plain way to write an input image into a request body: its base64, as a string. */
export const inlineBase64 = (image: { data: Buffer }): string => image.data.toString('base64');

/**
 * The JSON of `build(tagger)` with each tagged image replaced by the base64 of blobs[i], as UTF-8 bytes;
 * equal, byte for byte, to serialising the request with the base64 strings in place. The tag is chosen so
 * that it occurs in the JSON exactly once per image: a prompt that contains one cannot take its place.
 */
export function encodeJsonWithBlobs(build: (tagger: BlobTagger) => unknown, blobs: Buffer[]): Buffer {
	for (let salt = 0; ; salt++) {
		const tag = `\u0000blob${salt}:`;
		const escapedTag = JSON.stringify(tag).slice(1, -1);
		const json = JSON.stringify(build((_image, index) => `${tag}${index}`));
		const pieces = json.split(escapedTag);
		if (pieces.length - 1 !== blobs.length) continue;
		const order: number[] = [];
		for (let i = 1; i < pieces.length; i++) {
			const digits = /^\d+/.exec(pieces[i])?.[0] ?? '';
			order.push(Number(digits));
			pieces[i] = pieces[i].slice(digits.length);
		}
		if (new Set(order).size !== blobs.length || order.some((n) => !(n < blobs.length))) continue;
		return assemble(
			pieces,
			order.map((n) => blobs[n]),
		);
	}
}

function assemble(texts: string[], blobs: Buffer[]): Buffer {
	let total = 0;
	for (const text of texts) total += Buffer.byteLength(text);
	for (const blob of blobs) total += 4 * Math.ceil(blob.length / 3);
	const out = Buffer.allocUnsafe(total);
	let offset = out.write(texts[0], 0, 'utf8');
	blobs.forEach((blob, i) => {
		for (let start = 0; start < blob.length; start += ENCODE_SLICE) {
			offset += out.write(blob.toString('base64', start, Math.min(blob.length, start + ENCODE_SLICE)), offset, 'latin1');
		}
		offset += out.write(texts[i + 1], offset, 'utf8');
	});
	return out;
}

/** The string that stands for blob N inside an answer read here: "\u0000blob:N". */
const REF = /^\u0000blob:(\d+)$/;
export const blobIndex = (value: string): number | undefined => {
	const m = REF.exec(value);
	return m ? Number(m[1]) : undefined;
};

/**
 * Reads a native answer (a whole body, or one event of a stream) chunk by chunk: the `data` of every
 * `inlineData` part is decoded on the fly into `blobs`, and stands in the parsed JSON as "\u0000blob:i".
 */
export class JsonBlobReader {
	readonly blobs: Buffer[] = [];
	/** Blobs whose text was not base64. */
	readonly notBase64 = new Set<number>();
	private readonly reader: JsonReader;
	private consumed = 0;

	/** @param bodyLength the body's Content-Length, when the server sent one: images then need no joining */
	constructor(
		private readonly bodyLength?: number,
		private readonly budget = new ImageBudget(),
	) {
		this.reader = new JsonReader((place) => {
			if (place.key !== 'data' || (place.parentKey !== 'inlineData' && place.parentKey !== 'inline_data')) return undefined;
			const placeholder = `\\u0000blob:${this.blobs.length}`;
			return { sink: this.openBlob(), placeholder };
		});
	}

	push(chunk: Buffer): void {
		this.reader.push(chunk);
		this.consumed += chunk.length;
	}

	/** The JSON with images replaced by blob references; throws on malformed or cut-off JSON. */
	end(): unknown {
		return this.reader.end();
	}

	/** That JSON as text. */
	text(): string {
		return this.reader.text();
	}

	private openBlob(): StringSink {
		this.budget.openImage();
		const index = this.blobs.length;
		this.blobs.push(Buffer.alloc(0));
		// The rest of the body bounds the image: 3 bytes for every 4 base64 characters.
		const left = this.bodyLength !== undefined ? this.bodyLength - this.consumed : 0;
		const decoder = new Base64Decoder(this.budget, left > 0 ? Math.floor((left * 3) / 4) : undefined);
		return {
			write: (bytes, start, end) => decoder.write(bytes, start, end),
			end: () => {
				const decoded = decoder.end();
				this.blobs[index] = decoded.data;
				if (decoded.notBase64) this.notBase64.add(index);
			},
		};
	}
}
