/**
 * Every call to CometAPI goes through here: n8n's authenticated HTTP helper (proxy settings, cancellation,
 * the credential's header), one timeout per attempt, and retries with backoff for the failures worth it.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { normalizeBaseUrl } from '../api/baseUrl';
import type { ApiFailure, FailureContext } from '../api/errors';
import { describeHttpFailure, describeNetworkFailure, redactSecrets } from '../api/errors';
import type { RetryPolicy } from '../api/retry';
import { retryDelayMs } from '../api/retry';
import { waitUnlessCancelled } from './wait';

export const CREDENTIAL_TYPE = 'cometApi';

export interface Connection {
	baseUrl: string;
	/** Kept only to scrub it out of any text we show. */
	secret: string;
}

export async function getConnection(ctx: IExecuteFunctions | ILoadOptionsFunctions): Promise<Connection> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	return { baseUrl: normalizeBaseUrl(credentials.baseUrl), secret: String(credentials.apiKey ?? '') };
}

export interface HttpAnswer {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

export interface RequestSpec {
	method: IHttpRequestMethods;
	path: string;
	/** JSON already serialised (see api/blobs.ts), or an object for small bodies. */
	body?: IDataObject | Buffer;
	timeoutMs: number;
	/** 'stream' hands back the response stream for server-sent events. */
	encoding?: 'json' | 'stream';
}

/** One attempt's outcome: an answer to read, or a failure the retry loop weighs. */
export type Attempt<T> = { value: T } | { failure: ApiFailure };

/**
 * The code of a network error (ECONNRESET, ECONNABORTED...), wherever it ended up: axios puts it in
 * `code`; n8n's NodeApiError drops the axios error and keeps the code as `httpCode`.
 */
function networkCode(error: unknown): string | undefined {
	let current = error as { code?: unknown; httpCode?: unknown; cause?: unknown } | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		for (const value of [current.code, current.httpCode]) {
			if (typeof value === 'string' && /^E[A-Z_]+$/.test(value)) return value;
		}
		current = current.cause as typeof current;
	}
	return undefined;
}

function rawMessage(error: unknown): string {
	const e = error as { cause?: { message?: string }; message?: string };
	return String(e?.cause?.message ?? e?.message ?? error);
}

/** One HTTP attempt. Answers of any status come back as a value; transport failures as a failure. */
export async function sendOnce(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	connection: Connection,
	spec: RequestSpec,
	failureContext: FailureContext,
): Promise<Attempt<HttpAnswer>> {
	const options: IHttpRequestOptions = {
		method: spec.method,
		url: `${connection.baseUrl}${spec.path}`,
		body: spec.body,
		headers: Buffer.isBuffer(spec.body) ? { 'Content-Type': 'application/json' } : undefined,
		json: true,
		timeout: spec.timeoutMs,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// A redirect means the Base URL points at a website, not the API: report it instead of following.
		disableFollowRedirect: true,
	};
	if (spec.encoding === 'stream') options.encoding = 'stream';
	try {
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options)) as {
			statusCode: number;
			headers: Record<string, unknown>;
			body: unknown;
		};
		return { value: { statusCode: response.statusCode, headers: response.headers ?? {}, body: response.body } };
	} catch (error) {
		return { failure: describeThrown(error, failureContext, spec.timeoutMs) };
	}
}

/** A thrown transport error (reset, timeout, refused, cancelled) as a failure the retry loop can weigh. */
export function describeThrown(error: unknown, failureContext: FailureContext, timeoutMs?: number): ApiFailure {
	return describeNetworkFailure(networkCode(error), rawMessage(error), failureContext, timeoutMs);
}

export interface RetryContext {
	policy: RetryPolicy;
	itemIndex: number;
	failureContext: FailureContext;
}

/**
 * Runs `attempt` until it yields a value, fails for good, or the retries run out. Whether a failure is
 * worth another try is the failure's own verdict (see api/errors.ts).
 */
export async function withRetries<T>(
	ctx: IExecuteFunctions,
	retry: RetryContext,
	attempt: () => Promise<Attempt<T>>,
): Promise<T> {
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
	const secret = retry.failureContext.secret;
	const response: JsonObject = { message: redactSecrets(message, secret) };
	if (failure.status) response.httpCode = String(failure.status);
	// Not under `code`: NodeApiError would take a network code there for an HTTP code and swap our message
	// for its generic one ("The connection was aborted...").
	if (failure.code) response.apiCode = failure.code;
	return new NodeApiError(ctx.getNode(), response, {
		message: redactSecrets(message, secret),
		description: redactSecrets(description, secret),
		httpCode: failure.status ? String(failure.status) : undefined,
		itemIndex: retry.itemIndex,
	});
}

/** Reads a non-2xx answer into a failure; undefined for a 2xx. */
export function failureOf(answer: HttpAnswer, failureContext: FailureContext): ApiFailure | undefined {
	if (answer.statusCode >= 200 && answer.statusCode < 300) return undefined;
	return describeHttpFailure(answer.statusCode, answer.body, answer.headers, failureContext);
}
