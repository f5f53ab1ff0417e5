import type { Conversation, ConversationTurn } from '../../nodes/GeminiImage/api/conversation/format';
import { checkFamily, checkImageFields, conversationFamily, readConversation } from '../../nodes/GeminiImage/api/conversation/read';
import { historyContents, planHistory, summaryText } from '../../nodes/GeminiImage/api/conversation/history';
import { answerParts, extendConversation } from '../../nodes/GeminiImage/api/conversation/extend';

const MB = 1024 * 1024;

/** A conversation of `pairs` (prompt, answer) pairs as an output item would carry it. */
function conversationOf(pairs: number, model = 'gemini-3-pro-image'): { json: Record<string, unknown>; binary: Record<string, unknown> } {
	const turns: ConversationTurn[] = [];
	const binary: Record<string, unknown> = {};
	for (let i = 1; i <= pairs; i++) {
		turns.push({ role: 'user', parts: [{ text: `prompt ${i}` }] });
		const field = i === pairs ? 'data' : `turn${2 * i}_image1`;
		binary[field] = { mimeType: 'image/png' };
		turns.push({
			role: 'model',
			parts: [
				{ text: `answer ${i}`, thoughtSignature: `sig-text-${i}` },
				{ image: field, mimeType: 'image/png', thoughtSignature: `sig-image-${i}` },
			],
		});
	}
	return { json: { model, conversation: { format: 'gemini-image-conversation', version: 1, model, turns } }, binary };
}

/** Reads a conversation and checks its image fields, as Refine Image does. */
function readChecked(json: unknown, binary: Record<string, unknown> | undefined, outputField = 'data') {
	const r = readConversation(json);
	if (!('conversation' in r)) return r;
	return checkImageFields(r.conversation, binary, outputField) ?? r;
}

const read = (item: { json: unknown; binary: Record<string, unknown> }) => {
	const r = readChecked(item.json, item.binary);
	if (!('conversation' in r)) throw new Error(r.problem);
	return r.conversation;
};

describe('readConversation', () => {
	it('reads a conversation with its signatures as they are', () => {
		const c = read(conversationOf(2));
		expect(c.turns).toHaveLength(4);
		expect(c.turns[3].parts[1]).toEqual({ image: 'data', mimeType: 'image/png', thoughtSignature: 'sig-image-2' });
		expect(c.turns[1].parts[0]).toEqual({ text: 'answer 1', thoughtSignature: 'sig-text-1' });
	});

	it('says when the item is not a Gemini Image output', () => {
		for (const json of [{}, { text: 'hello' }, null, 'x']) {
			const r = readConversation(json);
			expect(r).toMatchObject({ problem: expect.stringContaining('not an output of a Gemini Image node') });
			expect((r as { fix: string }).fix).toMatch(/Connect Refine Image/);
		}
		expect(readConversation({ conversation: { format: 'chat-log', turns: [] } })).toMatchObject({
			problem: expect.stringContaining('was not made by a Gemini Image node'),
		});
	});

	it('names a missing image field and lists the ones there are', () => {
		const item = conversationOf(2);
		delete item.binary.turn2_image1;
		const r = readChecked(item.json, item.binary);
		expect(r).toMatchObject({ problem: expect.stringContaining('"turn2_image1" is missing') });
		expect((r as { fix: string }).fix).toContain('binary fields are: data');
		expect(readChecked(item.json, undefined)).toMatchObject({ fix: expect.stringContaining('are: none') });
	});

	it('refuses damaged conversations with the reason', () => {
		const item = conversationOf(1);
		const conv = item.json.conversation as Conversation;
		const cases: Array<[(c: Conversation) => void, RegExp]> = [
			[(c) => (c.turns[0].role = 'model'), /turn 1 should come from the user/],
			[(c) => c.turns.pop(), /fewer than two turns/],
			[(c) => (c.turns[1].parts = [{ text: 'no image' }]), /no image/],
			[(c) => (c.turns[1].parts = []), /turn 2 has no parts/],
			[(c) => ((c as { model: unknown }).model = ''), /names no model/],
			[(c) => (c.turns = [...c.turns, { role: 'user', parts: [{ text: 'x' }] }]), /does not end with an answer/],
		];
		for (const [damage, why] of cases) {
			const copy = JSON.parse(JSON.stringify(conv)) as Conversation;
			damage(copy);
			const r = readChecked({ conversation: copy }, item.binary);
			expect(r).toMatchObject({ problem: expect.stringMatching(why) });
		}
	});

	it('refuses a conversation of a newer format', () => {
		const item = conversationOf(1);
		(item.json.conversation as { version: number }).version = 2;
		expect(readConversation(item.json)).toMatchObject({ problem: expect.stringContaining('newer version') });
	});
});

