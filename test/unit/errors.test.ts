import { describeHttpFailure, describeNetworkFailure, describeTimeout, describeUnreadableBody, redactSecrets } from '../../nodes/GeminiImage/api/errors';
import { shortUrl } from '../../nodes/GeminiImage/api/redact';
import { normalizeBaseUrl } from '../../nodes/GeminiImage/api/baseUrl';
import { explainMissingImage } from '../../nodes/GeminiImage/api/noImage';
import { parseNativeResponse } from '../../nodes/GeminiImage/api/native';

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
		const f = describeHttpFailure(429, { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota', details: [{ retryDelay: '2s' }] } }, {}, ctx);
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
		const text = explainMissingImage(parseNativeResponse({ candidates: [{ content: { parts: [{ text: 'I cannot draw.' }] }, finishReason: 'STOP' }] }));
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
		for (const text of [k, `Bearer ${k}`, encodeURIComponent(k), JSON.stringify(k), `token=${k.slice(0, -1)}`, `${k.slice(0, 9)}`, `x ${k.slice(0, 12)}… more`]) {
			const out = redactSecrets(text, key);
			expect(out).not.toContain(k.slice(0, 6));
		}
		expect(redactSecrets('nothing secret here', key)).toBe('nothing secret here');
	});
	it('credentials in URLs, secrets in query strings, auth headers, key-shaped strings', () => {
		expect(redactSecrets('at https://user:pa55@proxy.example.com/v1 and wss://u@h/x')).toBe('at https://***@proxy.example.com/v1 and wss://***@h/x');
		expect(redactSecrets('GET /x?key=AIzaQQ&sig=abc&X-Amz-Signature=f00&keep=1#frag')).toBe('GET /x?key=***&sig=***&X-Amz-Signature=***&keep=1#frag');
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
		const f = describeHttpFailure(404, '<html></html>', { 'content-type': 'text/html' }, { baseUrl: 'https://me:pw@gw.example.com/base?key=QQQ' });
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
		expect(describeTimeout('idle', 1500, 15000)).toMatchObject({ message: 'CometAPI stopped sending in the middle of its answer: no data for 1.5 s', retryable: true });
		expect(describeTimeout('total', 300_000, 3_000_000).message).toBe("CometAPI's answer took longer than 3000 s in all, the most one attempt may take (10 × Timeout)");
	});
});
