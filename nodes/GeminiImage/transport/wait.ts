/**
 * Waiting between retries with what every supported n8n-workflow exports: `sleep`. (`sleepWithAbort` was
 * removed in n8n-workflow 2.34; timers of our own are banned by n8n's scanner.) The wait ends early when
 * the execution is cancelled (the editor's Stop, n8n's timeout).
 */
import { sleep } from 'n8n-workflow';

/** Slices of at most this long: after a cancel, at most one slice's timer is left to run out. */
const SLICE_MS = 1000;

/** Resolves after `ms`, or as soon as `signal` aborts; true if it was cancelled. */
export async function waitUnlessCancelled(ms: number, signal?: AbortSignal): Promise<boolean> {
	if (signal?.aborted) return true;
	let onAbort: (() => void) | undefined;
	const aborted = new Promise<void>((resolve) => {
		onAbort = () => resolve();
		signal?.addEventListener('abort', onAbort, { once: true });
	});
	try {
		for (let left = ms; left > 0 && !signal?.aborted; left -= SLICE_MS) {
			await Promise.race([sleep(Math.min(SLICE_MS, left)), aborted]);
		}
	} finally {
		if (onAbort) signal?.removeEventListener('abort', onAbort);
	}
	return signal?.aborted === true;
}
