import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseJsonBody } from '../helpers/errors';
import type { ModelEntry } from '../helpers/models';
import { imageModels } from '../helpers/models';
import { failureOf, getConnection, sendOnce } from '../transport';

/**
 * The account's Gemini image models from `GET /v1/models` (free), newest first. Throws a NodeOperationError
 * that says what went wrong (wrong key, wrong Base URL) when the list cannot be had.
 */
export async function loadImageModels(ctx: IExecuteFunctions | ILoadOptionsFunctions, filter?: string): Promise<ModelEntry[]> {
	const connection = await getConnection(ctx);
	const context = { baseUrl: connection.baseUrl, secret: connection.secret };
	const sent = await sendOnce(ctx, connection, { method: 'GET', path: '/v1/models', timeoutMs: 30_000 }, context);
	const failure = 'failure' in sent ? sent.failure : failureOf(sent.value, context);
	if (failure) throw new NodeOperationError(ctx.getNode(), failure.message, { description: failure.description });
	const body = 'value' in sent ? parseJsonBody(sent.value.body) : undefined;
	return imageModels(body, filter);
}
