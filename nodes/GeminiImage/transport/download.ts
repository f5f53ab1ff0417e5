/**
 * Downloads an input image from a third-party URL with n8n's plain HTTP helper (proxy settings; never the
 * CometAPI credential: the key must not travel to other hosts). Streamed and bounded: reading stops as
 * soon as the item's size limit is passed, a stall or a drip is ended by the watchdog, and the execution's
 * cancellation (Stop, n8n's timeout) ends it at any point.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { networkProblem, seconds } from '../api/errors/network';
import { TOTAL_TIMEOUT_FACTOR } from '../api/stream/answerLimits';
import { cutText } from '../helpers/redact';
import { networkCode, rawMessage } from './attempt';
import { chunksOf, destroyBody } from './stream';
import { Watchdog } from './watchdog';

export type Download = { data: Buffer } | { tooLarge: { announced?: number } } | { problem: string };

interface Response {
	statusCode: number;
	headers?: Record<string, unknown>;
	body: unknown;
}

/** `room`: how many bytes the item may still take; more ends the download with `tooLarge`. */
export async function downloadImage(ctx: IExecuteFunctions, url: string, room: number, timeoutMs: number): Promise<Download> {
	const totalMs = timeoutMs * TOTAL_TIMEOUT_FACTOR;
	const controller = new AbortController();
	const cancel = ctx.getExecutionCancelSignal?.();
	const onCancel = () => controller.abort();
	if (cancel?.aborted) return { problem: 'the execution was cancelled' };
	cancel?.addEventListener('abort', onCancel, { once: true });
	// Our own signal reaches the request at every stage: the watchdog's idle timer runs from the start.
	const watchdog = new Watchdog(timeoutMs, totalMs);
	watchdog.touch();
	watchdog.onExpire(() => controller.abort());
	let body: unknown;
	try {
		const response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			abortSignal: controller.signal,
		})) as Response;
		body = response.body;
		if (response.statusCode < 200 || response.statusCode >= 300) return { problem: `the server answered ${response.statusCode}` };
		const announced = Number(response.headers?.['content-length']);
		if (Number.isFinite(announced) && announced > room) return { tooLarge: { announced } };
		watchdog.touch();
		watchdog.onExpire(() => destroyBody(body, new Error('download timed out')));
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
		if (cancel?.aborted) return { problem: 'the execution was cancelled' };
		if (watchdog.expired || watchdog.quiet) return { problem: expiredProblem(watchdog, timeoutMs, totalMs) };
		return { problem: cutText(networkProblem(networkCode(error), rawMessage(error)), 300) };
	} finally {
		watchdog.stop();
		cancel?.removeEventListener('abort', onCancel);
		destroyBody(body);
	}
}

function expiredProblem(watchdog: Watchdog, timeoutMs: number, totalMs: number): string {
	return watchdog.expired !== 'total'
		? `no data for ${seconds(timeoutMs)}`
		: `it took longer than ${seconds(totalMs)} in all, the most one download may take (10 × Timeout)`;
}
