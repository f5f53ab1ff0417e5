import {
	describeErrorEvent,
	describeHttpFailure,
	describeUnreadableBody,
	looksLikeHtml,
	parseJsonBody,
	readErrorEnvelope,
	retryAfterMs,
} from '../../nodes/GeminiImage/api/errors/http';
import { describeNetworkFailure, describeTimeout, networkProblem, seconds } from '../../nodes/GeminiImage/api/errors/network';
import { cutText, displayUrl, redactSecrets, shortUrl } from '../../nodes/GeminiImage/helpers/redact';
import { normalizeBaseUrl } from '../../nodes/GeminiImage/api/baseUrl';
import { explainMissingImage } from '../../nodes/GeminiImage/api/errors/noImage';
import { parseNativeResponse } from '../../nodes/GeminiImage/api/native/response';

const ctx = { model: 'gemini-2.5-flash-image', baseUrl: 'https://api.cometapi.com', secret: 'sk-live-1234567890abcdef' };
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

describe('explainMissingImage', () => {
	it('explains a safety refusal with the finish message', () => {
		const r = parseNativeResponse({
			candidates: [{ content: { parts: null }, finishReason: 'IMAGE_SAFETY', finishMessage: 'Unable to show the generated image.' }],
		});
		const e = explainMissingImage(r);
		expect(e.reason).toBe('safety');
		expect(e.message).toBe('The model refused to make the image (IMAGE_SAFETY). Unable to show the generated image.');
	});
	it('explains a blocked prompt, NO_IMAGE, a text-only answer and an empty answer', () => {
		expect(explainMissingImage(parseNativeResponse({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } })).message).toBe(
			'The prompt was blocked before any image was made (PROHIBITED_CONTENT).',
		);
		expect(explainMissingImage(parseNativeResponse({ candidates: [{ finishReason: 'NO_IMAGE' }] })).reason).toBe('noImage');
		const text = explainMissingImage(
			parseNativeResponse({ candidates: [{ content: { parts: [{ text: 'I cannot draw.' }] }, finishReason: 'STOP' }] }),
		);
		expect(text.reason).toBe('textOnly');
		expect(text.message).toContain('"I cannot draw."');
		expect(explainMissingImage(parseNativeResponse({})).reason).toBe('empty');
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
		['', 'https://api.cometapi.com'],
	])('%s -> %s', (raw, expected) => {
		expect(normalizeBaseUrl(raw)).toBe(expected);
	});
});

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
	it('shortUrl', () => {
		expect(shortUrl(`data:image/png;base64,${'A'.repeat(40_000_000)}`)).toBe('data:image/png;base64,… (40,000,022 characters)');
		expect(shortUrl('https://bucket.s3.amazonaws.com/a/b.png?X-Amz-Signature=abc')).toBe('https://bucket.s3.amazonaws.com/a/b.png?…');
		expect(shortUrl(`https://example.com/${'p'.repeat(500)}`)).toHaveLength(101);
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
});

describe('explaining a missing image, each reason', () => {
	const result = (extra: object) => ({ images: [], text: '', draftImagesSkipped: 0, ...extra });
	it('a blocked prompt with its message; with input images the advice mentions them', () => {
		expect(explainMissingImage(result({ blockReason: 'SAFETY', blockReasonMessage: 'Not allowed.' }), true)).toEqual({
			reason: 'blocked',
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
			reason: 'recitation',
			message: `The model stopped because the image would copy existing content too closely (${finish}). Too close. The model said: "a b"`,
			description: 'Ask for something more original, or describe the subject in your own words.',
		});
	});
	it.each(['NO_IMAGE', 'IMAGE_OTHER', 'OTHER'])('%s: no image produced', (finish) => {
		expect(explainMissingImage(result({ finishReason: finish })).reason).toBe('noImage');
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
	it('a Base URL that is not text falls back to the default', () => {
		expect(normalizeBaseUrl(undefined)).toBe('https://api.cometapi.com');
		expect(normalizeBaseUrl(42)).toBe('https://api.cometapi.com');
		expect(normalizeBaseUrl('HTTP://gw.example.com/V1')).toBe('HTTP://gw.example.com');
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
		'refresh_token',
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
