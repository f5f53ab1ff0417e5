/**
 * helpers/failures.ts: what went wrong, in words. An HTTP status and body (CometAPI's or Google's envelope), a
 * failed connection or a timeout, an answer without an image: each becomes a message, a fix and a retry verdict.
 */
import fc from 'fast-check';

import {
	describeErrorEvent,
	describeHttpFailure,
	describeNetworkFailure,
	describeTimeout,
	describeUnreadableBody,
	explainMissingImage,
	looksLikeHtml,
	networkProblem,
	parseJsonBody,
	readErrorEnvelope,
	retryAfterMs,
	seconds,
} from '../../nodes/GeminiImage/helpers/failures';
import { parseNativeResponse } from '../../nodes/GeminiImage/helpers/answers';
import { redactSecrets } from '../../nodes/GeminiImage/helpers/redact';
import { failureContext as ctx, propertyRuns as runs } from './fixtures';

const comet = (message: string, code: unknown) => ({ error: { message, type: 'comet_api_error', param: '', code } });

describe('describeHttpFailure', () => {
	it('401: says to check the key and keeps the request id', () => {
		const f = describeHttpFailure(401, comet('Invalid token (request id: 2025112109)', ''), {}, ctx);
		expect(f.message).toBe('CometAPI answered 401 Unauthorized: Invalid token (request id: 2025112109)');
		expect(f.description).toMatch(/API key/);
		expect(f.retryable).toBe(false);
	});
	it('404 and HTML pages: says to check the base URL', () => {
		expect(describeHttpFailure(404, '<html><body>Not found</body></html>', { 'content-type': 'text/html' }, ctx).description).toMatch(
			/Base URL.*https:\/\/api\.cometapi\.com/,
		);
		const html200 = describeHttpFailure(200, '<!DOCTYPE html><html></html>', {}, ctx);
		expect(html200.message).toMatch(/HTML page/);
		expect(html200.description).toMatch(/Base URL/);
		expect(describeHttpFailure(301, '', { location: '/x' }, ctx).description).toMatch(/Base URL/);
	});
	it('a 1xx sent as the final answer (only a server that is not the API does) points at the Base URL and is final', () => {
		const f = describeHttpFailure(101, '', {}, ctx);
		expect(f.description).toBe(
			"Check the Base URL in the CometAPI credential (now https://api.cometapi.com): it should be the API's address, such as https://api.cometapi.com, without a path.",
		);
		expect(f.retryable).toBe(false);
	});
	it('503 model_not_found: final, names the model', () => {
		const f = describeHttpFailure(503, comet('no available channel for model x (request id: 1)', 'model_not_found'), {}, ctx);
		expect(f.retryable).toBe(false);
		expect(f.code).toBe('model_not_found');
		expect(f.description).toMatch(/"gemini-2.5-flash-image"/);
	});
	it('500 invalid_request is final, a plain 500 with a numeric code is transient', () => {
		expect(describeHttpFailure(500, comet('bad', 'invalid_request'), {}, ctx).retryable).toBe(false);
		const f = describeHttpFailure(500, comet('upstream error', 500), {}, ctx);
		expect(f.retryable).toBe(true);
		expect(f.code).toBe('500');
	});
	it("413 says the request is too large; Google's envelope is read", () => {
		expect(describeHttpFailure(413, comet('request entity too large', ''), {}, ctx).description).toMatch(/too large/);
		const g = describeHttpFailure(400, { error: { code: 400, message: 'Invalid image size', status: 'INVALID_ARGUMENT' } }, {}, ctx);
		expect(g.message).toBe('CometAPI answered 400 Bad Request: Invalid image size');
		expect(g.code).toBe('INVALID_ARGUMENT');
		expect(g.retryable).toBe(false);
	});
	it('429: retryable, with the delay the API asked for', () => {
		const f = describeHttpFailure(
			429,
			{ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota', details: [{ retryDelay: '2s' }] } },
			{},
			ctx,
		);
		expect(f).toMatchObject({ retryable: true, retryAfterMs: 2000, status: 429 });
		expect(describeHttpFailure(429, '', { 'retry-after': '7' }, ctx).retryAfterMs).toBe(7000);
	});
	it.each([408, 502, 503, 504, 524])('%i is transient', (status) => {
		expect(describeHttpFailure(status, '', {}, ctx).retryable).toBe(true);
	});
	it.each([400, 401, 402, 403, 404, 413])('%i is final', (status) => {
		expect(describeHttpFailure(status, comet('x', ''), {}, ctx).retryable).toBe(false);
	});
	it('names 301, 408 and 504, and gives 524 and 300 their fixes', () => {
		expect(describeHttpFailure(301, '', { location: 'https://www.cometapi.com/' }, ctx).message).toBe(
			'CometAPI answered 301 Moved Permanently',
		);
		expect(describeHttpFailure(408, '', {}, ctx).message).toBe('CometAPI answered 408 Request Timeout');
		expect(describeHttpFailure(504, '', {}, ctx).message).toBe('CometAPI answered 504 Gateway Timeout');
		expect(describeHttpFailure(524, '', {}, ctx).description).toBe(
			'The gateway gave up waiting for the model: try again, use a smaller image size, or turn on Streaming in the options.',
		);
		// 300 Multiple Choices is a redirect too: the Base URL points at a website
		expect(describeHttpFailure(300, '', {}, ctx).description).toBe(
			"Check the Base URL in the CometAPI credential (now https://api.cometapi.com): it should be the API's address, such as https://api.cometapi.com, without a path.",
		);
	});
	it('a page labelled text/html is a web page even when its text does not start with a tag the sniffing knows', () => {
		const page = describeHttpFailure(502, '<!-- edge 7 -->\n<p>Bad gateway</p>', { 'content-type': 'text/html; charset=UTF-8' }, ctx);
		expect(page.message).toBe("CometAPI answered 502 Bad Gateway: an HTML page instead of the API's JSON");
	});
	it('text that only mentions an HTML tag, or a JSON list holding one, is quoted, not taken for a web page', () => {
		const text = describeHttpFailure(500, 'upstream sent <html> instead of JSON', {}, ctx);
		expect(text.message).toBe('CometAPI answered 500 Internal Server Error: upstream sent <html> instead of JSON');
		expect(text.description).toBe('The service had a temporary problem: try again in a moment.');
		expect(looksLikeHtml('upstream sent <body>')).toBe(false);
		expect(looksLikeHtml(['<html>'])).toBe(false);
		expect(describeHttpFailure(500, '["<html>"]', {}, ctx).message).toBe('CometAPI answered 500 Internal Server Error');
	});
	it('an answer without headers or an API code reads as one with none', () => {
		expect(describeHttpFailure(503, '', undefined, ctx)).toEqual({
			message: 'CometAPI answered 503 Service Unavailable',
			description: 'The service had a temporary problem: try again in a moment.',
			status: 503,
			retryable: true,
		});
		expect(describeHttpFailure(503, 'Service Unavailable', {}, ctx).code).toBeUndefined();
	});
	it('never repeats the key', () => {
		const f = describeHttpFailure(401, comet(`Invalid token ${ctx.secret}`, ''), {}, ctx);
		expect(f.message).not.toContain(ctx.secret);
		expect(redactSecrets('key sk-abcdefghijkl and AIzaSyABCDEFGH')).toBe('key sk-*** and AIza***');
	});
});

describe('reading error bodies', () => {
	it('parses JSON bodies given as text or bytes, keeps anything else as it came', () => {
		expect(parseJsonBody('{"error":{"message":"x"}}')).toEqual({ error: { message: 'x' } });
		expect(parseJsonBody(Buffer.from(' [1,2] '))).toEqual([1, 2]);
		expect(parseJsonBody('{not json')).toBe('{not json');
		expect(parseJsonBody('plain words')).toBe('plain words');
		const object = { a: 1 };
		expect(parseJsonBody(object)).toBe(object);
	});

	it("reads CometAPI's and Google's envelopes, a bare error string and a top-level message", () => {
		expect(readErrorEnvelope({ error: 'quota exceeded' })).toEqual({ message: 'quota exceeded' });
		expect(readErrorEnvelope({ message: 'no route' })).toEqual({ message: 'no route' });
		expect(readErrorEnvelope({ message: 42 })).toEqual({});
		expect(readErrorEnvelope({ error: { message: 'm', code: 'c', status: '' } })).toEqual({ message: 'm', code: 'c' });
		expect(readErrorEnvelope({ error: { message: 'm', code: 503, status: 'UNAVAILABLE' } })).toEqual({ message: 'm', code: 'UNAVAILABLE' });
		expect(readErrorEnvelope({ error: { message: 7, code: '' } })).toEqual({ message: undefined, code: undefined });
		expect(readErrorEnvelope(null)).toEqual({});
		expect(readErrorEnvelope('text')).toEqual({});
	});

	it('a body that is JSON but neither an object nor a list is quoted as the text it came as', () => {
		expect(parseJsonBody('42')).toBe('42');
		expect(parseJsonBody(' null ')).toBe(' null ');
		expect(parseJsonBody('"Bad gateway"')).toBe('"Bad gateway"');
		expect(describeHttpFailure(502, '"upstream connect error"', {}, ctx).message).toBe(
			'CometAPI answered 502 Bad Gateway: "upstream connect error"',
		);
		expect(describeHttpFailure(500, 'null', {}, ctx).message).toBe('CometAPI answered 500 Internal Server Error: null');
	});

	it('a gateway\'s {"error": true, "message": ...} shows its message; an error that is null or a number does too', () => {
		expect(readErrorEnvelope({ error: true, message: 'upstream unavailable' })).toEqual({ message: 'upstream unavailable' });
		expect(readErrorEnvelope({ error: 502, message: 'upstream unavailable' })).toEqual({ message: 'upstream unavailable' });
		expect(readErrorEnvelope({ error: null, message: 'no route' })).toEqual({ message: 'no route' });
		expect(describeHttpFailure(502, '{"error":true,"message":"upstream unavailable"}', {}, ctx).message).toBe(
			'CometAPI answered 502 Bad Gateway: upstream unavailable',
		);
	});

	it('the code is always text: a numeric status is passed over for a string code, a numeric code becomes text', () => {
		expect(readErrorEnvelope({ error: { message: 'm', status: 503, code: 'upstream_error' } })).toEqual({
			message: 'm',
			code: 'upstream_error',
		});
		expect(readErrorEnvelope({ error: { message: 'm', code: 429 } })).toEqual({ message: 'm', code: '429' });
	});

	it('model_not_found without a model name still says what to check', () => {
		const f = describeHttpFailure(503, comet('no channel', 'model_not_found'), {}, {});
		expect(f.description).toBe('Check the model name: pick one from the list, or check the spelling of the ID.');
	});

	it('names each status and gives its fix', () => {
		const fix = (status: number, body: unknown = '') => describeHttpFailure(status, body, {}, ctx);
		expect(fix(402).message).toBe('CometAPI answered 402 Payment Required');
		expect(fix(402).description).toBe('The CometAPI account is out of credit: top it up in the CometAPI dashboard.');
		expect(fix(403).description).toBe("This key may not use this model: check the key's model permissions in the CometAPI dashboard.");
		expect(fix(302).message).toBe('CometAPI answered 302 Found');
		expect(fix(408).description).toMatch(/^The gateway gave up waiting for the model/);
		expect(fix(504).description).toMatch(/^The gateway gave up waiting for the model/);
		expect(fix(524).message).toBe('CometAPI answered 524 Gateway Timeout (524)');
		expect(fix(503).description).toBe('The service had a temporary problem: try again in a moment.');
		expect(fix(418).message).toBe('CometAPI answered 418');
		expect(fix(500, '   ').message).toBe('CometAPI answered 500 Internal Server Error');
		expect(fix(500, ` ${'x'.repeat(300)} `).message).toBe(`CometAPI answered 500 Internal Server Error: ${'x'.repeat(200)}…`);
		expect(fix(429).description).toBe('Rate limited: lower Concurrency in the options, or wait and run again.');
		expect(fix(400, comet('bad', 'invalid_request')).description).toMatch(/^The API rejected the request/);
		expect(fix(500, comet('bad', 'invalid_request')).description).toMatch(/^The API rejected the request/);
		// an HTML page from a gateway's 5xx is still transient, and says nothing about the Base URL
		const page = describeHttpFailure(502, '<html><body>Bad gateway</body></html>', { 'content-type': 'text/html' }, ctx);
		expect(page).toMatchObject({ message: "CometAPI answered 502 Bad Gateway: an HTML page instead of the API's JSON", retryable: true });
		expect(page.description).toBe('The service had a temporary problem: try again in a moment.');
	});

	it("reads Retry-After as seconds or a date (never negative), or Google's retryDelay", () => {
		const now = Date.parse('2026-11-21T10:00:00Z');
		expect(retryAfterMs({ 'Retry-After': '1.5' }, undefined)).toBe(1500);
		expect(retryAfterMs({ 'retry-after': 'Sat, 21 Nov 2026 09:59:00 GMT' }, undefined, now)).toBe(0);
		expect(retryAfterMs({ 'retry-after': 'soon' }, undefined)).toBeUndefined();
		expect(retryAfterMs({ 'retry-after': ' ' }, { error: { details: [{ retryDelay: '3s' }] } })).toBe(3000);
		expect(retryAfterMs({}, { error: { details: [{ retryDelay: 3 }, { retryDelay: 'x' }, { retryDelay: ' 0.25s ' }] } })).toBe(250);
		expect(retryAfterMs(undefined, { error: { details: 'none' } })).toBeUndefined();
	});

	it("an error event inside a 200 keeps its status (a number or CometAPI's string), else counts as a 500", () => {
		expect(describeErrorEvent({ error: { code: 429, message: 'slow down', status: 'RESOURCE_EXHAUSTED' } })).toMatchObject({
			status: 429,
			retryable: true,
			code: 'RESOURCE_EXHAUSTED',
		});
		expect(describeErrorEvent({ error: { code: '400', message: 'bad' } })).toMatchObject({
			status: 400,
			retryable: false,
			message: 'CometAPI answered 400 Bad Request: bad',
		});
		for (const code of [undefined, 'model_not_found', '', 200, 399, 600, 'Infinity']) {
			expect(describeErrorEvent({ error: { code, message: 'x' } }).status).toBe(500);
		}
		// whatever the event holds, it reads as a failure and never throws
		for (const event of [null, undefined, {}, { error: {} }]) {
			expect(describeErrorEvent(event)).toMatchObject({ status: 500, message: 'CometAPI answered 500 Internal Server Error' });
		}
		expect(describeErrorEvent({ error: { code: 599, message: 'x' } }).status).toBe(599);
	});
});

describe('retryAfterMs', () => {
	it('reads Retry-After as seconds or as an HTTP date', () => {
		expect(retryAfterMs({ 'retry-after': '3' }, undefined)).toBe(3000);
		const now = Date.parse('2026-11-21T10:00:00Z');
		expect(retryAfterMs({ 'retry-after': 'Sat, 21 Nov 2026 10:00:07 GMT' }, undefined, now)).toBe(7000);
	});
	it("reads Google's RetryInfo.retryDelay", () => {
		const body = { error: { code: 429, details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '58s' }] } };
		expect(retryAfterMs({}, body)).toBe(58000);
		expect(retryAfterMs({}, { error: { details: [{ retryDelay: '1.5s' }] } })).toBe(1500);
	});
	it('reads a Retry-After with spaces around it, and with two decimals', () => {
		expect(retryAfterMs({ 'retry-after': ' 7 ' }, undefined)).toBe(7000);
		expect(retryAfterMs({ 'retry-after': '1.25' }, undefined)).toBe(1250);
	});
	it('skips a detail that is null and reads the next', () => {
		expect(retryAfterMs({}, { error: { details: [null, { retryDelay: '2s' }] } })).toBe(2000);
		const f = describeHttpFailure(429, '{"error":{"code":429,"message":"Quota","details":[null,{"retryDelay":"2s"}]}}', {}, ctx);
		expect(f).toMatchObject({ message: 'CometAPI answered 429 Too Many Requests: Quota', retryAfterMs: 2000 });
	});
	it("reads only Google's Duration form: a delay written in parts is not half-read (which would wait too little)", () => {
		expect(retryAfterMs({}, { error: { details: [{ retryDelay: '1m30s' }] } })).toBeUndefined();
		expect(retryAfterMs({}, { error: { details: [{ retryDelay: '1s 500ms' }] } })).toBeUndefined();
	});
	it('is undefined when nothing asks', () => {
		expect(retryAfterMs({}, { error: { message: 'x' } })).toBeUndefined();
	});
});

