'use strict';
// Answer builders for the Gemini native route (generateContent / streamGenerateContent), by scenario name,
// plus the envelopes and pages shared by every route. Pure functions: no sockets, no timers.
//
// An "answer" is one of
//   { kind: 'json', status, body, headers?, images?: [imageRecord & { role, thought }], snake?: boolean }
//   { kind: 'raw',  status, contentType, body: string|Buffer, headers? }
//   { kind: 'stream-error', status: 200, body, errorBody }   (native stream route only)
// The server serialises it (and, on the streaming route, splits it into SSE events with streamEvents()).

const crypto = require('node:crypto');
const images = require('./images');
const hostile = require('./hostile');

// ------------------------------------------------------------------------------------------- constants
const OK_TEXT = 'Here is your image.';
const MULTI_TEXT = 'Here are two versions of your image.';
const THOUGHT_TEXT = 'thinking...';
const THOUGHTS_FINAL_TEXT = 'Here is your poster.';
const TEXT_ONLY_TEXT =
	"I can't draw that, but here is a description: a calm scene in soft light, with the subject centred and a plain background.";
const IMAGE_SAFETY_MESSAGE =
	"Unable to show the generated image because it may violate Google's Generative AI Prohibited Use policy. Try rephrasing the prompt.";
const NO_IMAGE_MESSAGE = 'The model could not generate an image for this request. Try rephrasing the prompt.';
const THOUGHT_SIGNATURE = 'sig';

const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9', '1:4', '4:1', '1:8', '8:1'];
const IMAGE_SIZES = ['512', '1K', '2K', '4K'];
const INPUT_MIME_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/heic', 'image/heif'];

// 1K pixel sizes (Gemini 2.5 Flash Image table); 512 halves them, 2K doubles, 4K quadruples.
const BASE_1K = {
	'1:1': [1024, 1024],
	'2:3': [832, 1248],
	'3:2': [1248, 832],
	'3:4': [864, 1184],
	'4:3': [1184, 864],
	'4:5': [896, 1152],
	'5:4': [1152, 896],
	'9:16': [768, 1344],
	'16:9': [1344, 768],
	'21:9': [1536, 672],
	'1:4': [512, 2048],
	'4:1': [2048, 512],
	'1:8': [368, 2896],
	'8:1': [2896, 368],
};
const SIZE_SCALE = { 512: 0.5, '1K': 1, '2K': 2, '4K': 4 };

function dimsFor(aspectRatio, imageSize) {
	const base = BASE_1K[aspectRatio || '1:1'] || BASE_1K['1:1'];
	const scale = SIZE_SCALE[imageSize || '1K'] || 1;
	return [Math.round(base[0] * scale), Math.round(base[1] * scale)];
}

// Native answer scenarios (the ones that produce a Gemini response or an error page).
const ERROR_SCENARIOS = [
	'error-400-google',
	'error-401',
	'error-402',
	'error-403',
	'error-404',
	'error-413',
	'error-429-google',
	'error-500-invalid',
	'error-500',
	'error-503-model',
	'error-503',
	'html',
	'redirect',
];
const NATIVE_SCENARIOS = [
	'ok',
	'multi',
	'jpeg-as-png',
	'webp',
	'gif',
	'thoughts',
	'snake',
	'image-safety',
	'blocked',
	'text-only',
	'no-image',
	'empty-parts',
	'empty-image',
	'stream-error',
	...hostile.HOSTILE_SCENARIOS,
	...ERROR_SCENARIOS,
];

// Chat-route scenario names that the native route answers with its closest equivalent.
const NATIVE_ALIASES = { 'content-filter': 'image-safety', 'images-array': 'ok' };

