/**
 * The edges of redaction and short URLs that the broader tests in redact.test.ts and the property tests do not
 * pin: key shapes whose forms overlap, short keys, keys that hold the mask, and URL forms.
 */
import { redactSecrets, shortUrl } from '../../nodes/GeminiImage/helpers/redact';

describe('redactSecrets: key shapes', () => {
	it('a URL-encoded key that holds the key itself is masked whole, not around the key', () => {
		// 'Zq8xLm2PvR7t%' comes back URL-encoded as 'Zq8xLm2PvR7t%25': the longer form goes first
		const key = 'Zq8xLm2PvR7t%';
		expect(redactSecrets(`<${encodeURIComponent(key)}>`, key)).toBe('<***>');
		expect(redactSecrets(`<${key}>`, key)).toBe('<***>');
	});

	it('a short key typed with spaces around it is masked in its trimmed form too', () => {
		// five characters: too short for the cut-key pass, so only its exact forms are masked
		const key = ' q"9\\Z ';
		expect(redactSecrets('<q"9\\Z>', key)).toBe('<***>');
		expect(redactSecrets(`<${JSON.stringify('q"9\\Z').slice(1, -1)}>`, key)).toBe('<***>');
		expect(redactSecrets(`<${encodeURIComponent('q"9\\Z')}>`, key)).toBe('<***>');
	});

	it('a long key typed with spaces around it is masked URL-encoded', () => {
		const key = ' Zq8x/Lm2+PvR7tK4wN9bYc3H ';
		const out = redactSecrets(`token=${encodeURIComponent(key.trim())}&x=1`, key);
		expect(out).toBe('token=***&x=1');
	});

	it('a key that holds the mask is masked where masking forms it again, and redaction ends', () => {
		// 'abc' + key + 'defg' becomes the key itself once the key inside is masked
		expect(redactSecrets('abcabc***defgdefg', 'abc***defg')).toBe('***');
	});
});

describe('shortUrl: URL forms', () => {
	it('user info is masked whatever follows the host: a path, a query, a fragment or nothing', () => {
		expect(shortUrl('https://me:pw@host.example')).toBe('https://***@host.example');
		expect(shortUrl('https://me:pw@host.example/')).toBe('https://***@host.example/');
		expect(shortUrl('https://me:pw@host.example?x=1')).toBe('https://***@host.example?…');
		expect(shortUrl('https://me:pw@host.example#f')).toBe('https://***@host.example?…');
		expect(shortUrl('a://me:pw@h/x')).toBe('a://***@h/x');
		expect(shortUrl('https://a@h/x')).toBe('https://***@h/x');
	});

	it('an @ in the path, the query or the fragment is not user info', () => {
		expect(shortUrl('https://cdn.example/@user/cat.png?sig=abc#top')).toBe('https://cdn.example/@user/cat.png?…');
		expect(shortUrl('https://cdn.example?to=a@b')).toBe('https://cdn.example?…');
		expect(shortUrl('https://cdn.example#a@b')).toBe('https://cdn.example?…');
	});

	it('a URL typed without a scheme loses its user info too', () => {
		expect(shortUrl('me:pw@host.example/cat.png')).toBe('***@host.example/cat.png');
		expect(shortUrl('host.example/p@th')).toBe('host.example/p@th');
	});

	it('data: counts only at the start; spaces around a URL do not hide it', () => {
		expect(shortUrl('https://h.example/a/data:b?sig=SECRET')).toBe('https://h.example/a/data:b?…');
		expect(shortUrl('  data:image/png;base64,QUJD\n')).toBe('data:image/png;base64,… (26 characters)');
		expect(shortUrl(' https://me:pw@h.example/x ')).toBe('https://***@h.example/x');
	});

	it('a URL exactly `max` characters long is kept whole', () => {
		const url = `https://h.example/${'p'.repeat(82)}`;
		expect(url).toHaveLength(100);
		expect(shortUrl(url)).toBe(url);
		expect(shortUrl(`${url}q`)).toBe(`${url}…`);
	});
});
