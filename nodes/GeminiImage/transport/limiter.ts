/**
 * How many requests one account gets in flight at once, learnt from its answers (version 2): AIMD with refusals
 * as the signal, like TCP's congestion control with a slow start. More while answers come back fine; on a
 * refusal (429, 503 overload), down to what the account holds right now. One limiter per credential and Base
 * URL in a process, shared by its executions; queue-mode workers each learn their share, and as each cuts on its
 * own refusals, together they settle under the account's limit. No timers: a waiter is a promise a release resolves.
 */
export type Outcome = 'ok' | 'slowDown' | 'other';

/** `level`: requests in flight once it was let through, itself included; `epoch`: the cut it came after. */
export type Permit = { level: number; epoch: number; released?: boolean };

/** The first level: a generous account reaches 32 within half a round, a small one loses one burst of refusals. */
export const START_LEVEL = 16;
/**
 * Successes before trying one more than a refused level: 2 rounds, doubled at each refusal of that level in a
 * row (4, 8...), at most 64 successes. Against a fixed limit that is one refusal per 64 successes at worst (2 %)
 * after the first burst, and a limit that rose is noticed within 64 successes (16 rounds at a level of 4).
 */
const FIRST_PROBE_ROUNDS = 2;
const MAX_PROBE_SUCCESSES = 64;

type Waiter = { grant: (permit?: Permit) => void; signal?: AbortSignal };

export class AdaptiveLimiter {
	inFlight = 0;
	/** Requests let through at once now. */
	level: number;
	/** Until the first refusal, and again once a request past a refused level got through (the limit rose). */
	private slowStart = true;
	private successes = 0;
	/** The level last refused and how often in a row: probing past it slows down each time. */
	private refusedAt = Infinity;
	private strikes = 0;
	private epoch = 0;
	readonly waiters: Waiter[] = [];
	private readonly watched = new WeakSet<AbortSignal>();

	constructor(readonly ceiling: number) {
		this.level = Math.min(ceiling, START_LEVEL);
	}

	/** A slot, first come first served; undefined when `signal` aborted first (the waiter leaves the queue). */
	async acquire(signal?: AbortSignal): Promise<Permit | undefined> {
		if (signal?.aborted) return undefined;
		if (!this.waiters.length && this.inFlight < this.level) return { level: ++this.inFlight, epoch: this.epoch };
		// One listener a signal (an execution's), not one a waiter: its waiters all leave when it aborts.
		if (signal && !this.watched.has(signal)) {
			this.watched.add(signal);
			signal.addEventListener('abort', () => this.leave(signal), { once: true });
		}
		return await new Promise((grant) => this.waiters.push({ grant, signal }));
	}

	private leave(signal: AbortSignal): void {
		for (const waiter of this.waiters.filter((w) => w.signal === signal)) {
			this.waiters.splice(this.waiters.indexOf(waiter), 1);
			waiter.grant(undefined);
		}
	}

	release(permit: Permit, outcome: Outcome): void {
		if (permit.released) return;
		permit.released = true;
		// Only a level that was used says anything about the next one.
		const full = this.inFlight >= this.level || this.waiters.length > 0;
		this.inFlight--;
		if (outcome === 'ok') this.succeeded(permit, full);
		if (outcome === 'slowDown') this.refused(permit);
		while (this.waiters.length && this.inFlight < this.level) {
			this.waiters.shift()!.grant({ level: ++this.inFlight, epoch: this.epoch });
		}
	}

	private succeeded(permit: Permit, full: boolean): void {
		// A probe got through: the limit rose, find it as at the start. One sent before the latest cut proves nothing.
		if (permit.level >= this.refusedAt && permit.epoch === this.epoch) [this.refusedAt, this.strikes, this.slowStart] = [Infinity, 0, true];
		if (!full || this.level >= this.ceiling) return;
		// Slow start: +2 a success triples the level each round (16 -> 32 in half a round, as the first answers come
		// back). After a refusal: +1 after a probe's successes.
		const needed = Math.min(MAX_PROBE_SUCCESSES, this.level * FIRST_PROBE_ROUNDS * 2 ** (this.strikes - 1));
		if (this.slowStart) this.level = Math.min(this.ceiling, this.level + 2);
		else if (++this.successes >= needed) [this.level, this.successes] = [this.level + 1, 0];
	}

	/** Down to the requests the account still holds: a burst of refusals ends at what it accepted. */
	private refused(permit: Permit): void {
		[this.slowStart, this.successes] = [false, 0];
		const cut = Math.max(1, Math.min(this.level, this.inFlight));
		// Sent before the latest cut: that cut answered it already, it only lowers the level further.
		if (permit.epoch === this.epoch) this.strikes = this.refusedAt === cut + 1 ? this.strikes + 1 : 1;
		else if (cut === this.level) return;
		[this.level, this.refusedAt, this.epoch] = [cut, cut + 1, this.epoch + 1];
	}
}

const limiters = new Map<string, AdaptiveLimiter>();

/** The process's limiter for one account (credential id and Base URL); past 100 accounts, idle ones are dropped. */
export function limiterFor(key: string, ceiling: number): AdaptiveLimiter {
	for (const [old, idle] of limiters)
		if (limiters.size >= 100 && !limiters.has(key) && !idle.inFlight && !idle.waiters.length) limiters.delete(old);
	if (!limiters.has(key)) limiters.set(key, new AdaptiveLimiter(ceiling));
	return limiters.get(key)!;
}
