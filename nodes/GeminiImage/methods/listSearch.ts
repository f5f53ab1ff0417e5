import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { failureOf, getConnection, sendOnce } from '../transport';
import { rankModels } from './models';

/** "From list" of the Model field: the account's models, Gemini image models first. */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const connection = await getConnection(this);
	const context = { baseUrl: connection.baseUrl, secret: connection.secret };
	const answer = await sendOnce(this, connection, { method: 'GET', path: '/v1/models', timeoutMs: 30_000 }, context);
	const failure = failureOf(answer, context);
	if (failure) throw new NodeOperationError(this.getNode(), failure.message, { description: failure.description });
	return { results: rankModels(answer.body, filter).map((id) => ({ name: id, value: id })) };
}
