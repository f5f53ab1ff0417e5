/** The part of a JSON answer kept for parsing (jsonReader.ts): pieces of bytes, with a size limit. */
import { AnswerLimitError, ANSWER_LIMITS } from './answerLimits';

export class JsonSkeleton {
	private readonly pieces: Buffer[] = [];
	private bytes = 0;

	/** Copies chunk[from, to) (nothing when from is -1). */
	copy(chunk: Buffer, from: number, to: number): void {
		if (from < 0 || to <= from) return;
		this.append(Buffer.from(chunk.subarray(from, to)));
	}

	append(bytes: Buffer): void {
		this.bytes += bytes.length;
		if (this.bytes > ANSWER_LIMITS.maxJsonBytes) throw new AnswerLimitError('json');
		this.pieces.push(bytes);
	}

	/** Takes the last `count` bytes off (an escape to rewrite, which may span several chunks). */
	drop(count: number): void {
		let left = count;
		while (left > 0 && this.pieces.length) {
			const last = this.pieces[this.pieces.length - 1];
			const take = Math.min(left, last.length);
			if (take === last.length) this.pieces.pop();
			else this.pieces[this.pieces.length - 1] = last.subarray(0, last.length - take);
			this.bytes -= take;
			left -= take;
		}
	}

	text(): string {
		return Buffer.concat(this.pieces, this.bytes).toString('utf8');
	}
}
