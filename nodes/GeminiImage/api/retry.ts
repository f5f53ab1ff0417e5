/** When to try again and how long to wait: exponential backoff with jitter, capped, honouring the API's ask. */

export interface RetryPolicy {
	/** Retries after the first attempt; 0 turns retrying off. */
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** A Retry-After longer than this is not waited for: the error is reported instead. */
	maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 5,
	baseDelayMs: 1000,
	maxDelayMs: 30_000,
	maxRetryAfterMs: 120_000,
};

/**
 * Delay before retry number `retry` (1-based). "Equal jitter": half the exponential step fixed, half random,
 * so many items rate-limited at once do not come back at the same moment. A Retry-After from the API wins
 * when it is longer than our own backoff.
 */
export function retryDelayMs(retry: number, policy: RetryPolicy, retryAfterMs?: number, random = Math.random): number {
	const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
	const backoff = Math.round(step / 2 + random() * (step / 2));
	if (retryAfterMs === undefined) return backoff;
	return Math.max(backoff, Math.min(retryAfterMs, policy.maxRetryAfterMs));
}
