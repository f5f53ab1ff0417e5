/**
 * Output items: one per image, its binary stored the instance's way, numbered over the item. Version 2
 * adds the conversation that Refine Image continues (turns in the JSON, images in binary fields) and n8n's
 * signed link to the image when asked; as an AI Agent's tool each item is a small JSON instead (n8n passes
 * only the JSON to the agent): what was made, in a few plain words, and the link, which serves the bytes
 * without a login. After the run, what is worth telling without being an error (execution hints).
 */
import type { IBinaryData, IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData, NodeExecutionHint } from 'n8n-workflow';
import { deepCopy } from 'n8n-workflow';

import { answerParts, extendConversation } from '../helpers/conversation';
import { retiredOn } from '../helpers/models';
import { formatBytes } from '../helpers/redact';
import { ANSWER_LIMITS } from '../helpers/interfaces';
import type { GenerationResult } from '../helpers/interfaces';
import type { ItemPlan } from './item';
import { LIMITS } from './options';

/** An answer's text on its later image items: whole when short, else its start and where the rest is. */
export function laterItemText(text: string): string {
	const max = ANSWER_LIMITS.laterImageTextChars;
	return text.length <= max ? text : `${text.slice(0, max)} … [cut: the whole text is on this answer's first image item]`;
}

/**
 * The JSON of each output item: what the model said and what the image is. Pure, for tests. The answer's
 * text and grounding are whole on its first image item only: copied onto each of up to 32 images they
 * multiplied the output (32 × 100,000 characters of text, 32 × the grounding).
 */
export function outputJson(result: GenerationResult, model: string, imageIndex: number): IDataObject {
	const image = result.images[imageIndex];
	const first = imageIndex === 0;
	const json: IDataObject = {
		model,
		modelVersion: result.modelVersion ?? null,
		text: first ? result.text : laterItemText(result.text),
		finishReason: result.finishReason ?? null,
		mimeType: image.mimeType,
		fileSize: image.data.length,
		width: image.width ?? null,
		height: image.height ?? null,
		imageIndex,
		imageCount: result.images.length,
	};
	if (result.usage) {
		// Only the counts the API gave: no undefined fields in the item.
		json.usage = Object.fromEntries(Object.entries(result.usage).filter(([, v]) => v !== undefined)) as IDataObject;
	}
	if (result.responseId) json.responseId = result.responseId;
	if (first && result.groundingSources?.length) json.groundingSources = result.groundingSources as unknown as IDataObject[];
	if (first && result.searchQueries?.length) json.searchQueries = result.searchQueries;
	return json;
}

export function outputFileName(itemIndex: number, imageIndex: number, imageCount: number, extension: string): string {
	return `gemini-image-${itemIndex}${imageCount > 1 ? `-${imageIndex + 1}` : ''}.${extension}`;
}

/**
 * Numbers an item's images across all its requests (Number of Images sends one request per image), so
 * imageIndex, imageCount and file names run 0..n-1 over the whole item, in request order.
 */
export function numberItemImages(items: INodeExecutionData[], itemIndex: number, binaryPropertyOutput: string): INodeExecutionData[] {
	items.forEach((item, n) => {
		item.json.imageIndex = n;
		item.json.imageCount = items.length;
		// Each item holds its image (toOutputItems made it); n8n names the extension after the MIME type.
		const binary = (item.binary as IBinaryKeyData)[binaryPropertyOutput];
		binary.fileName = outputFileName(itemIndex, n, items.length, binary.fileExtension ?? 'png');
	});
	return items;
}

