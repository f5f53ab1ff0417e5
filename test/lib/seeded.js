'use strict';
// Seeded pseudo-random numbers for tests that want "random" cases that are the same on every run.

/** Deterministic pseudo-random numbers in [0, 1) from `seed` (mulberry32). */
function seeded(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

module.exports = { seeded };
