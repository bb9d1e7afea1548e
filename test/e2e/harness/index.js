'use strict';
// Entry point for end-to-end tests: the harness lives in scripts/n8n (see the API comment at
// the top of scripts/n8n/n8n-instance.js). Proof run: <node24> scripts/n8n/smoke.js
const { startN8n, installN8n, request, DEFAULT_VERSION } = require('../../../scripts/n8n/n8n-instance');
const { parseFlatted } = require('../../../scripts/n8n/flatted');
const { processGroupMembers } = require('../../../scripts/n8n/process-group');

module.exports = { startN8n, installN8n, request, parseFlatted, processGroupMembers, DEFAULT_VERSION };
