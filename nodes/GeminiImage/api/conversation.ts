/**
 * A conversation with a Gemini image model, carried on the n8n item itself: its turns in the item's JSON
 * (`json.conversation`), its images in the item's binary fields, so it survives Wait and Form nodes, later
 * executions and queue-mode workers with no storage outside n8n. Refine Image reads it, sends the earlier
 * turns (thought signatures verbatim, drafts left out) plus the new prompt, and writes it back extended.
 * Pure functions: unit-tested without n8n.
 */

export const CONVERSATION_FORMAT = 'gemini-image-conversation';
export const CONVERSATION_VERSION = 1;
/** How many prompts of dropped turns are kept for the summary (they are short text, but not unbounded). */
const MAX_EARLIER_PROMPTS = 20;
const MAX_SUMMARY_PROMPT_CHARS = 300;

export interface TextPart {
	text: string;
	thoughtSignature?: string;
}

export interface ImagePart {
	/** The binary field of the item that holds the image. */
	image: string;
	mimeType: string;
	thoughtSignature?: string;
}

export type ConversationPart = TextPart | ImagePart;

export interface ConversationTurn {
	role: 'user' | 'model';
	parts: ConversationPart[];
}

export interface Conversation {
	format: typeof CONVERSATION_FORMAT;
	version: number;
	/** The model that answered the last turn: signatures only mean something to the same model. */
	model: string;
	turns: ConversationTurn[];
	/** Prompts of turns dropped to stay within the request limits, oldest first; sent as a short summary. */
	earlierPrompts?: string[];
}

/** Something wrong with an input item, in words a user can act on (the caller adds the item number). */
export interface Problem {
	problem: string;
	fix: string;
}

export const isImagePart = (part: ConversationPart): part is ImagePart => typeof (part as ImagePart).image === 'string';

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * The family a model id belongs to: preview and GA names of one model share it (CometAPI keeps retired
 * previews as aliases), different models do not (their thought signatures mean nothing to each other).
 */
