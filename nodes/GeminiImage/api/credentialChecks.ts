/**
 * What the credential must hold before any request: checked by the node (transport/index.ts) and by the
 * credential's `authenticate` (the Test button too), so both refuse the same things in the same words.
 * Pure, no imports: the credential file uses it as well.
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

/** Why this key cannot be sent as a header, without showing the key; undefined when it can. */
export function apiKeyProblem(apiKey: unknown): CredentialProblem | undefined {
	const key = typeof apiKey === 'string' ? apiKey : '';
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

/** Why this Base URL is refused (user name or password in it), undefined when it is fine. */
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

/** The first problem of a credential's fields, if any. */
export function credentialProblem(credentials: { baseUrl?: unknown; apiKey?: unknown }): CredentialProblem | undefined {
	return baseUrlProblem(credentials.baseUrl) ?? apiKeyProblem(credentials.apiKey);
}
