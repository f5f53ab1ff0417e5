/**
 * CometAPI's OpenAI-compatible chat route for the Gemini image models: the request body and how the
 * answer is read. Images come back as markdown data URLs inside the text (or, on other gateways, in
 * `images` arrays); thinking models send drafts first, so the last image is the final one.
 * Pure functions, unit-tested without n8n.
 */
import type { ImageEncoder } from './native';
import { decodeImage, field, inlineBase64 } from './native';
import type { GenerationInput, GenerationResult, OutputImage } from './types';

type Json = Record<string, unknown>;

export const CHAT_PATH = '/v1/chat/completions';

export function buildChatRequest(input: GenerationInput, encode: ImageEncoder = inlineBase64): Json {
	const content: Json[] = [{ type: 'text', text: input.prompt }];
	input.images.forEach((image, index) => {
		content.push({ type: 'image_url', image_url: { url: `data:${image.mimeType};base64,${encode(image, index)}` } });
	});
	const messages: Json[] = [];
	if (input.systemInstruction) messages.push({ role: 'system', content: input.systemInstruction });
	messages.push({ role: 'user', content });

	// CometAPI's docs: the Gemini image models on this route must be streamed.
	const body: Json = { model: input.model, stream: true, messages };
	if (input.temperature !== undefined) body.temperature = input.temperature;
	if (input.topP !== undefined) body.top_p = input.topP;
	if (input.seed !== undefined) body.seed = input.seed;

	// Gemini-specific settings ride in extra_body.google, snake_case, as the gateway expects.
	const google: Json = {};
	const imageConfig: Json = {};
	if (input.aspectRatio) imageConfig.aspect_ratio = input.aspectRatio;
	if (input.imageSize) imageConfig.image_size = input.imageSize;
	if (Object.keys(imageConfig).length) google.image_config = imageConfig;
	if (input.responseModalities?.length) google.response_modalities = input.responseModalities;
	if (input.safetySettings?.length) google.safety_settings = input.safetySettings;
	if (input.googleSearch) google.tools = [{ google_search: {} }];
	if (Object.keys(google).length) body.extra_body = { google };
	return body;
}

const DATA_URL = /data:(image\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/=\s]+)/gi;

/** Splits content into its images (markdown or bare data URLs) and the text left around them. */
export function extractDataUrlImages(content: string): { images: OutputImage[]; text: string } {
	const images: OutputImage[] = [];
	DATA_URL.lastIndex = 0;
	for (let m = DATA_URL.exec(content); m; m = DATA_URL.exec(content)) {
		const image = decodeImage(m[2].replace(/\s+/g, ''), m[1]);
		if (image) images.push(image);
	}
	const text = content
		.replace(/!\[[^\]]*\]\(\s*data:image\/[^)]*\)/gi, '')
		.replace(DATA_URL, '')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
	return { images, text };
}

function imagesArray(list: unknown): OutputImage[] {
	if (!Array.isArray(list)) return [];
	const out: OutputImage[] = [];
	for (const entry of list) {
		const url = field<string>(field(entry, 'imageUrl'), 'url') ?? field<string>(entry, 'url') ?? (typeof entry === 'string' ? entry : undefined);
		if (typeof url === 'string') out.push(...extractDataUrlImages(url).images);
	}
	return out;
}

/** Accumulates a chat answer, streamed (chunks) or not (one completion object). */
export class ChatAnswer {
	private content = '';
	private extraImages: OutputImage[] = [];
	finishReason?: string;
	model?: string;
	id?: string;
	usage?: Json;

	add(chunk: unknown): void {
		if (!chunk || typeof chunk !== 'object') return;
		for (const choice of (field<unknown[]>(chunk, 'choices') ?? []) as unknown[]) {
			const part = field(choice, 'delta') ?? field(choice, 'message');
			const text = field(part, 'content');
			if (typeof text === 'string') this.content += text;
			else if (Array.isArray(text)) {
				for (const piece of text) {
					const t = field<string>(piece, 'text');
					if (typeof t === 'string') this.content += t;
					if (field(piece, 'type') === 'image_url') this.extraImages.push(...imagesArray([piece]));
				}
			}
			this.extraImages.push(...imagesArray(field(part, 'images')));
			this.finishReason = field<string>(choice, 'finishReason') ?? this.finishReason;
		}
		this.model = field<string>(chunk, 'model') ?? this.model;
		this.id = field<string>(chunk, 'id') ?? this.id;
		this.usage = field<Json>(chunk, 'usage') ?? this.usage;
	}

	result(): GenerationResult {
		const { images, text } = extractDataUrlImages(this.content);
		const all = [...images, ...this.extraImages];
		const finish = this.finishReason?.toUpperCase();
		const result: GenerationResult = {
			// Drafts of thinking models come first: the last image is the answer.
			images: all.length ? [all[all.length - 1]] : [],
			text,
			draftImagesSkipped: Math.max(0, all.length - 1),
			// CONTENT_FILTER counts as a refusal, like Gemini's safety finish reasons (see noImage.ts).
			finishReason: finish,
			modelVersion: this.model,
			responseId: this.id,
		};
		if (this.usage) {
			result.usage = {
				promptTokens: field<number>(this.usage, 'promptTokens'),
				outputTokens: field<number>(this.usage, 'completionTokens'),
				totalTokens: field<number>(this.usage, 'totalTokens'),
			};
		}
		return result;
	}
}
