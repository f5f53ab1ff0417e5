import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';

import { plan, storedSize } from '../../nodes/GeminiImage/actions/image/refineImage.operation';
import type { RunMode } from '../../nodes/GeminiImage/actions/options';
import { planContext, thrownBy } from './fixtures';

const binary = (fields: Partial<IBinaryData> & { bytes?: number }) => ({ mimeType: 'image/png', data: '', ...fields }) as IBinaryData;

describe('storedSize: the size of a conversation image without reading it', () => {
	it("takes n8n 2.x's byte count", () => {
		expect(storedSize(binary({ id: 'filesystem-v2:x', data: 'filesystem-v2', bytes: 2_096_164, fileSize: '2.1 MB' }))).toBe(2_096_164);
	});

	it('counts the base64 of an image kept in memory', () => {
		expect(storedSize(binary({ data: Buffer.alloc(3000).toString('base64') }))).toBe(3000);
	});

	it("reads n8n 1.x's rounded size of a stored image (pretty-bytes, powers of 1000)", () => {
		expect(storedSize(binary({ id: 'filesystem-v2:x', data: 'filesystem-v2', fileSize: '1.49 MB' }))).toBe(1_490_000);
		expect(storedSize(binary({ id: 'database:1', data: 'database', fileSize: '512 kB' }))).toBe(512_000);
		expect(storedSize(binary({ id: 'database:1', data: 'database', fileSize: '900 B' }))).toBe(900);
	});

	it('is 0 when nothing tells (the real total is still checked when the images are loaded)', () => {
		expect(storedSize(undefined)).toBe(0);
		expect(storedSize(binary({ id: 's3:x', data: 's3' }))).toBe(0);
	});
});

describe('storedSize: sizes it does not read as one', () => {
	it('an object without an id whose data is no text: the size n8n wrote, not a crash', () => {
		expect(storedSize({ mimeType: 'image/png', fileSize: '2 kB' } as IBinaryData)).toBe(2000);
	});

	it('the size text around spaces or without a space before the unit', () => {
		expect(storedSize(binary({ id: 'database:1', data: 'database', fileSize: ' 1.5 MB ' }))).toBe(1_500_000);
		expect(storedSize(binary({ id: 'database:1', data: 'database', fileSize: '900B' }))).toBe(900);
	});

	it('only the whole text as a size: anything before or after it makes it unknown (0)', () => {
		expect(storedSize(binary({ id: 'database:1', data: 'database', fileSize: 'about 1 MB' }))).toBe(0);
		expect(storedSize(binary({ id: 'database:1', data: 'database', fileSize: '1 MB or more' }))).toBe(0);
	});
});

const model = 'gemini-3-pro-image-preview';
const conversation = {
	format: 'gemini-image-conversation',
	version: 1,
	model,
	turns: [
		{ role: 'user', parts: [{ text: 'a cat' }] },
		{ role: 'model', parts: [{ image: 'data', mimeType: 'image/png' }] },
	],
};
/** A Gemini Image output item: its conversation, and the image (999 bytes) in the field data. */
const made = (image: Partial<IBinaryData> = { data: Buffer.alloc(999).toString('base64') }): INodeExecutionData => ({
	json: { conversation },
	binary: { data: { mimeType: 'image/png', ...image } as IBinaryData },
});
const v2: RunMode = { version2: true, toolCall: false, tool: false };
const tool: RunMode = { version2: true, toolCall: true, tool: true };

describe('Refine Image: the conversation of an item', () => {
	it("counts the new prompt and the System Instruction with the conversation's text ('a cat', 5 bytes)", () => {
		const textBytes = (parameters: Record<string, unknown>) => plan(planContext({ parameters, items: [made()] }), 0, v2).textBytes;
		expect(textBytes({ prompt: 'at night' })).toBe(5 + 8);
		expect(textBytes({ prompt: 'at night', options: { systemInstruction: 'be brief' } })).toBe(5 + 8 + 8);
	});

	it('a conversation that fits Max Input Size alone is refused with a new prompt that makes it too large', () => {
		// 0.001 MB = 1049 bytes: the image (999) and 'a cat' fit, 100 more bytes of prompt do not.
		const parameters = (prompt: string) => ({ prompt, requestSettings: { maxInputMb: 0.001 } });
		expect(plan(planContext({ parameters: parameters('at night'), items: [made()] }), 0, v2).inputs).toEqual([{ name: 'data' }]);
		const error = thrownBy(() => plan(planContext({ parameters: parameters('n'.repeat(100)), items: [made()] }), 0, v2));
		expect(error.message).toMatch(/^The image to refine is too large to send: 1 image\(s\), /);
	});
});

describe('Refine Image: Conversation From Node', () => {
	const form: INodeExecutionData = { json: { approved: true } };
	const fromNode = (name: string, otherNodes: Record<string, INodeExecutionData | undefined>) =>
		planContext({ parameters: { prompt: 'at night', options: { conversationNode: name } }, items: [form], otherNodes });

	it("reads the conversation and its images from the named node's item that leads to this one", () => {
		const generated = made();
		const planned = plan(fromNode('  Make Image  ', { 'Make Image': generated }), 0, v2);
		expect(planned.input.model).toBe(model);
		expect(planned.inputs).toEqual([{ name: 'data', binary: generated.binary!.data }]);
		expect(planned.conversationItem).toBe(generated);
	});

	it('no item of that node leads to this one: said before any request', () => {
		expect(thrownBy(() => plan(fromNode('Make Image', { 'Make Image': undefined }), 0, v2)).message).toBe(
			'Conversation From Node: no item of the node "Make Image" leads to this item [item 0]',
		);
	});

	it("a node n8n cannot give an item for: n8n's reason is in the message", () => {
		expect(thrownBy(() => plan(fromNode('Nope', {}), 0, v2)).message).toBe(
			'Conversation From Node: no item of the node "Nope" leads to this item: Referenced node doesn\'t exist [item 0]',
		);
	});

	it("refuses an image of that item stored by another execution: only this execution's files are read", () => {
		const foreign = made({
			id: 'filesystem-v2:workflows/wf1/executions/41/binary_data/0b9e5d1c-3a4b-4c5d-8e9f-0a1b2c3d4e5f',
			data: 'filesystem-v2',
		});
		expect(thrownBy(() => plan(fromNode('Make Image', { 'Make Image': foreign }), 0, v2)).message).toBe(
			'Conversation From Node ("Make Image") gave the file data, which is not one of this execution\'s files: it was not read [item 0]',
		);
	});
});

describe('Refine Image as a tool: the image comes by its link', () => {
	const links = (count: number) => Array.from({ length: count }, (_, i) => `https://images.example.com/${i}.png`).join('\n');
	const asTool = (toolImageUrls: string) => planContext({ parameters: { prompt: 'at night', toolImageUrls } });

	it('without a link: refused, saying where the link comes from', () => {
		expect(thrownBy(() => plan(asTool(''), 0, tool))).toMatchObject({
			message: 'Refine Image as a tool needs the link of the image to refine [item 0]',
			description: 'Let the AI model fill Image URLs (the default) with the imageUrl an earlier call returned, or set a link there.',
		});
	});

	it('at most 14 links, as many images as a request holds', () => {
		expect(plan(asTool(links(14)), 0, tool).settings.imageUrls).toHaveLength(14);
		expect(thrownBy(() => plan(asTool(links(15)), 0, tool))).toMatchObject({
			message: 'Too many image links: 15, at most 14 [item 0]',
			description: 'Give fewer links.',
		});
	});
});
