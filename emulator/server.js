'use strict';
// CometAPI emulator: a real HTTP server on 127.0.0.1 that speaks CometAPI's routes for Google's Gemini image
// models. Plain CommonJS, node: built-ins only, Node 20 and Node 24.
//
//   const { startEmulator } = require('./emulator/server');
//   const emu = await startEmulator({ port: 0, apiKey: 'sk-emulator-test' });
//   ... emu.url, emu.requests, emu.reset(), emu.setDefaultScenario('thoughts'), await emu.close()
//
// See README.md beside this file for routes, scenarios and directives.

const http = require('node:http');
const crypto = require('node:crypto');
const images = require('./images');
const scenarios = require('./scenarios');
const chat = require('./chat-scenarios');
const hostile = require('./hostile');
const conversation = require('./conversation');
const agent = require('./agent');
const strict = require('./strict');

const DEFAULT_API_KEY = 'sk-emulator';
// The gateway CometAPI appears to run answers 413 past 32 MB (gemini-image-api.md, "Request").
const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
const KEEP_FULL_BODIES = 100; // older records get long strings in `body` replaced by a summary
const DEFAULT_MAX_RECORDED = 5000;
const SUMMARY_STRING_LIMIT = 256;
const PING_INTERVAL_MS = 1000;

// What CometAPI's GET /v1/models lists (late 2026, see /work/shared/reference/gemini-image-api.md "Model
// lifecycle"): today's Gemini image models, one whose id lacks "image" (gemini-nano-banana-2.1), image models
// of other APIs (gpt-image-1, imagen) and text models, deliberately not image-first, so the node's filter and
// order are tested. The retired gemini-2.5-flash-image and the -preview ids are not listed; the emulator still
// answers them (gateways keep old names as aliases for a while) unless started with knownModelsOnly. Any other
// name gets 503 model_not_found, and a listed model that makes no images gets a 400 (strict.js).
const MODELS = [
	{ id: 'gpt-4o', owned_by: 'openai', created: 1715367049 },
	{ id: 'gemini-3-pro-image', owned_by: 'google', created: 1779926400 },
	{ id: 'claude-sonnet-4', owned_by: 'anthropic', created: 1747872000 },
	{ id: 'gemini-3.1-flash-lite-image', owned_by: 'google', created: 1784073600 },
	{ id: 'gemini-2.5-pro', owned_by: 'google', created: 1750204800 },
	{ id: 'gpt-image-1', owned_by: 'openai', created: 1745366400 },
	{ id: 'gemini-nano-banana-2.1', owned_by: 'google', created: 1791417600 },
	{ id: 'text-embedding-3-small', owned_by: 'openai', created: 1705948997 },
	{ id: 'imagen-4.0-generate-001', owned_by: 'google', created: 1750204800 },
	{ id: 'gemini-3.1-flash-image', owned_by: 'google', created: 1779926401 },
	{ id: 'deepseek-v3', owned_by: 'deepseek', created: 1735084800 },
	{ id: 'gemini-2.5-flash', owned_by: 'google', created: 1750204800 },
	{ id: 'gpt-4o-mini', owned_by: 'openai', created: 1721172741 },
];

const FAULT_KINDS = ['reset', 'hang', 'truncate', 'cut', 'resetmid', ...hostile.HOSTILE_FAULTS];
const DEFAULT_DRIP_MS = 1000; // a bare `slowdrip`

// ------------------------------------------------------------------------------------------- directives
// Tokens: `[emu:name]`, `[emu:key=value]`, several per bracket allowed (`[emu:thoughts,latency=500]`).
const DIRECTIVE_RE = /\[emu:([^\]]*)\]/gi;

function emptyDirectives() {
	return {
		scenario: undefined,
		latencyMs: undefined,
		dripMs: undefined,
		sizeBytes: undefined,
		retryAfter: undefined,
		// hostile behaviours (hostile.js)
		escapeSlash: undefined,
		trickleMs: undefined,
		hugeTextBytes: undefined,
		imageCount: undefined,
		echoKeyAt: undefined,
		echoTextAt: undefined,
		// strict gateway (strict.js)
		pingMs: undefined,
		noStream: undefined,
		linger: undefined,
		faults: [],
		tokens: [],
		errors: [],
	};
}

function parseSize(v) {
	const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(String(v).trim());
	if (!m) return null;
	const unit = (m[2] || 'b').toLowerCase()[0];
	const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : unit === 'g' ? 1024 * 1024 * 1024 : 1;
	return Math.round(parseFloat(m[1]) * mult);
}

function parseMs(v) {
	const m = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/i.exec(String(v).trim());
	if (!m) return null;
	return Math.round(parseFloat(m[1]) * ((m[2] || 'ms').toLowerCase() === 's' ? 1000 : 1));
}

function parseCount(v) {
	if (v === undefined || v === '') return 1;
	return /^\d+$/.test(String(v)) ? parseInt(v, 10) : null;
}

