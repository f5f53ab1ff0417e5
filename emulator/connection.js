'use strict';
// What the emulator does to a client's connection besides writing to it: wait while watching it, reset it.

/**
 * Waits `ms`, unless the client goes away first. Resolves true when the wait ran out with the response still
 * open, false when it closed. `timers` (a Set) holds the pending timer so that close() can clear it.
 */
function sleep(ms, res, timers) {
	if (res && res.destroyed) return Promise.resolve(false);
	if (!ms || ms <= 0) return Promise.resolve(true);
	return new Promise((resolve) => {
		const t = setTimeout(() => {
			timers.delete(t);
			if (res) res.off('close', onClose);
			resolve(!res || !res.destroyed);
		}, ms);
		timers.add(t);
		const onClose = () => {
			clearTimeout(t);
			timers.delete(t);
			resolve(false);
		};
		if (res) res.once('close', onClose);
	});
}

/** Resets the TCP connection (an RST where Node can send one, else a plain destroy). */
function resetConnection(res) {
	const sock = res.socket;
	if (!sock) return;
	if (typeof sock.resetAndDestroy === 'function') sock.resetAndDestroy();
	else sock.destroy();
}

module.exports = { sleep, resetConnection };
