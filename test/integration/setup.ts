/** Shared set-up of the integration tests: one emulator per test file, the node run through the harness. */
import { createHash } from 'node:crypto';

import { DEFAULT_RETRY_POLICY } from '../../nodes/GeminiImage/transport';
import { disposeHarness, runNode } from '../harness/runNode';
import type { RunOptions, RunResult } from '../harness/runNode';

/** Whether this is a mutation run (jest.mutation.config.js), where every mutant runs the tests that cover it again. */
export const mutationRun = (globalThis as { MUTATION_RUN?: unknown }).MUTATION_RUN === true;

// Mutation runs start the node's backoff at 50 ms instead of 1 s: the fault tests check which attempts are made,
// in what order, with what outcome, not the length of the waits (the unit tests of api/retry.ts check those,
// and plain runs wait the real backoff).
if (mutationRun) DEFAULT_RETRY_POLICY.baseDelayMs = 50;

// The emulator is plain CommonJS shared with the scripts and the e2e tests.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startEmulator } = require('../../emulator/server');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const images = require('../../emulator/images');

export const API_KEY = 'sk-integration-test-0123456789abcdef';
export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
export { images };

export interface Emulator {
	url: string;
	requests: any[];
	/** Image files served on /files/ (emulator/routes/files.js): what was asked and how much went out. */
	files: { bytesSent: number; [key: string]: unknown }[];
	stats(): {
		total: number;
		peakInFlight: number;
		rateLimited: number;
		byStatus: Record<string, number>;
		byOutcome: Record<string, number>;
	};
	reset(): void;
	setConfig(c: object): void;
	close(): Promise<void>;
}

export function useEmulator(options: object = {}): {
	emu: Emulator;
	run: (o: Partial<RunOptions> & { parameters: RunOptions['parameters'] }) => Promise<RunResult>;
} {
	const ctx = {} as { emu: Emulator; run: any };
	beforeAll(async () => {
		ctx.emu = await startEmulator({ port: 0, apiKey: API_KEY, ...options });
	});
	afterEach(() => ctx.emu.reset());
	afterAll(async () => {
		await ctx.emu.close();
		await disposeHarness?.();
	});
	ctx.run = async (o: Partial<RunOptions> & { parameters: RunOptions['parameters'] }) =>
		await runNode({ credentials: { apiKey: API_KEY, baseUrl: ctx.emu.url }, ...o });
	return ctx;
}

export const model = (value = 'gemini-2.5-flash-image') => ({ __rl: true, mode: 'id', value });

export const textToImage = (prompt: string, options: object = {}, extra: object = {}) => ({
	operation: 'textToImage',
	model: model(),
	prompt,
	options,
	...extra,
});

export const imageToImage = (prompt: string, binaryPropertyNames = 'data', options: object = {}) => ({
	operation: 'imageToImage',
	model: model(),
	prompt,
	binaryPropertyNames,
	options,
});

/** Everything the node produced, as text: to prove the key is nowhere in it. */
export function everything(result: RunResult): string {
	const parts = [JSON.stringify(result.items.map((i) => i.json))];
	if (result.error) {
		const e = result.error as any;
		parts.push(String(e.message), String(e.description ?? ''), JSON.stringify(e.context ?? {}), String(e.stack ?? ''));
		try {
			parts.push(JSON.stringify(e));
		} catch {
			// circular: the fields above are enough
		}
	}
	return parts.join('\n');
}
