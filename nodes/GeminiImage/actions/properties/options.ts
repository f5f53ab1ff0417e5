/**
 * The options of what to make and what comes out, one definition each: version 2's Options collection,
 * and with the request settings (requestSettings.ts) version 1's single Options collection. Internal names,
 * types, defaults and values are a contract with saved workflows: never change them, only labels and help.
 */
import type { INodeProperties } from 'n8n-workflow';

import { EXTREME_RATIO_MODELS, EXTREME_RATIOS, SIZE_512_MODELS } from '../../helpers/models';
import { ASPECT_RATIOS, IMAGE_SIZES, LIMITS } from '../limits';

const ratioLabel = (r: string) => (EXTREME_RATIOS.includes(r) ? `${r} (${EXTREME_RATIO_MODELS} only)` : r);
const sizeLabel = (s: string) => (s === '512' ? `512 (${SIZE_512_MODELS} only)` : s);

export const aspectRatio: INodeProperties = {
	displayName: 'Aspect Ratio',
	name: 'aspectRatio',
	type: 'options',
	default: '',
	description: `Shape of the image. Model Default is square (1:1) for a new image; Gemini 3 Pro Image editing an image keeps its shape. The four narrowest ratios need ${EXTREME_RATIO_MODELS}.`,
	options: [{ name: 'Model Default', value: '' }, ...ASPECT_RATIOS.map((r) => ({ name: ratioLabel(r), value: r }))],
};

export const googleSearch: INodeProperties = {
	displayName: 'Google Search Grounding (Gemini 3 Models)',
	name: 'googleSearch',
	type: 'boolean',
	default: false,
	description:
		'Whether the model may search Google for up-to-date facts (weather, news, scores) before drawing. Gemini 3 image models only; the sources come back in the output JSON.',
};

export const imageSize: INodeProperties = {
	displayName: 'Image Size',
	name: 'imageSize',
	type: 'options',
	default: '',
	description:
		'Resolution of the image. Model Default is 1K (1024 px on the long side at 1:1). Gemini 2.5 Flash Image and Nano Banana 2 Lite make 1K only: leave Model Default.',
	options: [{ name: 'Model Default', value: '' }, ...IMAGE_SIZES.map((s) => ({ name: sizeLabel(s), value: s }))],
};

/** Version 1 only: version 2 asks for image URLs under Input Images. */
export const imageUrlsOption: INodeProperties = {
	displayName: 'Input Image URLs',
	name: 'imageUrls',
	type: 'string',
	default: '',
	placeholder: 'e.g. https://example.com/cat.png',
	description:
		'Images to download and send after the binary fields, separated by commas or new lines. Clear Input Binary Fields to use URLs only.',
	displayOptions: { show: { '/operation': ['imageToImage'] } },
};

export const conversationNode: INodeProperties = {
	displayName: 'Conversation From Node',
	name: 'conversationNode',
	type: 'string',
	default: '',
	placeholder: 'e.g. Current Image',
	description:
		'Refine Image: the name of the node whose output item holds the conversation, when a node in between replaced the item (a Form page or Wait node of a review loop). That node must pass on the Gemini Image output unchanged, e.g. the Gemini Image node itself or a No Operation node after it. Empty: the input item.',
	displayOptions: { show: { '/operation': ['refineImage'] } },
};

export const imageLink: INodeProperties = {
	displayName: 'Add Image Link',
	name: 'imageLink',
	type: 'boolean',
	default: false,
	description:
		"Whether to add imageUrl, a link to the stored image that opens without logging in for one day, to show it in a form, a chat or an email, or to send it by URL. Anyone with the link can open the image. Needs n8n 1.90 or later and binary data that is not kept in memory. As an AI Agent's tool the node always adds it.",
};

export const includeInputFields: INodeProperties = {
	displayName: 'Include Input Fields',
	name: 'includeInputFields',
	type: 'boolean',
	default: true,
	description:
		"Whether each output item keeps the fields of the input item it came from (e.g. a product's sku and title). Where a name is the same, the image's field (model, text, mimeType...) wins.",
};

export const numberOfImages: INodeProperties = {
	displayName: 'Number of Images',
	name: 'numberOfImages',
	type: 'number',
	default: 1,
	typeOptions: { minValue: 1, maxValue: LIMITS.maxNumberOfImages },
	description: `How many images to make for each item (1 to ${LIMITS.maxNumberOfImages}, default 1). The model makes one per request, so this sends that many requests; each image is its own output item.`,
};

export const binaryPropertyOutput: INodeProperties = {
	displayName: 'Put Output in Field',
	name: 'binaryPropertyOutput',
	type: 'string',
	default: 'data',
	hint: 'The name of the output field to put the image in',
	description: 'Default: data',
};

export const responseModalities: INodeProperties = {
	displayName: 'Response Content',
	name: 'responseModalities',
	type: 'options',
	default: 'TEXT_IMAGE',
	description:
		'Whether the model may also answer with text next to the image. Image and Text is also what the model does when this option is not added.',
	options: [
		{ name: 'Image and Text', value: 'TEXT_IMAGE' },
		{ name: 'Image Only', value: 'IMAGE' },
	],
};

export const safetySettings: INodeProperties = {
	displayName: 'Safety Settings',
	name: 'safetySettings',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	default: {},
	placeholder: 'Add Safety Setting',
	description: "How strictly Google's filter blocks each kind of content. Categories not listed keep Google's default.",
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
};

export const seed: INodeProperties = {
	displayName: 'Seed',
	name: 'seed',
	type: 'number',
	default: 0,
	description:
		'A fixed number makes results more repeatable for the same prompt (not guaranteed). Sent only when this option is added; 0 is a seed like any other.',
};

export const systemInstruction: INodeProperties = {
	displayName: 'System Instruction',
	name: 'systemInstruction',
	type: 'string',
	typeOptions: { rows: 3 },
	default: '',
	placeholder: 'e.g. You are a product photographer. White background, soft light.',
	description: 'Standing instructions for the model, applied to every prompt',
};

export const temperature: INodeProperties = {
	displayName: 'Temperature',
	name: 'temperature',
	type: 'number',
	default: 1,
	typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 2 },
	description: "Randomness of the result: lower is more predictable, higher more varied. 1 is the model's own default.",
};

export const topP: INodeProperties = {
	displayName: 'Top P',
	name: 'topP',
	type: 'number',
	default: 0.95,
	typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
	description:
		"Nucleus sampling: the model picks from the most likely choices whose probabilities add up to this. 0.95 is the model's own default.",
};
