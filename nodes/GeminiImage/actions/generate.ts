/**
 * One generation request on the chosen route (native, native streamed, or OpenAI-compatible chat), with
 * retries; a result with at least one image, or an error. Reading the wire format is left to api/.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { Route } from '../helpers/answers';
import { readAnswer } from '../helpers/answers';
import { buildChatRequest, CHAT_PATH, encodeJsonWithBlobs } from '../helpers/requests';
import type { FailureContext } from '../api/errors/failure';
import { buildNativeRequest, nativePath } from '../helpers/requests';
import { explainMissingImage } from '../api/errors/noImage';
import type { GenerationInput, GenerationResult } from '../helpers/interfaces';
import type { Connection } from '../transport';
import { apiError, attemptRequest, withRetries } from '../transport';
import type { ItemSettings } from './options';

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
