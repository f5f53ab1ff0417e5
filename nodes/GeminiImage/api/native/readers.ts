/**
 * Reading a native answer as it arrives: one JSON body (generateContent), or server-sent events that are
 * each a whole response object (streamGenerateContent?alt=sse). Images are decoded on the fly into buffers,
 * never held as base64 text. Pure: the caller owns the stream.
 */
import { ImageBudget, JsonBlobReader } from '../stream/blobs';
import { EventReader } from '../stream/eventReader';
import { JsonBody } from '../stream/jsonBody';
import { capText } from '../stream/answerLimits';
import type { AnswerReader, ReadOutcome } from '../types';
import type { GenerationResult } from '../types';
import { emptyResult, mergeNativeResponse, parseNativeResponse } from './response';

const finished = (result: GenerationResult): ReadOutcome => {
	result.text = capText(result.text, result.textCut);
	return { result };
};

/** generateContent: one JSON body, its images decoded straight into buffers sized from Content-Length. */
export class NativeBodyReader implements AnswerReader {
	readonly stopped = false;
	private readonly reader: JsonBlobReader;
	private readonly body: JsonBody;

	constructor(contentLength?: number) {
		this.reader = new JsonBlobReader(contentLength);
		this.body = new JsonBody(this.reader);
	}

	push(chunk: Buffer): void {
		this.body.push(chunk);
	}

	end(): ReadOutcome {
		const read = this.body.end();
		if ('unreadable' in read) return read;
		return finished(parseNativeResponse(read.body, this.reader.blobs, this.reader.notBase64));
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
