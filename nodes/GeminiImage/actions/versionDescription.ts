/**
 * The node's parameters, both versions', in the order the editor shows them. Each
 * version-specific parameter carries an `@version` display option, so a node shows (and n8n keeps) only its
 * own version's parameters. An operation's own parameters live in its file (image/*.operation.ts), the
 * options in options.ts. Version 2's tool variant (`@tool`) has a prompt and choices of its own, filled in
 * by the AI model.
 */
import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_MODEL } from '../helpers/models';
import * as imageToImage from './image/imageToImage.operation';
import * as refineImage from './image/refineImage.operation';
import * as textToImage from './image/textToImage.operation';
import { modelProperty } from './item';
import { MAX_TOOL_IMAGES, onVersions, v1Options, v2Options, v2RequestSettings } from './options';

/** Version 1: the two operations it always had. */
const operationV1 = onVersions([1], {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'textToImage',
	options: [textToImage.option, imageToImage.option],
});

const RETURNS =
	'. Returns a short summary and imageUrl, a link to the image: show it to the user as markdown ![image](imageUrl), or pass the link to another tool. Runs';

const operationsV2: INodeProperties[] = [
	onVersions([2], {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'textToImage',
		options: [textToImage.option, imageToImage.option, refineImage.option],
		displayOptions: { show: { resource: ['image'] } },
	}),
	onVersions([2], {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'textToImage',
		// As a tool, the action also says what comes back: n8n describes the tool to the AI model by it.
		options: [textToImage, imageToImage, refineImage].map(({ option, toolAction }) => ({ ...option, action: `${toolAction}${RETURNS}` })),
		displayOptions: { show: { resource: ['imageTool'] } },
	}),
];

/**
 * Version 2 has a hidden Resource, as n8n's own Send Email 2 does: with it, n8n describes a tool to the AI
 * model by the action of its operation ("<action> in Gemini Image") instead of the node's description.
 * The tool variant (`@tool`) has a resource of its own, whose operations' actions also say what comes back.
 * The editor's Actions list reads the one named Resource.
 */
const resources: INodeProperties[] = [
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

const prompt: INodeProperties = {
	displayName: 'Prompt',
	name: 'prompt',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
	required: true,
	placeholder: 'e.g. A watercolour fox reading a newspaper in a Paris café',
	description: 'What the image should show, or what to change in the input images',
};

/**
 * Version 2 as an AI Agent's tool: the parameters only the tool variant shows (n8n's `@tool` display option,
 * n8n 1.9x and later), whose defaults let the agent choose: each `$fromAI()` becomes an argument of the tool.
 * Users can replace any of them with a fixed value. In a tool run their values override the options.
 */
const inTool = (property: INodeProperties): INodeProperties =>
	onVersions([2], { ...property, displayOptions: { show: { ...property.displayOptions?.show, '@tool': [true] } } });

const toolPrompt = inTool({
	displayName: 'Prompt',
	name: 'prompt',
	type: 'string',
	typeOptions: { rows: 2 },
	default:
		"={{ $fromAI('prompt', 'What the image should show, in detail; for Refine Image and Image to Image, what to change', 'string') }}",
	required: true,
	description: 'What the image should show. By default the AI model writes it.',
});

const toolProperties: INodeProperties[] = [
	inTool({
		displayName: 'Image URLs',
		name: 'toolImageUrls',
		type: 'string',
		default:
			"={{ $fromAI('imageUrls', 'Links to the images to use, separated by commas: for Refine Image first the image to refine (the imageUrl an earlier call returned)', 'string') }}",
		description: 'Links to the input images, separated by commas. By default the AI model gives them (an agent cannot hand a tool a file).',
		displayOptions: { show: { operation: ['imageToImage', 'refineImage'] } },
	}),
	inTool({
		displayName: 'Aspect Ratio',
		name: 'toolAspectRatio',
		type: 'string',
		default:
			"={{ $fromAI('aspectRatio', 'Shape of the image: 1:1, 16:9, 9:16, 4:3, 3:4, 3:2, 2:3, 5:4, 4:5 or 21:9; empty for the default', 'string', '') }}",
		description: 'Shape of the image, e.g. 16:9; empty for the model default. By default the AI model chooses.',
	}),
	inTool({
		displayName: 'Image Size',
		name: 'toolImageSize',
		type: 'string',
		default: "={{ $fromAI('imageSize', 'Resolution: 1K, 2K or 4K (Gemini 3 models only); empty for the default', 'string', '') }}",
		description: 'Resolution, e.g. 2K; empty for the model default. By default the AI model chooses.',
	}),
	inTool({
		displayName: 'Number of Images',
		name: 'toolNumberOfImages',
		type: 'string',
		default: `={{ $fromAI('numberOfImages', 'How many different images to make, 1 to ${MAX_TOOL_IMAGES}', 'number', 1) }}`,
		description: `How many images to make (1 to ${MAX_TOOL_IMAGES}). By default the AI model chooses.`,
	}),
];

const ofVersion = (version: number) => (p: INodeProperties) => (p.displayOptions?.show?.['@version'] as number[]).includes(version);

export const properties: INodeProperties[] = [
	operationV1,
	...resources,
	...operationsV2,
	onVersions([1], modelProperty('gemini-2.5-flash-image', 'gemini-3-pro-image')),
	onVersions([2], { ...modelProperty(DEFAULT_MODEL, 'gemini-3-pro-image'), displayOptions: { hide: { operation: ['refineImage'] } } }),
	...refineImage.description,
	onVersions([1], prompt),
	onVersions([2], { ...prompt, displayOptions: { hide: { '@tool': [true] } } }),
	toolPrompt,
	...toolProperties,
	...imageToImage.description.filter(ofVersion(1)),
	v1Options,
	...imageToImage.description.filter(ofVersion(2)),
	v2Options,
	v2RequestSettings,
];
