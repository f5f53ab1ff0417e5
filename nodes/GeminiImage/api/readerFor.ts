/**
 * Which reader reads an answer: one per route, fed the answer's bytes as they arrive (native/readers.ts,
 * chat/readers.ts). Images are decoded on the fly on every route, so none is ever held as base64 text.
 */
import { ChatBodyReader, ChatStreamReader } from './chat/readers';
import { NativeBodyReader, NativeStreamReader } from './native/readers';
import type { AnswerReader } from './types';

/** Which route an answer came from: the chat route, or the native one, streamed or not. */
export interface Route {
	chat: boolean;
	streaming: boolean;
}

/**
 * The reader for an answer. The chat route streams, unless the gateway answered with one JSON object; the
 * native body's Content-Length bounds its images, so that each is decoded into one buffer of its own.
 */
export function readerFor(route: Route, headers: Record<string, unknown>): AnswerReader {
	if (route.chat) return /json/i.test(String(headers['content-type'])) ? new ChatBodyReader() : new ChatStreamReader();
	if (route.streaming) return new NativeStreamReader();
	const length = Number(headers['content-length']);
	return new NativeBodyReader(length > 0 ? length : undefined);
}
