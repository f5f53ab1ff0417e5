/**
 * Reads the parameters whose place differs between node versions, so the rest of the node sees one shape.
 * Version 1: every option in `options`, image URLs as an option. Version 2: `options` plus `requestSettings`,
 * and the input images chosen with `inputImages` (data fields, URLs or both). Version 2 as a tool: the
 * choices of the AI model (properties/tool.ts).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { LIMITS, MAX_TOOL_IMAGES } from './limits';
import { isToolRun } from './toolRun';

/** URLs separated by new lines or commas (a comma inside a data: URL is kept). */
export function parseUrlList(value: unknown): string[] {
	return String(value ?? '')
		.split(/[\r\n]+|,(?=\s*(?:https?:|data:))/i)
		.map((u) => u.trim().replace(/,+$/, ''))
		.filter(Boolean);
}

export function nodeVersion(ctx: IExecuteFunctions): number {
	return Number(ctx.getNode().typeVersion) || 1;
}

/** Every option of the item as one flat object, whichever collection holds it. */
export function readOptionValues(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	if (nodeVersion(ctx) < 2) return options;
	const settings = ctx.getNodeParameter('requestSettings', itemIndex, {}) as IDataObject;
	return { ...options, ...settings };
}

export interface InputSources {
	/** The Input Data Field Name(s) value as the expression gave it: names, a binary object, a list... */
	fields: unknown;
	urls: string[];
	/** The labels the user sees, for messages. */
	fieldsLabel: string;
	urlsLabel: string;
}

export function readInputSources(ctx: IExecuteFunctions, itemIndex: number): InputSources {
	if (nodeVersion(ctx) < 2) {
		return {
			fields: ctx.getNodeParameter('binaryPropertyNames', itemIndex, 'data'),
			urls: parseUrlList(readOptionValues(ctx, itemIndex).imageUrls),
			fieldsLabel: 'Input Binary Fields',
			urlsLabel: 'Input Image URLs',
		};
	}
	const source = String(ctx.getNodeParameter('inputImages', itemIndex, 'binary'));
	return {
		fields: source === 'url' ? '' : ctx.getNodeParameter('binaryPropertyNames', itemIndex, 'data'),
		urls: source === 'binary' ? [] : parseUrlList(ctx.getNodeParameter('imageUrls', itemIndex, '')),
		fieldsLabel: 'Input Data Field Name(s)',
		urlsLabel: 'Image URLs',
	};
}

/** The tool variant's choices for one item, as option values; empty ones leave the options as they are. */
export function readToolChoices(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	if (!isToolRun(ctx)) return {};
	const read = (name: string) => String(ctx.getNodeParameter(name, itemIndex, '') ?? '').trim();
	const choices: IDataObject = {};
	const aspectRatio = read('toolAspectRatio');
	if (aspectRatio) choices.aspectRatio = aspectRatio;
	const imageSize = read('toolImageSize');
	if (imageSize) choices.imageSize = imageSize;
	const count = Math.floor(Number(read('toolNumberOfImages')));
	if (count >= 1) choices.numberOfImages = Math.min(count, MAX_TOOL_IMAGES, LIMITS.maxNumberOfImages);
	return choices;
}

/** The image links of a tool run (Image to Image, Refine Image), or none. */
export function readToolImageUrls(ctx: IExecuteFunctions, itemIndex: number): string[] {
	return parseUrlList(ctx.getNodeParameter('toolImageUrls', itemIndex, ''));
}
