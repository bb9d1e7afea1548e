'use strict';
// Private PostgreSQL and Redis for queue-mode tests: the Debian packages' binaries (installed by
// install-services.sh), started as ordinary processes on 127.0.0.1, on free non-default ports,
// with their data in fresh temporary folders. Nothing here touches a system service or the
// packages' default clusters; stop() ends exactly the process group that was started.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const { freePorts } = require('../ports');
const { spawnGroup, tailOf, sleep } = require('./processes');

/** Runs install-services.sh (apt-get only when something is missing) -> { pgBin, redisServer, psql, redisCli }. */
function installServices() {
  const out = execFileSync('bash', [path.join(__dirname, 'install-services.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 20 * 60 * 1000,
  });
  const vars = Object.fromEntries(
    out
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]),
  );
  const pgBin = vars.PG_BIN;
  return {
    pgBin,
    nginx: vars.NGINX,
    redisServer: vars.REDIS_SERVER,
    redisCli: path.join(path.dirname(vars.REDIS_SERVER), 'redis-cli'),
    // The client of the same major version as the server (Debian's /usr/bin/psql is a wrapper).
    psql: fs.existsSync(path.join(pgBin, 'psql')) ? path.join(pgBin, 'psql') : 'psql',
  };
}

function postgresUser() {
  if (process.getuid() !== 0) return {}; // not root: run as ourselves (postgres only refuses root)
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error("no 'postgres' user: install the postgresql package");
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * startPostgres({ bins, logFile }) -> { host, port, database, user, password, dataDir, psql(sql), json(sql), stop() }
 * A throwaway cluster: fsync off (its data is deleted afterwards), scram-sha-256 over TCP.
 */
async function startPostgres({ bins, logFile, startTimeoutMs = 60000 }) {
  const { uid, gid } = postgresUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-pg-'));
  if (uid !== undefined) fs.chownSync(dir, uid, gid);
  const dataDir = path.join(dir, 'data');
  const superPassword = crypto.randomBytes(12).toString('hex');
  const password = crypto.randomBytes(12).toString('hex');
  const pwFile = path.join(dir, 'pw');
  fs.writeFileSync(pwFile, superPassword, { mode: 0o600 });
  if (uid !== undefined) fs.chownSync(pwFile, uid, gid);
  const asPostgres = { uid, gid, env: { PATH: process.env.PATH, HOME: dir, LANG: 'C' }, cwd: dir };
  execFileSync(
    path.join(bins.pgBin, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', `--pwfile=${pwFile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { ...asPostgres, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  fs.rmSync(pwFile);
  const [port] = await freePorts(1);
  const spawnPostgres = () =>
    spawnGroup({
      name: 'postgres',
      command: path.join(bins.pgBin, 'postgres'),
      args: [
        '-D', dataDir, '-p', String(port),
        '-c', 'listen_addresses=127.0.0.1',
        '-c', `unix_socket_directories=${dir}`,
        '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off',
        '-c', 'max_connections=200',
      ],
      logFile,
      ...asPostgres,
    });
  let proc = spawnPostgres();

  const base = { host: '127.0.0.1', port, database: 'n8n', user: 'n8n', password };
  const run = (sql, { user = 'n8n', database = 'n8n', pw = password, timeoutMs = 60000 } = {}) =>
    execFileSync(bins.psql, ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', database, '-c', sql], {
      encoding: 'utf8',
      env: { ...process.env, PGPASSWORD: pw, PGCONNECT_TIMEOUT: '5' },
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 512 * 1024 * 1024,
      timeout: timeoutMs,
    });

  async function untilReady() {
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      if (proc.exitInfo) throw new Error(`postgres exited during start (${JSON.stringify(proc.exitInfo)})\n${tailOf(logFile)}`);
      try {
        run('SELECT 1', { user: 'postgres', database: 'postgres', pw: superPassword, timeoutMs: 5000 });
        return;
      } catch (e) {
        if (Date.now() > deadline) {
          await proc.stop();
          throw new Error(`postgres not ready within ${startTimeoutMs} ms: ${e.stderr || e.message}\n${tailOf(logFile)}`);
        }
        await sleep(200);
      }
    }
  }
  await untilReady();
  run(`CREATE ROLE n8n LOGIN PASSWORD '${password}'`, { user: 'postgres', database: 'postgres', pw: superPassword });
  run('CREATE DATABASE n8n OWNER n8n', { user: 'postgres', database: 'postgres', pw: superPassword });

  const handle = {
    ...base,
    dataDir,
    logFile,
    proc,
    /** Runs SQL as the n8n role; returns psql's unaligned output. */
    psql: (sql, opts) => run(sql, opts),
    /** Rows of a SELECT as objects (json_agg on the server side). */
    json: (sql, opts) => JSON.parse(run(`SELECT coalesce(json_agg(t), '[]'::json) FROM (${sql}) t`, opts) || '[]'),
    /**
     * A fast restart on the same port and data: SIGINT (fast shutdown: open sessions are ended,
     * a checkpoint is written), `downMs` with nothing listening, then start and wait until ready.
     * -> { stopMs, downMs, readyMs }
     */
    async restart({ downMs = 0 } = {}) {
      const t0 = Date.now();
      await proc.stop({ signal: 'SIGINT', timeoutMs: 20000 });
      const stopMs = Date.now() - t0;
      await sleep(downMs);
      const t1 = Date.now();
      proc = spawnPostgres();
      handle.proc = proc;
      await untilReady();
      const readyMs = Date.now() - t1;
      return { stopMs, downMs: t1 - t0 - stopMs, readyMs };
    },
    async stop() {
      const result = await proc.stop({ signal: 'SIGINT', timeoutMs: 20000 }); // SIGINT: fast shutdown
      fs.rmSync(dir, { recursive: true, force: true });
      return result;
    },
  };
  return handle;
}

/**
 * startRedis({ bins, logFile, persistence }) -> { host, port, cli(...args), restart(), stop() }, loopback only.
 * persistence false (default): nothing on disk. true: append-only file, fsync every second (what a
 * production Redis for n8n's queue should have), so a restart keeps the queued jobs.
 */
async function startRedis({ bins, logFile, startTimeoutMs = 30000, persistence = false }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-redis-'));
  const [port] = await freePorts(1);
  const spawnRedis = () =>
    spawnGroup({
      name: 'redis',
      command: bins.redisServer,
      args: [
        '--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes', '--dir', dir, '--save', '',
        '--appendonly', persistence ? 'yes' : 'no', '--appendfsync', 'everysec', '--daemonize', 'no',
      ],
      cwd: dir,
      logFile,
    });
  let proc = spawnRedis();
  const cli = (...args) =>
    execFileSync(bins.redisCli, ['-h', '127.0.0.1', '-p', String(port), ...args.map(String)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10000,
    }).trim();
  async function untilReady() {
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      if (proc.exitInfo) throw new Error(`redis exited during start (${JSON.stringify(proc.exitInfo)})\n${tailOf(logFile)}`);
      try {
        if (cli('PING') === 'PONG') return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await proc.stop();
        throw new Error(`redis not ready within ${startTimeoutMs} ms\n${tailOf(logFile)}`);
      }
      await sleep(100);
    }
  }
  await untilReady();
  const handle = {
    host: '127.0.0.1',
    port,
    logFile,
    proc,
    cli,
    /** SIGTERM (Redis writes its append-only file if on), `downMs` down, start on the same port and dir. */
    async restart({ downMs = 0 } = {}) {
      const t0 = Date.now();
      await proc.stop({ signal: 'SIGTERM', timeoutMs: 10000 });
      const stopMs = Date.now() - t0;
      await sleep(downMs);
      const t1 = Date.now();
      proc = spawnRedis();
      handle.proc = proc;
      await untilReady();
      return { stopMs, downMs: t1 - t0 - stopMs, readyMs: Date.now() - t1 };
    },
    async stop() {
      const result = await proc.stop({ signal: 'SIGTERM', timeoutMs: 10000 });
      fs.rmSync(dir, { recursive: true, force: true });
      return result;
    },
  };
  return handle;
}

module.exports = { installServices, startPostgres, startRedis };
