/** One generation request on the chosen route, with retries; a result with at least one image, or an error. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { describeUnreadableBody, parseJsonBody, redactSecrets } from '../api/errors';
import { buildNativeRequest, nativePath, parseNativeResponse } from '../api/native';
import { explainMissingImage } from '../api/noImage';
import type { GenerationInput, GenerationResult } from '../api/types';
import type { Connection } from '../transport';
import { failureOf, sendOnce, withRetries } from '../transport';
import type { ItemSettings } from './options';

export async function generateImages(
	ctx: IExecuteFunctions,
	connection: Connection,
	input: GenerationInput,
	settings: ItemSettings,
	itemIndex: number,
): Promise<GenerationResult> {
	const failureContext = { model: input.model, baseUrl: connection.baseUrl, secret: connection.secret };
	// Built once: retries resend the same body instead of encoding the images again.
	const body = buildNativeRequest(input) as IDataObject;
	const path = nativePath(input.model);

	const result = await withRetries(ctx, { policy: settings.retry, itemIndex, failureContext }, async () => {
		const sent = await sendOnce(ctx, connection, { method: 'POST', path, body, timeoutMs: settings.timeoutMs }, failureContext);
		if ('failure' in sent) return sent;
		const answer = sent.value;
		const failure = failureOf(answer, failureContext);
		if (failure) return { failure };
		const parsed = parseJsonBody(answer.body);
		if (!parsed || typeof parsed !== 'object') {
			return { failure: describeUnreadableBody(parsed, String(answer.headers['content-type'] ?? ''), failureContext) };
		}
		return { value: parseNativeResponse(parsed) };
	});

	if (result.images.length === 0) {
		const why = explainMissingImage(result);
		throw new NodeApiError(
			ctx.getNode(),
			{ message: why.message, finishReason: result.finishReason ?? null, blockReason: result.blockReason ?? null },
			{
				message: redactSecrets(why.message, connection.secret),
				description: why.description,
				itemIndex,
			},
		);
	}
	return result;
}
