/** helpers/redact.ts: what messages may show of keys, secrets and URLs, sizes as messages write them, and how deep a value nests. */
import fc from 'fast-check';

import { describeHttpFailure, describeNetworkFailure } from '../../nodes/GeminiImage/helpers/failures';
import {
	cutText,
	displayUrl,
	formatBytes,
	nestsDeeperThan,
	quote,
	QUOTE_MAX,
	redactSecrets,
	shortUrl,
} from '../../nodes/GeminiImage/helpers/redact';
import { propertyRuns as runs } from './fixtures';

describe('redaction and short URLs', () => {
	const key = ' Zq8x/Lm2+PvR7tK4wN9bYc3H ';
	it('the key in any form it may come back in, and any cut of it', () => {
		const k = key.trim();
		for (const text of [
			k,
			`Bearer ${k}`,
			encodeURIComponent(k),
			JSON.stringify(k),
			`token=${k.slice(0, -1)}`,
			`${k.slice(0, 9)}`,
			`x ${k.slice(0, 12)}… more`,
		]) {
			const out = redactSecrets(text, key);
			expect(out).not.toContain(k.slice(0, 6));
		}
		expect(redactSecrets('nothing secret here', key)).toBe('nothing secret here');
	});
	it('credentials in URLs, secrets in query strings, auth headers, key-shaped strings', () => {
		expect(redactSecrets('at https://user:pa55@proxy.example.com/v1 and wss://u@h/x')).toBe(
			'at https://***@proxy.example.com/v1 and wss://***@h/x',
		);
		expect(redactSecrets('GET /x?key=AIzaQQ&sig=abc&X-Amz-Signature=f00&keep=1#frag')).toBe(
			'GET /x?key=***&sig=***&X-Amz-Signature=***&keep=1#frag',
		);
		expect(redactSecrets('Authorization: Bearer abc.def-ghi, Basic dXNlcjpwYXNz')).toBe('Authorization: Bearer ***, Basic ***');
		// more than one space or a tab before the token (a header written by hand, or a server's dump)
		expect(redactSecrets('Authorization: Bearer  abc.def-ghi; Basic\t dXNlcjpwYXNz')).toBe('Authorization: Bearer ***; Basic ***');
		expect(redactSecrets('key sk-abcdefghijkl and AIzaSyABCDEFGH')).toBe('key sk-*** and AIza***');
	});
	it('an error body is redacted before it is cut at 200 characters', () => {
		for (let at = 150; at < 200; at++) {
			const f = describeHttpFailure(401, `${'x'.repeat(at)}${key.trim()} rest`, {}, { secret: key });
			expect(f.message).not.toContain(key.trim().slice(0, 6));
		}
	});
	it('base URLs in messages lose their credentials and query', () => {
		const f = describeHttpFailure(
			404,
			'<html></html>',
			{ 'content-type': 'text/html' },
			{ baseUrl: 'https://me:pw@gw.example.com/base?key=QQQ' },
		);
		expect(f.description).toContain('https://***@gw.example.com/base?…');
		expect(f.description).not.toMatch(/pw|QQQ/);
		const n = describeNetworkFailure('ECONNREFUSED', 'connect ECONNREFUSED', { baseUrl: 'http://u:secretpw@127.0.0.1:1' });
		expect(n.message).toBe('Could not reach CometAPI at http://***@127.0.0.1:1: the connection was refused');
	});
	it('URLs in messages: a data: URL as its start and length, a signed URL without its query, a long one cut at 100 characters', () => {
		expect(shortUrl(`data:image/png;base64,${'A'.repeat(40_000_000)}`)).toBe('data:image/png;base64,… (40,000,022 characters)');
		expect(shortUrl('https://bucket.s3.amazonaws.com/a/b.png?X-Amz-Signature=abc')).toBe('https://bucket.s3.amazonaws.com/a/b.png?…');
		expect(shortUrl(`https://example.com/${'p'.repeat(500)}`)).toBe(`https://example.com/${'p'.repeat(80)}…`);
	});
});

