/**
 * Answers read as they arrive, in one pass, linear in their size whatever the chunking: JSON whose huge
 * strings (images) are handed to a sink with their escapes decoded, and base64 decoded on the fly into one
 * buffer per image, within the answer's image budget. Everything else is kept (the "skeleton") and parsed
 * at the end, so the parsed answer is small. Pure: no n8n, no streams.
 */
import { AnswerLimitError, ANSWER_LIMITS } from './interfaces';

/** What one answer may decode: shared by the readers of one answer (a stream's events, chat chunks). */
export class ImageBudget {
	images = 0;
	bytes = 0;

	openImage(): void {
		if (++this.images > ANSWER_LIMITS.maxImages) throw new AnswerLimitError('images');
	}

	add(bytes: number): void {
		this.bytes += bytes;
		if (this.bytes > ANSWER_LIMITS.maxImageBytes) throw new AnswerLimitError('imageBytes');
	}

	get bytesLeft(): number {
		return ANSWER_LIMITS.maxImageBytes - this.bytes;
	}
}

const STAGE_BYTES = 64 * 1024; // a multiple of 4
/**
 * Room reserved for one image, at most: more than the largest real image (a 4K PNG is under 50 MB). The
 * operating system commits memory only where it is written, so the room past the image costs address space,
 * not memory; an image that outgrows it goes on in pieces, joined at the end.
 */
const MAX_RESERVED = 64 * 1024 * 1024;
/** Below this an image is copied out of its room (cheap), so the room itself can go. */
const KEEP_ROOM_FROM = 1024 * 1024;
const WHITESPACE = new Set([0x09, 0x0a, 0x0d, 0x20]);

/** A decoded image, or why its text was not base64; `mimeType` is the one its answer claims. */
export interface DecodedImage {
	data: Buffer;
	notBase64: boolean;
	mimeType?: string;
}

/**
 * Decodes base64 text as it arrives, straight into one buffer (its room, bounded by the body's length when
 * that is known), so a large image exists once, never as pieces and a copy of them. Text that is not
 * base64 (line breaks and spaces aside) marks the image as undecodable and is dropped.
 */
export class Base64Decoder {
	private readonly stage = Buffer.allocUnsafe(STAGE_BYTES);
	private staged = 0;
	private target: Buffer | undefined;
	private written = 0;
	private pieces: Buffer[] = [];
	private piecesBytes = 0;
	private roomTaken: boolean;
	private notBase64 = false;
	private padding = false;

	constructor(
		private readonly budget: ImageBudget,
		bound?: number,
	) {
		// Without a bound, small images go in pieces and the room is taken past 1 MB (takeRoom).
		this.roomTaken = bound !== undefined;
		const size = bound === undefined ? 0 : Math.min(bound, budget.bytesLeft, MAX_RESERVED);
		if (size > 0) this.target = Buffer.allocUnsafe(size);
	}

	write(bytes: Buffer, start: number, end: number): void {
		// Whole groups of 4 straight from the chunk when nothing is staged (the common case: no escapes).
		if (this.staged === 0 && !this.notBase64 && !this.padding && end - start >= 4) {
			const usable = end - start - ((end - start) % 4);
			const text = bytes.toString('latin1', start, start + usable);
			const expected = this.expectedBytes(text, false);
			const decoded = this.store(text, expected);
			if (decoded === expected) {
				this.commit(decoded, text);
				start += usable;
			}
		}
		while (start < end && !this.notBase64) {
			const take = Math.min(end - start, STAGE_BYTES - this.staged);
			bytes.copy(this.stage, this.staged, start, start + take);
			this.staged += take;
			start += take;
			if (this.staged === STAGE_BYTES) this.decode(false);
		}
	}

