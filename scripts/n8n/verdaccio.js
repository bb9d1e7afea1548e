'use strict';
/*
 * A throw-away npm registry (Verdaccio, installed by scripts/install-verdaccio.sh) on loopback,
 * for the registry suite: n8n's community-package manager installs and updates from it.
 *
 *   const { startVerdaccio } = require('./scripts/n8n/verdaccio');
 *   const registry = await startVerdaccio();          // config, storage and logs in a temp dir
 *   registry.url                                      // http://127.0.0.1:<free port>
 *   registry.publish(packageDir, { version })         // packs a copy of the package (version set in
 *                                                     // the copy's package.json) and npm-publishes it
 *   await registry.stop()
 *
 * The config has no uplinks (nothing leaves the machine) and lets anyone publish; `npm publish`
 * still wants a token, so a dummy one sits in a temp user config. Publishing runs with
 * --ignore-scripts (prepublishOnly's `n8n-node prerelease` refuses outside RELEASE_MODE) and
 * without --provenance, which cannot be made outside GitHub Actions.
 */
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawn } = require('node:child_process');
const { freePorts } = require('./ports');

const REPO = path.resolve(__dirname, '..', '..');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function installVerdaccio() {
  const out = execFileSync('bash', [path.join(REPO, 'scripts', 'install-verdaccio.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 30 * 60 * 1000,
  });
  return out.trim().split('\n').pop().trim();
}

function ping(url) {
  return new Promise((resolve) => {
    const req = http.get(`${url}/-/ping`, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
  });
}

// npm settings inherited from `npm run` (the project's .npmrc) must not reach these npm commands.
function cleanEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return Object.assign(env, extra);
}

async function startVerdaccio({ installDir = installVerdaccio(), tmpDir = os.tmpdir(), startTimeoutMs = 60000 } = {}) {
  const dir = fs.mkdtempSync(path.join(tmpDir, 'untis-verdaccio-'));
  const [port] = await freePorts(1);
  const url = `http://127.0.0.1:${port}`;
  const config = path.join(dir, 'config.yaml');
  fs.writeFileSync(
    config,
    [
      `storage: ${path.join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${path.join(dir, 'htpasswd')}`,
      '    max_users: -1',
      'uplinks: {}',
      'packages:',
      "  '**':",
      '    access: $all',
      '    publish: $all',
      '    unpublish: $all',
      'server:',
      '  keepAliveTimeout: 60',
      'log: { type: stdout, format: pretty, level: warn }',
      `listen: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const logFile = path.join(dir, 'verdaccio.log');
  const fd = fs.openSync(logFile, 'a');
  const bin = path.join(installDir, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  const child = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', fd, fd],
    detached: true,
    env: cleanEnv({}),
  });
  fs.closeSync(fd);
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const deadline = Date.now() + startTimeoutMs;
  while ((await ping(url)) !== 200) {
    if (exited || Date.now() > deadline) {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      throw new Error(`verdaccio did not start on ${url}: ${JSON.stringify(exited)}\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
    }
    await sleep(200);
  }
  const userconfig = path.join(dir, 'npmrc');
  fs.writeFileSync(userconfig, `registry=${url}/\n//127.0.0.1:${port}/:_authToken=dummy-local-token\n`);

  /** Packs a copy of packageDir's published files with `version` and publishes it; returns { name, version, tarball }. */
  function publish(packageDir, { version } = {}) {
    const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
    const copy = fs.mkdtempSync(path.join(dir, 'pkg-'));
    for (const entry of [...(manifest.files || []), 'package.json', 'README.md', 'LICENSE']) {
      const from = path.join(packageDir, entry);
      if (fs.existsSync(from)) fs.cpSync(from, path.join(copy, entry), { recursive: true });
    }
    if (version) manifest.version = version;
    fs.writeFileSync(path.join(copy, 'package.json'), JSON.stringify(manifest, null, 2));
    const npmEnv = cleanEnv({ npm_config_userconfig: userconfig, npm_config_registry: `${url}/` });
    const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--json'], { cwd: copy, env: npmEnv, encoding: 'utf8' });
    const tarball = path.join(dir, JSON.parse(packed)[0].filename);
    execFileSync('npm', ['publish', tarball, '--ignore-scripts', '--registry', `${url}/`, '--userconfig', userconfig, '--tag', 'latest'], {
      cwd: dir,
      env: npmEnv,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { name: manifest.name, version: manifest.version, tarball };
  }

  async function stop() {
    if (!exited) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      const until = Date.now() + 10000;
      while (!exited && Date.now() < until) await sleep(100);
      if (!exited) try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }
    if (!process.env.N8N_E2E_KEEP) fs.rmSync(dir, { recursive: true, force: true });
  }

  return { url, port, dir, logFile, pid: child.pid, publish, stop, logText: () => fs.readFileSync(logFile, 'utf8') };
}

module.exports = { startVerdaccio, installVerdaccio };
