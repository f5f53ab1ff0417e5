import type { IExecuteFunctions } from 'n8n-workflow';

import type { ItemPlan } from '../plan';
import { planCommon } from '../plan';

/** Text to Image needs nothing beyond the shared model, prompt and options. */
export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemPlan {
	return planCommon(ctx, itemIndex);
}
