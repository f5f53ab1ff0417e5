/**
 * Refine Image (version 2): a conversation carried on the item, continued turn after turn. The node's real
 * execute() against the emulator, which signs its Gemini 3 answers and checks that the signatures come back
 * verbatim on the parts they were issued for.
 */
import type { OutputItem } from '../harness/runNode';
import type { InputItem } from '../harness/runNode';
import { images, sha256, useEmulator } from './setup';

const t = useEmulator();
const PRO = 'gemini-3-pro-image';
const model = (value = PRO) => ({ __rl: true, mode: 'id', value });
const run2 = (parameters: Record<string, unknown>, extra: object = {}) => t.run({ typeVersion: 2, parameters, ...extra });
const generations = () => t.emu.requests.filter((r: any) => r.route === 'native' || r.route === 'stream' || r.route === 'chat');
const last = () => generations()[generations().length - 1];
const issued = (rec: any) => rec.signaturesIssued.map((s: any) => s.signature);
const finalSha = (rec: any) => rec.imagesSent.find((i: any) => i.role === 'final').sha256;

/** An output item as the next node gets it: its JSON and its binary fields' bytes. */
const asInput = (item: OutputItem): InputItem => ({
	json: item.json,
	binary: Object.fromEntries(
		Object.entries(item.binary ?? {}).map(([name, b]) => [name, { data: b.data, mimeType: b.meta.mimeType, fileName: b.meta.fileName }]),
	),
});

const make = async (prompt = 'a fox in a café', extra: Record<string, unknown> = {}, runExtra: object = {}) => {
	const result = await run2({ operation: 'textToImage', model: model(), prompt, ...extra }, runExtra);
	expect(result.error).toBeUndefined();
	return result;
};
const refine = async (input: OutputItem | InputItem, prompt: string, extra: Record<string, unknown> = {}, runExtra: object = {}) =>
	await run2(
		{ operation: 'refineImage', prompt, ...extra },
		{ items: ['json' in input && 'raw' in input ? asInput(input as OutputItem) : input], ...runExtra },
	);

