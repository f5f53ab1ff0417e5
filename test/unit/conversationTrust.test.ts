/**
 * A carried conversation written by someone else (a webhook caller, a Code node): which image fields it may
 * name, its caps, its known versions, and text and signatures counted with the images. Pure functions.
 */
import type { Conversation, ConversationTurn } from '../../nodes/GeminiImage/api/conversation/format';
import { CONVERSATION_LIMITS } from '../../nodes/GeminiImage/api/conversation/format';
import { checkImageFields, readConversation } from '../../nodes/GeminiImage/api/conversation/read';
import { historyContents, planHistory, utf8Bytes } from '../../nodes/GeminiImage/api/conversation/history';
import { extendConversation } from '../../nodes/GeminiImage/api/conversation/extend';

const MB = 1024 * 1024;
const PRO = 'gemini-3-pro-image';
const wrap = (turns: unknown, extra: object = {}) => ({
	conversation: { format: 'gemini-image-conversation', version: 1, model: PRO, turns, ...extra },
});
const pair = (prompt: string, ...images: string[]): ConversationTurn[] => [
	{ role: 'user', parts: [{ text: prompt }] },
	{ role: 'model', parts: images.map((image) => ({ image, mimeType: 'image/png' })) },
];
const conversationOf = (turns: ConversationTurn[], extra: Partial<Conversation> = {}): Conversation => ({
	format: 'gemini-image-conversation',
	version: 1,
	model: PRO,
	turns,
	...extra,
});
const fieldsOf = (...names: string[]) => Object.fromEntries(names.map((n) => [n, { mimeType: 'image/png' }]));

describe('image parts name only the fields the node writes', () => {
	const check = (turns: ConversationTurn[], binary: object, outputField = 'data') =>
		checkImageFields(conversationOf(turns), binary, outputField);

	it('accepts what the node writes: turn fields, the output field on the last answer, and _history', () => {
		expect(
			check([...pair('a', 'turn2_image1'), ...pair('b', 'turn4_image1', 'data')], fieldsOf('turn2_image1', 'turn4_image1', 'data')),
		).toBe(undefined);
		// a multi-image answer whose item image is the second one; and an output field named like a turn field
		expect(check(pair('a', 'turn2_image1', 'picture'), fieldsOf('turn2_image1', 'picture'), 'picture')).toBe(undefined);
		expect(check(pair('a', 'turn2_image2', 'turn2_image2_history'), fieldsOf('turn2_image2', 'turn2_image2_history'), 'turn2_image2')).toBe(
			undefined,
		);
	});

	it('reads back every conversation extendConversation writes, whatever the output field', () => {
		for (const outputField of ['data', 'image', 'turn2_image1', 'turn4_image2']) {
			const first = extendConversation({
				model: PRO,
				history: [],
				prompt: 'p',
				answer: [{ image: 0 }, { image: 1 }],
				mimeTypes: ['image/png', 'image/png'],
				imageIndex: 1,
				outputField,
			});
			const next = extendConversation({
				model: PRO,
				history: first.conversation.turns,
				prompt: 'q',
				answer: [{ text: 't' }, { image: 0 }, { image: 1 }],
				mimeTypes: ['image/png', 'image/png'],
				imageIndex: 0,
				outputField,
			});
			const binary = fieldsOf(...next.binaries.map((b) => b.field));
			const read = readConversation(JSON.parse(JSON.stringify({ conversation: next.conversation })));
			if (!('conversation' in read)) throw new Error(read.problem);
			expect(checkImageFields(read.conversation, binary, outputField)).toBe(undefined);
		}
	});

	it.each([
		['another field of the item', pair('a', 'secret'), fieldsOf('secret', 'data')],
		['a turn field in the wrong turn', [...pair('a', 'turn4_image1'), ...pair('b', 'data')], fieldsOf('turn4_image1', 'data')],
		['a turn field in the wrong place', pair('a', 'turn2_image2', 'data'), fieldsOf('turn2_image2', 'data')],
		['the output field in an earlier turn', [...pair('a', 'data'), ...pair('b', 'turn4_image1')], fieldsOf('data', 'turn4_image1')],
		['the output field twice', pair('a', 'data', 'data'), fieldsOf('data')],
		['a _history field that the node did not need', pair('a', 'turn2_image1_history'), fieldsOf('turn2_image1_history')],
		['an object key of every object', pair('a', '__proto__'), fieldsOf('data')],
	])('refuses %s, naming it and the fields that are allowed', (_what, turns, binary) => {
		const problem = check(turns, binary);
		expect(problem?.problem).toMatch(
			/^The conversation names binary field ".*" for an image of turn \d+, which is not a field Gemini Image writes: nothing was sent$/,
		);
		expect(problem?.fix).toMatch(/output field \("data", Put Output in Field\) and in turn<N>_image<K> fields only/);
	});

	it('refuses the output field of another node, saying to set the same Put Output in Field', () => {
		const problem = check(pair('a', 'image'), fieldsOf('image'));
		expect(problem?.problem).toContain('"image"');
		expect(problem?.fix).toContain('set the same one here');
		expect(check(pair('a', 'image'), fieldsOf('image'), 'image')).toBe(undefined);
	});

	it('quotes a huge field name as a short excerpt', () => {
		const name = 'x'.repeat(1024 * 1024);
		const problem = check(pair('a', name), fieldsOf(name));
		expect(problem!.problem.length + problem!.fix.length).toBeLessThan(700);
	});

	it('refuses an image in a prompt turn while reading', () => {
		const turns = [
			{ role: 'user', parts: [{ text: 'p' }, { image: 'turn1_image1', mimeType: 'image/png' }] },
			...pair('a', 'data').slice(1),
		];
		expect(readConversation(wrap(turns))).toMatchObject({ problem: expect.stringContaining('turn 1, a prompt, holds an image') });
	});
});

