/**
 * One attempt at a request to CometAPI, under a watchdog (watchdog.ts): the request through n8n's
 * authenticated helper, then the answer read as it arrives. Every way it can go wrong ends as a failure
 * the retry loop (index.ts) can weigh, and the answer's stream is always ended before it returns.
 */
import type { IExecuteFunctions, IHttpRequestOptions, ILoadOptionsFunctions } from 'n8n-workflow';

import type { ApiFailure, FailureContext } from '../api/errors/failure';
import { describeHttpFailure } from '../api/errors/http';
import { describeNetworkFailure, describeTimeout } from '../api/errors/network';
import { describeLimit, TOTAL_TIMEOUT_FACTOR } from '../helpers/answers';
import { AnswerLimitError, ANSWER_LIMITS } from '../helpers/interfaces';
import type { Connection } from './index';
import { chunksOf, destroyBody, readCapped } from './stream';
import type { Attempt, HttpAnswer, RequestSpec, StreamedAnswer } from './types';
import { CREDENTIAL_TYPE } from './types';
import { Watchdog } from './watchdog';

/** The model list: the largest account's list is a few hundred KB. */
const MAX_LIST_BYTES = 8 * 1024 * 1024;

/**
 * The code of a network error (ECONNRESET, ECONNABORTED...), wherever it ended up: axios puts it in
 * `code`; n8n's NodeApiError drops the axios error and keeps the code as `httpCode`.
 */
export function networkCode(error: unknown): string | undefined {
	let current = error as { code?: unknown; httpCode?: unknown; cause?: unknown } | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		for (const value of [current.code, current.httpCode]) {
			if (typeof value === 'string' && /^E[A-Z_]+$/.test(value)) return value;
		}
		current = current.cause as typeof current;
	}
	return undefined;
}

export function rawMessage(error: unknown): string {
	const e = error as { cause?: { message?: string }; message?: string };
	return String(e?.cause?.message ?? e?.message ?? error);
}

/**
 * The request itself, through n8n's authenticated helper; the body comes back as a stream. `signal` ends
 * it at any stage. The helper replaces the request's abortSignal with the execution's own, so ours is
 * set as a property that keeps its value: it follows the execution's signal as well (see attemptRequest).
 * Should a version of n8n not take it, the watchdog still ends the reading (destroyBody).
 */
async function send(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	connection: Connection,
	spec: RequestSpec,
	failureContext: FailureContext,
	signal: AbortSignal,
): Promise<Attempt<HttpAnswer>> {
	const options: IHttpRequestOptions = {
		method: spec.method,
		url: `${connection.baseUrl}${spec.path}`,
		body: spec.body,
		headers: Buffer.isBuffer(spec.body) ? { 'Content-Type': 'application/json' } : undefined,
		json: true,
		encoding: 'stream',
		// Covers the wait for the response headers; the watchdog covers the rest.
		timeout: spec.timeoutMs,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// A redirect means the Base URL points at a website, not the API: report it instead of following.
		disableFollowRedirect: true,
	};
	Object.defineProperty(options, 'abortSignal', { get: () => signal, set: () => {}, enumerable: true, configurable: true });
	try {
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options)) as HttpAnswer;
		return { value: { statusCode: response.statusCode, headers: response.headers ?? {}, body: response.body } };
	} catch (error) {
		return { failure: describeThrown(error, failureContext, spec.timeoutMs) };
	}
}

/**
 * One attempt under a watchdog: the request, then `read` on a 2xx answer's bytes as they arrive. A non-2xx
 * answer becomes a failure (its body read up to a limit). Stalls, a drip slower than the total ceiling,
 * a broken connection and answers past the limits all become failures the retry loop can weigh; the
 * answer's stream is always ended before this returns.
 */
