/** Turns a generation result into n8n output items: one item per image, binary stored the instance's way. */
import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { deepCopy } from 'n8n-workflow';

import { ANSWER_LIMITS } from '../../helpers/interfaces';
import type { GenerationResult } from '../../helpers/interfaces';

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