describe('model families', () => {
	it('treats preview and GA names of one model as one family', () => {
		expect(conversationFamily('gemini-3-pro-image-preview')).toBe(conversationFamily('gemini-3-pro-image'));
		expect(conversationFamily('models/gemini-2.5-flash-image-preview-09-2025')).toBe('gemini-2.5-flash-image');
		expect(conversationFamily('gemini-3.1-flash-image')).not.toBe(conversationFamily('gemini-3-pro-image'));
	});

	it('refuses another family and says how to pick the right model', () => {
		const c = read(conversationOf(1, 'gemini-3-pro-image-preview'));
		expect(checkFamily(c, 'gemini-3-pro-image')).toBeUndefined();
		const problem = checkFamily(c, 'gemini-3.1-flash-image');
		expect(problem?.problem).toBe('The conversation was made with gemini-3-pro-image-preview, but this node uses gemini-3.1-flash-image');
		expect(problem?.fix).toContain('{{ $json.conversation.model }}');
	});
});

describe('planHistory', () => {
	const sizes = (mb: number) => () => mb * MB;

	it('sends every turn while the images fit', () => {
		const plan = planHistory(read(conversationOf(3)), sizes(1), { maxImages: 14, maxBytes: 20 * MB });
		expect(plan).toMatchObject({ droppedTurns: 0, earlierPrompts: [], imageFields: ['turn2_image1', 'turn4_image1', 'data'] });
	});

	it('drops the oldest pairs to stay within the size limit, keeping their prompts', () => {
		const plan = planHistory(read(conversationOf(4)), sizes(6), { maxImages: 14, maxBytes: 20 * MB });
		if (!('turns' in plan)) throw new Error(plan.problem);
		expect(plan.droppedTurns).toBe(2);
		expect(plan.earlierPrompts).toEqual(['prompt 1']);
		expect(plan.turns[0]).toEqual({ role: 'user', parts: [{ text: 'prompt 2' }] });
		expect(plan.imageFields).toEqual(['turn4_image1', 'turn6_image1', 'data']);
	});

	it('counts the images of the new turn and the image limit', () => {
		const byCount = planHistory(read(conversationOf(5)), sizes(0.1), { maxImages: 3, maxBytes: 20 * MB }, { images: 1 });
		expect(byCount).toMatchObject({ droppedTurns: 6, imageFields: ['turn8_image1', 'data'] });
		const byNewBytes = planHistory(
			read(conversationOf(3)),
			sizes(5),
			{ maxImages: 14, maxBytes: 20 * MB },
			{ images: 1, imageBytes: 9 * MB },
		);
		expect(byNewBytes).toMatchObject({ droppedTurns: 2 });
	});

	it('keeps earlier summaries and adds to them, oldest first', () => {
		const c = read(conversationOf(3));
		c.earlierPrompts = ['the very first prompt'];
		const plan = planHistory(c, sizes(8), { maxImages: 14, maxBytes: 20 * MB });
		expect(plan).toMatchObject({ earlierPrompts: ['the very first prompt', 'prompt 1'], droppedTurns: 2 });
	});

	it('says so when even the image to refine does not fit', () => {
		const plan = planHistory(read(conversationOf(2)), sizes(25), { maxImages: 14, maxBytes: 20 * MB });
		expect(plan).toMatchObject({ problem: expect.stringContaining('too large to send: 1 image(s), 25.0 MB') });
	});
});

describe('historyContents', () => {
	it('writes turns as Gemini contents with every signature on its own part, and the summary first', () => {
		const c = read(conversationOf(2));
		const contents = historyContents({ turns: c.turns, earlierPrompts: ['older prompt'] }, (part, i) => ({
			mimeType: part.mimeType,
			data: `<${part.image}#${i}>`,
		}));
		expect(contents).toEqual([
			{ role: 'user', parts: [{ text: summaryText(['older prompt']) }, { text: 'prompt 1' }] },
			{
				role: 'model',
				parts: [
					{ text: 'answer 1', thoughtSignature: 'sig-text-1' },
					{ inlineData: { mimeType: 'image/png', data: '<turn2_image1#0>' }, thoughtSignature: 'sig-image-1' },
				],
			},
			{ role: 'user', parts: [{ text: 'prompt 2' }] },
			{
				role: 'model',
				parts: [
					{ text: 'answer 2', thoughtSignature: 'sig-text-2' },
					{ inlineData: { mimeType: 'image/png', data: '<data#1>' }, thoughtSignature: 'sig-image-2' },
				],
			},
		]);
	});

	it('adds no summary when nothing was dropped, and no signature where there was none', () => {
		const turns: ConversationTurn[] = [
			{ role: 'user', parts: [{ text: 'p' }] },
			{ role: 'model', parts: [{ image: 'data', mimeType: 'image/jpeg' }] },
		];
		expect(historyContents({ turns, earlierPrompts: [] }, (part) => ({ mimeType: part.mimeType, data: 'B64' }))).toEqual([
			{ role: 'user', parts: [{ text: 'p' }] },
			{ role: 'model', parts: [{ inlineData: { mimeType: 'image/jpeg', data: 'B64' } }] },
		]);
	});
});

