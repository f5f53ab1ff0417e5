import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseBinaryFieldNames } from '../helpers/inputImages';
import { LIMITS } from './options';
import type { ItemPlan } from './plan';
import { planCommon } from './plan';

export const description: INodeProperties[] = [
	{
		displayName: 'Input Binary Fields',
		name: 'binaryPropertyNames',
		type: 'string',
		default: 'data',
		placeholder: 'e.g. data, logo, background',
		hint: 'The names of the binary fields of the input item that hold the images, separated by commas',
		description: `Each named field is sent as one input image, in this order (at most ${LIMITS.maxInputImages})`,
		displayOptions: { show: { operation: ['imageToImage'] } },
	},
];

export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemPlan {
	const item = planCommon(ctx, itemIndex);
	const names = parseBinaryFieldNames(ctx.getNodeParameter('binaryPropertyNames', itemIndex, 'data'));
	const fail = (message: string, description: string) =>
		new NodeOperationError(ctx.getNode(), `${message} [item ${itemIndex}]`, { itemIndex, description });

	const count = names.length + item.settings.imageUrls.length;
	if (count === 0) {
		throw fail(
			'Input Binary Fields is empty and no Input Image URLs are set',
			'Name the binary field(s) holding the input images (e.g. data), or add Input Image URLs in the options.',
		);
	}
	if (count > LIMITS.maxInputImages) {
		throw fail(
			`Too many input images: ${count} (binary fields and URLs together), at most ${LIMITS.maxInputImages}`,
			'Gemini 3 image models take up to 14 images per request (Gemini 2.5 Flash Image works best with up to 3).',
		);
	}
	const binary = ctx.getInputData()[itemIndex]?.binary ?? {};
	const available = Object.keys(binary);
	for (const name of names) {
		if (!binary[name]) {
			throw fail(
				`Input Binary Fields names "${name}", but the item has no binary field "${name}"`,
				available.length
					? `The item's binary fields are: ${available.join(', ')}. Put one of those names in Input Binary Fields.`
					: 'The item has no binary data at all: put a node that loads an image (HTTP Request, Read/Write Files from Disk, Google Drive...) before this one, or use Text to Image.',
			);
		}
	}
	item.binaryFields = names;
	return item;
}
