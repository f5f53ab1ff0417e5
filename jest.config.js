/** Unit and integration tests: TypeScript through ts-jest, the emulator's own tests in plain JS. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts', '**/*.test.js'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true, sourceMap: false } }] },
	testTimeout: 30000,
};