describe('URLs in messages', () => {
	it('data: URLs as their start and length, with or without a comma', () => {
		expect(shortUrl(`data:image/png${'x'.repeat(100)}`)).toBe(`data:image/png${'x'.repeat(26)}… (114 characters)`);
		expect(shortUrl('data:image/png;base64,QUJD')).toBe('data:image/png;base64,… (26 characters)');
		expect(shortUrl(`data:${'a'.repeat(100)},QUJD`)).toBe(`data:${'a'.repeat(55)}… (110 characters)`);
	});
	it('others without credentials, query or fragment', () => {
		expect(shortUrl('https://u:p@host.example/a?x=1#f')).toBe('https://***@host.example/a?…');
		expect(shortUrl('https://host.example/a#frag')).toBe('https://host.example/a?…');
		expect(shortUrl('https://host.example/p@th')).toBe('https://host.example/p@th');
		expect(shortUrl('host.example/no-scheme')).toBe('host.example/no-scheme');
		expect(shortUrl(`https://host.example/${'p'.repeat(30)}`, 25)).toBe('https://host.example/pppp…');
		expect(displayUrl(undefined)).toBe('the base URL');
		expect(cutText('short', 10)).toBe('short');
	});
});

describe('redaction, every form', () => {
	it.each([
		'key',
		'api_key',
		'api-key',
		'apikey',
		'APIKEY',
		'token',
		'access_token',
		'access-token',
		'accessToken',
		'refresh_token',
		'refresh-token',
		'refreshToken',
		'auth',
		'authorization',
		'sig',
		'signature',
		'secret',
		'client_secret',
		'client-secret',
		'clientsecret',
		'password',
		'passwd',
		'pwd',
		'code',
		'X-Amz-Signature',
		'x-amz-credential',
		'x-amz-security-token',
		'X-Goog-Signature',
		'x-goog-credential',
	])('a %s= in a query string', (name) => {
		for (const sep of ['?', '&', ';']) {
			expect(redactSecrets(`see https://h.example/p${sep}${name}=s3cr3t-v4lue&next=1`)).toBe(
				`see https://h.example/p${sep}${name}=***&next=1`,
			);
		}
	});

	it('query values end at &, #, whitespace, quotes and angle brackets; other names are kept', () => {
		for (const end of ['&', '#', ' ', '"', "'", '<', '>']) expect(redactSecrets(`?token=abc${end}rest`)).toBe(`?token=***${end}rest`);
		expect(redactSecrets('?token=')).toBe('?token=***');
		expect(redactSecrets('?mykey=1&keyring=2&monkey=3')).toBe('?mykey=1&keyring=2&monkey=3');
		expect(redactSecrets('token=abc without a separator')).toBe('token=abc without a separator');
	});

	it('key-shaped strings, auth headers and URL user info, in any case where the standard allows it', () => {
		expect(redactSecrets('sk-abc123_-XYZ and AIzaSy0123456789')).toBe('sk-*** and AIza***');
		expect(redactSecrets('sk-short xsk-abcdefgh')).toBe('sk-short xsk-abcdefgh');
		expect(redactSecrets('bearer a.b.c; BASIC dXNlcg==)')).toBe('bearer ***; BASIC ***)');
		expect(redactSecrets('Bearer')).toBe('Bearer');
		for (const scheme of ['http', 'https', 'ws', 'wss', 'ftp', 'HTTPS'])
			expect(redactSecrets(`${scheme}://me:pw@host/x`)).toBe(`${scheme}://***@host/x`);
		expect(redactSecrets('mailto://me@host')).toBe('mailto://me@host');
		expect(redactSecrets('https://host/a@b')).toBe('https://host/a@b');
	});

	it('the key as it is, trimmed, URL-encoded and JSON-escaped; short keys by their exact forms only', () => {
		const key = ' ab/c+d"e\\f ';
		for (const form of ['ab/c+d"e\\f', encodeURIComponent('ab/c+d"e\\f'), JSON.stringify('ab/c+d"e\\f').slice(1, -1)]) {
			expect(redactSecrets(`<${form}>`, key)).toBe('<***>');
		}
		// a four-character key is masked where it stands whole; cut pieces of it are not guessed at
		expect(redactSecrets('x q9Z! y q9Z z', 'q9Z!')).toBe('x *** y q9Z z');
		expect(redactSecrets('abc', 'abc')).toBe('abc');
		// from six characters of its start on, a cut key is still the key
		const long = 'Zq8xLm2PvR7t';
		expect(redactSecrets('Zq8xLm… Zq8xL', long)).toBe('***… Zq8xL');
		expect(redactSecrets('Zq8xLm2PvR7tZq8xLm2', long)).toBe('******');
		expect(redactSecrets('Zq8xLmXX', 'Zq8xLm2')).toBe('***XX');
		expect(redactSecrets('Zq8xLm', 'Zq8xLm')).toBe('***');
	});

	it('cuts after redacting, with a mark', () => {
		expect(cutText(`abc sk-${'z'.repeat(20)} def`, 12)).toBe('abc sk-*** d…');
		expect(cutText('x'.repeat(5), 5)).toBe('xxxxx');
		expect(cutText('x'.repeat(6), 5, 'yyy')).toBe('xxxxx…');
	});
});

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