describe('describeNetworkFailure and unreadable bodies', () => {
	it('timeouts mention the timeout and are retryable', () => {
		const f = describeNetworkFailure('ECONNABORTED', 'timeout of 5000ms exceeded', ctx, 5000);
		expect(f.message).toBe('Could not reach CometAPI at https://api.cometapi.com: no answer within 5 s');
		expect(f.retryable).toBe(true);
	});
	it('resets are retryable, refused connections point at the base URL', () => {
		expect(describeNetworkFailure('ECONNRESET', 'socket hang up', ctx).retryable).toBe(true);
		const refused = describeNetworkFailure('ECONNREFUSED', 'connect ECONNREFUSED', ctx);
		expect(refused.retryable).toBe(false);
		expect(refused.description).toMatch(/Base URL/);
	});
	it('a cut-off JSON body is retryable, an HTML page is not', () => {
		expect(describeUnreadableBody('{"candidates":[{"con', 'application/json').retryable).toBe(true);
		expect(describeUnreadableBody('<html></html>', 'text/html').retryable).toBe(false);
	});
});

describe('network failures', () => {
	it.each([
		['EPIPE', 'write EPIPE', 'the connection was closed while sending', true],
		['ERR_STREAM_PREMATURE_CLOSE', 'Premature close', 'the connection closed before the answer was complete', true],
		['EAI_AGAIN', 'getaddrinfo EAI_AGAIN', 'the host name could not be resolved (temporary DNS failure)', true],
		['ENOTFOUND', 'getaddrinfo ENOTFOUND', 'the host name could not be resolved', false],
		['EHOSTUNREACH', 'connect EHOSTUNREACH 10.0.0.1:443', 'the host could not be reached', false],
		['ERR_CANCELED', 'canceled', 'the execution was cancelled', false],
		['CERT_HAS_EXPIRED', 'certificate has expired', "the server's TLS certificate has expired", false],
		[undefined, 'socket hang up', 'the connection was closed without an answer', true],
		[undefined, 'read ECONNRESET', 'read ECONNRESET', true],
		[undefined, 'aborted', 'aborted', true],
		[undefined, 'something odd', 'something odd', false],
		['EWHATEVER', 'closed by peer', 'closed by peer', true],
	])('%s (%s): "%s", retried: %s', (code, raw, text, retryable) => {
		const f = describeNetworkFailure(code, raw, ctx);
		expect(f.message).toBe(`Could not reach CometAPI at https://api.cometapi.com: ${text}`);
		expect(f.retryable).toBe(retryable);
		expect(f.code).toBe(code);
	});

	it('timeouts say so whatever the code, with the Timeout when known', () => {
		for (const code of ['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', undefined]) {
			const f = describeNetworkFailure(code, 'timeout of 1500ms exceeded', ctx, 1500);
			expect(f.message).toBe('Could not reach CometAPI at https://api.cometapi.com: no answer within 1.5 s');
			expect(f.description).toMatch(/^The model took longer than the Timeout option allows/);
			expect(f.retryable).toBe(true);
		}
		expect(describeNetworkFailure('ETIMEDOUT', 'x', ctx).message).toMatch(/no answer within the timeout$/);
		expect(describeNetworkFailure('ENOTFOUND', 'x', ctx).description).toMatch(
			/^Check the Base URL in the CometAPI credential and that this n8n can reach it/,
		);
		expect(describeNetworkFailure('ECONNRESET', 'x', ctx).description).toBe('Check the network connection and try again.');
	});

	it('ESOCKETTIMEDOUT is a timeout even when its message does not say "timeout"', () => {
		expect(describeNetworkFailure('ESOCKETTIMEDOUT', 'ESOCKETTIMEDOUT', ctx, 1500)).toEqual({
			message: 'Could not reach CometAPI at https://api.cometapi.com: no answer within 1.5 s',
			description: 'The model took longer than the Timeout option allows: raise Timeout, use a smaller image size, or turn on Streaming.',
			retryable: true,
			code: 'ESOCKETTIMEDOUT',
		});
	});

	it('a cancelled execution is not retried, even when its message says "aborted"', () => {
		expect(describeNetworkFailure('ERR_CANCELED', 'This operation was aborted', ctx)).toMatchObject({
			message: 'Could not reach CometAPI at https://api.cometapi.com: the execution was cancelled',
			retryable: false,
			code: 'ERR_CANCELED',
		});
	});

	it('the words for a network error name no raw code, which n8n would swap for its own generic message', () => {
		expect(networkProblem('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')).toBe('the connection was refused');
		expect(networkProblem(undefined, 'timeout of 300ms exceeded', 300)).toBe('no answer within 0.3 s');
		expect(networkProblem('ESOCKETTIMEDOUT', 'x')).toBe('no answer within the timeout');
		expect(networkProblem(undefined, 'Socket hang up')).toBe('the connection was closed without an answer');
		expect(networkProblem('EODD', 'odd words')).toBe('odd words');
	});

	it('durations read as people write them', () => {
		expect([500, 1000, 1500, 9999, 10_000, 12_345, 300_000].map(seconds)).toEqual([
			'0.5 s',
			'1 s',
			'1.5 s',
			'10 s',
			'10 s',
			'12 s',
			'300 s',
		]);
	});

	it('an unreadable body that is a web page points at the Base URL, without the key', () => {
		const f = describeUnreadableBody('<!doctype html><p>hi</p>', undefined, {
			baseUrl: 'https://gw.example.com',
			secret: 'sk-secret-value',
		});
		expect(f).toEqual({
			message: "CometAPI answered with an HTML page instead of the API's JSON",
			description:
				"Check the Base URL in the CometAPI credential (now https://gw.example.com): it should be the API's address, such as https://api.cometapi.com, without a path.",
			retryable: false,
		});
		expect(looksLikeHtml('  <HEAD>')).toBe(true);
		expect(looksLikeHtml('{"a":1}', 'application/json')).toBe(false);
		expect(looksLikeHtml({ a: 1 })).toBe(false);
	});

	it('each kind of timeout: what the user reads, how to fix it, and the code kept in the error', () => {
		expect(describeTimeout('idle', 1500, 15000, ctx)).toEqual({
			message: 'CometAPI stopped sending in the middle of its answer: no data for 1.5 s',
			description:
				'The gateway or the connection to https://api.cometapi.com stalled. The node tries again; if it keeps happening, raise Timeout or check the network and any proxy in between.',
			retryable: true,
			code: 'IDLE_TIMEOUT',
		});
		expect(describeTimeout('total', 1500, 15000, ctx)).toEqual({
			message: "CometAPI's answer took longer than 15 s in all, the most one attempt may take (10 × Timeout)",
			description:
				'The answer came in too slowly (a stalled or throttled connection). The node tries again; if your images really take that long, raise Timeout.',
			retryable: true,
			code: 'TOTAL_TIMEOUT',
		});
	});
	it('timeouts say which kind they were, and are retried', () => {
		expect(describeTimeout('idle', 1500, 15000)).toMatchObject({
			message: 'CometAPI stopped sending in the middle of its answer: no data for 1.5 s',
			retryable: true,
		});
		expect(describeTimeout('total', 300_000, 3_000_000).message).toBe(
			"CometAPI's answer took longer than 3000 s in all, the most one attempt may take (10 × Timeout)",
		);
	});
});

