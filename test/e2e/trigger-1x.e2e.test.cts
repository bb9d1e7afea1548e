import { suite } from './triggerSuite.cjs';

// The newest n8n 1.x that installs here: event types and rejections.
suite(process.env.N8N_1X_VERSION ?? '1.123.81', { full: false });
