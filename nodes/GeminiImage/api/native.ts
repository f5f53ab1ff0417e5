/**
 * Gemini's native `generateContent` route: the request body we send and how we read what comes back.
 * Pure functions, no n8n: unit-tested on their own.
 */
import { sniffImage } from '../helpers/imageInfo';
import { describeBytes } from '../helpers/inputImages';
import { addImagePart, addTextPart } from './answerParts';
import { blobIndex } from './stream/blobs';
import { historyContents } from './conversation/history';
import { isImagePart } from './conversation/format';
import { ANSWER_LIMITS } from './stream/limits';
import type { GenerationInput, GenerationResult, GroundingSource, InputImage, OutputImage } from './types';

/** How an input image is written into the body: its base64, or a blob reference (see blobs.ts). */
export type ImageEncoder = (image: InputImage, index: number) => string;
export const inlineBase64: ImageEncoder = (image) => image.data.toString('base64');

type Json = Record<string, unknown>;

export function nativePath(model: string, streaming = false): string {
	const method = streaming ? 'streamGenerateContent?alt=sse' : 'generateContent';
	return `/v1beta/models/${encodeURIComponent(model)}:${method}`;
}

/** camelCase keys only: CometAPI's gateway rebuilds the body and drops some snake_case keys. */
export function buildNativeRequest(input: GenerationInput, encode: ImageEncoder = inlineBase64): Json {
	// A conversation's earlier turns come first, with their images (the first ones of input.images).
	const history = input.history;
	const contents = history
		? historyContents(history, (part, index) => ({ mimeType: input.images[index]?.mimeType ?? part.mimeType, data: encode(input.images[index], index) }))
		: [];
	const historyImages = history ? history.turns.flatMap((turn) => turn.parts.filter(isImagePart)).length : 0;
	const parts: Json[] = [{ text: input.prompt }];
	input.images.forEach((image, index) => {
		if (index >= historyImages) parts.push({ inlineData: { mimeType: image.mimeType, data: encode(image, index) } });
	});
	contents.push({ role: 'user', parts });
	const body: Json = { contents };

	if (input.systemInstruction) body.systemInstruction = { parts: [{ text: input.systemInstruction }] };

	const generationConfig: Json = {};
	if (input.responseModalities?.length) generationConfig.responseModalities = input.responseModalities;
	const imageConfig: Json = {};
	if (input.aspectRatio) imageConfig.aspectRatio = input.aspectRatio;
	if (input.imageSize) imageConfig.imageSize = input.imageSize;
	if (Object.keys(imageConfig).length) generationConfig.imageConfig = imageConfig;
	if (input.temperature !== undefined) generationConfig.temperature = input.temperature;
	if (input.topP !== undefined) generationConfig.topP = input.topP;
	if (input.seed !== undefined) generationConfig.seed = input.seed;
	if (Object.keys(generationConfig).length) body.generationConfig = generationConfig;

	if (input.safetySettings?.length) body.safetySettings = input.safetySettings;
	if (input.googleSearch) body.tools = [{ googleSearch: {} }];
	return body;
}

/** Google emits camelCase, CometAPI's guide shows snake_case: read either. */
export function field<T = unknown>(obj: unknown, camel: string): T | undefined {
	if (!obj || typeof obj !== 'object') return undefined;
	const o = obj as Json;
	if (o[camel] !== undefined && o[camel] !== null) return o[camel] as T;
	const snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
	const v = o[snake];
	return v === null ? undefined : (v as T | undefined);
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** An image read from its bytes, or why it is not one (for the message when no image is left). */
export type ImageRead = { image: OutputImage } | { problem: string };

export function readImage(data: Buffer, labelledMimeType?: string, notBase64 = false): ImageRead {
	if (notBase64) return { problem: 'its data is not base64' };
	if (data.length === 0) return { problem: 'it is empty (0 bytes)' };
	const info = sniffImage(data);
	if (!info) return { problem: `its bytes are ${describeBytes(data)}` };
	const image: OutputImage = { data, ...info };
	if (labelledMimeType && labelledMimeType.toLowerCase() !== info.mimeType) image.labelledMimeType = labelledMimeType;
	return { image };
}

const BASE64_TEXT = /^[A-Za-z0-9+/=_\s-]*$/;

/**
 * One inlineData's image: the bytes decoded while reading (a blob reference, see blobs.ts), or base64
 * text in an answer given as an object (tests, small answers).
 */
export function readInlineImage(value: unknown, labelledMimeType: string | undefined, blobs: Buffer[], notBase64: Set<number>): ImageRead {
	const text = typeof value === 'string' ? value : '';
	const blob = blobIndex(text);
	if (blob !== undefined && blobs[blob]) return readImage(blobs[blob], labelledMimeType, notBase64.has(blob));
	return readImage(Buffer.from(text, 'base64'), labelledMimeType, !BASE64_TEXT.test(text));
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
		if (grounding) {
			const sources: GroundingSource[] = asArray(field(grounding, 'groundingChunks'))
				.map((chunk) => field(chunk, 'web'))
				.filter(Boolean)
				.map((web) => ({ title: field<string>(web, 'title'), uri: field<string>(web, 'uri') }));
			if (sources.length) result.groundingSources = [...(result.groundingSources ?? []), ...sources];
			const queries = asArray(field(grounding, 'webSearchQueries')).map(String);
			if (queries.length) result.searchQueries = [...(result.searchQueries ?? []), ...queries];
		}
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
