import type { IExecuteFunctions } from 'n8n-workflow';

import type { ItemPlan } from '../item';
import { planCommon } from '../item';
import type { RunMode } from '../options';

/** Its entry in the Operation list (versionDescription.ts); as a tool, `toolAction` says what it does. */
export const option = {
	name: 'Text to Image',
	value: 'textToImage',
	action: 'Create an image from a prompt',
	description: 'Create an image from a prompt',
};
export const toolAction = 'Create an image from a prompt';

/** Text to Image needs nothing beyond the shared model, prompt and options. */
export function plan(ctx: IExecuteFunctions, itemIndex: number, run: RunMode): ItemPlan {
	return planCommon(ctx, itemIndex, run);
}
