'use strict';
// Writes a tiny throwaway community package (n8n-nodes-harness-probe) into a temp folder, to
// prove the harness without this repo's own build. Never written inside the repository.
//   - credential type harnessProbeApi  { token }
//   - node harnessProbeTrigger: POST webhook "<webhookId>/probe"; answers 401 itself (no
//     execution) unless header x-probe-token equals the credential's token, like a signature check
//   - node harnessProbe: passes items through, adding { probe: true, tokenLength }
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const files = {
  'package.json': JSON.stringify(
    {
      name: 'n8n-nodes-harness-probe',
      version: '0.0.1',
      keywords: ['n8n-community-node-package'],
      license: 'MIT',
      files: ['dist'],
      n8n: {
        n8nNodesApiVersion: 1,
        strict: true,
        credentials: ['dist/credentials/HarnessProbeApi.credentials.js'],
        nodes: ['dist/nodes/HarnessProbe.node.js', 'dist/nodes/HarnessProbeTrigger.node.js'],
      },
      peerDependencies: { 'n8n-workflow': '*' },
      devDependencies: { 'n8n-workflow': '*' },
    },
    null,
    2,
  ),
  'dist/credentials/HarnessProbeApi.credentials.js': `
class HarnessProbeApi {
  constructor() {
    this.name = 'harnessProbeApi';
    this.displayName = 'Harness Probe API';
    this.properties = [{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '' }];
  }
}
module.exports = { HarnessProbeApi };
`,
  'dist/nodes/HarnessProbe.node.js': `
class HarnessProbe {
  constructor() {
    this.description = {
      displayName: 'Harness Probe', name: 'harnessProbe', group: ['transform'], version: 1,
      description: 'Harness probe', defaults: { name: 'Harness Probe' },
      inputs: ['main'], outputs: ['main'],
      credentials: [{ name: 'harnessProbeApi', required: true }],
      properties: [],
    };
  }
  async execute() {
    const creds = await this.getCredentials('harnessProbeApi');
    return [this.getInputData().map((item) => ({ json: { ...item.json, probe: true, tokenLength: String(creds.token).length } }))];
  }
}
module.exports = { HarnessProbe };
`,
  'dist/nodes/HarnessProbeTrigger.node.js': `
class HarnessProbeTrigger {
  constructor() {
    this.description = {
      displayName: 'Harness Probe Trigger', name: 'harnessProbeTrigger', group: ['trigger'], version: 1,
      description: 'Harness probe trigger', defaults: { name: 'Harness Probe Trigger' },
      inputs: [], outputs: ['main'],
      credentials: [{ name: 'harnessProbeApi', required: true }],
      webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'probe' }],
      properties: [],
    };
  }
  async webhook() {
    const creds = await this.getCredentials('harnessProbeApi');
    const req = this.getRequestObject();
    if (req.headers['x-probe-token'] !== creds.token) {
      this.getResponseObject().status(401).json({ error: 'bad token' });
      return { noWebhookResponse: true };
    }
    return { workflowData: [[{ json: { body: req.body, tokenOk: true } }]] };
  }
}
module.exports = { HarnessProbeTrigger };
`,
};

/** @returns {string} the package folder (caller removes it) */
function createProbePackage(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-probe-pkg-'))) {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

module.exports = { createProbePackage };
