/**
 * Network failures and timeouts in words a user can act on, and whether trying again can help. Pure: the
 * transport feeds it the error's code and message. Every message leaves here redacted (see helpers/redact.ts).
 */
import type { ApiFailure, FailureContext } from './failure';
import { cutText, displayUrl, redactSecrets } from '../../helpers/redact';

function hints(retryable: boolean, texts: Record<string, string>): Record<string, { text: string; retryable: boolean }> {
	return Object.fromEntries(Object.entries(texts).map(([code, text]) => [code, { text, retryable }]));
}

/** Network errors in words: first those a new attempt may get past, then those it cannot. */
const NETWORK_HINTS: Record<string, { text: string; retryable: boolean }> = {
	...hints(true, {
		ECONNRESET: 'the connection was reset',
		EPIPE: 'the connection was closed while sending',
		ECONNABORTED: 'no answer within the timeout',
		ETIMEDOUT: 'no answer within the timeout',
		ESOCKETTIMEDOUT: 'no answer within the timeout',
		ERR_STREAM_PREMATURE_CLOSE: 'the connection closed before the answer was complete',
		EAI_AGAIN: 'the host name could not be resolved (temporary DNS failure)',
	}),
	...hints(false, {
		ECONNREFUSED: 'the connection was refused',
		EHOSTUNREACH: 'the host could not be reached',
		ENOTFOUND: 'the host name could not be resolved',
		ERR_CANCELED: 'the execution was cancelled',
		CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
	}),
};

const isTimeoutError = (code: string | undefined, rawMessage: string) =>
	code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || /timeout/i.test(rawMessage);

/**
 * A network error in words, without its raw code where one is known: n8n's errors swap a message that holds
 * a code (ECONNREFUSED...) for a generic one, which would lose what the node said around it.
 */
export function networkProblem(code: string | undefined, rawMessage: string, timeoutMs?: number): string {
	if (isTimeoutError(code, rawMessage)) return `no answer within ${timeoutMs ? seconds(timeoutMs) : 'the timeout'}`;
	const hint = code ? NETWORK_HINTS[code] : undefined;
	return hint?.text ?? (/socket hang up/i.test(rawMessage) ? 'the connection was closed without an answer' : rawMessage);
}

export function describeNetworkFailure(
	code: string | undefined,
	rawMessage: string,
	ctx: FailureContext = {},
	timeoutMs?: number,
): ApiFailure {
	const hint = code ? NETWORK_HINTS[code] : undefined;
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
	const retryable = hint?.retryable ?? (isTimeout || /socket hang up|reset|closed|aborted/i.test(rawMessage));
	return { message, description, retryable: code === 'ERR_CANCELED' ? false : retryable, code };
}

/** A duration for messages: "5 s", "1.5 s". */
export const seconds = (ms: number) => `${Number((ms / 1000).toFixed(ms < 10_000 && ms % 1000 ? 1 : 0))} s`;

/**
 * An attempt the watchdog ended (see transport/watchdog.ts): no data for the Timeout, or longer than the
 * total ceiling. Retried like a dropped connection.
 */
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
