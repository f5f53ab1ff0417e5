/** What kind of run this is: an AI Agent's tool call or a workflow's. */
import type { IExecuteFunctions } from 'n8n-workflow';

import { isToolRun } from '../../nodes/GeminiImage/actions/item';

const ctx = (type: string, isToolExecution?: () => boolean) =>
	({ getNode: () => ({ type }), ...(isToolExecution ? { isToolExecution } : {}) }) as unknown as IExecuteFunctions;

describe('isToolRun', () => {
	it('knows the tool variant by its type name, in every n8n (AI Agent 3 runs it where isToolExecution() is false)', () => {
		expect(isToolRun(ctx('n8n-nodes-cometapi.geminiImageTool'))).toBe(true);
		expect(isToolRun(ctx('n8n-nodes-cometapi.geminiImageTool', () => false))).toBe(true);
		expect(isToolRun(ctx('n8n-nodes-cometapi.geminiImage'))).toBe(false);
		expect(isToolRun(ctx('n8n-nodes-cometapi.geminiImage', () => true))).toBe(true);
	});
});
