'use strict';
/*
 * n8n's REST API as the editor uses it, for the registry suites: the owner signed in with a
 * cookie, a browser id, JSON bodies.
 *
 *   const { restSession, registryEnv, tableRowCounts, failureWindows } = require('./scripts/n8n/rest-session');
 *   startN8n({ env: registryEnv(registry.url) })   // E2E_TESTS and the registry settings
 *   const api = restSession(n8n);                  // an n8n-instance.js instance
 *   await api.waitForRest();                       // until /rest answers (1.x: later than readiness)
 *   await api.setupOwner(owner);                   // first-run owner setup, signs in
 *   await api.enableCustomRegistry();              // n8n's E2E licence hook (E2E_TESTS=true)
 *   await api.prepare(owner);                      // the three above
 *   const res = await api.rest('POST', '/community-packages', { name, version });
 *   api.createWorkflow(json, { credentials })      // POST /rest/workflows with credential ids set per type
 *   api.activate(workflow)                         // POST /rest/workflows/<id>/activate
 *   tableRowCounts(dbPath, 'untis_tenants')        // Map tenantId -> number of rows (SQLite)
 *   failureWindows(sent, ok, t0)                   // runs of non-ok answers in send order, ms from t0
 */
const crypto = require('node:crypto');
const { dataTableRows } = require('./sqlite-read');

function authCookie(res) {
  const cookies = [].concat(res.headers['set-cookie'] || []);
  return cookies.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth=')) || '';
}

function restSession(n8n) {
  const browserId = crypto.randomUUID();
  let cookie = '';
  async function rest(method, path, body, timeoutMs = 120000) {
    const headers = { 'Content-Type': 'application/json', 'browser-id': browserId };
    if (cookie) headers.cookie = cookie;
    return n8n.request(method, `${n8n.baseUrl}/rest${path}`, { headers, body: body === undefined ? undefined : JSON.stringify(body), timeoutMs });
  }
  async function must(method, path, body, timeoutMs) {
    const res = await rest(method, path, body, timeoutMs);
    if (res.status !== 200) throw new Error(`${method} /rest${path}: HTTP ${res.status} ${res.text.slice(0, 500)}\n${n8n.logTail(30)}`);
    return res.json().data;
  }
  return {
    rest,
    must,
    /** 1.123.81 answers /healthz/readiness before its REST routes exist (45 s apart here, loaded). */
    async waitForRest(timeoutMs = 180000) {
      const deadline = Date.now() + timeoutMs;
      while ((await rest('GET', '/settings', undefined, 5000).catch(() => ({ status: 0 }))).status !== 200) {
        if (Date.now() > deadline) throw new Error(`n8n's REST API did not answer within ${timeoutMs} ms\n${n8n.logTail(30)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    /** REST up, the owner set up and signed in, the custom-registry licence feature on. */
    async prepare(owner) {
      await this.waitForRest();
      await this.setupOwner(owner);
      await this.enableCustomRegistry();
    },
    async setupOwner(owner) {
      const res = await rest('POST', '/owner/setup', owner);
      cookie = authCookie(res);
      if (res.status !== 200 || !cookie) throw new Error(`owner setup: HTTP ${res.status} ${res.text.slice(0, 300)}`);
    },
    /** The licence feature a registry other than npmjs needs, through n8n's own test hook. */
    async enableCustomRegistry() {
      const res = await n8n.request('PATCH', `${n8n.baseUrl}/rest/e2e/feature`, {
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ feature: 'feat:communityNodes:customRegistry', enabled: true }),
      });
      if (res.status !== 200) throw new Error(`e2e feature: HTTP ${res.status} ${res.text.slice(0, 300)}`);
    },
    async createCredential(name, type, data) {
      const created = await must('POST', '/credentials', { name, type, data });
      return { id: String(created.id), name: created.name };
    },
    /** Creates a workflow (inactive) with each node's credential of a type set to `credentials[type]`. */
    async createWorkflow(json, { credentials = {} } = {}) {
      const body = JSON.parse(JSON.stringify(json));
      body.active = false;
      for (const node of body.nodes) {
        for (const type of Object.keys(node.credentials || {})) if (credentials[type]) node.credentials[type] = credentials[type];
      }
      return must('POST', '/workflows', body);
    },
    async activate(workflow) {
      const data = await must('POST', `/workflows/${workflow.id}/activate`, { versionId: workflow.versionId });
      if (!data.active) throw new Error(`workflow ${workflow.id} did not become active`);
      return data;
    },
  };
}

/** n8n's environment for installing from `registryUrl` (with E2E_TESTS for the licence hook). */
function registryEnv(registryUrl) {
  // `GET /rest/community-packages` runs `npm outdated` without --registry: npm's own setting points there too.
  return { E2E_TESTS: 'true', N8N_COMMUNITY_PACKAGES_REGISTRY: registryUrl, npm_config_registry: `${registryUrl}/` };
}

function tableRowCounts(dbPath, table = 'untis_tenants') {
  const counts = new Map();
  for (const row of dataTableRows(dbPath, table)) counts.set(row.tenantId, (counts.get(row.tenantId) || 0) + 1);
  return counts;
}

/**
 * Runs of answers that were not ok, in the order they were sent: a run ends at the first ok
 * answer sent after it. Each: { count, statuses, unrecognized, firstSentMs, lastAnsweredMs, lengthMs, firstBody }
 * with times in ms from t0 (the update's start).
 */
function failureWindows(sent, ok, t0) {
  const windows = [];
  let current = null;
  for (const s of [...sent].sort((a, b) => a.sentAt - b.sentAt)) {
    if (ok(s)) {
      current = null;
      continue;
    }
    if (!current) {
      current = { count: 0, statuses: {}, unrecognized: 0, firstSentMs: s.sentAt - t0, lastAnsweredMs: s.answeredAt - t0, firstBody: String(s.body).slice(0, 160) };
      windows.push(current);
    }
    current.count++;
    current.statuses[s.status] = (current.statuses[s.status] || 0) + 1;
    if (/Unrecognized node type/i.test(s.body)) current.unrecognized++;
    current.lastAnsweredMs = Math.max(current.lastAnsweredMs, s.answeredAt - t0);
  }
  for (const w of windows) w.lengthMs = w.lastAnsweredMs - w.firstSentMs;
  return windows;
}

module.exports = { restSession, authCookie, registryEnv, tableRowCounts, failureWindows };
