'use strict';
/*
 * Runs a workflow the way the editor's "Execute workflow" button does: signed in as the instance
 * owner, POST /rest/workflows/<id>/run from the workflow's trigger, then waits for the execution
 * (mode 'manual'). For workflows that are imported and never published, such as
 * examples/create-tenants-table.workflow.json (a Manual Trigger and a Data Table node).
 *
 * Why not `n8n execute --id=<id>`: in n8n 2.x only `start`, `webhook` and `worker` load the backend
 * modules (moduleRegistry.initModules), so the CLI run of a Data Table node fails with "Attempted
 * to use Data table node but the module is disabled" (checked on 2.41.1).
 *
 *   const { runInEditor } = require('./editor-run');
 *   const execution = await runInEditor(
 *     { baseUrl, request, waitForExecutions },   // an n8n-instance.js instance, or a queue cluster's main + db
 *     workflow,                                  // { id, nodes }: runs from its first trigger node
 *     { owner: { email, firstName, lastName, password }, timeoutMs },
 *   );
 *   // -> the finished execution row { id, status, mode: 'manual', ... }; throws unless status is 'success'
 *
 * The owner is created with n8n's first-run setup (POST /rest/owner/setup) if the instance has
 * none yet, otherwise the same login signs in (POST /rest/login).
 */
const crypto = require('node:crypto');

const DEFAULT_OWNER = { email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'Untis-e2e-Owner-1' };
const TRIGGER = /(Trigger|\.manualTrigger)$/;

function authCookie(res) {
  const cookies = [].concat(res.headers['set-cookie'] || []);
  const auth = cookies.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
  return auth || null;
}

async function signIn({ baseUrl, request }, owner, browserId) {
  const headers = { 'Content-Type': 'application/json', 'browser-id': browserId };
  const setup = await request('POST', `${baseUrl}/rest/owner/setup`, { headers, body: JSON.stringify(owner) });
  if (setup.status === 200 && authCookie(setup)) return authCookie(setup);
  const login = await request('POST', `${baseUrl}/rest/login`, {
    headers,
    body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
  });
  if (login.status !== 200 || !authCookie(login)) {
    throw new Error(`signing in as ${owner.email}: owner setup HTTP ${setup.status}, login HTTP ${login.status} ${login.text.slice(0, 200)}`);
  }
  return authCookie(login);
}

async function runInEditor(n8n, workflow, { owner = DEFAULT_OWNER, timeoutMs = 60000 } = {}) {
  const trigger = (workflow.nodes || []).find((n) => TRIGGER.test(n.type));
  if (!trigger) throw new Error(`workflow ${workflow.id} has no trigger node to run from`);
  const browserId = crypto.randomUUID();
  const cookie = await signIn(n8n, owner, browserId);
  const run = await n8n.request('POST', `${n8n.baseUrl}/rest/workflows/${workflow.id}/run`, {
    headers: { 'Content-Type': 'application/json', 'browser-id': browserId, cookie },
    body: JSON.stringify({ triggerToStartFrom: { name: trigger.name } }),
  });
  const executionId = run.status === 200 ? Number(run.json().data?.executionId) : NaN;
  if (!Number.isInteger(executionId)) {
    throw new Error(`running workflow ${workflow.id} from "${trigger.name}": HTTP ${run.status} ${run.text.slice(0, 300)}`);
  }
  const rows = await n8n.waitForExecutions({ workflowId: workflow.id, count: 1, sinceId: executionId - 1, mode: 'manual', timeoutMs });
  const execution = rows.find((r) => Number(r.id) === executionId) || rows[0];
  if (execution.status !== 'success') throw new Error(`workflow ${workflow.id}, execution #${execution.id}: ${execution.status}`);
  return execution;
}

module.exports = { runInEditor, DEFAULT_OWNER };
