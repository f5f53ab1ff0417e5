/**
 * The content of a chat answer, read as it arrives: its text, and its images (data URLs, bare or in
 * markdown `![alt](data:image/png;base64,...)`), each decoded on the fly. One pass over the bytes with a
 * small state machine, so the time is linear in the answer whatever it holds, and an image is never held
 * as text. Images may arrive split over several chunks. Pure: no n8n, no streams.
 *
 * Drafts: thinking models send draft images before the final one, and the chat route does not mark them.
 * The images after the model's last words are the result; images before those words are drafts.
 */
import { Base64Decoder, ImageBudget } from '../stream/base64';
import { TextBuffer } from '../stream/textBuffer';

export interface ChatImage {
	data: Buffer;
	notBase64: boolean;
	/** The MIME type the data URL claims. */
	mimeType: string;
	/** Whether the model said something (not only whitespace) between the image before and this one. */
	wordsBefore: boolean;
}

const enum State {
	Text,
	Mime,
	Params,
	Image,
	AfterImage,
}

const DATA = Buffer.from('data:');
const BASE64_PARAM = Buffer.from(';base64,');
const MAX_MIME_BYTES = 64;
const MAX_ALT_BYTES = 1000;
const BASE64_BYTE = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_') BASE64_BYTE[c.charCodeAt(0)] = 1;
const MIME_BYTE = new Uint8Array(256);
for (const c of 'abcdefghijklmnopqrstuvwxyz0123456789.+-/') MIME_BYTE[c.charCodeAt(0)] = 1;
const lower = (b: number) => (b >= 0x41 && b <= 0x5a ? b | 0x20 : b);
const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

export class ChatContent {
	readonly images: ChatImage[] = [];
	/** Images already known to be drafts (a later image came after words), their bytes dropped. */
	drafts = 0;
	private readonly text = new TextBuffer();
	private state = State.Text;
	private keepText = true;
	private matched = 0;
	private candidateStart = 0;
	private mime: number[] = [];
	private decoder: Base64Decoder | undefined;
	private wrapped = false;
	private wordsBefore = false;
	/** How far the text was checked for words. */
	private scanned = 0;

	constructor(private readonly budget = new ImageBudget()) {}

	/** A content string starts: the model's text, or a URL (whose text is not part of the answer's text). */
	begin(kind: 'text' | 'url'): void {
		// A URL is whole in its string; the model's text may continue in the next chunk's string.
		if (kind === 'url' || !this.keepText) this.finish();
		this.keepText = kind === 'text';
	}

	endString(): void {
		if (!this.keepText) this.finish();
	}

	/** The answer is complete: an image still open ends here. */
	finish(): void {
		if (this.state === State.Image) this.endImage();
		this.state = State.Text;
		this.matched = 0;
	}

	/**
	 * The result images (the last run: images after the model's last words) and how many drafts came
	 * before. Without any words the drafts cannot be told apart: the last image is the result.
	 */
	results(): { images: ChatImage[]; drafts: number } {
		if (this.images.length > 1 && !this.textContent()) {
			return { images: this.images.slice(-1), drafts: this.drafts + this.images.length - 1 };
		}
		return { images: this.images, drafts: this.drafts };
	}

	get textCut(): boolean {
		return this.text.cut;
	}

	/** The text without the images, blank lines squeezed. */
	textContent(): string {
		return this.text
			.toString()
			.replace(/\n{3,}/g, '\n\n')
			.trim();
	}

	write(bytes: Buffer, start: number, end: number): void {
		let i = start;
		while (i < end) {
			if (this.state === State.Text) i = this.scanText(bytes, i, end);
			else if (this.state === State.Image) i = this.scanImage(bytes, i, end);
			else i = this.step(bytes[i]) ? i + 1 : i;
		}
	}

	/** Text up to and including a "data:", or to the end. */
	private scanText(bytes: Buffer, start: number, end: number): number {
		for (let j = start; j < end; j++) {
			const b = lower(bytes[j]);
			if (b === DATA[this.matched]) {
				if (this.matched === 0) this.candidateStart = this.text.length + (j - start);
				if (++this.matched === DATA.length) {
					this.keep(bytes, start, j + 1);
					this.state = State.Mime;
					this.mime = [];
					return j + 1;
				}
			} else {
				this.matched = 0;
				if (b === DATA[0]) {
					this.candidateStart = this.text.length + (j - start);
					this.matched = 1;
				}
			}
		}
		this.keep(bytes, start, end);
		return end;
	}

