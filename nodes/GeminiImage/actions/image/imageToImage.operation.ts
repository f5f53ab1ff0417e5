/**
 * Image to Image: a new image from input images and a prompt. Version 1 takes the images from binary fields
 * (URLs as an option), version 2 from data fields and/or URLs as a visible choice, and as a tool from links.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { cutText, quote } from '../../helpers/redact';
import { assertExecutionFiles, parseUrlList, readToolImageUrls, resolveInputFields } from '../input';
import type { ItemPlan } from '../item';
import { planCommon } from '../item';
import type { RunMode } from '../options';
import { LIMITS, onVersions, readOptionValues } from '../options';
import { itemError } from '../errors';

export const option = {
	name: 'Image to Image',
	value: 'imageToImage',
	action: 'Edit or combine images with a prompt',
	description: 'Make a new image from input images and a prompt',
};
export const toolAction = 'Edit or combine images, given by their links, with a prompt';

const imageToImage = { operation: ['imageToImage'] };
const notInTool = { hide: { '@tool': [true] } };

/** Its input images, on each version (versionDescription.ts places them). */
export const description: INodeProperties[] = [
	onVersions([1], {
		displayName: 'Input Binary Fields',
		name: 'binaryPropertyNames',
		type: 'string',
		default: 'data',
		placeholder: 'e.g. data, logo, background',
		hint: 'The names of the binary fields of the input item that hold the images, separated by commas',
		description: `Each named field is sent as one input image, in this order (at most ${LIMITS.maxInputImages}). An expression that gives a binary object, e.g. {{ $('Node').item.binary.data }}, works too.`,
		displayOptions: { show: imageToImage },
	}),
	onVersions([2], {
		displayName: 'Input Images',
		name: 'inputImages',
		type: 'options',
		noDataExpression: true,
		default: 'binary',
		options: [
			{
				name: 'From Input Data Fields',
				value: 'binary',
				description: 'Images on the incoming item, e.g. from HTTP Request, Read/Write Files from Disk or Google Drive',
			},
			{
				name: 'From Image URLs',
				value: 'url',
				description: 'Public links to images, downloaded by this node',
			},
			{
				name: 'From Input Data Fields and Image URLs',
				value: 'both',
				description: 'The data fields first, then the URLs',
			},
		],
		displayOptions: { show: imageToImage, ...notInTool },
	}),
	onVersions([2], {
		displayName: 'Input Data Field Name(s)',
		name: 'binaryPropertyNames',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'e.g. data, logo, background',
		hint: 'Field names separated by commas, or an expression that gives a binary object',
		description: `Each field is sent as one input image, in this order (at most ${LIMITS.maxInputImages} images in all). An expression like {{ $('Node').item.binary.data }} works too.`,
		displayOptions: { show: { ...imageToImage, inputImages: ['binary', 'both'] }, ...notInTool },
	}),
	onVersions([2], {
		displayName: 'Image URLs',
		name: 'imageUrls',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/cat.png',
		description:
			'One URL per line, or separated by commas. Downloaded without your CometAPI key, checked like any input image, and sent after the data fields.',
		displayOptions: { show: { ...imageToImage, inputImages: ['url', 'both'] }, ...notInTool },
	}),
];

interface InputSources {
	/** The Input Data Field Name(s) value as the expression gave it: names, a binary object, a list... */
	fields: unknown;
	urls: string[];
	/** The labels the user sees, for messages. */
	fieldsLabel: string;
	urlsLabel: string;
}

function readInputSources(ctx: IExecuteFunctions, itemIndex: number, run: RunMode): InputSources {
	if (!run.version2) {
		return {
			fields: ctx.getNodeParameter('binaryPropertyNames', itemIndex, 'data'),
			urls: parseUrlList(readOptionValues(ctx, itemIndex, run).imageUrls),
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

/** The common checks, then its input images. */
export function plan(ctx: IExecuteFunctions, itemIndex: number, run: RunMode): ItemPlan {
	const item = planCommon(ctx, itemIndex, run);
	const sources = readInputSources(ctx, itemIndex, run);
	const input = ctx.getInputData()[itemIndex];
	if (run.tool) {
		// An agent cannot hand a tool a file: only links (the AI model's, or the ones set in the node).
		const urls = readToolImageUrls(ctx, itemIndex);
		Object.assign(sources, { fields: '', urls: urls.length ? urls : sources.urls, fieldsLabel: 'Image URLs', urlsLabel: 'Image URLs' });
		if (!sources.urls.length) {
			throw itemError(
				ctx,
				itemIndex,
				'Image to Image as a tool needs the links of the images to edit',
				'Let the AI model fill Image URLs (the default), or set links there.',
			);
		}
	}
	const { refs, missing, invalid } = resolveInputFields(sources.fields, input);
	const fail = (message: string, description: string) => itemError(ctx, itemIndex, message, description);

	if (invalid.length) {
		throw fail(
			`${sources.fieldsLabel} gave ${invalid[0]}, which is neither a field name nor a binary file`,
			`Put field names there (e.g. data), or an expression that gives a binary file, such as {{ $('Node').item.binary.data }}.`,
		);
	}
	const available = Object.keys(input.binary ?? {});
	if (missing.length) {
		const name = missing[0];
		throw fail(
			`The item has no binary field ${quote(name)} (named in ${sources.fieldsLabel})`,
			available.length
				? `The item's binary fields are: ${cutText(available.join(', '), 300)}. Put one of those names in ${sources.fieldsLabel}.`
				: 'The item has no binary data at all: put a node that loads an image (HTTP Request, Read/Write Files from Disk, Google Drive...) before this one, or use Text to Image.',
		);
	}
	const urls = sources.urls;
	const count = refs.length + urls.length;
	if (count === 0) {
		throw fail(
			`${sources.fieldsLabel} is empty and no ${sources.urlsLabel} are set`,
			`Name the binary field(s) holding the input images (e.g. data), or give ${sources.urlsLabel}.`,
		);
	}
	if (count > LIMITS.maxInputImages) {
		throw fail(
			`Too many input images: ${count} (binary fields and URLs together), at most ${LIMITS.maxInputImages}`,
			'Gemini 3 image models take up to 14 images per request (Gemini 2.5 Flash Image works best with up to 3).',
		);
	}
	// Binary objects from an expression or the item's JSON: only this execution's files are read.
	assertExecutionFiles(ctx, itemIndex, refs, sources.fieldsLabel);
	item.inputs = refs;
	item.settings.imageUrls = urls;
	return item;
}
