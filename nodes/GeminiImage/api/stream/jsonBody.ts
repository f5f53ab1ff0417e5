/**
 * An answer that comes as one JSON body (not streamed), read chunk by chunk by a JSON reader. Its first
 * bytes are kept: when the body is not a JSON object (an HTML page, a body cut off), they tell which.
 */

/** How much of the body's start is kept for that message. */
const HEAD_CHARS = 512;

export class JsonBody {
	private head = '';

	constructor(private readonly reader: { push(chunk: Buffer): void; end(): unknown }) {}

	push(chunk: Buffer): void {
		if (this.head.length < HEAD_CHARS) this.head += chunk.toString('utf8', 0, Math.min(chunk.length, HEAD_CHARS));
		this.reader.push(chunk);
	}

	/** The parsed body, or its start when it is not a JSON object. */
	end(): { body: object } | { unreadable: string } {
		let parsed: unknown;
		try {
			parsed = this.reader.end();
		} catch {
			return { unreadable: this.head };
		}
		return parsed && typeof parsed === 'object' ? { body: parsed } : { unreadable: this.head };
	}
}
