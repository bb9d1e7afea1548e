'use strict';
/*
 * Debian's Prometheus on loopback, for the monitoring tests and for trying the alert rules by
 * hand: a temporary config and data dir, a free port, its own process group (stop() ends exactly
 * that group). Plain CommonJS, Node built-ins only.
 *
 *   const { startPrometheus, scaledRules } = require('./scripts/monitoring/prometheus');
 *   const prom = await startPrometheus({ targets: ['127.0.0.1:5678'], rules: scaledRules(text) });
 *   await prom.query('up'); await prom.alerts(); await prom.waitForAlert('UntisPlatformForgedRequests');
 *   await prom.stop();
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const { freePorts } = require('../n8n/ports');
const { spawnGroup, sleep } = require('../n8n/queue/processes');

const ROOT = path.join(__dirname, '..', '..');
const RULES = path.join(ROOT, 'monitoring', 'untis-platform.rules.yml');

/** { PROMETHEUS, PROMTOOL }: installs Debian's prometheus when missing (install-prometheus.sh). */
function installPrometheus() {
  const out = execFileSync(path.join(__dirname, 'install-prometheus.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const found = {};
  for (const line of out.split('\n')) {
    const m = /^(PROMETHEUS|PROMTOOL)=(.+)$/.exec(line);
    if (m) found[m[1]] = m[2];
  }
  if (!found.PROMETHEUS || !found.PROMTOOL) throw new Error(`install-prometheus.sh printed: ${out}`);
  return found;
}

/**
 * The repository's rules with their time scale shrunk for a test that must see an alert fire
 * within seconds: every range window becomes `window` and every `for:` becomes `forScale` of
 * itself in seconds (10m -> 10 s at the default 1/60). Thresholds are unchanged, so the flood a
 * test sends must still exceed them; the logic of each rule is the shipped one.
 */
function scaledRules(text = fs.readFileSync(RULES, 'utf8'), { window = '20s', forScale = 1 / 60 } = {}) {
  const seconds = (n, unit) => n * { s: 1, m: 60, h: 3600 }[unit];
  return text
    .replace(/\[(\d+)([smh])\]/g, `[${window}]`)
    .replace(/for: (\d+)([smh])/g, (_all, n, unit) => `for: ${Math.round(seconds(Number(n), unit) * forScale)}s`);
}

async function startPrometheus({ targets, rules, scrapeInterval = '1s', evaluationInterval = '1s', metricsPath = '/metrics' }) {
  const { PROMETHEUS } = installPrometheus();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'untis-prometheus-'));
  const [port] = await freePorts(1);
  const rulesFile = path.join(dir, 'rules.yml');
  fs.writeFileSync(rulesFile, rules ?? fs.readFileSync(RULES, 'utf8'));
  const config = [
    'global:',
    `  scrape_interval: ${scrapeInterval}`,
    `  evaluation_interval: ${evaluationInterval}`,
    'rule_files:',
    `  - ${JSON.stringify(rulesFile)}`,
    'scrape_configs:',
    '  - job_name: n8n',
    `    metrics_path: ${metricsPath}`,
    '    static_configs:',
    `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), config);
  const url = `http://127.0.0.1:${port}`;
  const group = spawnGroup({
    name: 'prometheus',
    command: PROMETHEUS,
    args: [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
    ],
    logFile: path.join(dir, 'prometheus.log'),
    cwd: dir,
  });
  const api = async (p) => {
    const res = await fetch(`${url}${p}`);
    if (!res.ok) throw new Error(`Prometheus ${p}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (!group.isRunning() || Date.now() > deadline) {
      throw new Error(`Prometheus did not start: ${fs.readFileSync(path.join(dir, 'prometheus.log'), 'utf8').slice(-2000)}`);
    }
    await sleep(250);
  }
  const prom = {
    url,
    dir,
    logText: () => fs.readFileSync(path.join(dir, 'prometheus.log'), 'utf8'),
    /** Instant query -> [{ metric, value: [t, "v"] }]. */
    async query(q) {
      return (await api(`/api/v1/query?query=${encodeURIComponent(q)}`)).data.result;
    },
    /** Alerts as /api/v1/alerts lists them: [{ labels, annotations, state, activeAt, value }]. */
    async alerts() {
      return (await api('/api/v1/alerts')).data.alerts;
    },
    /** Resolves with the alert once `name` (with these labels) is in state `state`; polls every 500 ms. */
    async waitForAlert(name, { state = 'firing', timeoutMs = 120_000, labels = {} } = {}) {
      const until = Date.now() + timeoutMs;
      const matches = (a) => a.labels.alertname === name && a.state === state && Object.entries(labels).every(([k, v]) => a.labels[k] === v);
      for (;;) {
        const found = (await prom.alerts()).find(matches);
        if (found) return found;
        if (Date.now() > until) throw new Error(`${name} not ${state} after ${timeoutMs} ms: ${JSON.stringify(await prom.alerts())}`);
        await sleep(500);
      }
    },
    async stop() {
      await group.stop({ timeoutMs: 10_000 });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return prom;
}

module.exports = { startPrometheus, installPrometheus, scaledRules, RULES };
