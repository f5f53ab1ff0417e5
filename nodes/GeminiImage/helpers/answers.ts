/**
 * Reading an answer of either route into a result, as its bytes arrive: the native route's response objects
 * (one body, or server-sent events that are each a whole object) and the chat route's completion chunks.
 * Images are decoded on the fly (json.ts), never held as base64 text. Pure: the caller owns the stream.
 */
import type { ApiFailure, FailureContext } from './failures';
import { describeErrorEvent, describeUnreadableBody } from './failures';
import { sniffImage, describeBytes } from './images';
import type { AnswerPart, AnswerReader, GenerationResult, LimitKind, OutputImage, ReadOutcome } from './interfaces';
import { AnswerLimitError, ANSWER_LIMITS } from './interfaces';
import type { DecodedImage, StringPlace } from './json';
import { Base64Decoder, blobIndex, ImageBudget, JsonBlobReader, JsonReader } from './json';
import { errorIn, EventReader } from './sse';

type Json = Record<string, unknown>;

const MB = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const LIMIT_MESSAGES: Record<LimitKind, string> = {
	images: `CometAPI's answer holds more than ${ANSWER_LIMITS.maxImages} images, the most this node reads from one answer`,
	imageBytes: `CometAPI's answer holds more than ${MB(ANSWER_LIMITS.maxImageBytes)} of images, the most this node reads from one answer`,
	json: `CometAPI's answer holds more than ${MB(ANSWER_LIMITS.maxJsonBytes)} besides its images, the most this node reads`,
};

export function describeLimit(kind: LimitKind): { message: string; description: string } {
	return {
		message: LIMIT_MESSAGES[kind],
		description:
			'A real answer of the image API stays far below this: the gateway (or a proxy in front of it) sent something else. Check the Base URL, and try again later.',
	};
}

export function capText(text: string, cut = false): string {
	const max = ANSWER_LIMITS.maxTextChars;
	if (text.length <= max && !cut) return text;
	return `${text.slice(0, max)} … [cut: the model's text is longer than ${max.toLocaleString('en-US')} characters]`;
}