describe('caps, counted before the conversation is read', () => {
	it(`refuses more than ${CONVERSATION_LIMITS.maxTurns} turns, and more than ${CONVERSATION_LIMITS.maxParts} parts`, () => {
		const turns = Array.from({ length: CONVERSATION_LIMITS.maxTurns + 2 }, (_, t) => ({
			role: t % 2 ? 'model' : 'user',
			parts: [{ text: 'x' }],
		}));
		expect(readConversation(wrap(turns))).toMatchObject({
			problem: `The conversation on the input item is too long: ${turns.length} turns, at most ${CONVERSATION_LIMITS.maxTurns}`,
		});
		const parts = Array.from({ length: CONVERSATION_LIMITS.maxParts }, () => ({ text: 'x' }));
		expect(readConversation(wrap([{ role: 'user', parts }, ...pair('a', 'data').slice(1)]))).toMatchObject({
			problem: `The conversation on the input item is too long: ${CONVERSATION_LIMITS.maxParts + 1} parts, at most ${CONVERSATION_LIMITS.maxParts}`,
		});
		// at the caps it is read
		const atCap = Array.from({ length: CONVERSATION_LIMITS.maxTurns }, (_, t) =>
			t % 2
				? { role: 'model', parts: [{ image: `turn${t + 1}_image1`, mimeType: 'image/png' }] }
				: { role: 'user', parts: [{ text: 'x' }] },
		);
		expect(readConversation(wrap(atCap))).toHaveProperty('conversation');
	});

	it('refuses before reading a single turn: a broken turn past the cap is not what is reported', () => {
		const turns: unknown[] = Array.from({ length: 20000 }, () => 'not a turn');
		expect(readConversation(wrap(turns))).toMatchObject({ problem: expect.stringContaining('too long: 20000 turns') });
	});

	it('keeps only the newest earlier prompts, each cut short', () => {
		const earlierPrompts = Array.from({ length: 1000 }, (_, i) => `${i} ${'y'.repeat(5000)}`);
		const read = readConversation(wrap(pair('a', 'data'), { earlierPrompts }));
		if (!('conversation' in read)) throw new Error(read.problem);
		expect(read.conversation.earlierPrompts).toHaveLength(CONVERSATION_LIMITS.maxEarlierPrompts);
		expect(read.conversation.earlierPrompts![0]).toMatch(/^980 y+$/);
		expect(read.conversation.earlierPrompts!.every((p) => p.length === CONVERSATION_LIMITS.maxSummaryPromptChars)).toBe(true);
	});
});

