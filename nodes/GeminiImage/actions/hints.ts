/**
 * What is worth telling the user after a run without being an error: skipped drafts, mislabelled bytes, a
 * retired model that still answered. Shown by n8n above the output (execution hints).
 */
import type { NodeExecutionHint } from 'n8n-workflow';

import { retiredOn } from '../api/models/imageModels';
import type { GenerationResult } from '../helpers/interfaces';
import { LIMITS } from './limits';

export class RunNotes {
	private drafts = 0;

	private relabelled = new Map<string, number>();

	private retired = new Set<string>();

	/** Refine Image: items whose oldest turns were left out, and how many turns. */
	private trims: Array<[number, number]> = [];

	trimmed(itemIndex: number, droppedTurns: number): void {
		this.trims.push([itemIndex, droppedTurns]);
	}

	add(result: GenerationResult, model: string): void {
		this.drafts += result.draftImagesSkipped;
		for (const image of result.images) {
			if (!image.labelledMimeType) continue;
			const key = `${image.mimeType} labelled ${image.labelledMimeType}`;
			this.relabelled.set(key, (this.relabelled.get(key) ?? 0) + 1);
		}
		if (retiredOn(model)) this.retired.add(model);
	}

	hints(): NodeExecutionHint[] {
		const hints: NodeExecutionHint[] = [];
		const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
		if (this.drafts) {
			hints.push({
				message: `${plural(this.drafts, 'draft image')} skipped: thinking models sketch before the final image, and only final images are output`,
				type: 'info',
				location: 'outputPane',
			});
		}
		for (const [what, count] of this.relabelled) {
			const [real, label] = what.split(' labelled ');
			hints.push({
				message: `The API labelled ${plural(count, real.replace('image/', '').toUpperCase() + ' image')} as ${label}: they are output as ${real}, with a matching file extension`,
				type: 'info',
				location: 'outputPane',
			});
		}
		if (this.trims.length) {
			const [first, turns] = this.trims[0];
			const others = this.trims.length > 1 ? ` (and ${plural(this.trims.length - 1, 'other item')})` : '';
			hints.push({
				message: `Refine Image left out the oldest ${turns} turns of item ${first}'s conversation${others} to stay within Max Input Size and ${LIMITS.maxInputImages} images per request; their prompts were sent as a short summary`,
				type: 'info',
				location: 'outputPane',
			});
		}
		for (const model of this.retired) {
			hints.push({
				message: `${model} was retired on ${retiredOn(model)} and may stop answering any day: pick a current model such as gemini-3.1-flash-image (Nano Banana 2)`,
				type: 'warning',
				location: 'outputPane',
			});
		}
		return hints;
	}
}