/** A field of an answer, whichever way the gateway spells it: Google emits camelCase, CometAPI's guide shows snake_case. */
export function field(obj: unknown, camel: string): unknown {
	if (!obj || typeof obj !== 'object') return undefined;
	const o = obj as Record<string, unknown>;
	if (o[camel] !== undefined && o[camel] !== null) return o[camel];
	const v = o[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
	return v === null ? undefined : v;
}

// The answer is anyone's JSON (whatever the Base URL points at): a value of another type than the API's reads as
// absent, so that it can neither throw while reading (taken for a broken connection, and retried) nor reach the output.
const textField = (obj: unknown, camel: string): string | undefined => {
	const v = field(obj, camel);
	return typeof v === 'string' ? v : undefined;
};
const countField = (obj: unknown, camel: string): number | undefined => {
	const v = field(obj, camel);
	return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** An image of an answer, from its decoded bytes: its real type and size, or why it is not an image. */
export function readImage(data: Buffer, labelledMimeType?: string, notBase64 = false): { image: OutputImage } | { problem: string } {
	if (notBase64) return { problem: 'its data is not base64' };
	if (data.length === 0) return { problem: 'it is empty (0 bytes)' };
	const info = sniffImage(data);
	if (!info) return { problem: `its bytes are ${describeBytes(data)}` };
	const image: OutputImage = { data, ...info };
	if (labelledMimeType && labelledMimeType.toLowerCase() !== info.mimeType) image.labelledMimeType = labelledMimeType;
	return { image };
}

function addImage(result: GenerationResult, read: ReturnType<typeof readImage>, labelledMimeType: string | undefined): boolean {
	if ('image' in read) result.images.push(read.image);
	else (result.undecodableImages ??= []).push({ labelledMimeType, problem: read.problem });
	return 'image' in read;
}

const BASE64_TEXT = /^[A-Za-z0-9+/=_\s-]*$/;

/** One inlineData's image: decoded while reading (a blob reference), or base64 text in an answer given as an object. */
export function readInlineImage(value: unknown, labelledMimeType: string | undefined, images: DecodedImage[]) {
	const text = typeof value === 'string' ? value : '';
	const blob = blobIndex(text);
	const decoded = blob === undefined ? undefined : images[blob];
	if (decoded) return readImage(decoded.data, labelledMimeType, decoded.notBase64);
	return readImage(Buffer.from(text, 'base64'), labelledMimeType, !BASE64_TEXT.test(text));
}

const cutAt = (text: string, max: number) => (text.length > max ? text.slice(0, max) : text);

/**
 * A text part, kept for the next turn of a conversation (Refine Image). A stream sends one text in pieces
 * (`streamedBefore`: how many parts earlier events gave), which join into one part, and may send its
 * signature on a last, empty piece: it stays on that part.
 */
function addTextPart(result: GenerationResult, text: string, signature: string | undefined, streamedBefore: number): void {
	const parts = (result.parts ??= []);
	const last = parts[parts.length - 1];
	if (parts.length > 0 && parts.length === streamedBefore && last && 'text' in last && !last.thoughtSignature) {
		// Sliced only past the limit: slicing a joined string copies it, every event (quadratic in the text).
		last.text = cutAt(last.text + text, ANSWER_LIMITS.maxTextChars);
		if (signature) last.thoughtSignature = signature;
		return;
	}
	addPart(result, { text: cutAt(text, ANSWER_LIMITS.maxTextChars) }, signature);
}

function addPart(result: GenerationResult, part: AnswerPart, signature: string | undefined): void {
	if (signature) part.thoughtSignature = signature;
	(result.parts ??= []).push(part);
}

/** Grounding, added in place: a stream may repeat it on every event, so nothing is copied per event. */
function addGrounding(result: GenerationResult, grounding: unknown): void {
	for (const chunk of asArray(field(grounding, 'groundingChunks'))) {
		const web = field(chunk, 'web');
		if (!web || typeof web !== 'object') continue;
		const sources = (result.groundingSources ??= []);
		if (sources.length >= ANSWER_LIMITS.maxGroundingSources) break;
		const source = { title: textField(web, 'title'), uri: textField(web, 'uri') };
		if (source.title !== undefined || source.uri !== undefined) sources.push(source);
	}
	for (const query of asArray(field(grounding, 'webSearchQueries'))) {
		const queries = (result.searchQueries ??= []);
		if (queries.length >= ANSWER_LIMITS.maxSearchQueries) break;
		if (typeof query === 'string') queries.push(query);
	}
}

export function emptyResult(): GenerationResult {
	return { images: [], text: '', draftImagesSkipped: 0 };
}

/**
 * Folds one native response object (a whole answer, or one event of a stream) into `result`.
 * Parts marked `thought: true` are drafts of thinking models and never become output.
 */
export function mergeNativeResponse(result: GenerationResult, response: unknown, images: DecodedImage[] = []): GenerationResult {
	const texts: string[] = [];
	// Parts from earlier events of a stream: a text piece may continue the last one.
	const streamedBefore = result.parts?.length ?? 0;
	for (const candidate of asArray(field(response, 'candidates'))) {
		for (const part of asArray(field(field(candidate, 'content'), 'parts'))) {
			if (!part || typeof part !== 'object') continue;
			const inline = field(part, 'inlineData');
			const isThought = field(part, 'thought') === true;
			const signature = textField(part, 'thoughtSignature');
			if (inline && isThought) {
				result.draftImagesSkipped++;
			} else if (inline) {
				const label = textField(inline, 'mimeType');
				if (addImage(result, readInlineImage(field(inline, 'data'), label, images), label)) {
					addPart(result, { image: result.images.length - 1 }, signature);
				}
			} else {
				const text = textField(part, 'text');
				if (typeof text === 'string' && !isThought && text.trim()) texts.push(text);
				if (typeof text === 'string' && !isThought && (text || signature)) addTextPart(result, text, signature, streamedBefore);
			}
		}
		result.finishReason = textField(candidate, 'finishReason') ?? result.finishReason;
		result.finishMessage = textField(candidate, 'finishMessage') ?? result.finishMessage;
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
	result.blockReason = textField(feedback, 'blockReason') ?? result.blockReason;
	result.blockReasonMessage = textField(feedback, 'blockReasonMessage') ?? result.blockReasonMessage;

	const usage = field(response, 'usageMetadata');
	if (usage) {
		result.usage = {
			promptTokens: countField(usage, 'promptTokenCount'),
			outputTokens: countField(usage, 'candidatesTokenCount'),
			thoughtsTokens: countField(usage, 'thoughtsTokenCount'),
			totalTokens: countField(usage, 'totalTokenCount'),
		};
	}
	result.modelVersion = textField(response, 'modelVersion') ?? result.modelVersion;
	result.responseId = textField(response, 'responseId') ?? result.responseId;
	return result;
}

export function parseNativeResponse(response: unknown, images: DecodedImage[] = []): GenerationResult {
	return mergeNativeResponse(emptyResult(), response, images);
}

/** The text around a chat answer's images, as UTF-8 bytes, up to a limit. */
class TextBuffer {
	private buf = Buffer.alloc(256);
	length = 0;
	cut = false;

	append(bytes: Buffer, start: number, end: number): void {
		const max = ANSWER_LIMITS.maxTextChars * 4;
		let take = end - start;
		if (this.cut || take <= 0) return;
		if (this.length + take > max) {
			take = max - this.length;
			this.cut = true;
		}
		if (this.length + take > this.buf.length) {
			const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.length + take));
			this.buf.copy(grown, 0, 0, this.length);
			this.buf = grown;
		}
		bytes.copy(this.buf, this.length, start, start + take);
		this.length += take;
	}

	truncate(length: number): void {
		this.length = Math.max(0, Math.min(this.length, length));
	}

	at(index: number): number {
		return this.buf[index];
	}

	toString(): string {
		return this.buf.toString('utf8', 0, this.length);
	}
}

const enum Scan {
	Text,
	Mime,
	Params,
	Image,
	AfterImage,
}

const DATA = Buffer.from('data:');
const BASE64_PARAM = Buffer.from(';base64,');
const MAX_MIME_BYTES = 64;
const MAX_ALT_BYTES = 1000;
const BASE64_BYTE = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_') BASE64_BYTE[c.charCodeAt(0)] = 1;
const MIME_BYTE = new Uint8Array(256);
for (const c of 'abcdefghijklmnopqrstuvwxyz0123456789.+-/') MIME_BYTE[c.charCodeAt(0)] = 1;
const lower = (b: number) => (b >= 0x41 && b <= 0x5a ? b | 0x20 : b);
const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/**
 * The content of a chat answer, read as it arrives: its text, and its images (data URLs, bare or in
 * markdown `![alt](data:image/png;base64,...)`), each decoded on the fly, even split over several chunks.
 * One pass with a small state machine, so the time is linear in the answer whatever it holds.
 *
 * Drafts: thinking models send draft images before the final one, and the chat route does not mark them.
 * The images after the model's last words are the result; images before those words are drafts.
 */
export class ChatContent {
	readonly images: DecodedImage[] = [];
	/** Images already known to be drafts (a later image came after words), their bytes dropped. */
	drafts = 0;
	private readonly text = new TextBuffer();
	private state = Scan.Text;
	private keepText = true;
	private matched = 0;
	private candidateStart = 0;
	private mime: number[] = [];
	private decoder: Base64Decoder | undefined;
	private wrapped = false;
	private wordsBefore = false;
	private scanned = 0;

	constructor(private readonly budget = new ImageBudget()) {}

	/** A content string starts: the model's text, or a URL (whose text is not part of the answer's text). */
	begin(kind: 'text' | 'url'): void {
		// A URL is whole in its string; the model's text may continue in the next chunk's string.
		if (kind === 'url' || !this.keepText) this.finish();
		this.keepText = kind === 'text';
	}

	endString(): void {
		if (!this.keepText) this.finish();
	}

	finish(): void {
		if (this.state === Scan.Image) this.endImage();
		this.state = Scan.Text;
		this.matched = 0;
	}

	/** The result images and how many drafts came before; without any words, the last image is the result. */
	results(): { images: DecodedImage[]; drafts: number } {
		if (this.images.length > 1 && !this.textContent()) {
			return { images: this.images.slice(-1), drafts: this.drafts + this.images.length - 1 };
		}
		return { images: this.images, drafts: this.drafts };
	}

	get textCut(): boolean {
		return this.text.cut;
	}

	textContent(): string {
		return this.text
			.toString()
			.replace(/\n{3,}/g, '\n\n')
			.trim();
	}

	write(bytes: Buffer, start: number, end: number): void {
		let i = start;
		while (i < end) {
			if (this.state === Scan.Text) i = this.scanText(bytes, i, end);
			else if (this.state === Scan.Image) i = this.scanImage(bytes, i, end);
			else i = this.step(bytes[i]) ? i + 1 : i;
		}
	}

	private scanText(bytes: Buffer, start: number, end: number): number {
		for (let j = start; j < end; j++) {
			const b = lower(bytes[j]);
			if (b === DATA[this.matched]) {
				if (this.matched === 0) this.candidateStart = this.text.length + (j - start);
				if (++this.matched === DATA.length) {
					this.keep(bytes, start, j + 1);
					this.state = Scan.Mime;
					this.mime = [];
					return j + 1;
				}
			} else {
				this.matched = 0;
				if (b === DATA[0]) {
					this.candidateStart = this.text.length + (j - start);
					this.matched = 1;
				}
			}
		}
		this.keep(bytes, start, end);
		return end;
	}

	/** One byte of the MIME type, its parameters, or what follows an image; false to look at it again as text. */
	private step(byte: number): boolean {
		const b = lower(byte);
		if (this.state === Scan.AfterImage) {
			this.state = Scan.Text;
			if (b === 0x29) return true; // the markdown's closing parenthesis
			if (isSpace(b)) {
				this.state = Scan.AfterImage;
				return true;
			}
			return false;
		}
		if (this.state === Scan.Mime) {
			if (b === BASE64_PARAM[0]) {
				this.state = Scan.Params;
				this.matched = 1;
			} else if (!MIME_BYTE[b] || this.mime.length >= MAX_MIME_BYTES) {
				return this.notImage();
			} else {
				this.mime.push(b);
			}
			this.keep(Buffer.of(byte), 0, 1);
			return true;
		}
		// Params: ";base64,"
		if (b !== BASE64_PARAM[this.matched]) return this.notImage();
		this.keep(Buffer.of(byte), 0, 1);
		if (++this.matched === BASE64_PARAM.length) this.startImage();
		return true;
	}

	private notImage(): false {
		this.state = Scan.Text;
		this.matched = 0;
		return false;
	}

	private scanImage(bytes: Buffer, start: number, end: number): number {
		let j = start;
		while (j < end && BASE64_BYTE[bytes[j]]) j++;
		this.decoder?.write(bytes, start, j);
		if (j < end) {
			this.endImage();
			this.state = this.wrapped ? Scan.AfterImage : Scan.Text;
		}
		return j;
	}

	private startImage(): void {
		const mimeType = Buffer.from(this.mime).toString('latin1');
		this.matched = 0;
		if (!mimeType.startsWith('image/')) {
			this.state = Scan.Text;
			return;
		}
		if (this.keepText) this.text.truncate(this.candidateStart);
		this.wrapped = this.keepText && this.dropMarkdownOpening();
		this.wordsBefore = this.text.cut || this.wordsSinceLastImage();
		this.scanned = this.text.length;
		this.budget.openImage();
		this.decoder = new Base64Decoder(this.budget);
		this.state = Scan.Image;
	}

	private endImage(): void {
		const decoded = this.decoder?.end() ?? { data: Buffer.alloc(0), notBase64: true };
		this.decoder = undefined;
		if (this.wordsBefore) {
			// A new run of images after words: every image before it was a draft.
			for (const image of this.images) image.data = Buffer.alloc(0);
			this.drafts += this.images.length;
			this.images.length = 0;
		}
		this.images.push({ ...decoded, mimeType: Buffer.from(this.mime).toString('latin1') });
	}

	/** Removes `![alt](` (and spaces) just before the data URL; true if it was there. */
	private dropMarkdownOpening(): boolean {
		let i = this.text.length - 1;
		while (i >= 0 && isSpace(this.text.at(i))) i--;
		if (i < 1 || this.text.at(i) !== 0x28 || this.text.at(i - 1) !== 0x5d) return false; // "]("
		const stop = Math.max(0, i - 1 - MAX_ALT_BYTES);
		for (let j = i - 2; j >= stop; j--) {
			const b = this.text.at(j);
			if (b === 0x5d || b === 0x0a) return false;
			if (b === 0x5b) {
				if (j === 0 || this.text.at(j - 1) !== 0x21) return false; // "!["
				this.text.truncate(j - 1);
				return true;
			}
		}
		return false;
	}

	private wordsSinceLastImage(): boolean {
		for (let i = Math.min(this.scanned, this.text.length); i < this.text.length; i++) {
			if (!isSpace(this.text.at(i))) return true;
		}
		return false;
	}

	private keep(bytes: Buffer, start: number, end: number): void {
		if (this.keepText) this.text.append(bytes, start, end);
	}
}

function contentKind({ key, parentKey }: StringPlace): 'text' | 'url' | undefined {
	if (key === 'content' || (parentKey === 'content' && (key === 'text' || key === undefined))) return 'text';
	if (key === 'url' || key === 'image_url' || key === 'imageUrl' || (key === undefined && parentKey === 'images')) return 'url';
	return undefined;
}

/**
 * A chat answer, streamed (chunks) or not (one completion object). Content strings of every chunk go to one
 * ChatContent (which decodes images across chunks); the rest of a chunk is parsed as a small object.
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
			const sink = {
				write: (bytes: Buffer, start: number, end: number) => this.content.write(bytes, start, end),
				end: () => this.content.endString(),
			};
			return { sink, placeholder: '' };
		});
	}

	addMeta(chunk: unknown): void {
		if (!chunk || typeof chunk !== 'object') return;
		for (const choice of asArray(field(chunk, 'choices'))) this.finishReason = textField(choice, 'finishReason') ?? this.finishReason;
		this.model = textField(chunk, 'model') ?? this.model;
		this.id = textField(chunk, 'id') ?? this.id;
		const usage = field(chunk, 'usage');
		if (usage && typeof usage === 'object') this.usage = usage as Json;
	}

	result(): GenerationResult {
		this.content.finish();
		const { images, drafts } = this.content.results();
		const result: GenerationResult = {
			images: [],
			text: capText(this.content.textContent(), this.content.textCut),
			draftImagesSkipped: drafts,
			// CONTENT_FILTER counts as a refusal, like Gemini's safety finish reasons.
			finishReason: this.finishReason?.toUpperCase(),
			modelVersion: this.model,
			responseId: this.id,
		};
		for (const image of images) addImage(result, readImage(image.data, image.mimeType, image.notBase64), image.mimeType);
		if (this.usage) {
			result.usage = {
				promptTokens: countField(this.usage, 'promptTokens'),
				outputTokens: countField(this.usage, 'completionTokens'),
				totalTokens: countField(this.usage, 'totalTokens'),
			};
		}
		return result;
	}
}

/** How much of a body's start is kept, to tell what it was when it is not a JSON object. */
const HEAD_CHARS = 512;

/**
 * A whole-body answer: generateContent (its images decoded into buffers sized from Content-Length), or the
 * chat route when the gateway answered with one completion object instead of a stream.
 */
export class BodyReader implements AnswerReader {
	readonly stopped = false;
	private head = '';
	private readonly chat: ChatAnswer | undefined;
	private readonly reader: JsonReader;

	constructor(
		readonly route: 'native' | 'chat',
		contentLength?: number,
	) {
		this.chat = route === 'chat' ? new ChatAnswer() : undefined;
		this.reader = this.chat ? this.chat.reader() : new JsonBlobReader(contentLength);
	}

	push(chunk: Buffer): void {
		if (this.head.length < HEAD_CHARS) this.head += chunk.toString('utf8', 0, Math.min(chunk.length, HEAD_CHARS));
		this.reader.push(chunk);
	}

	end(): ReadOutcome {
		let body: unknown;
		try {
			body = this.reader.end();
		} catch {
			body = undefined;
		}
		if (!body || typeof body !== 'object') return { unreadable: this.head };
		if (!this.chat) {
			const result = parseNativeResponse(body, (this.reader as JsonBlobReader).images);
			result.text = capText(result.text, result.textCut);
			return { result };
		}
		const error = errorIn(body);
		if (error) return { errorEvent: error };
		this.chat.addMeta(body);
		return { result: this.chat.result() };
	}
}

/** streamGenerateContent?alt=sse: every event is a whole response object; there is no [DONE]. */
export class NativeStreamReader extends EventReader {
	private readonly result = emptyResult();
	private readonly budget = new ImageBudget();
	private current: JsonBlobReader | undefined;

	protected newEvent() {
		this.current = new JsonBlobReader(undefined, this.budget);
		return this.current;
	}

	protected onEvent(event: object): void {
		mergeNativeResponse(this.result, event, this.current?.images);
	}

	end(): ReadOutcome {
		this.finishEvents();
		if (this.errorEvent) return { errorEvent: this.errorEvent };
		// A stream that ends before the last event (the one with the finish reason) was cut off.
		if (this.broken || this.events === 0 || !this.result.finishReason) return { unreadable: '' };
		this.result.text = capText(this.result.text, this.result.textCut);
		return { result: this.result };
	}
}

export class ChatStreamReader extends EventReader {
	private readonly answer = new ChatAnswer();

	protected newEvent(): JsonReader {
		return this.answer.reader();
	}

	protected onEvent(event: object): void {
		this.answer.addMeta(event);
	}

	end(): ReadOutcome {
		this.finishEvents();
		if (this.errorEvent) return { errorEvent: this.errorEvent };
		const result = this.answer.result();
		// Without [DONE] or a finish reason the stream was cut off.
		if (this.broken || this.events === 0 || (!this.done && !result.finishReason)) return { unreadable: '' };
		return { result };
	}
}

export interface Route {
	chat: boolean;
	streaming: boolean;
}

/** The reader for an answer. The chat route streams, unless the gateway answered with one JSON object. */
export function readerFor(route: Route, headers: Record<string, unknown>): AnswerReader {
	if (route.chat) return /json/i.test(String(headers['content-type'])) ? new BodyReader('chat') : new ChatStreamReader();
	if (route.streaming) return new NativeStreamReader();
	const length = Number(headers['content-length']);
	return new BodyReader('native', length > 0 ? length : undefined);
}

/** Reads an answer of either route as it streams in: a result, or a failure (an answer past a limit is a final one). */
export async function readAnswer(
	route: Route,
	answer: { headers: Record<string, unknown>; chunks: AsyncIterable<Buffer> },
	context: FailureContext,
): Promise<{ value: GenerationResult } | { failure: ApiFailure }> {
	const reader = readerFor(route, answer.headers);
	let thrown: unknown;
	try {
		for await (const chunk of answer.chunks) {
			reader.push(chunk);
			if (reader.stopped) break;
		}
		const outcome = reader.end();
		if ('errorEvent' in outcome) return { failure: describeErrorEvent(outcome.errorEvent, context) };
		if ('unreadable' in outcome) {
			return { failure: describeUnreadableBody(outcome.unreadable, String(answer.headers['content-type']), context) };
		}
		return { value: outcome.result };
	} catch (error) {
		thrown = error;
	}
	// Past a limit is final; anything else (the connection broke) is the transport's to describe.
	if (thrown instanceof AnswerLimitError) return { failure: { ...describeLimit(thrown.kind), retryable: false } };
	throw thrown;
}
