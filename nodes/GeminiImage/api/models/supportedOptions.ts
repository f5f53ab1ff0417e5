/**
 * Which options a model takes, for the models whose limits are documented. Model names change every few
 * months, so unknown names pass: only known mismatches are reported, never silently dropped.
 */
import type { GenerationInput } from '../../helpers/interfaces';

const EXTREME_RATIOS = new Set(['1:4', '4:1', '1:8', '8:1']);

type Family = 'flash25' | 'pro3' | 'flash31' | 'flashLite31' | 'nanoBanana21' | 'unknown';

export function modelFamily(model: string): Family {
	const m = model.toLowerCase();
	if (/gemini-2\.5-flash-image/.test(m)) return 'flash25';
	if (/gemini-3(\.0)?-pro-image/.test(m)) return 'pro3';
	if (/gemini-3\.1-flash-lite-image/.test(m)) return 'flashLite31';
	if (/gemini-3\.1-flash-image/.test(m)) return 'flash31';
	if (/gemini-nano-banana-2\.1/.test(m)) return 'nanoBanana21';
	return 'unknown';
}

/** Who takes the extreme ratios and 512, for option labels and messages (one place to update). */
export const EXTREME_RATIO_MODELS = 'Gemini 3.1 Flash Image or Nano Banana 2.1';
export const SIZE_512_MODELS = 'Gemini 3.1 Flash Image';

/** Problems with the chosen options for this model, each with what to do instead. */
export function unsupportedOptions(input: Pick<GenerationInput, 'model' | 'aspectRatio' | 'imageSize' | 'googleSearch'>): string[] {
	const family = modelFamily(input.model);
	const problems: string[] = [];
	const size = input.imageSize;
	if (family === 'flash25' && size) {
		problems.push(
			`Image Size "${size}" is not available on ${input.model}, which makes one size only (about 1K): remove Image Size, or use a Gemini 3 image model`,
		);
	}
	if (family === 'flashLite31' && size && size !== '1K') {
		problems.push(
			`Image Size "${size}" is not available on ${input.model}, which makes 1K images only: choose 1K or Model Default, or use gemini-3.1-flash-image`,
		);
	}
	if ((family === 'pro3' || family === 'nanoBanana21') && size === '512') {
		problems.push(`Image Size 512 needs a ${SIZE_512_MODELS} model; ${input.model} takes 1K, 2K or 4K`);
	}
	if ((family === 'flash25' || family === 'pro3') && input.aspectRatio && EXTREME_RATIOS.has(input.aspectRatio)) {
		problems.push(`Aspect Ratio ${input.aspectRatio} needs a ${EXTREME_RATIO_MODELS} model; ${input.model} takes 1:1 up to 21:9`);
	}
	if (family === 'flash25' && input.googleSearch) {
		problems.push(`Google Search grounding needs a Gemini 3 image model; ${input.model} does not offer it`);
	}
	return problems;
}
