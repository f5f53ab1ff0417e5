/** Reading response bodies handed back by n8n's HTTP helper (`encoding: 'stream'`), chunk by chunk. */
import { SseParser } from '../api/sse';

type ByteStream = AsyncIterable<Buffer | string>;

const isStream = (body: unknown): body is ByteStream =>
	!!body && typeof (body as ByteStream)[Symbol.asyncIterator] === 'function';

/** The body's bytes as they arrive; a body that is not a stream (already read by someone) as one chunk. */
export async function* chunksOf(body: unknown): AsyncGenerator<Buffer> {
	if (!isStream(body)) {
		if (body !== undefined) yield Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
		return;
	}
	for await (const chunk of body) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

/** The whole body, for error answers and non-streamed replies on a streaming request. */
export async function readAll(body: unknown): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of chunksOf(body)) chunks.push(chunk);
	return Buffer.concat(chunks).toString('utf8');
}

/**
 * Feeds each event's data to `onData` as it arrives; `onData` returns true to stop reading (e.g. at
 * `[DONE]` or an in-stream error). Memory stays at one event, however long the stream.
 */
export async function readEvents(body: unknown, onData: (data: string) => boolean): Promise<void> {
	const parser = new SseParser();
	for await (const chunk of chunksOf(body)) {
		for (const event of parser.push(chunk)) {
			if (onData(event.data)) {
				(body as { destroy?: () => void }).destroy?.();
				return;
			}
		}
	}
	for (const event of parser.end()) if (onData(event.data)) return;
}
