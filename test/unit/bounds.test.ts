/** The pure parts of the node's bounds: quoting, nesting, credential checks, item tags, answer text and grounding. */
import { NodeOperationError } from 'n8n-workflow';

import { nameItem } from '../../nodes/GeminiImage/actions/errors';
import { laterItemText } from '../../nodes/GeminiImage/actions/output';
import { apiKeyProblem, baseUrlProblem, credentialProblem } from '../../nodes/GeminiImage/api/credentialChecks';
import { emptyResult, mergeNativeResponse } from '../../nodes/GeminiImage/api/native/response';
import { ANSWER_LIMITS } from '../../nodes/GeminiImage/api/stream/answerLimits';
import { nestsDeeperThan } from '../../nodes/GeminiImage/helpers/jsonDepth';
import { quote, QUOTE_MAX } from '../../nodes/GeminiImage/helpers/redact';

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
	it('the Base URL is checked first', () => {
		expect(credentialProblem({ baseUrl: 'https://a:b@c', apiKey: '\n' })?.message).toMatch(/^The Base URL/);
		expect(credentialProblem({ baseUrl: 'https://c', apiKey: 'sk-ok' })).toBeUndefined();
	});
});

describe('nameItem', () => {
	const error = (message: string) => new NodeOperationError({ name: 'n' } as never, message);
	it("adds the item's own tag unless it is already at the end", () => {
		expect(nameItem(error('bad [item 7]'), 0).message).toBe('bad [item 7] [item 0]');
		expect(nameItem(error('bad [item 3]'), 3).message).toBe('bad [item 3]');
		expect(nameItem(error('bad [item 3] '), 3).message).toBe('bad [item 3] ');
		expect(nameItem(error('bad'), 12).message).toBe('bad [item 12]');
	});
});

describe('answer text and grounding', () => {
	it('later image items get the text whole when short, else its start and where the rest is', () => {
		expect(laterItemText('short')).toBe('short');
		const max = ANSWER_LIMITS.laterImageTextChars;
		expect(laterItemText('a'.repeat(max))).toBe('a'.repeat(max));
		expect(laterItemText('a'.repeat(max + 1))).toBe(`${'a'.repeat(max)} … [cut: the whole text is on this answer's first image item]`);
	});

	it('grounding of many events is added in place and stops at its limits', () => {
		const result = emptyResult();
		for (let i = 0; i < 500; i++) {
			mergeNativeResponse(result, {
				candidates: [{ groundingMetadata: { groundingChunks: [{ web: { uri: `u${i}` } }, {}], webSearchQueries: [`q${i}`] } }],
			});
		}
		expect(result.groundingSources).toHaveLength(ANSWER_LIMITS.maxGroundingSources);
		expect(result.groundingSources![99]).toEqual({ uri: 'u99', title: undefined });
		expect(result.searchQueries).toHaveLength(ANSWER_LIMITS.maxSearchQueries);
		expect(result.searchQueries![0]).toBe('q0');
	});
});
