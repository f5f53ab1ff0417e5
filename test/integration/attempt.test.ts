/**
 * One attempt against the API as n8n's HTTP helper makes it (transport/index.ts attemptRequest): what only the
 * interplay with the helper shows (its abort signal, a socket that stays open, the listeners it leaves on the
 * execution's cancel signal), against the emulator and loopback servers of our own that count what they get.
 * The pure decisions of the same file (the watchdog's checks, reading a network code) are unit tests.
 */
import { getEventListeners } from 'node:events';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

import { runNode } from '../harness/runNode';
import { API_KEY, textToImage, useEmulator } from './setup';

const t = useEmulator();

/** Waits (bounded) until `done()` holds. */
async function until(done: () => boolean, ms = 3000): Promise<void> {
	for (let waited = 0; waited < ms && !done(); waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('an attempt and the execution it belongs to', () => {
	it('Stop while a request waits for its answer ends that request at once, not at Timeout', async () => {
		const controller = new AbortController();
		const pending = t.run({ parameters: textToImage('[emu:hang=1]', { timeout: 8, maxRetries: 0 }), abortSignal: controller.signal });
		// Stop once the request is there (a fixed delay could come before it on a busy machine).
		await until(() => t.emu.requests.length === 1, 15_000);
		const stopped = Date.now();
		controller.abort();
		const result = await pending;
		expect(result.error?.message).toMatch(/^Could not reach CometAPI at http:\/\/127\.0\.0\.1:\d+: .* \[item 0\]$/);
		// at once: not at the 8 s Timeout
		expect(Date.now() - stopped).toBeLessThan(4000);
		expect(t.emu.requests).toHaveLength(1);
		// and its connection was closed then, not left to the gateway
		await until(() => t.emu.requests[0].durationMs !== null);
		expect(t.emu.requests[0].durationMs).toBeLessThan(4000);
	}, 20_000);

	it.each([1, 2])(
		"version %i leaves no listener on the execution's cancel signal once a run is over, run after run (a loop in one execution)",
		async (typeVersion) => {
			const controller = new AbortController();
			const left: number[] = [];
			for (const numberOfImages of [1, 3, 1]) {
				const result = await t.run({ typeVersion, parameters: textToImage('a cat', { numberOfImages }), abortSignal: controller.signal });
				expect(result.error).toBeUndefined();
				left.push(getEventListeners(controller.signal, 'abort').length);
			}
			expect(t.emu.requests.filter((r: any) => r.asked?.promptText === 'a cat')).toHaveLength(5);
			expect(left).toEqual([0, 0, 0]);
		},
	);
});

describe('answers the emulator does not give', () => {
	it('a 300 answer is a failure, not an answer to read, and the request asked for JSON', async () => {
		const accepts: Array<string | undefined> = [];
		const server = createServer((req, res) => {
			accepts.push(req.headers.accept);
			res.writeHead(300, { 'content-type': 'application/json' }).end('{"candidates":[]}');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const result = await runNode({
				credentials: { apiKey: API_KEY, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
				parameters: textToImage('a cat', { maxRetries: 0 }),
			});
			expect(result.error?.message).toBe('CometAPI answered 300 [item 0]');
			expect(accepts).toEqual(['application/json']);
		} finally {
			server.close();
		}
	});

	it('headers that drip in without end end the attempt (at Timeout or at the total ceiling, by n8n line), and its connection is closed', async () => {
		// A status line, then one header line every 100 ms: never idle for Timeout (1 s; a busy machine may pause
		// a drip for half a second), so only the attempt's ceiling (10 x Timeout) ends it. At most 250 lines (25 s),
		// then the server ends it itself.
		const sockets: Array<{ closedAt?: number }> = [];
		const server = createTcpServer((socket: Socket) => {
			const seen: { closedAt?: number } = {};
			sockets.push(seen);
			socket.on('error', () => {});
			socket.on('close', () => (seen.closedAt = Date.now()));
			socket.once('data', async () => {
				socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n');
				for (let i = 0; i < 250 && !socket.destroyed; i++) {
					await new Promise((resolve) => setTimeout(resolve, 100));
					if (!socket.destroyed) socket.write(`X-Pad-${i}: 1\r\n`);
				}
				socket.destroy();
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const started = Date.now();
			const result = await runNode({
				credentials: { apiKey: API_KEY, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
				parameters: textToImage('a cat', { timeout: 1, maxRetries: 0 }),
			});
			const ended = Date.now();
			// With the development pin's axios a dripping header keeps the request alive, so only the attempt's ceiling
			// ends it; n8n 2.41's axios waits for whole headers only Timeout long. Either way it ends, not at the
			// server's 25 s, and the connection is closed.
			const message = result.error?.message ?? '';
			expect(message).toMatch(
				/^(CometAPI's answer took longer than 10 s in all, the most one attempt may take \(10 × Timeout\)|Could not reach CometAPI at http:\/\/127\.0\.0\.1:\d+: no answer within 1 s) \[item 0\]$/,
			);
			if (message.startsWith("CometAPI's answer took longer")) expect(ended - started).toBeGreaterThanOrEqual(9900);
			expect(ended - started).toBeLessThan(25_000);
			expect(sockets).toHaveLength(1);
			await until(() => sockets[0].closedAt !== undefined);
			expect(sockets[0].closedAt! - ended).toBeLessThan(2000);
		} finally {
			server.close();
		}
	}, 40_000);
});
