/**
 * CometAPI's OpenAI-compatible chat route: how the answer is read. Images come back as markdown data URLs
 * inside the text (or, on other gateways, in `images` arrays); thinking models send drafts first (see
 * content.ts for how they are told apart). Pure: unit-tested without n8n.
 */
import { field } from '../fields';
import { readImage } from '../readImage';
import { ImageBudget } from '../stream/blobs';
import type { StringPlace } from '../stream/jsonReader';
import { JsonReader } from '../stream/jsonReader';
import { capText } from '../stream/answerLimits';
import type { GenerationResult } from '../types';
import { ChatContent } from './content';

type Json = Record<string, unknown>;

/** Where a chat answer's content lives: the model's text, or an image URL. */
function contentKind(place: StringPlace): 'text' | 'url' | undefined {
	const { key, parentKey } = place;
	if (key === 'content' || (parentKey === 'content' && (key === 'text' || key === undefined))) return 'text';
	if (key === 'url' || key === 'image_url' || key === 'imageUrl' || (key === undefined && parentKey === 'images')) return 'url';
	return undefined;
}

/**
 * Accumulates a chat answer, streamed (chunks) or not (one completion object). Each chunk's JSON is read
 * with stream/jsonReader.ts: content strings go to one ChatContent (which decodes images on the fly, across
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
			// CONTENT_FILTER counts as a refusal, like Gemini's safety finish reasons (see errors/noImage.ts).
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
