'use strict';
// Directives: what a prompt (`[emu:thoughts,latency=500]`), the x-emulator-scenario header or the default
// scenario ask of the emulator: a scenario, timings, sizes, faults and hostile behaviours. Pure functions.
// The list of directives is in README.md ("Directives").

const names = require('./scenarios/names');
const hostile = require('./hostile');

// Tokens: `[emu:name]`, `[emu:key=value]`, several per bracket allowed (`[emu:thoughts,latency=500]`).
const DIRECTIVE_RE = /\[emu:([^\]]*)\]/gi;
const FAULT_KINDS = ['reset', 'hang', 'truncate', 'cut', 'resetmid', ...hostile.HOSTILE_FAULTS];
const DEFAULT_DRIP_MS = 1000; // a bare `slowdrip`
// Directives that set one value; later sources win (mergeDirectives).
const SINGLE_VALUES = [
	'scenario',
	'latencyMs',
	'dripMs',
	'sizeBytes',
	'retryAfter',
	'escapeSlash',
	'trickleMs',
	'hugeTextBytes',
	'imageCount',
	'echoKeyAt',
	'echoTextAt',
	'pingMs',
	'noStream',
	'linger',
];

function emptyDirectives() {
	// hostile behaviours (hostile.js): escapeSlash, trickleMs, hugeTextBytes, imageCount, echoKeyAt, echoTextAt;
	// strict gateway (strict.js): pingMs, noStream, linger
	const d = { faults: [], tokens: [], errors: [] };
	for (const k of SINGLE_VALUES) d[k] = undefined;
	return d;
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

const positive = (parse) => (v) => parse(v) || null; // 0 is refused too
const upTo100k = (v) => (/^\d+$/.test(v) && Number(v) <= 100000 ? Number(v) : null);

// key=value directives that set one value: [field, parser (null = bad value), name in the error message].
const VALUE_DIRECTIVES = {
	latency: ['latencyMs', parseMs],
	drip: ['dripMs', parseMs],
	slowdrip: ['dripMs', parseMs],
	trickle: ['trickleMs', parseMs],
	ping: ['pingMs', positive(parseMs)],
	size: ['sizeBytes', positive(parseSize)],
	hugetext: ['hugeTextBytes', positive(parseSize)],
	retryafter: ['retryAfter', (v) => (/^\d+(\.\d+)?$/.test(v) ? v : null), 'retryafter'],
	'retry-after': ['retryAfter', (v) => (/^\d+(\.\d+)?$/.test(v) ? v : null), 'retryafter'],
	images: ['imageCount', upTo100k],
	echokey: ['echoKeyAt', upTo100k],
	echotext: ['echoTextAt', upTo100k],
};
// key=<status>x<n> faults, and the smallest status each accepts.
const STATUS_FAULTS = { fail: 0, streamerror: 400 };
// key[=<n>] faults: they take n attempts.
const COUNT_FAULTS = ['stall', 'stallerror', 'reseterror', 'reset', 'hang', 'cut', 'resetmid', 'truncate'];
// Bare words that switch something on.
const FLAGS = {
	slowdrip: ['dripMs', DEFAULT_DRIP_MS],
	drip: ['dripMs', DEFAULT_DRIP_MS],
	escapeslash: ['escapeSlash', true],
	trickle: ['trickleMs', 100],
	nostream: ['noStream', true],
	linger: ['linger', true],
};

function applyWord(d, t) {
	const name = t.toLowerCase();
	if (names.ALL_SCENARIOS.includes(name)) d.scenario = name;
	else if (FAULT_KINDS.includes(name)) d.faults.push({ kind: name, n: 1 });
	else if (FLAGS[name]) d[FLAGS[name][0]] = FLAGS[name][1];
	else d.errors.push(`unknown emulator scenario or directive '${t}'`);
}

function applyToken(d, token) {
	const t = token.trim();
	if (!t) return;
	d.tokens.push(t);
	const eq = t.indexOf('=');
	if (eq < 0) return applyWord(d, t);
	const key = t.slice(0, eq).trim().toLowerCase();
	const value = t.slice(eq + 1).trim();
	if (key === 'scenario') {
		if (names.ALL_SCENARIOS.includes(value.toLowerCase())) d.scenario = value.toLowerCase();
		else d.errors.push(`unknown emulator scenario '${value}'`);
	} else if (VALUE_DIRECTIVES[key]) {
		const [field, parse, name = key] = VALUE_DIRECTIVES[key];
		const v = parse(value);
		if (v === null) d.errors.push(`bad ${name} '${value}'`);
		else d[field] = v;
	} else if (STATUS_FAULTS[key] !== undefined) {
		const m = /^(\d{3})(?:x(\d+))?$/i.exec(value);
		if (!m || Number(m[1]) < STATUS_FAULTS[key]) d.errors.push(`bad ${key} '${value}' (use ${key}=<status>x<n>)`);
		else d.faults.push({ kind: key, status: parseInt(m[1], 10), n: m[2] === undefined ? 1 : parseInt(m[2], 10) });
	} else if (COUNT_FAULTS.includes(key)) {
		const n = parseCount(value);
		if (n === null) d.errors.push(`bad ${key} '${value}'`);
		else d.faults.push({ kind: key, n });
	} else d.errors.push(`unknown emulator directive '${t}'`);
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
		for (const k of SINGLE_VALUES) {
			if (d[k] !== undefined) out[k] = d[k];
		}
		out.faults.push(...d.faults);
		out.tokens.push(...d.tokens);
		out.errors.push(...d.errors);
	}
	return out;
}

module.exports = { parseDirectives, parseSpec, mergeDirectives, emptyDirectives, parseSize, parseMs };
