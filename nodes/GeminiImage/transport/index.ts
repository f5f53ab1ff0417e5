/**
 * Every call to CometAPI goes through here: n8n's authenticated HTTP helper (proxy settings, cancellation, the
 * credential's header), idle and total timeouts per attempt, and retries with backoff for the failures worth
 * it. What comes back is a response (status, headers, bytes as they arrive): reading it is the caller's part.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { credentialProblem, normalizeBaseUrl } from '../helpers/credentialChecks';
import type { ApiFailure, FailureContext } from '../helpers/failures';
import { describeHttpFailure, describeNetworkFailure, describeTimeout } from '../helpers/failures';
import { redactSecrets } from '../helpers/redact';
import type { AdaptiveLimiter, Outcome } from './limiter';

export const CREDENTIAL_TYPE = 'cometApi';

/** The total time one attempt may take, as a multiple of the Timeout option (which is the idle timeout). */
export const TOTAL_TIMEOUT_FACTOR = 10;

/** Enough for any error envelope. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** The model list: the largest account's list is a few hundred KB. */
const MAX_LIST_BYTES = 8 * 1024 * 1024;

export interface RequestSpec {
	method: IHttpRequestMethods;
	path: string;
	/** JSON already serialised (see helpers/requests.ts), or an object for small bodies. */
	body?: IDataObject | Buffer;
	/** The idle timeout: no bytes for this long ends the attempt; the whole attempt may take 10 times it. */
	timeoutMs: number;
}

export interface HttpAnswer {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

export interface StreamedAnswer {
	statusCode: number;
	headers: Record<string, unknown>;
	chunks: AsyncIterable<Buffer>;
}

export type Attempt<T> = { value: T } | { failure: ApiFailure };

export interface Connection {
	baseUrl: string;
	secret: string;
}

/** The credential's Base URL and key, refused in words before any request as `authenticate` does. */
export async function getConnection(ctx: IExecuteFunctions | ILoadOptionsFunctions): Promise<Connection> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const problem = credentialProblem(credentials);
	if (problem) throw new NodeOperationError(ctx.getNode(), `${problem.message} [item 0]`, { itemIndex: 0, description: problem.fix });
	return { baseUrl: normalizeBaseUrl(credentials.baseUrl), secret: String(credentials.apiKey) };
}

export interface RetryPolicy {
	/** Retries after the first attempt; 0 turns retrying off. */
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** A Retry-After longer than this is not waited for: the error is reported instead. */
	maxRetryAfterMs: number;
	/** With a limiter: how long one request may keep being refused (429, 503 overload) before it fails. */
	maxRateLimitWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 5,
	baseDelayMs: 1000,
	maxDelayMs: 30_000,
	maxRetryAfterMs: 120_000,
	maxRateLimitWaitMs: 10 * 60_000,
};

/**
 * Delay before retry number `retry` (1-based). "Equal jitter": half the exponential step fixed, half random, so
 * items rate-limited together do not come back together. A longer Retry-After from the API wins.
 */
export function retryDelayMs(retry: number, policy: RetryPolicy, retryAfterMs?: number, random = Math.random): number {
	const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
	const backoff = Math.round(step / 2 + random() * (step / 2));
	if (retryAfterMs === undefined) return backoff;
	return Math.max(backoff, Math.min(retryAfterMs, policy.maxRetryAfterMs));
}

export interface RetryContext {
	policy: RetryPolicy;
	itemIndex: number;
	failureContext: FailureContext;
	/** Version 2: the account's shared limiter. Being told to slow down then waits, outside Max Retries. */
	limiter?: AdaptiveLimiter;
	/** Aborted when the request should no longer be sent (the run stops at a failed item, or Stop). */
	queueSignal?: AbortSignal;
}

/** A request that never went out because its run stopped first: not a failure of its item. */
export class NotSent extends NodeOperationError {}

/** Told to slow down (a 429, or a 503 that is an overload; an unknown model's 503 is final), or another failure. */
function verdict(outcome: Attempt<unknown> | undefined): Outcome {
	if (!outcome) return 'other';
	if ('value' in outcome) return 'ok';
	const { status, retryable } = outcome.failure;
	return status === 429 || (status === 503 && retryable) ? 'slowDown' : 'other';
}

