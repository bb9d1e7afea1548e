'use strict';
// Read-only SQL against n8n's SQLite file, with no npm dependency.
// Node >= 22.5 (n8n's Node 24 included): the built-in node:sqlite. Older Node (the system
// Node 20): python3's sqlite3 module as a fallback. Each call opens and closes its own
// read-only connection, so nothing is held open while n8n writes, checkpoints or shuts down.
const { execFileSync } = require('node:child_process');

let nodeSqlite; // undefined: not tried yet; null: not available
function loadNodeSqlite() {
  if (nodeSqlite !== undefined) return nodeSqlite;
  nodeSqlite = null;
  // process.getBuiltinModule bypasses jest's module registry (which may not know node:sqlite).
  const get =
    typeof process.getBuiltinModule === 'function'
      ? (name) => process.getBuiltinModule(name)
      : (name) => require(name);
  const emitWarning = process.emitWarning;
  // Some Node versions flag node:sqlite as experimental: keep that warning out of test output.
  process.emitWarning = (warning, ...rest) => {
    const text = String(warning && warning.message ? warning.message : warning);
    if (/sqlite/i.test(text)) return;
    return emitWarning.call(process, warning, ...rest);
  };
  try {
    nodeSqlite = get('node:sqlite') || null;
  } catch {
    nodeSqlite = null;
  } finally {
    process.emitWarning = emitWarning;
  }
  return nodeSqlite;
}

const PY = `
import json, sqlite3, sys
con = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True, timeout=10)
con.row_factory = sqlite3.Row
try:
    rows = [dict(r) for r in con.execute(sys.argv[2], json.loads(sys.argv[3]))]
finally:
    con.close()
sys.stdout.write(json.dumps(rows, default=lambda b: b.decode('utf-8', 'replace')))
`;

/** Runs one SELECT and returns plain row objects. params: positional `?` values. */
function query(dbPath, sql, params = []) {
  const sqlite = loadNodeSqlite();
  if (sqlite) {
    const db = new sqlite.DatabaseSync(dbPath, { readOnly: true, timeout: 10000 });
    try {
      return db.prepare(sql).all(...params).map((row) => ({ ...row }));
    } finally {
      db.close();
    }
  }
  const out = execFileSync('python3', ['-c', PY, dbPath, sql, JSON.stringify(params)], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out);
}

function tableExists(dbPath, table) {
  return query(dbPath, "SELECT name FROM sqlite_master WHERE type='table' AND name=?", [table]).length > 0;
}

/**
 * The rows of n8n's Data Table `name` (its user table), all or one tenant's (column tenantId);
 * `orderByTenant`: sorted by tenantId as SQLite sorts. Throws when no Data Table has that name.
 */
function dataTableRows(dbPath, name, tenantId, { orderByTenant = false } = {}) {
  const [table] = query(dbPath, 'SELECT id FROM data_table WHERE name = ?', [name]);
  if (!table) throw new Error(`no Data Table named ${name}`);
  const where = tenantId === undefined ? '' : ' WHERE tenantId = ?';
  const order = orderByTenant ? ' ORDER BY tenantId' : '';
  return query(dbPath, `SELECT * FROM data_table_user_${table.id}${where}${order}`, tenantId === undefined ? [] : [tenantId]);
}

module.exports = { query, dataTableRows, tableExists, backend: () => (loadNodeSqlite() ? 'node:sqlite' : 'python3') };
