/**
 * Gemini's native `generateContent` route: the request body we send and how we read what comes back.
 * Pure functions, no n8n: unit-tested on their own.
 */
import { sniffImage } from '../helpers/imageInfo';
import { blobIndex } from './blobs';
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
	const parts: Json[] = [{ text: input.prompt }];
	input.images.forEach((image, index) => {
		parts.push({ inlineData: { mimeType: image.mimeType, data: encode(image, index) } });
	});
	const body: Json = { contents: [{ role: 'user', parts }] };

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

/**
 * Decodes one base64 image (or takes the bytes already decoded while streaming, for a blob reference)
 * and describes it by its bytes; undefined for empty or non-image data.
 */
export function decodeImage(base64: string, labelledMimeType?: string, blobs: Buffer[] = []): OutputImage | undefined {
	if (!base64) return undefined;
	const blob = blobIndex(base64);
	const data = blob !== undefined ? blobs[blob] : Buffer.from(base64, 'base64');
	if (!data) return undefined;
	if (data.length === 0) return undefined;
	const info = sniffImage(data);
	if (!info) return undefined;
	const image: OutputImage = { data, ...info };
	if (labelledMimeType && labelledMimeType.toLowerCase() !== info.mimeType) image.labelledMimeType = labelledMimeType;
	return image;
}

function emptyResult(): GenerationResult {
	return { images: [], text: '', draftImagesSkipped: 0 };
}

/**
 * Folds one response object (a whole answer, or one event of a stream) into `result`.
 * Parts marked `thought: true` are drafts of thinking models and never become output.
 */
export function mergeNativeResponse(result: GenerationResult, response: unknown, blobs: Buffer[] = []): GenerationResult {
	const texts: string[] = [];
	for (const candidate of asArray(field(response, 'candidates'))) {
		const content = field(candidate, 'content');
		for (const part of asArray(field(content, 'parts'))) {
			if (!part || typeof part !== 'object') continue;
			const inline = field(part, 'inlineData');
			const isThought = field(part, 'thought') === true;
			if (inline) {
				if (isThought) {
					result.draftImagesSkipped++;
					continue;
				}
				const image = decodeImage(String(field(inline, 'data') ?? ''), field<string>(inline, 'mimeType'), blobs);
				if (image) result.images.push(image);
				else result.unusableImages = (result.unusableImages ?? 0) + 1;
				continue;
			}
			const text = field<string>(part, 'text');
			if (typeof text === 'string' && !isThought && text.trim()) texts.push(text);
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
	result.text += texts.join('\n');

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

export function parseNativeResponse(response: unknown, blobs: Buffer[] = []): GenerationResult {
	return mergeNativeResponse(emptyResult(), response, blobs);
}
