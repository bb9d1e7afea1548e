'use strict';
const fs = require('node:fs');

/**
 * Live (non-zombie) processes whose process group is `pgid`, as [{ pid, state, comm }].
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
    const [state, , pgrp] = stat.slice(close + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') members.push({ pid: Number(name), state, comm });
  }
  return members;
}

module.exports = { processGroupMembers };
