/**
 * CometAPI's error answers (an HTTP error status, an error object inside a 200, a body that cannot be read)
 * in a message a user can act on, and whether trying again can help. Pure: the transport feeds it status,
 * headers and body; tests feed it recorded answers.
 * Every message and description leaves here redacted (see helpers/redact.ts).
 */
import type { ApiFailure, FailureContext } from './failure';
import { cutText, displayUrl, redactSecrets } from '../../helpers/redact';

type Json = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
	301: 'Moved Permanently',
	302: 'Found',
	400: 'Bad Request',
	401: 'Unauthorized',
	402: 'Payment Required',
	403: 'Forbidden',
	404: 'Not Found',
	408: 'Request Timeout',
	413: 'Payload Too Large',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
	524: 'Gateway Timeout (524)',
};

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504, 524]);

export function parseJsonBody(body: unknown): unknown {
	if (typeof body !== 'string') {
		if (Buffer.isBuffer(body)) return parseJsonBody(body.toString('utf8'));
		return body;
	}
	const trimmed = body.trim();
	if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return body;
	try {
		return JSON.parse(trimmed);
	} catch {
		return body;
	}
}

export function looksLikeHtml(body: unknown, contentType?: string): boolean {
	if (contentType && /text\/html/i.test(contentType)) return true;
	return typeof body === 'string' && /^\s*<(!doctype|html|head|body)/i.test(body);
}

/** Retry-After in seconds or as an HTTP date; Google's RetryInfo.retryDelay like "58s" or "1.5s". */
export function retryAfterMs(headers: Record<string, unknown> | undefined, body: unknown, now = Date.now()): number | undefined {
	const header = headers?.['retry-after'] ?? headers?.['Retry-After'];
	if (header !== undefined && header !== null && String(header).trim() !== '') {
		const value = String(header).trim();
		if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
		const date = Date.parse(value);
		if (!Number.isNaN(date)) return Math.max(0, date - now);
	}
	const details = (body as { error?: { details?: unknown } })?.error?.details;
	if (Array.isArray(details)) {
		for (const detail of details as Json[]) {
			const delay = detail?.retryDelay;
			if (typeof delay === 'string') {
				const m = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
				if (m) return Math.round(Number(m[1]) * 1000);
			}
		}
	}
	return undefined;
}

interface Envelope {
	message?: string;
	code?: string;
}

/** Reads CometAPI's `{error:{message,type,code}}` and Google's `{error:{code,message,status}}`. */
export function readErrorEnvelope(body: unknown): Envelope {
	if (!body || typeof body !== 'object') return {};
	const error = (body as Json).error;
	if (typeof error === 'string') return { message: error };
	if (!error || typeof error !== 'object') {
		const message = (body as Json).message;
		return typeof message === 'string' ? { message } : {};
	}
	const e = error as Json;
	const message = typeof e.message === 'string' ? e.message : undefined;
	// Google: code is the HTTP status and status the reason; CometAPI: code is a string, empty or a number.
	let code: string | undefined;
	if (typeof e.status === 'string' && e.status) code = e.status;
	else if (typeof e.code === 'string' && e.code) code = e.code;
	else if (typeof e.code === 'number') code = String(e.code);
	return { message, code };
}

function fixFor(status: number, code: string | undefined, ctx: FailureContext): string {
	if (status === 401) return 'Check the API key in the CometAPI credential: it is missing, mistyped or revoked.';
	if (status === 402) return 'The CometAPI account is out of credit: top it up in the CometAPI dashboard.';
	if (status === 403) return "This key may not use this model: check the key's model permissions in the CometAPI dashboard.";
	if (status === 404 || (status >= 300 && status < 400))
		return `Check the Base URL in the CometAPI credential (now ${displayUrl(ctx.baseUrl)}): it should be the API's address, such as https://api.cometapi.com, without a path.`;
	if (status === 413) return 'The request is too large: send fewer or smaller input images (compress or resize them first).';
	if (code === 'model_not_found')
		return `Check the model name${ctx.model ? ` ("${ctx.model}")` : ''}: pick one from the list, or check the spelling of the ID.`;
	if (code === 'invalid_request' || status === 400)
		return 'The API rejected the request: check the options (aspect ratio and image size must be supported by the model) and the input images.';
	if (status === 429) return 'Rate limited: lower Concurrency in the options, or wait and run again.';
	if (status === 524 || status === 504 || status === 408)
		return 'The gateway gave up waiting for the model: try again, use a smaller image size, or turn on Streaming in the options.';
	return 'The service had a temporary problem: try again in a moment.';
}

export function describeHttpFailure(
	status: number,
	rawBody: unknown,
	headers: Record<string, unknown> | undefined,
	ctx: FailureContext = {},
	now = Date.now(),
): ApiFailure {
	const contentType = String(headers?.['content-type'] ?? '');
	const body = parseJsonBody(rawBody);
	const html = looksLikeHtml(body, contentType);
	const { message: apiMessage, code } = readErrorEnvelope(body);
	const statusText = STATUS_TEXT[status] ?? '';
	let message = `CometAPI answered ${status}${statusText ? ` ${statusText}` : ''}`;
	if (html) message += ": an HTML page instead of the API's JSON";
	else if (apiMessage) message += `: ${cutText(apiMessage, 1000, ctx.secret)}`;
	else if (typeof body === 'string' && body.trim()) message += `: ${cutText(body.trim(), 200, ctx.secret)}`;

	let description: string;
	if (html && (status < 300 || status === 404)) description = fixFor(404, code, ctx);
	else description = fixFor(status, code, ctx);

	// CometAPI answers a malformed request with 500 invalid_request and an unknown model with 503: final.
	// An HTML page on 5xx (a gateway's own 524 page) is still transient.
	const retryable = RETRYABLE_STATUS.has(status) && code !== 'invalid_request' && code !== 'model_not_found';

	return {
		message: redactSecrets(message, ctx.secret),
		description: redactSecrets(description, ctx.secret),
		status,
		code: code === undefined ? undefined : cutText(code, 100, ctx.secret),
		retryable,
		retryAfterMs: retryAfterMs(headers, body, now),
	};
}

/**
 * An error object inside a 200 (an event of a stream, or a chat answer): a failure like the HTTP error it
 * stands for. Google's envelope gives the status as a number, CometAPI's as a string ("429"); without one
 * it counts as a 500.
 */
export function describeErrorEvent(event: unknown, ctx: FailureContext = {}): ApiFailure {
	const code = Number((event as { error?: { code?: unknown } })?.error?.code);
	return describeHttpFailure(code >= 400 && code < 600 ? code : 500, event, {}, ctx);
}

/** A 200 whose body is not the JSON we expect (an HTML page, a cut-off body). */
export function describeUnreadableBody(body: unknown, contentType: string | undefined, ctx: FailureContext = {}): ApiFailure {
	if (looksLikeHtml(body, contentType)) {
		return {
			message: "CometAPI answered with an HTML page instead of the API's JSON",
			description: redactSecrets(fixFor(404, undefined, ctx), ctx.secret),
			retryable: false,
		};
	}
	return {
		message: "CometAPI's answer could not be read: the JSON was incomplete or malformed",
		description: 'The connection was probably cut while the answer was on its way: try again.',
		retryable: true,
	};
}
