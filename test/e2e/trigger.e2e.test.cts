import { suite } from './triggerSuite.cjs';

// The pinned n8n 2.x: every item of the end-to-end contract.
suite(process.env.N8N_VERSION ?? '2.41.1', { full: true });