	end(): DecodedImage {
		if (!this.notBase64) this.decode(true);
		if (this.notBase64) return { data: Buffer.alloc(0), notBase64: true };
		let data: Buffer;
		if (this.target) {
			// A large image keeps its room (only its own bytes were ever written): no copy of it exists.
			data = this.target.subarray(0, this.written);
			if (this.written < KEEP_ROOM_FROM && this.written < this.target.length) data = Buffer.from(data);
		} else {
			data = this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces);
		}
		this.target = undefined;
		this.pieces = [];
		return { data, notBase64: false };
	}

	/**
	 * Decodes the staged text, whole groups of 4 (all of it at the end); the rest stays staged. Fast path:
	 * Node skips what is not base64, so a group of 4 that decodes to fewer than 3 bytes held something else.
	 */
	private decode(last: boolean): void {
		if (last && !this.clean()) return this.fail();
		if (this.padding && !this.onlyPadding()) return this.fail();
		let usable = last ? this.staged : this.staged - (this.staged % 4);
		if (usable === 0) return;
		let text = this.stage.toString('latin1', 0, usable);
		let expected = this.expectedBytes(text, last);
		let bytes = this.store(text, expected);
		if (bytes !== expected && !last) {
			// Line breaks and spaces are fine, anything else is not.
			if (!this.clean()) return this.fail();
			usable = this.staged - (this.staged % 4);
			text = this.stage.toString('latin1', 0, usable);
			expected = this.expectedBytes(text, last);
			bytes = usable ? this.store(text, expected) : 0;
		}
		if (bytes !== expected) return this.fail();
		this.commit(bytes, text);
		this.stage.copy(this.stage, 0, usable, this.staged);
		this.staged -= usable;
	}

	/** Bytes the text decodes to, -1 if it cannot be base64; '=' only as padding at the very end. */
	private expectedBytes(text: string, last: boolean): number {
		let length = text.length;
		while (length > 0 && text.charCodeAt(length - 1) === 0x3d) length--;
		const pad = text.length - length;
		if (pad > 2 || (last && length % 4 === 1)) return -1;
		return Math.floor((length * 3) / 4);
	}

	/** Decodes into the target (or a new piece); nothing is kept until commit(). Returns the bytes decoded. */
	private store(text: string, expected: number): number {
		if (!this.target && !this.roomTaken && this.piecesBytes + expected > KEEP_ROOM_FROM) this.takeRoom();
		if (this.target && this.written + expected <= this.target.length) {
			return this.target.write(text, this.written, 'base64');
		}
		const piece = Buffer.from(text, 'base64');
		if (piece.length === expected) {
			if (this.target) this.pieces.push(this.target.subarray(0, this.written));
			this.piecesBytes += this.written + piece.length;
			this.target = undefined;
			this.written = 0;
			this.pieces.push(piece);
		}
		return piece.length;
	}

	/** Past 1 MB of an image of unknown size: it goes on in its room, the pieces so far copied in (cheap). */
	private takeRoom(): void {
		this.roomTaken = true;
		const room = Buffer.allocUnsafe(Math.min(MAX_RESERVED, this.budget.bytesLeft + this.piecesBytes));
		let at = 0;
		for (const piece of this.pieces) at += piece.copy(room, at);
		this.pieces = [];
		this.piecesBytes = 0;
		this.target = room;
		this.written = at;
	}

	/** Keeps what store() decoded. Text that ended in padding ends the image: only padding and whitespace may follow. */
	private commit(bytes: number, text: string): void {
		this.budget.add(bytes);
		if (this.target) this.written += bytes;
		if (text.charCodeAt(text.length - 1) === 0x3d) this.padding = true;
	}

	/**
	 * Drops whitespace from the staged text; false if text follows the padding. (Any other byte that is not
	 * base64 is kept: Node skips it when decoding, so the text decodes to fewer bytes than it should and fails.)
	 */
	private clean(): boolean {
		let out = 0;
		let sawPadding = this.padding;
		for (let i = 0; i < this.staged; i++) {
			const b = this.stage[i];
			if (WHITESPACE.has(b)) continue;
			if (b === 0x3d) sawPadding = true;
			else if (sawPadding) return false;
			this.stage[out++] = b;
		}
		this.staged = out;
		return true;
	}

	private onlyPadding(): boolean {
		for (let i = 0; i < this.staged; i++) if (this.stage[i] !== 0x3d && !WHITESPACE.has(this.stage[i])) return false;
		return true;
	}

	private fail(): void {
		this.notBase64 = true;
		this.staged = 0;
		this.target = undefined;
		this.pieces = [];
	}
}

/** Receives one string's content, escapes decoded, as UTF-8 bytes. */
export interface StringSink {
	write(bytes: Buffer, start: number, end: number): void;
	/** The closing quote: the string is complete. */
	end(): void;
}

/** Where a string value sits: its key (undefined in an array) and the key of the object or array holding it. */
export interface StringPlace {
	key?: string;
	parentKey?: string;
}