describe('only known formats and versions', () => {
	it.each([0, -1, 0.5, '1', null, Number.NaN, true])('refuses version %p as one the node does not write', (version) => {
		const r = readConversation(wrap(pair('a', 'data'), { version }));
		expect(r).toMatchObject({ problem: expect.stringMatching(/damaged: its version .* is not one this node writes \(1\)/) });
	});

	it('says to update the package for a newer version, and reads version 1', () => {
		expect(readConversation(wrap(pair('a', 'data'), { version: 2 }))).toMatchObject({ problem: expect.stringContaining('newer version') });
		expect(readConversation(wrap(pair('a', 'data')))).toHaveProperty('conversation');
	});

	it.each([
		['a huge model name', { model: 'm'.repeat(100000) }, /model name is 100000 characters long/],
		[
			'a role quoted whole',
			{ turns: [{ role: 'r'.repeat(100000), parts: [{ text: 'x' }] }, ...pair('a', 'data').slice(1)] },
			/not "r{10,40}…$/,
		],
		[
			'a MIME type that is not an image',
			{ turns: [...pair('a').slice(0, 1), { role: 'model', parts: [{ image: 'data', mimeType: 'text/html' }] }] },
			/an image of type text\/html/,
		],
		[
			'a signature that is not text',
			{ turns: [...pair('a').slice(0, 1), { role: 'model', parts: [{ image: 'data', thoughtSignature: { x: 1 } }] }] },
			/thought signature that is not text/,
		],
	])('refuses %s with a short message', (_what, extra, why) => {
		const r = readConversation(wrap(pair('a', 'data'), extra));
		expect(r).toMatchObject({ problem: expect.stringMatching(why) });
		expect(JSON.stringify(r).length).toBeLessThan(800);
	});
});

describe('text and thought signatures count in Max Input Size with the images', () => {
	/** `pairs` pairs whose prompts are `promptBytes` long and whose images carry `signatureBytes` signatures. */
	function heavy(pairs: number, promptBytes: number, signatureBytes: number): Conversation {
		const turns: ConversationTurn[] = [];
		for (let i = 1; i <= pairs; i++) {
			turns.push({ role: 'user', parts: [{ text: `${i}`.padEnd(promptBytes, 'p') }] });
			const image = i === pairs ? 'data' : `turn${2 * i}_image1`;
			turns.push({ role: 'model', parts: [{ image, mimeType: 'image/png', thoughtSignature: 'S'.repeat(signatureBytes) }] });
		}
		return conversationOf(turns);
	}
	const sizes = (bytes: number) => () => bytes;
	const limits = { maxImages: 14, maxBytes: 20 * MB };

	it('20 earlier prompts of 1 MB: the oldest are left out so that the request stays within 20 MB', () => {
		const plan = planHistory(heavy(20, MB, 0), sizes(10 * 1024), { maxImages: 40, maxBytes: 20 * MB }, { textBytes: 100 });
		if (!('turns' in plan)) throw new Error(plan.problem);
		expect(plan.textBytes + plan.imageFields.length * 10 * 1024 + 100).toBeLessThanOrEqual(20 * MB);
		expect(plan.textBytes).toBeGreaterThan(18 * MB);
		expect(plan.droppedTurns).toBe(2);
		// the summary keeps the dropped prompts short
		expect(plan.earlierPrompts.every((p) => p.length <= CONVERSATION_LIMITS.maxSummaryPromptChars)).toBe(true);
	});

	it('20 thought signatures of 5 MB: at most three pairs go, never 105 MB', () => {
		const plan = planHistory(heavy(20, 10, 5 * MB), sizes(1024), limits);
		if (!('turns' in plan)) throw new Error(plan.problem);
		expect(plan.turns).toHaveLength(6);
		expect(plan.textBytes).toBeLessThanOrEqual(20 * MB);
	});

	it('refuses when the last turn alone is over the limit, and says that it is the text', () => {
		const plan = planHistory(heavy(2, 10, 25 * MB), sizes(1024), limits);
		expect(plan).toMatchObject({
			problem: expect.stringMatching(
				/too large to send: 1 image\(s\), 25\.0 MB with the new prompt \(text and thought signatures 25\.0 MB\)/,
			),
			fix: expect.stringContaining('The text alone'),
		});
		// the new prompt counts as well
		expect(planHistory(heavy(1, 10, 0), sizes(1024), limits, { textBytes: 21 * MB })).toHaveProperty('problem');
	});

	it('the summary counts too, and what is counted is what historyContents sends', () => {
		const c = heavy(3, 100, 100);
		c.earlierPrompts = Array.from({ length: 20 }, () => 'e'.repeat(300));
		const plan = planHistory(c, sizes(0), limits);
		if (!('turns' in plan)) throw new Error(plan.problem);
		const contents = historyContents(plan, () => ({ mimeType: 'image/png', data: '' }));
		const texts = contents
			.flatMap((c: any) => c.parts)
			.reduce((sum: number, p: any) => sum + utf8Bytes(p.text ?? '') + (p.thoughtSignature?.length ?? 0), 0);
		expect(plan.textBytes).toBe(texts);
	});
});