// ------------------------------------------------------------------------------------------- helpers
function requestId() {
	// CometAPI style: YYYYMMDDHHMMSS + millis + random
	const d = new Date();
	const p = (n, w = 2) => String(n).padStart(w, '0');
	const stamp = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}${p(d.getUTCMilliseconds(), 3)}`;
	return stamp + crypto.randomBytes(6).toString('hex');
}

function responseId() {
	return crypto.randomBytes(16).toString('base64url').slice(0, 22);
}

function cometError(status, message, code, ctx, headers) {
	const rid = (ctx && ctx.requestId) || requestId();
	return {
		kind: 'json',
		status,
		headers,
		body: { error: { message: `${message} (request id: ${rid})`, type: 'comet_api_error', param: '', code } },
	};
}

function googleError(code, status, message, details, headers) {
	const error = { code, message, status };
	if (details) error.details = details;
	return { kind: 'json', status: code, headers, body: { error } };
}

function htmlPage(status, title, text) {
	return `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${title}</title></head>\n<body>\n<h1>${title}</h1>\n<p>${text}</p>\n</body>\n</html>\n`;
}

function notFoundPage() {
	return {
		kind: 'raw',
		status: 404,
		contentType: 'text/html; charset=utf-8',
		body: htmlPage(404, '404 Not Found', 'The page you are looking for does not exist. Check the address and try again.'),
	};
}

function cloudflare524() {
	return {
		kind: 'raw',
		status: 524,
		contentType: 'text/html; charset=UTF-8',
		body:
			'<!DOCTYPE html>\n<html>\n<head><title>api.cometapi.com | 524: A timeout occurred</title></head>\n<body>\n' +
			'<h1>A timeout occurred <span>Error code 524</span></h1>\n' +
			'<p>The origin web server timed out responding to this request.</p>\n' +
			'<p>Cloudflare Ray ID: ' +
			crypto.randomBytes(8).toString('hex') +
			'</p>\n</body>\n</html>\n',
	};
}

function unknownModel(model, ctx) {
	return cometError(503, `model_not_found: no available channel for model ${model}`, 'model_not_found', ctx);
}

function invalidToken(ctx) {
	return cometError(401, 'Invalid token', '', ctx);
}

function rateLimited(ctx, retryAfterSeconds, why) {
	return cometError(
		429,
		why || 'rate limit exceeded: too many requests, please retry later',
		'rate_limit_exceeded',
		ctx,
		{ 'Retry-After': String(retryAfterSeconds == null ? 1 : retryAfterSeconds) },
	);
}

function tooLarge(ctx) {
	return cometError(413, 'request entity too large', 'request_body_too_large', ctx);
}

// Transient failure answers used by the fail=<status>x<n> directive.
function failAnswer(status, ctx, retryAfterSeconds) {
	switch (status) {
		case 429:
			return rateLimited(ctx, retryAfterSeconds);
		case 503:
			// Retry-After only when the directive asks for one (429 always carries it).
			return cometError(503, 'upstream service temporarily unavailable, please try again later', '', ctx, retryAfterSeconds == null ? undefined : { 'Retry-After': String(retryAfterSeconds) });
		case 524:
			return cloudflare524();
		case 408:
			return cometError(408, 'upstream request timeout', 408, ctx);
		case 500:
			return cometError(500, 'internal server error', 500, ctx);
		case 502:
			return cometError(502, 'bad gateway: upstream connection error', 502, ctx);
		case 504:
			return cometError(504, 'gateway timeout: upstream did not respond in time', 504, ctx);
		default:
			return cometError(status, `upstream error: status code ${status}`, status, ctx);
	}
}

function errorScenario(name, ctx) {
	const model = ctx.model;
	switch (name) {
		case 'error-400-google':
			return googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.');
		case 'error-401':
			return invalidToken(ctx);
		case 'error-402':
			return cometError(402, 'insufficient quota: your account balance is too low, please recharge', 'insufficient_quota', ctx);
		case 'error-403':
			return cometError(403, `access denied: this token is not allowed to use model ${model}`, 'access_denied', ctx);
		case 'error-404':
			return googleError(
				404,
				'NOT_FOUND',
				`models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
			);
		case 'error-413':
			return tooLarge(ctx);
		case 'error-429-google':
			return googleError(
				429,
				'RESOURCE_EXHAUSTED',
				'Resource has been exhausted (e.g. check quota).',
				[{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }],
			);
		case 'error-500-invalid':
			return cometError(500, 'invalid request: the upstream rejected the request body', 'invalid_request', ctx);
		case 'error-500':
			return cometError(500, 'internal server error', 500, ctx);
		case 'error-503-model':
			return unknownModel(model, ctx);
		case 'error-503':
			return cometError(503, 'upstream service temporarily unavailable, please try again later', '', ctx);
		case 'html':
			return {
				kind: 'raw',
				status: 200,
				contentType: 'text/html; charset=utf-8',
				body: htmlPage(200, 'CometAPI', 'Welcome to CometAPI. One API for all models. Sign in to the dashboard to manage your keys.'),
			};
		case 'redirect':
			return {
				kind: 'raw',
				status: 301,
				contentType: 'text/html; charset=utf-8',
				headers: { Location: '/somewhere' },
				body: htmlPage(301, '301 Moved Permanently', 'The document has moved <a href="/somewhere">here</a>.'),
			};
		default:
			return null;
	}
}

// camelCase -> snake_case for every object key (deep).
function snakeKey(k) {
	return k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
function toSnake(value) {
	if (Array.isArray(value)) return value.map(toSnake);
	if (value && typeof value === 'object') {
		const out = {};
		for (const [k, v] of Object.entries(value)) out[snakeKey(k)] = toSnake(v);
		return out;
	}
	return value;
}

function textTokens(text) {
	return Math.max(1, Math.ceil(String(text || '').length / 4));
}

function usage(ctx, outputImages, outputText, thoughts) {
	const prompt = textTokens(ctx.promptText) + 258 * (ctx.inputImages || 0);
	const imageTokens = 1290 * outputImages;
	const textTok = outputText ? textTokens(outputText) : 0;
	const candidates = imageTokens + textTok;
	const u = {
		promptTokenCount: prompt,
		candidatesTokenCount: candidates,
		totalTokenCount: prompt + candidates + (thoughts || 0),
		promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
	};
	if (thoughts) u.thoughtsTokenCount = thoughts;
	const details = [];
	if (textTok) details.push({ modality: 'TEXT', tokenCount: textTok });
	if (imageTokens) details.push({ modality: 'IMAGE', tokenCount: imageTokens });
	if (details.length) u.candidatesTokensDetails = details;
	return u;
}

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
	body.responseId = ctx.responseId || responseId();
	return body;
}

