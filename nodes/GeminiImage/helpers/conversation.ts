/**
 * Refine Image's conversation, carried on the n8n item itself (turns in `json.conversation`, images in binary
 * fields), so it survives Wait and Form nodes, later executions and queue-mode workers with no storage outside
 * n8n. Read and checked (anyone may have written it), trimmed to what a request holds (thought signatures
 * verbatim, drafts left out), and written back extended.
 */
import type { AnswerPart, ConversationPart, ConversationTurn, GenerationResult, ImagePart, TextPart } from './interfaces';
import { conversationFamily } from './models';
import { cutText, formatBytes } from './redact';

const CONVERSATION_FORMAT = 'gemini-image-conversation';
const CONVERSATION_VERSION = 1;

/**
 * The node itself never writes more than 30 turns (a request holds at most 14 earlier images, one per answer,
 * and each refinement adds 2 turns), so these refuse only conversations written by someone else.
 */
export const CONVERSATION_LIMITS = {
	maxTurns: 100,
	maxParts: 2000,
	/** Prompts of dropped turns kept for the summary, and how much of each. */
	maxEarlierPrompts: 20,
	maxSummaryPromptChars: 300,
	/** A model id or an image's MIME type longer than this is not one the node wrote. */
	maxNameChars: 200,
};

export interface Conversation {
	format: typeof CONVERSATION_FORMAT;
	version: number;
	/** The model that answered the last turn: signatures only mean something to the same model. */
	model: string;
	turns: ConversationTurn[];
	/** Prompts of turns dropped to stay within the request limits, oldest first; sent as a short summary. */
	earlierPrompts?: string[];
}

/** What is wrong, in words a user can act on (the caller adds the item number). */
export interface Problem {
	problem: string;
	fix: string;
}

export const isImagePart = (part: ConversationPart): part is ImagePart => typeof (part as ImagePart).image === 'string';

/** Where an output binary field's image comes from: a binary field of the input item, or a new image. */
interface BinarySource {
	field: string;
	from: { input: string } | { image: number };
}

/**
 * The answer's parts. The native route reports them (with signatures); the chat route has none, so its
 * text and images stand in, text first, as the chat answer shows them.
 */
export function answerParts(result: Pick<GenerationResult, 'text' | 'images'> & { parts?: AnswerPart[] }): AnswerPart[] {
	if (result.parts?.length) return result.parts;
	const parts: AnswerPart[] = result.text ? [{ text: result.text }] : [];
	result.images.forEach((_image, image) => parts.push({ image }));
	return parts;
}

const historyFieldName = (turn: number, image: number) => `turn${turn}_image${image}`;

interface ExtendInput {
	model: string;
	/** The turns that were sent before the new prompt (none when a conversation starts). */
	history: ConversationTurn[];
	earlierPrompts?: string[];
	prompt: string;
	answer: AnswerPart[];
	mimeTypes: string[];
	/** Which new image this output item is about. */
	imageIndex: number;
	outputField: string;
}

/**
 * The conversation of an output item: the turns sent, the new prompt and the answer, every image named after
 * its binary field: this item's own in the output field, the others in `turn<t>_image<k>`.
 */