export function conversationFamily(model: string): string {
	return model
		.trim()
		.toLowerCase()
		.replace(/^models\//, '')
		.replace(/-preview(-[\w.-]+)?$/, '')
		.replace(/-\d{3}$/, '');
}

function readPart(value: unknown): ConversationPart | undefined {
	if (!isObject(value)) return undefined;
	const signature = typeof value.thoughtSignature === 'string' && value.thoughtSignature ? value.thoughtSignature : undefined;
	if (typeof value.image === 'string' && value.image) {
		const part: ImagePart = { image: value.image, mimeType: typeof value.mimeType === 'string' ? value.mimeType : 'image/png' };
		if (signature) part.thoughtSignature = signature;
		return part;
	}
	if (typeof value.text === 'string') {
		const part: TextPart = { text: value.text };
		if (signature) part.thoughtSignature = signature;
		return part;
	}
	return undefined;
}

const NOT_OURS: Problem = {
	problem: 'The input item is not an output of a Gemini Image node: it has no conversation',
	fix:
		'Connect Refine Image to the output of a Gemini Image node (Text to Image, Image to Image or Refine Image, node version 2). ' +
		'A node in between that replaces the JSON (Edit Fields without "Include Other Input Fields", Code) drops the "conversation" field: keep it.',
};

/**
 * Reads and checks the conversation of an input item. `binary` is the item's binary fields (only their
 * names matter here): every image the conversation names must be there.
 */
export function readConversation(json: unknown, binary: Record<string, unknown> | undefined): { conversation: Conversation } | Problem {
	const raw = isObject(json) ? json.conversation : undefined;
	if (raw === undefined || raw === null) return NOT_OURS;
	if (!isObject(raw) || raw.format !== CONVERSATION_FORMAT) {
		return { ...NOT_OURS, problem: 'The input item\'s "conversation" field was not made by a Gemini Image node' };
	}
	if (typeof raw.version !== 'number' || raw.version > CONVERSATION_VERSION) {
		return {
			problem: `The conversation was written by a newer version of this node (format ${String(raw.version)}, this one reads ${CONVERSATION_VERSION})`,
			fix: 'Update the n8n-nodes-cometapi package on this n8n (in queue mode: on every worker too).',
		};
	}
	const broken = (why: string): Problem => ({
		problem: `The conversation on the input item is damaged: ${why}`,
		fix: 'Pass the Gemini Image output item on unchanged (a Code or Edit Fields node may have altered "conversation"), or start again with Text to Image or Image to Image.',
	});
	if (typeof raw.model !== 'string' || !raw.model.trim()) return broken('it names no model');
	if (!Array.isArray(raw.turns) || raw.turns.length < 2) return broken('it has fewer than two turns');
	const turns: ConversationTurn[] = [];
	for (const [t, value] of raw.turns.entries()) {
		const role = isObject(value) ? value.role : undefined;
		const expected = t % 2 === 0 ? 'user' : 'model';
		if (role !== expected) return broken(`turn ${t + 1} should come from the ${expected}, not ${JSON.stringify(role)}`);
		const parts = isObject(value) && Array.isArray(value.parts) ? value.parts.map(readPart) : [];
		if (!parts.length || parts.some((p) => !p)) return broken(`turn ${t + 1} has no parts or a part that is neither text nor image`);
		turns.push({ role: expected, parts: parts as ConversationPart[] });
	}
	if (turns[turns.length - 1].role !== 'model') return broken('it does not end with an answer of the model');
	if (!turns[turns.length - 1].parts.some(isImagePart)) return broken('the last answer of the model has no image');

	const fields = Object.keys(binary ?? {});
	for (const part of turns.flatMap((turn) => turn.parts)) {
		if (!isImagePart(part) || fields.includes(part.image)) continue;
		return {
			problem: `The conversation's image in binary field "${part.image}" is missing from the input item`,
			fix: `The item's binary fields are: ${fields.length ? fields.join(', ') : 'none'}. Keep all binary fields of the Gemini Image output on the item up to Refine Image (a node in between may have dropped or renamed them).`,
		};
	}
	const earlier = Array.isArray(raw.earlierPrompts) ? raw.earlierPrompts.filter((p): p is string => typeof p === 'string') : [];
	const conversation: Conversation = { format: CONVERSATION_FORMAT, version: CONVERSATION_VERSION, model: raw.model, turns };
	if (earlier.length) conversation.earlierPrompts = earlier;
	return { conversation };
}

/** A conversation made by another model family cannot go on with this one. */
export function checkFamily(conversation: Conversation, model: string): Problem | undefined {
	if (conversationFamily(conversation.model) === conversationFamily(model)) return undefined;
	return {
		problem: `The conversation was made with ${conversation.model}, but this node uses ${model}`,
		fix: `A model can only continue its own conversations (its thought signatures mean nothing to another model). Set Model to ${conversation.model}, e.g. by ID with the expression {{ $json.conversation.model }}, or start anew from the image with Image to Image.`,
	};
}

export interface RequestLimits {
	/** Most images one request may hold (history and new input images together). */
	maxImages: number;
	/** Largest total size of those images, in bytes. */
	maxBytes: number;
}

export interface HistoryPlan {
	/** The turns to send before the new prompt: whole (user, model) pairs, oldest dropped first. */
	turns: ConversationTurn[];
	/** Prompts of every dropped turn so far, oldest first (those of earlier trims included). */
	earlierPrompts: string[];
	/** How many turns this request dropped (0: all were sent). */
	droppedTurns: number;
	/** The binary fields of the images sent, in the order they appear in the request. */
	imageFields: string[];
}

const imageFieldsOf = (turns: ConversationTurn[]) => turns.flatMap((turn) => turn.parts.filter(isImagePart).map((part) => part.image));
const promptOf = (turn: ConversationTurn) =>
	turn.parts
		.filter((part): part is TextPart => !isImagePart(part))
		.map((part) => part.text)
		.join(' ')
		.trim();

/**
 * Which earlier turns go into the next request. Every image counts against the limits, so long
 * conversations drop their oldest (user, model) pairs until the rest fits, keeping at least the last pair:
 * the image being refined. Their prompts are kept as a short summary. `imageBytes(field)` is the size of
 * an image; `newImages` / `newBytes` what the new turn adds.
 */
export function planHistory(
	conversation: Conversation,
	imageBytes: (field: string) => number,
	limits: RequestLimits,
	newImages = 0,
	newBytes = 0,
): HistoryPlan | Problem {
	let turns = conversation.turns;
	const earlierPrompts = [...(conversation.earlierPrompts ?? [])];
	const fits = (candidate: ConversationTurn[]) => {
		const fields = imageFieldsOf(candidate);
		const bytes = fields.reduce((sum, field) => sum + imageBytes(field), newBytes);
		return fields.length + newImages <= limits.maxImages && bytes <= limits.maxBytes;
	};
	let droppedTurns = 0;
	while (turns.length > 2 && !fits(turns)) {
		earlierPrompts.push(promptOf(turns[0]).slice(0, MAX_SUMMARY_PROMPT_CHARS));
		turns = turns.slice(2);
		droppedTurns += 2;
	}
	if (!fits(turns)) {
		const last = imageFieldsOf(turns);
		const bytes = last.reduce((sum, field) => sum + imageBytes(field), newBytes);
		return {
			problem: `The image to refine is too large to send: ${last.length + newImages} image(s), ${(bytes / 1024 / 1024).toFixed(1)} MB with the new input, the limit is ${limits.maxImages} image(s) and ${(limits.maxBytes / 1024 / 1024).toFixed(1)} MB`,
			fix: 'Raise Max Input Size if your gateway accepts larger requests, or start anew from a smaller image with Image to Image.',
		};
	}
	return { turns, earlierPrompts: earlierPrompts.slice(-MAX_EARLIER_PROMPTS), droppedTurns, imageFields: imageFieldsOf(turns) };
}

/** The text that stands in for dropped turns, at the start of the first user turn sent. */
export function summaryText(earlierPrompts: string[]): string | undefined {
	if (!earlierPrompts.length) return undefined;
	const list = earlierPrompts.map((prompt, i) => `${i + 1}. ${prompt}`).join('\n');
	return `Earlier requests in this conversation (their images are left out), oldest first:\n${list}`;
}

type Json = Record<string, unknown>;

/**
 * The earlier turns as Gemini `contents` (camelCase, as the gateway wants): text and images with their
 * thought signatures on the same part, verbatim. `inlineData(part, index)` gives an image's `{mimeType,
 * data}` (index: its place among the request's images, in turn order).
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
