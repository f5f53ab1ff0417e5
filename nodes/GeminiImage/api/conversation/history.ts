/**
 * Which earlier turns of a conversation go into the next request, within the request's limits, and how they
 * are written as Gemini `contents`.
 */
import type { Conversation, ConversationTurn, ImagePart, Problem, TextPart } from './format';
import { CONVERSATION_LIMITS, isImagePart } from './format';

const { maxEarlierPrompts, maxSummaryPromptChars } = CONVERSATION_LIMITS;

export interface RequestLimits {
	/** Most images one request may hold (history and new input images together). */
	maxImages: number;
	/** Largest total size of those images and of the text that goes with them (Max Input Size), in bytes. */
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
	/** Bytes of the text sent with these turns: their texts, thought signatures and the summary. */
	textBytes: number;
}

/** What the new turn adds to the request. */
export interface NewTurn {
	images?: number;
	/** Bytes of its images. */
	imageBytes?: number;
	/** Bytes of its text (the prompt, a system instruction). */
	textBytes?: number;
}

/** UTF-8 bytes of a text, as it goes into the request body. */
export const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

const promptOf = (turn: ConversationTurn) =>
	turn.parts
		.filter((part): part is TextPart => !isImagePart(part))
		.map((part) => part.text)
		.join(' ')
		.trim();

const MB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Which earlier turns go into the next request. Every image and every text (prompts, the model's texts, thought
 * signatures, the summary) counts against the limits, so long conversations drop their oldest (user, model)
 * pairs until the rest fits, keeping at least the last pair: the image being refined. Their prompts are kept
 * as a short summary. `imageBytes(field)` is the size of an image. Linear in the conversation's size: each
 * turn is measured once, and the first pair from which the rest fits is found on running totals.
 */
export function planHistory(
	conversation: Conversation,
	imageBytes: (field: string) => number,
	limits: RequestLimits,
	newTurn: NewTurn = {},
): HistoryPlan | Problem {
	const { turns } = conversation;
	const pairs = Math.floor(turns.length / 2);
	// Per pair: its images, their bytes, and the bytes of its text and signatures.
	const images: number[] = [];
	const bytes: number[] = [];
	const texts: number[] = [];
	for (let p = 0; p < pairs; p++) {
		let count = 0;
		let size = 0;
		let text = 0;
		for (const turn of [turns[2 * p], turns[2 * p + 1]]) {
			for (const part of turn.parts) {
				if (isImagePart(part)) {
					count++;
					size += imageBytes(part.image);
				} else text += utf8Bytes(part.text);
				if (part.thoughtSignature) text += part.thoughtSignature.length;
			}
		}
		images.push(count);
		bytes.push(size);
		texts.push(text);
	}
	// Totals of the pairs from p to the end, from the last pair back.
	const restImages = new Array<number>(pairs + 1).fill(0);
	const restImageBytes = new Array<number>(pairs + 1).fill(0);
	const restText = new Array<number>(pairs + 1).fill(0);
	for (let p = pairs - 1; p >= 0; p--) {
		restImages[p] = restImages[p + 1] + images[p];
		restImageBytes[p] = restImageBytes[p + 1] + bytes[p];
		restText[p] = restText[p + 1] + texts[p];
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
	const textFrom = (p: number, summary: string[]) => restText[p] + utf8Bytes(summaryText(summary) ?? '');
	for (let p = 0; p < pairs; p++) {
		if (restImages[p] + newImages > limits.maxImages) continue;
		const earlierPrompts = summaryFor(p);
		const textBytes = textFrom(p, earlierPrompts);
		if (restImageBytes[p] + newImageBytes + textBytes + newTextBytes > limits.maxBytes) continue;
		const sent = turns.slice(2 * p);
		return { turns: sent, earlierPrompts, droppedTurns: 2 * p, imageFields: imageFieldsOf(sent), textBytes };
	}
	const p = Math.max(0, pairs - 1);
	const imageBytesSent = restImageBytes[p] + newImageBytes;
	const textBytesSent = textFrom(p, summaryFor(p)) + newTextBytes;
	return {
		problem:
			`The image to refine is too large to send: ${restImages[p] + newImages} image(s), ${MB(imageBytesSent + textBytesSent)} with the new prompt ` +
			`(text and thought signatures ${MB(textBytesSent)}), the limit is ${limits.maxImages} image(s) and ${MB(limits.maxBytes)}`,
		fix:
			textBytesSent > limits.maxBytes
				? "The text alone (the prompts, the model's texts and their thought signatures) is over Max Input Size: shorten the prompt, or start anew from the image with Image to Image."
				: 'Raise Max Input Size if your gateway accepts larger requests, or start anew from a smaller image with Image to Image.',
	};
}

const imageFieldsOf = (turns: ConversationTurn[]) => turns.flatMap((turn) => turn.parts.filter(isImagePart).map((part) => part.image));

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
