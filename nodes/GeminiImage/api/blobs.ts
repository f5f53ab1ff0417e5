/**
 * Large images without needless copies. Requests: the JSON is written straight into one Buffer, the
 * images base64-encoded into it slice by slice (no whole base64 string, no JSON.stringify of one).
 * Answers: the JSON is read as it streams in, and every `"data"` string (base64 image bytes) is
 * decoded on the fly into its own Buffer, leaving a small JSON to parse. Pure: no n8n, no streams.
 */

/** A string that stands for blob N inside JSON built or read here. NUL never occurs in real answers. */
export const blobRef = (index: number) => `\u0000blob:${index}`;
const REF = /^\u0000blob:(\d+)$/;
export const blobIndex = (value: string): number | undefined => {
	const m = REF.exec(value);
	return m ? Number(m[1]) : undefined;
};

const ENCODE_SLICE = 3 * 256 * 1024; // a multiple of 3: each slice encodes without padding

/**
 * JSON.stringify(value) with each blobRef(i) replaced by the base64 of blobs[i], as UTF-8 bytes.
 * Equal, byte for byte, to serialising the value with the base64 strings in place.
 */
export function encodeJsonWithBlobs(value: unknown, blobs: Buffer[]): Buffer {
	const json = JSON.stringify(value);
	const pieces = json.split(/\\u0000blob:(\d+)/);
	let total = 0;
	for (let i = 0; i < pieces.length; i++) {
		total += i % 2 === 0 ? Buffer.byteLength(pieces[i]) : 4 * Math.ceil(blobs[Number(pieces[i])].length / 3);
	}
	const out = Buffer.allocUnsafe(total);
	let offset = 0;
	for (let i = 0; i < pieces.length; i++) {
		if (i % 2 === 0) {
			offset += out.write(pieces[i], offset, 'utf8');
			continue;
		}
		const blob = blobs[Number(pieces[i])];
		for (let start = 0; start < blob.length; start += ENCODE_SLICE) {
			offset += out.write(blob.toString('base64', start, Math.min(blob.length, start + ENCODE_SLICE)), offset, 'latin1');
		}
	}
	return out;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/**
 * Reads JSON chunk by chunk. The string value of every "data" key is base64-decoded as it arrives
 * and kept as a Buffer; the JSON left over names it with blobRef(i). Everything else is copied as is.
 *
 * With the body's length known (Content-Length), each image is decoded straight into one buffer of the
 * largest size it can have, so its bytes exist once; without it, decoded pieces are joined at the end.
 */
export class JsonBlobReader {
	readonly blobs: Buffer[] = [];
	private skeleton: Buffer[] = [];
	private consumed = 0;
	private inString = false;
	private escaped = false;
	private inBlob = false;
	private shortString: number[] | undefined = [];
	private lastString = '';
	private keyBeforeColon = '';
	private afterColon = false;
	private base64Carry = '';
	private pieces: Buffer[] = [];
	private target: Buffer | undefined;
	private written = 0;

	/** @param bodyLength the Content-Length of the body, when the server sent one */
	constructor(private readonly bodyLength?: number) {}

	push(chunk: Buffer): void {
		let copyFrom = 0;
		for (let i = 0; i < chunk.length; i++) {
			if (this.inBlob) {
				// Base64 holds no quotes: jump to the closing one instead of looking at every byte.
				const end = chunk.indexOf(QUOTE, i);
				if (end === -1) break;
				this.decodeBase64(chunk, copyFrom, end, true);
				this.closeBlob();
				copyFrom = end; // the closing quote goes to the skeleton
				this.inBlob = false;
				this.inString = false;
				i = end;
				continue;
			}
			const byte = chunk[i];
			if (this.inString) {
				if (this.escaped) this.escaped = false;
				else if (byte === BACKSLASH) this.escaped = true;
				else if (byte === QUOTE) {
					this.inString = false;
					this.lastString = this.shortString ? String.fromCharCode(...this.shortString) : '';
					continue;
				}
				if (this.shortString) {
					if (this.shortString.length < 16) this.shortString.push(byte);
					else this.shortString = undefined;
				}
				continue;
			}
			if (byte === QUOTE) {
				if (this.afterColon && this.keyBeforeColon === 'data') {
					// Start of an image: copy up to and including the quote, then decode instead of copying.
					this.skeleton.push(Buffer.from(chunk.subarray(copyFrom, i + 1)));
					this.skeleton.push(Buffer.from(`\\u0000blob:${this.blobs.length}`, 'latin1'));
					this.openBlob(this.consumed + i + 1);
					this.inBlob = true;
					this.inString = true;
					copyFrom = i + 1;
					this.afterColon = false;
					continue;
				}
				this.inString = true;
				this.shortString = [];
				this.afterColon = false;
				continue;
			}
			if (byte === COLON) {
				this.keyBeforeColon = this.lastString;
				this.afterColon = true;
			} else if (byte > 0x20) {
				this.afterColon = false;
				this.lastString = '';
			}
		}
		if (this.inBlob) this.decodeBase64(chunk, copyFrom, chunk.length, false);
		else if (copyFrom < chunk.length) this.skeleton.push(Buffer.from(chunk.subarray(copyFrom)));
		this.consumed += chunk.length;
	}

	/** The JSON with images replaced by blob references; throws on malformed or cut-off JSON. */
	end(): unknown {
		if (this.inString) throw new SyntaxError('Unexpected end of JSON input');
		return JSON.parse(Buffer.concat(this.skeleton).toString('utf8'));
	}

	private openBlob(offset: number): void {
		this.written = 0;
		this.pieces = [];
		// The rest of the body bounds the image: 3 bytes for every 4 base64 characters.
		const left = this.bodyLength !== undefined ? this.bodyLength - offset : -1;
		this.target = left > 0 ? Buffer.allocUnsafe(Math.floor((left * 3) / 4)) : undefined;
	}

	private decodeBase64(chunk: Buffer, from: number, to: number, last: boolean): void {
		if (to <= from && !last) return;
		// Base64 decodes in groups of 4 characters: carry the remainder to the next chunk.
		let text = this.base64Carry + chunk.toString('latin1', from, to);
		if (text.includes('\\')) text = text.replace(/\\\//g, '/').replace(/\\[nr]/g, '');
		const usable = last ? text.length : text.length - (text.length % 4);
		if (usable > 0) {
			const part = text.slice(0, usable);
			if (this.target && this.written + Math.ceil((usable * 3) / 4) <= this.target.length) {
				this.written += this.target.write(part, this.written, 'base64');
			} else {
				if (this.target) this.pieces.push(this.target.subarray(0, this.written));
				this.target = undefined;
				this.pieces.push(Buffer.from(part, 'base64'));
			}
		}
		this.base64Carry = text.slice(usable);
	}

	private closeBlob(): void {
		let blob: Buffer;
		if (this.target) {
			blob = this.target.subarray(0, this.written);
			// Several images in one answer: do not let the first keep the room reserved for the rest.
			if (this.target.length - this.written > Math.max(1 << 20, this.written / 4)) blob = Buffer.from(blob);
		} else {
			blob = this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces);
		}
		this.blobs.push(blob);
		this.pieces = [];
		this.target = undefined;
		this.base64Carry = '';
	}
}
