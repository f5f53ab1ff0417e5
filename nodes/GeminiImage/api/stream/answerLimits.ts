/**
 * Bounds on what one answer may make the node hold or output, whatever a gateway sends. Real answers stay
 * far below them (a few KB of text, one to three images of at most ~50 MB each); a gateway that goes past
 * one gets a clear message instead of an instance that runs out of memory. Constants, not options: no
 * workflow needs to change them.
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
	/** The answer's text on its later image items, in characters (the first holds it whole; see actions/output/items.ts). */
	laterImageTextChars: 1000,
	/** An error answer's body: enough for any error envelope. */
	maxErrorBodyBytes: 64 * 1024,
};

/** The total time one attempt may take, as a multiple of the Timeout option (which is the idle timeout). */
export const TOTAL_TIMEOUT_FACTOR = 10;

export type LimitKind = 'json' | 'images' | 'imageBytes';

/** Thrown by the readers when an answer goes past a limit; the caller turns it into a final failure. */
export class AnswerLimitError extends Error {
	constructor(readonly kind: LimitKind) {
		super(`answer limit: ${kind}`);
	}
}

const MB = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

export function describeLimit(kind: LimitKind): { message: string; description: string } {
	const description =
		'A real answer of the image API stays far below this: the gateway (or a proxy in front of it) sent something else. Check the Base URL, and try again later.';
	if (kind === 'images') {
		return {
			message: `CometAPI's answer holds more than ${ANSWER_LIMITS.maxImages} images, the most this node reads from one answer`,
			description,
		};
	}
	if (kind === 'imageBytes') {
		return {
			message: `CometAPI's answer holds more than ${MB(ANSWER_LIMITS.maxImageBytes)} of images, the most this node reads from one answer`,
			description,
		};
	}
	return {
		message: `CometAPI's answer holds more than ${MB(ANSWER_LIMITS.maxJsonBytes)} besides its images, the most this node reads`,
		description,
	};
}

/** The output text, cut at the limit with a note that says so. */
export function capText(text: string, cut = false): string {
	const max = ANSWER_LIMITS.maxTextChars;
	if (text.length <= max && !cut) return text;
	return `${text.slice(0, max)} … [cut: the model's text is longer than ${max.toLocaleString('en-US')} characters]`;
}