describe('make, refine, refine', () => {
	it.each(['default', 'filesystem'] as const)(
		'sends the earlier turns with the exact signatures, and the images travel in binary fields (%s mode)',
		async (binaryMode) => {
			const made = await make('a fox in a café', {}, { binaryMode });
			const r1 = last();
			const [m] = made.items;
			expect(m.json.conversation).toEqual({
				format: 'gemini-image-conversation',
				version: 1,
				model: PRO,
				turns: [
					{ role: 'user', parts: [{ text: 'a fox in a café' }] },
					{
						role: 'model',
						parts: [
							{ text: 'Here is your image.', thoughtSignature: issued(r1)[0] },
							{ image: 'data', mimeType: 'image/png', thoughtSignature: issued(r1)[1] },
						],
					},
				],
			});

			// the model is not set: Refine Image's default is the conversation's own
			const refined = await refine(m, 'now make it night', {}, { binaryMode });
			expect(refined.error).toBeUndefined();
			const r2 = last();
			expect(r2.path).toBe(`/v1beta/models/${PRO}:generateContent`);
			expect(r2.body.contents.map((c: any) => c.role)).toEqual(['user', 'model', 'user']);
			expect(r2.conversation.signaturesReceived).toEqual(issued(r1));
			expect(r2.conversation.turns[1].parts[1].sha256).toBe(finalSha(r1));
			expect(r2.body.contents[2]).toEqual({ role: 'user', parts: [{ text: 'now make it night' }] });
			const [n] = refined.items;
			expect(Object.keys(n.binary!).sort()).toEqual(['data', 'turn2_image1']);
			expect(sha256(n.binary!.turn2_image1.data)).toBe(finalSha(r1));
			expect(sha256(n.binary!.data.data)).toBe(finalSha(r2));
			expect(n.json.conversation.turns).toHaveLength(4);

			const again = await refine(n, 'add rain', {}, { binaryMode });
			expect(again.error).toBeUndefined();
			const r3 = last();
			expect(r3.body.contents).toHaveLength(5);
			expect(r3.conversation.signaturesReceived).toEqual([...issued(r1), ...issued(r2)]);
			expect(r3.conversation.signaturesMissing).toEqual([]);
			expect([r3.conversation.turns[1], r3.conversation.turns[3]].map((turn: any) => turn.parts[1].sha256)).toEqual([
				finalSha(r1),
				finalSha(r2),
			]);
			const [o] = again.items;
			expect(sha256(o.binary!.data.data)).toBe(finalSha(r3));
			expect(sha256(o.binary!.turn2_image1.data)).toBe(finalSha(r1));
			expect(sha256(o.binary!.turn4_image1.data)).toBe(finalSha(r2));
			expect(o.json.conversation.turns[5].parts[1]).toEqual({ image: 'data', mimeType: 'image/png', thoughtSignature: issued(r3)[1] });
			expect(o.json).toMatchObject({ model: PRO, imageIndex: 0, imageCount: 1 });
			expect(o.pairedItem).toEqual({ item: 0 });
		},
	);

	it('continues a streamed answer: its signature pieces come back on their parts', async () => {
		const made = await make('streamed fox', { requestSettings: { streaming: true } });
		const r1 = last();
		expect(r1.route).toBe('stream');
		const refined = await refine(made.items[0], 'darker', { requestSettings: { streaming: true } });
		expect(refined.error).toBeUndefined();
		expect(last().conversation.signaturesReceived).toEqual(issued(r1));
	});

	it('continues an image made on the chat route (no signatures there) on the native route', async () => {
		const made = await make('chat fox', { requestSettings: { apiFormat: 'openAiChat' } });
		expect(made.items[0].json.conversation.turns[1].parts).toEqual([
			{ text: 'Here is your image.' },
			{ image: 'data', mimeType: 'image/png' },
		]);
		const refined = await refine(made.items[0], 'bluer');
		expect(refined.error).toBeUndefined();
		expect(last().route).toBe('native');
		expect(last().conversation.signaturesReceived).toEqual([]);
		expect(last().conversation.turns[1].parts[1].sha256).toBe(finalSha(generations()[0]));
	});

	it('keeps every image of a multi-image answer, and each output item its own conversation', async () => {
		const made = await make('[emu:multi] two foxes');
		expect(made.items).toHaveLength(2);
		const r1 = last();
		const second = made.items[1];
		expect(Object.keys(second.binary!).sort()).toEqual(['data', 'turn2_image1']);
		expect(sha256(second.binary!.turn2_image1.data)).toBe(r1.imagesSent[0].sha256);
		expect(sha256(second.binary!.data.data)).toBe(r1.imagesSent[1].sha256);
		const refined = await refine(second, 'only the second one, in snow');
		expect(refined.error).toBeUndefined();
		expect(
			last()
				.conversation.turns[1].parts.filter((p: any) => p.kind === 'image')
				.map((p: any) => p.sha256),
		).toEqual(r1.imagesSent.map((i: any) => i.sha256));
	});

	it('makes several refinements of one image with Number of Images, each with its own conversation', async () => {
		const made = await make();
		const refined = await refine(made.items[0], 'three variants', { options: { numberOfImages: 3 } });
		expect(refined.error).toBeUndefined();
		expect(refined.items).toHaveLength(3);
		const shas = refined.items.map((i) => sha256(i.binary!.data.data));
		expect(refined.items.map((i) => i.json.conversation.turns[3].parts[1].image)).toEqual(['data', 'data', 'data']);
		expect(refined.items.map((i) => sha256(i.binary!.turn2_image1.data))).toEqual(Array(3).fill(finalSha(generations()[0])));
		expect(new Set(refined.items.map((i) => i.json.conversation.turns[3].parts[1].thoughtSignature)).size).toBe(3);
		expect(shas).toHaveLength(3);
	});
});