export async function withRetries<T>(ctx: IExecuteFunctions, retry: RetryContext, attempt: () => Promise<Attempt<T>>): Promise<T> {
	const cancelSignal = ctx.getExecutionCancelSignal?.();
	const { limiter, policy } = retry;
	let [failures, refusals, refusedSince] = [0, 0, 0];
	for (let attemptNo = 1; ; attemptNo++) {
		const permit = await limiter?.acquire(retry.queueSignal ?? cancelSignal);
		if (limiter && !permit)
			throw new NotSent(ctx.getNode(), 'The run stopped before this request was sent', { itemIndex: retry.itemIndex });
		let outcome: Attempt<T> | undefined;
		try {
			outcome = await attempt();
		} finally {
			if (permit) limiter?.release(permit, verdict(outcome));
		}
		if ('value' in outcome) return outcome.value;
		let { failure } = outcome;
		const tooLongToWait = failure.retryAfterMs !== undefined && failure.retryAfterMs > policy.maxRetryAfterMs;
		// Version 2: told to slow down, the request waits without a slot and queues again, up to a ceiling.
		if (limiter && verdict(outcome) === 'slowDown' && !tooLongToWait && !cancelSignal?.aborted) {
			const left = (refusedSince ||= Date.now()) + policy.maxRateLimitWaitMs - Date.now();
			if (left > 0 && !(await waitUnlessCancelled(Math.min(left, retryDelayMs(++refusals, policy, failure.retryAfterMs)), cancelSignal)))
				continue;
			const ms = policy.maxRateLimitWaitMs;
			const refused = `refused for ${ms >= 60_000 ? `${ms / 60_000} minutes` : `${ms / 1000} s`}: the account's limit did not let it through`;
			if (left <= 0) failure = { ...failure, message: `${failure.message} (${refused})`, description: REFUSED_FIX };
			throw toNodeError(ctx, failure, left > 0 ? attemptNo : 1, retry, false);
		}
		const retriesLeft = policy.maxRetries - failures++;
		if (!failure.retryable || retriesLeft <= 0 || tooLongToWait || cancelSignal?.aborted) {
			throw toNodeError(ctx, failure, attemptNo, retry, tooLongToWait);
		}
		// Cancelled while waiting: no further attempt, whatever retries are left.
		if (await waitUnlessCancelled(retryDelayMs(failures, policy, failure.retryAfterMs), cancelSignal)) {
			throw toNodeError(ctx, failure, attemptNo, retry, false);
		}
	}
}

const REFUSED_FIX =
	"Lower Concurrency in the node's Request Settings, run fewer executions with this credential at once, or ask CometAPI for a higher limit.";

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
	const httpCode = failure.status ? String(failure.status) : undefined;
	return apiError(ctx, { message, description, httpCode, itemIndex: retry.itemIndex }, retry.failureContext.secret, extra);
}

/** A NodeApiError whose every text is redacted, the error response n8n keeps on it (and shows as `messages`) too. */
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

/**
 * Sleeps in slices of n8n-workflow's `sleep` (the one wait every supported n8n exports; timers of our own are
 * banned), ending early when the execution is cancelled (Stop, n8n's timeout). True if it was cancelled.
 */
export async function waitUnlessCancelled(ms: number, signal?: AbortSignal): Promise<boolean> {
	if (signal?.aborted) return true;
	let onAbort: (() => void) | undefined;
	const aborted = new Promise<void>((resolve) => {
		onAbort = () => resolve();
		signal?.addEventListener('abort', onAbort, { once: true });
	});
	try {
		// After a cancel, at most one slice's timer is left to run out.
		for (let left = ms; left > 0 && !signal?.aborted; left -= 1000) {
			await Promise.race([sleep(Math.min(1000, left)), aborted]);
		}
	} finally {
		if (onAbort) signal?.removeEventListener('abort', onAbort);
	}
	return signal?.aborted === true;
}

/**
 * Timeouts once the answer has started: axios's `timeout` covers only the wait for the response headers, and
 * n8n's authenticated helper replaces an abort signal of ours with the execution's. The watchdog fires when no
 * bytes came for the idle timeout (armed by the first touch), or when the attempt passed its total ceiling.
 */
export class Watchdog {
	expired: 'idle' | 'total' | undefined;
	/** Never resolves if stopped first. */
	readonly expiry: Promise<'idle' | 'total'>;
	private readonly started = Date.now();
	private lastData: number | undefined;
	private stopped = false;

	constructor(
		readonly idleMs: number,
		readonly totalMs: number,
	) {
		this.expiry = this.watch();
	}

	touch(): void {
		this.lastData = Date.now();
	}

	/** No bytes came for about the idle timeout: a connection that failed now failed for that. */
	get quiet(): boolean {
		return this.lastData !== undefined && Date.now() - this.lastData >= this.idleMs * 0.9;
	}

	stop(): void {
		this.stopped = true;
	}

