'use strict';
// A buffered answer reader, for the benchmark only (bench/reading.js): the simple alternative to the node's
// streaming decoders (nodes/GeminiImage/helpers/json.ts, sse.ts, answers.ts's ChatContent), measured against them. It keeps
// the node's AnswerReader interface (push / stopped / end, see helpers/interfaces.ts) so that it can stand in for
// helpers/answers.ts's readers in the compiled node: the whole body with a size cap into one Buffer, SSE events
// split, JSON.parse per event or body, images decoded with Buffer.from(base64). The native route reuses the
// node's own response reading (helpers/answers.ts decodes base64 text itself); the chat route is the
// sketch of what would replace answers.ts's ChatContent and ChatAnswer. Not a drop-in: its error paths are untested.

const path = require('node:path');

const { BUILD } = require('./util');

const helper = (file) => require(path.join(BUILD, 'nodes', 'GeminiImage', 'helpers', file));
const { capText, emptyResult, field, mergeNativeResponse, readImage } = helper('answers.js');
const { ANSWER_LIMITS, AnswerLimitError } = helper('interfaces.js');

/** The body's cap: every image at its limit as base64, plus the JSON around them. */
const MAX_BODY_BYTES = Math.ceil((ANSWER_LIMITS.maxImageBytes * 4) / 3) + ANSWER_LIMITS.maxJsonBytes;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const SLICE = 1024 * 1024; // characters, a multiple of 4

/**
 * base64 text to bytes. Buffer.from(text, 'base64') copies a whole heap string first (measured: +1.3 x the
 * image); `sliced` decodes 1 MB slices into one Buffer instead (plain base64 only, else Buffer.from).
 */
function decode(text, sliced) {
	if (!sliced || !BASE64.test(text)) return Buffer.from(text, 'base64');
	const out = Buffer.allocUnsafe(Math.floor((text.length * 3) / 4));
	let length = 0;
	for (let i = 0; i < text.length; i += SLICE) length += out.write(text.slice(i, i + SLICE), length, 'base64');
	return out.subarray(0, length);
}

/** The images of native response objects decoded into `blobs`, their data replaced by blob references (helpers/json.ts). */
function decodeNative(objects, sliced) {
	const blobs = [];
	for (const object of objects) {
		for (const candidate of field(object, 'candidates') ?? []) {
			for (const part of field(field(candidate, 'content'), 'parts') ?? []) {
				const inline = field(part, 'inlineData');
				const data = field(inline, 'data');
				if (typeof data !== 'string' || field(part, 'thought') === true) continue;
				if (blobs.length >= ANSWER_LIMITS.maxImages) throw new AnswerLimitError('images');
				blobs.push(decode(data, sliced));
				inline.data = `\u0000blob:${blobs.length - 1}`;
			}
		}
	}
	return blobs;
}

const errorIn = (value) => (value && typeof value === 'object' && value.error ? value : undefined);

/** SSE events' data (data lines joined by "\n"), comments and other fields left out. */
function sseEvents(text) {
	const events = [];
	for (const block of text.split(/\r?\n\r?\n/)) {
		const data = block
			.split(/\r?\n/)
			.filter((line) => line.startsWith('data:'))
			.map((line) => line.slice(line[5] === ' ' ? 6 : 5));
		if (data.length) events.push(data.join('\n'));
	}
	return events;
}

/**
 * The body parsed: { objects } (one for a body; each event of a stream up to [DONE], `done` if it came), or
 * { unreadable }. Everything is parsed before any image is decoded, so the body's text is garbage by then.
 */
function parseBody(text, streamed) {
	if (!streamed) {
		let body;
		try {
			body = JSON.parse(text);
		} catch {
			body = undefined;
		}
		return body && typeof body === 'object' ? { objects: [body] } : { unreadable: text.slice(0, 512) };
	}
	const events = sseEvents(text);
	const objects = [];
	for (let i = 0; i < events.length; i++) {
		if (events[i].trim() === '[DONE]') return { objects, done: true };
		let event;
		try {
			event = JSON.parse(events[i]);
		} catch {
			event = undefined;
		}
		events[i] = ''; // the event's text (a slice of the body's) is not needed any more
		if (!event || typeof event !== 'object') return { unreadable: '' }; // a stream cut off
		objects.push(event);
		if (errorIn(event)) break;
	}
	return { objects, done: false };
}

function readNative({ objects }, streamed, sliced) {
	const result = emptyResult();
	if (streamed && objects.some(errorIn)) return { errorEvent: objects.find(errorIn) };
	const blobs = decodeNative(objects, sliced);
	for (const object of objects) mergeNativeResponse(result, object, blobs);
	if (streamed && (objects.length === 0 || !result.finishReason)) return { unreadable: '' };
	result.text = capText(result.text, result.textCut);
	return { result };
}

const DATA_URL = /(!\[[^\]\n]{0,1000}\]\(\s*)?data:(image\/[a-z0-9.+-]{1,64});base64,([A-Za-z0-9+/=_-]*)(\s*\))?/gi;

/**
 * The chat answer's content (text with data URLs, and URL images) into text and images: the images after the
 * model's last words are the result, those before are drafts; without words, only the last image is.
 */
