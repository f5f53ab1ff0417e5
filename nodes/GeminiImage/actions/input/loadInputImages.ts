/**
 * Gathers the input images of one item: its binary fields (read from n8n's binary storage, whatever its
 * mode), then any image URLs, and checks each by its bytes and all of them against the size limit.
 * Downloads stop as soon as the limit is passed; URLs in messages are shortened (no signed tokens).
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { quote, shortUrl } from '../../helpers/redact';
import type { InputImage } from '../../helpers/interfaces';
import { checkInputImage, formatBytes } from '../../helpers/inputImages';
import type { UrlGuard } from '../../transport/download';
import { downloadImage } from '../../transport/download';
import { readBinaryObject } from './binaryInput';
import type { ItemPlan } from '../plan';

const TOO_LARGE_FIX =
	'Resize or compress the images first (e.g. with the Edit Image node), or raise Max Input Size in the options if your gateway accepts larger requests.';

function tooLarge(ctx: IExecuteFunctions, plan: ItemPlan, what: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `The input images are too large: ${what} [item ${plan.itemIndex}]`, {
		itemIndex: plan.itemIndex,
		description: TOO_LARGE_FIX,
	});
}

/** The item's rule for image URLs, and n8n's own signed links, which the node may always fetch. */
function urlGuard(ctx: IExecuteFunctions, plan: ItemPlan): UrlGuard {
	let ownLinkPrefix: string | undefined;
	try {
		const rest = ctx.getRestApiUrl?.();
		if (rest) ownLinkPrefix = `${rest.replace(/\/+$/, '')}/binary-data/signed`;
	} catch {
		// an n8n without a REST URL signs no links
	}
	return { ...plan.settings.urlAccess, ownLinkPrefix };
}

/**
 * One message for every refused target, whatever it did (answered, refused the connection, stayed silent):
 * an agent probing a network learns nothing from it.
 */
function refused(ctx: IExecuteFunctions, url: string, plan: ItemPlan, by: 'address' | 'n8n'): NodeOperationError {
	const { itemIndex } = plan;
	if (by === 'n8n') {
		return new NodeOperationError(
			ctx.getNode(),
			`Did not download the input image ${shortUrl(url)}: n8n's SSRF protection refused its address [item ${itemIndex}]`,
			{
				itemIndex,
				description:
					'This n8n instance refuses requests to private and reserved addresses (N8N_SSRF_PROTECTION_ENABLED). Use a public link, or ask its administrator to allow the host (N8N_SSRF_ALLOWED_HOSTNAMES, N8N_SSRF_ALLOWED_IP_RANGES).',
			},
		);
	}
	return new NodeOperationError(
		ctx.getNode(),
		`Did not download the input image ${shortUrl(url)}: it is not a public address, or it could not be reached to check [item ${itemIndex}]`,
		{
			itemIndex,
			description:
				'As an AI Agent tool, and with Image URL Access set to Public Addresses Only, the node fetches only public addresses: loopback, private, link-local and other reserved addresses are refused, also behind a host name or a redirect, and so is an address it cannot reach or check. Use a public link, or list the host in Request Settings > Allowed Private Hosts to fetch it on purpose.',
		},
	);
}

/** An image URL's bytes, at most `room` of them (the rest of the item's size limit). */
async function download(ctx: IExecuteFunctions, url: string, plan: ItemPlan, room: number): Promise<Buffer> {
	const limit = formatBytes(plan.settings.maxInputBytes);
	const overLimit = (announced?: number) =>
		tooLarge(
			ctx,
			plan,
			`more than ${limit} with the image at ${shortUrl(url)}${announced ? ` (its size is ${formatBytes(announced)})` : ''}`,
		);
	const fail = (why: string) =>
		new NodeOperationError(ctx.getNode(), `Could not download the input image ${shortUrl(url)}: ${why} [item ${plan.itemIndex}]`, {
			itemIndex: plan.itemIndex,
			description: 'Check that the URL is public and points at the image itself, not a web page.',
		});
	const comma = url.indexOf(',');
	if (/^data:/i.test(url) && comma !== -1 && /;base64$/i.test(url.slice(0, comma))) {
		if (Math.floor(((url.length - comma - 1) * 3) / 4) > room) throw overLimit();
		return Buffer.from(url.slice(comma + 1), 'base64');
	}
	if (!/^https?:\/\//i.test(url)) throw fail('only http(s) and data: URLs are supported');
	const result = await downloadImage(ctx, url, room, plan.settings.timeoutMs, urlGuard(ctx, plan));
	if ('refused' in result) throw refused(ctx, url, plan, result.refused);
	if ('tooLarge' in result) throw overLimit(result.tooLarge.announced);
	if ('problem' in result) throw fail(result.problem);
	return result.data;
}

export async function loadInputImages(ctx: IExecuteFunctions, plan: ItemPlan): Promise<InputImage[]> {
	const { itemIndex } = plan;
	// Refine Image: the conversation's text and the prompt take their share of Max Input Size first.
	const text = plan.textBytes ?? 0;
	const max = plan.settings.maxInputBytes - text;
	const binary = ctx.getInputData()[itemIndex].binary ?? {};
	const sources: Array<{ name: string; load: (room: number) => Promise<Buffer>; label?: string }> = [
		...plan.inputs.map(({ name, binary: object }) => ({
			name,
			load: async () => (object ? await readBinaryObject(ctx, object) : await ctx.helpers.getBinaryDataBuffer(itemIndex, name)),
			label: (object ?? binary[name])?.mimeType,
		})),
		...plan.settings.imageUrls.map((url) => ({ name: url, load: async (room: number) => await download(ctx, url, plan, room) })),
	];
	const images: InputImage[] = [];
	let total = 0;
	for (const source of sources) {
		const data = await source.load(max - total);
		const check = checkInputImage(data, source.label, source.name);
		if (!check.ok) {
			throw new NodeOperationError(ctx.getNode(), `${check.problem} [item ${itemIndex}]`, {
				itemIndex,
				description: check.fix,
			});
		}
		total += data.length;
		// Only a binary field can pass the limit here: URLs stop at it while they are read.
		if (total > max) {
			const share = text ? ` (Max Input Size less ${formatBytes(text)} of text sent with them)` : '';
			throw tooLarge(ctx, plan, `${formatBytes(total)} so far with ${quote(source.name)}, the limit is ${formatBytes(max)}${share}`);
		}
		images.push({ data, mimeType: check.mimeType, source: source.name });
	}
	return images;
}