/** A sink for the string, and what the skeleton holds instead (JSON string content, already escaped). */
export type Router = (place: StringPlace) => { sink: StringSink; placeholder: string } | undefined;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MAX_KEY_BYTES = 64;
const MAX_DEPTH = 512;
// A NUL in the answer's text would look like the image placeholders (see JsonBlobReader): it becomes U+FFFD.
const NUL_REPLACEMENT = Buffer.from('\\ufffd', 'latin1');
const REPLACEMENT = Buffer.from('\ufffd', 'utf8');
/** What the one-letter escapes stand for: \" \\ \/ \b \f \n \r \t. */
const SIMPLE_ESCAPES: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9 };

const enum State {
	Out,
	Str,
	Esc,
	Unicode,
}
const enum Mode {
	Key,
	Copy,
	Sink,
}

/**
 * Reads JSON chunk by chunk. Bounded: long strings are cut (cutStrings counts them), the skeleton is
 * limited to maxJsonBytes, past a nesting depth the reader only counts.
 */
export class JsonReader {
	private readonly pieces: Buffer[] = [];
	private skeletonBytes = 0;
	private state = State.Out;
	private mode = Mode.Copy;
	/** The containers the reader is in, with their keys: enough to tell a key from a value, and where a value sits. */
	private readonly frames: Array<{ isArray: boolean; key?: string }> = [];
	private extraDepth = 0;
	private expectKey = false;
	private lastKey: string | undefined;
	private keyBytes: number[] = [];
	private sink: StringSink | undefined;
	/** Raw bytes of the current string copied so far; past the limit the rest is dropped. */
	private stringBytes = 0;
	private dropping = false;
	private code = 0;
	private digits = 0;
	private highSurrogate = 0;
	private readonly oneByte = Buffer.alloc(1);
	cutStrings = 0;

	constructor(private readonly router: Router = () => undefined) {}

	protected route(place: StringPlace): ReturnType<Router> {
		return this.router(place);
	}

	push(chunk: Buffer): void {
		// Bytes from `from` to the current position go to the skeleton unchanged; -1 while not copying.
		let from = this.state === State.Out || (this.mode !== Mode.Sink && !this.dropping) ? 0 : -1;
		let nextQuote = -2;
		let nextBackslash = -2;
		const n = chunk.length;
		let i = 0;
		while (i < n) {
			if (this.state === State.Str) {
				// Jump to the next quote or backslash; both positions are cached so each byte is looked at once.
				if (nextQuote !== -1 && nextQuote < i) nextQuote = chunk.indexOf(QUOTE, i);
				if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = chunk.indexOf(BACKSLASH, i);
				let stop = n;
				if (nextQuote !== -1) stop = nextQuote;
				if (nextBackslash !== -1 && nextBackslash < stop) stop = nextBackslash;
				from = this.content(chunk, i, stop, from);
				if (stop === n) break;
				if (chunk[stop] === QUOTE) {
					if (from === -1) from = stop; // the closing quote goes to the skeleton
					this.closeString();
					this.state = State.Out;
				} else {
					this.state = State.Esc;
				}
				i = stop + 1;
				continue;
			}
			const byte = chunk[i];
			if (this.state === State.Out) {
				if (byte === QUOTE) from = this.openString(chunk, i, from);
				else this.structure(byte);
			} else if (this.state === State.Esc) {
				from = this.escape(byte, chunk, i, from);
			} else {
				from = this.unicodeDigit(byte, chunk, i, from);
			}
			i++;
		}
		if (from !== -1) this.copy(chunk, from, n);
	}

	/** The skeleton, parsed; throws on JSON that is malformed or cut off. */
	end(): unknown {
		return JSON.parse(this.text());
	}

	/** The skeleton as text (small: images and cut strings are not in it). */
	text(): string {
		if (this.state !== State.Out) throw new SyntaxError('Unexpected end of JSON input');
		return Buffer.concat(this.pieces, this.skeletonBytes).toString('utf8');
	}

	private copy(chunk: Buffer, from: number, to: number): void {
		if (from >= 0 && to > from) this.append(Buffer.from(chunk.subarray(from, to)));
	}

	private append(bytes: Buffer): void {
		this.skeletonBytes += bytes.length;
		if (this.skeletonBytes > ANSWER_LIMITS.maxJsonBytes) throw new AnswerLimitError('json');
		this.pieces.push(bytes);
	}

