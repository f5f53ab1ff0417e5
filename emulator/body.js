'use strict';
// Reading a request body as strictly as the gateway: a size limit (above it a 413, see server.js), JSON only
// when the Content-Type declares JSON, and parsing that never throws.

/**
 * Reads the whole body of `req`, keeping at most `maxBytes`. Calls back once with
 * { raw: Buffer | null (null when too large), size: bytes received, tooLarge }.
 */
function readBody(req, maxBytes, done) {
	const chunks = [];
	let size = 0;
	let tooLarge = false;
	req.on('data', (c) => {
		size += c.length;
		if (size > maxBytes) tooLarge = true;
		else chunks.push(c);
	});
	req.on('error', () => {});
	req.on('end', () => done({ raw: tooLarge ? null : Buffer.concat(chunks), size, tooLarge }));
}

/** The parsed JSON of a body, or undefined when it is not JSON. */
function parseJson(raw) {
	try {
		return JSON.parse(raw.toString('utf8'));
	} catch {
		return undefined;
	}
}

/** Whether a Content-Type header declares JSON (parameters such as charset allowed). */
function isJsonContentType(header) {
	return /^\s*application\/json\s*(;|$)/i.test(String(header || ''));
}

function contentTypeMessage(header) {
	const got = header ? `"${String(header).slice(0, 100)}"` : 'none';
	return `Invalid Content-Type ${got}: the request body must be sent as application/json.`;
}

module.exports = { readBody, parseJson, isJsonContentType, contentTypeMessage };