describe('linear in the size of the conversation', () => {
	/** A conversation of `turns` turns (about 50 bytes of JSON each) and its binary fields. */
	function big(turns: number): { conversation: Conversation; binary: Record<string, unknown> } {
		const list: ConversationTurn[] = [];
		const binary: Record<string, unknown> = {};
		for (let t = 1; t <= turns; t++) {
			if (t % 2) list.push({ role: 'user', parts: [{ text: `step ${t}` }] });
			else {
				const image = t === turns ? 'data' : `turn${t}_image1`;
				binary[image] = { mimeType: 'image/png' };
				list.push({ role: 'model', parts: [{ image, mimeType: 'image/png', thoughtSignature: 'sig' }] });
			}
		}
		return { conversation: conversationOf(list), binary };
	}
	/** Checks and trims as Refine Image does, with images of 1 MB: only the last few pairs fit in 20 MB. */
	const work = ({ conversation, binary }: ReturnType<typeof big>) => {
		if (checkImageFields(conversation, binary, 'data')) throw new Error('fields');
		const plan = planHistory(conversation, () => MB, { maxImages: 14, maxBytes: 20 * MB });
		if (!('turns' in plan)) throw new Error(plan.problem);
		return plan;
	};
	/** The best of `runs` runs of each, in ms, taken in turns so that a pause of the machine hits both alike. */
	const best = (fns: Array<() => void>, runs = 5) => {
		const times = fns.map(() => Infinity);
		for (let i = 0; i < runs; i++) {
			fns.forEach((fn, n) => {
				const started = process.hrtime.bigint();
				fn();
				times[n] = Math.min(times[n], Number(process.hrtime.bigint() - started) / 1e6);
			});
		}
		return times;
	};

	it('checking and trimming 40,000 turns takes well under 16 times as long as 10,000 (quadratic would)', () => {
		const small = big(10000);
		const large = big(40000);
		expect(work(large).turns).toHaveLength(28);
		const [ms, ms4] = best([() => work(small), () => work(large)]);
		// linear is about 4; quadratic (the old trimming) 16
		expect(ms4 / Math.max(ms, 1)).toBeLessThan(9);
		// a sanity bound that holds on a busy machine (the old trimming took seconds at 20,000 turns)
		expect(ms4).toBeLessThan(1500);
	});

	it('reading a 20,000-turn conversation (about 1 MB of JSON) is refused at once, by counting', () => {
		const json = JSON.parse(JSON.stringify({ conversation: big(20000).conversation }));
		const json4 = JSON.parse(JSON.stringify({ conversation: big(80000).conversation }));
		expect(readConversation(json4)).toMatchObject({ problem: expect.stringContaining('too long: 80000 turns') });
		const [ms, ms4] = best([() => readConversation(json), () => readConversation(json4)]);
		expect(ms4 / Math.max(ms, 1)).toBeLessThan(9);
		expect(ms4).toBeLessThan(500);
	});
});
