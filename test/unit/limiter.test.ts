/**
 * The adaptive limiter's rule as a specification: where it starts, how it grows, how it cuts on a refusal, how
 * rarely it probes past a refused level, FIFO, a cancelled waiter leaving the queue, the ceiling. Then the rule
 * against a simulated account with a fixed in-flight limit (a clock of ticks, no timers of the limiter's own):
 * every item through, few refusals, close to the ideal time.
 */
import { AdaptiveLimiter, limiterFor, START_LEVEL } from '../../nodes/GeminiImage/transport/limiter';
import type { Permit } from '../../nodes/GeminiImage/transport/limiter';

const flush = async () => await new Promise((resolve) => setImmediate(resolve));

/** `n` permits taken at once (the limiter must have room). */
async function take(limiter: AdaptiveLimiter, n: number): Promise<Permit[]> {
	return (await Promise.all(Array.from({ length: n }, async () => await limiter.acquire()))) as Permit[];
}

describe('the rule', () => {
	it('starts at 16, or at the ceiling when that is lower', () => {
		expect(START_LEVEL).toBe(16);
		expect(new AdaptiveLimiter(64).level).toBe(16);
		expect(new AdaptiveLimiter(5).level).toBe(5);
	});

	it('lets through as many as its level, then queues', async () => {
		const limiter = new AdaptiveLimiter(64);
		await take(limiter, 16);
		let granted = false;
		void limiter.acquire().then(() => (granted = true));
		await flush();
		expect([limiter.inFlight, limiter.waiters.length, granted]).toEqual([16, 1, false]);
	});

	it('slow start: +2 a success while the level is used, so it triples in a round; never past the ceiling', async () => {
		const limiter = new AdaptiveLimiter(41);
		const permits = await take(limiter, 16);
		void Array.from({ length: 100 }, async () => await limiter.acquire());
		// half of the first round back: 16 -> 32, and 32 in flight
		for (const permit of permits.slice(0, 8)) limiter.release(permit, 'ok');
		expect(limiter.level).toBe(32);
		await flush();
		expect(limiter.inFlight).toBe(32);
		// 32 + 2 x 8 = 48, held at the ceiling of 41
		for (const permit of permits.slice(8)) limiter.release(permit, 'ok');
		expect(limiter.level).toBe(41);
	});

	it('does not grow on successes while it is not the bottleneck', async () => {
		const limiter = new AdaptiveLimiter(64);
		for (let i = 0; i < 50; i++) limiter.release((await limiter.acquire())!, 'ok');
		expect(limiter.level).toBe(16);
	});

	it('cuts to the requests still in flight on a refusal: a burst of refusals ends at what the account accepted', async () => {
		const limiter = new AdaptiveLimiter(64);
		const permits = await take(limiter, 16);
		// The account took the first 3; the other 13 come back refused, one after the other.
		for (const permit of permits.slice(3)) limiter.release(permit, 'slowDown');
		expect(limiter.level).toBe(3);
		// A late refusal of an older request never raises it again; at least 1.
		const lone = new AdaptiveLimiter(64);
		lone.release((await lone.acquire())!, 'slowDown');
		expect(lone.level).toBe(1);
	});

	it("'other' outcomes (a timeout, a 500) change nothing", async () => {
		const limiter = new AdaptiveLimiter(64);
		const permits = await take(limiter, 16);
		void limiter.acquire();
		for (const permit of permits) limiter.release(permit, 'other');
		expect(limiter.level).toBe(16);
	});

	/** Level `level` under a fixed limit `level`: the successes it takes before it tries one more, then refused. */
	async function probesUnder(level: number, probes: number): Promise<number[]> {
		const limiter = new AdaptiveLimiter(64);
		const first = await take(limiter, 16);
		for (const permit of first.slice(level)) limiter.release(permit, 'slowDown');
		expect(limiter.level).toBe(level);
		const gaps: number[] = [];
		let inFlight = first.slice(0, level);
		for (let probe = 0; probe < probes; probe++) {
			let successes = 0;
			// Keep the level busy; count successes until the limiter lets one more through (bounded).
			while (limiter.level === level && successes < 10_000) {
				const permit = inFlight.shift()!;
				const next = limiter.acquire();
				limiter.release(permit, 'ok');
				successes++;
				inFlight.push((await next)!);
			}
			gaps.push(successes);
			expect(limiter.level).toBe(level + 1);
			const probePermit = (await limiter.acquire())!;
			expect(probePermit.level).toBe(level + 1);
			limiter.release(probePermit, 'slowDown');
			expect(limiter.level).toBe(level);
			inFlight = inFlight.slice(0, level);
		}
		return gaps;
	}

	it('probes one past a refused level after 2 rounds, then 4, 8... rounds each time it is refused again, at most 64 successes', async () => {
		expect(await probesUnder(2, 7)).toEqual([4, 8, 16, 32, 64, 64, 64]);
		expect(await probesUnder(8, 4)).toEqual([16, 32, 64, 64]);
	});

	it('a probe that passes means the limit rose: slow start again', async () => {
		const limiter = new AdaptiveLimiter(64);
		const first = await take(limiter, 16);
		for (const permit of first.slice(4)) limiter.release(permit, 'slowDown');
		const inFlight = first.slice(0, 4);
		// 8 successes at level 4 (2 rounds) open level 5.
		for (let i = 0; i < 8; i++) {
			const next = limiter.acquire();
			limiter.release(inFlight.shift()!, 'ok');
			inFlight.push((await next)!);
		}
		expect(limiter.level).toBe(5);
		const probe = (await limiter.acquire())!;
		expect(probe.level).toBe(5);
		// The account took it: every success while the level is used adds two again (5 + 2 x 5).
		const queued = Array.from({ length: 20 }, async () => await limiter.acquire());
		limiter.release(probe, 'ok');
		for (const permit of inFlight) limiter.release(permit, 'ok');
		expect(limiter.level).toBe(15);
		await flush();
		expect(limiter.inFlight).toBe(15);
		void queued;
	});

	it('a success of a request sent before the latest cut proves nothing about the level', async () => {
		const limiter = new AdaptiveLimiter(64);
		const first = await take(limiter, 16);
		void limiter.acquire();
		// One refusal cuts to the 15 still in flight; the 16th, sent before the cut, then succeeds.
		limiter.release(first[0], 'slowDown');
		expect(limiter.level).toBe(15);
		limiter.release(first[15], 'ok');
		for (const permit of first.slice(1, 6)) limiter.release(permit, 'ok');
		expect(limiter.level).toBe(15);
	});
});

