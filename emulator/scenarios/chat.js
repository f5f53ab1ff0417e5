'use strict';
// Answer builders for CometAPI's OpenAI-compatible chat route (POST /v1/chat/completions) with the Gemini image
// models, by scenario name. Pure functions: no sockets, no timers.
//
// A chat answer is either an error answer from errors.js (kind 'json' or 'raw', sent as a plain HTTP error
// before any streaming) or
//   { kind: 'chat', status: 200, id, created, model, chunks: [{ delta, image }], finishReason, usage,
//     images: [imageRecord & { role, thought }], streamError?: errorBody }
// chatStreamEvents() turns it into the SSE chunks of `stream: true`, chatCompletion() into the one JSON object
// of `stream: false`. The markdown of the whole answer is the concatenation of the chunks' delta.content.

const crypto = require('node:crypto');
const images = require('../images');
const hostile = require('../hostile');
const errors = require('./errors');
const names = require('./names');
const { dimsFor, usage, finalImage, emptyImage, TEXTS } = require('./common');

const { OK_TEXT, MULTI_TEXT, THOUGHT_TEXT, THOUGHTS_FINAL_TEXT, TEXT_ONLY_TEXT } = TEXTS;

// The in-stream error event of `stream-error` (and the body of its 500 when not streamed).
const STREAM_ERROR_BODY = { error: { message: 'upstream error', type: 'comet_api_error', code: '500' } };

// The error scenarios, all as CometAPI envelopes: the Google ones (error-400-google, error-404,
// error-429-google) keep their status and message, with Google's status string as the code.
function chatErrorScenario(name, ctx) {
	const e = errors.errorScenario(name, ctx);
	if (e && e.kind === 'json' && e.body && e.body.error && typeof e.body.error.status === 'string') {
		return errors.cometError(e.status, e.body.error.message, e.body.error.status, ctx, e.headers);
	}
	return e;
}

function chatId() {
	return `chatcmpl-${crypto.randomBytes(12).toString('hex')}`;
}

function dataUrl(img) {
	return `data:${img.mimeType};base64,${img.base64}`;
}

function markdown(img) {
	return `![image](${dataUrl(img)})`;
}

function withRole(img, role) {
	return Object.assign({ role, thought: role === 'draft' }, img);
}

// ------------------------------------------------------------------------------------------- builder
/**
 * Builds the chat answer for a scenario.
 * ctx: { model, promptText, aspectRatio, imageSize, inputImages, sizeBytes, responseModalities, requestId }
 */
