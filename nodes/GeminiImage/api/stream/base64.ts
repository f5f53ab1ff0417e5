/**
 * Base64 decoded as it arrives (images in answers), checked as it goes, within the answer's image budget.
 * Pure: no n8n, no streams.
 */
import { AnswerLimitError, ANSWER_LIMITS } from './answerLimits';

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

/** A decoded image, or why its text was not base64. */
export interface DecodedBlob {
	data: Buffer;
	notBase64: boolean;
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

	end(): DecodedBlob {
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

	/**
	 * Keeps what store() decoded from `text`. Text that ended in padding ends the image: only more padding and
	 * whitespace may follow. (Only kept text counts: a try that failed on a line break must not.)
	 */
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
