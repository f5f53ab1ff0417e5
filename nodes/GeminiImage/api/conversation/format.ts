/**
 * A conversation with a Gemini image model, carried on the n8n item itself: its turns in the item's JSON
 * (`json.conversation`), its images in the item's binary fields, so it survives Wait and Form nodes, later
 * executions and queue-mode workers with no storage outside n8n. Refine Image reads it, sends the earlier
 * turns (thought signatures verbatim, drafts left out) plus the new prompt, and writes it back extended.
 * Pure functions: unit-tested without n8n.
 */

export const CONVERSATION_FORMAT = 'gemini-image-conversation';
export const CONVERSATION_VERSION = 1;

/**
 * What a carried conversation may hold. The node itself never writes more than 30 turns (a request holds at
 * most 14 earlier images, one per answer, and each refinement adds 2 turns), so these refuse only
 * conversations written by someone else, after a scan that is linear in their size.
 */
export const CONVERSATION_LIMITS = {
	maxTurns: 100,
	/** Parts of all turns together. */
	maxParts: 2000,
	/** Prompts of dropped turns kept for the summary, and how much of each. */
	maxEarlierPrompts: 20,
	maxSummaryPromptChars: 300,
	/** A model id or an image's MIME type longer than this is not one the node wrote. */
	maxNameChars: 200,
};

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
