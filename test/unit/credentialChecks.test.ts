/** helpers/credentialChecks.ts: what the credential's Base URL and key may hold, and the Base URL as users type it. */
import fc from 'fast-check';

import { apiKeyProblem, baseUrlProblem, credentialProblem, normalizeBaseUrl } from '../../nodes/GeminiImage/helpers/credentialChecks';
import { propertyRuns as runs } from './fixtures';

describe('credential checks', () => {
	it.each(['https://api.cometapi.com', 'api.cometapi.com/v1', 'http://127.0.0.1:8787/path@x', 'https://host/?q=a@b', '', undefined])(
		'Base URL %j is fine',
		(url) => expect(baseUrlProblem(url)).toBeUndefined(),
	);
	it.each(['https://user:pass@api.cometapi.com', 'http://user@127.0.0.1', 'user:pass@api.cometapi.com', ' HTTPS://a:b@c/v1 '])(
		'Base URL %j is refused, without quoting it',
		(url) => {
			const problem = baseUrlProblem(url)!;
			expect(problem.message).toMatch(/user:pass@/);
			expect(`${problem.message} ${problem.fix}`).not.toMatch(/pass@api|a:b@c|user@127/);
		},
	);
	it('keys: printable and Latin-1 pass; line breaks, control and non-Latin-1 characters are named with their place', () => {
		expect(apiKeyProblem('sk-AZaz09_-.~')).toBeUndefined();
		expect(apiKeyProblem('sk-\u00e9')).toBeUndefined();
		expect(apiKeyProblem('sk-x\r')?.message).toMatch(/holds a line break at position 5 of 5/);
		expect(apiKeyProblem('\0')?.message).toMatch(/holds a null character at position 1 of 1/);
		expect(apiKeyProblem('sk-\u007f')?.message).toMatch(/holds a control character at position 4 of 4/);
		expect(apiKeyProblem('sk-\u{1F511}')?.message).toMatch(/outside Latin-1 \(U\+1F511\) at position 4 of 5/);
		expect(apiKeyProblem('sk-secretpart\n')?.message).not.toContain('secretpart');
	});
	it('a key that is not text (an expression returning a list) is checked as the text the request sends', () => {
		expect(apiKeyProblem(['sk-a', 'b\n'])?.message).toMatch(/holds a line break at position 7 of 7/);
		expect(apiKeyProblem(12345)).toBeUndefined();
	});
	it.each([null, undefined, '', '   ', '\t', []])('an empty key (%j) is refused, saying so, before anything is sent', (key) => {
		expect(apiKeyProblem(key)).toEqual({
			message: 'The API key in the CometAPI credential is empty',
			fix: 'Paste the key from the CometAPI dashboard, or check the expression that gives it.',
		});
	});
	it('a character typed in another keyboard layout is named by its code point with four hex digits', () => {
		// Cyrillic о (U+043E) looks like o: a key retyped by hand may hold it
		expect(apiKeyProblem('sk-\u043ey')?.message).toBe(
			'The API key in the CometAPI credential holds a character outside Latin-1 (U+043E) at position 4 of 5, which an HTTP header cannot carry',
		);
	});
	it.each(['u@api.cometapi.com', '@api.cometapi.com', ':@api.cometapi.com'])(
		'Base URL %j without a scheme is refused: user info right at its start counts too',
		(url) => expect(baseUrlProblem(url)?.message).toMatch(/user:pass@/),
	);
	it('the Base URL is checked first', () => {
		expect(credentialProblem({ baseUrl: 'https://a:b@c', apiKey: '\n' })?.message).toMatch(/^The Base URL/);
		expect(credentialProblem({ baseUrl: 'https://c', apiKey: 'sk-ok' })).toBeUndefined();
	});
});

describe('normalizeBaseUrl', () => {
	it.each([
		['https://api.cometapi.com', 'https://api.cometapi.com'],
		['https://api.cometapi.com/', 'https://api.cometapi.com'],
		['https://api.cometapi.com/v1/', 'https://api.cometapi.com'],
		['https://gw.example.com/proxy/v1beta', 'https://gw.example.com/proxy'],
		['  http://127.0.0.1:8787//  ', 'http://127.0.0.1:8787'],
		['api.cometapi.com', 'https://api.cometapi.com'],
		// slashes doubled before or after the /v1 all go
		['https://api.cometapi.com/v1//', 'https://api.cometapi.com'],
		['https://api.cometapi.com//v1', 'https://api.cometapi.com'],
		// a /v1 inside the path is the gateway's own and stays
		['https://gw.example.com/v1/cometapi', 'https://gw.example.com/v1/cometapi'],
		['https://gw.example.com/v1beta-proxy', 'https://gw.example.com/v1beta-proxy'],
		// a proxy that takes the target URL in its path still gets its own scheme
		['cors.example.com/https://api.cometapi.com', 'https://cors.example.com/https://api.cometapi.com'],
		['', 'https://api.cometapi.com'],
	])('%s -> %s', (raw, expected) => {
		expect(normalizeBaseUrl(raw)).toBe(expected);
	});

	it('a Base URL that is not text falls back to the default; /V1 in capitals goes too', () => {
		expect(normalizeBaseUrl(undefined)).toBe('https://api.cometapi.com');
		expect(normalizeBaseUrl(42)).toBe('https://api.cometapi.com');
		expect(normalizeBaseUrl('HTTP://gw.example.com/V1')).toBe('HTTP://gw.example.com');
	});
});

describe('normalizeBaseUrl, any input (fast-check)', () => {
	it('a Base URL, however typed, becomes one the paths can follow; normalising twice changes nothing', () => {
		const urlArb = fc.oneof(
			fc.webUrl(),
			fc.string({ maxLength: 40 }),
			fc.webUrl().map((u) => `  ${u}/v1/ `),
			fc.domain().map((d) => `${d}/v1beta`),
		);
		fc.assert(
			fc.property(urlArb, (raw) => {
				const url = normalizeBaseUrl(raw);
				expect(url).toMatch(/^https?:\/\//i);
				expect(url.endsWith('/')).toBe(false);
				expect(url).not.toMatch(/\/v1(beta)?$/i);
				expect(normalizeBaseUrl(url)).toBe(url);
			}),
			runs(200),
		);
	});
});
