'use strict';
// n8n's execution records read from its Postgres database with the psql CLI (read-only).
// Same shapes as ../executions-db.js (the SQLite reader), plus bulk reads for load tests.
const { parseFlatted } = require('../flatted');
const { runDataJson, FINAL_STATUSES: FINAL } = require('../executions-db');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const lit = (value) => `'${String(value).replace(/'/g, "''")}'`;
const COLUMNS = `id, "workflowId", status, finished, mode, "startedAt", "stoppedAt", "createdAt", "storedAt", "retryOf"`;

function createPostgresExecutionsReader(pg, { describeFailure = () => '' } = {}) {
  function where(filter = {}, t = '') {
    const clauses = [];
    if (filter.workflowId !== undefined) clauses.push(`${t}"workflowId" = ${lit(filter.workflowId)}`);
    if (filter.mode !== undefined) clauses.push(`${t}mode = ${lit(filter.mode)}`);
    if (filter.sinceId !== undefined) clauses.push(`${t}id > ${Number(filter.sinceId)}`);
    const statuses = filter.done ? FINAL : filter.status === undefined ? null : [].concat(filter.status);
    if (statuses) clauses.push(`${t}status IN (${statuses.map(lit).join(',')})`);
    return clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
  }

  /** Rows of execution_entity, oldest first. filter: { workflowId, status, mode, sinceId, done } */
  function readExecutions(filter) {
    return pg.json(`SELECT ${COLUMNS} FROM execution_entity ${where(filter)} ORDER BY id`).map((r) => ({ ...r, id: Number(r.id) }));
  }

  /** { status: count } of the executions matching filter. */
  function countByStatus(filter) {
    const rows = pg.json(`SELECT status, count(*)::int AS n FROM execution_entity ${where(filter)} GROUP BY status`);
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  function executionRecord(id) {
    const [row] = pg.json(
      `SELECT e.id, e.status, e."storedAt", d.data FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id WHERE e.id = ${Number(id)}`,
    );
    if (!row) throw new Error(`execution ${id} not found`);
    if (row.storedAt && row.storedAt !== 'db') throw new Error(`execution ${id} data is stored in "${row.storedAt}", not in the DB`);
    return { ...row, data: row.data ? parseFlatted(row.data) : null };
  }

  /** { [nodeName]: [ [json of output 0], [json of output 1], ... ] } */
  function executionJson(id, { run = 0 } = {}) {
    return runDataJson(executionRecord(id).data, run);
  }

  /**
   * Bulk: [{ id, status, nodes, queued }] for every execution matching filter, in one query.
   * nodes: what ran ({ [nodeName]: outputs }); queued: what waits to run, from the execution's
   * nodeExecutionStack (for a webhook execution not yet taken by a worker: the trigger's output,
   * stored by the webhook process).
   */
  function executionsWithJson(filter) {
    return pg
      .json(
        `SELECT e.id, e.status, d.data FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id ${where(filter, 'e.')} ORDER BY e.id`,
      )
      .map((r) => {
        const data = r.data ? parseFlatted(r.data) : null;
        const queued = {};
        for (const entry of (data && data.executionData && data.executionData.nodeExecutionStack) || []) {
          const main = (entry.data && entry.data.main) || [];
          queued[entry.node.name] = main.map((items) => (items || []).map((item) => item.json));
        }
        return { id: Number(r.id), status: r.status, nodes: runDataJson(data), queued };
      });
  }

  async function waitForExecutions({ workflowId, count = 1, timeoutMs = 30000, intervalMs = 250, sinceId, mode } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const all = readExecutions({ workflowId, sinceId, mode });
      const rows = all.filter((r) => FINAL.includes(r.status) && r.stoppedAt);
      if (rows.length >= count) return rows;
      if (Date.now() > deadline) {
        const seen = all.length > 40 ? JSON.stringify(countByStatus({ workflowId, sinceId, mode })) : all.map((r) => `#${r.id}:${r.status}`).join(' ') || 'none';
        throw new Error(
          `waitForExecutions: wanted ${count} finished execution(s) of workflow ${workflowId ?? '*'} within ${timeoutMs} ms, saw ${seen}${describeFailure()}`,
        );
      }
      await sleep(intervalMs);
    }
  }

  function lastExecutionId() {
    const [row] = pg.json('SELECT coalesce(max(id), 0) AS id FROM execution_entity');
    return Number(row.id);
  }

  const registeredWebhooks = () =>
    pg.json('SELECT "workflowId", "webhookPath", method, node, "webhookId" FROM webhook_entity ORDER BY "webhookPath"');
  const publications = () =>
    pg.json('SELECT id, "workflowId", status, "errorMessage" FROM workflow_publication_outbox ORDER BY id');

  return {
    readExecutions,
    countByStatus,
    executionRecord,
    executionJson,
    executionsWithJson,
    waitForExecutions,
    lastExecutionId,
    registeredWebhooks,
    publications,
  };
}

module.exports = { createPostgresExecutionsReader, FINAL_STATUSES: FINAL };
