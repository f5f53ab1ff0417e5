import type { IExecuteFunctions, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseJsonBody } from '../helpers/failures';
import type { ModelEntry } from '../helpers/models';
import { imageModels } from '../helpers/models';
import { getConnection, sendOnce } from '../transport';

/**
 * The account's Gemini image models from `GET /v1/models` (free), newest first. Throws a NodeOperationError
 * that says what went wrong (wrong key, wrong Base URL) when the list cannot be had.
 */
export async function loadImageModels(ctx: IExecuteFunctions | ILoadOptionsFunctions, filter?: string): Promise<ModelEntry[]> {
	const connection = await getConnection(ctx);
	const context = { baseUrl: connection.baseUrl, secret: connection.secret };
	// Only a 2xx answer comes back as a value: any other status is a failure already.
	const sent = await sendOnce(ctx, connection, { method: 'GET', path: '/v1/models', timeoutMs: 30_000 }, context);
	if ('failure' in sent) throw new NodeOperationError(ctx.getNode(), sent.failure.message, { description: sent.failure.description });
	return imageModels(parseJsonBody(sent.value.body), filter);
}

/** "From List" of the Model field: the account's Gemini image models only, with their product names. */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const models = await loadImageModels(this, filter);
	return { results: models.map((m) => ({ name: m.name, value: m.id })) };
}
