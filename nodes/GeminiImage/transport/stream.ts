/** Reading response streams handed back by n8n's HTTP helper (`encoding: 'stream'`), chunk by chunk. */
import { SseParser } from '../api/sse';

type ByteStream = AsyncIterable<Buffer | string>;

const isStream = (body: unknown): body is ByteStream =>
	!!body && typeof (body as ByteStream)[Symbol.asyncIterator] === 'function';

/** The whole body, for error answers and non-streamed replies on a streaming request. */
export async function readAll(body: unknown): Promise<string> {
	if (!isStream(body)) return typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
	const chunks: Buffer[] = [];
	for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
	return Buffer.concat(chunks).toString('utf8');
}

/**
 * Feeds each event's data to `onData` as it arrives; `onData` returns true to stop reading (e.g. at
 * `[DONE]` or an in-stream error). Memory stays at one event, however long the stream.
 */
export async function readEvents(body: unknown, onData: (data: string) => boolean | void): Promise<void> {
	if (!isStream(body)) {
		const parser = new SseParser();
		for (const event of [...parser.push(await readAll(body)), ...parser.end()]) if (onData(event.data)) return;
		return;
	}
	const parser = new SseParser();
	for await (const chunk of body) {
		for (const event of parser.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) {
			if (onData(event.data)) {
				(body as { destroy?: () => void }).destroy?.();
				return;
			}
		}
	}
	for (const event of parser.end()) if (onData(event.data)) return;
}
