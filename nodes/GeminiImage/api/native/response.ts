/**
 * Gemini's native route: reading a response object (a whole answer, or one event of a stream) into a
 * result: final images, text, finish and block reasons, usage, grounding. Pure: unit-tested without n8n.
 */
import { field } from '../fields';
import type { ImageRead } from '../readImage';
import { readImage } from '../readImage';
import { blobIndex } from '../stream/blobs';
import { ANSWER_LIMITS } from '../stream/answerLimits';
import type { GenerationResult } from '../types';
import { addImagePart, addTextPart } from './answerParts';

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const BASE64_TEXT = /^[A-Za-z0-9+/=_\s-]*$/;

/**
 * One inlineData's image: the bytes decoded while reading (a blob reference, see stream/blobs.ts), or base64
 * text in an answer given as an object (tests, small answers).
 */
export function readInlineImage(value: unknown, labelledMimeType: string | undefined, blobs: Buffer[], notBase64: Set<number>): ImageRead {
	const text = typeof value === 'string' ? value : '';
	const blob = blobIndex(text);
	if (blob !== undefined && blobs[blob]) return readImage(blobs[blob], labelledMimeType, notBase64.has(blob));
	return readImage(Buffer.from(text, 'base64'), labelledMimeType, !BASE64_TEXT.test(text));
}

/**
 * Grounding of one response object, added in place: a stream may repeat it on every event, so nothing is
 * copied per event (linear in the answer), and the lists stop at their limits.
 */
function addGrounding(result: GenerationResult, grounding: unknown): void {
	for (const chunk of asArray(field(grounding, 'groundingChunks'))) {
		const web = field(chunk, 'web');
		if (!web) continue;
		const sources = (result.groundingSources ??= []);
		if (sources.length >= ANSWER_LIMITS.maxGroundingSources) break;
		sources.push({ title: field<string>(web, 'title'), uri: field<string>(web, 'uri') });
	}
	for (const query of asArray(field(grounding, 'webSearchQueries'))) {
		const queries = (result.searchQueries ??= []);
		if (queries.length >= ANSWER_LIMITS.maxSearchQueries) break;
		queries.push(String(query));
	}
}

export function emptyResult(): GenerationResult {
	return { images: [], text: '', draftImagesSkipped: 0 };
}

/**
 * Folds one response object (a whole answer, or one event of a stream) into `result`.
 * Parts marked `thought: true` are drafts of thinking models and never become output.
 */
export function mergeNativeResponse(
	result: GenerationResult,
	response: unknown,
	blobs: Buffer[] = [],
	notBase64 = new Set<number>(),
): GenerationResult {
	const texts: string[] = [];
	// Parts from earlier events of a stream: a text piece may continue the last one (answerParts.ts).
	const streamedBefore = result.parts?.length ?? 0;
	for (const candidate of asArray(field(response, 'candidates'))) {
		const content = field(candidate, 'content');
		for (const part of asArray(field(content, 'parts'))) {
			if (!part || typeof part !== 'object') continue;
			const inline = field(part, 'inlineData');
			const isThought = field(part, 'thought') === true;
			const signature = field<string>(part, 'thoughtSignature');
			if (inline) {
				if (isThought) {
					result.draftImagesSkipped++;
					continue;
				}
				const label = field<string>(inline, 'mimeType');
				const read = readInlineImage(field(inline, 'data'), label, blobs, notBase64);
				if ('image' in read) {
					result.images.push(read.image);
					addImagePart(result, signature);
				} else (result.undecodableImages ??= []).push({ labelledMimeType: label, problem: read.problem });
				continue;
			}
			const text = field<string>(part, 'text');
			if (typeof text === 'string' && !isThought && text.trim()) texts.push(text);
			if (typeof text === 'string' && !isThought && (text || signature)) addTextPart(result, text, signature, streamedBefore);
		}
		result.finishReason = field<string>(candidate, 'finishReason') ?? result.finishReason;
		result.finishMessage = field<string>(candidate, 'finishMessage') ?? result.finishMessage;
		const grounding = field(candidate, 'groundingMetadata');
		if (grounding) addGrounding(result, grounding);
	}
	// Streamed events carry pieces of one text: they join as they are; parts of one answer join by line.
	if (!result.textCut) result.text += texts.join('\n');
	if (result.text.length > ANSWER_LIMITS.maxTextChars) {
		result.text = result.text.slice(0, ANSWER_LIMITS.maxTextChars);
		result.textCut = true;
	}

	const feedback = field(response, 'promptFeedback');
	result.blockReason = field<string>(feedback, 'blockReason') ?? result.blockReason;
	result.blockReasonMessage = field<string>(feedback, 'blockReasonMessage') ?? result.blockReasonMessage;

	const usage = field(response, 'usageMetadata');
	if (usage) {
		result.usage = {
			promptTokens: field<number>(usage, 'promptTokenCount'),
			outputTokens: field<number>(usage, 'candidatesTokenCount'),
			thoughtsTokens: field<number>(usage, 'thoughtsTokenCount'),
			totalTokens: field<number>(usage, 'totalTokenCount'),
		};
	}
	result.modelVersion = field<string>(response, 'modelVersion') ?? result.modelVersion;
	result.responseId = field<string>(response, 'responseId') ?? result.responseId;
	return result;
}

export function parseNativeResponse(response: unknown, blobs: Buffer[] = [], notBase64 = new Set<number>()): GenerationResult {
	return mergeNativeResponse(emptyResult(), response, blobs, notBase64);
}
