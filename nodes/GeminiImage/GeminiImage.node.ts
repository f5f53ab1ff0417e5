import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './actions/versionDescription';
import { router } from './actions/router';
import { searchModels } from './methods/listSearch';

export class GeminiImage implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Gemini Image (CometAPI)',
		name: 'geminiImage',
		icon: { light: 'file:geminiImage.svg', dark: 'file:geminiImage.dark.svg' },
		group: ['transform'],
		// Version 2 has a new parameter layout; nodes saved as version 1 keep theirs (see actions/versionDescription.ts).
		// With a version list and a default version, as n8n's own Google Gemini node does, n8n adds no
		// "Custom API Call" to the Operation list, an operation this node does not have.
		version: [1, 2],
		defaultVersion: 2,
		subtitle:
			'={{ {"textToImage": "Text to Image", "imageToImage": "Image to Image", "refineImage": "Refine Image"}[$parameter["operation"]] }}',
		description: 'Create and edit images with Google Gemini image models (Nano Banana) through CometAPI',
		// Used as is by the editor's Docs link (a codex URL gets a query string appended, which breaks an anchor).
		documentationUrl: 'https://github.com/cometapi/n8n-nodes-cometapi#operations',
		defaults: { name: 'Gemini Image' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'cometApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchModels } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
