'use strict';
// Answer builders for the Gemini native route (generateContent / streamGenerateContent), by scenario name.
// Pure functions: no sockets, no timers.
//
// A native answer is an answer of errors.js ({ kind: 'json' | 'raw', ... }) or
//   { kind: 'stream-error', status: 200, body, errorBody }   (native stream route only)
// The server serialises it (and, on the streaming route, splits it into SSE events with streamEvents()).

const images = require('../images');
const hostile = require('../hostile');
const errors = require('./errors');
const names = require('./names');
const { dimsFor, usage, toSnake, finalImage, emptyImage, TEXTS } = require('./common');

const {
	OK_TEXT,
	MULTI_TEXT,
	THOUGHT_TEXT,
	THOUGHTS_FINAL_TEXT,
	TEXT_ONLY_TEXT,
	IMAGE_SAFETY_MESSAGE,
	NO_IMAGE_MESSAGE,
	THOUGHT_SIGNATURE,
} = TEXTS;

function imagePart(img, extra) {
	return Object.assign({ inlineData: { mimeType: img.mimeType, data: img.base64 } }, extra || {});
}

function withLabel(img, mimeType) {
	// same bytes, different declared MIME type
	return Object.assign({}, img, { mimeType });
}

function response(ctx, candidate, usageMetadata) {
	const body = {};
	if (candidate) body.candidates = [Object.assign({}, candidate, { index: 0 })];
	body.usageMetadata = usageMetadata;
	body.modelVersion = ctx.model;
	body.responseId = ctx.responseId || errors.responseId();
	return body;
}

function groundingMetadata(prompt) {
	const query =
		prompt
			.replace(/\[emu:[^\]]*\]/g, '')
			.trim()
			.slice(0, 60) || 'image';
	return {
		webSearchQueries: [query],
		groundingChunks: [
			{ web: { uri: 'https://example.com/grounding/1', title: 'example.com' } },
			{ web: { uri: 'https://example.org/grounding/2', title: 'example.org' } },
		],
		searchEntryPoint: { renderedContent: '<div>search suggestions</div>' },
	};
}

/**
 * Builds the native answer for a scenario.
 * ctx: { model, promptText, aspectRatio, imageSize, inputImages, sizeBytes, responseModalities, requestId, responseId }
 */
