/**
 * Version 2's parameters: a current default model, input images from data fields and/or URLs as a visible
 * choice, and the options in two collections: Options (what to make, and the output) first, then Request
 * Settings (how to talk to the API).
 */
import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_MODEL } from '../../helpers/models';
import { LIMITS } from '../limits';
import * as o from './options';
import * as r from './requestSettings';
import { modelProperty, onVersions } from './shared';

const V2 = [2];
const imageToImage = { operation: ['imageToImage'] };

export const v2Model = onVersions(V2, {
	...modelProperty(DEFAULT_MODEL, 'gemini-3-pro-image'),
	displayOptions: { hide: { operation: ['refineImage'] } },
});

/** Refine Image: empty means the model that made the image (a model can only continue its own conversations). */
export const v2RefineModel = onVersions(V2, {
	...modelProperty(DEFAULT_MODEL, 'gemini-3-pro-image'),
	default: { mode: 'id', value: '' },
	required: false,
	description: `The Gemini image model. Leave it empty for the one that made the image: a model can only continue its own conversations (as a tool, with an image link: ${DEFAULT_MODEL}).`,
	displayOptions: { show: { operation: ['refineImage'] } },
});

const notInTool = { hide: { '@tool': [true] } };

export const v2Properties: INodeProperties[] = [
	onVersions(V2, {
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
	onVersions(V2, {
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
	onVersions(V2, {
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
	onVersions(V2, {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			o.aspectRatio,
			o.conversationNode,
			o.googleSearch,
			o.imageLink,
			o.imageSize,
			o.includeInputFields,
			o.numberOfImages,
			o.binaryPropertyOutput,
			o.responseModalities,
			o.safetySettings,
			o.seed,
			o.systemInstruction,
			o.temperature,
			o.topP,
		],
	}),
	onVersions(V2, {
		displayName: 'Request Settings',
		name: 'requestSettings',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		description: 'How the node talks to CometAPI and fetches image URLs. The defaults suit most workflows.',
		options: [r.allowedPrivateHosts, r.apiFormat, r.concurrency, r.imageUrlAccess, r.maxInputMb, r.maxRetries, r.streaming, r.timeout],
	}),
];