	/** Takes the last `count` bytes off the skeleton (an escape to rewrite, which may span several chunks). */
	private drop(count: number): void {
		let left = count;
		while (left > 0 && this.pieces.length) {
			const last = this.pieces[this.pieces.length - 1];
			const take = Math.min(left, last.length);
			if (take === last.length) this.pieces.pop();
			else this.pieces[this.pieces.length - 1] = last.subarray(0, last.length - take);
			this.skeletonBytes -= take;
			left -= take;
		}
	}

	/** A byte outside strings. */
	private structure(byte: number): void {
		const top = this.frames[this.frames.length - 1];
		if (byte === 0x7b || byte === 0x5b) {
			const isArray = byte === 0x5b;
			const key = top && !top.isArray ? this.lastKey : top?.key;
			if (this.frames.length < MAX_DEPTH && this.extraDepth === 0) this.frames.push({ isArray, key });
			else this.extraDepth++;
			this.expectKey = !isArray;
		} else if (byte === 0x7d || byte === 0x5d) {
			if (this.extraDepth > 0) this.extraDepth--;
			else this.frames.pop();
			this.expectKey = false;
		} else if (byte === 0x3a) {
			this.expectKey = false;
		} else if (byte === 0x2c) {
			this.expectKey = !!top && !top.isArray;
		}
	}

	/** At an opening quote: decides whether the string is a key, copied, or handed to a sink. */
	private openString(chunk: Buffer, at: number, from: number): number {
		this.state = State.Str;
		this.stringBytes = 0;
		this.dropping = false;
		this.highSurrogate = 0;
		const top = this.frames[this.frames.length - 1];
		if (this.expectKey && top && !top.isArray) {
			this.mode = Mode.Key;
			this.keyBytes = [];
			return from;
		}
		const place = top?.isArray ? { parentKey: top.key } : { key: this.lastKey, parentKey: top?.key };
		const routed = this.extraDepth === 0 ? this.route(place) : undefined;
		if (!routed) {
			this.mode = Mode.Copy;
			return from;
		}
		this.mode = Mode.Sink;
		this.sink = routed.sink;
		this.copy(chunk, from, at + 1);
		this.append(Buffer.from(routed.placeholder, 'utf8'));
		return -1;
	}

	private closeString(): void {
		if (this.mode !== Mode.Copy) this.decoded(this.lone());
		if (this.mode === Mode.Key) {
			this.lastKey = this.keyBytes.length <= MAX_KEY_BYTES ? Buffer.from(this.keyBytes).toString('utf8') : undefined;
		} else if (this.mode === Mode.Sink) {
			this.sink?.end();
			this.sink = undefined;
		}
		if (this.dropping) this.cutStrings++;
	}

	/** Raw string content [start, end) of the chunk (no quote or backslash in it). */
	private content(chunk: Buffer, start: number, end: number, from: number): number {
		if (end <= start) return from;
		if (this.mode !== Mode.Copy) this.decoded(this.lone());
		if (this.mode === Mode.Sink) {
			this.sink?.write(chunk, start, end);
			return from;
		}
		if (this.mode === Mode.Key) {
			for (let j = start; j < end && this.keyBytes.length <= MAX_KEY_BYTES; j++) this.keyBytes.push(chunk[j]);
			return from;
		}
		if (this.dropping) return from;
		const room = ANSWER_LIMITS.maxStringBytes - this.stringBytes;
		if (end - start <= room) {
			this.stringBytes += end - start;
			return from;
		}
		// Cut here, but never inside a UTF-8 sequence: its continuation bytes go with it.
		let cut = start + room;
		while (cut > start && (chunk[cut] & 0xc0) === 0x80) cut--;
		this.copy(chunk, from, cut);
		this.dropping = true;
		return -1;
	}

	private escape(byte: number, chunk: Buffer, at: number, from: number): number {
		if (byte === 0x75) {
			// \uXXXX
			this.state = State.Unicode;
			this.code = 0;
			this.digits = 0;
			return from;
		}
		this.state = State.Str;
		if (this.mode === Mode.Copy) return this.copiedEscape(2, false, chunk, at, from);
		this.decoded(this.lone());
		const decoded = SIMPLE_ESCAPES[byte];
		if (decoded === undefined) return from;
		this.oneByte[0] = decoded;
		this.decoded(this.oneByte);
		return from;
	}

	private unicodeDigit(byte: number, chunk: Buffer, at: number, from: number): number {
		const value = byte <= 0x39 ? byte - 0x30 : (byte | 0x20) - 0x57;
		this.code = this.code * 16 + (value >= 0 && value < 16 ? value : 0);
		if (++this.digits < 4) return from;
		this.state = State.Str;
		if (this.mode === Mode.Copy) return this.copiedEscape(6, this.code === 0, chunk, at, from);
		this.decoded(this.unicodeBytes(this.code));
		return from;
	}

