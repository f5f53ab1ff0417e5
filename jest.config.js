/** Unit and integration tests: TypeScript through ts-jest, the emulator's own tests in plain JS. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts', '**/*.test.js'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true, sourceMap: false } }] },
	testTimeout: 30000,
	// n8n-core starts timers of its own (SSH client manager, binary data service); the harness stops the ones
	// it can reach, and this makes sure a stray one can never keep CI waiting.
	forceExit: true,
};
