/**
 * One item's request: what kind of run it is, what the item asks for (read and checked before any request
 * is sent), and the request itself, with retries, on the chosen route.
 */
import type { IBinaryData, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Route } from '../helpers/answers';
import { readAnswer } from '../helpers/answers';
import type { FailureContext } from '../helpers/failures';
import { explainMissingImage } from '../helpers/failures';
import type { GenerationInput, GenerationResult } from '../helpers/interfaces';
import { nestsDeeperThan, quote } from '../helpers/redact';
import { buildChatRequest, buildNativeRequest, CHAT_PATH, encodeJsonWithBlobs, nativePath } from '../helpers/requests';
import type { Connection, RetryContext } from '../transport';
import { apiError, attemptRequest, withRetries } from '../transport';
import type { ItemSettings, RunMode } from './options';
import { LIMITS, readOptions, tooLong } from './options';
import { itemError } from './errors';

function nodeVersion(ctx: IExecuteFunctions): number {
	return Number(ctx.getNode().typeVersion) || 1;
}

/**
 * Whether this run is a tool call of an AI Agent: n8n 2.x says so (isToolExecution); in every version the
 * tool variant's type name ends in "Tool" (n8n adds it when it makes a node usable as a tool). The agent's
 * arguments (the node's $fromAI() values) arrive as the JSON of one input item, and only the JSON of the
 * output goes back to the agent.
 */
export function isToolRun(ctx: IExecuteFunctions): boolean {
	const says = (ctx as { isToolExecution?: () => boolean }).isToolExecution;
	if (typeof says === 'function' && says.call(ctx)) return true;
	return /Tool$/.test(ctx.getNode().type);
}

export function runMode(ctx: IExecuteFunctions): RunMode {
	const version2 = nodeVersion(ctx) >= 2;
	const toolCall = isToolRun(ctx);
	return { version2, toolCall, tool: version2 && toolCall };
}

/** An input image of the item (input.ts reads it). */
export interface InputRef {
	/** The field name, or a name for a binary object given by expression (for messages). */
	name: string;
	/** Set when the image is a binary object from an expression, not a field of this item. */
	binary?: IBinaryData;
	/** The binary object was found in the item's JSON under this name (the field itself is missing). */
	fromJson?: boolean;
}

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

/** The Model picker of a version, which differ only in the model a new node starts with. */
export function modelProperty(defaultModel: string, example: string): INodeProperties {
	return {
		displayName: 'Model',
		name: 'model',
		type: 'resourceLocator',
		default: { mode: 'list', value: defaultModel },
		required: true,
		description: 'The Gemini image model. Names change often: pick one from the list or type any model ID.',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchModels', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: `e.g. ${example}`,
			},
		],
	};
}

/** The prompt's size, before any request: an AI model's prompt (tool) has a lower limit than a workflow's. */
function checkPromptLength(ctx: IExecuteFunctions, itemIndex: number, prompt: string, tool: boolean): void {
	const max = tool ? LIMITS.maxToolPromptChars : LIMITS.maxPromptChars;
	if (prompt.length <= max) return;
	throw itemError(
		ctx,
		itemIndex,
		`${tooLong(tool ? 'The prompt the AI model wrote' : 'Prompt', prompt.length, max)}`,
		tool
			? 'Nothing was sent. Ask the AI model (in its system message) for a shorter description of the image, or set Prompt in the tool to a fixed text.'
			: 'Nothing was sent. Shorten the prompt: describe the image in a few sentences. If an expression builds it, check that it does not pull in a whole document.',
	);
}

/** Model, prompt and options. `defaultModel`: the model when Model is empty (Refine Image: the conversation's). */
export function planCommon(ctx: IExecuteFunctions, itemIndex: number, run: RunMode, defaultModel = ''): ItemPlan {
	const model = String(ctx.getNodeParameter('model', itemIndex, '', { extractValue: true }) ?? '').trim() || defaultModel;
	if (!model) {
		throw itemError(ctx, itemIndex, `Model is empty`, 'Pick a model from the list or type a model ID, e.g. gemini-3.1-flash-image.');
	}
	if (model.length > LIMITS.maxModelIdChars) {
		throw itemError(
			ctx,
			itemIndex,
			`Model ${quote(model)} is not a model ID`,
			`${tooLong('The ID', model.length, LIMITS.maxModelIdChars)}. Pick a model from the list or type a model ID, e.g. gemini-3.1-flash-image.`,
		);
	}
	const prompt = String(ctx.getNodeParameter('prompt', itemIndex, '') ?? '');
	if (!prompt.trim()) {
		throw itemError(
			ctx,
			itemIndex,
			`Prompt is empty`,
			'Describe the image to make. If the prompt comes from an expression, check that the field it reads exists on this item.',
		);
	}
	checkPromptLength(ctx, itemIndex, prompt, run.tool);
	const { generation, settings } = readOptions(ctx, itemIndex, model, run);
	// Checked before any request: the copy is made after the image is paid for.
	if (settings.includeInputFields && nestsDeeperThan(ctx.getInputData()[itemIndex]?.json, LIMITS.maxInputJsonDepth)) {
		throw itemError(
			ctx,
			itemIndex,
			`The input item's JSON nests deeper than ${LIMITS.maxInputJsonDepth.toLocaleString('en-US')} levels, too deep to copy into the output`,
			'Nothing was sent. Turn off Include Input Fields in the options, or remove the deeply nested field before this node (e.g. with an Edit Fields node).',
		);
	}
	return { itemIndex, input: { ...generation, model, prompt, images: [] }, inputs: [], settings };
}

export async function generateImages(
	ctx: IExecuteFunctions,
	connection: Connection,
	input: GenerationInput,
	settings: ItemSettings,
	itemIndex: number,
	queue?: Pick<RetryContext, 'limiter' | 'queueSignal'>,
): Promise<GenerationResult> {
	const context: FailureContext = { model: input.model, baseUrl: connection.baseUrl, secret: connection.secret };
	const chat = settings.apiFormat === 'openAiChat';
	const route: Route = { chat, streaming: settings.streaming };
	// Built once, as bytes: retries resend the same body instead of encoding the images again.
	const body = encodeJsonWithBlobs(
		(tag) => (chat ? buildChatRequest(input, tag) : buildNativeRequest(input, tag)),
		input.images.map((image) => image.data),
	);
	const path = chat ? CHAT_PATH : nativePath(input.model, settings.streaming);

	const result = await withRetries(
		ctx,
		{ policy: settings.retry, itemIndex, failureContext: context, ...queue },
		async () =>
			await attemptRequest(
				ctx,
				connection,
				{ method: 'POST', path, body, timeoutMs: settings.timeoutMs },
				context,
				async (answer) => await readAnswer(route, answer, context),
			),
	);

	if (result.images.length === 0) {
		const why = explainMissingImage(result, input.images.length > 0);
		throw apiError(ctx, { message: why.message, description: why.description, itemIndex }, connection.secret, {
			finishReason: result.finishReason ?? null,
			blockReason: result.blockReason ?? null,
		});
	}
	return result;
}
