'use strict';
// What the emulator records of each request (README.md, "Recorded request"): a new record, keeping the list
// bounded, and the summaries the control API shows. Secrets are redacted when the record is made.

const KEEP_FULL_BODIES = 100; // older records get long strings in `body` replaced by a summary
const SUMMARY_STRING_LIMIT = 256;

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

/** Long strings (base64 images) replaced by `<omitted N chars>`. */
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

function newRecord(id, req, url, route) {
	return {
		id,
		method: req.method,
		path: url.pathname,
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
}

/** Adds `rec` to `requests`: the older ones lose their long strings, the oldest beyond `maxRecorded` go. */
function keep(requests, rec, maxRecorded) {
	requests.push(rec);
	const n = requests.length;
	if (n > KEEP_FULL_BODIES) {
		const old = requests[n - KEEP_FULL_BODIES - 1];
		if (old && !old._summarized) {
			old.body = summarize(old.body);
			Object.defineProperty(old, '_summarized', { value: true, enumerable: false });
		}
	}
	if (n > maxRecorded) requests.splice(0, n - maxRecorded);
}

/** What `imagesSent` records of an answer's images. */
function sentImages(answer) {
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

module.exports = { newRecord, keep, summarize, sentImages };
