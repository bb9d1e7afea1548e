'use strict';
// Usage (spawned detached by n8n-instance.js): node watchdog.js <ownerPid> <pgid>
// If the process that started n8n disappears without stopping it (killed test runner,
// Ctrl-C, crash), end n8n's process group: SIGTERM, then SIGKILL after 10 s.
// Exits by itself as soon as the group is gone.
const { processGroupMembers } = require('./process-group');

const ownerPid = Number(process.argv[2]);
const pgid = Number(process.argv[3]);
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
};
const signal = (sig) => {
  try {
    process.kill(-pgid, sig);
  } catch {
    // group already gone
  }
};

let termSentAt = 0;
const timer = setInterval(() => {
  if (processGroupMembers(pgid).length === 0) {
    clearInterval(timer);
    return;
  }
  if (alive(ownerPid)) return;
  if (!termSentAt) {
    termSentAt = Date.now();
    signal('SIGTERM');
  } else if (Date.now() - termSentAt > 10000) {
    signal('SIGKILL');
  }
}, 500);
