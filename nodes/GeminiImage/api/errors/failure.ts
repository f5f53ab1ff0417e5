/** What every description of a failure holds, and what it may mention. */

export interface ApiFailure {
	/** One line: what happened, with the API's own words. */
	message: string;
	/** How to fix it. */
	description: string;
	status?: number;
	/** CometAPI's `code` or Google's `status` string, when the body had one. */
	code?: string;
	retryable: boolean;
	/** How long the API asked us to wait (Retry-After or Google's RetryInfo), in ms. */
	retryAfterMs?: number;
}

/** What a message may name (the model, the Base URL) and the secret it must never show. */
export interface FailureContext {
	model?: string;
	baseUrl?: string;
	secret?: string;
}
