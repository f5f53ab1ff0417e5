import type { INodeProperties } from 'n8n-workflow';

import * as imageToImage from './imageToImage.operation';
import { modelProperty, optionsProperty, promptProperty } from './shared.properties';
import * as textToImage from './textToImage.operation';

/** All parameters of the node, in the order the editor shows them. */
export const properties: INodeProperties[] = [
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
];