describe('any status, body or network error (fast-check)', () => {
	const SECRET = 'sk-Zq8xLm2PvR7tK4wN9bYc3HdF6gJ1sA5e';
	const bodyArb = fc.oneof(
		fc.string({ unit: 'binary', maxLength: 3000 }),
		fc.jsonValue({ maxDepth: 3 }),
		fc.record({
			error: fc.record(
				{
					message: fc.string({ maxLength: 2000 }),
					code: fc.oneof(fc.string({ maxLength: 20 }), fc.integer()),
					status: fc.string({ maxLength: 20 }),
				},
				{ requiredKeys: [] },
			),
		}),
	);
	const withSecret = (body: unknown, at: number): unknown => {
		if (typeof body === 'string') return `${body.slice(0, at % (body.length + 1))}${SECRET}${body.slice(at % (body.length + 1))}`;
		if (body && typeof body === 'object' && 'error' in body)
			return { error: { ...(body as { error: object }).error, message: `bad key ${SECRET}` } };
		return body;
	};

	it('any status and body: one line that names the status, a fix, a retry verdict, never the key, never unbounded', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 100, max: 599 }),
				bodyArb,
				fc.nat(),
				fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
				(status, body, at, retryAfter) => {
					const failure = describeHttpFailure(
						status,
						withSecret(body, at),
						{ 'retry-after': retryAfter, 'content-type': 'application/json' },
						{ secret: SECRET, model: 'm' },
					);
					expect(failure.message.startsWith(`CometAPI answered ${status}`)).toBe(true);
					expect(failure.message.length).toBeLessThan(1300);
					expect(failure.description.length).toBeGreaterThan(10);
					expect(`${failure.message} ${failure.description} ${failure.code ?? ''}`).not.toContain(SECRET.slice(0, 10));
					expect(typeof failure.retryable).toBe('boolean');
					if (failure.retryAfterMs !== undefined) expect(failure.retryAfterMs).toBeGreaterThanOrEqual(0);
				},
			),
			runs(300),
		);
	});

	it('any network error: a message that names no raw code and no key', () => {
		fc.assert(
			fc.property(
				fc.option(fc.constantFrom('ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'ERR_CANCELED', 'EWHATEVER'), { nil: undefined }),
				fc.string({ maxLength: 400 }),
				(code, raw) => {
					const failure = describeNetworkFailure(code, `${raw} ${SECRET}`, { secret: SECRET, baseUrl: 'https://api.cometapi.com' });
					expect(failure.message).toMatch(/^Could not reach CometAPI at https:\/\/api\.cometapi\.com: /);
					expect(failure.message).not.toContain(SECRET.slice(0, 10));
					if (code === 'ERR_CANCELED') expect(failure.retryable).toBe(false);
				},
			),
			runs(200),
		);
	});
});

