import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseJsonBody } from '../api/errors';
import { failureOf, getConnection, sendOnce } from '../transport';
import { rankModels } from './models';

/** "From list" of the Model field: the account's models, Gemini image models first. */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const connection = await getConnection(this);
	const context = { baseUrl: connection.baseUrl, secret: connection.secret };
	const sent = await sendOnce(this, connection, { method: 'GET', path: '/v1/models', timeoutMs: 30_000 }, context);
	const failure = 'failure' in sent ? sent.failure : failureOf(sent.value, context);
	if (failure) throw new NodeOperationError(this.getNode(), failure.message, { description: failure.description });
	const body = 'value' in sent ? parseJsonBody(sent.value.body) : undefined;
	return { results: rankModels(body, filter).map((id) => ({ name: id, value: id })) };
}
