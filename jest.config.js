/**
 * One jest configuration, one project per suite. Tests are CommonJS TypeScript (.cts): n8n's
 * community linter applies its runtime rules (no fs, no child_process, no process) to every .ts
 * file, and tests need those.
 *
 *   unit   npm test / npm run test:unit      Node 20 is enough
 *   snippets npm run test:snippets          docs/sealed-format.md's Python, Java and PHP snippets (installs them)
 *   e2e    npm run test:e2e                  real n8n 2.41.1 and 1.123.81 (scripts/run-with-n8n.sh)
 *   ui     npm run test:ui                   headless Chromium against a real n8n 2.41.1
 *   queue  npm run test:queue                n8n queue mode on PostgreSQL and Redis
 *   soak   npm run test:soak                 opt-in: >= 10,000 deliveries into queue mode, memory sampled
 *   install npm run test:install             a fresh n8n install through npm run, from a standalone copy
 *   registry npm run test:registry           installed, updated, upgraded from 1.0.0 by n8n 2.41.1 from a local registry (1.123.81 and queue mode opt-in)
 * A bare `jest` runs only the unit project (see --selectProjects in package.json's scripts).
 */
const transform = { '^.+\\.c?ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] };
const common = { testEnvironment: 'node', moduleFileExtensions: ['ts', 'cts', 'js', 'json'], transform };
module.exports = {
	// Global in jest 29; the real-n8n suites raise it on the command line (scripts/run-with-n8n.sh).
	testTimeout: 30000,
	projects: [
		{
			...common,
			displayName: 'unit',
			roots: ['<rootDir>/test/unit'],
			testMatch: ['**/*.test.cts'],
			// TypeScript wants '.cjs' in imports of .cts files; jest resolves them to the sources.
			moduleNameMapper: { '^(\\.\\./helpers/(?:platform|webhookContext|untisApiMock|unsealSnippets))\\.cjs$': '$1' },
		},
		{
			...common,
			displayName: 'snippets',
			roots: ['<rootDir>/test/snippets'],
			testMatch: ['**/*.snippets.test.cts'],
			moduleNameMapper: { '^(\\.\\./helpers/unsealSnippets)\\.cjs$': '$1' },
		},
		{
			...common,
			displayName: 'e2e',
			roots: ['<rootDir>/test/e2e'],
			testMatch: ['**/*.e2e.test.cts'],
			moduleNameMapper: { '^(\\./triggerSuite)\\.cjs$': '$1' },
		},
		{ ...common, displayName: 'ui', roots: ['<rootDir>/test/ui'], testMatch: ['**/*.ui.test.cts'] },
		{ ...common, displayName: 'install', roots: ['<rootDir>/test/install'], testMatch: ['**/*.install.test.cts'] },
		{ ...common, displayName: 'queue', roots: ['<rootDir>/test/queue'], testMatch: ['**/*.queue.test.cts'] },
		{ ...common, displayName: 'registry', roots: ['<rootDir>/test/registry'], testMatch: ['**/*.registry.test.cts'] },
		{ ...common, displayName: 'soak', roots: ['<rootDir>/test/soak'], testMatch: ['**/*.soak.test.cts'] },
	],
};
