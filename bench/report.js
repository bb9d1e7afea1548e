'use strict';
/** Writes BENCHMARKS.md and docs/images/benchmarks.svg from bench/results/*.json. */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const read = (name) => {
	const file = path.join(__dirname, 'results', name);
	return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
};
const inproc = read('inprocess.json');
const fmt = (n, d = 0) => Number(n).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function chart(bars) {
	const width = 720;
	const rowH = 26;
	const left = 300;
	// Up to 4x drawn to scale; a longer bar is cut there (its label still gives the ratio).
	const max = Math.min(4.2, Math.max(1.2, ...bars.map((bar) => Math.max(bar.ratio, bar.target) * 1.05)));
	const scale = (width - left - 60) / max;
	const height = 40 + bars.length * rowH + 30;
	const x1 = left + scale;
	const rows = bars
		.map((bar, i) => {
			const y = 30 + i * rowH;
			const w = Math.max(1, Math.min(max, bar.ratio) * scale);
			const color = bar.ratio >= bar.target ? '#2e7d32' : '#c62828';
			return [
				`<text x="${left - 8}" y="${y + 15}" text-anchor="end" font-size="12">${bar.label}</text>`,
				`<rect x="${left}" y="${y + 3}" width="${w.toFixed(1)}" height="16" fill="${color}"/>`,
				`<text x="${left + w + 6}" y="${y + 15}" font-size="12">${bar.ratio.toFixed(2)}x</text>`,
				`<line x1="${(left + bar.target * scale).toFixed(1)}" y1="${y + 1}" x2="${(left + bar.target * scale).toFixed(1)}" y2="${y + 21}" stroke="#333" stroke-dasharray="3,2"/>`,
			].join('');
		})
		.join('\n');
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="18" font-size="14" font-weight="bold">Untis Platform Trigger: ratio to its baseline (dashed line: target; green: met; bars cut at 4.2x)</text>
<line x1="${x1}" y1="26" x2="${x1}" y2="${height - 24}" stroke="#999"/>
<text x="${x1}" y="${height - 8}" font-size="11" text-anchor="middle">1.0x</text>
${rows}
</svg>
`;
}

const bars = [];
let md = `# Benchmarks

Measured by \`npm run bench\` on one machine, each table side by side in one run: absolute numbers
are not comparable between runs on these shared 2-core machines, the ratios are. The figures are
printed, not asserted (the one assertion is section 2's isolate check).

![ratios](docs/images/benchmarks.svg)
`;
if (inproc) {
	md += `
## 1. In-process: the built trigger's \`webhook()\` against the crypto it cannot avoid

${inproc.date.slice(0, 10)}, Node ${inproc.node}, ${inproc.cpu} (${inproc.cores} cores); medians of ${inproc.rounds} interleaved rounds of ${inproc.seconds} s per side.
\`webhook()\` runs with a mocked n8n context (credentials, parameters, request with raw body,
response) on real signed requests, alternating with its baseline every ${inproc.batch ?? 10} calls; the baseline is
bare \`crypto.verify\` with a cached KeyObject, plus, on accepted paths, the keyed HMAC-SHA-256
\`deliveryId\` and, for credentials, the two AES-256-GCM seals. The machine was shared with other
sessions' n8n instances${inproc.loadAverage ? ` (load average ${inproc.loadAverage.map((l) => l.toFixed(1)).join(' / ')} at the end)` : ''}.

| path | webhook() /s | baseline /s | ratio | baseline |
|---|---:|---:|---:|---|
${inproc.rows.map((r) => `| ${r.path} | ${fmt(r.oursPerSec)} | ${fmt(r.baselinePerSec)} | **${r.ratio.toFixed(2)}x** | ${r.baseline} |`).join('\n')}

Target: ≥ 0.8x on the forged, deactivation and credentials paths. The last row is not a ratio to
beat but what the key cache saves: parsing three keys on every request instead of once.
`;
	for (const r of inproc.rows.slice(0, 5)) bars.push({ label: r.path, ratio: r.ratio, target: 0.8 });
}
const real = read('n8n.json');
if (real) {
	const columns = real.configs;
	const row = (label, cell) => `| ${label} | ${columns.map(cell).join(' | ')} |`;
	const perRun = (ratio) => (ratio ? `**${ratio.median.toFixed(2)}x** (${ratio.perRun.map((r) => r.toFixed(2)).join(', ')})` : '–');
	const rate = (summary) => (summary ? fmt(summary.perSec, 1) : '–');
	const load = real.loadAverage.map((l) => l.toFixed(1)).join(' / ');
	md += `
## 2. Through real n8n: the trigger against what a vendor builds instead

${real.date.slice(0, 10)}, n8n ${real.n8n}, Node ${real.node}, ${real.cpu} (${real.cores} cores), **shared with other sessions' n8n, Postgres, Redis and a soak: load average ${load} at the end**, so the rates are low and only the ratios count.
One n8n instance per column, all running at once; ${real.runs} rounds, each measuring every instance in turn
(order rotating): ${real.deliveries} signed deliveries to each side at concurrency ${real.concurrency}, then a flood of
${real.forgedPerFlood} forged requests (a genuine signature over other bytes) to each. Ratios are per round, then the
median (the rounds' values in brackets); ${fmt(real.minutes)} minutes in all.
The **alternative**: n8n's Webhook node (raw body, *Respond to Webhook*) → Code with \`crypto.verify\` →
IF → Respond to Webhook 200 or 401. *With the change*: a scratch copy of the installed n8n with the
isolate rule of [docs/upstream-isolate.md](docs/upstream-isolate.md), made by \`bench/patch-isolate-rule.js\`.

| | ${columns.map((c) => c.label).join(' | ')} |
|---|${columns.map(() => '---:').join('|')}|
${row('trigger: accepted /s', (c) => rate(c.accepted.ours))}
${row('alternative: accepted /s', (c) => rate(c.accepted.alternative))}
${row('**accepted, trigger : alternative**', (c) => perRun(c.vsAlternative.accepted))}
${row('acknowledgement p99, trigger / alternative', (c) => (c.accepted.ours && c.accepted.alternative ? `${fmt(c.accepted.ours.p99)} / ${fmt(c.accepted.alternative.p99)} ms` : '–'))}
${row('trigger: forged rejected /s', (c) => rate(c.forged.ours))}
${row('alternative: forged rejected /s', (c) => rate(c.forged.alternative))}
${row('**forged, trigger : alternative**', (c) => perRun(c.vsAlternative.forged))}
${row('forged: executions created, trigger / alternative', (c) => (c.forged.ours && c.forged.alternative ? `${c.forged.ours.executionsCreated} / ${c.forged.alternative.executionsCreated}` : '–'))}
${row('forged: answers, trigger', (c) => (c.forged.ours ? Object.entries(c.forged.ours.statuses).map(([status, n]) => `${n}× ${status}`).join(', ') : '–'))}
`;
	const checked = columns.filter((c) => c.isolateCheck);
	if (checked.length) {
		md += `
**Isolate check** (\`bench/isolate-check.js\`, run before the rounds; it fails the bench if a row is wrong):
expression isolates per request, from n8n's own counter \`n8n_expression_pool_acquired_total\`, for
probe nodes that answer 200 themselves:

| probe node | ${checked.map((c) => c.label).join(' | ')} |
|---|${checked.map(() => '---:').join('|')}|
${checked[0].isolateCheck.map((probe, i) => `| ${probe.label} | ${checked.map((c) => c.isolateCheck[i].isolatesPerRequest).join(' | ')} |`).join('\n')}
`;
	}
	const TARGETS = { vm: 1, 'vm-patched': 2, 'vm-lazy': 3, legacy: 1 };
	for (const c of columns) if (c.vsAlternative.accepted) bars.push({ label: `${c.config}: accepted vs alternative`, ratio: c.vsAlternative.accepted.median, target: TARGETS[c.config] });
	for (const c of columns) if (c.vsAlternative.forged) bars.push({ label: `${c.config}: forged vs alternative`, ratio: c.vsAlternative.forged.median, target: 1.5 });
}
md += `
Method, history and the analysis behind each change: [bench/NOTES.md](bench/NOTES.md).
`;
// Sections 3 on come from other benchmarks (calendar, sync), written by hand from their results: kept.
const current = path.join(ROOT, 'BENCHMARKS.md');
const others = fs.existsSync(current) ? fs.readFileSync(current, 'utf8').split(/\n(?=## 3\. )/)[1] : undefined;
if (others) md += `\n${others}`;
fs.mkdirSync(path.join(ROOT, 'docs/images'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'docs/images/benchmarks.svg'), chart(bars));
fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), md);
console.log('written BENCHMARKS.md and docs/images/benchmarks.svg');
