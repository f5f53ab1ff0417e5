import { ANSWER_LIMITS } from './answerLimits';

/** The text around the images, as UTF-8 bytes, up to a limit. */
export class TextBuffer {
	private buf = Buffer.alloc(256);
	length = 0;
	cut = false;

	append(bytes: Buffer, start: number, end: number): void {
		const max = ANSWER_LIMITS.maxTextChars * 4;
		let take = end - start;
		if (this.cut || take <= 0) return;
		if (this.length + take > max) {
			take = max - this.length;
			this.cut = true;
		}
		if (this.length + take > this.buf.length) {
			const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.length + take));
			this.buf.copy(grown, 0, 0, this.length);
			this.buf = grown;
		}
		bytes.copy(this.buf, this.length, start, start + take);
		this.length += take;
	}

	truncate(length: number): void {
		this.length = Math.max(0, Math.min(this.length, length));
	}

	at(index: number): number {
		return this.buf[index];
	}

	toString(): string {
		return this.buf.toString('utf8', 0, this.length);
	}
}
