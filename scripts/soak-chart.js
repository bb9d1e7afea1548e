'use strict';
// Renders the soak reports (written by test/soak/queue.soak.test.cts: .ci-results/reports/soak.json
// for the trigger, soak-webhook.json for the control, or their copies under bench/soak/) as one SVG
// with two panels over minutes: the webhook process's resident memory and V8 heap (used, and live
// after a full collection), then the jobs queued in Redis (which the webhook process holds until a
// worker finishes them). The trigger's lines are solid, the control's dashed; heap snapshots are
// marked. Node built-ins only.
// Usage: node scripts/soak-chart.js <soak.json> <out.svg> [<soak-webhook.json>]
const fs = require('node:fs');

const [input, output, controlInput] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node scripts/soak-chart.js <soak.json> <out.svg> [<control soak.json>]');
  process.exit(2);
}
const runs = [{ soak: JSON.parse(fs.readFileSync(input, 'utf8')), dash: '', name: 'trigger' }];
if (controlInput && fs.existsSync(controlInput)) {
  runs.push({ soak: JSON.parse(fs.readFileSync(controlInput, 'utf8')), dash: '5 3', name: "Webhook node (dashed)" });
}
const W = 760;
const H = 470;
const left = 60;
const right = 16;
const panels = [
  {
    top: 70,
    bottom: 290,
    label: 'MiB',
    series: [
      { key: 'webhookRssMiB', label: 'webhook process RSS', color: '#1f77b4' },
      { key: 'webhookHeapUsedMiB', label: 'V8 heap used', color: '#2ca02c' },
      { key: 'webhookLiveHeapMiB', label: 'live heap (after full GC)', color: '#9467bd' },
    ],
  },
  { top: 320, bottom: 420, label: 'jobs queued', series: [{ key: 'queued', label: 'jobs waiting or active in Redis', color: '#d62728' }] },
];
const all = runs.flatMap((r) => r.soak.samples);
const maxX = Math.max(1, ...all.map((s) => s.t)) / 60;
const x = (minutes) => left + (minutes / maxX) * (W - left - right);
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
const lines = [];
lines.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
lines.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
lines.push(
  `<text x="${left}" y="16" font-size="12" font-weight="bold">${esc(
    `Soak, webhook process in queue mode: ${runs.map((r) => `${r.name} ${r.soak.deliveries.toLocaleString('en')} at ${r.soak.achievedRate}/s`).join(', ')}`,
  )}</text>`,
);
const g = (r) => r.soak.growthMiBPer1000 || {};
runs.forEach((r, i) => {
  lines.push(
    `<text x="${left}" y="${32 + i * 13}" fill="#555">${esc(
      `${r.name}: per 1,000 deliveries while sending RSS ${g(r).webhook} MiB, heap used ${g(r).webhookHeapUsed ?? '-'} MiB, live heap ${g(r).webhookLiveHeap ?? '-'} MiB`,
    )}</text>`,
  );
});
for (const p of panels) {
  const maxY = Math.ceil(Math.max(1, ...all.flatMap((s) => p.series.map((c) => s[c.key] || 0))) / 100) * 100;
  const y = (v) => p.bottom - (v / maxY) * (p.bottom - p.top);
  for (let i = 0; i <= 4; i++) {
    const v = (maxY / 4) * i;
    lines.push(`<line x1="${left}" x2="${W - right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    lines.push(`<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${Math.round(v)}</text>`);
  }
  const mid = (p.top + p.bottom) / 2;
  lines.push(`<text x="14" y="${mid}" transform="rotate(-90 14 ${mid})" text-anchor="middle">${esc(p.label)}</text>`);
  runs.forEach((r) => {
    const end = r.soak.sendSeconds / 60;
    lines.push(`<line x1="${x(end)}" x2="${x(end)}" y1="${p.top}" y2="${p.bottom}" stroke="#999" stroke-dasharray="${r.dash || '2 2'}"/>`);
    for (const s of r.soak.snapshots || []) lines.push(`<circle cx="${x(s.t / 60)}" cy="${p.bottom}" r="3" fill="#555"/>`);
    for (const c of p.series) {
      const points = r.soak.samples.filter((s) => s[c.key] !== undefined).map((s) => `${x(s.t / 60).toFixed(1)},${y(s[c.key]).toFixed(1)}`);
      lines.push(`<polyline fill="none" stroke="${c.color}" stroke-width="1.3"${r.dash ? ` stroke-dasharray="${r.dash}"` : ''} points="${points.join(' ')}"/>`);
    }
  });
  p.series.forEach((c, i) => {
    const lx = left + 10 + i * 190;
    lines.push(`<line x1="${lx}" x2="${lx + 18}" y1="${p.top - 6}" y2="${p.top - 6}" stroke="${c.color}" stroke-width="2"/>`);
    lines.push(`<text x="${lx + 24}" y="${p.top - 2}">${esc(c.label)}</text>`);
  });
}
const step = maxX > 30 ? 10 : maxX > 12 ? 5 : maxX > 4 ? 2 : 1;
for (let m = 0; m <= maxX; m += step) lines.push(`<text x="${x(m)}" y="${panels[1].bottom + 16}" text-anchor="middle">${m}</text>`);
lines.push(
  `<text x="${(W + left) / 2}" y="${H - 12}" text-anchor="middle">${esc('minutes; grey lines: end of sending (then the queue drains); dots: heap snapshots')}</text>`,
);
lines.push('</svg>');
fs.writeFileSync(output, `${lines.join('\n')}\n`);
console.log(`wrote ${output} (${runs.map((r) => `${r.soak.samples.length} samples`).join(', ')})`);
