/**
 * Input images from third-party URLs, with n8n's plain HTTP helper (proxy settings, n8n's own SSRF protection
 * where turned on; never the credential: the key must not travel to other hosts). Streamed and bounded by the
 * item's size limit, the watchdog and the execution's cancellation.
 *
 * Redirects are followed one hop at a time, each checked: at most MAX_REDIRECTS, only http(s), never from https
 * down to http. With `publicOnly`, a hop's literal address is checked before connecting and the address the
 * answer came from before a byte of it is read (node code cannot resolve names); whatever goes wrong before
 * that check has passed ends in the one `refused` result, so that nothing tells what answers inside a network.
 */
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import type { AllowList } from '../helpers/addresses';
import { addressAllowed, nameAllowed, parseIp } from '../helpers/addresses';
import { networkProblem, seconds } from '../helpers/failures';
import { cutText } from '../helpers/redact';
import { chunksOf, destroyBody, networkCode, rawMessage, TOTAL_TIMEOUT_FACTOR, Watchdog } from './index';

export const MAX_REDIRECTS = 5;

/** `refused`: 'address' when the node's own rule refused, 'n8n' when n8n's SSRF protection did. */
export type Download = { data: Buffer } | { tooLarge: { announced?: number } } | { problem: string } | { refused: 'address' | 'n8n' };

export interface UrlGuard {
	/** Refuse every address that is not public (see helpers/addresses.ts), unless `allow` names it. */
	publicOnly: boolean;
	allow: AllowList;
	/** n8n's own signed binary links (`<REST URL>/binary-data/signed?`): always fetched, they serve only what n8n signed. */
	ownLinkPrefix?: string;
}

interface Response {
	statusCode: number;
	headers?: Record<string, unknown>;
	body: unknown;
	/** Where the answer came from, when the helper lets us see its socket. */
	remoteAddress?: string;
	/** Ends the connection under the body (n8n 2.x's wrapped body cannot end it while a read waits). */
	close?: () => void;
}

interface SocketHolder {
	socket?: { remoteAddress?: unknown } | null;
	req?: SocketHolder;
}

/** Every status, so that n8n 2.x hands the answer back as an error that still carries its request (and socket). */
export const ALL_STATUSES = Array.from({ length: 500 }, (_, i) => i + 100);

export function remoteAddressOf(...holders: unknown[]): string | undefined {
	for (const holder of holders as Array<SocketHolder | undefined>) {
		for (const socket of [holder?.socket, holder?.req?.socket]) {
			const address = socket?.remoteAddress;
			if (typeof address === 'string' && address) return address;
		}
	}
	return undefined;
}

/**
 * One hop. n8n 1.x returns the plain response stream, whose socket tells the address. n8n 2.x wraps streamed
 * bodies (axios 1.16 and later) so the socket is out of reach, but it honours `ignoreHttpStatusErrors` as
 * `{ ignore, except }` (2.16 and later): listing every status makes it throw the answer as an error that keeps
 * axios's request, and with it the socket. Either way the body is still unread.
 */
async function requestHop(ctx: IExecuteFunctions, url: string, signal: AbortSignal): Promise<Response | { failed: unknown }> {
	const options = {
		method: 'GET',
		url,
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: { ignore: true, except: ALL_STATUSES },
		disableFollowRedirect: true,
		// An encoded body would come through a decompression stream without a socket to check.
		headers: { 'accept-encoding': 'identity' },
		abortSignal: signal,
	} as unknown as IHttpRequestOptions;
	try {
		const response = (await ctx.helpers.httpRequest(options)) as Response;
		return { ...response, remoteAddress: remoteAddressOf(response.body) };
	} catch (error) {
		const answer = (error as { response?: { status?: unknown; headers?: unknown; data?: unknown; request?: unknown } }).response;
		if (!answer || typeof answer.status !== 'number') return { failed: error };
		const request = answer.request as { destroy?: (error?: Error) => void } | undefined;
		return {
			statusCode: answer.status,
			headers: answer.headers as Record<string, unknown>,
			body: answer.data,
			remoteAddress: remoteAddressOf(answer.request, answer.data),
			close: () => request?.destroy?.(),
		};
	}
}

/** n8n's SSRF protection (2.12 and later) refused the target or a redirect. */
export function isN8nSsrfRefusal(error: unknown): boolean {
	let current = error as { name?: unknown; cause?: unknown } | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		if (current.name === 'SsrfBlockedIpError' || current.name === 'SsrfBlockedHostnameError') return true;
		current = current.cause as typeof current;
	}
	return false;
}

/** URLs whose address is not checked: any without publicOnly, a host Allowed Private Hosts names, n8n's own signed links. */
function unchecked(url: URL, guard: UrlGuard): boolean {
	const ownLink = !!guard.ownLinkPrefix && url.href.startsWith(`${guard.ownLinkPrefix}?`);
	return !guard.publicOnly || nameAllowed(url.hostname, guard.allow) || ownLink;
}

