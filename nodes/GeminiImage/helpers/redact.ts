/**
 * What the node says about secrets and URLs: the API key, credentials in a URL (`user:pass@`) and secrets in
 * a query string never appear in a message, a description or an error field, whatever their shape and
 * wherever a text was cut; URLs are shortened so that a 40 MB data: URL or a signed link does not end up
 * in an error. Linear: no regex here can backtrack.
 */

const MASK = '***';
/** A cut fragment of the key this long (from its start) is still treated as the key. */
const MIN_FRAGMENT = 6;

const KEY_PATTERN = /\b(sk-|AIza)[A-Za-z0-9_-]{6,}/g;
const AUTH_HEADER = /\b(Bearer|Basic)\s+[^\s"',;)]+/gi;
const URL_USER_INFO = /\b(https?|wss?|ftp):\/\/[^\s/@?#"'<>]+@/gi;
const QUERY_SECRET =
	/([?&;](?:key|api[_-]?key|apikey|token|access[_-]?token|refresh[_-]?token|auth|authorization|sig|signature|secret|client[_-]?secret|password|passwd|pwd|code|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential)=)[^&#\s"'<>]*/gi;

/** The ways a key can be written in a text we got back: as it is, trimmed, URL-encoded, JSON-escaped. */
function forms(secret: string): string[] {
	const list = [secret, secret.trim(), encodeURIComponent(secret.trim()), JSON.stringify(secret.trim()).slice(1, -1)];
	return [...new Set(list)].filter((form) => form.length >= 4).sort((a, b) => b.length - a.length);
}

/** Masks every run that starts like the key: a key cut by a length limit (ours or a gateway's). */
function maskFragments(text: string, secret: string): string {
	const key = secret.trim();
	if (key.length < MIN_FRAGMENT + 1) return text;
	const head = key.slice(0, MIN_FRAGMENT);
	let out = '';
	let from = 0;
	for (let at = text.indexOf(head); at !== -1; at = text.indexOf(head, at)) {
		let end = at + MIN_FRAGMENT;
		// past the text's end text[end] is undefined, which no character of the key equals
		while (end - at < key.length && text[end] === key[end - at]) end++;
		out += text.slice(from, at) + MASK;
		from = at = end;
	}
	return out + text.slice(from);
}

/** Keys never leave the node: the actual key (any shape, even cut), anything shaped like one, URL secrets. */
export function redactSecrets(text: string, secret?: string): string {
	let out = String(text);
	if (secret) {
		for (const form of forms(secret)) out = out.split(form).join(MASK);
		out = maskFragments(out, secret);
	}
	return out
		.replace(KEY_PATTERN, `$1${MASK}`)
		.replace(AUTH_HEADER, `$1 ${MASK}`)
		.replace(URL_USER_INFO, `$1://${MASK}@`)
		.replace(QUERY_SECRET, `$1${MASK}`);
}

/** Redacts first, then cuts to `max` characters: a cut never leaves part of a secret behind. */
export function cutText(text: string, max: number, secret?: string): string {
	const clean = redactSecrets(text, secret);
	return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** How many characters of a value a message quotes (a 1 MB value must not make a 1 MB message). */
export const QUOTE_MAX = 60;

/** A value someone typed or sent, as a message quotes it: redacted, cut to `max` characters, in quotes. */
export function quote(value: unknown, max = QUOTE_MAX): string {
	return `"${cutText(String(value), max)}"`;
}

/** A base URL as shown in messages: without credentials, query or fragment. */
export function displayUrl(url: string | undefined): string {
	if (!url) return 'the base URL';
	return shortUrl(url, 200);
}

/**
 * A URL fit for a message: data: URLs as their type and size, others without credentials, query string
 * (often a signature) or fragment, and at most `max` characters.
 */
export function shortUrl(url: string, max = 100): string {
	const text = String(url).trim();
	if (/^data:/i.test(text)) {
		const comma = text.indexOf(',');
		const head = comma === -1 ? text.slice(0, 40) : text.slice(0, Math.min(comma + 1, 60));
		return `${head}… (${text.length.toLocaleString('en-US')} characters)`;
	}
	let out = text;
	// The authority (user info and host) follows the scheme, or starts the text when it has none (a URL
	// typed without one still shows in the "only http(s) and data: URLs" error).
	const scheme = out.indexOf('://');
	const host = scheme === -1 ? 0 : scheme + 3;
	const authorityEnd = [out.indexOf('/', host), out.indexOf('?', host), out.indexOf('#', host)]
		.filter((i) => i !== -1)
		.reduce((a, b) => Math.min(a, b), out.length);
	const userInfo = out.slice(host, authorityEnd).lastIndexOf('@');
	if (userInfo !== -1) out = `${out.slice(0, host)}${MASK}${out.slice(host + userInfo)}`;
	const query = out.search(/[?#]/);
	if (query !== -1) out = `${out.slice(0, query)}?…`;
	return out.length > max ? `${out.slice(0, max)}…` : out;
}

/**
 * A size as messages show it: "1.5 MB", below a megabyte "2.0 KB", below a kilobyte "512 bytes". `smallest`
 * stops at a larger unit: 'KB' in whole kilobytes, at least 1 ("300 KB", an image's size for an agent); 'MB'
 * any size in megabytes with `digits` decimals ("0.3 MB", next to Max Input Size, which is set in megabytes).
 */
export function formatBytes(bytes: number, smallest: 'bytes' | 'KB' | 'MB' = 'bytes', digits = 1): string {
	const kb = bytes / 1024;
	const mb = kb / 1024;
	if (smallest === 'MB') return `${mb.toFixed(digits)} MB`;
	if (mb >= 1) return `${mb.toFixed(1)} MB`;
	if (smallest === 'KB') return `${Math.max(1, Math.round(kb))} KB`;
	return kb >= 1 ? `${kb.toFixed(1)} KB` : `${bytes} bytes`;
}

/**
 * Whether a value nests deeper than `max` levels of objects and arrays: walked without recursion, so that
 * a 10,000-level item is measured, not a stack overflow. Each object is entered once (a shared or circular
 * one is not walked again).
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
	const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
	const seen = new WeakSet<object>();
	while (stack.length) {
		const { value: current, depth } = stack.pop()!;
		if (!current || typeof current !== 'object' || seen.has(current)) continue;
		if (depth >= max) return true;
		seen.add(current);
		for (const child of Array.isArray(current) ? current : Object.values(current)) {
			if (child && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
		}
	}
	return false;
}