function buildChatAnswer(scenario, ctx) {
	const name = scenario || 'ok';
	const err = chatErrorScenario(name, ctx);
	if (err) return err;

	const prompt = ctx.promptText || '';
	const modalities = Array.isArray(ctx.responseModalities) ? ctx.responseModalities.map((m) => String(m).toUpperCase()) : null;
	const imageWanted = !modalities || modalities.length === 0 || modalities.includes('IMAGE');
	const textWanted = !modalities || modalities.length === 0 || modalities.includes('TEXT');
	if (!imageWanted && names.IMAGE_SCENARIOS.includes(name)) return buildChatAnswer('text-only', ctx);
	const [w, h] = dimsFor(ctx.aspectRatio, ctx.imageSize);
	const colour = images.colourFor(prompt);

	// items: { text } | { image } (markdown in content) | { arrayImage } (delta.images) | { reasoning }
	const answer = (items, imgs, opts = {}) => {
		if (!textWanted && imgs.length) items = items.filter((it) => it.text === undefined);
		const hasContent = (it) => it.text !== undefined || it.image !== undefined;
		const chunks = items.map((it, i) => {
			const sep = items.slice(i + 1).some(hasContent) ? '\n\n' : '';
			if (it.reasoning !== undefined) return { delta: { content: '', reasoning_content: it.reasoning }, image: false };
			if (it.text !== undefined) return { delta: { content: it.text + sep }, image: false };
			if (it.image) return { delta: { content: markdown(it.image) + sep }, image: true };
			return { delta: { content: '', images: [{ type: 'image_url', image_url: { url: dataUrl(it.arrayImage) } }] }, image: true };
		});
		if (chunks.length === 0) chunks.push({ delta: { content: '' }, image: false });
		const text = items
			.filter((it) => it.text !== undefined)
			.map((it) => it.text)
			.join('\n\n');
		const u = usage(ctx, imgs.filter((i) => i.role === 'final').length, text, opts.thoughts || 0);
		const completion = u.totalTokenCount - u.promptTokenCount;
		return {
			kind: 'chat',
			status: 200,
			id: chatId(),
			created: Math.floor(Date.now() / 1000),
			model: ctx.model,
			chunks,
			finishReason: opts.finishReason || 'stop',
			usage: { prompt_tokens: u.promptTokenCount, completion_tokens: completion, total_tokens: u.totalTokenCount },
			images: opts.streamError ? undefined : imgs,
			streamError: opts.streamError,
		};
	};

	switch (name) {
		case 'ok':
		case 'snake': {
			const img = finalImage(ctx, prompt);
			return answer([{ text: OK_TEXT }, { image: img }], [withRole(img, 'final')]);
		}
		case 'multi': {
			const a = finalImage(ctx, prompt);
			const b = ctx.sizeBytes ? images.sizedPng(ctx.sizeBytes + 1) : images.solidPng(w, h, images.colourFor(`${prompt}#2`));
			return answer([{ text: MULTI_TEXT }, { image: a }, { image: b }], [withRole(a, 'final'), withRole(b, 'final')]);
		}
		case 'jpeg-as-png': {
			const img = Object.assign({}, images.fixture('jpeg'), { mimeType: 'image/png' });
			return answer([{ text: OK_TEXT }, { image: img }], [withRole(img, 'final')]);
		}
		case 'webp':
		case 'gif': {
			const img = images.fixture(name);
			return answer([{ text: OK_TEXT }, { image: img }], [withRole(img, 'final')]);
		}
		case 'thoughts': {
			const d1 = images.solidPng(w, h, images.colourFor(`${prompt}#draft1`));
			const d2 = images.solidPng(w, h, images.colourFor(`${prompt}#draft2`));
			const fin = finalImage(ctx, prompt);
			return answer(
				[{ reasoning: THOUGHT_TEXT }, { image: d1 }, { image: d2 }, { text: THOUGHTS_FINAL_TEXT }, { image: fin }],
				[withRole(d1, 'draft'), withRole(d2, 'draft'), withRole(fin, 'final')],
				{ thoughts: 215 },
			);
		}
		case 'empty-image': {
			const empty = emptyImage();
			return answer([{ text: OK_TEXT }, { image: empty }], [withRole(empty, 'final')]);
		}
		case 'images-array': {
			const img = finalImage(ctx, prompt);
			return answer([{ text: OK_TEXT }, { arrayImage: img }], [withRole(img, 'final')]);
		}
		case 'bad-base64': {
			const img = Object.assign(hostile.imageRecord(Buffer.alloc(0), 'image/png'), { base64: 'this is not base64!' });
			return answer([{ text: OK_TEXT }, { image: img }], []);
		}
		case 'html-image': {
			const img = hostile.imageRecord(hostile.HTML_PAGE, 'image/png');
			return answer([{ text: OK_TEXT }, { image: img }], [img]);
		}
		case 'quoted-data': {
			const img = finalImage(ctx, prompt);
			const a = answer([{ text: OK_TEXT }, { image: img }], [withRole(img, 'final')]);
			a.chunks[0].delta.data = 'say "hi" \\ and "bye"';
			return a;
		}
		case 'image-safety':
		case 'content-filter':
		case 'blocked':
			return answer([], [], { finishReason: 'content_filter' });
		case 'text-only':
			return answer([{ text: TEXT_ONLY_TEXT }], []);
		case 'no-image':
		case 'empty-parts':
			return answer([], []);
		case 'stream-error':
			return answer([{ text: OK_TEXT }], [], { streamError: STREAM_ERROR_BODY });
		default:
			return null;
	}
}

// The SSE chunks of a chat answer: [{ json, image }] where `image` marks a chunk that carries an image.
// Content chunks, then one with `delta: {}`, finish_reason and usage. `stream-error`: the first content
// chunk, then the error object (and no finish chunk). The server adds `data: [DONE]` after a whole answer.
function chatStreamEvents(answer) {
	const base = { id: answer.id, object: 'chat.completion.chunk', created: answer.created, model: answer.model };
	const events = answer.chunks.map((c) => ({
		json: Object.assign({}, base, { choices: [{ index: 0, delta: Object.assign({ role: 'assistant' }, c.delta), finish_reason: null }] }),
		image: c.image,
	}));
	if (answer.streamError) return [events[0], { json: answer.streamError, image: false }];
	events.push({
		json: Object.assign({}, base, { choices: [{ index: 0, delta: {}, finish_reason: answer.finishReason }], usage: answer.usage }),
		image: false,
	});
	return events;
}

// The `stream: false` answer: one chat.completion object (stream-error: that error as an HTTP 500).
function chatCompletion(answer) {
	if (answer.streamError) return { kind: 'json', status: 500, body: answer.streamError };
	const message = { role: 'assistant', content: answer.chunks.map((c) => c.delta.content || '').join('') };
	const reasoning = answer.chunks.map((c) => c.delta.reasoning_content || '').join('');
	if (reasoning) message.reasoning_content = reasoning;
	const imgs = answer.chunks.flatMap((c) => c.delta.images || []);
	if (imgs.length) message.images = imgs;
	return {
		kind: 'json',
		status: 200,
		body: {
			id: answer.id,
			object: 'chat.completion',
			created: answer.created,
			model: answer.model,
			choices: [{ index: 0, message, finish_reason: answer.finishReason }],
			usage: answer.usage,
		},
		images: answer.images,
	};
}

module.exports = { buildChatAnswer, chatStreamEvents, chatCompletion, STREAM_ERROR_BODY };