export async function attemptRequest<T>(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	connection: Connection,
	spec: RequestSpec,
	failureContext: FailureContext,
	read: (answer: StreamedAnswer) => Promise<Attempt<T>>,
): Promise<Attempt<T>> {
	const totalMs = spec.timeoutMs * TOTAL_TIMEOUT_FACTOR;
	const watchdog = new Watchdog(spec.timeoutMs, totalMs);
	const timedOut = (): Attempt<T> => ({
		failure: describeTimeout(watchdog.expired === 'total' ? 'total' : 'idle', spec.timeoutMs, totalMs, failureContext),
	});
	// Aborted by the watchdog, or with the execution (Stop, n8n's timeout).
	const controller = new AbortController();
	const cancel = 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal?.() : undefined;
	const onCancel = () => controller.abort();
	if (cancel?.aborted) controller.abort();
	cancel?.addEventListener('abort', onCancel, { once: true });
	watchdog.onExpire(() => controller.abort());
	try {
		const request = send(ctx, connection, spec, failureContext, controller.signal);
		const sent = await Promise.race([request, watchdog.expiry.then(() => undefined)]);
		if (!sent) {
			// The ceiling passed before any answer: give up on it, and end it if it still comes.
			void request.then((late) => 'value' in late && destroyBody(late.value.body));
			return timedOut();
		}
		if ('failure' in sent) return watchdog.expired ? timedOut() : sent;
		const { statusCode, headers, body } = sent.value;
		watchdog.touch();
		watchdog.onExpire(() => destroyBody(body, new Error(`no data for ${spec.timeoutMs} ms`)));
		const answer: StreamedAnswer = { statusCode, headers, chunks: chunksOf(body, watchdog) };
		const ok = statusCode >= 200 && statusCode < 300;
		try {
			const outcome = ok ? await read(answer) : await readFailure(answer, failureContext);
			return watchdog.expired && 'failure' in outcome ? timedOut() : outcome;
		} catch (error) {
			// A socket timeout of axios may end a stalled answer just before the watchdog does: same cause.
			if (watchdog.expired || watchdog.quiet) return timedOut();
			if (error instanceof AnswerLimitError) return { failure: { ...describeLimit(error.kind), retryable: false } };
			if (!ok) {
				// The status is known: it decides, as if the body had come whole.
				const failure = describeHttpFailure(statusCode, '', headers, failureContext);
				return { failure: { ...failure, message: `${failure.message} (the connection broke while its body was being read)` } };
			}
			// The connection broke while the answer was being read: as transient as a reset.
			return { failure: describeThrown(error, failureContext, spec.timeoutMs) };
		} finally {
			destroyBody(body);
			// A gateway may keep the connection open after the answer's end ([DONE]). Newer axios (n8n 2.x) wraps
			// the stream so that destroy() waits for a chunk that never comes; aborting closes the socket. A
			// stream that ended by itself has let go of the signal already, so this is then a no-op.
			controller.abort();
		}
	} finally {
		watchdog.stop();
		cancel?.removeEventListener('abort', onCancel);
	}
}

async function readFailure(answer: StreamedAnswer, failureContext: FailureContext): Promise<Attempt<never>> {
	const { text } = await readCapped(answer.chunks, ANSWER_LIMITS.maxErrorBodyBytes);
	return { failure: describeHttpFailure(answer.statusCode, text, answer.headers, failureContext) };
}

/** A whole (small) answer as text: the model list. Any status comes back as a value. */
export async function sendOnce(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	connection: Connection,
	spec: RequestSpec,
	failureContext: FailureContext,
): Promise<Attempt<HttpAnswer>> {
	return await attemptRequest(ctx, connection, spec, failureContext, async (answer) => {
		const { text } = await readCapped(answer.chunks, MAX_LIST_BYTES);
		return { value: { statusCode: answer.statusCode, headers: answer.headers, body: text } };
	});
}

/** A thrown transport error (reset, timeout, refused, cancelled) as a failure the retry loop can weigh. */
export function describeThrown(error: unknown, failureContext: FailureContext, timeoutMs?: number): ApiFailure {
	return describeNetworkFailure(networkCode(error), rawMessage(error), failureContext, timeoutMs);
}
