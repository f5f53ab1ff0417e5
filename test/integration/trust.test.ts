/**
 * What a hostile writer of item JSON can make the node read and send: a stored file of another execution or
 * workflow named in the item's JSON or given by expression, a conversation naming a private binary field, a
 * huge conversation, oversized prompts and signatures in its history. Each is refused before any request
 * (0 requests at the emulator), while this execution's own files and the node's own conversations still go.
 */
import type { IBinaryData } from 'n8n-workflow';

import type { InputItem, OutputItem } from '../harness/runNode';
import { images, imageToImage, sha256, useEmulator } from './setup';

const t = useEmulator();
const PRO = 'gemini-3-pro-image';
const model = (value = PRO) => ({ __rl: true, mode: 'id', value });
const generations = () => t.emu.requests.filter((r: any) => ['native', 'stream', 'chat'].includes(r.route));
/** Every image byte string the emulator received, as hashes. */
const received = () => generations().flatMap((r: any) => r.imagesReceived.map((i: any) => i.sha256));
const MB = 1024 * 1024;

/** An image stored by an earlier execution, of this workflow or of another one, as n8n keeps it. */
async function storedElsewhere(workflowId?: string): Promise<{ meta: IBinaryData; sha: string }> {
	const input = images.solidPng(16, 16, [200, 10, 10]).buffer as Buffer;
	const result = await t.run({
		typeVersion: 2,
		binaryMode: 'filesystem',
		workflowId,
		parameters: imageToImage('store me'),
		items: [{ binary: { data: { data: input, mimeType: 'image/png' } } }],
	});
	expect(result.error).toBeUndefined();
	t.emu.reset();
	return { meta: result.items[0].binary!.data.meta, sha: sha256(result.items[0].binary!.data.data) };
}

