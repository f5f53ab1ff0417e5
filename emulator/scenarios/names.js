'use strict';
// The scenario names each route answers (a directive, header or default scenario picks one). The answers
// themselves are built in native.js, chat.js and errors.js beside this file.

const hostile = require('../hostile');

// Error answers, the same on every route (errors.js).
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
// Answers both routes give, each in its own shape.
const SHARED_SCENARIOS = [
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
];
// Scenario names only the chat route knows; the native route answers them with its closest equivalent.
const NATIVE_ALIASES = { 'content-filter': 'image-safety', 'images-array': 'ok' };
const CHAT_ONLY_SCENARIOS = Object.keys(NATIVE_ALIASES);

const NATIVE_SCENARIOS = [...SHARED_SCENARIOS, ...hostile.HOSTILE_SCENARIOS, ...ERROR_SCENARIOS];
const CHAT_SCENARIOS = [...SHARED_SCENARIOS, ...CHAT_ONLY_SCENARIOS, ...hostile.HOSTILE_SCENARIOS, ...ERROR_SCENARIOS];
// Every scenario name a directive may give (native and chat).
const ALL_SCENARIOS = [...NATIVE_SCENARIOS, ...CHAT_ONLY_SCENARIOS];
// Scenarios that answer with an image (text only when the response modalities lack IMAGE).
const IMAGE_SCENARIOS = ['ok', 'snake', 'multi', 'jpeg-as-png', 'webp', 'gif', 'thoughts', 'empty-image', 'images-array'];

module.exports = { ERROR_SCENARIOS, NATIVE_SCENARIOS, CHAT_SCENARIOS, CHAT_ONLY_SCENARIOS, ALL_SCENARIOS, NATIVE_ALIASES, IMAGE_SCENARIOS };
