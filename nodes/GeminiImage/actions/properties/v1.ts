/**
 * Version 1's parameters, as saved workflows hold them: one Options collection with every option, the
 * retired gemini-2.5-flash-image as the default model, images from binary fields (URLs as an option).
 * Kept as they were so that a version 1 workflow runs exactly as before; only labels and help text change.
 */
import type { INodeProperties } from 'n8n-workflow';

import * as o from './options';
import * as r from './requestSettings';
import { LIMITS } from '../limits';
import { modelProperty, onVersions } from './shared';

const V1 = [1];

export const v1Model = onVersions(V1, modelProperty('gemini-2.5-flash-image', 'gemini-3-pro-image'));

export const v1Properties: INodeProperties[] = [
	onVersions(V1, {
		displayName: 'Input Binary Fields',
		name: 'binaryPropertyNames',
		type: 'string',
		default: 'data',
		placeholder: 'e.g. data, logo, background',
		hint: 'The names of the binary fields of the input item that hold the images, separated by commas',
		description: `Each named field is sent as one input image, in this order (at most ${LIMITS.maxInputImages}). An expression that gives a binary object, e.g. {{ $('Node').item.binary.data }}, works too.`,
		displayOptions: { show: { operation: ['imageToImage'] } },
	}),
	onVersions(V1, {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			r.apiFormat,
			o.aspectRatio,
			r.concurrency,
			o.googleSearch,
			o.imageSize,
			o.imageUrlsOption,
			r.maxInputMb,
			r.maxRetries,
			o.numberOfImages,
			o.binaryPropertyOutput,
			o.responseModalities,
			o.safetySettings,
			o.seed,
			r.streaming,
			o.systemInstruction,
			o.temperature,
			r.timeout,
			o.topP,
		],
	}),
];
