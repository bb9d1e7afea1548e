'use strict';
// Condenses one soak report (test/soak/queue.soak.test.cts) and, optionally, the heap comparison
// of its snapshots (scripts/heap-diff.js) into a small JSON for bench/soak/: the figures, growth per
// 1,000 deliveries between snapshots (a snapshot leaves the serialiser's memory in the process's
// RSS, so RSS is compared only within a segment) and in each half of the sending phase (does it
// level off), and the samples thinned to one per 30 s. Node built-ins only.
// --probe <memory.jsonl> takes the snapshots from the webhook process's probe instead of the report
// (in the order written, each placed at the sample before it), for a run with an extra snapshot
// sent by hand (kill -USR2).
// Usage: node scripts/soak-summary.js <soak.json> [<heap-diff.json>] [--probe memory.jsonl] --out <summary.json>
const fs = require('node:fs');

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? args.splice(outAt, 2)[1] : null;
const probeAt = args.indexOf('--probe');
const probe = probeAt >= 0 ? args.splice(probeAt, 2)[1] : null;
const [reportFile, diffFile] = args;
if (!reportFile || !out) {
  console.error('usage: node scripts/soak-summary.js <soak.json> [<heap-diff.json>] --out <summary.json>');
  process.exit(2);
}
const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
const diff = diffFile ? JSON.parse(fs.readFileSync(diffFile, 'utf8')) : null;

/** Least-squares slope of y over x, per 1,000 x. */
function per1000(points) {
  const n = points.length;
  if (n < 3) return null;
  const mx = points.reduce((s, [a]) => s + a, 0) / n;
  const my = points.reduce((s, [, b]) => s + b, 0) / n;
  const sxx = points.reduce((s, [a]) => s + (a - mx) ** 2, 0);
  return sxx === 0 ? null : Number(((points.reduce((s, [a, b]) => s + (a - mx) * (b - my), 0) / sxx) * 1000).toFixed(2));
}
const KEYS = ['webhookRssMiB', 'webhookHeapUsedMiB', 'webhookLiveHeapMiB', 'queued'];
function growth(samples) {
  const g = { deliveries: samples.length ? [samples[0].sent, samples[samples.length - 1].sent] : null, samples: samples.length };
  for (const k of KEYS) g[k] = per1000(samples.filter((s) => s[k] !== undefined).map((s) => [s.sent, s[k]]));
  return g;
}
const warmup = report.growthMiBPer1000.warmupDeliveries;
const sending = report.samples.filter((s) => s.t <= report.sendSeconds && s.sent >= warmup);
let snaps = report.snapshots || [];
if (probe) {
  // The probe's clock is the wall clock; the report's t is seconds from the first sample, whose
  // wall time is the probe line nearest before it (both sample every few seconds: close enough).
  const lines = fs.readFileSync(probe, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const t0 = report.startedAt || (lines.find((l) => l.snapshot) || {}).t - snaps[0].t * 1000 - (snaps[0].seconds || 0) * 1000;
  snaps = lines.filter((l) => l.snapshot).map((l, i) => {
    const t = (l.t - l.ms - t0) / 1000;
    const before = report.samples.filter((s) => s.t <= t).pop() || report.samples[0];
    return { label: `heap-${i + 1}`, t: Number(t.toFixed(1)), sent: before.sent, queued: before.queued, seconds: l.ms / 1000 };
  });
}
// Segments between snapshots: from 10 s after one is written to the start of the next.
const segments = [];
for (let i = 0; i + 1 < snaps.length; i++) {
  const from = snaps[i].t + (snaps[i].seconds || 0) + 10;
  const to = snaps[i + 1].t;
  segments.push({ between: `${snaps[i].label} → ${snaps[i + 1].label}`, ...growth(sending.filter((s) => s.t > from && s.t < to)) });
}
const half = report.deliveries / 2;
const summary = {
  measured: report.measured || null,
  workflow: report.workflow,
  deliveries: report.deliveries,
  targetRate: report.targetRate,
  achievedRate: report.achievedRate,
  sendSeconds: report.sendSeconds,
  maxBehindSchedule: report.maxBehindSchedule,
  lazyIsolates: report.lazyIsolates,
  ledger: report.ledger,
  resend: report.resend,
  storedAfterResend: report.storedAfterResend,
  executions: report.executions,
  queuedAtEndOfSending: report.queuedAtEndOfSending,
  maxQueued: report.maxQueued,
  queuedAfterDrain: report.queuedAfterDrain,
  drainSeconds: report.drainSeconds,
  snapshots: snaps.map(({ file, ...s }) => s),
  memoryMiB: report.memoryMiB,
  growthPer1000: {
    wholeSending: report.growthMiBPer1000,
    firstHalf: growth(sending.filter((s) => s.sent < half)),
    secondHalf: growth(sending.filter((s) => s.sent >= half)),
    betweenSnapshots: segments,
  },
  heap: diff && {
    snapshots: diff.snapshots.map((s) => ({ file: s.file, nodes: s.nodes, selfSizeMiB: s.selfSizeMiB, top: s.top.slice(0, 8) })),
    growth: diff.growth.map((d) => ({ from: d.from, to: d.to, selfSizeMiB: d.selfSizeMiB, top: d.top.slice(0, 10) })),
    retainers: diff.retainers,
  },
  samples: report.samples.filter((s, i, all) => i === 0 || i === all.length - 1 || Math.floor(s.t / 30) !== Math.floor(all[i - 1].t / 30)),
};
fs.writeFileSync(out, `${JSON.stringify(summary, null, 1)}\n`);
console.log(`wrote ${out}`);
