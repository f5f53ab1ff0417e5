/** Orders the account's model list for the picker. Pure: tested without n8n. */

/** Gemini image models (Nano Banana and successors), e.g. gemini-2.5-flash-image, gemini-3-pro-image-preview. */
export function isGeminiImageModel(id: string): boolean {
	return /gemini/i.test(id) && /image/i.test(id);
}

function rank(id: string): number {
	if (isGeminiImageModel(id)) return 0;
	if (/image|imagen|banana/i.test(id)) return 1;
	return 2;
}

export function rankModels(body: unknown, filter?: string): string[] {
	const data = (body as { data?: unknown })?.data;
	const list = Array.isArray(data) ? data : Array.isArray(body) ? body : [];
	const ids = list
		.map((m) => (typeof m === 'string' ? m : (m as { id?: unknown })?.id))
		.filter((id): id is string => typeof id === 'string' && id.length > 0);
	const needle = filter?.trim().toLowerCase();
	const unique = [...new Set(ids)].filter((id) => !needle || id.toLowerCase().includes(needle));
	// Image models first; newest-looking names (higher version numbers) first within a group.
	return unique.sort((a, b) => rank(a) - rank(b) || b.localeCompare(a, 'en', { numeric: true }));
}
