'use strict';
// Renders the soak's memory samples (.ci-results/reports/soak.json, written by
// test/soak/queue.soak.test.cts) as a small SVG line chart: resident memory (MiB) of the webhook
// process and the worker over deliveries sent. Node built-ins only.
// Usage: node scripts/soak-chart.js <soak.json> <out.svg>
const fs = require('node:fs');

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node scripts/soak-chart.js <soak.json> <out.svg>');
  process.exit(2);
}
const soak = JSON.parse(fs.readFileSync(input, 'utf8'));
const samples = soak.samples;
const W = 640;
const H = 300;
const pad = { left: 56, right: 16, top: 36, bottom: 44 };
const series = [
  { key: 'webhookRssMiB', label: 'webhook process', color: '#1f77b4' },
  { key: 'workerRssMiB', label: 'worker', color: '#d62728' },
];
const maxX = Math.max(1, ...samples.map((s) => s.sent));
const maxY = Math.ceil(Math.max(...samples.flatMap((s) => series.map((x) => s[x.key]))) / 100) * 100 || 100;
const x = (v) => pad.left + (v / maxX) * (W - pad.left - pad.right);
const y = (v) => H - pad.bottom - (v / maxY) * (H - pad.top - pad.bottom);
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
const lines = [];
lines.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
lines.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
const g = soak.growthMiBPer1000 || {};
lines.push(
  `<text x="${pad.left}" y="16" font-size="12" font-weight="bold">${esc(`Soak: resident memory over ${soak.deliveries} deliveries (${soak.achievedRate}/s, ${Math.round(soak.sendSeconds / 60)} min)`)}</text>`,
);
lines.push(`<text x="${pad.left}" y="30" fill="#555">${esc(`growth after ${g.warmupDeliveries} warm-up deliveries: webhook ${g.webhook} MiB, worker ${g.worker} MiB per 1,000`)}</text>`);
for (let i = 0; i <= 4; i++) {
  const v = (maxY / 4) * i;
  lines.push(`<line x1="${pad.left}" x2="${W - pad.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
  lines.push(`<text x="${pad.left - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
}
for (let i = 0; i <= 5; i++) {
  const v = Math.round((maxX / 5) * i);
  lines.push(`<text x="${x(v)}" y="${H - pad.bottom + 16}" text-anchor="middle">${v.toLocaleString('en')}</text>`);
}
lines.push(`<text x="${(W + pad.left) / 2}" y="${H - 8}" text-anchor="middle">deliveries sent</text>`);
lines.push(`<text x="14" y="${(H - pad.bottom + pad.top) / 2}" transform="rotate(-90 14 ${(H - pad.bottom + pad.top) / 2})" text-anchor="middle">RSS (MiB)</text>`);
series.forEach((s, i) => {
  const points = samples.map((p) => `${x(p.sent).toFixed(1)},${y(p[s.key]).toFixed(1)}`).join(' ');
  lines.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${points}"/>`);
  const lx = W - pad.right - 150;
  const ly = pad.top + 14 + i * 16;
  lines.push(`<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`);
  lines.push(`<text x="${lx + 24}" y="${ly}">${esc(s.label)}</text>`);
});
lines.push('</svg>');
fs.writeFileSync(output, `${lines.join('\n')}\n`);
console.log(`wrote ${output} (${samples.length} samples)`);
