'use strict';
// A long-running child in its own session and process group (spawned detached), with the same
// safety net as n8n-instance.js: an 'exit' handler and a detached watchdog (../watchdog.js) end
// the group if the test process goes away without stopping it. Only this group is ever signalled.
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const { processGroupMembers } = require('../process-group');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * spawnGroup({ name, command, args, env, cwd, logFile, uid, gid }) -> handle
 *   handle.pid (= process group id), isRunning(), exitInfo,
 *   stop({ signal = 'SIGTERM', timeoutMs = 20000 }) -> { forced, ms }   (SIGKILL after timeout)
 *   kill(signal = 'SIGKILL', { timeoutMs = 10000 }) -> { gone, ms }
 */
function spawnGroup({ name, command, args = [], env = process.env, cwd, logFile, uid, gid }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.appendFileSync(logFile, `\n=== [harness ${new Date().toISOString()}] start ${name}: ${command} ${args.join(' ')}\n`);
  const fd = fs.openSync(logFile, 'a');
  const options = { env, cwd, stdio: ['ignore', fd, fd], detached: true };
  if (uid !== undefined) Object.assign(options, { uid, gid });
  const child = spawn(command, args, options);
  fs.closeSync(fd);
  const handle = { name, logFile, pid: child.pid, exitInfo: null };
  child.on('exit', (code, signal) => {
    handle.exitInfo = { code, signal };
  });
  child.on('error', (error) => {
    handle.exitInfo = { error: error.message };
  });
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch (e) {
      if (e.code !== 'ESRCH') throw e;
    }
  };
  const onProcessExit = () => signalGroup('SIGKILL');
  process.on('exit', onProcessExit);
  const watchdog = spawn(process.execPath, [path.join(__dirname, '..', 'watchdog.js'), String(process.pid), String(child.pid)], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();

  const isRunning = () => processGroupMembers(child.pid).length > 0;
  async function waitGone(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (handle.exitInfo && !isRunning()) return true;
      await sleep(100);
    }
    return handle.exitInfo !== null && !isRunning();
  }
  function release() {
    process.removeListener('exit', onProcessExit);
    if (watchdog.exitCode === null && watchdog.signalCode === null) watchdog.kill('SIGKILL');
  }
  const log = (line) => fs.appendFileSync(logFile, `\n=== [harness ${new Date().toISOString()}] ${line}\n`);

  handle.isRunning = isRunning;
  handle.stop = async ({ signal = 'SIGTERM', timeoutMs = 20000 } = {}) => {
    const t0 = Date.now();
    let forced = false;
    if (!handle.exitInfo || isRunning()) {
      signalGroup(signal);
      if (!(await waitGone(timeoutMs))) {
        forced = true;
        signalGroup('SIGKILL');
        if (!(await waitGone(10000))) throw new Error(`${name}: process group ${child.pid} survived SIGKILL`);
      }
    }
    release();
    log(`stopped ${name} (${forced ? 'SIGKILL after timeout' : signal}) in ${Date.now() - t0} ms`);
    return { forced, ms: Date.now() - t0 };
  };
  handle.kill = async (signal = 'SIGKILL', { timeoutMs = 10000 } = {}) => {
    const t0 = Date.now();
    log(`${signal} to ${name}`);
    signalGroup(signal);
    const gone = await waitGone(timeoutMs);
    if (gone) release();
    return { gone, ms: Date.now() - t0 };
  };
  return handle;
}

function tailOf(file, lines = 60) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

module.exports = { spawnGroup, tailOf, sleep };
