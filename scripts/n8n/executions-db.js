'use strict';
// n8n's own execution records, read from its SQLite file (read-only, never written).
//   execution_entity: one row per execution (id, workflowId, status, finished, mode, startedAt,
//     stoppedAt, ...). status: new | running | success | error | canceled | crashed | waiting.
//   execution_data: executionId, workflowData (JSON), data (flatted; see flatted.js) holding
//     resultData.runData[nodeName][runIndex].data.main[outputIndex] = [{ json, ... }, ...].
// n8n writes the final status and the data in one transaction, so a row with a final status
// has its final data.
const { query, tableExists } = require('./sqlite-read');
const { parseFlatted } = require('./flatted');

const FINAL = ['success', 'error', 'canceled', 'crashed'];
// storedAt exists from 2.x on (1.x keeps all execution data in the DB).
const WANTED = ['id', 'workflowId', 'status', 'finished', 'mode', 'startedAt', 'stoppedAt', 'createdAt', 'storedAt', 'retryOf'];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Output items per node from an execution's parsed data: { [nodeName]: [ items per output ] },
 * each item as stored. Shared by the SQLite reader here and the Postgres one (queue mode).
 */
function runDataItems(data, run = 0) {
  const runData = (data && data.resultData && data.resultData.runData) || {};
  const out = {};
  for (const [nodeName, runs] of Object.entries(runData)) {
    const taskData = runs && runs[run];
    if (!taskData) continue;
    const main = (taskData.data && taskData.data.main) || [];
    out[nodeName] = main.map((items) => items || []);
  }
  return out;
}

/** The same, with only each item's json. */
function runDataJson(data, run = 0) {
  const out = {};
  for (const [nodeName, outputs] of Object.entries(runDataItems(data, run))) {
    out[nodeName] = outputs.map((items) => items.map((item) => item.json));
  }
  return out;
}

function toExecution(row) {
  return { ...row, id: Number(row.id), finished: Boolean(row.finished) };
}

function createExecutionsReader(dbPath, { describeFailure = () => '' } = {}) {
  let columns = null;
  function cols() {
    if (!columns) {
      const present = new Set(query(dbPath, "SELECT name FROM pragma_table_info('execution_entity')").map((r) => r.name));
      if (!present.size) throw new Error(`${dbPath}: no execution_entity table (n8n never started on it?)`);
      columns = WANTED.filter((c) => present.has(c));
    }
    return columns;
  }

  /**
   * Execution rows, oldest first.
   * filter: { workflowId, status (string or array), mode, sinceId (id > sinceId), done (final status only) }
   */
  function readExecutions(filter = {}) {
    const where = [];
    const params = [];
    const add = (clause, value) => {
      where.push(clause);
      params.push(value);
    };
    if (filter.workflowId !== undefined) add('workflowId = ?', String(filter.workflowId));
    if (filter.mode !== undefined) add('mode = ?', filter.mode);
    if (filter.sinceId !== undefined) add('id > ?', Number(filter.sinceId));
    const statuses = filter.done ? FINAL : filter.status === undefined ? null : [].concat(filter.status);
    if (statuses) {
      where.push(`status IN (${statuses.map(() => '?').join(',')})`);
      params.push(...statuses);
    }
    const sql = `SELECT ${cols().join(', ')} FROM execution_entity ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id`;
    return query(dbPath, sql, params).map(toExecution);
  }

  /** The whole record: { execution, data (IRunExecutionData), workflowData, error, lastNodeExecuted } */
  function executionRecord(executionId) {
    const rows = query(
      dbPath,
      `SELECT ${cols().map((c) => `e.${c}`).join(', ')}, d.data AS data, d.workflowData AS workflowData
       FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id WHERE e.id = ?`,
      [Number(executionId)],
    );
    if (!rows.length) throw new Error(`execution ${executionId} not found`);
    const { data, workflowData, ...execution } = rows[0];
    if (execution.storedAt && execution.storedAt !== 'db') {
      throw new Error(`execution ${executionId} data is stored in "${execution.storedAt}", not in the DB`);
    }
    const parsed = data ? parseFlatted(data) : null;
    const resultData = (parsed && parsed.resultData) || {};
    return {
      execution: toExecution(execution),
      data: parsed,
      workflowData: workflowData ? JSON.parse(workflowData) : null,
      error: resultData.error || null,
      lastNodeExecuted: resultData.lastNodeExecuted || null,
    };
  }

  /**
   * Output items per node: { [nodeName]: [ items of output 0, items of output 1, ... ] },
   * each item as stored ({ json, pairedItem, binary? }). Only nodes that ran appear; an
   * output that emitted nothing is []. run: which run of a node (0 unless it looped).
   */
  function executionItems(executionId, { run = 0 } = {}) {
    return runDataItems(executionRecord(executionId).data, run);
  }

  /** Same as executionItems, with only each item's json. */
  function executionJson(executionId, { run = 0 } = {}) {
    return runDataJson(executionRecord(executionId).data, run);
  }

  /**
   * Polls until at least `count` executions (matching workflowId/mode/sinceId) have a final
   * status; resolves with those rows (oldest first). Rejects after timeoutMs, listing what it saw.
   */
  async function waitForExecutions({ workflowId, count = 1, timeoutMs = 20000, intervalMs = 100, sinceId, mode } = {}) {
    const deadline = Date.now() + timeoutMs;
    let rows = [];
    for (;;) {
      const all = readExecutions({ workflowId, sinceId, mode });
      rows = all.filter((r) => FINAL.includes(r.status) && r.stoppedAt);
      if (rows.length >= count) return rows;
      if (Date.now() > deadline) {
        const seen = all.map((r) => `#${r.id}:${r.status}`).join(' ') || 'none';
        throw new Error(
          `waitForExecutions: wanted ${count} finished execution(s) of workflow ${workflowId ?? '*'} ` +
            `within ${timeoutMs} ms, saw ${seen}${describeFailure()}`,
        );
      }
      await sleep(intervalMs);
    }
  }

  /** Rows of webhook_entity: what n8n has registered (workflowId, webhookPath, method, node, webhookId). */
  function registeredWebhooks() {
    return query(dbPath, 'SELECT workflowId, webhookPath, method, node, webhookId FROM webhook_entity ORDER BY webhookPath');
  }

  /** 2.x: rows of workflow_publication_outbox (status pending|in_progress|completed|partial_success|failed). 1.x: []. */
  function publications() {
    if (!tableExists(dbPath, 'workflow_publication_outbox')) return [];
    return query(dbPath, 'SELECT id, workflowId, status, errorMessage, reason FROM workflow_publication_outbox ORDER BY id');
  }

  /** Active workflows (2.x: activeVersionId set; 1.x: active = 1). */
  function activeWorkflowIds() {
    return query(dbPath, 'SELECT id FROM workflow_entity WHERE active = 1').map((r) => r.id);
  }

  return {
    readExecutions,
    executionRecord,
    executionItems,
    executionJson,
    waitForExecutions,
    registeredWebhooks,
    publications,
    activeWorkflowIds,
  };
}

module.exports = { createExecutionsReader, runDataItems, runDataJson, FINAL_STATUSES: FINAL };
