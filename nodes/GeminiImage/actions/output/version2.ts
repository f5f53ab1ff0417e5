/**
 * What version 2 adds to its output items: the conversation that Refine Image continues (turns in the JSON,
 * images in binary fields), n8n's signed link to the image when asked, and, as an AI Agent's tool, the
 * small JSON an agent needs instead of the usual one.
 */
import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { answerParts, extendConversation } from '../../helpers/conversation';
import { NO_LINK_REASONS, toolJson } from './toolResult';
import type { GenerationResult } from '../../helpers/interfaces';
import type { ItemPlan } from '../plan';
import { signedImageLink } from '../toolRun';

/**
 * Gives each output item of one request its conversation: the turns sent, the prompt and the answer. The
 * earlier images come from the input item's binary fields (no bytes are copied: n8n's binary references are
 * reused), the other images of a multi-image answer from the sibling items.
 */
export function addConversation(
	items: INodeExecutionData[],
	result: GenerationResult,
	plan: ItemPlan,
	inputItem: INodeExecutionData | undefined,
): void {
	const outputField = plan.settings.binaryPropertyOutput;
	const stored = items.map((item) => item.binary?.[outputField]);
	const answer = answerParts(result);
	const mimeTypes = result.images.map((image) => image.mimeType);
	items.forEach((item, imageIndex) => {
		const { conversation, binaries } = extendConversation({
			model: plan.input.model,
			history: plan.input.history?.turns ?? [],
			earlierPrompts: plan.input.history?.earlierPrompts,
			prompt: plan.input.prompt,
			answer,
			mimeTypes,
			imageIndex,
			outputField,
		});
		const binary: IBinaryKeyData = {};
		for (const { field, from } of binaries) {
			const source = 'input' in from ? inputItem?.binary?.[from.input] : stored[from.image];
			if (source) binary[field] = { ...source };
		}
		item.binary = binary;
		item.json.conversation = conversation as unknown as IDataObject;
	});
}

/** Add Image Link: imageUrl, or null and the reason there is none. */
export function addImageLinks(ctx: IExecuteFunctions, items: INodeExecutionData[], outputField: string): void {
	for (const item of items) {
		const binary = item.binary?.[outputField];
		if (!binary) continue;
		const link = signedImageLink(ctx, binary);
		item.json.imageUrl = 'url' in link ? link.url : null;
		if (!('url' in link))
			item.json.noLinkReason = link.detail ? `${NO_LINK_REASONS[link.reason]}: ${link.detail}` : NO_LINK_REASONS[link.reason];
	}
}

/** As an AI Agent's tool: each item's JSON becomes the summary and the link (n8n drops the binary anyway). */
export function asToolItems(ctx: IExecuteFunctions, items: INodeExecutionData[], outputField: string): void {
	for (const item of items) {
		const binary = item.binary?.[outputField];
		if (!binary) continue;
		const json = item.json;
		const info = {
			model: String(json.model ?? ''),
			text: String(json.text ?? ''),
			mimeType: String(json.mimeType ?? binary.mimeType),
			fileSize: Number(json.fileSize ?? 0),
			width: json.width as number | null,
			height: json.height as number | null,
			imageIndex: Number(json.imageIndex ?? 0),
			imageCount: Number(json.imageCount ?? 1),
		};
		item.json = toolJson(info, signedImageLink(ctx, binary));
	}
}
