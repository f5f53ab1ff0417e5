/** The shapes shared by the node's layers: what the operations ask for, what an answer yields, and its bounds. */

export interface InputImage {
	/** The raw bytes; base64 is produced once, when the request body is built. */
	data: Buffer;
	mimeType: string;
	/** Where the image came from, for error messages (binary field name or URL). */
	source: string;
}

/** How an input image is written into a request body: its base64, or a placeholder (see encodeJsonWithBlobs). */
export type ImageEncoder = (image: InputImage, index: number) => string;

/** A turn of Refine Image's conversation, as the item carries it (helpers/conversation.ts reads and writes it). */
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

export interface GenerationInput {
	model: string;
	prompt: string;
	images: InputImage[];
	/** Empty means the model's default. */
	aspectRatio?: string;
	imageSize?: string;
	/** IMAGE only, or TEXT and IMAGE; undefined leaves the model's default. */
	responseModalities?: Array<'TEXT' | 'IMAGE'>;
	systemInstruction?: string;
	temperature?: number;
	topP?: number;
	seed?: number;
	safetySettings?: Array<{ category: string; threshold: string }>;
	googleSearch?: boolean;
	/**
	 * Earlier turns of a conversation (Refine Image), sent before the prompt. Their images are the first
	 * images of `images`, in the order the turns hold them; the images after those go with the prompt.
	 */
	history?: { turns: ConversationTurn[]; earlierPrompts: string[] };
}

/** One part of the model's answer, in answer order (drafts left out); an image by its index in `images`. */
export type AnswerPart = { text: string; thoughtSignature?: string } | { image: number; thoughtSignature?: string };

export interface OutputImage {
	data: Buffer;
	mimeType: string;
	extension: string;
	width?: number;
	height?: number;
	/** The MIME type the API claimed, when it differs from the bytes. */
	labelledMimeType?: string;
}

export interface GenerationResult {
	/** Final images only: drafts of thinking models are left out. */
	images: OutputImage[];
	/** The model's own text, thoughts left out. */
	text: string;
	finishReason?: string;
	finishMessage?: string;
	blockReason?: string;
	blockReasonMessage?: string;
	usage?: { promptTokens?: number; outputTokens?: number; thoughtsTokens?: number; totalTokens?: number };
	modelVersion?: string;
	responseId?: string;
	groundingSources?: Array<{ title?: string; uri?: string }>;
	searchQueries?: string[];
	draftImagesSkipped: number;
	/** Final images that were not images (bad base64, HTML...): what to say when no image is left. */
	undecodableImages?: Array<{ labelledMimeType?: string; problem: string }>;
	/** The text went past ANSWER_LIMITS.maxTextChars and was cut. */
	textCut?: boolean;
	/** The answer's parts with their thought signatures (native route only), to continue the conversation. */
	parts?: AnswerPart[];
}

export type ReadOutcome =
	| { result: GenerationResult }
	/** Not the JSON expected (an HTML page, a body or stream cut off): the start of the body, to tell which. */
	| { unreadable: string }
	/** An error object where the answer should be (Google's or CometAPI's envelope, inside a 200). */
	| { errorEvent: object };

export interface AnswerReader {
	push(chunk: Buffer): void;
	/** True once the rest of the stream does not matter ([DONE], an error event, a broken event). */
	readonly stopped: boolean;
	end(): ReadOutcome;
}

/**
 * Bounds on what one answer may make the node hold or output, whatever a gateway sends. Real answers stay
 * far below them (a few KB of text, one to three images of at most ~50 MB each); a gateway that goes past
 * one gets a clear message instead of an instance that runs out of memory.
 */
export const ANSWER_LIMITS = {
	/** The model's text in the output JSON, in characters; longer text is cut with a note. */
	maxTextChars: 100_000,
	/** One JSON string other than an image, as raw bytes (longer ones are cut while reading). */
	maxStringBytes: 1024 * 1024,
	/** The answer without its images (the JSON left to parse), in bytes. */
	maxJsonBytes: 16 * 1024 * 1024,
	/** Images in one answer, drafts of thinking models included. */
	maxImages: 32,
	/** Decoded image bytes in one answer, drafts included. */
	maxImageBytes: 256 * 1024 * 1024,
	/** Grounding sources and search queries kept from one answer (a real one has a handful). */
	maxGroundingSources: 100,
	maxSearchQueries: 100,
	/** The answer's text on its later image items, in characters (the first item holds it whole). */
	laterImageTextChars: 1000,
};

export type LimitKind = 'json' | 'images' | 'imageBytes';

/** Thrown by the readers when an answer goes past a limit; readAnswer turns it into a final failure. */
export class AnswerLimitError extends Error {
	constructor(readonly kind: LimitKind) {
		super(`answer limit: ${kind}`);
	}
}
