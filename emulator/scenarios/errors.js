'use strict';
// Error answers and envelopes shared by every route: CometAPI's own ({error:{message,type,param,code}} with a
// request id), Google's ({error:{code,message,status}}), OpenAI's validation 400, HTML pages, the transient
// failures of fail=<status>, and the error-* scenarios. Pure functions.
//
// An "answer" is one of
//   { kind: 'json', status, body, headers?, images?: [imageRecord & { role, thought }], snake?: boolean }
//   { kind: 'raw',  status, contentType, body: string|Buffer, headers? }
// (native.js and chat.js add their own 200 kinds).

const crypto = require('node:crypto');

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
	return cometError(429, why || 'rate limit exceeded: too many requests, please retry later', 'rate_limit_exceeded', ctx, {
		'Retry-After': String(retryAfterSeconds == null ? 1 : retryAfterSeconds),
	});
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
			return cometError(
				503,
				'upstream service temporarily unavailable, please try again later',
				'',
				ctx,
				retryAfterSeconds == null ? undefined : { 'Retry-After': String(retryAfterSeconds) },
			);
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
			return googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [
				{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' },
			]);
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

// OpenAI-style validation error: {"error":{"message","type":"invalid_request_error","param":null,"code":null}}.
function openaiError(status, message) {
	return { kind: 'json', status, body: { error: { message, type: 'invalid_request_error', param: null, code: null } } };
}

module.exports = {
	requestId,
	responseId,
	cometError,
	googleError,
	openaiError,
	notFoundPage,
	cloudflare524,
	unknownModel,
	invalidToken,
	rateLimited,
	tooLarge,
	failAnswer,
	errorScenario,
};
