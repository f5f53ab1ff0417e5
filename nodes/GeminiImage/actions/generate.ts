/**
 * One generation request on the chosen route (native, native streamed, or OpenAI-compatible chat), with
 * retries; a result with at least one image, or an error. Reading the wire format is left to api/.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { Route } from '../api/readerFor';
import { readerFor } from '../api/readerFor';
import { encodeJsonWithBlobs } from '../api/stream/blobs';
import { buildChatRequest, CHAT_PATH } from '../api/chat/request';
import type { FailureContext } from '../helpers/errors';
import { describeErrorEvent, describeUnreadableBody, explainMissingImage } from '../helpers/errors';
import { buildNativeRequest, nativePath } from '../api/native/request';
import type { GenerationInput, GenerationResult } from '../api/types';
import type { Attempt, Connection, StreamedAnswer } from '../transport';
import { apiError, attemptRequest, withRetries } from '../transport';
import type { ItemSettings } from './options';

/** Reads the answer as it streams in; each image is decoded on the fly (api/readerFor.ts). */
async function readAnswer(route: Route, answer: StreamedAnswer, context: FailureContext): Promise<Attempt<GenerationResult>> {
	const reader = readerFor(route, answer.headers);
	for await (const chunk of answer.chunks) {
		reader.push(chunk);
		if (reader.stopped) break;
	}
	const outcome = reader.end();
	if ('errorEvent' in outcome) return { failure: describeErrorEvent(outcome.errorEvent, context) };
	if ('unreadable' in outcome) {
		return { failure: describeUnreadableBody(outcome.unreadable, String(answer.headers['content-type']), context) };
	}
	return { value: outcome.result };
}

export async function generateImages(
	ctx: IExecuteFunctions,
	connection: Connection,
	input: GenerationInput,
	settings: ItemSettings,
	itemIndex: number,
): Promise<GenerationResult> {
	const context: FailureContext = { model: input.model, baseUrl: connection.baseUrl, secret: connection.secret };
	const chat = settings.apiFormat === 'openAiChat';
	const route: Route = { chat, streaming: settings.streaming };
	// Built once, as bytes: retries resend the same body instead of encoding the images again.
	const body = encodeJsonWithBlobs(
		(tag) => (chat ? buildChatRequest(input, tag) : buildNativeRequest(input, tag)),
		input.images.map((image) => image.data),
	);
	const path = chat ? CHAT_PATH : nativePath(input.model, settings.streaming);

	const result = await withRetries(
		ctx,
		{ policy: settings.retry, itemIndex, failureContext: context },
		async () =>
			await attemptRequest(
				ctx,
				connection,
				{ method: 'POST', path, body, timeoutMs: settings.timeoutMs },
				context,
				async (answer) => await readAnswer(route, answer, context),
			),
	);

	if (result.images.length === 0) {
		const why = explainMissingImage(result, input.images.length > 0);
		throw apiError(ctx, { message: why.message, description: why.description, itemIndex }, connection.secret, {
			finishReason: result.finishReason ?? null,
			blockReason: result.blockReason ?? null,
		});
	}
	return result;
}
