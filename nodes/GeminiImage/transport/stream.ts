/** Reading response bodies handed back by n8n's HTTP helpers (`encoding: 'stream'`), chunk by chunk. */
import type { Watchdog } from './watchdog';

type ByteStream = AsyncIterable<Buffer | string>;

const isStream = (body: unknown): body is ByteStream => !!body && typeof (body as ByteStream)[Symbol.asyncIterator] === 'function';

interface Destroyable {
	destroy?: (error?: Error) => void;
	destroyed?: boolean;
	emit?: (event: string, error: Error) => boolean;
	listenerCount?: (event: string) => number;
}

/**
 * Ends a response stream (a no-op for anything else): a pending read fails, its socket is released. The
 * error is emitted first, for a reader waiting on it: axios hands streamed answers out wrapped in a
 * Readable whose destroy() waits for the next chunk, which a stalled connection never sends.
 */
export function destroyBody(body: unknown, reason?: Error): void {
	const stream = body as Destroyable | undefined;
	if (!stream || typeof stream.destroy !== 'function' || stream.destroyed) return;
	try {
		if (reason && stream.emit && (stream.listenerCount?.('error') ?? 0) > 0) stream.emit('error', reason);
		stream.destroy(reason);
	} catch {
		// a stream that cannot be ended any further: the reader has its error already
	}
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
