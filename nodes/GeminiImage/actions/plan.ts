/** What one item asks for, read and checked before any request is sent. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { GenerationInput } from '../helpers/interfaces';
import { nestsDeeperThan } from '../helpers/jsonDepth';
import { quote } from '../helpers/redact';
import type { InputRef } from './input/binaryInput';
import type { ItemSettings } from './options';
import { LIMITS, tooLong } from './limits';
import { readOptions } from './options';
import { nodeVersion } from './parameters';
import { isToolRun } from './toolRun';

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

/** The prompt's size, before any request: an AI model's prompt (tool) has a lower limit than a workflow's. */
function checkPromptLength(ctx: IExecuteFunctions, itemIndex: number, prompt: string): void {
	const tool = nodeVersion(ctx) >= 2 && isToolRun(ctx);
	const max = tool ? LIMITS.maxToolPromptChars : LIMITS.maxPromptChars;
	if (prompt.length <= max) return;
	throw new NodeOperationError(
		ctx.getNode(),
		`${tooLong(tool ? 'The prompt the AI model wrote' : 'Prompt', prompt.length, max)} [item ${itemIndex}]`,
		{
			itemIndex,
			description: tool
				? 'Nothing was sent. Ask the AI model (in its system message) for a shorter description of the image, or set Prompt in the tool to a fixed text.'
				: 'Nothing was sent. Shorten the prompt: describe the image in a few sentences. If an expression builds it, check that it does not pull in a whole document.',
		},
	);
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
	if (model.length > LIMITS.maxModelIdChars) {
		throw new NodeOperationError(ctx.getNode(), `Model ${quote(model)} is not a model ID [item ${itemIndex}]`, {
			itemIndex,
			description: `${tooLong('The ID', model.length, LIMITS.maxModelIdChars)}. Pick a model from the list or type a model ID, e.g. gemini-3.1-flash-image.`,
		});
	}
	const prompt = String(ctx.getNodeParameter('prompt', itemIndex, '') ?? '');
	if (!prompt.trim()) {
		throw new NodeOperationError(ctx.getNode(), `Prompt is empty [item ${itemIndex}]`, {
			itemIndex,
			description: 'Describe the image to make. If the prompt comes from an expression, check that the field it reads exists on this item.',
		});
	}
	checkPromptLength(ctx, itemIndex, prompt);
	const { generation, settings } = readOptions(ctx, itemIndex, model);
	// Checked before any request: the copy is made after the image is paid for.
	if (settings.includeInputFields && nestsDeeperThan(ctx.getInputData()[itemIndex]?.json, LIMITS.maxInputJsonDepth)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The input item's JSON nests deeper than ${LIMITS.maxInputJsonDepth.toLocaleString('en-US')} levels, too deep to copy into the output [item ${itemIndex}]`,
			{
				itemIndex,
				description:
					'Nothing was sent. Turn off Include Input Fields in the options, or remove the deeply nested field before this node (e.g. with an Edit Fields node).',
			},
		);
	}
	return { itemIndex, input: { ...generation, model, prompt, images: [] }, inputs: [], settings };
}