describe('the queue', () => {
	it('is first come, first served', async () => {
		const limiter = new AdaptiveLimiter(1);
		const first = (await limiter.acquire())!;
		const order: number[] = [];
		const waiters = [1, 2, 3].map(async (n) => {
			const permit = (await limiter.acquire())!;
			order.push(n);
			limiter.release(permit, 'ok');
		});
		limiter.release(first, 'ok');
		await Promise.all(waiters);
		expect(order).toEqual([1, 2, 3]);
	});

	it('a cancelled waiter leaves it at once, and the slot goes to the next one', async () => {
		const limiter = new AdaptiveLimiter(1);
		const first = (await limiter.acquire())!;
		const stop = new AbortController();
		const cancelled = limiter.acquire(stop.signal);
		const next = limiter.acquire();
		expect(limiter.waiters.length).toBe(2);
		stop.abort();
		expect(await cancelled).toBeUndefined();
		expect(limiter.waiters.length).toBe(1);
		limiter.release(first, 'ok');
		expect((await next)?.level).toBe(1);
		expect(await limiter.acquire(stop.signal)).toBeUndefined();
		expect(limiter.inFlight).toBe(1);
	});

	it('a permit released twice counts once', async () => {
		const limiter = new AdaptiveLimiter(4);
		const permit = (await limiter.acquire())!;
		limiter.release(permit, 'slowDown');
		limiter.release(permit, 'slowDown');
		expect([limiter.inFlight, limiter.level]).toEqual([0, 1]);
	});

	it('one limiter per account key in the process', () => {
		expect(limiterFor('cred-a https://api.example', 64)).toBe(limiterFor('cred-a https://api.example', 64));
		expect(limiterFor('cred-b https://api.example', 64)).not.toBe(limiterFor('cred-a https://api.example', 64));
	});
});

/**
 * A simulated account: at most `limit(now)` requests in flight, each answered after `latency` ticks; one too many
 * is refused at once and comes back after `retryAfter` ticks (the node waits Retry-After, then queues again).
 */
