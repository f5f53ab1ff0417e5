/**
 * Reading a chat answer as it arrives: streamed chunks until [DONE], or one completion object when the
 * gateway did not stream. Content is decoded across chunks (see answer.ts). Pure: the caller owns the stream.
 */
import { errorIn, EventReader } from '../stream/eventReader';
import { JsonBody } from '../stream/jsonBody';
import type { JsonReader } from '../stream/jsonReader';
import type { AnswerReader, ReadOutcome } from '../types';
import { ChatAnswer } from './answer';

/** The chat route, streamed: chunks until [DONE]. */
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
	private readonly body = new JsonBody(this.answer.reader());

	push(chunk: Buffer): void {
		this.body.push(chunk);
	}

	end(): ReadOutcome {
		const read = this.body.end();
		if ('unreadable' in read) return read;
		const error = errorIn(read.body);
		if (error) return { errorEvent: error };
		this.answer.addMeta(read.body);
		return { result: this.answer.result() };
	}
}
