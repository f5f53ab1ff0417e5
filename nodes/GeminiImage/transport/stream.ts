/** Reading response bodies handed back by n8n's HTTP helpers (`encoding: 'stream'`), chunk by chunk. */
import type { Watchdog } from './watchdog';

type ByteStream = AsyncIterable<Buffer | string>;

const isStream = (body: unknown): body is ByteStream =>
	!!body && typeof (body as ByteStream)[Symbol.asyncIterator] === 'function';

/** Ends a response stream (a no-op for anything else): its socket is released, a pending read fails. */
export function destroyBody(body: unknown, reason?: Error): void {
	const stream = body as { destroy?: (error?: Error) => void; destroyed?: boolean } | undefined;
	if (stream && typeof stream.destroy === 'function' && !stream.destroyed) stream.destroy(reason);
}

/** The body's bytes as they arrive; a body that is not a stream (already read by someone) as one chunk. */
export async function* chunksOf(body: unknown, watchdog?: Watchdog): AsyncGenerator<Buffer> {
	if (!isStream(body)) {
		if (body !== undefined && body !== null) {
			yield Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
		}
		return;
	}
	for await (const chunk of body) {
		watchdog?.touch();
		yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
	}
}

export interface CappedText {
	text: string;
	/** The body went on past the cap (the rest was not read). */
	cut: boolean;
}

/** At most `maxBytes` of the body as text: error answers and model lists, never unbounded. */
export async function readCapped(chunks: AsyncIterable<Buffer>, maxBytes: number): Promise<CappedText> {
	const parts: Buffer[] = [];
	let length = 0;
	for await (const chunk of chunks) {
		const room = maxBytes - length;
		if (chunk.length > room) {
			parts.push(chunk.subarray(0, room));
			return { text: Buffer.concat(parts).toString('utf8'), cut: true };
		}
		parts.push(chunk);
		length += chunk.length;
	}
	return { text: Buffer.concat(parts).toString('utf8'), cut: false };
}