export function extendConversation(input: ExtendInput): { conversation: Conversation; binaries: BinarySource[] } {
	const answerTurn: ConversationTurn = {
		role: 'model',
		parts: input.answer.map((part): ConversationPart => {
			const out: ConversationPart =
				'image' in part ? { image: `#${part.image}`, mimeType: input.mimeTypes[part.image] ?? 'image/png' } : { text: part.text };
			if (part.thoughtSignature) out.thoughtSignature = part.thoughtSignature;
			return out;
		}),
	};
	const turns = [...input.history, { role: 'user' as const, parts: [{ text: input.prompt }] }, answerTurn];
	const binaries: BinarySource[] = [];
	const renamed = turns.map((turn, t) => {
		let k = 0;
		return {
			role: turn.role,
			parts: turn.parts.map((part) => {
				if (!isImagePart(part)) return { ...part };
				k++;
				const isNew = t === turns.length - 1;
				const from = isNew ? { image: Number(part.image.slice(1)) } : { input: part.image };
				let field = historyFieldName(t + 1, k);
				if (isNew && Number(part.image.slice(1)) === input.imageIndex) field = input.outputField;
				else if (field === input.outputField) field = `${field}_history`;
				binaries.push({ field, from });
				return { ...part, image: field };
			}),
		};
	});
	const conversation: Conversation = { format: CONVERSATION_FORMAT, version: CONVERSATION_VERSION, model: input.model, turns: renamed };
	if (input.earlierPrompts?.length) conversation.earlierPrompts = [...input.earlierPrompts];
	return { conversation, binaries };
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A value as a message may quote it: short, whatever its size. */
const excerpt = (value: unknown, max = 40) => cutText(typeof value === 'string' ? value : String(JSON.stringify(value)), max);

/** A part as the node writes it, or why it is not one. */
function readPart(value: unknown): ConversationPart | string {
	if (!isObject(value)) return 'a part that is neither text nor image';
	const signature = value.thoughtSignature;
	if (signature !== undefined && typeof signature !== 'string') return 'a thought signature that is not text';
	let part: ConversationPart;
	if (value.image !== undefined) {
		if (typeof value.image !== 'string' || !value.image) return 'an image part without a binary field name';
		const mimeType = value.mimeType ?? 'image/png';
		if (typeof mimeType !== 'string' || !/^image\/[\w.+-]+$/.test(mimeType) || mimeType.length > CONVERSATION_LIMITS.maxNameChars) {
			return `an image of type ${excerpt(mimeType)}`;
		}
		part = { image: value.image, mimeType };
	} else if (typeof value.text === 'string') part = { text: value.text };
	else return 'a part that is neither text nor image';
	if (signature) part.thoughtSignature = signature;
	return part;
}

const NOT_OURS: Problem = {
	problem: 'The input item is not an output of a Gemini Image node: it has no conversation',
	fix:
		'Connect Refine Image to the output of a Gemini Image node (Text to Image, Image to Image or Refine Image, node version 2). ' +
		'A node in between that replaces the JSON (Edit Fields without "Include Other Input Fields", Code) drops the "conversation" field: keep it.',
};

const START_AGAIN =
	'Pass the Gemini Image output item on unchanged (a Code or Edit Fields node may have altered "conversation"), or start again with Text to Image or Image to Image.';

/** The conversation of an input item, its structure and caps checked (not yet its images). */
export function readConversation(json: unknown): { conversation: Conversation } | Problem {
	const raw = isObject(json) ? json.conversation : undefined;
	if (raw === undefined || raw === null) return NOT_OURS;
	if (!isObject(raw) || raw.format !== CONVERSATION_FORMAT) {
		return { ...NOT_OURS, problem: 'The input item\'s "conversation" field was not made by a Gemini Image node' };
	}
	const broken = (why: string): Problem => ({ problem: `The conversation on the input item is damaged: ${why}`, fix: START_AGAIN });
	const version = raw.version;
	if (typeof version === 'number' && Number.isInteger(version) && version > CONVERSATION_VERSION) {
		return {
			problem: `The conversation was written by a newer version of this node (format ${version}, this one reads ${CONVERSATION_VERSION})`,
			fix: 'Update the n8n-nodes-cometapi package on this n8n (in queue mode: on every worker too).',
		};
	}
	if (version !== CONVERSATION_VERSION)
		return broken(`its version ${excerpt(version)} is not one this node writes (${CONVERSATION_VERSION})`);
	if (typeof raw.model !== 'string' || !raw.model.trim()) return broken('it names no model');
	if (raw.model.length > CONVERSATION_LIMITS.maxNameChars) return broken(`its model name is ${raw.model.length} characters long`);
	if (!Array.isArray(raw.turns) || raw.turns.length < 2) return broken('it has fewer than two turns');

	// The caps first, by counting alone: a conversation too long is refused before any of it is read.
	const tooLong = (what: string): Problem => ({
		problem: `The conversation on the input item is too long: ${what}`,
		fix: `A Gemini Image conversation has at most ${CONVERSATION_LIMITS.maxTurns} turns and ${CONVERSATION_LIMITS.maxParts} parts (the node itself keeps it far shorter). ${START_AGAIN}`,
	});
	if (raw.turns.length > CONVERSATION_LIMITS.maxTurns) return tooLong(`${raw.turns.length} turns, at most ${CONVERSATION_LIMITS.maxTurns}`);
	let partCount = 0;
	for (const value of raw.turns) partCount += isObject(value) && Array.isArray(value.parts) ? value.parts.length : 0;
	if (partCount > CONVERSATION_LIMITS.maxParts) return tooLong(`${partCount} parts, at most ${CONVERSATION_LIMITS.maxParts}`);

	const turns: ConversationTurn[] = [];
	for (let t = 0; t < raw.turns.length; t++) {
		const value: unknown = raw.turns[t];
		const role = isObject(value) ? value.role : undefined;
		const expected = t % 2 === 0 ? 'user' : 'model';
		if (role !== expected) return broken(`turn ${t + 1} should come from the ${expected}, not ${excerpt(JSON.stringify(role) ?? 'none')}`);
		const rawParts: unknown[] = isObject(value) && Array.isArray(value.parts) ? value.parts : [];
		if (!rawParts.length) return broken(`turn ${t + 1} has no parts`);
		const parts: ConversationPart[] = [];
		for (const rawPart of rawParts) {
			const part = readPart(rawPart);
			if (typeof part === 'string') return broken(`turn ${t + 1} has ${part}`);
			if (expected === 'user' && isImagePart(part))
				return broken(`turn ${t + 1}, a prompt, holds an image (the node keeps images in answers only)`);
			parts.push(part);
		}
		turns.push({ role: expected, parts });
	}
	if (turns[turns.length - 1].role !== 'model') return broken('it does not end with an answer of the model');
	if (!turns[turns.length - 1].parts.some(isImagePart)) return broken('the last answer of the model has no image');

	const conversation: Conversation = { format: CONVERSATION_FORMAT, version: CONVERSATION_VERSION, model: raw.model, turns };
	// Only the newest prompts are kept, each cut as the node cuts them: the summary stays short whatever the item says.
	const earlier = Array.isArray(raw.earlierPrompts) ? raw.earlierPrompts.slice(-CONVERSATION_LIMITS.maxEarlierPrompts) : [];
	const prompts = earlier
		.filter((p): p is string => typeof p === 'string')
		.map((p) => p.slice(0, CONVERSATION_LIMITS.maxSummaryPromptChars));
	if (prompts.length) conversation.earlierPrompts = prompts;
	return { conversation };
}

/**
 * The binary fields a conversation's images may name are those extendConversation writes; any other field of
 * the item (a file a user uploaded, say) is refused, and so is a field missing from the item.
 */
export function checkImageFields(conversation: Conversation, binary: object | undefined, outputField: string): Problem | undefined {
	const last = conversation.turns.length;
	let outputSeen = false;
	for (let t = 1; t <= last; t++) {
		let k = 0;
		for (const part of conversation.turns[t - 1].parts) {
			if (!isImagePart(part)) continue;
			k++;
			const name = part.image;
			const positional = historyFieldName(t, k);
			// The output field holds one image of the last answer; a turn field may be renamed `…_history` (extendConversation).
			const ours =
				name === outputField
					? t === last && !outputSeen
					: name === positional || (positional === outputField && name === `${positional}_history`);
			if (name === outputField) outputSeen = true;
			if (!ours) {
				return {
					problem: `The conversation names binary field "${excerpt(name)}" for an image of turn ${t}, which is not a field Gemini Image writes: nothing was sent`,
					fix: `A Gemini Image conversation keeps its images in the output field ("${excerpt(outputField)}", Put Output in Field) and in turn<N>_image<K> fields only; no other binary field of the item is sent. If the image was made with another Put Output in Field, set the same one here; otherwise pass the Gemini Image output item on unchanged.`,
				};
			}
			if (binary && Object.prototype.hasOwnProperty.call(binary, name)) continue;
			const fields = Object.keys(binary ?? {});
			return {
				problem: `The conversation's image in binary field "${excerpt(name)}" is missing from the input item`,
				fix: `The item's binary fields are: ${fields.length ? excerpt(fields.join(', '), 200) : 'none'}. Keep all binary fields of the Gemini Image output on the item up to Refine Image (a node in between may have dropped or renamed them).`,
			};
		}
	}
	return undefined;
}

/** A conversation made by another model family cannot go on with this one. */
export function checkFamily(conversation: Conversation, model: string): Problem | undefined {
	if (conversationFamily(conversation.model) === conversationFamily(model)) return undefined;
	const made = excerpt(conversation.model, 80);
	return {
		problem: `The conversation was made with ${made}, but this node uses ${excerpt(model, 80)}`,
		fix: `A model can only continue its own conversations (its thought signatures mean nothing to another model). Set Model to ${made}, e.g. by ID with the expression {{ $json.conversation.model }}, or start anew from the image with Image to Image.`,
	};
}

const { maxEarlierPrompts, maxSummaryPromptChars } = CONVERSATION_LIMITS;

interface RequestLimits {
	/** Most images one request may hold (history and new input images together). */
	maxImages: number;
	/** Largest total size of those images and of the text that goes with them (Max Input Size), in bytes. */
	maxBytes: number;
}

interface HistoryPlan {
	/** The turns to send before the new prompt: whole (user, model) pairs, oldest dropped first. */
	turns: ConversationTurn[];
	/** Prompts of every dropped turn so far, oldest first (those of earlier trims included). */
	earlierPrompts: string[];
	droppedTurns: number;
	/** The binary fields of the images sent, in the order they appear in the request. */
	imageFields: string[];
	/** Bytes of the text sent with these turns: their texts, thought signatures and the summary. */
	textBytes: number;
}

/** What the new turn adds to the request: its images, their bytes, the bytes of its text (prompt, system instruction). */
interface NewTurn {
	images?: number;
	imageBytes?: number;
	textBytes?: number;
}

export const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

const promptOf = (turn: ConversationTurn) =>
	turn.parts
		.filter((part): part is TextPart => !isImagePart(part))
		.map((part) => part.text)
		.join(' ')
		.trim();

/**
 * Every image and every text (prompts, the model's texts, thought signatures, the summary) counts against the
 * limits, so long conversations drop their oldest (user, model) pairs until the rest fits, keeping at least the
 * last pair: the image being refined. Their prompts are kept as a short summary. Linear: each turn is measured
 * once, and the first pair from which the rest fits is found on running totals.
 */
export function planHistory(
	conversation: Conversation,
	imageBytes: (field: string) => number,
	limits: RequestLimits,
	newTurn: NewTurn = {},
): HistoryPlan | Problem {
	const { turns } = conversation;
	const pairs = Math.floor(turns.length / 2);
	// Totals of the pairs from p to the end: images, their bytes, and the bytes of text and signatures.
	const rest = Array.from({ length: pairs + 1 }, () => ({ images: 0, imageBytes: 0, text: 0 }));
	for (let p = pairs - 1; p >= 0; p--) {
		const total = { ...rest[p + 1] };
		for (const part of [...turns[2 * p].parts, ...turns[2 * p + 1].parts]) {
			if (isImagePart(part)) {
				total.images++;
				total.imageBytes += imageBytes(part.image);
			} else total.text += utf8Bytes(part.text);
			if (part.thoughtSignature) total.text += utf8Bytes(part.thoughtSignature);
		}
		rest[p] = total;
	}
	const carried = conversation.earlierPrompts ?? [];
	const dropped: string[] = [];
	/** The summary when the pairs before p are left out: the newest prompts only, so it stays short. */
	const summaryFor = (p: number) => {
		while (dropped.length < p) dropped.push(promptOf(turns[2 * dropped.length]).slice(0, maxSummaryPromptChars));
		const fromDropped = dropped.slice(Math.max(0, p - maxEarlierPrompts), p);
		return [...carried.slice(Math.max(0, carried.length - (maxEarlierPrompts - fromDropped.length))), ...fromDropped];
	};
	const newImages = newTurn.images ?? 0;
	const newImageBytes = newTurn.imageBytes ?? 0;
	const newTextBytes = newTurn.textBytes ?? 0;
	/** Bytes of the text sent with the pairs from p on: their texts and signatures, and the summary. */
	const textFrom = (p: number, summary: string[]) => rest[p].text + utf8Bytes(summaryText(summary) ?? '');
	for (let p = 0; p < pairs; p++) {
		if (rest[p].images + newImages > limits.maxImages) continue;
		const earlierPrompts = summaryFor(p);
		const textBytes = textFrom(p, earlierPrompts);
		if (rest[p].imageBytes + newImageBytes + textBytes + newTextBytes > limits.maxBytes) continue;
		const sent = turns.slice(2 * p);
		return { turns: sent, earlierPrompts, droppedTurns: 2 * p, imageFields: imageFieldsOf(sent), textBytes };
	}
	const p = Math.max(0, pairs - 1);
	const imageBytesSent = rest[p].imageBytes + newImageBytes;
	const textBytesSent = textFrom(p, summaryFor(p)) + newTextBytes;
	return {
		problem:
			`The image to refine is too large to send: ${rest[p].images + newImages} image(s), ${formatBytes(imageBytesSent + textBytesSent, 'MB')} with the new prompt ` +
			`(text and thought signatures ${formatBytes(textBytesSent, 'MB')}), the limit is ${limits.maxImages} image(s) and ${formatBytes(limits.maxBytes, 'MB')}`,
		fix:
			textBytesSent > limits.maxBytes
				? "The text alone (the prompts, the model's texts and their thought signatures) is over Max Input Size: shorten the prompt, or start anew from the image with Image to Image."
				: 'Raise Max Input Size if your gateway accepts larger requests, or start anew from a smaller image with Image to Image.',
	};
}

const imageFieldsOf = (turns: ConversationTurn[]) => turns.flatMap((turn) => turn.parts.filter(isImagePart).map((part) => part.image));

/** The text that stands in for dropped turns, at the start of the first user turn sent. */
function summaryText(earlierPrompts: string[]): string | undefined {
	if (!earlierPrompts.length) return undefined;
	const list = earlierPrompts.map((prompt, i) => `${i + 1}. ${prompt}`).join('\n');
	return `Earlier requests in this conversation (their images are left out), oldest first:\n${list}`;
}

type Json = Record<string, unknown>;

/**
 * The earlier turns as Gemini `contents` (camelCase, as the gateway wants), thought signatures verbatim on their
 * parts. `index`: an image's place among the request's images, in turn order.
 */
export function historyContents(
	plan: Pick<HistoryPlan, 'turns' | 'earlierPrompts'>,
	inlineData: (part: ImagePart, index: number) => { mimeType: string; data: string },
): Json[] {
	let imageIndex = 0;
	const summary = summaryText(plan.earlierPrompts);
	return plan.turns.map((turn, t) => {
		const parts: Json[] = turn.parts.map((part) => {
			const out: Json = isImagePart(part) ? { inlineData: inlineData(part, imageIndex++) } : { text: part.text };
			if (part.thoughtSignature) out.thoughtSignature = part.thoughtSignature;
			return out;
		});
		if (t === 0 && summary) parts.unshift({ text: summary });
		return { role: turn.role, parts };
	});
}
