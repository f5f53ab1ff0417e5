/**
 * Errors as the user meets them: every one names its item, anything unexpected becomes a node error, and
 * an unknown model is answered with the image models the account does have.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { loadImageModels } from '../methods/listSearch';

export type NodeError = NodeApiError | NodeOperationError;

/**
 * Adds "[item N]" to the message unless it ends with this very item's tag already (the node's own errors
 * carry it; the API's and refusals' lack it). Any other tag at the end is someone else's words: a gateway
 * message ending in "[item 7]" still gets the real item's number.
 */
export function nameItem<T extends Error>(error: T, itemIndex: number): T {
	const tag = `[item ${itemIndex}]`;
	if (!error.message.trimEnd().endsWith(tag)) error.message = `${error.message} ${tag}`;
	return error;
}

/** The node's own refusal of an item, sent before any request or instead of one: what is wrong, how to fix it. */
export function itemError(ctx: IExecuteFunctions, itemIndex: number, message: string, description: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `${message} [item ${itemIndex}]`, { itemIndex, description });
}

/** Anything unexpected (a storage error, a bug) still reaches the user as a node error naming the item. */
export function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeError {
	const nodeError =
		error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
	return nameItem(nodeError, itemIndex);
}

export function errorItem(error: Error, itemIndex: number): INodeExecutionData {
	const json: { error: string; description?: string } = { error: error.message };
	const description = (error as { description?: unknown }).description;
	if (typeof description === 'string' && description) json.description = description;
	return { json, pairedItem: { item: itemIndex } };
}

/** CometAPI's 503 model_not_found (transport puts the API's code in the error response as `apiCode`). */
export function isModelNotFound(error: unknown): boolean {
	const response = (error as { errorResponse?: { apiCode?: unknown } })?.errorResponse;
	return error instanceof NodeApiError && (response?.apiCode === 'model_not_found' || /model_not_found/.test(error.message));
}

/**
 * Adds the account's image models to the description of a model_not_found error, so the user can pick a
 * name that exists. The list is fetched once per run and shared; if it cannot be had, the error stays as is.
 */
export async function listModelsInError(ctx: IExecuteFunctions, errors: NodeError[]): Promise<void> {
	const targets = errors.filter(isModelNotFound);
	if (!targets.length) return;
	let names: string;
	try {
		const models = await loadImageModels(ctx);
		names = models.length
			? `Image models on this account, newest first: ${models.map((m) => m.name).join(', ')}.`
			: 'This account lists no Gemini image models: check the account on the CometAPI dashboard.';
	} catch {
		return;
	}
	for (const error of targets) error.description = `${error.description ?? ''} ${names}`.trim();
}
