import type { INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as imageToImage from './imageToImage.operation';
import { modelProperty, optionsProperty, promptProperty } from './shared.properties';
import * as textToImage from './textToImage.operation';

export const versionDescription: INodeTypeDescription = {
	displayName: 'Gemini Image (CometAPI)',
	name: 'geminiImage',
	icon: { light: 'file:geminiImage.svg', dark: 'file:geminiImage.dark.svg' },
	group: ['transform'],
	version: 1,
	subtitle: '={{ {"textToImage": "Text to Image", "imageToImage": "Image to Image"}[$parameter["operation"]] + ": " + ($parameter["model"].value || $parameter["model"]) }}',
	description: 'Create and edit images with Google Gemini image models (Nano Banana) through CometAPI',
	defaults: { name: 'Gemini Image' },
	usableAsTool: true,
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'cometApi', required: true }],
	properties: [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			default: 'textToImage',
			options: [
				{
					name: 'Text to Image',
					value: 'textToImage',
					action: 'Create an image from a prompt',
					description: 'Create an image from a prompt',
				},
				{
					name: 'Image to Image',
					value: 'imageToImage',
					action: 'Edit or combine images with a prompt',
					description: 'Make a new image from input images and a prompt',
				},
			],
		},
		modelProperty,
		promptProperty,
		...textToImage.description,
		...imageToImage.description,
		optionsProperty,
	],
};