describe('long conversations stay within the request limits', () => {
	const big = (n: number) => images.sizedPng(2 * 1024 * 1024 + n * 1000).buffer as Buffer;
	/** A conversation of `pairs` turns whose images are 2 MB each, as an output item carries it (no signatures). */
	function longConversation(pairs: number): InputItem {
		const turns: any[] = [];
		const binary: Record<string, { data: Buffer; mimeType: string }> = {};
		for (let i = 1; i <= pairs; i++) {
			const field = i === pairs ? 'data' : `turn${2 * i}_image1`;
			binary[field] = { data: big(i), mimeType: 'image/png' };
			turns.push({ role: 'user', parts: [{ text: `step ${i}` }] }, { role: 'model', parts: [{ image: field, mimeType: 'image/png' }] });
		}
		return { json: { conversation: { format: 'gemini-image-conversation', version: 1, model: PRO, turns } }, binary };
	}

	it('drops the oldest turns, sends their prompts as a summary, and says so in a hint', async () => {
		const result = await refine(longConversation(4), 'final touch', { requestSettings: { maxInputMb: 5 } });
		expect(result.error).toBeUndefined();
		const req = last();
		expect(req.body.contents).toHaveLength(5);
		expect(req.body.contents[0].parts[0].text).toBe(
			'Earlier requests in this conversation (their images are left out), oldest first:\n1. step 1\n2. step 2',
		);
		expect(req.body.contents[0].parts[1]).toEqual({ text: 'step 3' });
		expect(req.imagesReceived).toHaveLength(2);
		expect(result.hints.map((h) => h.message)).toContainEqual(
			expect.stringMatching(/left out the oldest 4 turns of item 0's conversation/),
		);
		const conversation = result.items[0].json.conversation;
		expect(conversation.earlierPrompts).toEqual(['step 1', 'step 2']);
		expect(conversation.turns).toHaveLength(6);
	});

	it('refuses, before any request, when even the image to refine is over the limit', async () => {
		const result = await refine(longConversation(2), 'x', { requestSettings: { maxInputMb: 1 } });
		expect(result.error?.message).toMatch(/The image to refine is too large to send: 1 image\(s\), 2\.\d MB .* \[item 0\]/);
		expect(generations()).toHaveLength(0);
	});
});

describe('bad input is refused before any request', () => {
	it.each([
		[
			'an item that is not a Gemini Image output',
			() => ({ json: { title: 'hello' }, binary: { data: { data: images.solidPng(8, 8, [1, 2, 3]).buffer } } }),
			/not an output of a Gemini Image node: it has no conversation \[item 0\]/,
		],
		[
			'a missing image field',
			() => ({
				json: {
					conversation: {
						format: 'gemini-image-conversation',
						version: 1,
						model: PRO,
						turns: [
							{ role: 'user', parts: [{ text: 'p' }] },
							{ role: 'model', parts: [{ image: 'data', mimeType: 'image/png' }] },
						],
					},
				},
			}),
			/image in binary field "data" is missing from the input item \[item 0\]/,
		],
	])('%s', async (_what, item, message) => {
		const result = await refine(item() as InputItem, 'x', { model: model() });
		expect(result.error?.message).toMatch(message);
		expect(generations()).toHaveLength(0);
	});

	it('a conversation of another model family', async () => {
		const made = await make();
		t.emu.reset();
		const result = await refine(made.items[0], 'x', { model: model('gemini-3.1-flash-image') });
		expect(result.error?.message).toBe(
			'The conversation was made with gemini-3-pro-image, but this node uses gemini-3.1-flash-image [item 0]',
		);
		expect((result.error as any).description).toContain('{{ $json.conversation.model }}');
		expect(generations()).toHaveLength(0);
	});

	it('the chat format, with the reason it cannot carry a conversation', async () => {
		const made = await make();
		t.emu.reset();
		const result = await refine(made.items[0], 'x', { requestSettings: { apiFormat: 'openAiChat' } });
		expect(result.error?.message).toBe('Refine Image needs the Gemini Native API format [item 0]');
		expect((result.error as any).description).toMatch(/no place for the model's earlier images and thought signatures/);
		expect(generations()).toHaveLength(0);
	});

	it('Conversation From Node naming a node that gives no item', async () => {
		const made = await make();
		t.emu.reset();
		const result = await refine(made.items[0], 'x', { options: { conversationNode: 'Current Image' } });
		expect(result.error?.message).toMatch(/^Conversation From Node: no item of the node "Current Image" leads to this item.* \[item 0\]$/);
		expect((result.error as any).description).toMatch(/item pairing/);
		expect(generations()).toHaveLength(0);
	});

	it('a version 1 node asked for Refine Image', async () => {
		const result = await t.run({ parameters: { operation: 'refineImage', model: model(), prompt: 'x' } });
		expect(result.error?.message).toBe('Refine Image needs node version 2 [item 0]');
		expect(generations()).toHaveLength(0);
	});

	it('with Continue On Fail, a bad item becomes an error item and the good one is refined', async () => {
		const made = await make();
		t.emu.reset();
		const result = await run2(
			{ operation: 'refineImage', prompt: 'x' },
			{ items: [{ json: { nope: 1 } }, asInput(made.items[0])], continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.error).toMatch(/no conversation \[item 0\]/);
		expect(result.items[1].json.conversation.turns).toHaveLength(4);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(generations()).toHaveLength(1);
	});
});

describe('version 1 is unchanged', () => {
	it('adds no conversation and no binary fields', async () => {
		const result = await t.run({ parameters: { operation: 'textToImage', model: model(), prompt: 'x' } });
		expect(result.items[0].json.conversation).toBeUndefined();
		expect(Object.keys(result.items[0].binary!)).toEqual(['data']);
	});
});