describe('explainMissingImage', () => {
	it('explains a safety refusal with the finish message', () => {
		const r = parseNativeResponse({
			candidates: [{ content: { parts: null }, finishReason: 'IMAGE_SAFETY', finishMessage: 'Unable to show the generated image.' }],
		});
		const e = explainMissingImage(r);
		expect(e.message).toBe('The model refused to make the image (IMAGE_SAFETY). Unable to show the generated image.');
	});
	it('explains a blocked prompt, NO_IMAGE, a text-only answer and an empty answer', () => {
		expect(explainMissingImage(parseNativeResponse({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } })).message).toBe(
			'The prompt was blocked before any image was made (PROHIBITED_CONTENT).',
		);
		expect(explainMissingImage(parseNativeResponse({ candidates: [{ finishReason: 'NO_IMAGE' }] })).message).toBe(
			'The model did not produce an image (NO_IMAGE).',
		);
		const text = explainMissingImage(
			parseNativeResponse({ candidates: [{ content: { parts: [{ text: 'I cannot draw.' }] }, finishReason: 'STOP' }] }),
		);
		expect(text.message).toBe('The model answered with text only, no image. The model said: "I cannot draw."');
		expect(explainMissingImage(parseNativeResponse({})).message).toBe('The model returned no image and no text.');
	});
});

