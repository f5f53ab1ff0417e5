import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DEFAULT_RETRY_POLICY, retryDelayMs } from '../../nodes/GeminiImage/api/retry';
import * as requestSettings from '../../nodes/GeminiImage/actions/options';
import { retryAfterMs } from '../../nodes/GeminiImage/api/errors/http';

const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1000, maxDelayMs: 8000, maxRetryAfterMs: 60000 };

describe('retryDelayMs', () => {
	it('doubles each retry, with jitter in the upper half of the step', () => {
		expect(retryDelayMs(1, policy, undefined, () => 0)).toBe(500);
		expect(retryDelayMs(1, policy, undefined, () => 1)).toBe(1000);
		expect(retryDelayMs(3, policy, undefined, () => 1)).toBe(4000);
	});
	it('caps the step', () => {
		expect(retryDelayMs(10, policy, undefined, () => 1)).toBe(8000);
	});
	it('waits at least what the API asked, up to the cap for Retry-After', () => {
		expect(retryDelayMs(1, policy, 5000, () => 0)).toBe(5000);
		expect(retryDelayMs(1, policy, 600000, () => 0)).toBe(60000);
		expect(retryDelayMs(4, policy, 100, () => 1)).toBe(8000);
	});
});

describe('retryAfterMs', () => {
	it('reads Retry-After as seconds or as an HTTP date', () => {
		expect(retryAfterMs({ 'retry-after': '3' }, undefined)).toBe(3000);
		const now = Date.parse('2026-11-21T10:00:00Z');
		expect(retryAfterMs({ 'retry-after': 'Sat, 21 Nov 2026 10:00:07 GMT' }, undefined, now)).toBe(7000);
	});
	it("reads Google's RetryInfo.retryDelay", () => {
		const body = { error: { code: 429, details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '58s' }] } };
		expect(retryAfterMs({}, body)).toBe(58000);
		expect(retryAfterMs({}, { error: { details: [{ retryDelay: '1.5s' }] } })).toBe(1500);
	});
	it('is undefined when nothing asks', () => {
		expect(retryAfterMs({}, { error: { message: 'x' } })).toBeUndefined();
	});
});

describe('DEFAULT_RETRY_POLICY', () => {
	it('is the policy the README and the Max Retries option describe', () => {
		const { maxRetries, baseDelayMs, maxDelayMs, maxRetryAfterMs } = DEFAULT_RETRY_POLICY;
		expect(requestSettings.maxRetries.default).toBe(maxRetries);
		expect(requestSettings.maxRetries.description).toContain(`(default ${maxRetries})`);
		const row = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8')
			.split('\n')
			.find((line) => line.startsWith('| Max Retries |'));
		expect(row).toContain(`| Max Retries | ${maxRetries} |`);
		expect(row).toContain(`(${baseDelayMs / 1000} s doubling, capped at ${maxDelayMs / 1000} s)`);
		expect(row).toContain(`(up to ${maxRetryAfterMs / 1000} s)`);
	});
});
