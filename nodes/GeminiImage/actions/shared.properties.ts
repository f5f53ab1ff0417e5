import type { INodeProperties } from 'n8n-workflow';

import { ASPECT_RATIOS, IMAGE_SIZES, LIMITS } from './options';

export const modelProperty: INodeProperties = {
	displayName: 'Model',
	name: 'model',
	type: 'resourceLocator',
	default: { mode: 'list', value: 'gemini-2.5-flash-image' },
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
			placeholder: 'e.g. gemini-3-pro-image-preview',
		},
	],
};

export const promptProperty: INodeProperties = {
	displayName: 'Prompt',
	name: 'prompt',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
	required: true,
	placeholder: 'e.g. A watercolour fox reading a newspaper in a Paris café',
	description: 'What the image should show, or what to change in the input images',
};

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Aspect Ratio',
			name: 'aspectRatio',
			type: 'options',
			default: '',
			description:
				'Shape of the image. 1:4, 4:1, 1:8 and 8:1 need a Gemini 3.1 Flash Image model.',
			options: [{ name: 'Model Default', value: '' }, ...ASPECT_RATIOS.map((r) => ({ name: r, value: r }))],
		},
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			default: 4,
			typeOptions: { minValue: 1, maxValue: LIMITS.maxConcurrency },
			description: `How many items' requests run at the same time (1 to ${LIMITS.maxConcurrency}). Output order stays the same. Lower it if you hit rate limits.`,
		},
		{
			displayName: 'Image Size',
			name: 'imageSize',
			type: 'options',
			default: '',
			description:
				'Resolution of the image. Gemini 2.5 Flash Image has one size only (about 1K): leave Model Default. 512 needs a Gemini 3.1 Flash Image model.',
			options: [{ name: 'Model Default', value: '' }, ...IMAGE_SIZES.map((s) => ({ name: s, value: s }))],
		},
		{
			displayName: 'Max Input Size (MB)',
			name: 'maxInputMb',
			type: 'number',
			default: 20,
			typeOptions: { minValue: 1, maxValue: 100 },
			description:
				'Largest total size of the input images of one item. CometAPI does not publish its limit; 20 MB is safe. Raise it only if your gateway accepts more.',
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			default: 5,
			typeOptions: { minValue: 0, maxValue: 10 },
			description:
				'How often to try again after a rate limit (429), a timeout or a temporary server error (500, 502, 503, 504, 524), waiting longer each time. 0 turns retries off.',
		},
		{
			displayName: 'Output Binary Field',
			name: 'binaryPropertyOutput',
			type: 'string',
			default: 'data',
			description: 'Name of the binary field each output image is put in',
		},
		{
			displayName: 'Response Content',
			name: 'responseModalities',
			type: 'options',
			default: 'TEXT_IMAGE',
			description: 'Whether the model may also answer with text next to the image',
			options: [
				{ name: 'Image and Text', value: 'TEXT_IMAGE' },
				{ name: 'Image Only', value: 'IMAGE' },
			],
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			default: 300,
			typeOptions: { minValue: 10, maxValue: 3600 },
			description:
				'How long one request may take before it is given up (and retried). 4K images can take a few minutes.',
		},
	],
};