export async function toOutputItems(
	ctx: IExecuteFunctions,
	result: GenerationResult,
	model: string,
	itemIndex: number,
	binaryPropertyOutput: string,
	/** The input item's fields, kept in the output (version 2's Include Input Fields). */
	inputJson?: IDataObject,
): Promise<INodeExecutionData[]> {
	const items: INodeExecutionData[] = [];
	for (let n = 0; n < result.images.length; n++) {
		const image = result.images[n];
		// The MIME type comes from the bytes (sniffed when decoding), so n8n may trust it as is.
		const binaryData = await ctx.helpers.prepareBinaryData(
			image.data,
			outputFileName(itemIndex, n, result.images.length, image.extension),
			image.mimeType,
		);
		items.push({
			// The image's fields win over input fields of the same name (model, text, mimeType...).
			json: inputJson ? { ...deepCopy(inputJson), ...outputJson(result, model, n) } : outputJson(result, model, n),
			binary: { [binaryPropertyOutput]: binaryData },
			pairedItem: { item: itemIndex },
		});
	}
	return items;
}

/** The link to one stored image, or why there is none. */
type ImageLink =
	| { url: string }
	/** memory: binary data kept in memory (no stored file to link to); unsupported: n8n older than 1.90. */
	| { reason: 'memory' | 'unsupported' | 'failed'; detail?: string };

/** How long n8n's signed links stay valid (n8n's own default for createBinarySignedUrl). */
const LINK_EXPIRES_IN = '1 day';

export const NO_LINK_REASONS: Record<'memory' | 'unsupported' | 'failed', string> = {
	memory:
		'No link: this n8n keeps binary data in memory (binary data mode "default"), and n8n can only sign links to stored files. ' +
		'Set N8N_DEFAULT_BINARY_DATA_MODE to filesystem (or database, s3) to get links.',
	unsupported: 'No link: this n8n version cannot sign links to binary data (n8n 1.90 and later can). Update n8n to get links.',
	failed: 'No link: n8n could not sign a link to the image',
};

function noLinkReason(link: { reason: keyof typeof NO_LINK_REASONS; detail?: string }): string {
	return link.detail ? `${NO_LINK_REASONS[link.reason]}: ${link.detail}` : NO_LINK_REASONS[link.reason];
}

export interface ToolImageInfo {
	model: string;
	/** The model's own words next to the image (may be empty). */
	text: string;
	mimeType: string;
	fileSize: number;
	width?: number | null;
	height?: number | null;
	imageIndex: number;
	imageCount: number;
}

const MAX_QUOTED_TEXT = 300;

/** One sentence or three: what was made, what the model said, and what to do with the link. */
export function toolSummary(info: ToolImageInfo, link: ImageLink): string {
	const kind = info.mimeType.replace(/^image\//, '').toUpperCase();
	const size = info.width && info.height ? `${info.width}x${info.height} ` : '';
	const which = info.imageCount > 1 ? ` (image ${info.imageIndex + 1} of ${info.imageCount})` : '';
	const parts = [`Made a ${size}${kind} image${which}, ${formatBytes(info.fileSize, 'KB')}, with ${info.model}.`];
	const said = info.text.trim();
	if (said) parts.push(`The model said: "${said.length > MAX_QUOTED_TEXT ? `${said.slice(0, MAX_QUOTED_TEXT)}...` : said}"`);
	parts.push(
		'url' in link
			? `To show it, put this markdown in your answer: ![image](${link.url}) The link is valid for ${LINK_EXPIRES_IN}.`
			: "There is no link to show it (see noLinkReason); tell the user the image is in the workflow's output.",
	);
	return parts.join(' ');
}

/** The JSON of one output item in a tool run: small, plain, everything an agent needs and nothing else. */
export function toolJson(info: ToolImageInfo, link: ImageLink): Record<string, string | number | null> {
	const json: Record<string, string | number | null> = {
		summary: toolSummary(info, link),
		imageUrl: 'url' in link ? link.url : null,
	};
	if ('url' in link) json.markdown = `![image](${link.url})`;
	else json.noLinkReason = noLinkReason(link);
	Object.assign(json, {
		model: info.model,
		mimeType: info.mimeType,
		width: info.width ?? null,
		height: info.height ?? null,
		fileSize: info.fileSize,
	});
	return json;
}

type Sign = (binaryData: IBinaryData, expiresIn?: string) => string;

/**
 * n8n's signed link to a stored binary (n8n 1.90 and later). A binary kept in memory has no id, and n8n
 * cannot sign it: say so instead of failing the run.
 */
export function signedImageLink(ctx: IExecuteFunctions, binary: IBinaryData): ImageLink {
	const sign = (ctx.helpers as { createBinarySignedUrl?: Sign }).createBinarySignedUrl;
	if (typeof sign !== 'function') return { reason: 'unsupported' };
	if (!binary.id) return { reason: 'memory' };
	try {
		return { url: sign.call(ctx.helpers, binary) };
	} catch (error) {
		return { reason: 'failed', detail: (error as Error).message };
	}
}

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
		if (!('url' in link)) item.json.noLinkReason = noLinkReason(link);
	}
}