/** The URL may be requested: http(s) and, with publicOnly, not a literal address that is not allowed. */
export function hopAllowed(url: URL, guard: UrlGuard): boolean {
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
	return unchecked(url, guard) || !parseIp(url.hostname) || addressAllowed(url.hostname, guard.allow);
}

/** After connecting: the address the answer came from is one we may read. Unknown counts as not allowed. */
export function answerAllowed(url: URL, remoteAddress: string | undefined, guard: UrlGuard): boolean {
	return unchecked(url, guard) || (remoteAddress !== undefined && addressAllowed(remoteAddress, guard.allow));
}

/** `room`: how many bytes the item may still take; more ends the download with `tooLarge`. */
export async function downloadImage(
	ctx: IExecuteFunctions,
	url: string,
	room: number,
	timeoutMs: number,
	guard: UrlGuard,
): Promise<Download> {
	const totalMs = timeoutMs * TOTAL_TIMEOUT_FACTOR;
	const controller = new AbortController();
	const cancel = ctx.getExecutionCancelSignal?.();
	let body: unknown;
	let close: (() => void) | undefined;
	// The body and its connection too: n8n 2.x hands the answer over as a settled error, after which aborting
	// the request no longer ends its stream.
	const end = (reason?: Error) => {
		destroyBody(body, reason);
		close?.();
	};
	const onCancel = () => {
		controller.abort();
		end(new Error('the execution was cancelled'));
	};
	if (cancel?.aborted) return { problem: 'the execution was cancelled' };
	cancel?.addEventListener('abort', onCancel, { once: true });
	// Our own signal reaches the request at every stage: the watchdog's idle timer runs from the start.
	const watchdog = new Watchdog(timeoutMs, totalMs);
	watchdog.touch();
	void watchdog.expiry.then(() => controller.abort());
	// Until an answer's address has passed the check, a failure says no more than a refusal would.
	let checked = !guard.publicOnly;
	const failure = (error: unknown): Download => {
		if (isN8nSsrfRefusal(error)) return { refused: guard.publicOnly ? 'address' : 'n8n' };
		if (!checked) return { refused: 'address' };
		if (cancel?.aborted) return { problem: 'the execution was cancelled' };
		if (watchdog.expired || watchdog.quiet) return { problem: expiredProblem(watchdog, timeoutMs, totalMs) };
		return { problem: cutText(networkProblem(networkCode(error), rawMessage(error)), 300) };
	};
	try {
		let current = new URL(url);
		let response: Response;
		for (let hop = 0; ; hop++) {
			if (!hopAllowed(current, guard)) return { refused: 'address' };
			checked = !guard.publicOnly;
			const hopResult = await requestHop(ctx, current.href, controller.signal);
			if ('failed' in hopResult) return failure(hopResult.failed);
			response = hopResult;
			body = response.body;
			close = response.close;
			if (!answerAllowed(current, response.remoteAddress, guard)) return { refused: 'address' };
			checked = true;
			const location = response.headers?.location;
			if (response.statusCode < 300 || response.statusCode >= 400 || typeof location !== 'string') break;
			if (hop >= MAX_REDIRECTS) return { problem: `it redirected more than ${MAX_REDIRECTS} times` };
			const next = new URL(location, current);
			if (next.protocol !== 'http:' && next.protocol !== 'https:') return { problem: 'it redirected to a link that is not http(s)' };
			if (current.protocol === 'https:' && next.protocol === 'http:') return { problem: 'it redirected from https to plain http' };
			end();
			current = next;
		}
		if (response.statusCode < 200 || response.statusCode >= 300) return { problem: `the server answered ${response.statusCode}` };
		const announced = Number(response.headers?.['content-length']);
		if (Number.isFinite(announced) && announced > room) return { tooLarge: { announced } };
		watchdog.touch();
		void watchdog.expiry.then(() => end(new Error('download timed out')));
		const parts: Buffer[] = [];
		let length = 0;
		for await (const chunk of chunksOf(body, watchdog)) {
			length += chunk.length;
			if (length > room) return { tooLarge: {} };
			parts.push(chunk);
		}
		if (watchdog.expired) return { problem: expiredProblem(watchdog, timeoutMs, totalMs) };
		return { data: Buffer.concat(parts, length) };
	} catch (error) {
		return failure(error);
	} finally {
		watchdog.stop();
		cancel?.removeEventListener('abort', onCancel);
		end();
	}
}

function expiredProblem(watchdog: Watchdog, timeoutMs: number, totalMs: number): string {
	return watchdog.expired !== 'total'
		? `no data for ${seconds(timeoutMs)}`
		: `it took longer than ${seconds(totalMs)} in all, the most one download may take (10 × Timeout)`;
}
