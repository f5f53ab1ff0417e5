/**
 * CometAPI's OpenAI-compatible chat route for the Gemini image models: the request body and how the
 * answer is read. Images come back as markdown data URLs inside the text (or, on other gateways, in
 * `images` arrays); thinking models send drafts first (see chatContent.ts for how they are told apart).
 * Pure functions, unit-tested without n8n.
 */
import { ImageBudget } from './stream/blobs';
import { ChatContent } from './chatContent';
import type { StringPlace } from './stream/jsonReader';
import { JsonReader } from './stream/jsonReader';
import { capText } from './stream/limits';
import type { ImageEncoder } from './native';
import { field, inlineBase64, readImage } from './native';
import type { GenerationInput, GenerationResult } from './types';

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

/** Where a chat answer's content lives: the model's text, or an image URL. */
function contentKind(place: StringPlace): 'text' | 'url' | undefined {
	const { key, parentKey } = place;
	if (key === 'content' || (parentKey === 'content' && (key === 'text' || key === undefined))) return 'text';
	if (key === 'url' || key === 'image_url' || key === 'imageUrl' || (key === undefined && parentKey === 'images')) return 'url';
	return undefined;
}

/**
 * Accumulates a chat answer, streamed (chunks) or not (one completion object). Each chunk's JSON is read
 * with jsonReader.ts: content strings go to one ChatContent (which decodes images on the fly, across
 * chunks), the rest is parsed as a small object.
 */
export class ChatAnswer {
	readonly content: ChatContent;
	finishReason?: string;
	model?: string;
	id?: string;
	usage?: Json;

	constructor(budget = new ImageBudget()) {
		this.content = new ChatContent(budget);
	}

	/** A reader for one chunk (or the whole non-streamed answer); its end() gives the chunk without content. */
	reader(): JsonReader {
		return new JsonReader((place) => {
			const kind = contentKind(place);
			if (!kind) return undefined;
			this.content.begin(kind);
			return {
				sink: { write: (bytes, start, end) => this.content.write(bytes, start, end), end: () => this.content.endString() },
				placeholder: '',
			};
		});
	}

	/** The rest of a chunk, once read: finish reason, model, id, usage. */
	addMeta(chunk: unknown): void {
		if (!chunk || typeof chunk !== 'object') return;
		for (const choice of (field<unknown[]>(chunk, 'choices') ?? []) as unknown[]) {
			this.finishReason = field<string>(choice, 'finishReason') ?? this.finishReason;
		}
		this.model = field<string>(chunk, 'model') ?? this.model;
		this.id = field<string>(chunk, 'id') ?? this.id;
		this.usage = field<Json>(chunk, 'usage') ?? this.usage;
	}

	/** A chunk given as an object (tests, small answers). */
	add(chunk: unknown): void {
		const reader = this.reader();
		reader.push(Buffer.from(JSON.stringify(chunk) ?? 'null'));
		this.addMeta(reader.end());
	}

	result(): GenerationResult {
		this.content.finish();
		const { images, drafts } = this.content.results();
		const finish = this.finishReason?.toUpperCase();
		const result: GenerationResult = {
			images: [],
			text: capText(this.content.textContent(), this.content.textCut),
			draftImagesSkipped: drafts,
			// CONTENT_FILTER counts as a refusal, like Gemini's safety finish reasons (see noImage.ts).
			finishReason: finish,
			modelVersion: this.model,
			responseId: this.id,
		};
		for (const image of images) {
			const read = readImage(image.data, image.mimeType, image.notBase64);
			if ('image' in read) result.images.push(read.image);
			else (result.undecodableImages ??= []).push({ labelledMimeType: image.mimeType, problem: read.problem });
		}
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
