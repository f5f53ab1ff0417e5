'use strict';
// Reads a request body the way each generation route does: the prompt text, the text directives are read from,
// the input images (size, sha256, real type and pixel size), the options asked for, snake_case keys, and the
// first validation error in the route's envelope. Pure functions.

const crypto = require('node:crypto');
const images = require('./images');
const errors = require('./scenarios/errors');
const { INPUT_MIME_TYPES, IMAGE_SIZES, ASPECT_RATIOS } = require('./scenarios/common');

function sha256(buf) {
	return crypto.createHash('sha256').update(buf).digest('hex');
}

function isSnake(k) {
	return /_/.test(k) && k !== '@type';
}

function collectSnakeKeys(value, path, out) {
	if (out.length > 50) return out;
	if (Array.isArray(value)) value.forEach((v, i) => collectSnakeKeys(v, `${path}[${i}]`, out));
	else if (value && typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) {
			const p = path ? `${path}.${k}` : k;
			if (isSnake(k)) out.push(p);
			collectSnakeKeys(v, p, out);
		}
	}
	return out;
}

function pick(obj, ...keys) {
	if (!obj || typeof obj !== 'object') return undefined;
	for (const k of keys) if (obj[k] !== undefined) return obj[k];
	return undefined;
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL_RE = /^[A-Za-z0-9_-]*={0,2}$/;

function badBase64(s) {
	if (typeof s !== 'string') return true;
	if (s.startsWith('data:')) return true;
	if (s.length % 4 === 1) return true;
	return !(BASE64_RE.test(s) || BASE64URL_RE.test(s));
}

function quoteShort(s) {
	const str = String(s);
	return JSON.stringify(str.length > 48 ? `${str.slice(0, 48)}...` : str);
}

/** Records what an input image really is: size, sha256 of the decoded bytes, type and pixel size. */
function describeReceived(info, base64) {
	const buf = Buffer.from(base64, 'base64');
	info.bytes = buf.length;
	info.sha256 = sha256(buf);
	const det = images.inspect(buf);
	if (det) Object.assign(info, { detectedType: det.type, width: det.width, height: det.height });
}

/** What counts attempts: the model, the prompt text and the input images (README, "Recorded request"). */
function identityOf(model, analysed) {
	return sha256(`${model}\n${analysed.promptText}\n${analysed.images.map((i) => i.sha256).join(',')}`).slice(0, 32);
}

/**
 * A fresh analysis of `body`: `bad(message)` keeps the first validation error, in the envelope `toError`
 * makes; `ok` says whether the body is a JSON object at all (if not, that is the error).
 */
function newAnalysis(body, toError, notAnObject, extra) {
	const out = Object.assign(extra, {
		promptText: '',
		directiveText: '',
		images: [],
		asked: null,
		validationError: null,
		snakeCaseKeys: collectSnakeKeys(body, '', []),
	});
	const bad = (message) => {
		if (!out.validationError) out.validationError = toError(message);
	};
	const ok = !!body && typeof body === 'object' && !Array.isArray(body);
	if (!ok) bad(notAnObject);
	return { out, bad, ok };
}

/** The image options both routes check, with Google's messages; and what `asked` records of them. */
function checkImageConfig(bad, aspectRatio, imageSize, modalities) {
	if (imageSize !== undefined && !IMAGE_SIZES.includes(imageSize)) {
		bad(
			`Invalid value at 'generation_config.image_config.image_size': ${JSON.stringify(imageSize)}. Supported values are ${IMAGE_SIZES.join(', ')}.`,
		);
	}
	if (aspectRatio !== undefined && !ASPECT_RATIOS.includes(aspectRatio)) {
		bad(
			`Invalid value at 'generation_config.image_config.aspect_ratio': ${JSON.stringify(aspectRatio)}. Supported values are ${ASPECT_RATIOS.join(', ')}.`,
		);
	}
	return {
		aspectRatio: aspectRatio === undefined ? null : aspectRatio,
		imageSize: imageSize === undefined ? null : imageSize,
		responseModalities: Array.isArray(modalities) ? modalities : null,
	};
}

function analyseNative(body) {
	const { out, bad, ok } = newAnalysis(
		body,
		(message) => errors.googleError(400, 'INVALID_ARGUMENT', message),
		'Invalid JSON payload received. Expected an object at the top level.',
		{},
	);
	if (!ok) return out;
	const contents = body.contents;
	const texts = [];
	if (contents === undefined || contents === null || (Array.isArray(contents) && contents.length === 0)) {
		bad('* GenerateContentRequest.contents: contents is not specified\n');
	} else if (!Array.isArray(contents)) {
		bad("Invalid JSON payload received. Invalid value at 'contents': expected a list of Content objects.");
	} else {
		contents.forEach((content, ci) => {
			const parts = content && content.parts;
			if (!Array.isArray(parts) || parts.length === 0) {
				bad(`* GenerateContentRequest.contents[${ci}].parts: contents.parts must not be empty.\n`);
				return;
			}
			parts.forEach((part, pi) => {
				if (!part || typeof part !== 'object') return;
				if (typeof part.text === 'string') texts.push(part.text);
				const key = part.inlineData !== undefined ? 'inlineData' : part.inline_data !== undefined ? 'inline_data' : null;
				if (!key) return;
				const inline = part[key] || {};
				const where = `contents[${ci}].parts[${pi}].inline_data`;
				const mimeType = pick(inline, 'mimeType', 'mime_type');
				const data = inline.data;
				const info = {
					key,
					content: ci,
					part: pi,
					mimeType: mimeType === undefined ? null : mimeType,
					bytes: 0,
					sha256: null,
					detectedType: null,
					width: null,
					height: null,
				};
				out.images.push(info);
				if (typeof data !== 'string' || badBase64(data)) {
					bad(`Invalid value at '${where}.data' (TYPE_BYTES), Base64 decoding failed for ${quoteShort(data)}`);
					return;
				}
				if (mimeType === undefined || mimeType === null || mimeType === '') {
					bad(`* GenerateContentRequest.${where}.mime_type: mime_type is not specified\n`);
				} else if (!INPUT_MIME_TYPES.includes(String(mimeType).toLowerCase())) {
					bad(`Unsupported MIME type: ${mimeType}`);
				}
				describeReceived(info, data);
			});
		});
	}
	out.promptText = texts.join('\n');
	const sys = pick(body, 'systemInstruction', 'system_instruction');
	const sysTexts = sys && Array.isArray(sys.parts) ? sys.parts.filter((p) => p && typeof p.text === 'string').map((p) => p.text) : [];
	out.directiveText = [...sysTexts, out.promptText].join('\n');

	const gen = pick(body, 'generationConfig', 'generation_config') || {};
	const imageConfig = pick(gen, 'imageConfig', 'image_config') || {};
	const aspectRatio = pick(imageConfig, 'aspectRatio', 'aspect_ratio');
	const imageSize = pick(imageConfig, 'imageSize', 'image_size');
	const modalities = pick(gen, 'responseModalities', 'response_modalities');
	const image = checkImageConfig(bad, aspectRatio, imageSize, modalities);
	if (modalities !== undefined) {
		if (!Array.isArray(modalities)) bad("Invalid value at 'generation_config.response_modalities': expected a list.");
		else
			modalities.forEach((m, i) => {
				if (!['TEXT', 'IMAGE', 'AUDIO', 'MODALITY_UNSPECIFIED'].includes(m)) {
					bad(
						`Invalid value at 'generation_config.response_modalities[${i}]' (type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig.Modality), ${JSON.stringify(m)}`,
					);
				}
			});
	}
	const tools = Array.isArray(body.tools) ? body.tools.flatMap((t) => (t && typeof t === 'object' ? Object.keys(t) : [])) : [];
	out.asked = {
		...image,
		inputImages: out.images.length,
		inputImageMimeTypes: out.images.map((i) => i.mimeType),
		candidateCount: pick(gen, 'candidateCount', 'candidate_count') ?? null,
		temperature: gen.temperature ?? null,
		topP: pick(gen, 'topP', 'top_p') ?? null,
		seed: gen.seed ?? null,
		systemInstruction: sysTexts.length ? sysTexts.join('\n') : null,
		tools,
		safetySettings: Array.isArray(pick(body, 'safetySettings', 'safety_settings'))
			? pick(body, 'safetySettings', 'safety_settings').length
			: 0,
		promptText: out.promptText,
	};
	return out;
}

const DATA_URL_RE = /^data:([^;,]*)((?:;[^;,]*)*);base64,([\s\S]*)$/i;

// Reads the chat request body: prompt text (the user messages' text), directives text (system + user), input
// images (image_url data URLs), asked options (from extra_body.google, or a top-level `google`), validation.
function analyseChat(body) {
	const { out, bad, ok } = newAnalysis(body, (message) => errors.openaiError(400, message), 'The request body must be a JSON object.', {
		model: null,
		stream: false,
	});
	if (!ok) return out;
	out.stream = body.stream === true;
	if (typeof body.model === 'string' && body.model !== '') out.model = body.model;
	else bad('you must provide a model parameter');
	const messages = body.messages;
	const userTexts = [];
	const sysTexts = [];
	if (!Array.isArray(messages) || messages.length === 0) {
		bad("'messages' is required and must be a non-empty array");
	} else {
		messages.forEach((msg, mi) => {
			if (!msg || typeof msg !== 'object') {
				bad(`messages[${mi}] must be an object with a role and a content`);
				return;
			}
			const texts = msg.role === 'system' || msg.role === 'developer' ? sysTexts : msg.role === 'user' ? userTexts : null;
			const content = msg.content;
			if (typeof content === 'string') {
				if (texts) texts.push(content);
				return;
			}
			if (!Array.isArray(content)) return;
			content.forEach((part, pi) => {
				if (typeof part === 'string') {
					if (texts) texts.push(part);
					return;
				}
				if (!part || typeof part !== 'object') return;
				if (part.type === 'text' || (part.type === undefined && typeof part.text === 'string')) {
					if (texts && typeof part.text === 'string') texts.push(part.text);
					return;
				}
				if (part.type !== 'image_url' && part.image_url === undefined) return;
				const where = `messages[${mi}].content[${pi}].image_url`;
				const url = typeof part.image_url === 'string' ? part.image_url : part.image_url && part.image_url.url;
				const info = {
					key: 'image_url',
					content: mi,
					part: pi,
					mimeType: null,
					bytes: 0,
					sha256: null,
					detectedType: null,
					width: null,
					height: null,
				};
				out.images.push(info);
				const m = typeof url === 'string' ? DATA_URL_RE.exec(url) : null;
				if (!m) {
					bad(`Invalid ${where}: only data: URLs with base64 data are supported (data:image/png;base64,...), got ${quoteShort(url)}`);
					return;
				}
				const mimeType = m[1].toLowerCase();
				const data = m[3];
				info.mimeType = m[1];
				if (!INPUT_MIME_TYPES.includes(mimeType)) {
					bad(`Invalid ${where}: unsupported MIME type ${JSON.stringify(m[1])}. Supported: ${INPUT_MIME_TYPES.join(', ')}.`);
					return;
				}
				if (data === '' || badBase64(data)) {
					bad(`Invalid ${where}: base64 decoding failed for ${quoteShort(data)}`);
					return;
				}
				describeReceived(info, data);
			});
		});
	}
	out.promptText = userTexts.join('\n');
	out.directiveText = [...sysTexts, out.promptText].join('\n');

	const isObj = (v) => !!v && typeof v === 'object' && !Array.isArray(v);
	const google = isObj(body.extra_body) && isObj(body.extra_body.google) ? body.extra_body.google : isObj(body.google) ? body.google : {};
	const imageConfig = pick(google, 'image_config', 'imageConfig') || {};
	const aspectRatio = pick(imageConfig, 'aspect_ratio', 'aspectRatio');
	const imageSize = pick(imageConfig, 'image_size', 'imageSize');
	const modalities = pick(google, 'response_modalities', 'responseModalities');
	const safety = pick(google, 'safety_settings', 'safetySettings');
	const image = checkImageConfig(bad, aspectRatio, imageSize, modalities);
	const tools = Array.isArray(google.tools) ? google.tools.flatMap((t) => (isObj(t) ? Object.keys(t) : [])) : [];
	out.asked = {
		...image,
		inputImages: out.images.length,
		inputImageMimeTypes: out.images.map((i) => i.mimeType),
		candidateCount: body.n ?? null,
		temperature: body.temperature ?? null,
		topP: body.top_p ?? null,
		seed: body.seed ?? null,
		systemInstruction: sysTexts.length ? sysTexts.join('\n') : null,
		tools,
		safetySettings: Array.isArray(safety) ? safety.length : 0,
		promptText: out.promptText,
		stream: out.stream,
	};
	return out;
}

module.exports = { analyseNative, analyseChat, identityOf };