function groundingMetadata(prompt) {
	const query = prompt.replace(/\[emu:[^\]]*\]/g, '').trim().slice(0, 60) || 'image';
	return {
		webSearchQueries: [query],
		groundingChunks: [
			{ web: { uri: 'https://example.com/grounding/1', title: 'example.com' } },
			{ web: { uri: 'https://example.org/grounding/2', title: 'example.org' } },
		],
		searchEntryPoint: { renderedContent: '<div>search suggestions</div>' },
	};
}

// ------------------------------------------------------------------------------------------- images
function finalImage(ctx, colourText) {
	if (ctx.sizeBytes) return images.sizedPng(ctx.sizeBytes);
	const [w, h] = dimsFor(ctx.aspectRatio, ctx.imageSize);
	return images.solidPng(w, h, images.colourFor(colourText));
}

// ------------------------------------------------------------------------------------------- builder
/**
 * Builds the native answer for a scenario.
 * ctx: { model, promptText, aspectRatio, imageSize, inputImages, sizeBytes, responseModalities, requestId, responseId }
 */
function buildNativeAnswer(scenario, ctx) {
	const name = NATIVE_ALIASES[scenario] || scenario || 'ok';
	const err = errorScenario(name, ctx);
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

	if (!imageWanted && ['ok', 'multi', 'jpeg-as-png', 'webp', 'gif', 'thoughts', 'snake', 'empty-image'].includes(name)) {
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
			const img = withLabel(images.solidJpeg(w, h, colour), 'image/png');
			return imageAnswer([{ text: OK_TEXT }, imagePart(img)], [Object.assign({ role: 'final', thought: false }, img)], OK_TEXT);
		}
		case 'webp': {
			const img = images.solidWebp(w, h, colour);
			return imageAnswer([{ text: OK_TEXT }, imagePart(img)], [Object.assign({ role: 'final', thought: false }, img)], OK_TEXT);
		}
		case 'gif': {
			const img = images.solidGif(w, h, colour);
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
			const empty = {
				role: 'final',
				thought: false,
				buffer: Buffer.alloc(0),
				base64: '',
				sha256: crypto.createHash('sha256').update(Buffer.alloc(0)).digest('hex'),
				bytes: 0,
				mimeType: 'image/png',
				type: null,
				width: null,
				height: null,
			};
			return imageAnswer(parts, [empty], OK_TEXT);
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
			body.responseId = ctx.responseId || responseId();
			return { kind: 'json', status: 200, body };
		}
		case 'text-only':
			return {
				kind: 'json',
				status: 200,
				body: response(ctx, { content: { role: 'model', parts: [{ text: TEXT_ONLY_TEXT }] }, finishReason: 'STOP' }, usage(ctx, 0, TEXT_ONLY_TEXT, 0)),
			};
		case 'no-image':
			return {
				kind: 'json',
				status: 200,
				body: response(ctx, { content: { role: 'model' }, finishReason: 'NO_IMAGE', finishMessage: NO_IMAGE_MESSAGE }, usage(ctx, 0, '', 0)),
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
		events = parts.map((part) =>
			Object.assign({ candidates: [{ content: { role: 'model', parts: [part] }, index: 0 }] }, common),
		);
		const last = { candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: cand.finishReason || 'STOP', index: 0 }] };
		if (cand.finishMessage) last.candidates[0].finishMessage = cand.finishMessage;
		last.usageMetadata = body.usageMetadata;
		Object.assign(last, common);
		events.push(last);
	}
	return answer.snake ? events.map(toSnake) : events;
}

module.exports = {
	buildNativeAnswer,
	streamEvents,
	failAnswer,
	errorScenario,
	unknownModel,
	invalidToken,
	rateLimited,
	tooLarge,
	notFoundPage,
	cloudflare524,
	cometError,
	googleError,
	toSnake,
	dimsFor,
	finalImage,
	usage,
	textTokens,
	requestId,
	responseId,
	NATIVE_SCENARIOS,
	NATIVE_ALIASES,
	ERROR_SCENARIOS,
	ASPECT_RATIOS,
	IMAGE_SIZES,
	INPUT_MIME_TYPES,
	TEXTS: {
		OK_TEXT,
		MULTI_TEXT,
		THOUGHT_TEXT,
		THOUGHTS_FINAL_TEXT,
		TEXT_ONLY_TEXT,
		IMAGE_SAFETY_MESSAGE,
		NO_IMAGE_MESSAGE,
		THOUGHT_SIGNATURE,
	},
};
