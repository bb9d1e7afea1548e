/** Queue-mode suite: n8n main + webhook process + worker on Postgres and Redis (see scripts/test-queue.sh). */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/queue'],
	testMatch: ['**/*.queue.test.cts'],
	moduleFileExtensions: ['ts', 'cts', 'js', 'json'],
	transform: { '^.+\\.c?ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] },
	testTimeout: 10 * 60 * 1000,
	maxWorkers: 1,
};
