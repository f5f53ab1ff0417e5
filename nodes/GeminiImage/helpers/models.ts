/**
 * The Gemini image models: how an id of an account's model list is recognised, its product name, its
 * retirement, and which options it takes. Ids change every few months (previews retire, new names arrive,
 * some without the word "image"), so models are known by pattern and an unknown id is never refused: By ID
 * takes any name, and its options pass unchecked.
 */
/** The model a new node starts with: served by CometAPI today (Nano Banana 2, GA since 2026-05-28). */
export const DEFAULT_MODEL = 'gemini-3.1-flash-image';

/** The narrowest ratios, which only some models take. */
export const EXTREME_RATIOS = ['1:4', '4:1', '1:8', '8:1'];

/** Who takes the extreme ratios and 512, for option labels and messages (one place to update). */
export const EXTREME_RATIO_MODELS = 'Gemini 3.1 Flash Image or Nano Banana 2.1';
export const SIZE_512_MODELS = 'Gemini 3.1 Flash Image';

interface Accepts {
	/** The Image Sizes it makes; none listed: any. */
	sizes?: string[];
	extremeRatios: boolean;
	googleSearch: boolean;
}

const FLASH_25: Accepts = { sizes: [], extremeRatios: false, googleSearch: false };
const PRO_3: Accepts = { sizes: ['1K', '2K', '4K'], extremeRatios: false, googleSearch: true };
const FLASH_LITE_31: Accepts = { sizes: ['1K'], extremeRatios: true, googleSearch: true };
const FLASH_31: Accepts = { extremeRatios: true, googleSearch: true };
const NANO_BANANA_21: Accepts = { sizes: ['1K', '2K', '4K'], extremeRatios: true, googleSearch: true };

interface ImageModel {
	/** The id's pattern: at the start of an id for its product name, anywhere in it for what it accepts. */
	id: string;
	product: string;
	/** The date CometAPI or Google stopped serving it, when known. Gateways may still answer it as an alias. */
	retired?: string;
	accepts: Accepts;
}

// Previews before their GA names, which would match them too.
const MODELS: ImageModel[] = [
	{ id: 'gemini-2\\.5-flash-image(-preview)?', product: 'Nano Banana', retired: '2026-09-30', accepts: FLASH_25 },
	{ id: 'gemini-3(\\.0)?-pro-image-preview', product: 'Nano Banana Pro, preview', retired: '2026-06-25', accepts: PRO_3 },
	{ id: 'gemini-3(\\.0)?-pro-image', product: 'Nano Banana Pro', accepts: PRO_3 },
	{ id: 'gemini-3\\.1-flash-lite-image', product: 'Nano Banana 2 Lite', accepts: FLASH_LITE_31 },
	{ id: 'gemini-3\\.1-flash-image-preview', product: 'Nano Banana 2, preview', retired: '2026-06-25', accepts: FLASH_31 },
	{ id: 'gemini-3\\.1-flash-image', product: 'Nano Banana 2', accepts: FLASH_31 },
	{ id: 'gemini-nano-banana-2\\.1', product: 'Nano Banana 2.1', accepts: NANO_BANANA_21 },
];

const NAMED = MODELS.map((model) => ({ model, name: new RegExp(`^${model.id}\\b`, 'i'), within: new RegExp(model.id, 'i') }));

/** The model an id names, as the picker shows it: "gemini-3-pro-image-previewer" is Nano Banana Pro. */
const named = (id: string) => NAMED.find(({ name }) => name.test(id.trim()))?.model;

/** When a known model was retired (YYYY-MM-DD), else undefined. */
export function retiredOn(id: string): string | undefined {
	return named(id)?.retired;
}

/** Other image models (gpt-image-1, imagen, flux) speak other APIs; some Gemini ones lack "image" (gemini-nano-banana-2.1). */
const isGeminiImageModel = (id: string) => (/gemini/i.test(id) && /image/i.test(id)) || /nano-?banana/i.test(id);

