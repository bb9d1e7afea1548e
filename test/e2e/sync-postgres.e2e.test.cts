/* eslint-disable @typescript-eslint/no-require-imports */
// jest's e2e module map knows only triggerSuite: load the helper by its file name.
const { describeSync } = require('../helpers/syncSuite.cts') as typeof import('../helpers/syncSuite.cjs');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Issue 37 with PostgreSQL: examples/sync-postgres.sql and 12-sync-postgres against Debian's
 * PostgreSQL, started on loopback as the queue suite starts it (scripts/n8n/queue/services.js).
 */
describeSync('postgres');
