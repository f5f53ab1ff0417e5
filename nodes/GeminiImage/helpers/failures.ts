/**
 * What went wrong, in words a user can act on, and whether trying again can help: HTTP error answers, network
 * failures and timeouts, an answer without an image. Pure: the transport and the answer readers feed it
 * statuses, headers, bodies and error codes. Every message and description leaves here redacted.
 */
import type { GenerationResult } from './interfaces';
import { cutText, displayUrl, redactSecrets } from './redact';

export interface ApiFailure {
	message: string;
	/** How to fix it. */
	description: string;
	status?: number;
	/** CometAPI's `code` or Google's `status` string, when the body had one. */
	code?: string;
	retryable: boolean;
	/** Retry-After or Google's RetryInfo, in ms. */
	retryAfterMs?: number;
}

/** What a message may name (the model, the Base URL) and the secret it must never show. */
export interface FailureContext {
	model?: string;
	baseUrl?: string;
	secret?: string;
}

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
	// Below 400 only a server that is not the API answers: a redirect, or a 1xx sent as the final answer.
	if (status === 404 || status < 400)
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

/** An error object inside a 200 (stream event, chat answer); Google gives its status as a number, CometAPI as a string. */
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

/** Network errors in words: a new attempt may get past these... */
const RETRYABLE_CODES: Record<string, string> = {
	ECONNRESET: 'the connection was reset',
	EPIPE: 'the connection was closed while sending',
	ECONNABORTED: 'no answer within the timeout',
	ETIMEDOUT: 'no answer within the timeout',
	ESOCKETTIMEDOUT: 'no answer within the timeout',
	ERR_STREAM_PREMATURE_CLOSE: 'the connection closed before the answer was complete',
	EAI_AGAIN: 'the host name could not be resolved (temporary DNS failure)',
};

/** ...but not past these. */
const FINAL_CODES: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	EHOSTUNREACH: 'the host could not be reached',
	ENOTFOUND: 'the host name could not be resolved',
	ERR_CANCELED: 'the execution was cancelled',
	CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
};

const isTimeoutError = (code: string | undefined, rawMessage: string) =>
	code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || /timeout/i.test(rawMessage);

/** Without the raw code where one is known: n8n swaps a message holding a code (ECONNREFUSED...) for a generic one. */
export function networkProblem(code: string | undefined, rawMessage: string, timeoutMs?: number): string {
	if (isTimeoutError(code, rawMessage)) return `no answer within ${timeoutMs ? seconds(timeoutMs) : 'the timeout'}`;
	const known = code ? (RETRYABLE_CODES[code] ?? FINAL_CODES[code]) : undefined;
	return known ?? (/socket hang up/i.test(rawMessage) ? 'the connection was closed without an answer' : rawMessage);
}

export function describeNetworkFailure(
	code: string | undefined,
	rawMessage: string,
	ctx: FailureContext = {},
	timeoutMs?: number,
): ApiFailure {
	const isTimeout = isTimeoutError(code, rawMessage);
	const message = redactSecrets(
		`Could not reach CometAPI at ${displayUrl(ctx.baseUrl)}: ${cutText(networkProblem(code, rawMessage, timeoutMs), 300)}`,
		ctx.secret,
	);
	let description = 'Check the network connection and try again.';
	if (isTimeout)
		description = 'The model took longer than the Timeout option allows: raise Timeout, use a smaller image size, or turn on Streaming.';
	else if (code === 'ECONNREFUSED' || code === 'ENOTFOUND')
		description = 'Check the Base URL in the CometAPI credential and that this n8n can reach it (proxy, firewall).';
	let retryable = isTimeout || /socket hang up|reset|closed|aborted/i.test(rawMessage);
	if (code && RETRYABLE_CODES[code]) retryable = true;
	else if (code && FINAL_CODES[code]) retryable = false;
	return { message, description, retryable, code };
}

/** A duration for messages: "5 s", "1.5 s". */
export const seconds = (ms: number) => `${Number((ms / 1000).toFixed(ms < 10_000 && ms % 1000 ? 1 : 0))} s`;

