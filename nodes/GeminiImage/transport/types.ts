/** The shapes the transport hands around: a request, an answer, one attempt's outcome. */
import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import type { ApiFailure } from '../api/errors/failure';

export const CREDENTIAL_TYPE = 'cometApi';

export interface HttpAnswer {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

export interface RequestSpec {
	method: IHttpRequestMethods;
	path: string;
	/** JSON already serialised (see api/stream/blobs.ts), or an object for small bodies. */
	body?: IDataObject | Buffer;
	/** The idle timeout: no bytes for this long ends the attempt; the whole attempt may take 10 times it. */
	timeoutMs: number;
}

/** An answer whose body is read as it arrives (every attempt streams: nothing is buffered unbounded). */
export interface StreamedAnswer {
	statusCode: number;
	headers: Record<string, unknown>;
	chunks: AsyncIterable<Buffer>;
}

/** One attempt's outcome: an answer to read, or a failure the retry loop weighs. */
export type Attempt<T> = { value: T } | { failure: ApiFailure };
