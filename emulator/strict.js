'use strict';
// What makes the emulator as strict as the real gateway: which model names it serves, what it
// answers a name it does not know or a model that makes no images, and the error events it can send inside a
// 200 stream (body.js checks the Content-Type). Plain CommonJS, node: built-ins only.

const { streamEvents } = require('./scenarios/native');

// Retired ids (Google's model lifecycle): no longer in GET /v1/models,
// still answered as aliases by default (gateways keep old names for a while, and version 1 nodes start on
// gemini-2.5-flash-image); with the option knownModelsOnly they get 503 model_not_found, as on a gateway that
// dropped them.
const RETIRED_MODELS = [
	{ id: 'gemini-2.5-flash-image', retired: '2026-09-30' },
	{ id: 'gemini-2.5-flash-image-preview', retired: '2026-09-30' },
	{ id: 'gemini-3-pro-image-preview', retired: '2026-06-25' },
	{ id: 'gemini-3.1-flash-image-preview', retired: '2026-06-25' },
];

/** A Gemini image model by its id, as the node tells them (api/models.ts): "gemini" and "image", or Nano Banana. */
const isGeminiImage = (id) => (/gemini/i.test(id) && /image/i.test(id)) || /nano-?banana/i.test(id);

/**
 * How the gateway takes a model name: 'image' (a Gemini image model it serves, retired aliases included unless
 * knownModelsOnly), 'other' (a model it serves that makes no images here: text models, image models of other
 * APIs), or 'unknown' (no such model: 503 model_not_found).
 */
function modelKind(model, listed, knownModelsOnly) {
	const entry = listed.find((m) => m.id === model) || (!knownModelsOnly && RETIRED_MODELS.find((m) => m.id === model));
	if (!entry) return 'unknown';
	return isGeminiImage(entry.id) ? 'image' : 'other';
}

// A model that makes no images, asked for one: Google answers a text model asked for the IMAGE modality
// with 400 INVALID_ARGUMENT and these words; models of other vendors cannot answer on these routes either.
function notImageModelMessage(model) {
	return `Model ${model} does not support the requested response modalities: image. Use a Gemini image model, e.g. gemini-3.1-flash-image.`;
}

const GOOGLE_STATUS = {
	400: 'INVALID_ARGUMENT',
	403: 'PERMISSION_DENIED',
	404: 'NOT_FOUND',
	429: 'RESOURCE_EXHAUSTED',
	500: 'INTERNAL',
	503: 'UNAVAILABLE',
	504: 'DEADLINE_EXCEEDED',
};
const STREAM_ERROR_TEXT = {
	400: 'Request contains an invalid argument.',
	429: 'Resource has been exhausted (e.g. check quota).',
	500: 'Internal error in stream',
	503: 'The model is overloaded. Please try again later.',
};
const streamErrorText = (status) => STREAM_ERROR_TEXT[status] || `upstream error: status code ${status}`;

/** The error event of the native stream (Google's envelope, as the stream-error scenario sends for 500). */
function nativeStreamError(status) {
	return { error: { code: status, message: streamErrorText(status), status: GOOGLE_STATUS[status] || 'UNKNOWN' } };
}

/** The error event of the chat stream (CometAPI's envelope, the status as its code, as stream-error sends "500"). */
function chatStreamError(status) {
	return { error: { message: streamErrorText(status), type: 'comet_api_error', code: String(status) } };
}

/** streamerror=<status> on a non-streamed answer: that error as a plain HTTP error, in the route's envelope. */
function plainStreamError(status, route) {
	return { kind: 'json', status, body: route === 'chat' ? chatStreamError(status) : nativeStreamError(status) };
}

/**
 * The native answer with an error event after its first event (streamerror=<status>), in the shape of the
 * stream-error scenario: { kind: 'stream-error', body: first event, errorBody }.
 */
function nativeWithStreamError(answer, status) {
	if (answer.status !== 200 || answer.kind === 'raw' || answer.kind === 'stream-error') return answer;
	const [first] = streamEvents(answer);
	return { kind: 'stream-error', status: 200, body: first, errorBody: nativeStreamError(status) };
}

module.exports = {
	RETIRED_MODELS,
	modelKind,
	notImageModelMessage,
	nativeStreamError,
	chatStreamError,
	plainStreamError,
	nativeWithStreamError,
};
