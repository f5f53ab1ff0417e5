/**
 * How many requests one account gets in flight at once, learnt from its answers (version 2). AIMD with the
 * refusals as the signal, as TCP's congestion control with a slow start: more while answers come back fine,
 * on a refusal (429, 503 overload) down to what the account holds right now. One limiter per credential and
 * Base URL in this process, shared by every execution; queue-mode workers each learn their own share, and
 * as each one cuts on its own refusals, together they settle under the account's limit. No timers: a waiter
 * is a promise resolved by a release.
 */
export type Outcome = 'ok' | 'slowDown' | 'other';

export interface Permit {
	/** Requests in flight once this one was let through, itself included. */
	level: number;
	/** The cut it was let through after: one sent before the latest cut proves nothing about the new level. */
	epoch: number;
	released?: boolean;
}

/** The first level: a generous account reaches 32 within one round, a small one loses one burst of refusals. */
export const START_LEVEL = 16;
/**
 * Successes before trying one more than a refused level: 2 rounds, doubled at each refusal of that level in a
 * row (4, 8...), at most 64 successes. Against a fixed limit that is one refusal per 64 successes at worst (2 %)
 * after the first burst, and a limit that rose is noticed within 64 successes (16 rounds at a level of 4).
 */
const FIRST_PROBE_ROUNDS = 2;
const MAX_PROBE_SUCCESSES = 64;

interface Waiter {
	grant: (permit: Permit | undefined) => void;
	signal?: AbortSignal;
	onAbort: () => void;
}

export class AdaptiveLimiter {
	inFlight = 0;
	private limit: number;
	/** Until the first refusal, and again once a level refused before let a request through (the limit rose). */
	private slowStart = true;
	private successes = 0;
	/** The level last refused and how often in a row: probing past it slows down each time. */
	private refusedAt: number | undefined;
	private strikes = 0;
	private epoch = 0;
	private readonly waiters: Waiter[] = [];

	constructor(readonly ceiling: number) {
		this.limit = Math.min(ceiling, START_LEVEL);
	}

	/** Requests let through at once now. */
	get level(): number {
		return this.limit;
	}

	get waiting(): number {
		return this.waiters.length;
	}

	/** A slot, first come first served; undefined when `signal` aborted first (the waiter leaves the queue). */
	async acquire(signal?: AbortSignal): Promise<Permit | undefined> {
		if (signal?.aborted) return undefined;
		if (!this.waiters.length && this.inFlight < this.limit) return this.grant();
		return await new Promise<Permit | undefined>((grant) => {
			const waiter: Waiter = { grant, signal, onAbort: () => this.leave(waiter) };
			signal?.addEventListener('abort', waiter.onAbort, { once: true });
			this.waiters.push(waiter);
		});
	}

	release(permit: Permit, outcome: Outcome): void {
		if (permit.released) return;
		permit.released = true;
		// Only a level that was used says anything about the next one.
		const full = this.inFlight >= this.limit || this.waiters.length > 0;
		this.inFlight--;
		if (outcome === 'ok') this.succeeded(permit, full);
		if (outcome === 'slowDown') this.refused(permit);
		while (this.waiters.length && this.inFlight < this.limit) {
			const waiter = this.waiters.shift()!;
			waiter.signal?.removeEventListener('abort', waiter.onAbort);
			waiter.grant(this.grant());
		}
	}

	private grant(): Permit {
		return { level: ++this.inFlight, epoch: this.epoch };
	}

	private leave(waiter: Waiter): void {
		const at = this.waiters.indexOf(waiter);
		if (at >= 0) this.waiters.splice(at, 1);
		waiter.grant(undefined);
	}

	private succeeded(permit: Permit, full: boolean): void {
		if (this.refusedAt !== undefined && permit.level >= this.refusedAt && permit.epoch === this.epoch) {
			[this.refusedAt, this.strikes, this.slowStart] = [undefined, 0, true];
		}
		if (!full || this.limit >= this.ceiling) return;
		// Slow start: +1 a success doubles the level each round. After a refusal, one more than the refused level
		// only after a probe's successes: a probe that passes means the limit rose, so slow start again.
		const successes = Math.min(MAX_PROBE_SUCCESSES, this.limit * FIRST_PROBE_ROUNDS * 2 ** (this.strikes - 1));
		if (this.slowStart || ++this.successes >= successes) {
			this.limit++;
			this.successes = 0;
		}
	}

	/** Down to the requests the account still holds: a burst of refusals ends at what it accepted. */
	private refused(permit: Permit): void {
		this.slowStart = false;
		this.successes = 0;
		const cut = Math.max(1, Math.min(this.limit, this.inFlight));
		// A request sent before the latest cut: that cut answered it already, only lower the level further.
		if (permit.epoch === this.epoch) this.strikes = this.refusedAt === cut + 1 ? this.strikes + 1 : 1;
		else if (cut === this.limit) return;
		this.limit = cut;
		this.refusedAt = cut + 1;
		this.epoch++;
	}
}

const limiters = new Map<string, AdaptiveLimiter>();
/** Credentials and Base URLs a process uses are few; past this, limiters with nothing in flight are dropped. */
const MAX_LIMITERS = 100;

/** The process's limiter for one account (credential id and Base URL). */
export function limiterFor(key: string, ceiling: number): AdaptiveLimiter {
	let limiter = limiters.get(key);
	if (!limiter) {
		for (const [old, idle] of limiters) if (limiters.size >= MAX_LIMITERS && !idle.inFlight && !idle.waiting) limiters.delete(old);
		limiters.set(key, (limiter = new AdaptiveLimiter(ceiling)));
	}
	return limiter;
}
