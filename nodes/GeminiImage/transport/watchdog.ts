/**
 * Timeouts that hold once the answer has started. axios's `timeout` only covers the wait for the response
 * headers, and n8n's authenticated helper replaces any abort signal of ours with the execution's: so each
 * attempt gets a watchdog, a loop on n8n-workflow's `sleep` (timers of our own are banned), that ends the
 * answer's stream when no bytes came for the idle timeout, or when the attempt passed its total ceiling.
 */
import { sleep } from 'n8n-workflow';

export type Expiry = 'idle' | 'total';

export class Watchdog {
	expired: Expiry | undefined;
	/** Resolves when the watchdog fires; never if it is stopped first. */
	readonly expiry: Promise<Expiry>;
	private readonly started = Date.now();
	/** When bytes last came; undefined until the idle timer is armed (the response has arrived). */
	private lastData: number | undefined;
	private stopped = false;
	private readonly listeners: Array<() => void> = [];
	private fire: (kind: Expiry) => void = () => {};

	constructor(
		readonly idleMs: number,
		readonly totalMs: number,
	) {
		this.expiry = new Promise((resolve) => (this.fire = resolve));
		void this.watch();
	}

	/** Bytes arrived (the first call arms the idle timer). */
	touch(): void {
		this.lastData = Date.now();
	}

	/** Calls `listener` when the watchdog fires (at once if it already has). */
	onExpire(listener: () => void): void {
		if (this.expired) listener();
		else this.listeners.push(listener);
	}

	/** Whether no bytes came for about the idle timeout: a connection that failed now failed for that. */
	get quiet(): boolean {
		return this.lastData !== undefined && Date.now() - this.lastData >= this.idleMs * 0.9;
	}

	stop(): void {
		this.stopped = true;
	}

	private async watch(): Promise<void> {
		// A few checks per idle period, at most one a second: after stop(), one slice is left to run out.
		const slice = Math.max(10, Math.min(1000, Math.floor(this.idleMs / 5)));
		while (!this.stopped) {
			await sleep(slice);
			if (this.stopped) return;
			const now = Date.now();
			if (now - this.started >= this.totalMs) return this.expire('total');
			if (this.lastData !== undefined && now - this.lastData >= this.idleMs) return this.expire('idle');
		}
	}

	private expire(kind: Expiry): void {
		this.expired = kind;
		this.fire(kind);
		for (const listener of this.listeners.splice(0)) listener();
	}
}
