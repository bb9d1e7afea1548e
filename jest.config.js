/**
 * Unit and node-level tests. They are CommonJS TypeScript (.cts): n8n's community linter applies
 * its runtime rules (no fs, no child_process, no process) to every .ts file, and tests need those.
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/unit'],
	testMatch: ['**/*.test.cts'],
	moduleFileExtensions: ['ts', 'cts', 'js', 'json'],
	transform: { '^.+\\.c?ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] },
	// TypeScript wants '.cjs' in imports of .cts files; jest resolves them to the sources.
	moduleNameMapper: { '^(\\.\\./helpers/(?:platform|webhookContext))\\.cjs$': '$1' },
	testTimeout: 30000,
};