async function simulate(options: {
	items: number;
	limit: (now: number) => number;
	latency?: number;
	retryAfter?: number;
	executions?: number;
}) {
	const { items, limit, latency = 10, retryAfter = 20, executions = 1 } = options;
	const limiter = new AdaptiveLimiter(64);
	const timers: Array<{ at: number; wake: () => void }> = [];
	let [now, atServer, sent, refused, done] = [0, 0, 0, 0, 0];
	const wait = async (ticks: number) => await new Promise<void>((wake) => timers.push({ at: now + ticks, wake }));
	const request = async () => {
		for (let tries = 0; tries < 1000; tries++) {
			const permit = (await limiter.acquire())!;
			sent++;
			if (atServer >= limit(now)) {
				refused++;
				limiter.release(permit, 'slowDown');
				await wait(retryAfter);
				continue;
			}
			atServer++;
			await wait(latency);
			atServer--;
			limiter.release(permit, 'ok');
			done++;
			return;
		}
	};
	// Each execution runs its items 32 at a time (the default Concurrency).
	const execution = async (count: number) => {
		let next = 0;
		await Promise.all(
			Array.from({ length: 32 }, async () => {
				while (next++ < count) await request();
			}),
		);
	};
	const finished = Promise.all(Array.from({ length: executions }, async () => await execution(items / executions)));
	for (let step = 0; step < 100_000 && done < items; step++) {
		await flush();
		timers.sort((a, b) => a.at - b.at);
		const timer = timers.shift();
		if (!timer) break;
		now = timer.at;
		timer.wake();
	}
	await finished;
	if (process.env.SIM_LOG) console.log(JSON.stringify({ items, done, sent, refused, ticks: now }));
	return { done, sent, refused, ticks: now };
}

describe('against an account with a fixed in-flight limit', () => {
	it.each([2, 8, 32])('limit %i: 200 items through, at most 10 %% refused, within 1.2 x the ideal time', async (limit) => {
		const run = await simulate({ items: 200, limit: () => limit });
		expect(run.done).toBe(200);
		expect(run.refused / run.sent).toBeLessThanOrEqual(0.1);
		expect(run.ticks).toBeLessThanOrEqual(1.2 * (200 / limit) * 10);
	});

	it('three executions at once share the limit 8 with the same bounds', async () => {
		const run = await simulate({ items: 192, limit: () => 8, executions: 3 });
		expect(run.done).toBe(192);
		expect(run.refused / run.sent).toBeLessThanOrEqual(0.1);
		expect(run.ticks).toBeLessThanOrEqual(1.2 * (192 / 8) * 10);
	});

	it('a limit that drops from 32 to 4, then rises again: every item through, the level follows it back up', async () => {
		const limit = (now: number) => (now >= 100 && now < 400 ? 4 : 32);
		const run = await simulate({ items: 600, limit });
		expect(run.done).toBe(600);
		expect(run.refused / run.sent).toBeLessThanOrEqual(0.15);
		// 10 rounds at 32, 30 at 4 (120 items), the rest at 32 again: about 450 ticks if it followed at once.
		expect(run.ticks).toBeLessThanOrEqual(700);
	});
});

/** With `held` the level's permits in flight (the level is used): the successes it takes before the level moves. */
async function successesBeforeLevelMoves(limiter: AdaptiveLimiter, held: Permit[]): Promise<number> {
	const level = limiter.level;
	let successes = 0;
	while (limiter.level === level && successes < 1000) {
		const next = limiter.acquire();
		limiter.release(held.shift()!, 'ok');
		successes++;
		held.push((await next)!);
	}
	return successes;
}

describe('the rule at its edges', () => {
	it('a used level grows even when no request is waiting: the level is full once all its slots are in flight', async () => {
		const limiter = new AdaptiveLimiter(64);
		const permits = await take(limiter, 16);
		expect(limiter.waiters.length).toBe(0);
		limiter.release(permits[0], 'ok');
		expect(limiter.level).toBe(18);
	});

	it('never lets more through than its ceiling, also after a refusal when it grows one at a time', async () => {
		// Ceiling 1, refused once: the level it refused is 2, so no success of a request at level 1 ever is a probe
		// that passed; 100 successes must still leave it at 1 and a second request queued.
		const limiter = new AdaptiveLimiter(1);
		limiter.release((await limiter.acquire())!, 'slowDown');
		for (let i = 0; i < 100; i++) limiter.release((await limiter.acquire())!, 'ok');
		expect(limiter.level).toBe(1);
		const held = (await limiter.acquire())!;
		let second = false;
		void limiter.acquire().then(() => (second = true));
		await flush();
		expect([limiter.inFlight, limiter.waiters.length, second]).toEqual([1, 1, false]);
		limiter.release(held, 'ok');
	});

	it('a refusal of a request sent before the latest cut is not one more refusal of that level: the probe still comes after 2 rounds', async () => {
		const limiter = new AdaptiveLimiter(64);
		const [older, last] = await take(limiter, 2);
		// The second is refused: down to the one still in flight, level 1 refused at 2.
		limiter.release(last, 'slowDown');
		expect(limiter.level).toBe(1);
		// The first, sent before that cut, is refused too: the cut answered it already.
		limiter.release(older, 'slowDown');
		expect([limiter.level, limiter.inFlight]).toEqual([1, 0]);
		// 2 rounds at level 1: 2 successes, not 4 (as a second refusal in a row would make it).
		expect(await successesBeforeLevelMoves(limiter, [(await limiter.acquire())!])).toBe(2);
		expect(limiter.level).toBe(2);
	});

	it('a refusal at another level than the one refused before starts the probes again at 2 rounds, not doubled', async () => {
		const limiter = new AdaptiveLimiter(64);
		const first = await take(limiter, 9);
		// Refused at 9: down to 8.
		limiter.release(first[8], 'slowDown');
		expect(limiter.level).toBe(8);
		// Four of the eight end without a verdict (a timeout), four new ones go out after the cut.
		for (const permit of first.slice(0, 4)) limiter.release(permit, 'other');
		const after = await take(limiter, 4);
		expect(limiter.level).toBe(8);
		// One of those is refused: the account now holds 7, a level never refused before.
		limiter.release(after[3], 'slowDown');
		expect(limiter.level).toBe(7);
		// 2 rounds at level 7: 14 successes, not 28.
		expect(await successesBeforeLevelMoves(limiter, [...first.slice(4, 8), ...after.slice(0, 3)])).toBe(14);
		expect(limiter.level).toBe(8);
	});
});

