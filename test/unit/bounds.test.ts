/** The pure parts of the node's bounds: item tags, answer text and grounding. */
import { NodeOperationError } from 'n8n-workflow';

import { nameItem } from '../../nodes/GeminiImage/actions/errors';
import { laterItemText } from '../../nodes/GeminiImage/actions/output';
import { emptyResult, mergeNativeResponse } from '../../nodes/GeminiImage/helpers/answers';
import { ANSWER_LIMITS } from '../../nodes/GeminiImage/helpers/interfaces';

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
