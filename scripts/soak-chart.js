'use strict';
// Renders the soak's memory samples (.ci-results/reports/soak.json, written by
// test/soak/queue.soak.test.cts) as a small SVG line chart: resident memory (MiB) of the webhook
// process and the worker over minutes, the end of sending marked. With a second report (the control
// run, SOAK_WORKFLOW=webhook) its two lines are drawn dashed beside them. Node built-ins only.
// Usage: node scripts/soak-chart.js <soak.json> <out.svg> [<soak-webhook.json>]
const fs = require('node:fs');

const [input, output, controlInput] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node scripts/soak-chart.js <soak.json> <out.svg> [<control soak.json>]');
  process.exit(2);
}
const runs = [{ soak: JSON.parse(fs.readFileSync(input, 'utf8')), dash: '', name: 'trigger' }];
if (controlInput && fs.existsSync(controlInput)) {
  runs.push({ soak: JSON.parse(fs.readFileSync(controlInput, 'utf8')), dash: '5 3', name: "n8n's Webhook node" });
}
const W = 720;
const H = 320;
const pad = { left: 56, right: 16, top: 56, bottom: 44 };
const series = [
  { key: 'webhookRssMiB', label: 'webhook process', color: '#1f77b4' },
  { key: 'workerRssMiB', label: 'worker', color: '#d62728' },
];
const all = runs.flatMap((r) => r.soak.samples);
const maxX = Math.max(1, ...all.map((s) => s.t)) / 60;
const maxY = Math.ceil(Math.max(...all.flatMap((s) => series.map((x) => s[x.key]))) / 200) * 200 || 200;
const x = (minutes) => pad.left + (minutes / maxX) * (W - pad.left - pad.right);
const y = (v) => H - pad.bottom - (v / maxY) * (H - pad.top - pad.bottom);
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
const lines = [];
lines.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
lines.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
const main = runs[0].soak;
lines.push(
  `<text x="${pad.left}" y="16" font-size="12" font-weight="bold">${esc(`Soak: resident memory, ${main.deliveries.toLocaleString('en')} signed deliveries at ${main.achievedRate}/s into queue mode`)}</text>`,
);
const warmup = (main.growthMiBPer1000 || {}).warmupDeliveries;
lines.push(`<text x="${pad.left}" y="31" fill="#555">${esc(`growth per 1,000 deliveries while sending (after ${warmup} warm-up):`)}</text>`);
lines.push(
  `<text x="${pad.left}" y="44" fill="#555">${esc(
    runs
      .map((r) => `${r.name}${r.dash ? ' (dashed)' : ''}: webhook ${r.soak.growthMiBPer1000.webhook} MiB, worker ${r.soak.growthMiBPer1000.worker} MiB`)
      .join('; '),
  )}</text>`,
);
for (let i = 0; i <= 4; i++) {
  const v = (maxY / 4) * i;
  lines.push(`<line x1="${pad.left}" x2="${W - pad.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
  lines.push(`<text x="${pad.left - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
}
const step = maxX > 12 ? 5 : maxX > 4 ? 2 : 1;
for (let m = 0; m <= maxX; m += step) {
  lines.push(`<text x="${x(m)}" y="${H - pad.bottom + 16}" text-anchor="middle">${m}</text>`);
}
lines.push(`<text x="${(W + pad.left) / 2}" y="${H - 8}" text-anchor="middle">minutes (sending, then the queue drains)</text>`);
lines.push(`<text x="14" y="${(H - pad.bottom + pad.top) / 2}" transform="rotate(-90 14 ${(H - pad.bottom + pad.top) / 2})" text-anchor="middle">RSS (MiB)</text>`);
runs.forEach((r) => {
  const end = r.soak.sendSeconds / 60;
  lines.push(`<line x1="${x(end)}" x2="${x(end)}" y1="${pad.top}" y2="${H - pad.bottom}" stroke="#999" stroke-dasharray="${r.dash || '2 2'}"/>`);
});
lines.push(`<text x="${x(main.sendSeconds / 60) + 4}" y="${pad.top + 10}" fill="#777">end of sending</text>`);
runs.forEach((r) => {
  for (const s of series) {
    const points = r.soak.samples.map((p) => `${x(p.t / 60).toFixed(1)},${y(p[s.key]).toFixed(1)}`).join(' ');
    lines.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.5"${r.dash ? ` stroke-dasharray="${r.dash}"` : ''} points="${points}"/>`);
  }
});
series.forEach((s, i) => {
  const lx = W - pad.right - 130;
  const ly = H - pad.bottom - 30 + i * 14;
  lines.push(`<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`);
  lines.push(`<text x="${lx + 24}" y="${ly}">${esc(s.label)}</text>`);
});
lines.push('</svg>');
fs.writeFileSync(output, `${lines.join('\n')}\n`);
console.log(`wrote ${output} (${runs.map((r) => `${r.soak.samples.length} samples`).join(', ')})`);
