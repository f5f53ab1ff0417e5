/** What kind of run this is: an AI Agent's tool call or a workflow's. */
import type { IExecuteFunctions } from 'n8n-workflow';

import { isToolRun, planCommon } from '../../nodes/GeminiImage/actions/item';
import type { RunMode } from '../../nodes/GeminiImage/actions/options';
import { planContext, thrownBy } from './fixtures';

const ctx = (type: string, isToolExecution?: () => boolean) =>
	({ getNode: () => ({ type }), ...(isToolExecution ? { isToolExecution } : {}) }) as unknown as IExecuteFunctions;

describe('isToolRun', () => {
	it('knows the tool variant by its type name, in every n8n (AI Agent 3 runs it where isToolExecution() is false)', () => {
		expect(isToolRun(ctx('n8n-nodes-cometapi.geminiImageTool'))).toBe(true);
		expect(isToolRun(ctx('n8n-nodes-cometapi.geminiImageTool', () => false))).toBe(true);
		expect(isToolRun(ctx('n8n-nodes-cometapi.geminiImage'))).toBe(false);
		expect(isToolRun(ctx('n8n-nodes-cometapi.geminiImage', () => true))).toBe(true);
	});
	it('reads "Tool" only at the end of the type name, where n8n puts it', () => {
		expect(isToolRun(ctx('n8n-nodes-tools.geminiImage'))).toBe(false);
		expect(isToolRun(ctx('n8n-nodes-cometapi.ToolImage'))).toBe(false);
	});
});

describe('planCommon: model, prompt and options of an item, checked before any request', () => {
	const v2: RunMode = { version2: true, toolCall: false, tool: false };
	const tool: RunMode = { version2: true, toolCall: true, tool: true };
	const plan = (parameters: Record<string, unknown>, run = v2) => planCommon(planContext({ parameters }), 0, run);
	const failure = (parameters: Record<string, unknown>, run = v2) => {
		const error = thrownBy(() => plan(parameters, run)) as Error & { description?: string };
		return { message: error.message, description: error.description };
	};

	it('starts with no input images: the operations add their own', () => {
		expect(plan({ model: 'gemini-3.1-flash-image', prompt: 'a cat' }).inputs).toEqual([]);
	});

	it('takes a model ID of exactly 200 characters and refuses 201 with the length and what to do', () => {
		expect(plan({ model: 'm'.repeat(200), prompt: 'a cat' }).input.model).toBe('m'.repeat(200));
		expect(failure({ model: 'm'.repeat(201), prompt: 'a cat' }).description).toBe(
			'The ID is too long: 201 characters, at most 200. Pick a model from the list or type a model ID, e.g. gemini-3.1-flash-image.',
		);
	});

	it('a prompt n8n does not hand over is an empty prompt', () => {
		expect(failure({ model: 'gemini-3.1-flash-image' }).message).toBe('Prompt is empty [item 0]');
	});

	it("a workflow's prompt over 32,000 characters is refused with how to shorten it", () => {
		expect(failure({ model: 'gemini-3.1-flash-image', prompt: 'x'.repeat(32_001) })).toEqual({
			message: 'Prompt is too long: 32,001 characters, at most 32,000 [item 0]',
			description:
				'Nothing was sent. Shorten the prompt: describe the image in a few sentences. If an expression builds it, check that it does not pull in a whole document.',
		});
	});

	it("the AI model's prompt over 8,000 characters is refused with what to tell the model", () => {
		expect(failure({ model: 'gemini-3.1-flash-image', prompt: 'x'.repeat(8_001) }, tool)).toEqual({
			message: 'The prompt the AI model wrote is too long: 8,001 characters, at most 8,000 [item 0]',
			description:
				'Nothing was sent. Ask the AI model (in its system message) for a shorter description of the image, or set Prompt in the tool to a fixed text.',
		});
	});
});
