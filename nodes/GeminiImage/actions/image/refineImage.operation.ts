/**
 * Refine Image (version 2): continues the conversation of an image a Gemini Image node made. The input item
 * carries it (json.conversation, images in its binary fields); the request sends the earlier turns, thought
 * signatures verbatim, then the new prompt. As an AI Agent's tool there is no such item: the image to refine
 * comes by its link and stands as the model's last answer.
 */
import type { IBinaryData, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ConversationTurn } from '../../helpers/interfaces';
import { checkFamily, checkImageFields, planHistory, readConversation, utf8Bytes } from '../../helpers/conversation';
import { DEFAULT_MODEL } from '../../helpers/models';
import { cutText, quote } from '../../helpers/redact';
import { assertExecutionFiles, readToolImageUrls } from '../input';
import type { ItemPlan } from '../item';
import { modelProperty, planCommon } from '../item';
import type { RunMode } from '../options';
import { LIMITS, onVersions, readOptionValues } from '../options';
import { itemError } from '../errors';

export const option = {
	name: 'Refine Image',
	value: 'refineImage',
	action: 'Refine an image in a follow-up turn',
	description: 'Change an image a Gemini Image node made, in the same conversation with the model: "now make it night"',
};
export const toolAction = 'Refine an image, given by its link, with a follow-up prompt';

export const description: INodeProperties[] = [
	// Its Model: empty means the model that made the image (a model can only continue its own conversations).
	onVersions([2], {
		...modelProperty(DEFAULT_MODEL, 'gemini-3-pro-image'),
		default: { mode: 'id', value: '' },
		required: false,
		description: `The Gemini image model. Leave it empty for the one that made the image: a model can only continue its own conversations (as a tool, with an image link: ${DEFAULT_MODEL}).`,
		displayOptions: { show: { operation: ['refineImage'] } },
	}),
];

const PRETTY_UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9 };

/**
 * The size of a stored image without reading it: `bytes` (n8n 2.x), the base64 kept in memory, or the
 * rounded size n8n writes for people ("1.49 MB"). An estimate for trimming; the real total is checked when
 * the images are loaded.
 */
export function storedSize(binary: IBinaryData | undefined): number {
	if (!binary) return 0;
	const bytes = (binary as { bytes?: unknown }).bytes;
	if (typeof bytes === 'number') return bytes;
	if (!binary.id && typeof binary.data === 'string') return Math.floor((binary.data.length * 3) / 4);
	const pretty = /^([\d.]+)\s*([kmg]?b)$/i.exec(String(binary.fileSize ?? '').trim());
	return pretty ? Math.round(Number(pretty[1]) * PRETTY_UNITS[pretty[2].toLowerCase()]) : 0;
}

/** The image to refine stands as the model's last answer; any further links go with the new prompt. */
const FROM_LINK: ConversationTurn[] = [
	{ role: 'user', parts: [{ text: 'Here is the image to refine.' }] },
	{ role: 'model', parts: [{ image: 'link', mimeType: 'image/png' }] },
];

/**
 * The output item of another node that this input item comes from (n8n's item pairing, as `$('Node').item`
 * in an expression): in a review loop a Form or Wait page replaces the item, the Gemini Image output is
 * still there.
 */
function itemOfNode(ctx: IExecuteFunctions, name: string, itemIndex: number): INodeExecutionData {
	let item: INodeExecutionData | undefined;
	let why = '';
	try {
		item = (ctx.getWorkflowDataProxy(itemIndex).$(name) as { item?: INodeExecutionData }).item;
	} catch (error) {
		why = `: ${cutText((error as Error).message, 200)}`;
	}
	if (item) return item;
	throw itemError(
		ctx,
		itemIndex,
		`Conversation From Node: no item of the node ${quote(name)} leads to this item${why}`,
		'Check the node name, that the node ran before this one, and that the nodes in between keep their items linked (n8n item pairing).',
	);
}

export function plan(ctx: IExecuteFunctions, itemIndex: number, run: RunMode): ItemPlan {
	const fail = (message: string, description: string) => itemError(ctx, itemIndex, message, description);
	if (run.tool) return planFromLink(ctx, itemIndex, run, fail);

	const fromNode = String(readOptionValues(ctx, itemIndex, run).conversationNode ?? '').trim();
	const input = fromNode ? itemOfNode(ctx, fromNode, itemIndex) : ctx.getInputData()[itemIndex];
	const read = readConversation(input?.json);
	if ('problem' in read) throw fail(read.problem, read.fix);
	// An empty Model is the conversation's own.
	const item = planCommon(ctx, itemIndex, run, read.conversation.model);
	checkRoute(item, fail);
	const wrongModel = checkFamily(read.conversation, item.input.model);
	if (wrongModel) throw fail(wrongModel.problem, wrongModel.fix);
	// Only the fields the node writes: a conversation naming any other binary field of the item sends nothing.
	const fields = checkImageFields(read.conversation, input?.binary, item.settings.binaryPropertyOutput);
	if (fields) throw fail(fields.problem, fields.fix);
	item.settings.imageUrls = [];
	// The new prompt and the system instruction count against Max Input Size with the conversation.
	const newText = utf8Bytes(item.input.prompt) + utf8Bytes(item.input.systemInstruction ?? '');
	const history = planHistory(
		read.conversation,
		(field) => storedSize(input?.binary?.[field]),
		{ maxImages: LIMITS.maxInputImages, maxBytes: item.settings.maxInputBytes },
		{ textBytes: newText },
	);
	if ('problem' in history) throw fail(history.problem, history.fix);
	// The history's images are read like Image to Image's inputs, in turn order: the item's binary fields,
	// or the binary objects of the other node's item.
	item.inputs = history.imageFields.map((name) => (fromNode ? { name, binary: input.binary?.[name] } : { name }));
	if (fromNode) assertExecutionFiles(ctx, itemIndex, item.inputs, `Conversation From Node ("${cutText(fromNode, 60)}")`);
	if (fromNode) item.conversationItem = input;
	item.input.history = { turns: history.turns, earlierPrompts: history.earlierPrompts };
	item.droppedTurns = history.droppedTurns;
	item.textBytes = history.textBytes + newText;
	return item;
}

type Fail = (message: string, description: string) => NodeOperationError;

function checkRoute(item: ItemPlan, fail: Fail): void {
	if (item.settings.apiFormat !== 'openAiChat') return;
	throw fail(
		'Refine Image needs the Gemini Native API format',
		"The OpenAI chat format has no place for the model's earlier images and thought signatures, which Gemini needs to keep editing the same picture. Set Request Settings > API Format to Gemini Native (the image may come from either format).",
	);
}

/** As a tool: the image to refine comes by its link and stands as the model's last answer. */
function planFromLink(ctx: IExecuteFunctions, itemIndex: number, run: RunMode, fail: Fail): ItemPlan {
	const item = planCommon(ctx, itemIndex, run, DEFAULT_MODEL);
	checkRoute(item, fail);
	const urls = readToolImageUrls(ctx, itemIndex);
	if (!urls.length) {
		throw fail(
			'Refine Image as a tool needs the link of the image to refine',
			'Let the AI model fill Image URLs (the default) with the imageUrl an earlier call returned, or set a link there.',
		);
	}
	if (urls.length > LIMITS.maxInputImages)
		throw fail(`Too many image links: ${urls.length}, at most ${LIMITS.maxInputImages}`, 'Give fewer links.');
	item.settings.imageUrls = urls;
	item.input.history = { turns: FROM_LINK, earlierPrompts: [] };
	return item;
}
