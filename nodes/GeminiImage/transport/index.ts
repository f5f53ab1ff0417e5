/**
 * Every call to CometAPI goes through here: n8n's authenticated HTTP helper (proxy settings, cancellation,
 * the credential's header), one timeout per attempt, and retries with backoff for the failures worth it.
 */
import type { IExecuteFunctions, ILoadOptionsFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { normalizeBaseUrl } from '../api/baseUrl';
import { credentialProblem } from '../api/credentialChecks';
import type { ApiFailure, FailureContext } from '../api/errors/failure';
import { describeHttpFailure } from '../api/errors/http';
import { redactSecrets } from '../helpers/redact';
import type { RetryPolicy } from '../api/retry';
import { retryDelayMs } from '../api/retry';
import type { Attempt, HttpAnswer } from './types';
import { CREDENTIAL_TYPE } from './types';
import { waitUnlessCancelled } from './wait';

export { attemptRequest, describeThrown, sendOnce } from './attempt';

export { CREDENTIAL_TYPE } from './types';
export type { Attempt, HttpAnswer, RequestSpec, StreamedAnswer } from './types';

export interface Connection {
	baseUrl: string;
	/** Kept only to scrub it out of any text we show. */
	secret: string;
}

/**
 * The credential's Base URL and key, checked before any request (the credential's `authenticate` checks the
 * same): user:pass@ in the Base URL and a key that no header can carry are refused in words, not sent.
 */
export async function getConnection(ctx: IExecuteFunctions | ILoadOptionsFunctions): Promise<Connection> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const problem = credentialProblem(credentials);
	if (problem) throw new NodeOperationError(ctx.getNode(), `${problem.message} [item 0]`, { itemIndex: 0, description: problem.fix });
	return { baseUrl: normalizeBaseUrl(credentials.baseUrl), secret: String(credentials.apiKey ?? '') };
}

export interface RetryContext {
	policy: RetryPolicy;
	itemIndex: number;
	failureContext: FailureContext;
}

/**
 * Runs `attempt` until it yields a value, fails for good, or the retries run out. Whether a failure is
 * worth another try is the failure's own verdict (see api/errors/).
 */
export async function withRetries<T>(ctx: IExecuteFunctions, retry: RetryContext, attempt: () => Promise<Attempt<T>>): Promise<T> {
	const cancelSignal = ctx.getExecutionCancelSignal?.();
	for (let attemptNo = 1; ; attemptNo++) {
		const outcome = await attempt();
		if ('value' in outcome) return outcome.value;
		const { failure } = outcome;
		const retriesLeft = retry.policy.maxRetries - (attemptNo - 1);
		const tooLongToWait = failure.retryAfterMs !== undefined && failure.retryAfterMs > retry.policy.maxRetryAfterMs;
		if (!failure.retryable || retriesLeft <= 0 || tooLongToWait || cancelSignal?.aborted) {
			throw toNodeError(ctx, failure, attemptNo, retry, tooLongToWait);
		}
		// Cancelled while waiting: no further attempt, whatever retries are left.
		if (await waitUnlessCancelled(retryDelayMs(attemptNo, retry.policy, failure.retryAfterMs), cancelSignal)) {
			throw toNodeError(ctx, failure, attemptNo, retry, false);
		}
	}
}

function toNodeError(
	ctx: IExecuteFunctions,
	failure: ApiFailure,
	attempts: number,
	retry: RetryContext,
	tooLongToWait: boolean,
): NodeApiError {
	let message = failure.message;
	if (attempts > 1) message += ` (gave up after ${attempts} attempts)`;
	let description = failure.description;
	if (tooLongToWait && failure.retryAfterMs !== undefined) {
		description = `The API asked to wait ${Math.round(failure.retryAfterMs / 1000)} s, longer than this node waits. ${description}`;
	}
	const extra: JsonObject = {};
	if (failure.status) extra.httpCode = String(failure.status);
	// Not under `code`: NodeApiError would take a network code there for an HTTP code and swap our message
	// for its generic one ("The connection was aborted...").
	if (failure.code) extra.apiCode = failure.code;
	return apiError(
		ctx,
		{ message, description, httpCode: failure.status ? String(failure.status) : undefined, itemIndex: retry.itemIndex },
		retry.failureContext.secret,
		extra,
	);
}

/**
 * A NodeApiError whose every text is redacted: message and description, and the error response n8n keeps
 * on the error (`errorResponse`, from which it also fills `messages`).
 */
export function apiError(
	ctx: IExecuteFunctions,
	fields: { message: string; description?: string; httpCode?: string; itemIndex: number },
	secret: string | undefined,
	extra: JsonObject = {},
): NodeApiError {
	const message = redactSecrets(fields.message, secret);
	const description = fields.description === undefined ? undefined : redactSecrets(fields.description, secret);
	const response: JsonObject = { message };
	for (const [key, value] of Object.entries(extra)) response[key] = typeof value === 'string' ? redactSecrets(value, secret) : value;
	return new NodeApiError(ctx.getNode(), response, { message, description, httpCode: fields.httpCode, itemIndex: fields.itemIndex });
}

/** Reads a non-2xx answer into a failure; undefined for a 2xx. */
export function failureOf(answer: HttpAnswer, failureContext: FailureContext): ApiFailure | undefined {
	if (answer.statusCode >= 200 && answer.statusCode < 300) return undefined;
	return describeHttpFailure(answer.statusCode, answer.body, answer.headers, failureContext);
}
