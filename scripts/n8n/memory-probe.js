'use strict';
/*
 * Memory probe for one n8n process, loaded with NODE_OPTIONS="--require <this file>" (the soak
 * passes it to the webhook process only). Node built-ins only; it reads no request and no secret.
 *
 *   MEMORY_PROBE_DIR      where it writes (required; without it the probe does nothing)
 *   MEMORY_PROBE_ROLE     the n8n command it is meant for ('webhook'): the task-runner child and
 *                         CLI steps that inherit NODE_OPTIONS are left alone
 *   MEMORY_PROBE_MS       sample interval (5000)
 *   MEMORY_PROBE_GC_EVERY every Nth sample is taken after a full garbage collection (12; 0 = never)
 *
 * Writes <dir>/memory.jsonl, one line per sample:
 *   { t (epoch ms), rss, heapUsed, heapTotal, external, arrayBuffers (bytes), gc (true when taken
 *     after a full collection: heapUsed is then the live heap) }
 * On SIGUSR2 it writes <dir>/heap-<n>.heapsnapshot (n = 1, 2, ...; V8 collects garbage first) and
 * a line { t, snapshot, ms }. Writing blocks the process for as long as it takes.
 */
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');

const dir = process.env.MEMORY_PROBE_DIR;
const role = process.env.MEMORY_PROBE_ROLE;
if (dir && (!role || process.argv.slice(2).includes(role))) {
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, 'memory.jsonl');
  const write = (record) => fs.appendFileSync(out, `${JSON.stringify(record)}\n`);
  const every = Number(process.env.MEMORY_PROBE_GC_EVERY ?? 12);
  // A gc() for this probe only: the flag is read when a context is made, so the process's own
  // global stays without it.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  let n = 0;
  const sample = () => {
    n += 1;
    const collected = every > 0 && n % every === 0;
    if (collected) gc();
    const m = process.memoryUsage();
    write({ t: Date.now(), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, gc: collected });
  };
  sample();
  setInterval(sample, Number(process.env.MEMORY_PROBE_MS || 5000)).unref();
  let snapshots = 0;
  process.on('SIGUSR2', () => {
    snapshots += 1;
    const t0 = Date.now();
    const file = v8.writeHeapSnapshot(path.join(dir, `heap-${snapshots}.heapsnapshot`));
    write({ t: Date.now(), snapshot: path.basename(file), ms: Date.now() - t0 });
  });
}