	/** One byte of the MIME type, its parameters, or what follows an image; false to look at it again as text. */
	private step(byte: number): boolean {
		const b = lower(byte);
		if (this.state === State.AfterImage) {
			this.state = State.Text;
			if (b === 0x29) return true; // the markdown's closing parenthesis
			if (isSpace(b)) {
				this.state = State.AfterImage;
				return true;
			}
			return false;
		}
		if (this.state === State.Mime) {
			if (b === BASE64_PARAM[0]) {
				this.state = State.Params;
				this.matched = 1;
			} else if (!MIME_BYTE[b] || this.mime.length >= MAX_MIME_BYTES) {
				return this.notImage();
			} else {
				this.mime.push(b);
			}
			this.keepByte(byte);
			return true;
		}
		// Params: ";base64,"
		if (b !== BASE64_PARAM[this.matched]) return this.notImage();
		this.keepByte(byte);
		if (++this.matched === BASE64_PARAM.length) this.startImage();
		return true;
	}

	private notImage(): false {
		this.state = State.Text;
		this.matched = 0;
		return false;
	}

	private scanImage(bytes: Buffer, start: number, end: number): number {
		let j = start;
		while (j < end && BASE64_BYTE[bytes[j]]) j++;
		this.decoder?.write(bytes, start, j);
		if (j < end) {
			this.endImage();
			this.state = this.wrapped ? State.AfterImage : State.Text;
		}
		return j;
	}

	private startImage(): void {
		const mimeType = Buffer.from(this.mime).toString('latin1');
		this.matched = 0;
		if (!mimeType.startsWith('image/')) {
			this.state = State.Text;
			return;
		}
		if (this.keepText) this.text.truncate(this.candidateStart);
		this.wrapped = this.keepText && this.dropMarkdownOpening();
		this.wordsBefore = this.text.cut || this.wordsSinceLastImage();
		this.scanned = this.text.length;
		this.budget.openImage();
		this.decoder = new Base64Decoder(this.budget);
		this.mime = Array.from(mimeType, (c) => c.charCodeAt(0));
		this.state = State.Image;
	}

	private endImage(): void {
		const decoded = this.decoder?.end() ?? { data: Buffer.alloc(0), notBase64: true };
		this.decoder = undefined;
		if (this.wordsBefore) {
			// A new run of images after words: every image before it was a draft.
			for (const image of this.images) image.data = Buffer.alloc(0);
			this.drafts += this.images.length;
			this.images.length = 0;
		}
		const mimeType = Buffer.from(this.mime).toString('latin1');
		this.images.push({ data: decoded.data, notBase64: decoded.notBase64, mimeType, wordsBefore: this.wordsBefore });
	}

	/** Removes `![alt](` (and spaces) just before the data URL; true if it was there. */
	private dropMarkdownOpening(): boolean {
		let i = this.text.length - 1;
		while (i >= 0 && isSpace(this.text.at(i))) i--;
		if (i < 1 || this.text.at(i) !== 0x28 || this.text.at(i - 1) !== 0x5d) return false; // "]("
		const stop = Math.max(0, i - 1 - MAX_ALT_BYTES);
		for (let j = i - 2; j >= stop; j--) {
			const b = this.text.at(j);
			if (b === 0x5d || b === 0x0a) return false;
			if (b === 0x5b) {
				if (j === 0 || this.text.at(j - 1) !== 0x21) return false; // "!["
				this.text.truncate(j - 1);
				return true;
			}
		}
		return false;
	}

	private wordsSinceLastImage(): boolean {
		for (let i = Math.min(this.scanned, this.text.length); i < this.text.length; i++) {
			if (!isSpace(this.text.at(i))) return true;
		}
		return false;
	}

	private keep(bytes: Buffer, start: number, end: number): void {
		if (this.keepText) this.text.append(bytes, start, end);
	}

	private keepByte(byte: number): void {
		if (this.keepText) this.text.append(Buffer.of(byte), 0, 1);
	}
}
