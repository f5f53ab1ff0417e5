/**
 * Version 2 as an AI Agent's tool: the parameters only the tool variant shows (n8n's `@tool` display option,
 * n8n 1.9x and later), whose defaults let the agent choose: each `$fromAI()` becomes an argument of the tool.
 * Users can replace any of them with a fixed value. In a tool run their values override the options
 * (parameters.ts reads them).
 */
import type { INodeProperties } from 'n8n-workflow';

import { MAX_TOOL_IMAGES } from '../limits';
import { onVersions } from './shared';

const V2 = [2];
const inTool = (property: INodeProperties): INodeProperties =>
	onVersions(V2, { ...property, displayOptions: { show: { ...property.displayOptions?.show, '@tool': [true] } } });

export const toolPrompt = inTool({
	displayName: 'Prompt',
	name: 'prompt',
	type: 'string',
	typeOptions: { rows: 2 },
	default:
		"={{ $fromAI('prompt', 'What the image should show, in detail; for Refine Image and Image to Image, what to change', 'string') }}",
	required: true,
	description: 'What the image should show. By default the AI model writes it.',
});

export const toolProperties: INodeProperties[] = [
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