/** An attempt the transport's watchdog ended: retried like a dropped connection. */
export function describeTimeout(kind: 'idle' | 'total', timeoutMs: number, totalMs: number, ctx: FailureContext = {}): ApiFailure {
	if (kind === 'idle') {
		return {
			message: `CometAPI stopped sending in the middle of its answer: no data for ${seconds(timeoutMs)}`,
			description: redactSecrets(
				`The gateway or the connection to ${displayUrl(ctx.baseUrl)} stalled. The node tries again; if it keeps happening, raise Timeout or check the network and any proxy in between.`,
				ctx.secret,
			),
			retryable: true,
			code: 'IDLE_TIMEOUT',
		};
	}
	return {
		message: `CometAPI's answer took longer than ${seconds(totalMs)} in all, the most one attempt may take (10 × Timeout)`,
		description:
			'The answer came in too slowly (a stalled or throttled connection). The node tries again; if your images really take that long, raise Timeout.',
		retryable: true,
		code: 'TOTAL_TIMEOUT',
	};
}

const SAFETY = new Set(['IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'SAFETY', 'PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII', 'CONTENT_FILTER']);
const RECITATION = new Set(['RECITATION', 'IMAGE_RECITATION']);

export interface NoImageExplanation {
	message: string;
	description: string;
}

const quote = (text: string, max = 300) => {
	const t = text.trim().replace(/\s+/g, ' ');
	return `"${t.length > max ? `${t.slice(0, max)}…` : t}"`;
};

/** Why a 200 holds no image. Only a request that sent input images is told to change them. */
export function explainMissingImage(result: GenerationResult, withInputImages = false): NoImageExplanation {
	const finish = result.finishReason?.toUpperCase();
	const said = result.text ? ` The model said: ${quote(result.text)}` : '';
	const detail = result.finishMessage ? ` ${result.finishMessage.trim()}` : '';
	const orImages = withInputImages ? ' or change the input images' : '';

	if (result.blockReason) {
		return {
			message: `The prompt was blocked before any image was made (${result.blockReason}).${result.blockReasonMessage ? ` ${result.blockReasonMessage}` : ''}`,
			description: `Rephrase the prompt${orImages}: the safety filter rejected the request itself.`,
		};
	}
	if (finish && SAFETY.has(finish)) {
		return {
			message: `The model refused to make the image (${finish}).${detail}${said}`,
			description: `The safety filter rejected the result: rephrase the prompt${orImages}.`,
		};
	}
	if (finish && RECITATION.has(finish)) {
		return {
			message: `The model stopped because the image would copy existing content too closely (${finish}).${detail}${said}`,
			description: 'Ask for something more original, or describe the subject in your own words.',
		};
	}
	if (finish === 'NO_IMAGE' || finish === 'IMAGE_OTHER' || finish === 'OTHER') {
		return {
			message: `The model did not produce an image (${finish}).${detail}${said}`,
			description: 'Try again, or make the prompt ask for an image more explicitly.',
		};
	}
	if (finish === 'MAX_TOKENS') {
		return {
			message: `The model ran out of output tokens before finishing the image (MAX_TOKENS).${detail}${said}`,
			description: `Try a shorter prompt or a smaller image size${withInputImages ? ', or fewer input images' : ''}.`,
		};
	}
	const broken = result.undecodableImages?.[0];
	if (broken) {
		const label = broken.labelledMimeType ? ` (labelled ${broken.labelledMimeType})` : '';
		return {
			message: `The answer held an image that could not be read${label}: ${broken.problem}.${said}`,
			description:
				'Something that is not an image came where the image should be. Try again; if it keeps happening, check the Base URL: a proxy or a web page may be answering instead of the API.',
		};
	}
	if (result.text) {
		return {
			message: `The model answered with text only, no image.${said}`,
			description: 'Ask for an image explicitly in the prompt (e.g. "Generate an image of ..."), and check the model is an image model.',
		};
	}
	return {
		message: `The model returned no image and no text${finish ? ` (finish reason ${finish})` : ''}.${detail}`,
		description: 'Try again; if it keeps happening, check the model name is a Gemini image model.',
	};
}
