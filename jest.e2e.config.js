/** End-to-end suites against a real n8n (run by Node 24: see scripts/test-e2e.sh). */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.cts'],
	moduleFileExtensions: ['ts', 'cts', 'js', 'json'],
	transform: { '^.+\\.c?ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] },
	moduleNameMapper: { '^(\\./triggerSuite)\\.cjs$': '$1' },
	testTimeout: 10 * 60 * 1000,
	maxWorkers: 1,
};
