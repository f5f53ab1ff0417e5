/**
 * Which earlier turns of a conversation go into the next request, within the request's limits, and how they
 * are written as Gemini `contents`.
 */
import type { Conversation, ConversationTurn, ImagePart, Problem, TextPart } from './format';
import { isImagePart } from './format';

/** How many prompts of dropped turns are kept for the summary (they are short text, but not unbounded). */
const MAX_EARLIER_PROMPTS = 20;
const MAX_SUMMARY_PROMPT_CHARS = 300;

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
