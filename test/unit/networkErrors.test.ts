/** api/errors/network.ts: a failed connection or a timeout becomes words n8n shows as they are, and a retry verdict. */
import { describeUnreadableBody, looksLikeHtml } from '../../nodes/GeminiImage/api/errors/http';
import { describeNetworkFailure, describeTimeout, networkProblem, seconds } from '../../nodes/GeminiImage/api/errors/network';
import { failureContext as ctx } from './fixtures';

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
