/**
 * Gathers the input images of one item: its binary fields (read from n8n's binary storage, whatever its
 * mode), then any image URLs, and checks each by its bytes and all of them against the size limit.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { InputImage } from '../api/types';
import { checkInputImage, formatBytes } from '../helpers/inputImages';
import { readBinaryObject } from './binaryInput';
import type { ItemPlan } from './plan';

async function download(ctx: IExecuteFunctions, url: string, plan: ItemPlan): Promise<Buffer> {
	const fail = (why: string) =>
		new NodeOperationError(ctx.getNode(), `Could not download the input image ${url}: ${why} [item ${plan.itemIndex}]`, {
			itemIndex: plan.itemIndex,
			description: 'Check that the URL is public and points at the image itself, not a web page.',
		});
	const dataUrl = /^data:[^;,]*;base64,(.*)$/is.exec(url);
	if (dataUrl) return Buffer.from(dataUrl[1], 'base64');
	if (!/^https?:\/\//i.test(url)) throw fail('only http(s) and data: URLs are supported');
	let response: { statusCode: number; body: unknown };
	try {
		// n8n's plain helper (proxy settings, cancellation), deliberately without the CometAPI credential:
		// the key must never travel to a third-party host.
		response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'arraybuffer',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: plan.settings.timeoutMs,
		})) as { statusCode: number; body: unknown };
	} catch (error) {
		throw fail((error as Error).message);
	}
	if (response.statusCode < 200 || response.statusCode >= 300) throw fail(`the server answered ${response.statusCode}`);
	const body = response.body;
	return Buffer.isBuffer(body) ? body : Buffer.from(body as ArrayBuffer);
}

export async function loadInputImages(ctx: IExecuteFunctions, plan: ItemPlan): Promise<InputImage[]> {
	const { itemIndex } = plan;
	const binary = ctx.getInputData()[itemIndex]?.binary ?? {};
	const sources: Array<{ name: string; load: () => Promise<Buffer>; label?: string }> = [
		...plan.inputs.map(({ name, binary: object }) => ({
			name,
			load: async () => (object ? await readBinaryObject(ctx, object) : await ctx.helpers.getBinaryDataBuffer(itemIndex, name)),
			label: (object ?? binary[name])?.mimeType,
		})),
		...plan.settings.imageUrls.map((url) => ({ name: url, load: async () => await download(ctx, url, plan) })),
	];
	const images: InputImage[] = [];
	let total = 0;
	for (const source of sources) {
		const data = await source.load();
		const check = checkInputImage(data, source.label, source.name);
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
				`The input images are too large: ${formatBytes(total)} so far with "${source.name}", the limit is ${formatBytes(plan.settings.maxInputBytes)} [item ${itemIndex}]`,
				{
					itemIndex,
					description:
						'Resize or compress the images first (e.g. with the Edit Image node), or raise Max Input Size in the options if your gateway accepts larger requests.',
				},
			);
		}
		images.push({ data, mimeType: check.mimeType, source: source.name });
	}
	return images;
}
