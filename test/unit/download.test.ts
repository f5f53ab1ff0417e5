/**
 * transport/download.ts without n8n-core: the decisions one download hop makes (which URL may be requested, whose
 * answer may be read, where the answer's address is found, what counts as n8n's SSRF refusal, which statuses the
 * request lists) and the outcomes that come before any request. The hops themselves, over HTTP with n8n's helper
 * and loopback servers: test/integration/urlGuard.test.ts and hostile.test.ts.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { NOTHING_ALLOWED, parseAllowList } from '../../nodes/GeminiImage/helpers/addresses';
import {
	ALL_STATUSES,
	answerAllowed,
	downloadImage,
	hopAllowed,
	isN8nSsrfRefusal,
	remoteAddressOf,
} from '../../nodes/GeminiImage/transport/download';
import type { UrlGuard } from '../../nodes/GeminiImage/transport/download';

const anyAddress: UrlGuard = { publicOnly: false, allow: NOTHING_ALLOWED };
const publicOnly: UrlGuard = { publicOnly: true, allow: NOTHING_ALLOWED };
const OWN = 'http://127.0.0.1:5678/rest/binary-data/signed';
const withOwnLinks: UrlGuard = { ...publicOnly, ownLinkPrefix: OWN };

describe('ALL_STATUSES (what n8n 2.x is told to throw, so that the answer keeps its socket)', () => {
	it('lists every status from 100 to 599 once, in order', () => {
		const expected: number[] = [];
		for (let status = 100; status <= 599; status++) expected.push(status);
		expect(ALL_STATUSES).toEqual(expected);
	});
});

describe('remoteAddressOf', () => {
	it("reads the socket's address of the first holder that has one", () => {
		expect(remoteAddressOf({ socket: { remoteAddress: '203.0.113.7' } })).toBe('203.0.113.7');
	});

	it("reads it from a holder's request when the holder has no socket of its own (n8n 2.x's error answer)", () => {
		expect(remoteAddressOf({ req: { socket: { remoteAddress: '::1' } } })).toBe('::1');
	});

	it('skips a missing holder, one without socket or request, and a socket without an address', () => {
		expect(remoteAddressOf(undefined, {}, { socket: null, req: {} }, { socket: { remoteAddress: '198.51.100.2' } })).toBe('198.51.100.2');
	});

	it('skips an address that is empty or not text', () => {
		expect(
			remoteAddressOf({ socket: { remoteAddress: '' } }, { socket: { remoteAddress: 7 } }, { socket: { remoteAddress: '10.1.2.3' } }),
		).toBe('10.1.2.3');
		expect(remoteAddressOf({ socket: { remoteAddress: 7 } })).toBeUndefined();
	});

	it('is undefined when no holder tells (a destroyed socket has no address)', () => {
		expect(remoteAddressOf(undefined, { socket: {} })).toBeUndefined();
	});
});

describe('isN8nSsrfRefusal', () => {
	const named = (name: string, cause?: unknown) => Object.assign(new Error('blocked'), { name, cause });

	it.each(['SsrfBlockedIpError', 'SsrfBlockedHostnameError'])('knows %s, thrown as it is', (name) => {
		expect(isN8nSsrfRefusal(named(name))).toBe(true);
	});

	it('finds it as the cause of the cause of what the helper threw, down to the fifth error', () => {
		let error: unknown = named('SsrfBlockedIpError');
		for (let i = 0; i < 4; i++) error = named('AxiosError', error);
		expect(isN8nSsrfRefusal(error)).toBe(true);
	});

	it('looks no deeper than five errors (a cause chain may loop)', () => {
		let error: unknown = named('SsrfBlockedHostnameError');
		for (let i = 0; i < 5; i++) error = named('AxiosError', error);
		expect(isN8nSsrfRefusal(error)).toBe(false);
		const loop = named('AxiosError');
		loop.cause = loop;
		expect(isN8nSsrfRefusal(loop)).toBe(false);
	});

	it('is false for any other error, and for nothing', () => {
		expect(isN8nSsrfRefusal(named('AxiosError', named('Error')))).toBe(false);
		expect(isN8nSsrfRefusal(undefined)).toBe(false);
	});
});

describe('hopAllowed (before connecting)', () => {
	it('requests http and https, nothing else, whatever the rule', () => {
		expect(hopAllowed(new URL('http://example.com/a.png'), anyAddress)).toBe(true);
		expect(hopAllowed(new URL('https://example.com/a.png'), anyAddress)).toBe(true);
		expect(hopAllowed(new URL('ftp://example.com/a.png'), anyAddress)).toBe(false);
		expect(hopAllowed(new URL('file:///etc/passwd'), anyAddress)).toBe(false);
	});

	it('with publicOnly, refuses a literal address that is not public unless Allowed Private Hosts names it', () => {
		expect(hopAllowed(new URL('http://10.0.0.1/a.png'), publicOnly)).toBe(false);
		expect(hopAllowed(new URL('http://10.0.0.1/a.png'), { publicOnly: true, allow: parseAllowList('10.0.0.0/8').allow })).toBe(true);
		expect(hopAllowed(new URL('http://93.184.216.34/a.png'), publicOnly)).toBe(true);
	});

	it("lets n8n's own signed links through, and only those", () => {
		expect(hopAllowed(new URL(`${OWN}?token=abc`), withOwnLinks)).toBe(true);
		expect(hopAllowed(new URL(`${OWN}?token=abc`), publicOnly)).toBe(false);
		expect(hopAllowed(new URL('http://127.0.0.1:5678/rest/binary-data/other?token=abc'), withOwnLinks)).toBe(false);
	});
});

describe('answerAllowed (after connecting, before reading)', () => {
	const byName = new URL('http://images.example/a.png');

	it('with publicOnly, reads an answer only from a public address or one Allowed Private Hosts names', () => {
		expect(answerAllowed(byName, '93.184.216.34', publicOnly)).toBe(true);
		expect(answerAllowed(byName, '127.0.0.1', publicOnly)).toBe(false);
		expect(answerAllowed(byName, '127.0.0.1', { publicOnly: true, allow: parseAllowList('127.0.0.1/32').allow })).toBe(true);
	});

	it('counts an unknown address as not allowed', () => {
		expect(answerAllowed(byName, undefined, publicOnly)).toBe(false);
	});

	it("does not check without publicOnly, nor n8n's own signed links", () => {
		expect(answerAllowed(byName, undefined, anyAddress)).toBe(true);
		expect(answerAllowed(new URL(`${OWN}?token=abc`), '127.0.0.1', withOwnLinks)).toBe(true);
		expect(answerAllowed(new URL(`${OWN}?token=abc`), '127.0.0.1', publicOnly)).toBe(false);
	});
});

describe('downloadImage: outcomes decided before any request', () => {
	// No helpers at all: these outcomes must come before the node asks n8n for anything.
	const noHelpers = { helpers: {} } as unknown as IExecuteFunctions;

	it("refuses a literal private address with the node's own refusal", async () => {
		expect(await downloadImage(noHelpers, 'http://10.0.0.1/a.png', 1000, 1000, publicOnly)).toEqual({ refused: 'address' });
	});

	it('names a link the URL parser rejects, when any address may be fetched', async () => {
		expect(await downloadImage(noHelpers, 'http://[oops/a.png', 1000, 1000, anyAddress)).toEqual({ problem: 'Invalid URL' });
	});

	it('refuses a link the URL parser rejects when only public addresses may be fetched: it cannot be checked', async () => {
		expect(await downloadImage(noHelpers, 'http://[oops/a.png', 1000, 1000, publicOnly)).toEqual({ refused: 'address' });
	});

	it('counts a hop that fails before its address is checked as a refusal (a context without an HTTP helper here)', async () => {
		expect(await downloadImage(noHelpers, 'http://images.example/a.png', 1000, 1000, publicOnly)).toEqual({ refused: 'address' });
	});

	it('ends at once when the execution is already cancelled', async () => {
		const controller = new AbortController();
		controller.abort();
		const ctx = { ...noHelpers, getExecutionCancelSignal: () => controller.signal } as unknown as IExecuteFunctions;
		expect(await downloadImage(ctx, 'http://example.com/a.png', 1000, 1000, anyAddress)).toEqual({
			problem: 'the execution was cancelled',
		});
	});
});
