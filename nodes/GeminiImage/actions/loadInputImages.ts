/** Reads the input images of one item from n8n's binary storage (whatever its mode) and checks them. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { InputImage } from '../api/types';
import { checkInputImage, formatBytes } from '../helpers/inputImages';
import type { ItemPlan } from './plan';

export async function loadInputImages(ctx: IExecuteFunctions, plan: ItemPlan): Promise<InputImage[]> {
	const { itemIndex } = plan;
	const binary = ctx.getInputData()[itemIndex]?.binary ?? {};
	const images: InputImage[] = [];
	let total = 0;
	for (const name of plan.binaryFields) {
		const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, name);
		const check = checkInputImage(data, binary[name]?.mimeType, name);
		if (!check.ok) {
			throw new NodeOperationError(ctx.getNode(), `${check.problem} [item ${itemIndex}]`, {
				itemIndex,
				description: check.fix,
			});
		}
		total += data.length;
		if (total > plan.settings.maxInputBytes) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The input images are too large: ${formatBytes(total)} so far with "${name}", the limit is ${formatBytes(plan.settings.maxInputBytes)} [item ${itemIndex}]`,
				{
					itemIndex,
					description:
						'Resize or compress the images first (e.g. with the Edit Image node), or raise Max Input Size in the options if your gateway accepts larger requests.',
				},
			);
		}
		images.push({ data, mimeType: check.mimeType, source: name });
	}
	return images;
}