describe('binary references: only files of this execution are read', () => {
	it.each([
		['another workflow', 'victim-workflow'],
		['another execution of this workflow', undefined],
	])('a file of %s named in the item JSON (its binary field missing) is refused, and its bytes go nowhere', async (_what, workflowId) => {
		const foreign = await storedElsewhere(workflowId);
		expect(foreign.meta.id).toMatch(/^filesystem-v2:workflows\/.+\/executions\/\d+\/binary_data\//);
		const result = await t.run({
			typeVersion: 2,
			binaryMode: 'filesystem',
			parameters: imageToImage('steal it'),
			items: [{ json: { data: { mimeType: 'image/png', id: foreign.meta.id } } }],
		});
		expect(result.error?.message).toBe(
			`The item has no binary field "data", and the file its JSON names there is not one of this execution's files: it was not read [item 0]`,
		);
		expect((result.error as any).description).toMatch(/reads only this execution's files/);
		expect(generations()).toHaveLength(0);
	});

	it('a foreign file given by an expression over webhook JSON is refused too', async () => {
		const foreign = await storedElsewhere('victim-workflow');
		const result = await t.run({
			typeVersion: 2,
			binaryMode: 'filesystem',
			parameters: imageToImage('steal it', '={{ $json.body.image }}'),
			items: [{ json: { body: { image: { ...foreign.meta } } } }],
		});
		expect(result.error?.message).toMatch(
			/^Input Data Field Name\(s\) gave the file .* \(from the expression\), which is not one of this execution's files: it was not read \[item 0\]$/,
		);
		expect(generations()).toHaveLength(0);
		expect(received()).not.toContain(foreign.sha);
	});

	it('a forged id that leaves its folder, a database id of no item, an id that is not text: all refused', async () => {
		const forged = [
			'filesystem-v2:workflows/harness-workflow/executions/1/binary_data/../../../victim/executions/1/binary_data/x',
			'database:7c7f1c7e-0000-4000-8000-000000000000',
			'filesystem:7c7f1c7e-0000-4000-8000-000000000000',
			{ toString: 'x' },
		];
		for (const id of forged) {
			const result = await t.run({
				typeVersion: 2,
				binaryMode: 'filesystem',
				parameters: imageToImage('x'),
				items: [{ json: { data: { mimeType: 'image/png', id } } }],
			});
			expect(result.error?.message).toMatch(/not one of this execution's files/);
		}
		expect(generations()).toHaveLength(0);
	});

	it("this execution's files still go: the item's own field by expression, one handed on from another execution, inline data", async () => {
		const own = images.solidPng(12, 12, [1, 2, 3]).buffer as Buffer;
		// the item's own binary field, given as n8n's tooltip suggests (an object that names this execution)
		const byExpression = await t.run({
			typeVersion: 2,
			binaryMode: 'filesystem',
			parameters: imageToImage('mine', '={{ $input.item.binary.data }}'),
			items: [{ binary: { data: { data: own, mimeType: 'image/png' } } }],
		});
		expect(byExpression.error).toBeUndefined();
		expect(received()).toEqual([sha256(own)]);
		t.emu.reset();

		// an item handed on by Execute Workflow keeps its parent's file ids: they are on this execution's items
		const parent = await storedElsewhere('parent-workflow');
		const handedOn = await t.run({
			typeVersion: 2,
			binaryMode: 'filesystem',
			parameters: imageToImage('from the parent', '={{ $input.item.binary.photo }}'),
			items: [{ binary: { photo: { stored: parent.meta } } }],
		});
		expect(handedOn.error).toBeUndefined();
		expect(received()).toEqual([parent.sha]);
		t.emu.reset();

		// data inline (no id) is data, not a reference: read from the JSON as before
		const inline = await t.run({
			typeVersion: 2,
			parameters: imageToImage('inline'),
			items: [{ json: { data: { mimeType: 'image/png', data: own.toString('base64') } } }],
		});
		expect(inline.error).toBeUndefined();
		expect(received()).toEqual([sha256(own)]);
	});

	it('with Continue On Fail the refused item becomes an error item and the good one goes on', async () => {
		const foreign = await storedElsewhere('victim-workflow');
		const own = images.solidPng(10, 10, [9, 9, 9]).buffer as Buffer;
		const result = await t.run({
			typeVersion: 2,
			binaryMode: 'filesystem',
			continueOnFail: true,
			parameters: imageToImage('x'),
			items: [
				{ json: { data: { mimeType: 'image/png', id: foreign.meta.id } } },
				{ binary: { data: { data: own, mimeType: 'image/png' } } },
			],
		});
		expect(result.items[0].json.error).toMatch(/not one of this execution's files.*\[item 0\]/);
		expect(result.items[1].binary?.data).toBeDefined();
		expect(received()).toEqual([sha256(own)]);
	});
});

/** An output item as the next node gets it: its JSON and its binary fields' bytes. */
const asInput = (item: OutputItem): InputItem => ({
	json: item.json,
	binary: Object.fromEntries(
		Object.entries(item.binary ?? {}).map(([name, b]) => [name, { data: b.data, mimeType: b.meta.mimeType, fileName: b.meta.fileName }]),
	),
});
const refine = async (input: InputItem, prompt = 'x', extra: Record<string, unknown> = {}) =>
	await t.run({ typeVersion: 2, parameters: { operation: 'refineImage', prompt, ...extra }, items: [input] });

async function made(): Promise<InputItem> {
	const result = await t.run({ typeVersion: 2, parameters: { operation: 'textToImage', model: model(), prompt: 'a fox' } });
	expect(result.error).toBeUndefined();
	t.emu.reset();
	return asInput(result.items[0]);
}

describe('a carried conversation names only the fields the node writes', () => {
	it('an image part naming a private field of the item is refused; its bytes are neither sent nor copied', async () => {
		const item = await made();
		const secret = images.solidPng(20, 20, [5, 6, 7]).buffer as Buffer;
		item.binary!.secret = { data: secret, mimeType: 'image/png', fileName: 'passport.png' };
		(item.json as any).conversation.turns[1].parts.push({ image: 'secret', mimeType: 'image/png' });
		const result = await refine(item);
		expect(result.error?.message).toBe(
			'The conversation names binary field "secret" for an image of turn 2, which is not a field Gemini Image writes: nothing was sent [item 0]',
		);
		expect(generations()).toHaveLength(0);
		expect(result.items).toHaveLength(0);
	});

	it('a conversation of another Put Output in Field goes once this node uses the same one', async () => {
		const result = await t.run({
			typeVersion: 2,
			parameters: { operation: 'textToImage', model: model(), prompt: 'p', options: { binaryPropertyOutput: 'picture' } },
		});
		t.emu.reset();
		const item = asInput(result.items[0]);
		expect((await refine(item)).error?.message).toMatch(/names binary field "picture"/);
		const same = await refine(item, 'y', { options: { binaryPropertyOutput: 'picture' } });
		expect(same.error).toBeUndefined();
		expect(generations()).toHaveLength(1);
	});
});

describe('a huge or oversized conversation is refused before any request', () => {
	it('20,000 turns (about 1 MB of JSON): refused at once by its turn count', async () => {
		const item = await made();
		const conversation = (item.json as any).conversation;
		const turns = Array.from({ length: 20000 }, (_, i) => conversation.turns[i % 2]);
		conversation.turns = turns;
		expect(JSON.stringify(item.json).length).toBeGreaterThan(1_000_000);
		const started = Date.now();
		const result = await refine(item);
		expect(result.error?.message).toBe('The conversation on the input item is too long: 20000 turns, at most 100 [item 0]');
		expect(Date.now() - started).toBeLessThan(5000);
		expect(generations()).toHaveLength(0);
	});

	it('20 earlier prompts of 1 MB are not resent whole: the oldest are left out to stay within Max Input Size', async () => {
		const item = await made();
		const conversation = (item.json as any).conversation;
		const [user, answer] = conversation.turns;
		conversation.turns = [];
		for (let i = 0; i < 20; i++) {
			conversation.turns.push({ role: 'user', parts: [{ text: `${i} ${'p'.repeat(MB)}` }] });
			conversation.turns.push(i === 19 ? answer : { role: 'model', parts: [{ text: 'ok' }] });
		}
		expect(user.parts[0].text).toBe('a fox');
		const result = await refine(item, 'small change');
		expect(result.error).toBeUndefined();
		const [request] = generations();
		expect(JSON.stringify(request.body).length).toBeLessThan(20 * MB + 100 * 1024);
		expect(result.hints.map((h) => h.message).join('\n')).toMatch(/left out the oldest \d+ turns/);
	});

	it('a 25 MB thought signature on the image to refine: refused, 0 requests', async () => {
		const item = await made();
		const answer = (item.json as any).conversation.turns[1];
		answer.parts[answer.parts.length - 1].thoughtSignature = 'S'.repeat(25 * MB);
		const result = await refine(item);
		expect(result.error?.message).toMatch(
			/^The image to refine is too large to send: 1 image\(s\), 25\.\d MB with the new prompt \(text and thought signatures 25\.0 MB\), the limit is 14 image\(s\) and 20\.0 MB \[item 0\]$/,
		);
		expect(generations()).toHaveLength(0);
	});

	it('20 thought signatures of 5 MB in the history: trimmed to what fits, never a 105 MB request', async () => {
		const item = await made();
		const conversation = (item.json as any).conversation;
		const [user, answer] = conversation.turns;
		conversation.turns = [];
		for (let i = 0; i < 20; i++) {
			conversation.turns.push(user);
			conversation.turns.push(i === 19 ? answer : { role: 'model', parts: [{ text: 'ok', thoughtSignature: 'S'.repeat(5 * MB) }] });
		}
		const result = await refine(item);
		// one request, within the limit (the emulator then refuses the made-up signatures, as Gemini would)
		expect(generations()).toHaveLength(1);
		expect(JSON.stringify(generations()[0].body).length).toBeLessThan(20 * MB + 100 * 1024);
		expect(result.error?.message).toMatch(/thought signature .* is not valid/);
	});

	it.each([0, -1, 0.5])('version %p is refused, 0 requests', async (version) => {
		const item = await made();
		(item.json as any).conversation.version = version;
		const result = await refine(item);
		expect(result.error?.message).toMatch(/damaged: its version .* is not one this node writes \(1\) \[item 0\]$/);
		expect(generations()).toHaveLength(0);
	});
});
