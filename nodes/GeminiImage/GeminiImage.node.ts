import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './actions/properties';
import { route } from './actions/router';
import { listSearch } from './methods';

export class GeminiImage implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Gemini Image (CometAPI)',
		name: 'geminiImage',
		icon: { light: 'file:geminiImage.svg', dark: 'file:geminiImage.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ {"textToImage": "Text to Image", "imageToImage": "Image to Image"}[$parameter["operation"]] }}',
		description: 'Create and edit images with Google Gemini image models (Nano Banana) through CometAPI',
		defaults: { name: 'Gemini Image' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'cometApi', required: true }],
		properties,
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