describe('quote', () => {
	it('cuts a long value, keeps a short one, redacts a key', () => {
		expect(quote('16:9')).toBe('"16:9"');
		expect(quote('x'.repeat(1_000_000))).toBe(`"${'x'.repeat(QUOTE_MAX)}…"`);
		expect(quote({ a: 1 })).toBe('"[object Object]"');
		expect(quote('sk-abcdefghijklmnop')).toBe('"sk-***"');
	});
});

describe('nestsDeeperThan', () => {
	const nested = (levels: number, make = (v: unknown) => ({ a: v }) as unknown) => {
		let value: unknown = 1;
		for (let i = 0; i < levels; i++) value = make(value);
		return value;
	};
	it('measures objects and arrays without recursion, up to the limit exactly', () => {
		expect(nestsDeeperThan(nested(100_000), 1000)).toBe(true);
		expect(nestsDeeperThan(nested(1000), 1000)).toBe(false);
		expect(nestsDeeperThan(nested(1001), 1000)).toBe(true);
		expect(
			nestsDeeperThan(
				nested(1001, (v) => [v]),
				1000,
			),
		).toBe(true);
		expect(nestsDeeperThan({ wide: Array.from({ length: 10_000 }, (_, i) => ({ i })) }, 3)).toBe(false);
		expect(nestsDeeperThan('text', 0)).toBe(false);
		expect(nestsDeeperThan(null, 0)).toBe(false);
	});
	it('ends on a circular value', () => {
		const circular: Record<string, unknown> = {};
		circular.self = circular;
		expect(nestsDeeperThan(circular, 10)).toBe(false);
	});
});

describe('formatBytes: one way to write a size', () => {
	it('formats sizes for messages', () => {
		expect(formatBytes(512)).toBe('512 bytes');
		expect(formatBytes(2048)).toBe('2.0 KB');
		expect(formatBytes(20 * 1024 * 1024)).toBe('20.0 MB');
	});
	it('sizes at the unit boundaries', () => {
		expect([1023, 1024, 1024 * 1024 - 1, 1024 * 1024].map((n) => formatBytes(n))).toEqual(['1023 bytes', '1.0 KB', '1024.0 KB', '1.0 MB']);
	});
	it('in whole kilobytes below a megabyte, at least 1 (an image for an agent)', () => {
		expect(formatBytes(10, 'KB')).toBe('1 KB');
		expect(formatBytes(300 * 1024, 'KB')).toBe('300 KB');
		expect(formatBytes(20 * 1024 * 1024, 'KB')).toBe('20.0 MB');
	});
	it('in megabytes at any size (next to Max Input Size), with the decimals asked for', () => {
		expect(formatBytes(100, 'MB')).toBe('0.0 MB');
		expect(formatBytes(25 * 1024 * 1024, 'MB')).toBe('25.0 MB');
		expect(formatBytes(256 * 1024 * 1024, 'MB', 0)).toBe('256 MB');
		expect(formatBytes(16 * 1024 * 1024, 'MB', 0)).toBe('16 MB');
	});
});

describe('redactSecrets: any text (fast-check)', () => {
	const SECRET = 'sk-Zq8xLm2PvR7tK4wN9bYc3HdF6gJ1sA5e';
	it('the key, cut anywhere after its first characters, is masked in any text', () => {
		fc.assert(
			fc.property(
				fc.string({ maxLength: 200 }),
				fc.string({ maxLength: 200 }),
				fc.integer({ min: 6, max: SECRET.length }),
				(before, after, keep) => {
					const out = redactSecrets(`${before}${SECRET.slice(0, keep)}${after}`, SECRET);
					expect(out).not.toContain(SECRET.slice(0, 6));
				},
			),
			runs(200),
		);
	});
});
