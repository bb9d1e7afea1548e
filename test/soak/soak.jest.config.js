/** Soak (opt-in, scripts/test-soak.sh): not matched by the unit, e2e or queue configurations. */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/soak'],
	testMatch: ['**/*.soak.test.cts'],
	moduleFileExtensions: ['ts', 'cts', 'js', 'json'],
	transform: { '^.+\\.c?ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] },
	testTimeout: 60 * 60 * 1000,
	maxWorkers: 1,
};
