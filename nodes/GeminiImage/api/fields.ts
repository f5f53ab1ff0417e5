/** Reading a field of an answer whichever way the gateway spells it. */

/** Google emits camelCase, CometAPI's guide shows snake_case: read either. */
export function field<T = unknown>(obj: unknown, camel: string): T | undefined {
	if (!obj || typeof obj !== 'object') return undefined;
	const o = obj as Record<string, unknown>;
	if (o[camel] !== undefined && o[camel] !== null) return o[camel] as T;
	const snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
	const v = o[snake];
	return v === null ? undefined : (v as T | undefined);
}