describe('extendConversation', () => {
	it('starts a conversation: the prompt, then the answer with its signatures, the image in the output field', () => {
		const { conversation, binaries } = extendConversation({
			model: 'gemini-3-pro-image',
			history: [],
			prompt: 'a fox in a café',
			answer: [
				{ text: 'Here it is', thoughtSignature: 'S1' },
				{ image: 0, thoughtSignature: 'S2' },
			],
			mimeTypes: ['image/jpeg'],
			imageIndex: 0,
			outputField: 'data',
		});
		expect(conversation).toEqual({
			format: 'gemini-image-conversation',
			version: 1,
			model: 'gemini-3-pro-image',
			turns: [
				{ role: 'user', parts: [{ text: 'a fox in a café' }] },
				{
					role: 'model',
					parts: [
						{ text: 'Here it is', thoughtSignature: 'S1' },
						{ image: 'data', mimeType: 'image/jpeg', thoughtSignature: 'S2' },
					],
				},
			],
		});
		expect(binaries).toEqual([{ field: 'data', from: { image: 0 } }]);
	});

	it('moves earlier images to turn fields, and reads back what it wrote', () => {
		const item = conversationOf(2);
		const before = read(item);
		const { conversation, binaries } = extendConversation({
			model: before.model,
			history: before.turns,
			earlierPrompts: ['older'],
			prompt: 'now add rain',
			answer: [{ image: 0, thoughtSignature: 'S3' }],
			mimeTypes: ['image/png'],
			imageIndex: 0,
			outputField: 'data',
		});
		expect(binaries).toEqual([
			{ field: 'turn2_image1', from: { input: 'turn2_image1' } },
			{ field: 'turn4_image1', from: { input: 'data' } },
			{ field: 'data', from: { image: 0 } },
		]);
		expect(conversation.earlierPrompts).toEqual(['older']);
		const binary = Object.fromEntries(binaries.map((b) => [b.field, {}]));
		const again = readChecked({ conversation: JSON.parse(JSON.stringify(conversation)) }, binary);
		expect(again).toEqual({ conversation });
		expect(conversation.turns[3].parts[1]).toMatchObject({ image: 'turn4_image1', thoughtSignature: 'sig-image-2' });
	});

	it("keeps every image of a multi-image answer, this item's in the output field", () => {
		const { conversation, binaries } = extendConversation({
			model: 'm',
			history: [],
			prompt: 'two',
			answer: [{ text: 't' }, { image: 0 }, { image: 1 }],
			mimeTypes: ['image/png', 'image/png'],
			imageIndex: 1,
			outputField: 'image',
		});
		expect(binaries).toEqual([
			{ field: 'turn2_image1', from: { image: 0 } },
			{ field: 'image', from: { image: 1 } },
		]);
		expect(conversation.turns[1].parts.map((p) => ('image' in p ? p.image : p.text))).toEqual(['t', 'turn2_image1', 'image']);
	});

	it("never lets a history field take the output field's name", () => {
		const { binaries } = extendConversation({
			model: 'm',
			history: [],
			prompt: 'p',
			answer: [{ image: 0 }, { image: 1 }],
			mimeTypes: ['image/png', 'image/png'],
			imageIndex: 0,
			outputField: 'turn2_image2',
		});
		expect(binaries.map((b) => b.field)).toEqual(['turn2_image2', 'turn2_image2_history']);
	});
});

describe('answerParts', () => {
	it('uses the parts the native route reported', () => {
		const parts = [
			{ text: 'a', thoughtSignature: 's' },
			{ image: 0, thoughtSignature: 't' },
		];
		expect(answerParts({ text: 'a', images: [], parts })).toBe(parts);
	});

	it('stands in text then images when the route reported no parts (chat)', () => {
		const image = { data: Buffer.alloc(1), mimeType: 'image/png', extension: 'png' };
		expect(answerParts({ text: 'hi', images: [image, image] })).toEqual([{ text: 'hi' }, { image: 0 }, { image: 1 }]);
		expect(answerParts({ text: '', images: [image] })).toEqual([{ image: 0 }]);
	});
});
