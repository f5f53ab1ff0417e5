/**
 * The credential's Base URL as typed by users: a trailing slash, or the `/v1` that OpenAI-style clients
 * ask for, must not break the paths we append.
 */
export const DEFAULT_BASE_URL = 'https://api.cometapi.com';

export function normalizeBaseUrl(raw: unknown): string {
	let url = typeof raw === 'string' ? raw.trim() : '';
	if (!url) return DEFAULT_BASE_URL;
	if (!/^https?:\/\//i.test(url)) url = `https://${url}`;
	url = url.replace(/\/+$/, '');
	url = url.replace(/\/(v1beta|v1)$/i, '');
	return url.replace(/\/+$/, '');
}