function applyToken(d, token) {
	const t = token.trim();
	if (!t) return;
	d.tokens.push(t);
	const eq = t.indexOf('=');
	if (eq < 0) {
		const name = t.toLowerCase();
		if (chat.ALL_SCENARIOS.includes(name)) d.scenario = name;
		else if (FAULT_KINDS.includes(name)) d.faults.push({ kind: name, n: 1 });
		else if (name === 'slowdrip' || name === 'drip') d.dripMs = DEFAULT_DRIP_MS;
		else if (name === 'escapeslash') d.escapeSlash = true;
		else if (name === 'trickle') d.trickleMs = 100;
		else if (name === 'nostream') d.noStream = true;
		else if (name === 'linger') d.linger = true;
		else d.errors.push(`unknown emulator scenario or directive '${t}'`);
		return;
	}
	const key = t.slice(0, eq).trim().toLowerCase();
	const value = t.slice(eq + 1).trim();
	switch (key) {
		case 'scenario':
			if (chat.ALL_SCENARIOS.includes(value.toLowerCase())) d.scenario = value.toLowerCase();
			else d.errors.push(`unknown emulator scenario '${value}'`);
			break;
		case 'latency': {
			const ms = parseMs(value);
			if (ms === null) d.errors.push(`bad latency '${value}'`);
			else d.latencyMs = ms;
			break;
		}
		case 'drip':
		case 'slowdrip': {
			const ms = parseMs(value);
			if (ms === null) d.errors.push(`bad ${key} '${value}'`);
			else d.dripMs = ms;
			break;
		}
		case 'size': {
			const b = parseSize(value);
			if (!b) d.errors.push(`bad size '${value}'`);
			else d.sizeBytes = b;
			break;
		}
		case 'retryafter':
		case 'retry-after': {
			if (!/^\d+(\.\d+)?$/.test(value)) d.errors.push(`bad retryafter '${value}'`);
			else d.retryAfter = value;
			break;
		}
		case 'fail': {
			const m = /^(\d{3})(?:x(\d+))?$/i.exec(value);
			if (!m) d.errors.push(`bad fail '${value}' (use fail=<status>x<n>)`);
			else d.faults.push({ kind: 'fail', status: parseInt(m[1], 10), n: m[2] === undefined ? 1 : parseInt(m[2], 10) });
			break;
		}
		case 'trickle': {
			const ms = parseMs(value);
			if (ms === null) d.errors.push(`bad trickle '${value}'`);
			else d.trickleMs = ms;
			break;
		}
		case 'ping': {
			const ms = parseMs(value);
			if (!ms) d.errors.push(`bad ping '${value}'`);
			else d.pingMs = ms;
			break;
		}
		case 'streamerror': {
			const m = /^(\d{3})(?:x(\d+))?$/i.exec(value);
			if (!m || Number(m[1]) < 400) d.errors.push(`bad streamerror '${value}' (use streamerror=<status>x<n>)`);
			else d.faults.push({ kind: 'streamerror', status: parseInt(m[1], 10), n: m[2] === undefined ? 1 : parseInt(m[2], 10) });
			break;
		}
		case 'hugetext': {
			const b = parseSize(value);
			if (!b) d.errors.push(`bad hugetext '${value}'`);
			else d.hugeTextBytes = b;
			break;
		}
		case 'images':
		case 'echokey':
		case 'echotext': {
			if (!/^\d+$/.test(value) || Number(value) > 100000) d.errors.push(`bad ${key} '${value}'`);
			else d[{ images: 'imageCount', echokey: 'echoKeyAt', echotext: 'echoTextAt' }[key]] = Number(value);
			break;
		}
		case 'stall':
		case 'stallerror':
		case 'reseterror':
		case 'reset':
		case 'hang':
		case 'cut':
		case 'resetmid':
		case 'truncate': {
			const n = parseCount(value);
			if (n === null) d.errors.push(`bad ${key} '${value}'`);
			else d.faults.push({ kind: key, n });
			break;
		}
		default:
			d.errors.push(`unknown emulator directive '${t}'`);
	}
}

// Parses directives from prompt text: only inside [emu:...] brackets.
function parseDirectives(text, d = emptyDirectives()) {
	if (!text) return d;
	DIRECTIVE_RE.lastIndex = 0;
	let m;
	while ((m = DIRECTIVE_RE.exec(text))) {
		for (const tok of m[1].split(/[\s,;]+/)) applyToken(d, tok);
	}
	return d;
}

// Parses a scenario spec (header value, default scenario, CLI flag): bare tokens, [emu:...] wrappers optional.
function parseSpec(spec, d = emptyDirectives()) {
	if (spec === undefined || spec === null) return d;
	const text = String(spec).replace(/\[emu:([^\]]*)\]/gi, ' $1 ');
	for (const tok of text.split(/[\s,;]+/)) applyToken(d, tok);
	return d;
}

// Later sources win for single values; faults accumulate in order (default, header, prompt).
function mergeDirectives(...list) {
	const out = emptyDirectives();
	for (const d of list) {
		if (!d) continue;
		for (const k of ['scenario', 'latencyMs', 'dripMs', 'sizeBytes', 'retryAfter', 'escapeSlash', 'trickleMs', 'hugeTextBytes', 'imageCount', 'echoKeyAt', 'echoTextAt', 'pingMs', 'noStream', 'linger']) {
			if (d[k] !== undefined) out[k] = d[k];
		}
		out.faults.push(...d.faults);
		out.tokens.push(...d.tokens);
		out.errors.push(...d.errors);
	}
	return out;
}

// Which fault (if any) applies to attempt number `attempt` (1-based): faults occupy consecutive attempts in
// the order they were given, e.g. [reset=1, fail=503x2] -> attempt 1 reset, 2-3 answer 503, 4+ real answer.
function faultFor(faults, attempt) {
	let remaining = attempt;
	for (const f of faults) {
		if (remaining <= f.n) return f;
		remaining -= f.n;
	}
	return null;
}

// ------------------------------------------------------------------------------------------- helpers
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

function summarize(value) {
	if (typeof value === 'string') {
		return value.length > SUMMARY_STRING_LIMIT ? `<omitted ${value.length} chars>` : value;
	}
	if (Array.isArray(value)) return value.map(summarize);
	if (value && typeof value === 'object') {
		const out = {};
		for (const [k, v] of Object.entries(value)) out[k] = summarize(v);
		return out;
	}
	return value;
}

function pick(obj, ...keys) {
	if (!obj || typeof obj !== 'object') return undefined;
	for (const k of keys) if (obj[k] !== undefined) return obj[k];
	return undefined;
}

function parseQuery(searchParams) {
	const q = {};
	for (const [k, v] of searchParams) q[k] = k === 'key' ? '<redacted>' : v;
	return q;
}

function redactHeaders(h) {
	const out = {};
	for (const [k, v] of Object.entries(h)) {
		out[k] = k === 'authorization' || k === 'x-goog-api-key' ? '<redacted>' : v;
	}
	return out;
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

// ------------------------------------------------------------------------------------------- request analysis
// Reads the native request body: prompt text, directives text, input images, asked options, validation.
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

function analyseNative(body) {
	const out = {
		promptText: '',
		directiveText: '',
		images: [],
		asked: null,
		validationError: null,
		snakeCaseKeys: collectSnakeKeys(body, '', []),
	};
	const bad = (message) => {
		if (!out.validationError) out.validationError = scenarios.googleError(400, 'INVALID_ARGUMENT', message);
	};
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		bad('Invalid JSON payload received. Expected an object at the top level.');
		return out;
	}
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
				const info = { key, content: ci, part: pi, mimeType: mimeType === undefined ? null : mimeType, bytes: 0, sha256: null, detectedType: null, width: null, height: null };
				out.images.push(info);
				if (typeof data !== 'string' || badBase64(data)) {
					bad(`Invalid value at '${where}.data' (TYPE_BYTES), Base64 decoding failed for ${quoteShort(data)}`);
					return;
				}
				if (mimeType === undefined || mimeType === null || mimeType === '') {
					bad(`* GenerateContentRequest.${where}.mime_type: mime_type is not specified\n`);
				} else if (!scenarios.INPUT_MIME_TYPES.includes(String(mimeType).toLowerCase())) {
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
	if (imageSize !== undefined && !scenarios.IMAGE_SIZES.includes(imageSize)) {
		bad(
			`Invalid value at 'generation_config.image_config.image_size': ${JSON.stringify(imageSize)}. Supported values are ${scenarios.IMAGE_SIZES.join(', ')}.`,
		);
	}
	if (aspectRatio !== undefined && !scenarios.ASPECT_RATIOS.includes(aspectRatio)) {
		bad(
			`Invalid value at 'generation_config.image_config.aspect_ratio': ${JSON.stringify(aspectRatio)}. Supported values are ${scenarios.ASPECT_RATIOS.join(', ')}.`,
		);
	}
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
		aspectRatio: aspectRatio === undefined ? null : aspectRatio,
		imageSize: imageSize === undefined ? null : imageSize,
		responseModalities: Array.isArray(modalities) ? modalities : null,
		inputImages: out.images.length,
		inputImageMimeTypes: out.images.map((i) => i.mimeType),
		candidateCount: pick(gen, 'candidateCount', 'candidate_count') ?? null,
		temperature: gen.temperature ?? null,
		topP: pick(gen, 'topP', 'top_p') ?? null,
		seed: gen.seed ?? null,
		systemInstruction: sysTexts.length ? sysTexts.join('\n') : null,
		tools,
		safetySettings: Array.isArray(pick(body, 'safetySettings', 'safety_settings')) ? pick(body, 'safetySettings', 'safety_settings').length : 0,
		promptText: out.promptText,
	};
	return out;
}

