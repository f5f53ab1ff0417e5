/** How errors reach the user: each names its item once, error items carry what can be shown. */
import { Readable } from 'stream';

import type { IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { asNodeError, errorItem, isModelNotFound, listModelsInError, nameItem } from '../../nodes/GeminiImage/actions/errors';
import { NODE } from './fixtures';

const node = NODE;
const ctx = { getNode: () => node } as unknown as IExecuteFunctions;

describe('nameItem', () => {
	it.each([
		['Something failed', 3, 'Something failed [item 3]'],
		['Something failed [item 3]', 3, 'Something failed [item 3]'],
		['Something failed [item 12]', 12, 'Something failed [item 12]'],
		['Something failed [item 7]', 0, 'Something failed [item 7] [item 0]'],
		['Something failed [item 3]  ', 3, 'Something failed [item 3]  '],
		['The API said "[item 1] is bad" here', 2, 'The API said "[item 1] is bad" here [item 2]'],
		['Ends with [item 1]x', 1, 'Ends with [item 1]x [item 1]'],
		['Ends with [item ]', 4, 'Ends with [item ] [item 4]'],
	])('%j for item %i: %j', (message, item, expected) => {
		expect(nameItem(new Error(message), item).message).toBe(expected);
	});
});

describe('asNodeError', () => {
	it('keeps node errors as they are, wraps anything else, and names the item either way', () => {
		const api = new NodeApiError(node, { message: 'x' }, { message: 'CometAPI answered 500', itemIndex: 2 });
		expect(asNodeError(ctx, api, 2)).toBe(api);
		expect(api.message).toBe('CometAPI answered 500 [item 2]');
		const operation = new NodeOperationError(node, 'Prompt is empty [item 1]', { itemIndex: 1 });
		expect(asNodeError(ctx, operation, 1)).toBe(operation);
		const wrapped = asNodeError(ctx, new TypeError('storage went away'), 4);
		expect(wrapped).toBeInstanceOf(NodeOperationError);
		expect(wrapped.message).toBe('storage went away [item 4]');
		expect(wrapped.context.itemIndex).toBe(4);
	});
});

describe('errorItem', () => {
	it('holds the message and, when there is one, the description', () => {
		const withDescription = Object.assign(new Error('failed [item 1]'), { description: 'Try again.' });
		expect(errorItem(withDescription, 1)).toEqual({
			json: { error: 'failed [item 1]', description: 'Try again.' },
			pairedItem: { item: 1 },
		});
		for (const description of ['', undefined, null, 42, { text: 'x' }]) {
			expect(errorItem(Object.assign(new Error('m'), { description }), 0)).toEqual({ json: { error: 'm' }, pairedItem: { item: 0 } });
		}
	});
});

describe('isModelNotFound', () => {
	it("is CometAPI's model_not_found on an API error, by its code or its words", () => {
		expect(isModelNotFound(new NodeApiError(node, { message: 'x', apiCode: 'model_not_found' }))).toBe(true);
		expect(
			isModelNotFound(new NodeApiError(node, { message: 'x' }, { message: 'CometAPI answered 503: model_not_found: no channel' })),
		).toBe(true);
		expect(isModelNotFound(new NodeApiError(node, { message: 'x', apiCode: 'invalid_request' }))).toBe(false);
		expect(isModelNotFound(new NodeOperationError(node, 'model_not_found'))).toBe(false);
		expect(isModelNotFound(new Error('model_not_found'))).toBe(false);
		expect(isModelNotFound(undefined)).toBe(false);
	});
});

describe('isModelNotFound: API errors n8n built from a thrown Error', () => {
	it('an API error without an error response (n8n wraps thrown errors so) is read by its words, without failing', () => {
		expect(isModelNotFound(new NodeApiError(node, new Error('model_not_found: no channel') as unknown as JsonObject))).toBe(true);
		expect(isModelNotFound(new NodeApiError(node, new Error('socket hang up') as unknown as JsonObject))).toBe(false);
	});
});

describe('listModelsInError', () => {
	/** An account whose GET /v1/models answers `models` (the request goes nowhere: the helper answers it). */
	const account = (models: object[]) => {
		const paths: string[] = [];
		const c = {
			getNode: () => node,
			getCredentials: async () => ({ apiKey: 'sk-test', baseUrl: 'http://127.0.0.1:9' }),
			helpers: {
				httpRequestWithAuthentication: async (_type: string, options: { url: string }) => {
					paths.push(options.url);
					return {
						statusCode: 200,
						headers: { 'content-type': 'application/json' },
						body: Readable.from([Buffer.from(JSON.stringify({ data: models }))]),
					};
				},
			},
		} as unknown as IExecuteFunctions;
		return { ctx: c, paths };
	};

	it('an error without a description gets just the list, without a leading space', async () => {
		const { ctx: c, paths } = account([{ id: 'gpt-4o', created: 1715367049 }]);
		const error = new NodeApiError(node, { message: 'x', apiCode: 'model_not_found' });
		error.description = undefined;
		await listModelsInError(c, [error]);
		expect(paths).toEqual(['http://127.0.0.1:9/v1/models']);
		expect(error.description).toBe('This account lists no Gemini image models: check the account on the CometAPI dashboard.');
	});
});
