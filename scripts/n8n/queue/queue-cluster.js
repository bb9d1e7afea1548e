'use strict';
/*
 * n8n in queue mode on loopback, for end-to-end tests. Plain CommonJS, Node built-ins only.
 *
 *   const { startQueueCluster } = require('./scripts/n8n/queue/queue-cluster');
 *   const cluster = await startQueueCluster({
 *     packageDir: '/work/wt-queue',   // community package (built), installed into EVERY process's user folder
 *     credentials: [...], workflows: [...], activate: true,   // as in ../n8n-instance.js
 *     workerConcurrency: 10,          // `n8n worker --concurrency`
 *     webhookProcesses: 1,            // `n8n webhook` processes with the package (ports of each differ)
 *     bareWebhook: false,             // one more webhook process WITHOUT the package, not started (cluster.bareWebhook)
 *     redisPersistence: false,        // Redis append-only file, so a Redis restart keeps queued jobs
 *     env: {},                        // extra env for every n8n process and CLI step
 *   });
 *
 * What it starts, each in its own process group, all on 127.0.0.1 with free ports:
 *   postgres  Debian postgresql binaries, throwaway cluster in /tmp/n8n-queue-pg-*, run as 'postgres'
 *   redis     Debian redis-server, no persistence
 *   main      `n8n start`    UI/API, activates workflows; N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true,
 *                            so production webhooks are NOT served here (a request answers 404)
 *   webhook   `n8n webhook`  receives production webhooks: runs the trigger's webhook() (signature
 *                            check), stores the new execution in Postgres, enqueues a Bull job in Redis
 *   worker    `n8n worker`   takes jobs from Redis and runs the workflows
 * All share N8N_ENCRYPTION_KEY, Postgres and Redis; each has its own user folder
 * (<root>/<role>/.n8n, the package installed before its first start), its own port and its own
 * task-runner broker port. Credentials and workflows are imported and published through the
 * main's CLI before any server starts.
 *
 * Returns { main, webhook, webhooks, bareWebhook, worker, pg, redis, db (postgres-executions reader), root,
 *           encryptionKey, webhookUrl(path), mainUrl(path), runInEditor(workflow, { owner }) (as in
 *           ../n8n-instance.js, on main), bullCounts(), stop() }.
 * main/webhook/worker: { role, port, userFolder, logFile, start(), stop(opts), kill(signal),
 *                        restart(), isRunning(), logText(), logTail(n), startSeconds }
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const { installN8n, n8nPaths, request, buildEnv, DEFAULT_VERSION } = require('../n8n-instance');
const { installCommunityPackage } = require('../install-package');
const { runInEditor } = require('../editor-run');
const { freePorts } = require('../ports');
const { assignWebhookIds, NO_STATIC_WEBHOOK } = require('../webhook-ids');
const { installServices, startPostgres, startRedis } = require('./services');
const { createPostgresExecutionsReader } = require('./postgres-executions');
const { spawnGroup, tailOf, sleep } = require('./processes');


async function startQueueCluster(options = {}) {
  const {
    version = DEFAULT_VERSION,
    packageDir,
    credentials = [],
    workflows = [],
    activate = true,
    workerConcurrency = 10,
    webhookProcesses = 1,
    bareWebhook = false,
    startTimeoutMs = 180000,
    cliTimeoutMs = 180000,
  } = options;
  const installDir = options.installDir || installN8n(version);
  const { node, n8nBin, nodeBinDir } = n8nPaths(installDir);
  const bins = installServices();
  const toActivate = activate === true ? workflows.map((w) => String(w.id)) : activate === false ? [] : activate.map(String);

  const root = fs.mkdtempSync(path.join(options.tmpDir || os.tmpdir(), 'n8n-queue-'));
  const logDir = path.join(root, 'logs');
  fs.mkdirSync(logDir);
  const keep = options.keep || !!process.env.N8N_E2E_KEEP;
  const started = []; // everything to stop, in reverse order
  const cluster = { root, logDir, encryptionKey: options.encryptionKey || crypto.randomBytes(24).toString('hex') };

  async function stopAll() {
    const results = {};
    for (const item of started.splice(0).reverse()) {
      try {
        results[item.name] = await item.stop();
      } catch (e) {
        results[item.name] = { error: e.message };
      }
    }
    if (!keep) fs.rmSync(root, { recursive: true, force: true });
    return results;
  }
  cluster.stop = stopAll;

  try {
    const pg = await startPostgres({ bins, logFile: path.join(logDir, 'postgres.log') });
    started.push({ name: 'postgres', stop: () => pg.stop() });
    const redis = await startRedis({ bins, logFile: path.join(logDir, 'redis.log'), persistence: !!options.redisPersistence });
    started.push({ name: 'redis', stop: () => redis.stop() });
    const db = createPostgresExecutionsReader(pg, {
      describeFailure: () => `\n--- worker log:\n${tailOf(path.join(logDir, 'worker.log'), 30)}`,
    });
    Object.assign(cluster, { pg, redis, db, bins });

    const webhookNames = Array.from({ length: webhookProcesses }, (_, i) => (i === 0 ? 'webhook' : `webhook${i + 1}`));
    if (bareWebhook) webhookNames.push('webhookBare');
    const [mainPort, workerPort, ...ports] = await freePorts(2 + 2 * webhookNames.length + 2);
    const brokerPorts = ports.slice(webhookNames.length);
    const shared = {
      DB_TYPE: 'postgresdb',
      DB_POSTGRESDB_HOST: pg.host,
      DB_POSTGRESDB_PORT: String(pg.port),
      DB_POSTGRESDB_DATABASE: pg.database,
      DB_POSTGRESDB_USER: pg.user,
      DB_POSTGRESDB_PASSWORD: pg.password,
      EXECUTIONS_MODE: 'queue',
      QUEUE_BULL_REDIS_HOST: redis.host,
      QUEUE_BULL_REDIS_PORT: String(redis.port),
      OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
      N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
      ...(options.env || {}),
    };
    const roles = {
      main: { command: ['start'], port: mainPort, broker: brokerPorts[0], extra: {} },
      worker: {
        command: ['worker', `--concurrency=${workerConcurrency}`],
        port: workerPort,
        broker: brokerPorts[1],
        extra: { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(workerPort), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' },
      },
    };
    webhookNames.forEach((name, i) => {
      roles[name] = { command: ['webhook'], port: ports[i], broker: brokerPorts[2 + i], extra: {}, kind: 'webhook', bare: name === 'webhookBare' };
    });

    // 1. One user folder per process, the package in each before its first start.
    for (const [role, r] of Object.entries(roles)) {
      r.userFolder = path.join(root, role);
      fs.mkdirSync(path.join(r.userFolder, '.n8n'), { recursive: true });
      if (packageDir && !r.bare && !(options.skipPackageOn || []).includes(role)) {
        r.installedPackage = installCommunityPackage({ packageDir, userFolder: r.userFolder });
      }
      r.logFile = path.join(logDir, `${role}.log`);
      r.env = buildEnv({
        userFolder: r.userFolder,
        port: r.port,
        brokerPort: r.broker,
        encryptionKey: cluster.encryptionKey,
        major: Number(String(version).split('.')[0]),
        nodeBinDir,
        extra: { ...shared, ...r.extra, ...((options.roleEnv || {})[r.kind || role] || {}), ...((options.roleEnv || {})[role] || {}) },
      });
    }

    // 2. Credentials, workflows, publication: the main's CLI, against Postgres.
    async function cli(args) {
      const logFile = roles.main.logFile;
      fs.appendFileSync(logFile, `\n=== [harness ${new Date().toISOString()}] n8n ${args.join(' ')}\n`);
      const fd = fs.openSync(logFile, 'a');
      try {
        const child = spawn(node, [n8nBin, ...args], { env: roles.main.env, stdio: ['ignore', fd, fd], cwd: roles.main.userFolder });
        const timer = setTimeout(() => child.kill('SIGKILL'), cliTimeoutMs);
        const code = await new Promise((resolve, reject) => {
          child.on('error', reject);
          child.on('exit', (c, s) => resolve(c === null ? s : c));
        });
        clearTimeout(timer);
        if (code !== 0) throw new Error(`n8n ${args.join(' ')} failed (${code})\n${tailOf(logFile, 40)}`);
      } finally {
        fs.closeSync(fd);
      }
    }
    const importDir = path.join(root, 'import');
    fs.mkdirSync(importDir);
    if (credentials.length) {
      fs.writeFileSync(path.join(importDir, 'credentials.json'), JSON.stringify(credentials, null, 2));
      await cli(['import:credentials', `--input=${path.join(importDir, 'credentials.json')}`]);
    }
    if (workflows.length) {
      for (const wf of workflows) assignWebhookIds(wf); // in place, as startN8n does
      const full = workflows.map((w) => ({ settings: {}, connections: {}, ...w, active: false }));
      fs.writeFileSync(path.join(importDir, 'workflows.json'), JSON.stringify(full, null, 2));
      await cli(['import:workflow', `--input=${path.join(importDir, 'workflows.json')}`]);
    }
    // Two at a time: each is a full n8n boot (~10 s here); they only update their own workflow's rows.
    const queue = [...toActivate];
    await Promise.all([0, 1].map(async () => {
      while (queue.length) await cli(['publish:workflow', `--id=${queue.shift()}`]);
    }));
    const expectedHooks = [];
    for (const wf of workflows.filter((w) => toActivate.includes(String(w.id)))) {
      for (const n of wf.nodes || []) {
        if (n.webhookId && !n.disabled && !NO_STATIC_WEBHOOK.test(n.type)) expectedHooks.push({ workflowId: String(wf.id), node: n.name });
      }
    }

    // 3. Process handles.
    const baseUrl = (port) => `http://127.0.0.1:${port}`;
    async function httpOk(url) {
      const res = await request('GET', url, { timeoutMs: 2000 }).catch(() => null);
      return !!res && res.status === 200;
    }
    function makeHandle(role) {
      const r = roles[role];
      const handle = {
        role,
        pid: () => (handle.proc ? handle.proc.pid : null),
        port: r.port,
        baseUrl: baseUrl(r.port),
        userFolder: r.userFolder,
        logFile: r.logFile,
        installedPackage: r.installedPackage || null,
        env: r.env,
        proc: null,
        startSeconds: null,
        isRunning: () => !!handle.proc && handle.proc.isRunning(),
        logText: () => fs.readFileSync(r.logFile, 'utf8'),
        logTail: (n) => tailOf(r.logFile, n),
      };
      handle.start = async () => {
        const t0 = Date.now();
        if (r.bare) {
          // Started late in a long suite: ports picked at cluster start may be taken by then.
          const [port, broker] = await freePorts(2);
          Object.assign(r.env, { N8N_PORT: String(port), N8N_RUNNERS_BROKER_PORT: String(broker) });
          Object.assign(handle, { port, baseUrl: baseUrl(port) });
        }
        handle.proc = spawnGroup({ name: role, command: node, args: [n8nBin, ...r.command], env: r.env, cwd: r.userFolder, logFile: r.logFile });
        const deadline = t0 + startTimeoutMs;
        const check = () => {
          if (handle.proc.exitInfo) throw new Error(`n8n ${role} exited during start (${JSON.stringify(handle.proc.exitInfo)})\n${tailOf(r.logFile, 60)}`);
          if (Date.now() > deadline) throw new Error(`n8n ${role} not ready within ${startTimeoutMs} ms\n${tailOf(r.logFile, 60)}`);
        };
        try {
          while (!(await httpOk(`${handle.baseUrl}/healthz/readiness`))) {
            check();
            await sleep(250);
          }
          if (role === 'main') {
            // Every activated workflow published (outbox row completed) and its webhooks registered.
            for (;;) {
              check();
              const latest = new Map();
              for (const p of db.publications()) latest.set(p.workflowId, p);
              const failed = [...latest.values()].filter((p) => ['failed', 'partial_success'].includes(p.status));
              if (failed.length) throw new Error(`workflow activation failed: ${JSON.stringify(failed)}\n${tailOf(r.logFile, 40)}`);
              const pending = toActivate.filter((id) => !latest.has(id) || latest.get(id).status !== 'completed');
              const rows = db.registeredWebhooks();
              const missing = expectedHooks.filter((e) => !rows.some((w) => w.workflowId === e.workflowId && w.node === e.node));
              if (!pending.length && !missing.length) break;
              await sleep(250);
            }
          }
          if (r.kind === 'webhook' && !r.bare) {
            // Each registered webhook answers a CORS preflight on the webhook process (204 once known).
            for (const w of db.registeredWebhooks().filter((x) => toActivate.includes(x.workflowId))) {
              for (;;) {
                check();
                const res = await request('OPTIONS', `${handle.baseUrl}/webhook/${w.webhookPath}`, {
                  headers: { origin: handle.baseUrl, 'access-control-request-method': w.method },
                  timeoutMs: 2000,
                }).catch(() => null);
                if (res && res.status !== 404 && res.status < 500) break;
                await sleep(250);
              }
            }
          }
        } catch (e) {
          await handle.proc.stop({ timeoutMs: 5000 });
          throw e;
        }
        handle.startSeconds = (Date.now() - t0) / 1000;
        return handle;
      };
      handle.stop = async (opts) => (handle.proc ? handle.proc.stop(opts) : { forced: false, ms: 0 });
      handle.kill = async (signal = 'SIGKILL', opts) => handle.proc.kill(signal, opts);
      handle.restart = async () => {
        await handle.stop();
        return handle.start();
      };
      return handle;
    }
    cluster.main = makeHandle('main');
    cluster.webhooks = webhookNames.filter((n) => n !== 'webhookBare').map(makeHandle);
    cluster.webhook = cluster.webhooks[0];
    cluster.bareWebhook = bareWebhook ? makeHandle('webhookBare') : null;
    cluster.worker = makeHandle('worker');
    started.push({ name: 'main', stop: () => cluster.main.stop() });
    await cluster.main.start();
    for (const w of cluster.webhooks) started.push({ name: w.role, stop: () => w.stop() });
    if (cluster.bareWebhook) started.push({ name: 'webhookBare', stop: () => cluster.bareWebhook.stop() });
    started.push({ name: 'worker', stop: () => cluster.worker.stop() });
    await Promise.all([...cluster.webhooks.map((w) => w.start()), cluster.worker.start()]);

    cluster.webhookUrl = (p) => `${cluster.webhook.baseUrl}/webhook/${String(p).replace(/^\//, '')}`;
    cluster.mainUrl = (p) => `${cluster.main.baseUrl}/webhook/${String(p).replace(/^\//, '')}`;
    // The editor's "Execute workflow", asked of main (../editor-run.js); with
    // OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true above, the worker runs it.
    cluster.runInEditor = (workflow, opts) =>
      runInEditor({ baseUrl: cluster.main.baseUrl, request, waitForExecutions: cluster.db.waitForExecutions }, workflow, opts);
    /** Bull's job counts in Redis for n8n's queue ('jobs', prefix 'bull'). */
    cluster.bullCounts = () => ({
      waiting: Number(redis.cli('LLEN', 'bull:jobs:wait')),
      active: Number(redis.cli('LLEN', 'bull:jobs:active')),
      completed: Number(redis.cli('ZCARD', 'bull:jobs:completed')),
      failed: Number(redis.cli('ZCARD', 'bull:jobs:failed')),
    });
    return cluster;
  } catch (e) {
    await stopAll().catch(() => {});
    throw e;
  }
}

module.exports = { startQueueCluster };
