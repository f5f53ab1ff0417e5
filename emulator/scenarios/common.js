'use strict';
// What the answers of every route share: texts, the pixel sizes of each aspect ratio and image size, token
// usage, snake_case keys, the final image of a prompt. Pure functions.

const images = require('../images');

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

// The final image of an answer: of the asked size (size=), else of the asked aspect ratio and image size, in
// the colour of the prompt.
function finalImage(ctx, colourText) {
	if (ctx.sizeBytes) return images.sizedPng(ctx.sizeBytes);
	const [w, h] = dimsFor(ctx.aspectRatio, ctx.imageSize);
	return images.solidPng(w, h, images.colourFor(colourText));
}

// The record of an empty image part (empty-image): no bytes at all.
function emptyImage() {
	return images.record(Buffer.alloc(0), 'image/png', null, null, null);
}

module.exports = {
	dimsFor,
	usage,
	textTokens,
	toSnake,
	finalImage,
	emptyImage,
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
