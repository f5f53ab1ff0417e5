/**
 * The Gemini image models: which ids of an account's model list (`GET /v1/models`) are image models, their
 * product names, and the order the picker shows them in. Pure: tested without n8n.
 *
 * Ids change every few months (previews retire, new names arrive, some without the word "image"), so
 * recognising a model is by pattern, and an id we do not know is never refused: By ID takes any name.
 */

export interface ModelEntry {
	id: string;
	/** What the picker shows, e.g. "gemini-3.1-flash-image (Nano Banana 2)". */
	name: string;
	/** Seconds since 1970, when the list said so (the OpenAI list shape has `created`). */
	created?: number;
}

interface KnownModel {
	pattern: RegExp;
	product: string;
	/** The date CometAPI or Google stopped serving it, when known. */
	retired?: string;
}

// Most specific first: "gemini-3.1-flash-lite-image" must not be read as "gemini-3.1-flash-image".
const KNOWN: KnownModel[] = [
	{ pattern: /^gemini-2\.5-flash-image(-preview)?\b/i, product: 'Nano Banana', retired: '2026-09-30' },
	{ pattern: /^gemini-3(\.0)?-pro-image-preview\b/i, product: 'Nano Banana Pro, preview', retired: '2026-06-25' },
	{ pattern: /^gemini-3\.1-flash-image-preview\b/i, product: 'Nano Banana 2, preview', retired: '2026-06-25' },
	{ pattern: /^gemini-3(\.0)?-pro-image\b/i, product: 'Nano Banana Pro' },
	{ pattern: /^gemini-3\.1-flash-lite-image\b/i, product: 'Nano Banana 2 Lite' },
	{ pattern: /^gemini-3\.1-flash-image\b/i, product: 'Nano Banana 2' },
	{ pattern: /^gemini-nano-banana-2\.1\b/i, product: 'Nano Banana 2.1' },
];

/** The model a new node starts with: served by CometAPI today (Nano Banana 2, GA since 2026-05-28). */
export const DEFAULT_MODEL = 'gemini-3.1-flash-image';

/**
 * Whether an id names a Gemini image model: "gemini" and "image" in it (gemini-3-pro-image), or a Nano
 * Banana name (gemini-nano-banana-2.1). Other image models (gpt-image-1, imagen, flux) speak other APIs.
 */
export function isGeminiImageModel(id: string): boolean {
	return (/gemini/i.test(id) && /image/i.test(id)) || /nano-?banana/i.test(id);
}

function known(id: string): KnownModel | undefined {
	return KNOWN.find((m) => m.pattern.test(id.trim()));
}

/** The product name (Nano Banana 2...) of a known id, else undefined. */
export function productName(id: string): string | undefined {
	return known(id)?.product;
}

/** When a known model was retired (YYYY-MM-DD), else undefined. Gateways may still answer it as an alias. */
export function retiredOn(id: string): string | undefined {
	return known(id)?.retired;
}

export function modelLabel(id: string): string {
	const model = known(id);
	if (!model) return id;
	return `${id} (${model.product}${model.retired ? `, retired ${model.retired}` : ''})`;
}

/** The ids (and `created`, when given) of an OpenAI-style list `{data: [{id, created}]}`, or a bare array. */
export function readModelList(body: unknown): Array<{ id: string; created?: number }> {
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
