'use strict';
/**
 * Through a real n8n 2.x on loopback: accepted deliveries/s and acknowledgement p50/p99 for the
 * Untis Platform Trigger against n8n's built-in Webhook node on an identical workflow (both
 * followed by one No-Op), same instance, interleaved runs; then a flood of forged requests and the
 * executions it created. Prints figures, asserts nothing. Writes bench/results/n8n.json.
 * Run with Node 24 (scripts/bench.sh does).
 *   node bench/n8n.js [--config vm|vm-lazy|legacy] [--deliveries 200] [--runs 5] [--forged 2000]
 * Writes bench/results/n8n-<config>.json.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const { startN8n } = require(path.join(ROOT, 'scripts/n8n/n8n-instance'));
const sim = require(path.join(ROOT, 'tools/untis-platform-sim/sim.js'));

/** --name value; a number when the fallback is one. */
const arg = (name, fallback) => {
	const i = process.argv.indexOf(`--${name}`);
	if (i < 0) return fallback;
	return typeof fallback === 'number' ? Number(process.argv[i + 1]) : process.argv[i + 1];
};
const DELIVERIES = arg('deliveries', 200);
const RUNS = arg('runs', 5);
const CONCURRENCY = arg('concurrency', 10);
const FORGED = arg('forged', 2000);
// n8n 2.41's expression-engine settings, which decide what a webhook request costs (BENCHMARKS.md):
// vm, its default, creates a V8 isolate per acquisition; lazy acquisition creates one only when an
// expression is evaluated; legacy evaluates in-process.
const CONFIGS = {
	vm: {},
	'vm-lazy': { N8N_EXPRESSION_ENGINE: 'vm', N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
	legacy: { N8N_EXPRESSION_ENGINE: 'legacy' },
};
const CONFIG = arg('config', 'vm');
if (!CONFIGS[CONFIG]) throw new Error(`--config must be one of ${Object.keys(CONFIGS).join(', ')}`);

const noOp = (id, name) => ({ id, name, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [300, 0], parameters: {} });
const untisWorkflow = (n, typeVersion) => ({
	id: `benchUntisTrigger${n}`,
	name: `Bench: Untis Platform Trigger v${typeVersion}`,
	nodes: [
		{
			id: `c${n}000000-0000-4000-8000-000000000001`, name: 'Untis Platform Trigger', type: 'n8n-nodes-untis-platform.untisPlatformTrigger',
			typeVersion, position: [0, 0], webhookId: `c${n}000000-0000-4000-8000-0000000be00${n}`,
			parameters: { secrets: 'seal', options: {} }, credentials: { untisPlatformApi: { id: 'benchUntisCred001', name: 'Untis (bench)' } },
		},
		noOp(`c${n}000000-0000-4000-8000-000000000002`, 'Done'),
	],
	connections: { 'Untis Platform Trigger': { main: [[{ node: 'Done', type: 'main', index: 0 }], [{ node: 'Done', type: 'main', index: 0 }]] } },
});
// The version new nodes get, and a workflow saved with version 1 (see the trigger's description).
const ours = untisWorkflow(1, 1.1);
const oursV1 = untisWorkflow(4, 1);
// The same built-in Webhook with Header Auth: what a vendor would use without this package, and a
// credential lookup per request like ours.
const builtinAuth = {
	id: 'benchBuiltinAuth01',
	name: 'Bench: built-in Webhook + Header Auth',
	nodes: [
		{
			id: 'c3000000-0000-4000-8000-000000000001', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0],
			webhookId: 'c3000000-0000-4000-8000-0000000be003',
			parameters: { httpMethod: 'POST', path: 'bench-builtin-auth', authentication: 'headerAuth', responseMode: 'onReceived', options: {} },
			credentials: { httpHeaderAuth: { id: 'benchHeaderAuth01', name: 'Header (bench)' } },
		},
		noOp('c3000000-0000-4000-8000-000000000002', 'Done'),
	],
	connections: { Webhook: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
};
const builtin = {
	id: 'benchBuiltinHook01',
	name: 'Bench: built-in Webhook',
	nodes: [
		{
			id: 'c2000000-0000-4000-8000-000000000001', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0],
			webhookId: 'c2000000-0000-4000-8000-0000000be002', parameters: { httpMethod: 'POST', path: 'bench-builtin', responseMode: 'onReceived', options: {} },
		},
		noOp('c2000000-0000-4000-8000-000000000002', 'Done'),
	],
	connections: { Webhook: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
};

async function blast(url, bodies, headersOf) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
	const latencies = [];
	const statuses = {};
	let next = 0;
	const started = process.hrtime.bigint();
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			while (next < bodies.length) {
				const body = bodies[next++];
				const answer = await sim.post(url, body, headersOf(body), { agent });
				latencies.push(answer.ms);
				statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
			}
		}),
	);
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	agent.destroy();
	latencies.sort((a, b) => a - b);
	const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
	return { perSec: bodies.length / seconds, p50: pct(50), p99: pct(99), statuses };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
	const keys = sim.keygen(fs.mkdtempSync(path.join(os.tmpdir(), 'untis-bench-')));
	const privateKey = fs.readFileSync(keys.privatePath, 'utf8');
	const intruder = fs.readFileSync(sim.keygen(fs.mkdtempSync(path.join(os.tmpdir(), 'untis-bench-'))).privatePath, 'utf8');
	const n8n = await startN8n({
		installDir: process.env.N8N_INSTALL_DIR,
		packageDir: ROOT,
		credentials: [{ id: 'benchHeaderAuth01', name: 'Header (bench)', type: 'httpHeaderAuth', data: { name: 'X-Bench-Token', value: 'bench-token' } }, { id: 'benchUntisCred001', name: 'Untis (bench)', type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey: crypto.randomBytes(32).toString('base64') } }],
		workflows: [ours, oursV1, builtin, builtinAuth],
		env: CONFIGS[CONFIG],
	});
	try {
		const oursUrl = n8n.webhookUrl(`${ours.nodes[0].webhookId}/webhook`);
		const oursV1Url = n8n.webhookUrl(`${oursV1.nodes[0].webhookId}/webhook`);
		const builtinUrl = n8n.webhookUrl('bench-builtin');
		const builtinAuthUrl = n8n.webhookUrl('bench-builtin-auth');
		const bodies = (n) => Array.from({ length: n }, (_, i) => JSON.stringify(sim.buildPayload('created', { tenant: `bench-${i}-${crypto.randomUUID()}` })));
		const signed = (body) => sim.signRequest(body, privateKey);
		const plain = () => ({ 'Content-Type': 'application/json; charset=utf-8' });
		// Warm both paths (JIT, caches) before anything counts.
		await blast(oursUrl, bodies(40), signed);
		await blast(oursV1Url, bodies(40), signed);
		await blast(builtinUrl, bodies(40), plain);

		const authed = () => ({ 'Content-Type': 'application/json; charset=utf-8', 'X-Bench-Token': 'bench-token' });
		await blast(builtinAuthUrl, bodies(40), authed);
		const runs = { ours: [], oursV1: [], builtin: [], builtinAuth: [] };
		for (let run = 0; run < RUNS; run++) {
			// Interleaved; each run waits for n8n to finish the executions it caused first.
			for (const [name, url, headers, workflowId] of [
				['ours', oursUrl, signed, ours.id],
				['oursV1', oursV1Url, signed, oursV1.id],
				['builtin', builtinUrl, plain, builtin.id],
				['builtinAuth', builtinAuthUrl, authed, builtinAuth.id],
			]) {
				const before = n8n.lastExecutionId();
				const started = Date.now();
				const result = await blast(url, bodies(DELIVERIES), headers);
				await n8n.waitForExecutions({ workflowId, count: DELIVERIES, sinceId: before, timeoutMs: 10 * 60 * 1000 });
				result.executionsPerSec = DELIVERIES / ((Date.now() - started) / 1000);
				runs[name].push(result);
				console.log(`run ${run + 1} ${name.padEnd(11)} ${result.perSec.toFixed(1)} acks/s, ${result.executionsPerSec.toFixed(1)} executions/s, p50 ${result.p50.toFixed(0)} ms, p99 ${result.p99.toFixed(0)} ms, ${JSON.stringify(result.statuses)}`);
			}
		}
		const summary = (name) => ({
			acksPerSec: median(runs[name].map((r) => r.perSec)),
			executionsPerSec: median(runs[name].map((r) => r.executionsPerSec)),
			p50: median(runs[name].map((r) => r.p50)),
			p99: median(runs[name].map((r) => r.p99)),
		});
		const a = summary('ours');
		const b = summary('builtin');
		const c = summary('builtinAuth');
		const v1 = summary('oursV1');

		const before = n8n.lastExecutionId();
		const forgedBodies = bodies(FORGED);
		const forged = await blast(oursUrl, forgedBodies, (body) => sim.signRequest(body, intruder));
		await new Promise((resolve) => setTimeout(resolve, 3000));
		const created = n8n.readExecutions({ sinceId: before }).length;
		// The same flood against n8n's own Header Auth with a wrong token: how fast n8n itself can
		// turn away a request to a published workflow, the floor under any trigger's rejections.
		const beforeBuiltin = n8n.lastExecutionId();
		const wrongToken = () => ({ 'Content-Type': 'application/json; charset=utf-8', 'X-Bench-Token': 'wrong-token' });
		const builtinForged = await blast(builtinAuthUrl, forgedBodies, wrongToken);
		await new Promise((resolve) => setTimeout(resolve, 3000));
		const builtinCreated = n8n.readExecutions({ sinceId: beforeBuiltin }).length;

		const result = {
			date: new Date().toISOString(), n8n: n8n.version, config: CONFIG, env: CONFIGS[CONFIG], node: process.version, cpu: os.cpus()[0].model, cores: os.cpus().length,
			deliveries: DELIVERIES, runs: RUNS, concurrency: CONCURRENCY,
			ours: a, oursV1: v1, builtin: b, builtinAuth: c,
			ratios: { executionsPerSec: a.executionsPerSec / b.executionsPerSec, acksPerSec: a.acksPerSec / b.acksPerSec, p50: a.p50 / b.p50, p99: a.p99 / b.p99 },
			ratiosV1: { executionsPerSec: v1.executionsPerSec / b.executionsPerSec, p99: v1.p99 / b.p99 },
			ratiosVsHeaderAuth: { executionsPerSec: a.executionsPerSec / c.executionsPerSec, p99: a.p99 / c.p99 },
			forged: { requests: FORGED, perSec: forged.perSec, p50: forged.p50, p99: forged.p99, statuses: forged.statuses, executionsCreated: created, vsAccepted: forged.perSec / a.acksPerSec },
			builtinAuthForged: { perSec: builtinForged.perSec, p50: builtinForged.p50, p99: builtinForged.p99, statuses: builtinForged.statuses, executionsCreated: builtinCreated, vsAccepted: builtinForged.perSec / c.acksPerSec },
		};
		console.log(JSON.stringify(result, null, 2));
		fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
		fs.writeFileSync(path.join(__dirname, 'results', `n8n-${CONFIG}.json`), JSON.stringify(result, null, 2));
	} finally {
		await n8n.stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