function buildNativeAnswer(scenario, ctx) {
	const name = names.NATIVE_ALIASES[scenario] || scenario || 'ok';
	const err = errors.errorScenario(name, ctx);
	if (err) return err;

	const prompt = ctx.promptText || '';
	const modalities = Array.isArray(ctx.responseModalities) ? ctx.responseModalities.map(String) : null;
	const imageWanted = !modalities || modalities.length === 0 || modalities.includes('IMAGE');
	const textWanted = !modalities || modalities.length === 0 || modalities.includes('TEXT');
	const [w, h] = dimsFor(ctx.aspectRatio, ctx.imageSize);
	const colour = images.colourFor(prompt);

	const imageAnswer = (parts, imgs, text, thoughts) => {
		// Honour responseModalities like the real models: IMAGE only drops the (non-thought) text,
		// TEXT only turns the answer into a text-only one.
		if (!textWanted) parts = parts.filter((p) => !(typeof p.text === 'string' && !p.thought));
		const candidate = { content: { role: 'model', parts }, finishReason: 'STOP' };
		// Google Search grounding (tools: [{googleSearch: {}}]) adds its queries and sources, as Gemini 3 does.
		if (ctx.googleSearch) candidate.groundingMetadata = groundingMetadata(prompt);
		const body = response(ctx, candidate, usage(ctx, imgs.filter((i) => !i.thought).length, textWanted ? text : '', thoughts));
		return { kind: 'json', status: 200, body, images: imgs };
	};

	if (!imageWanted && names.IMAGE_SCENARIOS.includes(name)) {
		return buildNativeAnswer('text-only', ctx);
	}

	switch (name) {
		case 'ok':
		case 'snake': {
			const img = finalImage(ctx, prompt);
			const a = imageAnswer([{ text: OK_TEXT }, imagePart(img)], [Object.assign({ role: 'final', thought: false }, img)], OK_TEXT);
			if (name === 'snake') a.snake = true;
			return a;
		}
		case 'multi': {
			const a = finalImage(ctx, prompt);
			const b = ctx.sizeBytes ? images.sizedPng(ctx.sizeBytes + 1) : images.solidPng(w, h, images.colourFor(`${prompt}#2`));
			return imageAnswer(
				[{ text: MULTI_TEXT }, imagePart(a), imagePart(b)],
				[Object.assign({ role: 'final', thought: false }, a), Object.assign({ role: 'final', thought: false }, b)],
				MULTI_TEXT,
			);
		}
		case 'jpeg-as-png': {
			const img = withLabel(images.fixture('jpeg'), 'image/png');
			return imageAnswer([{ text: OK_TEXT }, imagePart(img)], [Object.assign({ role: 'final', thought: false }, img)], OK_TEXT);
		}
		case 'webp': {
			const img = images.fixture('webp');
			return imageAnswer([{ text: OK_TEXT }, imagePart(img)], [Object.assign({ role: 'final', thought: false }, img)], OK_TEXT);
		}
		case 'gif': {
			const img = images.fixture('gif');
			return imageAnswer([{ text: OK_TEXT }, imagePart(img)], [Object.assign({ role: 'final', thought: false }, img)], OK_TEXT);
		}
		case 'thoughts': {
			const d1 = images.solidPng(w, h, images.colourFor(`${prompt}#draft1`));
			const d2 = images.solidPng(w, h, images.colourFor(`${prompt}#draft2`));
			const fin = finalImage(ctx, prompt);
			const parts = [
				{ text: THOUGHT_TEXT, thought: true },
				imagePart(d1, { thought: true }),
				imagePart(d2, { thought: true }),
				{ text: THOUGHTS_FINAL_TEXT, thoughtSignature: THOUGHT_SIGNATURE },
				imagePart(fin, { thoughtSignature: THOUGHT_SIGNATURE }),
			];
			return imageAnswer(
				parts,
				[
					Object.assign({ role: 'draft', thought: true }, d1),
					Object.assign({ role: 'draft', thought: true }, d2),
					Object.assign({ role: 'final', thought: false }, fin),
				],
				THOUGHTS_FINAL_TEXT,
				215,
			);
		}
		case 'empty-image': {
			const parts = [{ text: OK_TEXT }, { inlineData: { mimeType: 'image/png', data: '' } }];
			return imageAnswer(parts, [Object.assign({ role: 'final', thought: false }, emptyImage())], OK_TEXT);
		}
		case 'bad-base64':
		case 'html-image': {
			const h = hostile.hostileNativeParts(name, OK_TEXT);
			return imageAnswer(h.parts, h.imgs, OK_TEXT);
		}
		case 'quoted-data': {
			// A valid answer with another field named "data" that holds escaped quotes and a backslash.
			const img = finalImage(ctx, prompt);
			const a = imageAnswer([{ text: OK_TEXT }, imagePart(img)], [Object.assign({ role: 'final', thought: false }, img)], OK_TEXT);
			a.body.metadata = { data: 'say "hi" \\ and "bye"', note: { data: '\"' } };
			return a;
		}
		case 'image-safety':
			return {
				kind: 'json',
				status: 200,
				body: response(
					ctx,
					{ content: { role: 'model', parts: null }, finishReason: 'IMAGE_SAFETY', finishMessage: IMAGE_SAFETY_MESSAGE },
					usage(ctx, 0, '', 0),
				),
			};
		case 'blocked': {
			const body = { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } };
			const u = usage(ctx, 0, '', 0);
			body.usageMetadata = { promptTokenCount: u.promptTokenCount, totalTokenCount: u.promptTokenCount };
			body.modelVersion = ctx.model;
			body.responseId = ctx.responseId || errors.responseId();
			return { kind: 'json', status: 200, body };
		}
		case 'text-only':
			return {
				kind: 'json',
				status: 200,
				body: response(
					ctx,
					{ content: { role: 'model', parts: [{ text: TEXT_ONLY_TEXT }] }, finishReason: 'STOP' },
					usage(ctx, 0, TEXT_ONLY_TEXT, 0),
				),
			};
		case 'no-image':
			return {
				kind: 'json',
				status: 200,
				body: response(
					ctx,
					{ content: { role: 'model' }, finishReason: 'NO_IMAGE', finishMessage: NO_IMAGE_MESSAGE },
					usage(ctx, 0, '', 0),
				),
			};
		case 'empty-parts':
			return {
				kind: 'json',
				status: 200,
				body: response(ctx, { content: { role: 'model' }, finishReason: 'STOP' }, usage(ctx, 0, '', 0)),
			};
		case 'stream-error': {
			// On the streamed route: one text chunk, then an in-stream error event. Non-streamed: a 500.
			const body = response(ctx, { content: { role: 'model', parts: [{ text: OK_TEXT }] } }, undefined);
			delete body.usageMetadata;
			return {
				kind: 'stream-error',
				status: 200,
				body,
				errorBody: { error: { code: 500, message: 'Internal error in stream', status: 'INTERNAL' } },
			};
		}
		default:
			return null;
	}
}

// Splits a native answer into the SSE events of streamGenerateContent (each a whole response object).
// 200 answers with parts: one event per part (text first, then each image in its own multi-MB event), then
// a last event with an empty text part, finishReason and usageMetadata. Other 200 answers: one event.
function streamEvents(answer) {
	if (answer.kind === 'stream-error') return [answer.body, answer.errorBody];
	const body = answer.body;
	const cand = body && body.candidates && body.candidates[0];
	const parts = cand && cand.content && Array.isArray(cand.content.parts) ? cand.content.parts : null;
	let events;
	if (!parts || parts.length === 0) {
		events = [body];
	} else {
		const common = { modelVersion: body.modelVersion, responseId: body.responseId };
		events = parts.map((part) => Object.assign({ candidates: [{ content: { role: 'model', parts: [part] }, index: 0 }] }, common));
		const last = {
			candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: cand.finishReason || 'STOP', index: 0 }],
		};
		if (cand.finishMessage) last.candidates[0].finishMessage = cand.finishMessage;
		last.usageMetadata = body.usageMetadata;
		Object.assign(last, common);
		events.push(last);
	}
	return answer.snake ? events.map(toSnake) : events;
}

module.exports = { buildNativeAnswer, streamEvents };
