/** api/errors/http.ts: an HTTP status and body (CometAPI's or Google's envelope) become a message, a fix and a retry verdict. */
import {
	describeErrorEvent,
	describeHttpFailure,
	parseJsonBody,
	readErrorEnvelope,
	retryAfterMs,
} from '../../nodes/GeminiImage/api/errors/http';
import { redactSecrets } from '../../nodes/GeminiImage/helpers/redact';
import { failureContext as ctx } from './fixtures';

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
		expect(describeErrorEvent({ error: { code: 599, message: 'x' } }).status).toBe(599);
	});
});
