/** Unit and integration tests: TypeScript through ts-jest, the emulator's own tests in plain JS. */
const os = require('node:os');

module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts', '**/*.test.js'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true, sourceMap: false } }] },
	testTimeout: 30000,
	// The integration files mostly wait (on loopback servers, timeouts, retries): two at a time even on 2 cores,
	// where jest's default (cores - 1) runs one. Measured on 2 cores: 146 s with one worker, 75 s with two.
	maxWorkers: Math.max(2, os.availableParallelism() - 1),
	// n8n-core starts timers of its own (SSH client manager, binary data service); the harness stops the ones
	// it can reach, and this makes sure a stray one can never keep CI waiting.
	forceExit: true,
};
