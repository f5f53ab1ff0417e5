/**
 * One reader per route, fed the answer's bytes as they arrive: native (one JSON body), native streamed
 * (server-sent events, each a whole response object), chat (SSE chunks until [DONE], or one completion).
 * Images are decoded on the fly on every route, so none is ever held as base64 text. Pure: the caller
 * owns the stream and turns the outcome into a result or a failure.
 */
import { ImageBudget, JsonBlobReader } from './stream/blobs';
import { ChatAnswer } from './chat';
import type { JsonReader } from './stream/jsonReader';
import { capText } from './stream/limits';
import { emptyResult, mergeNativeResponse, parseNativeResponse } from './native';
import { SseReader } from './stream/sse';
import type { GenerationResult } from './types';

export type ReadOutcome =
	| { result: GenerationResult }
	/** Not the JSON expected (an HTML page, a body or stream cut off): the start of the body, to tell which. */
	| { unreadable: string }
	/** An error object where the answer should be (Google's or CometAPI's envelope, inside a 200). */
	| { errorEvent: object };

export interface AnswerReader {
	push(chunk: Buffer): void;
	/** True once the rest of the stream does not matter ([DONE], an error event, a broken event). */
	readonly stopped: boolean;
	/** After the last chunk (or once stopped). */
	end(): ReadOutcome;
}

const errorOf = (value: unknown) => (value && typeof value === 'object' && 'error' in value && (value as { error: unknown }).error ? value : undefined);
const isObject = (value: unknown): value is object => !!value && typeof value === 'object';

const finished = (result: GenerationResult): ReadOutcome => {
	result.text = capText(result.text, result.textCut);
	return { result };
};

/** generateContent: one JSON body, its images decoded straight into buffers sized from Content-Length. */
export class NativeBodyReader implements AnswerReader {
	readonly stopped = false;
	private readonly reader: JsonBlobReader;
	private head = '';

	constructor(contentLength?: number) {
		this.reader = new JsonBlobReader(contentLength);
	}

	push(chunk: Buffer): void {
		if (this.head.length < 512) this.head += chunk.toString('utf8', 0, Math.min(chunk.length, 512));
		this.reader.push(chunk);
	}

	end(): ReadOutcome {
		let parsed: unknown;
		try {
			parsed = this.reader.end();
		} catch {
			return { unreadable: this.head };
		}
		if (!isObject(parsed)) return { unreadable: this.head };
		return finished(parseNativeResponse(parsed, this.reader.blobs, this.reader.notBase64));
	}
}

/** Reads server-sent events, each event's data through a fresh JSON reader. */
abstract class EventReader implements AnswerReader {
	stopped = false;
	protected events = 0;
	protected broken = false;
	protected done = false;
	protected errorEvent: object | undefined;
	private readonly sse: SseReader;
	private event: { push(chunk: Buffer): void; text(): string } | undefined;

	constructor() {
		this.sse = new SseReader({
			begin: () => (this.event = this.newEvent()),
			data: (bytes, start, end) => this.event?.push(bytes.subarray(start, end)),
			end: () => this.endEvent(),
		});
	}

	protected abstract newEvent(): { push(chunk: Buffer): void; text(): string };
	protected abstract onEvent(event: object): void;
	abstract end(): ReadOutcome;

	push(chunk: Buffer): void {
		if (!this.stopped) this.sse.push(chunk);
	}

	protected finishEvents(): void {
		if (!this.stopped) this.sse.end();
	}

	private endEvent(): void {
		if (this.stopped) return;
		let parsed: unknown;
		try {
			const text = this.event?.text() ?? '';
			if (text.trim() === '[DONE]') {
				this.done = this.stopped = true;
				return;
			}
			parsed = JSON.parse(text);
		} catch {
			parsed = undefined;
		}
		this.event = undefined;
		if (!isObject(parsed)) {
			// An event that is not JSON: a stream cut in the middle of one.
			this.broken = this.stopped = true;
			return;
		}
		this.events++;
		this.errorEvent = errorOf(parsed);
		if (this.errorEvent) this.stopped = true;
		else this.onEvent(parsed);
	}
}

/** streamGenerateContent?alt=sse: every event is a whole response object; there is no [DONE]. */
export class NativeStreamReader extends EventReader {
	private readonly result = emptyResult();
	private readonly budget = new ImageBudget();
	private current: JsonBlobReader | undefined;

	protected newEvent() {
		this.current = new JsonBlobReader(undefined, this.budget);
		return this.current;
	}

	protected onEvent(event: object): void {
		const reader = this.current;
		mergeNativeResponse(this.result, event, reader?.blobs, reader?.notBase64);
	}

	end(): ReadOutcome {
		this.finishEvents();
		if (this.errorEvent) return { errorEvent: this.errorEvent };
		// A stream that ends before the last event (the one with the finish reason) was cut off.
		if (this.broken || this.events === 0 || !this.result.finishReason) return { unreadable: '' };
		return finished(this.result);
	}
}

/** The chat route, streamed: chunks until [DONE]; content decoded across chunks (see chat.ts). */
export class ChatStreamReader extends EventReader {
	private readonly answer = new ChatAnswer();

	protected newEvent(): JsonReader {
		return this.answer.reader();
	}

	protected onEvent(event: object): void {
		this.answer.addMeta(event);
	}

	end(): ReadOutcome {
		this.finishEvents();
		if (this.errorEvent) return { errorEvent: this.errorEvent };
		const result = this.answer.result();
		// Without [DONE] or a finish reason the stream was cut off.
		if (this.broken || this.events === 0 || (!this.done && !result.finishReason)) return { unreadable: '' };
		return { result };
	}
}

/** The chat route when the gateway did not stream: one completion object. */
export class ChatBodyReader implements AnswerReader {
	readonly stopped = false;
	private readonly answer = new ChatAnswer();
	private readonly reader = this.answer.reader();
	private head = '';

	push(chunk: Buffer): void {
		if (this.head.length < 512) this.head += chunk.toString('utf8', 0, Math.min(chunk.length, 512));
		this.reader.push(chunk);
	}

	end(): ReadOutcome {
		let parsed: unknown;
		try {
			parsed = this.reader.end();
		} catch {
			return { unreadable: this.head };
		}
		if (!isObject(parsed)) return { unreadable: this.head };
		const error = errorOf(parsed);
		if (error) return { errorEvent: error };
		this.answer.addMeta(parsed);
		return { result: this.answer.result() };
	}
}

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
