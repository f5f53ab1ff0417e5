/**
 * Reads JSON chunk by chunk in one pass, linear in its size whatever the chunking. Strings that may be
 * huge (images) are handed, with their escapes decoded, to a sink as they arrive and replaced in the JSON
 * by a short placeholder; everything else is kept (the "skeleton") and parsed at the end, so the parsed
 * answer is small. Bounded: long strings are cut, the skeleton and the nesting depth have limits.
 * Pure: no n8n, no streams.
 */
import { SIMPLE_ESCAPES, UnicodeEscapes } from './jsonEscapes';
import { JsonPath } from './jsonPath';
import { JsonSkeleton } from './jsonSkeleton';
import { ANSWER_LIMITS } from './answerLimits';

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
// A NUL in the answer's text would look like our placeholders (see blobs.ts): it becomes U+FFFD.
const NUL_REPLACEMENT = Buffer.from('\\ufffd', 'latin1');

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

export class JsonReader {
	private readonly skeleton = new JsonSkeleton();
	private state = State.Out;
	private mode = Mode.Copy;
	private readonly path = new JsonPath();
	private keyBytes: number[] = [];
	private sink: StringSink | undefined;
	/** Raw bytes of the current string copied so far; past the limit the rest is dropped. */
	private stringBytes = 0;
	private dropping = false;
	private readonly unicode = new UnicodeEscapes();
	private readonly oneByte = Buffer.alloc(1);
	/** Strings cut at maxStringBytes. */
	cutStrings = 0;

	constructor(private readonly route: Router = () => undefined) {}

	push(chunk: Buffer): void {
		// Bytes from `from` to the current position go to the skeleton unchanged; -1 while not copying.
		let from = this.copying() ? 0 : -1;
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
				else this.path.structure(byte);
			} else if (this.state === State.Esc) {
				from = this.escape(byte, chunk, i, from);
			} else {
				from = this.unicodeDigit(byte, chunk, i, from);
			}
			i++;
		}
		if (from !== -1) this.skeleton.copy(chunk, from, n);
	}

	/** The skeleton, parsed; throws on JSON that is malformed or cut off. */
	end(): unknown {
		return JSON.parse(this.text());
	}

	/** The skeleton as text (small: images and cut strings are not in it). */
	text(): string {
		if (this.state !== State.Out) throw new SyntaxError('Unexpected end of JSON input');
		return this.skeleton.text();
	}

	/** Whether the bytes at the current position go to the skeleton as they are. */
	private copying(): boolean {
		return this.state === State.Out || (this.mode !== Mode.Sink && !this.dropping);
	}

	/** At an opening quote: decides whether the string is a key, copied, or handed to a sink. */
	private openString(chunk: Buffer, at: number, from: number): number {
		this.state = State.Str;
		this.stringBytes = 0;
		this.dropping = false;
		this.unicode.reset();
		const place = this.path.stringStarts();
		if (place === 'key') {
			this.mode = Mode.Key;
			this.keyBytes = [];
			return from;
		}
		const routed = place ? this.route(place) : undefined;
		if (!routed) {
			this.mode = Mode.Copy;
			return from;
		}
		this.mode = Mode.Sink;
		this.sink = routed.sink;
		this.skeleton.copy(chunk, from, at + 1);
		this.skeleton.append(Buffer.from(routed.placeholder, 'utf8'));
		return -1;
	}

	private closeString(): void {
		if (this.mode !== Mode.Copy) this.decoded(this.unicode.lone());
		if (this.mode === Mode.Key) {
			this.path.keyRead(this.keyBytes.length <= MAX_KEY_BYTES ? Buffer.from(this.keyBytes).toString('utf8') : undefined);
		} else if (this.mode === Mode.Sink) {
			this.sink?.end();
			this.sink = undefined;
		}
		if (this.dropping) this.cutStrings++;
	}

	/** Raw string content [start, end) of the chunk (no quote or backslash in it). */
	private content(chunk: Buffer, start: number, end: number, from: number): number {
		if (end <= start) return from;
		if (this.mode !== Mode.Copy) this.decoded(this.unicode.lone());
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
		this.skeleton.copy(chunk, from, cut);
		this.dropping = true;
		return -1;
	}

	private escape(byte: number, chunk: Buffer, at: number, from: number): number {
		if (byte === 0x75) {
			// \uXXXX
			this.state = State.Unicode;
			this.unicode.start();
			return from;
		}
		this.state = State.Str;
		if (this.mode === Mode.Copy) return this.copiedEscape(2, false, chunk, at, from);
		this.decoded(this.unicode.lone());
		const decoded = SIMPLE_ESCAPES[byte];
		if (decoded === undefined) return from;
		this.oneByte[0] = decoded;
		this.decoded(this.oneByte);
		return from;
	}

	private unicodeDigit(byte: number, chunk: Buffer, at: number, from: number): number {
		const code = this.unicode.digit(byte);
		if (code === undefined) return from;
		this.state = State.Str;
		if (this.mode === Mode.Copy) return this.copiedEscape(6, code === 0, chunk, at, from);
		this.decoded(this.unicode.bytes(code));
		return from;
	}

	/** Decoded bytes of a key or a routed string. */
	private decoded(bytes: Buffer | undefined): void {
		if (!bytes) return;
		if (this.mode === Mode.Key) this.keyBytes.push(...bytes);
		else if (this.mode === Mode.Sink) this.sink?.write(bytes, 0, bytes.length);
	}

	/**
	 * A copied string's escape of `length` raw bytes is complete; it stays in the skeleton as it came (it
	 * is in the range being copied), except a NUL, which becomes U+FFFD. Counts towards the string's limit.
	 */
	private copiedEscape(length: number, isNul: boolean, chunk: Buffer, at: number, from: number): number {
		if (this.dropping) return -1;
		let next = from;
		if (isNul) {
			this.skeleton.copy(chunk, from, at + 1);
			this.skeleton.drop(6);
			this.skeleton.append(NUL_REPLACEMENT);
			next = at + 1;
		}
		this.stringBytes += length;
		if (this.stringBytes > ANSWER_LIMITS.maxStringBytes) {
			this.skeleton.copy(chunk, next, at + 1);
			this.dropping = true;
			return -1;
		}
		return next;
	}
}
