/** The parameters every version shows the same way, and the helper that ties a parameter to versions. */
import type { INodeProperties } from 'n8n-workflow';

/** Shows a parameter only on the given node versions (n8n's `@version` display option). */
export function onVersions(versions: number[], property: INodeProperties): INodeProperties {
	const show = { ...(property.displayOptions?.show ?? {}), '@version': versions };
	return { ...property, displayOptions: { ...property.displayOptions, show } };
}

const textToImageOption = {
	name: 'Text to Image',
	value: 'textToImage',
	action: 'Create an image from a prompt',
	description: 'Create an image from a prompt',
};
const imageToImageOption = {
	name: 'Image to Image',
	value: 'imageToImage',
	action: 'Edit or combine images with a prompt',
	description: 'Make a new image from input images and a prompt',
};
const refineImageOption = {
	name: 'Refine Image',
	value: 'refineImage',
	action: 'Refine an image in a follow-up turn',
	description: 'Change an image a Gemini Image node made, in the same conversation with the model: "now make it night"',
};

/** Version 1: the two operations it always had. */
export const operationProperty: INodeProperties = onVersions([1], {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'textToImage',
	options: [textToImageOption, imageToImageOption],
});

/**
 * Version 2 has a hidden Resource, as n8n's own Send Email 2 does: with it, n8n describes a tool to the AI
 * model by the action of its operation ("<action> in Gemini Image") instead of the node's description.
 * The tool variant (`@tool`) has a resource of its own, whose operations' actions also say what comes back.
 * The editor's Actions list reads the one named Resource.
 */
export const v2ResourceProperties: INodeProperties[] = [
	onVersions([2], {
		displayName: 'Resource',
		name: 'resource',
		type: 'hidden',
		noDataExpression: true,
		default: 'image',
		options: [{ name: 'Image', value: 'image' }],
		displayOptions: { hide: { '@tool': [true] } },
	}),
	onVersions([2], {
		displayName: 'Tool Resource',
		name: 'resource',
		type: 'hidden',
		noDataExpression: true,
		default: 'imageTool',
		options: [{ name: 'Image (Tool)', value: 'imageTool' }],
		displayOptions: { show: { '@tool': [true] } },
	}),
];

const RETURNS =
	'. Returns a short summary and imageUrl, a link to the image: show it to the user as markdown ![image](imageUrl), or pass the link to another tool. Runs';

export const v2OperationProperties: INodeProperties[] = [
	onVersions([2], {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'textToImage',
		options: [textToImageOption, imageToImageOption, refineImageOption],
		displayOptions: { show: { resource: ['image'] } },
	}),
	onVersions([2], {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'textToImage',
		options: [
			{
				name: 'Text to Image',
				value: 'textToImage',
				action: `Create an image from a prompt${RETURNS}`,
				description: textToImageOption.description,
			},
			{
				name: 'Image to Image',
				value: 'imageToImage',
				action: `Edit or combine images, given by their links, with a prompt${RETURNS}`,
				description: imageToImageOption.description,
			},
			{
				name: 'Refine Image',
				value: 'refineImage',
				action: `Refine an image, given by its link, with a follow-up prompt${RETURNS}`,
				description: refineImageOption.description,
			},
		],
		displayOptions: { show: { resource: ['imageTool'] } },
	}),
];

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