function modelLabel(id: string): string {
	const model = named(id);
	if (!model) return id;
	return `${id} (${model.product}${model.retired ? `, retired ${model.retired}` : ''})`;
}

export interface ModelEntry {
	id: string;
	/** What the picker shows, e.g. "gemini-3.1-flash-image (Nano Banana 2)". */
	name: string;
	/** Seconds since 1970, when the list said so (the OpenAI list shape has `created`). */
	created?: number;
}

/** The ids (and `created`, when given) of an OpenAI-style list `{data: [{id, created}]}`, or a bare array. */
function readModelList(body: unknown): Array<{ id: string; created?: number }> {
	const data = (body as { data?: unknown })?.data;
	const list = Array.isArray(data) ? data : Array.isArray(body) ? body : [];
	const seen = new Set<string>();
	const out: Array<{ id: string; created?: number }> = [];
	for (const entry of list) {
		const id = typeof entry === 'string' ? entry : (entry as { id?: unknown })?.id;
		if (typeof id !== 'string' || !id.trim() || seen.has(id)) continue;
		seen.add(id);
		const created = (entry as { created?: unknown })?.created;
		out.push(typeof created === 'number' && Number.isFinite(created) ? { id, created } : { id });
	}
	return out;
}

/**
 * The account's Gemini image models for the picker, newest first: current models before retired ones,
 * then by the list's `created` date, then by the version number in the id. `filter` matches the id or the
 * product name, case-insensitively.
 */
export function imageModels(body: unknown, filter?: string): ModelEntry[] {
	const needle = filter?.trim().toLowerCase();
	return readModelList(body)
		.filter(({ id }) => isGeminiImageModel(id))
		.map((m) => ({ ...m, name: modelLabel(m.id) }))
		.filter((m) => !needle || m.name.toLowerCase().includes(needle))
		.sort(
			(a, b) =>
				Number(!!retiredOn(a.id)) - Number(!!retiredOn(b.id)) ||
				(b.created ?? 0) - (a.created ?? 0) ||
				b.id.localeCompare(a.id, 'en', { numeric: true }),
		);
}

/** Problems with the chosen options for this model, each with what to do instead. */
export function unsupportedOptions(input: { model: string; aspectRatio?: string; imageSize?: string; googleSearch?: boolean }): string[] {
	const { model, imageSize: size, aspectRatio } = input;
	const accepts = NAMED.find(({ within }) => within.test(model))?.model.accepts;
	if (!accepts) return [];
	const problems: string[] = [];
	if (size && accepts.sizes && !accepts.sizes.includes(size)) {
		problems.push(
			!accepts.sizes.length
				? `Image Size "${size}" is not available on ${model}, which makes one size only (about 1K): remove Image Size, or use a Gemini 3 image model`
				: accepts.sizes.length === 1
					? `Image Size "${size}" is not available on ${model}, which makes 1K images only: choose 1K or Model Default, or use gemini-3.1-flash-image`
					: `Image Size 512 needs a ${SIZE_512_MODELS} model; ${model} takes 1K, 2K or 4K`,
		);
	}
	if (!accepts.extremeRatios && aspectRatio && EXTREME_RATIOS.includes(aspectRatio)) {
		problems.push(`Aspect Ratio ${aspectRatio} needs a ${EXTREME_RATIO_MODELS} model; ${model} takes 1:1 up to 21:9`);
	}
	if (!accepts.googleSearch && input.googleSearch) {
		problems.push(`Google Search grounding needs a Gemini 3 image model; ${model} does not offer it`);
	}
	return problems;
}

/**
 * The family a model id belongs to, for conversations: preview and GA names of one model share it (CometAPI
 * keeps retired previews as aliases), different models do not (their thought signatures mean nothing to each
 * other). A rule on the name, not a column of MODELS: it must hold for ids the table does not know.
 */
export function conversationFamily(model: string): string {
	return model
		.trim()
		.toLowerCase()
		.replace(/^models\//, '')
		.replace(/-preview(-[\w.-]+)?$/, '')
		.replace(/-\d{3}$/, '');
}
