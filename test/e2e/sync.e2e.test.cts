/* eslint-disable @typescript-eslint/no-require-imports */
// jest's e2e module map knows only triggerSuite: load the helper by its file name.
const { describeSync } = require('../helpers/syncSuite.cts') as typeof import('../helpers/syncSuite.cjs');
/* eslint-enable @typescript-eslint/no-require-imports */

/** Issue 37 with n8n's Data Tables: create-sync-tables and 12-sync (test/helpers/syncSuite.cts says what is proven). */
describeSync('dataTable');