const DATA_URL_RE = /^data:([^;,]*)((?:;[^;,]*)*);base64,([\s\S]*)$/i;

// Reads the chat request body: prompt text (the user messages' text), directives text (system + user), input
// images (image_url data URLs), asked options (from extra_body.google, or a top-level `google`), validation.
function analyseChat(body) {
	const out = {
		model: null,
		stream: false,
		promptText: '',
		directiveText: '',
		images: [],
		asked: null,
		validationError: null,
		snakeCaseKeys: collectSnakeKeys(body, '', []),
	};
	const bad = (message) => {
		if (!out.validationError) out.validationError = chat.openaiError(400, message);
	};
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		bad('The request body must be a JSON object.');
		return out;
	}
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
				const info = { key: 'image_url', content: mi, part: pi, mimeType: null, bytes: 0, sha256: null, detectedType: null, width: null, height: null };
				out.images.push(info);
				const m = typeof url === 'string' ? DATA_URL_RE.exec(url) : null;
				if (!m) {
					bad(`Invalid ${where}: only data: URLs with base64 data are supported (data:image/png;base64,...), got ${quoteShort(url)}`);
					return;
				}
				const mimeType = m[1].toLowerCase();
				const data = m[3];
				info.mimeType = m[1];
				if (!scenarios.INPUT_MIME_TYPES.includes(mimeType)) {
					bad(`Invalid ${where}: unsupported MIME type ${JSON.stringify(m[1])}. Supported: ${scenarios.INPUT_MIME_TYPES.join(', ')}.`);
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
	if (imageSize !== undefined && !scenarios.IMAGE_SIZES.includes(imageSize)) {
		bad(`Invalid value at 'generation_config.image_config.image_size': ${JSON.stringify(imageSize)}. Supported values are ${scenarios.IMAGE_SIZES.join(', ')}.`);
	}
	if (aspectRatio !== undefined && !scenarios.ASPECT_RATIOS.includes(aspectRatio)) {
		bad(`Invalid value at 'generation_config.image_config.aspect_ratio': ${JSON.stringify(aspectRatio)}. Supported values are ${scenarios.ASPECT_RATIOS.join(', ')}.`);
	}
	const tools = Array.isArray(google.tools) ? google.tools.flatMap((t) => (isObj(t) ? Object.keys(t) : [])) : [];
	out.asked = {
		aspectRatio: aspectRatio === undefined ? null : aspectRatio,
		imageSize: imageSize === undefined ? null : imageSize,
		responseModalities: Array.isArray(modalities) ? modalities : null,
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

// ------------------------------------------------------------------------------------------- the emulator
class Emulator {
	constructor(opts = {}) {
		this.host = opts.host || '127.0.0.1';
		this.requestedPort = opts.port === undefined ? 0 : opts.port;
		this.apiKey = opts.apiKey === undefined ? DEFAULT_API_KEY : opts.apiKey;
		this.maxBodyBytes = opts.maxBodyBytes || DEFAULT_MAX_BODY_BYTES;
		this.maxRecorded = opts.maxRecorded || DEFAULT_MAX_RECORDED;
		// true: the retired ids too are unknown (503 model_not_found), as on a gateway that dropped its aliases
		this.knownModelsOnly = !!opts.knownModelsOnly;
		this.onRequest = typeof opts.onRequest === 'function' ? opts.onRequest : null;
		this.latencyMs = 0;
		this.maxInFlight = Infinity;
		this.defaultScenario = 'ok';
		this._defaultDirectives = parseSpec('ok');
		this.setConfig({
			latencyMs: opts.latencyMs || 0,
			maxInFlight: opts.maxInFlight === undefined ? Infinity : opts.maxInFlight,
			defaultScenario: opts.defaultScenario || opts.scenario || 'ok',
		});
		this.requests = [];
		// image files served on /files/ (hostile.serveFile): what was asked and how much went out
		this.files = [];
		this._seq = 0;
		this._attempts = new Map();
		this._inFlight = 0;
		this._sockets = new Set();
		this._timers = new Set();
		this._closed = false;
		this._resetStats();
		this.server = http.createServer((req, res) => this._handle(req, res));
		this.server.on('connection', (sock) => {
			this._sockets.add(sock);
			sock.on('close', () => this._sockets.delete(sock));
		});
		this.server.on('clientError', (err, sock) => {
			if (sock.writable) sock.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
			else sock.destroy();
		});
	}

	listen() {
		return new Promise((resolve, reject) => {
			const onError = (e) => reject(e);
			this.server.once('error', onError);
			this.server.listen(this.requestedPort, this.host, () => {
				this.server.off('error', onError);
				this.port = this.server.address().port;
				const h = this.host === '0.0.0.0' || this.host === '::' ? '127.0.0.1' : this.host.includes(':') ? `[${this.host}]` : this.host;
				this.url = `http://${h}:${this.port}`;
				resolve(this);
			});
		});
	}

	// ---------------------------------------------------------------- public API
	reset() {
		this.requests.length = 0;
		this.files.length = 0;
		this._attempts.clear();
		this._resetStats();
	}

	setDefaultScenario(spec) {
		this.setConfig({ defaultScenario: spec });
	}

	get config() {
		return {
			defaultScenario: this.defaultScenario,
			latencyMs: this.latencyMs,
			maxInFlight: this.maxInFlight === Infinity ? null : this.maxInFlight,
			maxBodyBytes: this.maxBodyBytes,
		};
	}

	// {defaultScenario, latencyMs, maxInFlight}. Throws on bad values. maxInFlight: positive integer, or
	// null / 0 / Infinity / "Infinity" for unlimited.
	setConfig(cfg = {}) {
		if (cfg.defaultScenario !== undefined && cfg.defaultScenario !== null) {
			const d = parseSpec(cfg.defaultScenario);
			if (d.errors.length) throw new Error(d.errors.join('; '));
			this._defaultDirectives = d;
			this.defaultScenario = String(cfg.defaultScenario);
		}
		if (cfg.latencyMs !== undefined && cfg.latencyMs !== null) {
			const ms = Number(cfg.latencyMs);
			if (!Number.isFinite(ms) || ms < 0) throw new Error(`bad latencyMs ${cfg.latencyMs}`);
			this.latencyMs = ms;
		}
		if (cfg.maxInFlight !== undefined) {
			const v = cfg.maxInFlight;
			if (v === null || v === 0 || v === Infinity || v === 'Infinity' || v === 'unlimited') this.maxInFlight = Infinity;
			else {
				const n = Number(v);
				if (!Number.isInteger(n) || n < 0) throw new Error(`bad maxInFlight ${v}`);
				this.maxInFlight = n;
			}
		}
		return this.config;
	}

	stats() {
		return Object.assign({}, this._stats, { byStatus: Object.assign({}, this._stats.byStatus), byOutcome: Object.assign({}, this._stats.byOutcome), inFlight: this._inFlight });
	}

	// requests without huge fields (what GET /__emulator/requests returns)
	requestSummaries(sinceId = 0) {
		return this.requests.filter((r) => r.id > sinceId).map((r) => Object.assign({}, r, { body: summarize(r.body) }));
	}

	close() {
		if (this._closePromise) return this._closePromise;
		this._closed = true;
		for (const t of this._timers) clearTimeout(t);
		this._timers.clear();
		this._closePromise = new Promise((resolve) => {
			this.server.close(() => resolve());
			for (const s of this._sockets) s.destroy();
			this._sockets.clear();
			if (typeof this.server.closeAllConnections === 'function') this.server.closeAllConnections();
		});
		return this._closePromise;
	}

	// ---------------------------------------------------------------- internals
	_resetStats() {
		this._stats = { total: 0, byStatus: {}, byOutcome: {}, rateLimited: 0, peakInFlight: this._inFlight || 0 };
	}

	_sleep(ms, res) {
		if (!ms || ms <= 0) return Promise.resolve(!res || !res.destroyed);
		return new Promise((resolve) => {
			const t = setTimeout(() => {
				this._timers.delete(t);
				res && res.off('close', onClose);
				resolve(true);
			}, ms);
			this._timers.add(t);
			const onClose = () => {
				clearTimeout(t);
				this._timers.delete(t);
				resolve(false);
			};
			if (res) res.once('close', onClose);
		});
	}

	_record(rec) {
		this.requests.push(rec);
		this._stats.total++;
		const n = this.requests.length;
		if (n > KEEP_FULL_BODIES) {
			const old = this.requests[n - KEEP_FULL_BODIES - 1];
			if (old && !old._summarized) {
				old.body = summarize(old.body);
				Object.defineProperty(old, '_summarized', { value: true, enumerable: false });
			}
		}
		if (n > this.maxRecorded) this.requests.splice(0, n - this.maxRecorded);
	}

	_routeOf(method, path) {
		if (path.startsWith('/__emulator/')) return { kind: 'control' };
		if (path.startsWith('/files/') && method === 'GET') return { kind: 'file' };
		if (path === '/v1/models' && method === 'GET') return { kind: 'models', family: 'openai' };
		if (path === '/v1/chat/completions' && method === 'POST') return { kind: 'chat', family: 'openai' };
		const m = /^\/v1beta\/models\/([^/]+):(generateContent|streamGenerateContent)$/.exec(path);
		if (m && method === 'POST') {
			let model = m[1];
			try {
				model = decodeURIComponent(model);
			} catch {
				/* keep raw */
			}
			return { kind: m[2] === 'generateContent' ? 'native' : 'stream', family: 'google', model };
		}
		return { kind: 'notfound' };
	}

	_auth(req, url, route) {
		const h = req.headers;
		let key = null;
		let how = null;
		if (typeof h.authorization === 'string' && h.authorization.trim() !== '') {
			const v = h.authorization.trim();
			const m = /^Bearer\s+(.+)$/i.exec(v);
			key = m ? m[1].trim() : v;
			how = m ? 'bearer' : 'bare';
		} else if (route.family === 'google' && typeof h['x-goog-api-key'] === 'string' && h['x-goog-api-key'] !== '') {
			key = h['x-goog-api-key'].trim();
			how = 'x-goog-api-key';
		} else if (route.family === 'google' && url.searchParams.get('key')) {
			key = url.searchParams.get('key');
			how = 'query';
		}
		const ok = key !== null && (this.apiKey === '*' || key === this.apiKey);
		return { ok, how };
	}

	_handle(req, res) {
		const started = process.hrtime.bigint();
		const url = new URL(req.url, 'http://emulator.local');
		const path = url.pathname;
		const route = this._routeOf(req.method, path);
		if (route.kind === 'file') return void hostile.serveFile(req, res, url, this).catch(() => res.destroy());
		const isApi = route.kind === 'models' || route.kind === 'native' || route.kind === 'stream' || route.kind === 'chat';

		// In-flight accounting happens on arrival, before the body is read, like a gateway's concurrency limit.
		let rejectForInFlight = false;
		if (isApi) {
			if (this._inFlight >= this.maxInFlight) rejectForInFlight = true;
			else {
				this._inFlight++;
				if (this._inFlight > this._stats.peakInFlight) this._stats.peakInFlight = this._inFlight;
				let released = false;
				res.once('close', () => {
					if (!released) {
						released = true;
						this._inFlight--;
					}
				});
			}
		}

		const rec =
			route.kind === 'control'
				? null
				: {
						id: ++this._seq,
						method: req.method,
						path,
						query: parseQuery(url.searchParams),
						headers: redactHeaders(req.headers),
						body: null,
						rawBytes: 0,
						receivedAt: new Date().toISOString(),
						route: route.kind,
						model: route.model || null,
						auth: null,
						scenario: null,
						directives: [],
						attempt: null,
						identity: null,
						status: null,
						outcome: null,
						durationMs: null,
						asked: null,
						snakeCaseKeys: [],
						imagesReceived: [],
						imagesSent: [],
						error: null,
					};
		if (rec) {
			this._record(rec);
			res.once('close', () => {
				rec.durationMs = Number(process.hrtime.bigint() - started) / 1e6;
				if (!rec.outcome) rec.outcome = res.writableFinished ? 'answered' : 'aborted';
				if (rec.status !== null) this._stats.byStatus[rec.status] = (this._stats.byStatus[rec.status] || 0) + 1;
				this._stats.byOutcome[rec.outcome] = (this._stats.byOutcome[rec.outcome] || 0) + 1;
				if (this.onRequest) {
					try {
						this.onRequest(rec);
					} catch {
						/* logging must not break the server */
					}
				}
			});
		}

		const chunks = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (c) => {
			size += c.length;
			if (size > this.maxBodyBytes) tooLarge = true;
			else chunks.push(c);
		});
		req.on('error', () => {});
		req.on('end', () => {
			if (rec) rec.rawBytes = size;
			const raw = tooLarge ? null : Buffer.concat(chunks);
			Promise.resolve()
				.then(() => this._dispatch(req, res, url, route, rec, raw, { rejectForInFlight, tooLarge }))
				.catch((err) => {
					if (rec) rec.error = String((err && err.stack) || err);
					if (!res.headersSent && !res.destroyed) {
						this._send(res, rec, scenarios.googleError(500, 'INTERNAL', `emulator internal error: ${err && err.message}`), {});
					} else if (!res.destroyed) res.destroy();
				});
		});
	}

	async _dispatch(req, res, url, route, rec, raw, flags) {
		if (route.kind === 'control') return this._control(req, res, url, raw);
		if (route.kind === 'notfound') {
			rec.scenario = null;
			return this._send(res, rec, scenarios.notFoundPage(), {});
		}
		const ctx = { requestId: scenarios.requestId(), model: route.model || null };
		if (flags.rejectForInFlight) {
			rec.scenario = 'max-in-flight';
			rec.outcome = 'rate-limited';
			this._noteRejected(rec, route, raw);
			this._stats.rateLimited++;
			return this._send(res, rec, scenarios.rateLimited(ctx, 1, 'rate limit exceeded: too many concurrent requests, please retry later'), {});
		}
		const auth = this._auth(req, url, route);
		rec.auth = auth.how;
		if (!auth.ok) {
			rec.outcome = 'unauthorized';
			return this._send(res, rec, scenarios.invalidToken(ctx), {});
		}
		if (flags.tooLarge) {
			rec.outcome = 'too-large';
			return this._send(res, rec, scenarios.tooLarge(ctx), {});
		}
		// A body not declared as JSON is not read as JSON (a gateway's JSON binding, Google's API).
		if ((route.kind === 'native' || route.kind === 'stream' || route.kind === 'chat') && raw && raw.length && !strict.isJsonContentType(req.headers['content-type'])) {
			rec.outcome = 'invalid';
			const message = strict.contentTypeMessage(req.headers['content-type']);
			return this._send(res, rec, route.kind === 'chat' ? chat.openaiError(400, message) : scenarios.googleError(400, 'INVALID_ARGUMENT', message), {});
		}
		if (route.kind === 'models') return this._models(req, res, rec, ctx);
		if (route.kind === 'chat') return this._chat(req, res, rec, raw, ctx);
		return this._native(req, res, url, route, rec, raw, ctx);
	}

	// Attempt counting + fault directives + latency, shared by the API routes. Returns { handled: true } when
	// the request has been answered, dropped or left hanging; otherwise { handled: false, truncate, latency }
	// (latency still to wait: only on the streamed route, which sends its headers and PING first).
	async _runFaults(res, rec, directives, identity, ctx, route) {
		const attempt = (this._attempts.get(identity) || 0) + 1;
		this._attempts.set(identity, attempt);
		rec.attempt = attempt;
		rec.identity = identity;
		const latency = directives.latencyMs !== undefined ? directives.latencyMs : this.latencyMs;
		const fault = faultFor(directives.faults, attempt);
		if (fault && fault.kind === 'hang') {
			rec.outcome = 'hang';
			return { handled: true };
		}
		const isTruncate = !!(fault && fault.kind === 'truncate');
		const isStall = !!(fault && fault.kind === 'stall');
		// cut: the stream ends cleanly between two events; streamerror: an error event inside the 200 stream.
		const cut = !!(fault && fault.kind === 'cut');
		const streamError = fault && fault.kind === 'streamerror' ? fault.status : undefined;
		// resetmid: a 200 whose body stops halfway, then the connection is reset
		const resetMid = !!(fault && fault.kind === 'resetmid');
		if (!fault || isTruncate || isStall || cut || streamError || resetMid) {
			const pass = { handled: false, truncate: isTruncate, stall: isStall, cut, streamError, resetMid };
			// The streamed route sends its headers and `: PING` first and waits afterwards (see _stream).
			if (route === 'stream') return { ...pass, latency };
			if (!(await this._sleep(latency, res))) return { handled: true };
			return { ...pass, latency: 0 };
		}
		if (!(await this._sleep(latency, res))) return { handled: true };
		if (fault.kind === 'stallerror' || fault.kind === 'reseterror') {
			// A 503 whose body stops halfway: then silence, or a reset.
			rec.outcome = fault.kind;
			await this._send(res, rec, scenarios.failAnswer(503, ctx, directives.retryAfter), { stopHalf: fault.kind === 'stallerror' ? 'stall' : 'reset' });
			return { handled: true };
		}
		if (fault.kind === 'reset') {
			rec.outcome = 'reset';
			const sock = res.socket;
			if (sock) {
				if (typeof sock.resetAndDestroy === 'function') sock.resetAndDestroy();
				else sock.destroy();
			}
			return { handled: true };
		}
		// fail=<status>x<n>
		rec.outcome = `fail-${fault.status}`;
		this._send(res, rec, scenarios.failAnswer(fault.status, ctx, directives.retryAfter), {});
		return { handled: true };
	}

	_models(req, res, rec, ctx) {
		const d = mergeDirectives(this._defaultDirectives, parseSpec(req.headers['x-emulator-scenario']));
		rec.directives = d.tokens;
		if (d.errors.length) return this._send(res, rec, scenarios.googleError(400, 'INVALID_ARGUMENT', `[emulator] ${d.errors.join('; ')}`), {});
		const errScenario = d.scenario && scenarios.ERROR_SCENARIOS.includes(d.scenario) ? d.scenario : null;
		rec.scenario = errScenario || 'models';
		return this._runFaults(res, rec, d, 'GET /v1/models', ctx, 'models').then((r) => {
			if (r.handled) return;
			const answer = errScenario
				? scenarios.errorScenario(errScenario, ctx)
				: { kind: 'json', status: 200, body: { object: 'list', data: MODELS.map((m) => ({ id: m.id, object: 'model', owned_by: m.owned_by, created: m.created })) } };
			return this._send(res, rec, answer, { truncate: r.truncate });
		});
	}

	/**
	 * The steps both generation routes share, in the order of the README: JSON parse, directive errors,
	 * unknown model, body checks, then the identity that counts attempts. Returns null when it has answered.
	 * route: { analyse(body), invalid(message) -> answer, badJson: message, modelOf(a) }
	 */
	_checkRequest(req, res, rec, raw, ctx, route) {
		const headerD = parseSpec(req.headers['x-emulator-scenario']);
		let body;
		try {
			body = JSON.parse(raw.toString('utf8'));
		} catch {
			body = undefined;
		}
		rec.body = body === undefined ? null : body;
		if (body === undefined) {
			const d = mergeDirectives(this._defaultDirectives, headerD);
			rec.scenario = d.scenario || 'ok';
			rec.outcome = 'invalid';
			this._send(res, rec, route.invalid(route.badJson), {});
			return null;
		}
		const a = route.analyse(body);
		const model = route.modelOf(a);
		rec.asked = a.asked;
		rec.snakeCaseKeys = a.snakeCaseKeys;
		rec.imagesReceived = a.images;
		const d = mergeDirectives(this._defaultDirectives, headerD, parseDirectives(a.directiveText));
		rec.directives = d.tokens;
		rec.scenario = d.scenario || 'ok';
		if (d.sizeBytes) rec.sizeBytes = d.sizeBytes;
		if (d.errors.length) {
			rec.outcome = 'invalid';
			this._send(res, rec, route.invalid(`[emulator] ${d.errors.join('; ')}`), {});
			return null;
		}
		const kind = model ? strict.modelKind(model, MODELS, this.knownModelsOnly) : 'image';
		if (kind === 'unknown') {
			rec.outcome = 'model-not-found';
			this._send(res, rec, scenarios.unknownModel(model, ctx), {});
			return null;
		}
		if (kind === 'other') {
			rec.outcome = 'not-image-model';
			this._send(res, rec, route.invalid(strict.notImageModelMessage(model)), {});
			return null;
		}
		if (a.validationError) {
			rec.outcome = 'invalid';
			this._send(res, rec, a.validationError, {});
			return null;
		}
		return { a, d, identity: identityOf(model, a) };
	}

	// A request turned away by maxInFlight still says which prompt it was (asked, model, identity), so tests
	// can count every request an item caused; it gets no attempt number (nothing was counted).
	_noteRejected(rec, route, raw) {
		if (route.kind !== 'native' && route.kind !== 'stream' && route.kind !== 'chat') return;
		let body;
		try {
			body = JSON.parse(raw.toString('utf8'));
		} catch {
			return;
		}
		try {
			const a = route.kind === 'chat' ? analyseChat(body) : analyseNative(body);
			const model = route.kind === 'chat' ? a.model : route.model;
			if (route.kind === 'chat') rec.model = a.model;
			rec.asked = a.asked;
			rec.identity = identityOf(model, a);
		} catch {
			/* a body the route would reject anyway: nothing to note */
		}
	}

	async _native(req, res, url, route, rec, raw, ctx) {
		const stream = route.kind === 'stream';
		const checked = this._checkRequest(req, res, rec, raw, ctx, {
			analyse: analyseNative,
			modelOf: () => route.model,
			invalid: (message) => scenarios.googleError(400, 'INVALID_ARGUMENT', message),
			badJson: 'Invalid JSON payload received. Unexpected token.',
		});
		if (!checked) return;
		const { a, d, identity } = checked;
		if (d.echoKeyAt !== undefined) return this._echoKey(req, res, rec, d.echoKeyAt);
		// Multi-turn requests: the signatures the emulator issued must come back on the parts they were issued for.
		const turns = conversation.inspectNative(rec.body, a.images);
		rec.conversation = turns.record;
		if (turns.error) {
			rec.outcome = 'invalid';
			return this._send(res, rec, scenarios.googleError(400, 'INVALID_ARGUMENT', turns.error), {});
		}
		const r = await this._runFaults(res, rec, d, identity, ctx, route.kind);
		if (r.handled) return;

		Object.assign(ctx, {
			promptText: a.promptText,
			aspectRatio: a.asked.aspectRatio,
			imageSize: a.asked.imageSize,
			inputImages: a.images.length,
			sizeBytes: d.sizeBytes,
			responseModalities: a.asked.responseModalities,
			googleSearch: (a.asked.tools || []).includes('googleSearch') || (a.asked.tools || []).includes('google_search'),
			responseId: scenarios.responseId(),
		});
		let answer = conversation.signNative(hostile.modifyNative(scenarios.buildNativeAnswer(rec.scenario, ctx), d, a.promptText), rec, route.model);
		if (d.echoTextAt !== undefined) answer = hostile.echoTextNative(scenarios.buildNativeAnswer('text-only', ctx), this._clientKey(req), d.echoTextAt);
		const h = this._hostile(d, r);
		if (r.streamError) {
			rec.outcome = `streamerror-${r.streamError}`;
			if (!stream) return this._send(res, rec, strict.plainStreamError(r.streamError, 'native'), h);
			answer = strict.nativeWithStreamError(answer, r.streamError);
		}
		if (!stream) {
			if (answer.kind === 'stream-error') {
				return this._send(res, rec, scenarios.googleError(500, 'INTERNAL', 'Internal error in stream'), h);
			}
			// cut, on an answer that is not a stream: the body cut in half, like truncate
			return this._send(res, rec, answer, Object.assign({}, h, { truncate: h.truncate || h.cut }));
		}
		return this._stream(res, rec, url, answer, r.truncate, r.latency, d.dripMs, h);
	}

	// POST /v1/chat/completions: the same order as the native route (see README), OpenAI-style 400s.
	async _chat(req, res, rec, raw, ctx) {
		// An AI Agent's chat model (tools offered or tool results sent): agent.js answers.
		const agentRequest = agent.agentBody(raw);
		if (agentRequest) return agent.answer(this, res, rec, agentRequest);
		const checked = this._checkRequest(req, res, rec, raw, ctx, {
			analyse: (body) => {
				const analysed = analyseChat(body);
				rec.model = analysed.model;
				rec.stream = analysed.stream;
				ctx.model = analysed.model;
				return analysed;
			},
			modelOf: (analysed) => analysed.model,
			invalid: (message) => chat.openaiError(400, message),
			badJson: 'We could not parse the JSON body of your request. The API expects a JSON payload, but what was sent was not valid JSON.',
		});
		if (!checked) return;
		const { a, d, identity } = checked;
		if (d.echoKeyAt !== undefined) return this._echoKey(req, res, rec, d.echoKeyAt);
		const r = await this._runFaults(res, rec, d, identity, ctx, a.stream ? 'stream' : 'chat');
		if (r.handled) return;

		Object.assign(ctx, {
			promptText: a.promptText,
			aspectRatio: a.asked.aspectRatio,
			imageSize: a.asked.imageSize,
			inputImages: a.images.length,
			sizeBytes: d.sizeBytes,
			responseModalities: a.asked.responseModalities,
		});
		let answer = hostile.modifyChat(chat.buildChatAnswer(rec.scenario, ctx), d, a.promptText);
		if (d.echoTextAt !== undefined) answer = hostile.echoTextChat(chat.buildChatAnswer('text-only', ctx), this._clientKey(req), d.echoTextAt);
		const h = this._hostile(d, r);
		// nostream: one chat.completion object even when a stream was asked for (a gateway that does not stream).
		const streamed = a.stream && !d.noStream;
		rec.streamed = streamed;
		if (r.streamError) {
			rec.outcome = `streamerror-${r.streamError}`;
			if (!streamed || answer.kind !== 'chat') return this._send(res, rec, strict.plainStreamError(r.streamError, 'chat'), h);
			answer = Object.assign({}, answer, { images: undefined, streamError: strict.chatStreamError(r.streamError) });
		}
		if (!streamed) return this._send(res, rec, answer.kind === 'chat' ? chat.chatCompletion(answer) : answer, Object.assign({}, h, { truncate: h.truncate || h.cut }));
		return this._chatStream(res, rec, answer, r.truncate, r.latency, d.dripMs, h);
	}

	// `stream: true`: `: PING`, then `data: <chunk>\n\n` events, then `data: [DONE]`. Errors are plain HTTP errors.
	async _chatStream(res, rec, answer, truncate, latency, drip, h = {}) {
		const ping = ': PING\n\n';
		if (answer.kind !== 'chat') {
			if (!(await this._sleep(latency, res))) return;
			return this._send(res, rec, answer, Object.assign({}, h, { truncate }));
		}
		const events = chat.chatStreamEvents(answer);
		rec.status = 200;
		res.writeHead(200, Object.assign({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' }, this._commonHeaders(rec)));
		res.write(ping);
		if (!(await this._waitPinging(res, latency, ping, h.pingMs))) return;
		if (truncate) rec.outcome = 'truncated';
		if (h.cut) rec.outcome = 'cut';
		for (let i = 0; i < events.length; i++) {
			if (i > 0 && !(await this._waitPinging(res, drip, ping, h.pingMs))) return;
			if (res.destroyed) return;
			// cut: the stream ends cleanly after a whole event, before the finish chunk (and [DONE]).
			if (h.cut && i === events.length - 1) break;
			const line = Buffer.from(`data: ${hostile.stringify(events[i].json, h.escapeSlash)}\n\n`, 'utf8');
			if ((truncate || h.stall || h.resetMid) && (events[i].image || i === events.length - 1)) {
				res.write(line.subarray(0, Math.max(1, Math.floor(line.length / 2))));
				if (h.stall) {
					rec.outcome = 'stall';
					return; // silence: no more data, no PINGs, the socket stays open
				}
				if (h.resetMid) return this._resetMid(res, rec);
				break;
			}
			if (!(await this._writeEvent(res, line, h))) return;
		}
		if (!truncate && !h.cut && !answer.streamError) {
			if (!(await this._waitPinging(res, drip, ping, h.pingMs))) return;
			res.write('data: [DONE]\n\n');
			rec.imagesSent = this._sentImages(answer);
		}
		// linger: after [DONE] (or the error event) the connection stays open, as some proxies keep it
		if (h.linger && !truncate && !h.cut) return;
		if (!res.destroyed) res.end();
	}

	// resetmid on a stream: half an event went out, now the connection is reset.
	_resetMid(res, rec) {
		rec.outcome = 'resetmid';
		const sock = res.socket;
		if (sock) {
			if (typeof sock.resetAndDestroy === 'function') sock.resetAndDestroy();
			else sock.destroy();
		}
	}

	// Waits `ms` (false if the client went away), writing `ping` every `every` ms (a second) while waiting.
	async _waitPinging(res, ms, ping, every = PING_INTERVAL_MS) {
		for (let left = ms || 0; left > 0; left -= every) {
			if (!(await this._sleep(Math.min(left, every), res))) return false;
			if (left > every && !res.destroyed) res.write(ping);
		}
		return !res.destroyed;
	}

	_commonHeaders(rec) {
		const h = {};
		if (rec) {
			h['x-emulator-request-id'] = String(rec.id);
			if (rec.scenario) h['x-emulator-scenario'] = rec.scenario;
			if (rec.attempt !== null) h['x-emulator-attempt'] = String(rec.attempt);
		}
		return h;
	}

	_serialize(answer, escapeSlash) {
		if (answer.kind === 'json') {
			const body = answer.snake ? scenarios.toSnake(answer.body) : answer.body;
			return { contentType: 'application/json; charset=utf-8', buf: Buffer.from(hostile.stringify(body, escapeSlash), 'utf8') };
		}
		return { contentType: answer.contentType || 'text/plain; charset=utf-8', buf: Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(String(answer.body), 'utf8') };
	}

	_sentImages(answer) {
		return (answer.images || []).map((img) => ({
			sha256: img.sha256,
			bytes: img.bytes,
			mimeType: img.mimeType,
			type: img.type,
			width: img.width,
			height: img.height,
			role: img.role,
			thought: !!img.thought,
		}));
	}

	// opts: truncate; the hostile ones (see _hostile): escapeSlash, trickleMs, stall (200 answers),
	// stopHalf ('stall' | 'reset': the body stops halfway, then silence or a reset)
	async _send(res, rec, answer, opts = {}) {
		if (res.destroyed || res.headersSent) return;
		const { contentType, buf } = this._serialize(answer, opts.escapeSlash);
		let out = buf;
		if (opts.truncate) {
			out = buf.subarray(0, Math.max(1, Math.floor(buf.length / 2)));
			if (rec) rec.outcome = 'truncated';
		}
		const stopHalf = opts.stopHalf || (answer.status === 200 && opts.stall ? 'stall' : answer.status === 200 && opts.resetMid ? 'reset' : undefined);
		const headers = Object.assign({ 'Content-Type': contentType, 'Content-Length': String(out.length) }, this._commonHeaders(rec), answer.headers || {});
		if (rec) {
			rec.status = answer.status;
			if (stopHalf && !opts.stopHalf) rec.outcome = stopHalf === 'stall' ? 'stall' : 'resetmid';
			if (!opts.truncate && !stopHalf && answer.status === 200 && answer.images) rec.imagesSent = this._sentImages(answer);
		}
		res.writeHead(answer.status, headers);
		if (!opts.trickleMs && !opts.escapeSlash && !stopHalf) return res.end(out);
		const complete = await hostile.writeBody(
			res,
			out,
			{
				trickleMs: opts.trickleMs,
				cuts: opts.escapeSlash ? hostile.cutsAfterBackslashes(out) : [],
				stopAt: stopHalf ? Math.floor(out.length / 2) : undefined,
				then: stopHalf,
			},
			this._timers,
		);
		if (complete && !res.destroyed) res.end();
	}

	// The hostile options of one answer: from the directives (escapeslash, trickle) and the fault (stall).
	_hostile(d, r) {
		return { truncate: r.truncate, stall: r.stall, escapeSlash: d.escapeSlash, trickleMs: d.trickleMs, cut: r.cut, pingMs: d.pingMs, resetMid: r.resetMid, linger: d.linger };
	}

	// One SSE event: at once, or trickled / cut after backslashes. False if the client went away.
	async _writeEvent(res, line, h) {
		if (h.trickleMs || h.escapeSlash) {
			return hostile.writeBody(res, line, { trickleMs: h.trickleMs, cuts: h.escapeSlash ? hostile.cutsAfterBackslashes(line) : [] }, this._timers);
		}
		res.write(line);
		await new Promise((r) => setImmediate(r));
		return !res.destroyed;
	}

	// echokey=<n>: a 401 whose plain-text body repeats the key the client sent, after n filler characters.
	_clientKey(req) {
		return String(req.headers.authorization || '').replace(/^Bearer\s+/i, '');
	}

	_echoKey(req, res, rec, at) {
		const key = this._clientKey(req);
		rec.outcome = 'echo-key';
		return this._send(res, rec, { kind: 'raw', status: 401, contentType: 'text/plain; charset=utf-8', body: `${'x'.repeat(at)}${key} is not a valid key for this gateway` });
	}

	async _stream(res, rec, url, answer, truncate, latency, drip, h = {}) {
		const sse = (url.searchParams.get('alt') || '').toLowerCase() === 'sse';
		// Errors (non-200 answers) are plain HTTP errors, before any streaming starts.
		if (answer.status !== 200 || answer.kind === 'raw' || !sse) {
			if (!(await this._sleep(latency, res))) return;
		}
		if (answer.status !== 200 || answer.kind === 'raw') return this._send(res, rec, answer, Object.assign({}, h, { truncate }));
		const events = scenarios.streamEvents(answer);
		rec.status = 200;
		if (!sse) {
			// Without alt=sse Google streams one JSON array.
			const text = `[${events.map((e) => hostile.stringify(e, h.escapeSlash)).join(',\r\n')}]`;
			if (!truncate && answer.kind !== 'stream-error') rec.imagesSent = this._sentImages(answer);
			return this._send(res, rec, { kind: 'raw', status: 200, contentType: 'application/json; charset=utf-8', body: text }, Object.assign({}, h, { truncate: truncate || h.cut }));
		}
		res.writeHead(200, Object.assign({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' }, this._commonHeaders(rec)));
		res.write(': PING\r\n\r\n');
		// "The model works": wait, with a `: PING` comment every second (ping=<ms>).
		if (!(await this._waitPinging(res, latency, ': PING\r\n\r\n', h.pingMs))) return;
		if (truncate) rec.outcome = 'truncated';
		if (h.cut) rec.outcome = 'cut';
		// The events are written one by one, each in its own write, so clients see them in separate reads.
		const imagesByB64 = new Map((answer.images || []).map((i) => [i.base64, i]));
		for (let i = 0; i < events.length; i++) {
			// drip=<ms>: a pause (with PINGs) between events
			if (i > 0 && !(await this._waitPinging(res, drip, ': PING\r\n\r\n', h.pingMs))) return;
			if (res.destroyed) return;
			// cut: the stream ends cleanly after a whole event, before the last one (finish reason, usage).
			if (h.cut && i === events.length - 1) break;
			const line = Buffer.from(`data: ${hostile.stringify(events[i], h.escapeSlash)}\r\n\r\n`, 'utf8');
			const isImageEvent = this._eventImage(events[i], imagesByB64);
			if ((truncate || h.stall || h.resetMid) && (isImageEvent || i === events.length - 1)) {
				res.write(line.subarray(0, Math.max(1, Math.floor(line.length / 2))));
				if (h.stall) {
					rec.outcome = 'stall';
					return; // silence: no more data, no PINGs, the socket stays open
				}
				if (h.resetMid) return this._resetMid(res, rec);
				break;
			}
			if (!(await this._writeEvent(res, line, h))) return;
		}
		if (!truncate && !h.cut && answer.kind !== 'stream-error') rec.imagesSent = this._sentImages(answer);
		// linger: after the error event the connection stays open (the native stream has no [DONE])
		if (h.linger && answer.kind === 'stream-error') return;
		if (!res.destroyed) res.end();
	}

	_eventImage(ev, imagesByB64) {
		const c = ev && ev.candidates && ev.candidates[0];
		const parts = c && c.content && c.content.parts;
		if (!Array.isArray(parts)) return null;
		for (const p of parts) {
			const inline = p && (p.inlineData || p.inline_data);
			if (inline && typeof inline.data === 'string' && imagesByB64.has(inline.data)) return imagesByB64.get(inline.data);
		}
		return null;
	}

	_control(req, res, url, raw) {
		const path = url.pathname;
		const json = (status, obj) => {
			const buf = Buffer.from(JSON.stringify(obj), 'utf8');
			res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(buf.length) });
			res.end(buf);
		};
		try {
			if (path === '/__emulator/requests' && req.method === 'GET') {
				return json(200, this.requestSummaries(Number(url.searchParams.get('since')) || 0));
			}
			if (path === '/__emulator/reset' && req.method === 'POST') {
				this.reset();
				return json(200, { ok: true });
			}
			if (path === '/__emulator/config' && req.method === 'GET') return json(200, this.config);
			if (path === '/__emulator/config' && req.method === 'POST') {
				let cfg = {};
				if (raw && raw.length) cfg = JSON.parse(raw.toString('utf8'));
				return json(200, Object.assign({ ok: true }, this.setConfig(cfg)));
			}
			if (path === '/__emulator/stats' && req.method === 'GET') return json(200, this.stats());
			if (path === '/__emulator/health' && req.method === 'GET') return json(200, { ok: true, url: this.url });
			if (path === '/__emulator/scenarios' && req.method === 'GET') {
				return json(200, {
					native: scenarios.NATIVE_SCENARIOS,
					chat: chat.CHAT_SCENARIOS,
					directives: ['latency=<ms>', 'drip=<ms>', 'ping=<ms>', 'fail=<status>x<n>', 'retryafter=<s>', 'reset=<n>', 'hang=<n>', 'truncate=<n>', 'cut=<n>', 'streamerror=<status>x<n>', 'nostream', 'size=<N>MB|<bytes>', 'scenario=<name>'],
				});
			}
			return json(404, { error: { message: `unknown control endpoint ${req.method} ${path}` } });
		} catch (e) {
			return json(400, { ok: false, error: { message: String(e && e.message) } });
		}
	}
}

async function startEmulator(opts = {}) {
	const emu = new Emulator(opts);
	await emu.listen();
	return emu;
}

module.exports = {
	startEmulator,
	Emulator,
	MODELS,
	parseDirectives,
	parseSpec,
	mergeDirectives,
	faultFor,
	analyseNative,
	analyseChat,
	DEFAULT_API_KEY,
};
