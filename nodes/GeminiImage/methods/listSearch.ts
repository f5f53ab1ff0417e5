import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { loadImageModels } from './modelList';

/** "From List" of the Model field: the account's Gemini image models only, with their product names. */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const models = await loadImageModels(this, filter);
	return { results: models.map((m) => ({ name: m.name, value: m.id })) };
}