describe('explaining a missing image, each reason', () => {
	const result = (extra: object) => ({ images: [], text: '', draftImagesSkipped: 0, ...extra });
	it('a blocked prompt with its message; with input images the advice mentions them', () => {
		expect(explainMissingImage(result({ blockReason: 'SAFETY', blockReasonMessage: 'Not allowed.' }), true)).toEqual({
			message: 'The prompt was blocked before any image was made (SAFETY). Not allowed.',
			description: 'Rephrase the prompt or change the input images: the safety filter rejected the request itself.',
		});
	});
	it.each([
		'IMAGE_SAFETY',
		'IMAGE_PROHIBITED_CONTENT',
		'SAFETY',
		'PROHIBITED_CONTENT',
		'BLOCKLIST',
		'SPII',
		'CONTENT_FILTER',
		'content_filter',
	])('%s is a safety refusal', (finish) => {
		expect(explainMissingImage(result({ finishReason: finish })).message).toBe(
			`The model refused to make the image (${finish.toUpperCase()}).`,
		);
	});
	it.each(['RECITATION', 'IMAGE_RECITATION'])('%s says the image would copy existing content', (finish) => {
		expect(explainMissingImage(result({ finishReason: finish, finishMessage: ' Too close. ', text: 'a b' }))).toEqual({
			message: `The model stopped because the image would copy existing content too closely (${finish}). Too close. The model said: "a b"`,
			description: 'Ask for something more original, or describe the subject in your own words.',
		});
	});
	it.each(['NO_IMAGE', 'IMAGE_OTHER', 'OTHER'])('%s: no image produced', (finish) => {
		expect(explainMissingImage(result({ finishReason: finish })).message).toBe(`The model did not produce an image (${finish}).`);
	});
	it('MAX_TOKENS, with and without input images', () => {
		expect(explainMissingImage(result({ finishReason: 'MAX_TOKENS' })).description).toBe('Try a shorter prompt or a smaller image size.');
		expect(explainMissingImage(result({ finishReason: 'MAX_TOKENS' }), true).description).toBe(
			'Try a shorter prompt or a smaller image size, or fewer input images.',
		);
	});
	it('long text is quoted on one line, cut at 300 characters', () => {
		const text = `${'word '.repeat(100)}\n\nend`;
		const { message } = explainMissingImage(result({ text }));
		expect(message).toBe(`The model answered with text only, no image. The model said: "${'word '.repeat(60).slice(0, 300)}…"`);
	});
	it("the model's text is quoted on one line without the blank lines around it", () => {
		expect(explainMissingImage(result({ text: '\nI cannot draw that.\n\nTry a landscape.\n' })).message).toBe(
			'The model answered with text only, no image. The model said: "I cannot draw that. Try a landscape."',
		);
	});
	it('text of exactly 300 characters is quoted whole, one more is cut', () => {
		const said = (text: string) =>
			explainMissingImage(result({ text })).message.replace('The model answered with text only, no image. The model said: ', '');
		expect(said('x'.repeat(300))).toBe(`"${'x'.repeat(300)}"`);
		expect(said('x'.repeat(301))).toBe(`"${'x'.repeat(300)}…"`);
	});
	it('an image that could not be read, labelled or not', () => {
		expect(explainMissingImage(result({ undecodableImages: [{ problem: 'its data is not base64' }] })).message).toBe(
			'The answer held an image that could not be read: its data is not base64.',
		);
	});
	it('nothing at all, with and without a finish reason', () => {
		expect(explainMissingImage(result({ finishReason: 'stop', finishMessage: 'Done.' })).message).toBe(
			'The model returned no image and no text (finish reason STOP). Done.',
		);
		expect(explainMissingImage(result({})).message).toBe('The model returned no image and no text.');
	});
});