describe('the queue, with several executions', () => {
	it("one execution's cancel takes only its own waiters out of the queue; the others, before and after it, keep their place", async () => {
		const limiter = new AdaptiveLimiter(1);
		const running = (await limiter.acquire())!;
		const stop = new AbortController();
		const order: string[] = [];
		const queued = (name: string, signal?: AbortSignal) =>
			limiter.acquire(signal).then((permit) => {
				order.push(`${name}: ${permit ? 'sent' : 'not sent'}`);
				if (permit) limiter.release(permit, 'ok');
			});
		const all = [queued('before'), queued('cancelled', stop.signal), queued('after')];
		expect(limiter.waiters.length).toBe(3);
		stop.abort();
		expect(limiter.waiters.length).toBe(2);
		limiter.release(running, 'ok');
		await Promise.all(all);
		expect(order).toEqual(['cancelled: not sent', 'before: sent', 'after: sent']);
	});
});

describe("the process's limiters", () => {
	it('gives an account the same limiter each time, with what it learnt, while there are few accounts', async () => {
		const limiter = limiterFor('few a', 64);
		limiter.release((await limiter.acquire())!, 'slowDown');
		expect(limiterFor('few b', 64)).not.toBe(limiter);
		expect(limiterFor('few a', 64)).toBe(limiter);
		expect(limiter.level).toBe(1);
	});

	it('past 100 accounts, a new one drops the oldest idle limiter, never one with requests in flight', async () => {
		const busy = limiterFor('many busy', 64);
		const permit = (await busy.acquire())!;
		// With the limiters of the tests above (all idle, older), at most 100 are kept: these 100 are the ones left.
		const idle = Array.from({ length: 99 }, (_, i) => limiterFor(`many ${i}`, 64));
		limiterFor('many new', 64);
		// The busy one is older but in use: dropping it would start a second limiter for the same account.
		expect(limiterFor('many busy', 64)).toBe(busy);
		expect(limiterFor('many 1', 64)).toBe(idle[1]);
		expect(limiterFor('many 98', 64)).toBe(idle[98]);
		expect(limiterFor('many 0', 64)).not.toBe(idle[0]);
		busy.release(permit, 'ok');
	});
});

describe('against a gateway that picks its answers', () => {
	it('one refusal, then timeouts and successes chosen to keep the level growing: never more than the ceiling of 64 in flight', async () => {
		// The gateway refuses once to end the slow start, then keeps making fresh requests sit below the refused
		// level (two timeouts, two new requests) and answers those with successes: as if the account took more.
		const limiter = new AdaptiveLimiter(64);
		const held: Permit[] = [];
		let most = 0;
		const byLevel = () => held.sort((a, b) => a.level - b.level);
		for (let step = 0; step < 1000; step++) {
			while (limiter.inFlight < limiter.level) held.push((await limiter.acquire())!);
			most = Math.max(most, limiter.inFlight);
			byLevel();
			if (step === 50) {
				limiter.release(held.pop()!, 'slowDown');
				continue;
			}
			for (const permit of held.splice(-2)) limiter.release(permit, 'other');
			while (limiter.inFlight < limiter.level) held.push((await limiter.acquire())!);
			byLevel();
			limiter.release(held.shift()!, 'ok');
		}
		expect([most, limiter.level]).toEqual([64, 64]);
	});
});
