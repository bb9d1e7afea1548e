/** The browser test of the editor (headless Chromium against a real n8n; see scripts/test-ui.sh). */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/ui'],
	testMatch: ['**/*.ui.test.cts'],
	moduleFileExtensions: ['ts', 'cts', 'js', 'json'],
	transform: { '^.+\\.c?ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] },
	testTimeout: 5 * 60 * 1000,
	maxWorkers: 1,
};
