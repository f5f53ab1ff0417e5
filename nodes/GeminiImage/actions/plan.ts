/** What one item asks for, read and checked before any request is sent. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { GenerationInput } from '../api/types';
import type { InputRef } from './input/binaryInput';
import type { ItemSettings } from './options';
import { readOptions } from './options';

export interface ItemPlan {
	itemIndex: number;
	/** Images are filled in by loadInputImages, just before the request. */
	input: GenerationInput;
	/** Image to Image: the item's binary fields, or binary objects given by expression, in order. */
	inputs: InputRef[];
	settings: ItemSettings;
	/** Refine Image: how many of the oldest turns were left out to stay within the limits (for a hint). */
	droppedTurns?: number;
	/** Refine Image: bytes of the text sent with the images (conversation, prompt), counted in Max Input Size. */
	textBytes?: number;
	/** Refine Image: the item holding the conversation, when it is another node's (Conversation From Node). */
	conversationItem?: INodeExecutionData;
}

/** `defaultModel`: the model to use when the Model parameter is empty (Refine Image: the conversation's). */
export function planCommon(ctx: IExecuteFunctions, itemIndex: number, defaultModel = ''): ItemPlan {
	const model = String(ctx.getNodeParameter('model', itemIndex, '', { extractValue: true }) ?? '').trim() || defaultModel;
	if (!model) {
		throw new NodeOperationError(ctx.getNode(), `Model is empty [item ${itemIndex}]`, {
			itemIndex,
			description: 'Pick a model from the list or type a model ID, e.g. gemini-3.1-flash-image.',
		});
	}
	const prompt = String(ctx.getNodeParameter('prompt', itemIndex, '') ?? '');
	if (!prompt.trim()) {
		throw new NodeOperationError(ctx.getNode(), `Prompt is empty [item ${itemIndex}]`, {
			itemIndex,
			description: 'Describe the image to make. If the prompt comes from an expression, check that the field it reads exists on this item.',
		});
	}
	const { generation, settings } = readOptions(ctx, itemIndex, model);
	return { itemIndex, input: { ...generation, model, prompt, images: [] }, inputs: [], settings };
}
