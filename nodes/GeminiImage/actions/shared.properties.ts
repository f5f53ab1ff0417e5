/** The parameters every version shows the same way, and the helper that ties a parameter to versions. */
import type { INodeProperties } from 'n8n-workflow';

/** Shows a parameter only on the given node versions (n8n's `@version` display option). */
export function onVersions(versions: number[], property: INodeProperties): INodeProperties {
	const show = { ...(property.displayOptions?.show ?? {}), '@version': versions };
	return { ...property, displayOptions: { ...property.displayOptions, show } };
}

export const operationProperty: INodeProperties = {
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

/** The Model picker of a version, which differ only in the model a new node starts with. */
export function modelProperty(defaultModel: string, example: string): INodeProperties {
	return {
		displayName: 'Model',
		name: 'model',
		type: 'resourceLocator',
		default: { mode: 'list', value: defaultModel },
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
				placeholder: `e.g. ${example}`,
			},
		],
	};
}