	/** The UTF-8 bytes of a \uXXXX code unit: none yet for a high surrogate (its pair comes next). */
	private unicodeBytes(code: number): Buffer | undefined {
		if (code >= 0xd800 && code <= 0xdbff) {
			const lone = this.lone();
			this.highSurrogate = code;
			return lone;
		}
		if (code >= 0xdc00 && code <= 0xdfff) {
			const high = this.highSurrogate;
			this.highSurrogate = 0;
			return high ? Buffer.from(String.fromCodePoint(0x10000 + ((high - 0xd800) << 10) + (code - 0xdc00)), 'utf8') : REPLACEMENT;
		}
		const lone = this.lone();
		const bytes = Buffer.from(String.fromCodePoint(code), 'utf8');
		return lone ? Buffer.concat([lone, bytes]) : bytes;
	}

	/** A high surrogate not followed by its pair stands for U+FFFD, as JSON.parse renders it in UTF-8. */
	private lone(): Buffer | undefined {
		if (!this.highSurrogate) return undefined;
		this.highSurrogate = 0;
		return REPLACEMENT;
	}

	/** Decoded bytes of a key or a routed string. */
	private decoded(bytes: Buffer | undefined): void {
		if (!bytes) return;
		// A key past MAX_KEY_BYTES is no key: escaped bytes stop being held there too, as plain ones do.
		if (this.mode === Mode.Key) {
			if (this.keyBytes.length <= MAX_KEY_BYTES) this.keyBytes.push(...bytes);
		} else if (this.mode === Mode.Sink) this.sink?.write(bytes, 0, bytes.length);
	}

	/**
	 * A copied string's escape of `length` raw bytes is complete; it stays in the skeleton as it came (it
	 * is in the range being copied), except a NUL, which becomes U+FFFD. Counts towards the string's limit.
	 */
	private copiedEscape(length: number, isNul: boolean, chunk: Buffer, at: number, from: number): number {
		if (this.dropping) return -1;
		let next = from;
		if (isNul) {
			this.copy(chunk, from, at + 1);
			this.drop(6);
			this.append(NUL_REPLACEMENT);
			next = at + 1;
		}
		this.stringBytes += length;
		if (this.stringBytes > ANSWER_LIMITS.maxStringBytes) {
			this.copy(chunk, next, at + 1);
			this.dropping = true;
			return -1;
		}
		return next;
	}
}

/** The string that stands for image N inside an answer read here; no answer can forge its NUL. */
const REF = /^\u0000blob:(\d+)$/;
export const blobIndex = (value: string): number | undefined => {
	const m = REF.exec(value);
	return m ? Number(m[1]) : undefined;
};

/**
 * Reads a native answer (a whole body, or one event of a stream) chunk by chunk: the `data` of every
 * `inlineData` part is decoded on the fly into `images`, and stands in the parsed JSON as "\u0000blob:i".
 */
export class JsonBlobReader extends JsonReader {
	readonly images: DecodedImage[] = [];
	private consumed = 0;

	/** @param bodyLength the body's Content-Length, when the server sent one: images then need no joining */
	constructor(
		private readonly bodyLength?: number,
		private readonly budget = new ImageBudget(),
	) {
		super();
	}

	protected route(place: StringPlace): ReturnType<Router> {
		if (place.key !== 'data' || (place.parentKey !== 'inlineData' && place.parentKey !== 'inline_data')) return undefined;
		return { sink: this.openImage(), placeholder: `\\u0000blob:${this.images.length - 1}` };
	}

	push(chunk: Buffer): void {
		super.push(chunk);
		this.consumed += chunk.length;
	}

	private openImage(): StringSink {
		this.budget.openImage();
		const image: DecodedImage = { data: Buffer.alloc(0), notBase64: false };
		this.images.push(image);
		// The rest of the body bounds the image: 3 bytes for every 4 base64 characters.
		const left = this.bodyLength !== undefined ? this.bodyLength - this.consumed : 0;
		const decoder = new Base64Decoder(this.budget, left > 0 ? Math.floor((left * 3) / 4) : undefined);
		return { write: (bytes, start, end) => decoder.write(bytes, start, end), end: () => Object.assign(image, decoder.end()) };
	}
}
