'use strict';
// Proves the harness end to end on a real n8n:
//   <node24> scripts/n8n/smoke.js [--version=2.41.1] [--install-dir=<n8n install>] [--keep]
// It installs a throwaway community package (n8n-nodes-harness-probe, written to a temp dir) so
// that package install, credential import and community node types are exercised too.
// Workflows:
//   A: built-in Webhook (POST /webhook/harness-smoke, onReceived) -> Harness Probe (community node)
//   B: Harness Probe Trigger (community webhook trigger: 401 without the right token)
// Steps: start, 3 POSTs to A, wait for 3 executions and print their items from n8n's DB,
// forged + valid POST to B, restart, one more POST, stop, check the process group is gone.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { startN8n } = require('./n8n-instance');
const { createProbePackage } = require('./probe-package');
const { processGroupMembers } = require('./process-group');

const arg = (name) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : undefined;
};
const version = arg('version') || '2.41.1';
const keep = process.argv.includes('--keep');

const CRED = { id: 'harnessProbeCred1', name: 'Harness Probe', type: 'harnessProbeApi', data: { token: 's3cret' } };
const credRef = { harnessProbeApi: { id: CRED.id, name: CRED.name } };
const WF_A = {
  id: 'harnessSmokeWfA1',
  name: 'Harness smoke: webhook',
  nodes: [
    {
      id: '0b7c2f52-7a43-4d6b-9d0e-1f0c3c2a0001',
      name: 'Webhook',
      type: 'n8n-nodes-base.webhook',
      typeVersion: 2,
      position: [0, 0],
      webhookId: '5d3f6c1e-2b1a-4b7e-8f3a-000000000a01',
      parameters: { httpMethod: 'POST', path: 'harness-smoke', responseMode: 'onReceived', options: {} },
    },
    {
      id: '0b7c2f52-7a43-4d6b-9d0e-1f0c3c2a0002',
      name: 'Harness Probe',
      type: 'n8n-nodes-harness-probe.harnessProbe',
      typeVersion: 1,
      position: [220, 0],
      parameters: {},
      credentials: credRef,
    },
  ],
  connections: { Webhook: { main: [[{ node: 'Harness Probe', type: 'main', index: 0 }]] } },
};
const TRIGGER_WEBHOOK_ID = '5d3f6c1e-2b1a-4b7e-8f3a-000000000b01';
const WF_B = {
  id: 'harnessSmokeWfB1',
  name: 'Harness smoke: community trigger',
  nodes: [
    {
      id: '0b7c2f52-7a43-4d6b-9d0e-1f0c3c2a0003',
      name: 'Harness Probe Trigger',
      type: 'n8n-nodes-harness-probe.harnessProbeTrigger',
      typeVersion: 1,
      position: [0, 0],
      webhookId: TRIGGER_WEBHOOK_ID,
      parameters: {},
      credentials: credRef,
    },
  ],
  connections: {},
};

async function main() {
  const probeDir = createProbePackage();
  const t0 = Date.now();
  const n8n = await startN8n({
    version,
    installDir: arg('install-dir'),
    packageDir: probeDir,
    credentials: [CRED],
    workflows: [WF_A, WF_B],
    keepUserFolder: keep,
  });
  let stopped = false;
  try {
    console.log(`n8n ${version} on ${n8n.baseUrl}, pgid ${n8n.pid}, user folder ${n8n.userFolder}`);
    console.log(`total setup ${((Date.now() - t0) / 1000).toFixed(1)} s; n8n start -> webhooks live ${n8n.startSeconds.toFixed(1)} s`);
    console.log('registered webhooks:', JSON.stringify(n8n.registeredWebhooks()));
    console.log('publications:', JSON.stringify(n8n.publications()));
    assert.equal(n8n.readExecutions().length, 0, 'readiness probing must not create executions');

    // A: built-in Webhook -> community node.
    for (let i = 1; i <= 3; i++) {
      const res = await n8n.post('harness-smoke', { n: i, text: `hello ${i}` });
      assert.equal(res.status, 200, `POST ${i}: ${res.status} ${res.text}`);
    }
    const rows = await n8n.waitForExecutions({ workflowId: WF_A.id, count: 3 });
    assert.equal(rows.length, 3);
    for (const [i, row] of rows.entries()) {
      assert.equal(row.status, 'success', JSON.stringify(row));
      assert.equal(row.mode, 'webhook');
      const items = n8n.executionJson(row.id);
      console.log(`execution #${row.id} ${row.status}:`, JSON.stringify(items));
      assert.deepEqual(items.Webhook[0][0].body, { n: i + 1, text: `hello ${i + 1}` });
      assert.equal(items['Harness Probe'][0][0].probe, true);
      assert.equal(items['Harness Probe'][0][0].tokenLength, CRED.data.token.length);
    }

    // B: community webhook trigger answering 401 itself, then a valid call.
    const triggerPath = `${TRIGGER_WEBHOOK_ID}/probe`;
    const forged = await n8n.post(triggerPath, { x: 1 }, { 'x-probe-token': 'wrong' });
    assert.equal(forged.status, 401, forged.text);
    const good = await n8n.post(triggerPath, { x: 2 }, { 'x-probe-token': CRED.data.token });
    assert.equal(good.status, 200, good.text);
    const [b] = await n8n.waitForExecutions({ workflowId: WF_B.id, count: 1 });
    console.log(`execution #${b.id} ${b.status}:`, JSON.stringify(n8n.executionJson(b.id)));
    assert.deepEqual(n8n.executionJson(b.id)['Harness Probe Trigger'][0][0], { body: { x: 2 }, tokenOk: true });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(n8n.readExecutions({ workflowId: WF_B.id }).length, 1, 'the 401 must not create an execution');

    // Restart on the same user folder and port.
    const before = n8n.lastExecutionId();
    await n8n.restart();
    console.log(`restart -> webhooks live ${n8n.startSeconds.toFixed(1)} s`);
    assert.equal((await n8n.post('harness-smoke', { n: 4 })).status, 200);
    const [after] = await n8n.waitForExecutions({ workflowId: WF_A.id, sinceId: before, count: 1 });
    assert.deepEqual(n8n.executionJson(after.id).Webhook[0][0].body, { n: 4 });

    const unrecognized = n8n.logText().match(/Unrecognized node type.*|Failed to load package.*/g);
    assert.equal(unrecognized, null, String(unrecognized));

    const pgid = n8n.pid;
    const { forced, ms } = await n8n.stop();
    stopped = true;
    const left = processGroupMembers(pgid);
    console.log(`stopped in ${ms} ms (${forced ? 'forced SIGKILL' : 'SIGTERM'}); processes left in group ${pgid}: ${left.length}`);
    assert.equal(left.length, 0, JSON.stringify(left));
    assert.equal(forced, false, 'n8n did not stop on SIGTERM');
    assert.equal(fs.existsSync(n8n.userFolder), keep);
    console.log('SMOKE OK');
  } finally {
    if (!stopped) {
      console.error(`--- log tail (${n8n.logFile}):\n${n8n.logTail(60)}`);
      await n8n.stop({ keepUserFolder: true }).catch((e) => console.error(e));
    }
    fs.rmSync(probeDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
