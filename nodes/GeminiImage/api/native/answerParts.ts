/**
 * The model's answer as parts, kept for the next turn of a conversation (Refine Image): text and final images
 * in answer order, each with the thought signature it came with. Pure, used while a response is read.
 */
import { ANSWER_LIMITS } from '../stream/answerLimits';
import type { AnswerPart, GenerationResult } from '../types';

function add(result: GenerationResult, part: AnswerPart, signature: string | undefined): void {
	if (signature) part.thoughtSignature = signature;
	(result.parts ??= []).push(part);
}

/** A final image, by its index in result.images. */
export function addImagePart(result: GenerationResult, signature: string | undefined): void {
	add(result, { image: result.images.length - 1 }, signature);
}

/**
 * A text part. A stream sends one text in pieces (`streamedBefore`: how many parts earlier events gave),
 * which join into one part, and may send its signature on a last, empty piece: it stays on that part.
 */
export function addTextPart(result: GenerationResult, text: string, signature: string | undefined, streamedBefore: number): void {
	const parts = result.parts ?? [];
	const last = parts[parts.length - 1];
	if (parts.length > 0 && parts.length === streamedBefore && last && 'text' in last && !last.thoughtSignature) {
		// Sliced only past the limit: slicing a joined string copies it, every event (quadratic in the text).
		const joined = last.text + text;
		last.text = joined.length > ANSWER_LIMITS.maxTextChars ? joined.slice(0, ANSWER_LIMITS.maxTextChars) : joined;
		if (signature) last.thoughtSignature = signature;
		return;
	}
	add(result, { text: text.length > ANSWER_LIMITS.maxTextChars ? text.slice(0, ANSWER_LIMITS.maxTextChars) : text }, signature);
}
