import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { cutText, quote } from '../../helpers/redact';
import { assertExecutionFiles, resolveInputFields } from '../input/binaryInput';
import { LIMITS } from '../limits';
import { nodeVersion, readInputSources, readToolImageUrls } from '../parameters';
import type { ItemPlan } from '../plan';
import { planCommon } from '../plan';
import { isToolRun } from '../toolRun';

/** Image to Image: the common checks, then its input images (parameters: properties/v1.ts, properties/v2.ts). */
export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemPlan {
	const item = planCommon(ctx, itemIndex);
	const sources = readInputSources(ctx, itemIndex);
	const input = ctx.getInputData()[itemIndex];
	if (nodeVersion(ctx) >= 2 && isToolRun(ctx)) {
		// An agent cannot hand a tool a file: only links (the AI model's, or the ones set in the node).
		const urls = readToolImageUrls(ctx, itemIndex);
		Object.assign(sources, { fields: '', urls: urls.length ? urls : sources.urls, fieldsLabel: 'Image URLs', urlsLabel: 'Image URLs' });
		if (!sources.urls.length) {
			throw new NodeOperationError(ctx.getNode(), `Image to Image as a tool needs the links of the images to edit [item ${itemIndex}]`, {
				itemIndex,
				description: 'Let the AI model fill Image URLs (the default), or set links there.',
			});
		}
	}
	const { refs, missing, invalid } = resolveInputFields(sources.fields, input);
	const fail = (message: string, description: string) =>
		new NodeOperationError(ctx.getNode(), `${message} [item ${itemIndex}]`, { itemIndex, description });

	if (invalid.length) {
		throw fail(
			`${sources.fieldsLabel} gave ${invalid[0]}, which is neither a field name nor a binary file`,
			`Put field names there (e.g. data), or an expression that gives a binary file, such as {{ $('Node').item.binary.data }}.`,
		);
	}
	const available = Object.keys(input.binary ?? {});
	if (missing.length) {
		const name = missing[0];
		throw fail(
			`The item has no binary field ${quote(name)} (named in ${sources.fieldsLabel})`,
			available.length
				? `The item's binary fields are: ${cutText(available.join(', '), 300)}. Put one of those names in ${sources.fieldsLabel}.`
				: 'The item has no binary data at all: put a node that loads an image (HTTP Request, Read/Write Files from Disk, Google Drive...) before this one, or use Text to Image.',
		);
	}
	const urls = sources.urls;
	const count = refs.length + urls.length;
	if (count === 0) {
		throw fail(
			`${sources.fieldsLabel} is empty and no ${sources.urlsLabel} are set`,
			`Name the binary field(s) holding the input images (e.g. data), or give ${sources.urlsLabel}.`,
		);
	}
	if (count > LIMITS.maxInputImages) {
		throw fail(
			`Too many input images: ${count} (binary fields and URLs together), at most ${LIMITS.maxInputImages}`,
			'Gemini 3 image models take up to 14 images per request (Gemini 2.5 Flash Image works best with up to 3).',
		);
	}
	// Binary objects from an expression or the item's JSON: only this execution's files are read.
	assertExecutionFiles(ctx, itemIndex, refs, sources.fieldsLabel);
	item.inputs = refs;
	item.settings.imageUrls = urls;
	return item;
}
