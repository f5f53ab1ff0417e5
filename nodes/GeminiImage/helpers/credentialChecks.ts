/**
 * The credential's fields as the node and the credential's `authenticate` (the Test button too) read them, so
 * both refuse the same things in the same words. Pure, no imports: the credential file uses it as well.
 */

/** What an HTTP header value may hold (Node's http module refuses anything else before sending). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

const CHARACTER_NAMES: Record<string, string> = {
	'\n': 'a line break',
	'\r': 'a line break',
	'\0': 'a null character',
};

/** What is wrong (no full stop) and how to fix it. */
export interface CredentialProblem {
	message: string;
	fix: string;
}

/** Why this key cannot be sent as a header, without showing the key. */
export function apiKeyProblem(apiKey: unknown): CredentialProblem | undefined {
	// The text the request sends (String(key)): an expression in the field may return a list or a number.
	const key = String(apiKey ?? '');
	// An expression that gives nothing would send `Bearer ` and learn it only from a 401.
	if (!key.trim()) {
		return {
			message: 'The API key in the CometAPI credential is empty',
			fix: 'Paste the key from the CometAPI dashboard, or check the expression that gives it.',
		};
	}
	if (HEADER_VALUE.test(key)) return undefined;
	let at = 0;
	while (at < key.length && HEADER_VALUE.test(key[at])) at++;
	const char = key[at];
	const code = key.codePointAt(at) ?? 0;
	const name =
		CHARACTER_NAMES[char] ??
		(code < 0x20 || code === 0x7f
			? 'a control character'
			: `a character outside Latin-1 (U+${code.toString(16).toUpperCase().padStart(4, '0')})`);
	return {
		message: `The API key in the CometAPI credential holds ${name} at position ${at + 1} of ${key.length}, which an HTTP header cannot carry`,
		fix: 'Paste the key again from the CometAPI dashboard, without spaces or line breaks around it.',
	};
}

/** A user name or password in the Base URL would replace the key (Basic auth). */
export function baseUrlProblem(baseUrl: unknown): CredentialProblem | undefined {
	const text = typeof baseUrl === 'string' ? baseUrl.trim() : '';
	// The authority: after the scheme (or from the start when there is none), up to the path, query or fragment.
	const scheme = text.indexOf('://');
	const authority = text.slice(scheme === -1 ? 0 : scheme + 3).split(/[/?#]/, 1)[0];
	if (!authority.includes('@')) return undefined;
	return {
		message: 'The Base URL in the CometAPI credential holds a user name or password (user:pass@), which would replace the API key',
		fix: 'Remove the part up to and including the @ (e.g. https://api.cometapi.com): the key goes in API Key only.',
	};
}

export function credentialProblem(credentials: { baseUrl?: unknown; apiKey?: unknown }): CredentialProblem | undefined {
	return baseUrlProblem(credentials.baseUrl) ?? apiKeyProblem(credentials.apiKey);
}

/** The Base URL as users type it: a trailing slash, or the `/v1` that OpenAI-style clients ask for, must not break our paths. */
export function normalizeBaseUrl(raw: unknown): string {
	let url = typeof raw === 'string' ? raw.trim() : '';
	if (!url) return 'https://api.cometapi.com';
	if (!/^https?:\/\//i.test(url)) url = `https://${url}`;
	url = url.replace(/\/+$/, '');
	url = url.replace(/\/(v1beta|v1)$/i, '');
	return url.replace(/\/+$/, '');
}
