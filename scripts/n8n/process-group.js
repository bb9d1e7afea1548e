'use strict';
const fs = require('node:fs');

/**
 * Live (non-zombie) processes whose process group is `pgid`, as [{ pid, state, comm, cpuSeconds }].
 * Reads /proc (Linux), because kill(-pgid, 0) also "succeeds" for zombies that a
 * container's PID 1 never reaps. Falls back to kill(-pgid, 0) without /proc.
 */
function processGroupMembers(pgid) {
  let entries;
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    try {
      process.kill(-pgid, 0);
      return [{ pid: pgid, state: '?', comm: '?' }];
    } catch (e) {
      return e.code === 'EPERM' ? [{ pid: pgid, state: '?', comm: '?' }] : [];
    }
  }
  const members = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp ... ; comm may contain spaces and parentheses
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    const [state, , pgrp] = fields;
    // utime and stime (fields 14 and 15), in clock ticks (USER_HZ, 100 on Linux).
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / 100;
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') members.push({ pid: Number(name), state, comm, cpuSeconds });
  }
  return members;
}

/** CPU seconds (user + system) used so far by the live processes of group `pgid` (Linux /proc). */
function groupCpuSeconds(pgid) {
  return processGroupMembers(pgid).reduce((sum, member) => sum + (member.cpuSeconds || 0), 0);
}

module.exports = { processGroupMembers, groupCpuSeconds };