function chatContent(pieces) {
	const images = [];
	let text = '';
	let drafts = 0;
	let wordsSinceImage = false;
	const addImage = (mimeType, base64) => {
		if (wordsSinceImage && images.length) drafts += images.splice(0).length;
		wordsSinceImage = false;
		images.push({ mimeType: mimeType.toLowerCase(), base64 });
	};
	const addText = (t) => {
		text += t;
		if (/\S/.test(t)) wordsSinceImage = true;
	};
	for (const piece of pieces) {
		if (piece.url !== undefined) {
			const m = /^data:(image\/[a-z0-9.+-]{1,64});base64,(.*)$/is.exec(piece.url);
			if (m) addImage(m[1], m[2]);
			continue;
		}
		let last = 0;
		for (const m of piece.text.matchAll(DATA_URL)) {
			addText(piece.text.slice(last, m.index));
			addImage(m[2], m[3]);
			last = m.index + m[0].length;
		}
		addText(piece.text.slice(last));
	}
	text = text.replace(/\n{3,}/g, '\n\n').trim();
	if (!text && images.length > 1) drafts += images.splice(0, images.length - 1).length;
	if (images.length > ANSWER_LIMITS.maxImages) throw new AnswerLimitError('images');
	return { text, drafts, images };
}

/** The content pieces of one completion object or chunk: message (whole answer) or delta (streamed). */
function chatPieces(chunk, pieces) {
	for (const choice of field(chunk, 'choices') ?? []) {
		const message = field(choice, 'delta') ?? field(choice, 'message');
		const content = field(message, 'content');
		if (typeof content === 'string') pieces.push({ text: content });
		else for (const part of Array.isArray(content) ? content : []) if (typeof part?.text === 'string') pieces.push({ text: part.text });
		for (const image of field(message, 'images') ?? []) {
			const url = image?.image_url?.url ?? image?.imageUrl?.url ?? image?.url;
			if (typeof url === 'string') pieces.push({ url });
		}
	}
}

function readChat({ objects, done }, streamed, sliced) {
	const pieces = [];
	const meta = {};
	for (const chunk of objects) {
		if (errorIn(chunk)) return { errorEvent: chunk };
		chatPieces(chunk, pieces);
		for (const choice of field(chunk, 'choices') ?? []) meta.finishReason = field(choice, 'finishReason') ?? meta.finishReason;
		meta.model = field(chunk, 'model') ?? meta.model;
		meta.id = field(chunk, 'id') ?? meta.id;
		meta.usage = field(chunk, 'usage') ?? meta.usage;
	}
	if (streamed && (objects.length === 0 || (!done && !meta.finishReason))) return { unreadable: '' };
	objects.length = 0;
	const content = chatContent(pieces);
	pieces.length = 0;
	const result = {
		images: [],
		text: capText(content.text),
		draftImagesSkipped: content.drafts,
		finishReason: meta.finishReason?.toUpperCase(),
		modelVersion: meta.model,
		responseId: meta.id,
	};
	let bytes = 0;
	for (const image of content.images) {
		const data = decode(image.base64, sliced);
		if ((bytes += data.length) > ANSWER_LIMITS.maxImageBytes) throw new AnswerLimitError('imageBytes');
		const read = readImage(data, image.mimeType, !/^[A-Za-z0-9+/=_\s-]*$/.test(image.base64));
		if ('image' in read) result.images.push(read.image);
		else (result.undecodableImages ??= []).push({ labelledMimeType: image.mimeType, problem: read.problem });
	}
	if (meta.usage) {
		result.usage = {
			promptTokens: field(meta.usage, 'promptTokens'),
			outputTokens: field(meta.usage, 'completionTokens'),
			totalTokens: field(meta.usage, 'totalTokens'),
		};
	}
	return { result };
}

/**
 * The AnswerReader of helpers/interfaces.ts, buffered: push() collects (with the cap; straight into one Buffer when
 * Content-Length gives the size), end() parses it all, then reads the parsed objects.
 */
class BufferedReader {
	/** @param sliced decode base64 in slices (see decode()) */
	constructor(route, headers, sliced = false) {
		this.route = route;
		this.sliced = sliced;
		this.streamed = route.chat ? !/json/i.test(String(headers['content-type'])) : route.streaming;
		const length = Number(headers['content-length']);
		this.whole = length > 0 && length <= MAX_BODY_BYTES ? Buffer.allocUnsafe(length) : undefined;
		this.chunks = [];
		this.size = 0;
		this.stopped = false;
	}

	push(chunk) {
		if (this.size + chunk.length > (this.whole ? this.whole.length : MAX_BODY_BYTES)) throw new AnswerLimitError('json');
		if (this.whole) chunk.copy(this.whole, this.size);
		else this.chunks.push(chunk);
		this.size += chunk.length;
	}

	end() {
		const parsed = this.parse();
		if ('unreadable' in parsed) return parsed;
		return (this.route.chat ? readChat : readNative)(parsed, this.streamed, this.sliced);
	}

	/** The body's Buffer and text live only in here: neither is reachable once the images are decoded. */
	parse() {
		const body = this.whole ? this.whole.subarray(0, this.size) : Buffer.concat(this.chunks, this.size);
		this.whole = undefined;
		this.chunks = [];
		return parseBody(body.toString('utf8'), this.streamed);
	}
}

module.exports = { BufferedReader };