	private async watch(): Promise<'idle' | 'total'> {
		// A few checks per idle period, at most one a second: after stop(), one slice is left to run out.
		const slice = Math.max(10, Math.min(1000, Math.floor(this.idleMs / 5)));
		while (!this.stopped) {
			await sleep(slice);
			if (this.stopped) break;
			const now = Date.now();
			if (now - this.started >= this.totalMs) return (this.expired = 'total');
			if (this.lastData !== undefined && now - this.lastData >= this.idleMs) return (this.expired = 'idle');
		}
		return await new Promise<never>(() => {});
	}
}

interface Destroyable {
	destroy?: (error?: Error) => void;
	destroyed?: boolean;
	emit?: (event: string, error: Error) => boolean;
	listenerCount?: (event: string) => number;
}

/**
 * Ends a response stream, emitting the error first for a reader waiting on it: axios wraps streamed answers in
 * a Readable whose destroy() waits for a chunk a stalled connection never sends.
 */
export function destroyBody(body: unknown, reason?: Error): void {
	const stream = body as Destroyable | undefined;
	if (!stream || typeof stream.destroy !== 'function' || stream.destroyed) return;
	try {
		if (reason && stream.emit && (stream.listenerCount?.('error') ?? 0) > 0) stream.emit('error', reason);
		stream.destroy(reason);
	} catch {
		// a stream that cannot be ended any further: the reader has its error already
	}
}

/** A body that is not a stream (already read by someone) comes as one chunk. */
export async function* chunksOf(body: unknown, watchdog?: Watchdog): AsyncGenerator<Buffer> {
	if (!body || typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') {
		if (body !== undefined && body !== null) {
			yield Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
		}
		return;
	}
	for await (const chunk of body as AsyncIterable<Buffer | string>) {
		watchdog?.touch();
		yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
	}
}

/** At most `maxBytes` of the body as text; the rest is not read. */
export async function readCapped(chunks: AsyncIterable<Buffer>, maxBytes: number): Promise<string> {
	const parts: Buffer[] = [];
	let length = 0;
	for await (const chunk of chunks) {
		if (chunk.length > maxBytes - length) {
			parts.push(chunk.subarray(0, maxBytes - length));
			break;
		}
		parts.push(chunk);
		length += chunk.length;
	}
	return Buffer.concat(parts).toString('utf8');
}

/** ECONNRESET, ECONNABORTED...: axios puts it in `code`; n8n's NodeApiError keeps it as `httpCode`. */
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

export function describeThrown(error: unknown, failureContext: FailureContext, timeoutMs?: number): ApiFailure {
	return describeNetworkFailure(networkCode(error), rawMessage(error), failureContext, timeoutMs);
}

/**
 * The request, its body as a stream. n8n's helper replaces the request's abortSignal with the execution's, so
 * ours is a property that keeps its value (it follows the execution's signal too, see attemptRequest). Should
 * a version of n8n not take it, the watchdog still ends the reading (destroyBody).
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
 * One attempt: `read` gets a 2xx answer's bytes as they arrive and gives its own verdict; any other status is a
 * failure. Stalls, a drip past the total ceiling and broken connections become failures here. The answer's
 * stream is always ended before this returns.
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
	void watchdog.expiry.then(() => controller.abort());
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
		void watchdog.expiry.then(() => destroyBody(body, new Error(`no data for ${spec.timeoutMs} ms`)));
		const chunks = chunksOf(body, watchdog);
		const ok = statusCode >= 200 && statusCode < 300;
		try {
			const outcome: Attempt<T> = ok
				? await read({ statusCode, headers, chunks })
				: { failure: describeHttpFailure(statusCode, await readCapped(chunks, MAX_ERROR_BODY_BYTES), headers, failureContext) };
			return watchdog.expired && 'failure' in outcome ? timedOut() : outcome;
		} catch (error) {
			// A socket timeout of axios may end a stalled answer just before the watchdog does: same cause.
			if (watchdog.expired || watchdog.quiet) return timedOut();
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

/** One attempt, no retries: a 2xx answer's body as text, up to MAX_LIST_BYTES (the model list); any other status is a failure. */
export async function sendOnce(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	connection: Connection,
	spec: RequestSpec,
	failureContext: FailureContext,
): Promise<Attempt<HttpAnswer>> {
	return await attemptRequest(ctx, connection, spec, failureContext, async (answer) => {
		const text = await readCapped(answer.chunks, MAX_LIST_BYTES);
		return { value: { statusCode: answer.statusCode, headers: answer.headers, body: text } };
	});
}
