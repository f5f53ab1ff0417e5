/**
 * One generation request on the chosen route (native, native streamed, or OpenAI-compatible chat), with
 * retries; a result with at least one image, or an error. Reading the wire format is left to api/.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { blobRef, encodeJsonWithBlobs, JsonBlobReader } from '../api/blobs';
import { buildChatRequest, CHAT_PATH, ChatAnswer } from '../api/chat';
import type { ApiFailure, FailureContext } from '../api/errors';
import { describeHttpFailure, describeUnreadableBody, parseJsonBody, redactSecrets } from '../api/errors';
import { buildNativeRequest, mergeNativeResponse, nativePath, parseNativeResponse } from '../api/native';
import { explainMissingImage } from '../api/noImage';
import type { GenerationInput, GenerationResult } from '../api/types';
import type { Attempt, Connection, HttpAnswer } from '../transport';
import { describeThrown, failureOf, sendOnce, withRetries } from '../transport';
import { chunksOf, readAll, readEvents } from '../transport/stream';
import type { ItemSettings } from './options';

type Reader = (answer: HttpAnswer, context: FailureContext) => Promise<Attempt<GenerationResult>>;

const contentType = (answer: HttpAnswer) => String(answer.headers['content-type'] ?? '');

/** An error object inside a 200 stream (Google's or CometAPI's envelope) is a failure like an HTTP error. */
function inStreamFailure(event: unknown, context: FailureContext): ApiFailure | undefined {
	const error = (event as { error?: { code?: unknown } })?.error;
	if (!error) return undefined;
	const status = typeof error.code === 'number' && error.code >= 400 ? error.code : 500;
	return describeHttpFailure(status, event, {}, context);
}

function unreadable(answer: HttpAnswer, body: unknown, context: FailureContext): Attempt<GenerationResult> {
	return { failure: describeUnreadableBody(body, contentType(answer), context) };
}

/**
 * generateContent: the answer is read as it streams in and each image decoded on the fly (blobs.ts), so
 * a 20 MB image is never held as base64 text, a whole body and a parsed copy at once.
 */
const readNative: Reader = async (answer, context) => {
	const length = Number(answer.headers['content-length']);
	const reader = new JsonBlobReader(Number.isFinite(length) && length > 0 ? length : undefined);
	let head: Buffer | undefined; // the start of the body, to tell an HTML page from a cut-off JSON
	for await (const chunk of chunksOf(answer.body)) {
		head ??= chunk.subarray(0, 512);
		reader.push(chunk);
	}
	let parsed: unknown;
	try {
		parsed = reader.end();
	} catch {
		return unreadable(answer, head?.toString('utf8') ?? '', context);
	}
	if (!parsed || typeof parsed !== 'object') return unreadable(answer, parsed, context);
	return { value: parseNativeResponse(parsed, reader.blobs) };
};

interface EventsRead {
	failure?: ApiFailure;
	/** An event that was not JSON (a stream cut in the middle of one). */
	broken: boolean;
	events: number;
	done: boolean;
}

/** Reads a stream of JSON events (both streamed routes) until [DONE], an error event or the end. */
async function readJsonEvents(answer: HttpAnswer, context: FailureContext, onEvent: (event: object) => void): Promise<EventsRead> {
	const read: EventsRead = { broken: false, events: 0, done: false };
	await readEvents(answer.body, (data) => {
		if (data.trim() === '[DONE]') return (read.done = true);
		const event = parseJsonBody(data);
		if (!event || typeof event !== 'object') return (read.broken = true);
		read.events++;
		read.failure = inStreamFailure(event, context);
		if (read.failure) return true;
		onEvent(event);
		return false;
	});
	return read;
}

/** streamGenerateContent?alt=sse: every event is a whole response object; there is no [DONE]. */
const readNativeStream: Reader = async (answer, context) => {
	const result = parseNativeResponse({});
	const read = await readJsonEvents(answer, context, (event) => mergeNativeResponse(result, event));
	if (read.failure) return { failure: read.failure };
	// A stream that ends before the last event (the one with the finish reason) was cut off.
	if (read.broken || read.events === 0 || !result.finishReason) return unreadable(answer, '', context);
	return { value: result };
};

/** The chat route: SSE chunks until [DONE], or one completion object when the gateway did not stream. */
const readChat: Reader = async (answer, context) => {
	const chat = new ChatAnswer();
	if (/json/i.test(contentType(answer))) {
		const parsed = parseJsonBody(await readAll(answer.body));
		if (!parsed || typeof parsed !== 'object') return unreadable(answer, parsed, context);
		const failure = inStreamFailure(parsed, context);
		if (failure) return { failure };
		chat.add(parsed);
		return { value: chat.result() };
	}
	const read = await readJsonEvents(answer, context, (chunk) => chat.add(chunk));
	if (read.failure) return { failure: read.failure };
	const result = chat.result();
	// Without [DONE] or a finish reason the stream was cut off.
	if (read.broken || read.events === 0 || (!read.done && !result.finishReason)) return unreadable(answer, '', context);
	return { value: result };
};

export async function generateImages(
	ctx: IExecuteFunctions,
	connection: Connection,
	input: GenerationInput,
	settings: ItemSettings,
	itemIndex: number,
): Promise<GenerationResult> {
	const context: FailureContext = { model: input.model, baseUrl: connection.baseUrl, secret: connection.secret };
	const chat = settings.apiFormat === 'openAiChat';
	// Built once, as bytes: retries resend the same body instead of encoding the images again.
	const asBlob = (_image: unknown, index: number) => blobRef(index);
	const request = chat ? buildChatRequest(input, asBlob) : buildNativeRequest(input, asBlob);
	const body = encodeJsonWithBlobs(request, input.images.map((image) => image.data));
	const path = chat ? CHAT_PATH : nativePath(input.model, settings.streaming);
	const read: Reader = chat ? readChat : settings.streaming ? readNativeStream : readNative;

	const result = await withRetries(ctx, { policy: settings.retry, itemIndex, failureContext: context }, async () => {
		const sent = await sendOnce(
			ctx,
			connection,
			{ method: 'POST', path, body, timeoutMs: settings.timeoutMs, encoding: 'stream' },
			context,
		);
		if ('failure' in sent) return sent;
		const answer = sent.value;
		if (answer.statusCode < 200 || answer.statusCode >= 300) {
			answer.body = await readAll(answer.body);
			return { failure: failureOf(answer, context) as ApiFailure };
		}
		try {
			return await read(answer, context);
		} catch (error) {
			// The connection broke while the stream was being read: as transient as a reset.
			return { failure: describeThrown(error, context, settings.timeoutMs) };
		}
	});

	if (result.images.length === 0) {
		const why = explainMissingImage(result, input.images.length > 0);
		throw new NodeApiError(
			ctx.getNode(),
			{ message: why.message, finishReason: result.finishReason ?? null, blockReason: result.blockReason ?? null },
			{ message: redactSecrets(why.message, connection.secret), description: why.description, itemIndex },
		);
	}
	return result;
}