/** What the tool's answer says of each image of a result, from the result itself (asToolItems numbers them over the item). */
export function toolFacts(result: GenerationResult, model: string): ToolImageInfo[] {
	return result.images.map((image, n) => ({
		model,
		text: n === 0 ? result.text : laterItemText(result.text),
		mimeType: image.mimeType,
		fileSize: image.data.length,
		width: image.width ?? null,
		height: image.height ?? null,
		imageIndex: n,
		imageCount: result.images.length,
	}));
}

/** As an AI Agent's tool: each item's JSON becomes the summary and the link (n8n drops the binary anyway). */
export function asToolItems(ctx: IExecuteFunctions, items: INodeExecutionData[], facts: ToolImageInfo[], outputField: string): void {
	items.forEach((item, n) => {
		const binary = item.binary?.[outputField];
		if (!binary) return;
		item.json = toolJson({ ...facts[n], imageIndex: n, imageCount: items.length }, signedImageLink(ctx, binary));
	});
}

/** What is worth telling the user after a run without being an error: skipped drafts, mislabelled bytes, trimmed conversations, a retired model that still answered. */
export class RunNotes {
	private drafts = 0;

	private relabelled = new Map<string, number>();

	private retired = new Set<string>();

	/** Refine Image: items whose oldest turns were left out, and how many turns. */
	private trims: Array<[number, number]> = [];

	trimmed(itemIndex: number, droppedTurns: number): void {
		this.trims.push([itemIndex, droppedTurns]);
	}

	add(result: GenerationResult, model: string): void {
		this.drafts += result.draftImagesSkipped;
		for (const image of result.images) {
			if (!image.labelledMimeType) continue;
			const key = `${image.mimeType} labelled ${image.labelledMimeType}`;
			this.relabelled.set(key, (this.relabelled.get(key) ?? 0) + 1);
		}
		if (retiredOn(model)) this.retired.add(model);
	}

	hints(): NodeExecutionHint[] {
		const hints: NodeExecutionHint[] = [];
		const hint = (message: string, type: NodeExecutionHint['type'] = 'info') => hints.push({ message, type, location: 'outputPane' });
		const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
		if (this.drafts) {
			hint(
				`${plural(this.drafts, 'draft image')} skipped: thinking models sketch before the final image, and only final images are output`,
			);
		}
		for (const [what, count] of this.relabelled) {
			const [real, label] = what.split(' labelled ');
			hint(
				`The API labelled ${plural(count, real.replace('image/', '').toUpperCase() + ' image')} as ${label}: they are output as ${real}, with a matching file extension`,
			);
		}
		if (this.trims.length) {
			const [first, turns] = this.trims[0];
			const others = this.trims.length > 1 ? ` (and ${plural(this.trims.length - 1, 'other item')})` : '';
			hint(
				`Refine Image left out the oldest ${turns} turns of item ${first}'s conversation${others} to stay within Max Input Size and ${LIMITS.maxInputImages} images per request; their prompts were sent as a short summary`,
			);
		}
		for (const model of this.retired) {
			hint(
				`${model} was retired on ${retiredOn(model)} and may stop answering any day: pick a current model such as gemini-3.1-flash-image (Nano Banana 2)`,
				'warning',
			);
		}
		return hints;
	}
}
