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
			displayName: 'API Format',
			name: 'apiFormat',
			type: 'options',
			default: 'geminiNative',
			description: "Which of CometAPI's routes to call. Both give the same output; use OpenAI Chat if your gateway or account only offers that one.",
			options: [
				{ name: 'Gemini Native (generateContent)', value: 'geminiNative' },
				{ name: 'OpenAI Chat (Streamed)', value: 'openAiChat' },
			],
		},
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
			default: 8,
			typeOptions: { minValue: 1, maxValue: LIMITS.maxConcurrency },
			description: `How many requests run at the same time (1 to ${LIMITS.maxConcurrency}), across items and Number of Images. Output order stays the same. Lower it on small instances with large images: each request in flight holds its images in memory.`,
		},
		{
			displayName: 'Google Search Grounding',
			name: 'googleSearch',
			type: 'boolean',
			default: false,
			description:
				'Whether the model may search Google for up-to-date facts (weather, news, scores) before drawing. Gemini 3 image models only; the sources come back in the output JSON.',
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
			displayName: 'Input Image URLs',
			name: 'imageUrls',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://example.com/cat.png',
			description:
				'Images to download and send after the binary fields, separated by commas or new lines. Clear Input Binary Fields to use URLs only.',
			displayOptions: { show: { '/operation': ['imageToImage'] } },
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
			displayName: 'Number of Images',
			name: 'numberOfImages',
			type: 'number',
			default: 1,
			typeOptions: { minValue: 1, maxValue: 8 },
			description:
				'How many images to make for each item (1 to 8). The model makes one per request, so this sends that many requests (within Concurrency); each image is its own output item.',
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
			displayName: 'Safety Settings',
			name: 'safetySettings',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			default: {},
			placeholder: 'Add Safety Setting',
			description: "How strictly Google's filter blocks each kind of content",
			options: [
				{
					displayName: 'Setting',
					name: 'values',
					values: [
						{
							displayName: 'Category',
							name: 'category',
							type: 'options',
							default: 'HARM_CATEGORY_HARASSMENT',
							options: [
								{ name: 'Civic Integrity', value: 'HARM_CATEGORY_CIVIC_INTEGRITY' },
								{ name: 'Dangerous Content', value: 'HARM_CATEGORY_DANGEROUS_CONTENT' },
								{ name: 'Harassment', value: 'HARM_CATEGORY_HARASSMENT' },
								{ name: 'Hate Speech', value: 'HARM_CATEGORY_HATE_SPEECH' },
								{ name: 'Sexually Explicit', value: 'HARM_CATEGORY_SEXUALLY_EXPLICIT' },
							],
						},
						{
							displayName: 'Threshold',
							name: 'threshold',
							type: 'options',
							default: 'BLOCK_MEDIUM_AND_ABOVE',
							options: [
								{ name: 'Block Low and Above', value: 'BLOCK_LOW_AND_ABOVE' },
								{ name: 'Block Medium and Above', value: 'BLOCK_MEDIUM_AND_ABOVE' },
								{ name: 'Block None', value: 'BLOCK_NONE' },
								{ name: 'Block Only High', value: 'BLOCK_ONLY_HIGH' },
								{ name: 'Off', value: 'OFF' },
							],
						},
					],
				},
			],
		},
		{
			displayName: 'Seed',
			name: 'seed',
			type: 'number',
			default: 0,
			description: 'A fixed number makes results more repeatable for the same prompt (not guaranteed)',
		},
		{
			displayName: 'Streaming',
			name: 'streaming',
			type: 'boolean',
			default: false,
			description:
				'Whether to stream the native answer (streamGenerateContent). Keeps the connection alive through gateways that cut idle requests, useful for slow 4K images. The OpenAI Chat format always streams.',
		},
		{
			displayName: 'System Instruction',
			name: 'systemInstruction',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			placeholder: 'e.g. You are a product photographer. White background, soft light.',
			description: 'Standing instructions for the model, applied to every prompt',
		},
		{
			displayName: 'Temperature',
			name: 'temperature',
			type: 'number',
			default: 1,
			typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 2 },
			description: 'Randomness of the result: lower is more predictable, higher more varied',
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
		{
			displayName: 'Top P',
			name: 'topP',
			type: 'number',
			default: 0.95,
			typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
			description: 'Nucleus sampling: the model picks from the most likely choices whose probabilities add up to this',
		},
	],
};
