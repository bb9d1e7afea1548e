'use strict';
/**
 * Through a real n8n 2.x on loopback, one instance, interleaved runs: accepted deliveries/s and
 * acknowledgement p50/p99 for the Untis Platform Trigger against
 * - the alternative a vendor builds without this package: Webhook (raw body) -> Code verifying
 *   the signature with node:crypto -> IF -> Respond to Webhook 200 (-> No-Op) or 401;
 * - n8n's built-in Webhook node without any verification (upper bound), and with Header Auth;
 * then in each run a flood of forged requests to the trigger, the alternative and Header Auth:
 * rejected/s, executions created, disk growth of n8n's user folder.
 * Prints figures, asserts nothing. Run with Node 24 (scripts/bench.sh does).
 *   node bench/n8n.js [--config vm|vm-lazy|legacy] [--deliveries 100] [--runs 3] [--forged 200]
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
const DELIVERIES = arg('deliveries', 100);
const RUNS = arg('runs', 3);
const CONCURRENCY = arg('concurrency', 10);
const FORGED = arg('forged', 200);
// n8n 2.41's expression-engine settings, which decide what a webhook request costs (BENCHMARKS.md):
// vm, its default, creates a V8 isolate per acquisition; lazy acquisition creates one only when an
// expression is evaluated; legacy evaluates in-process.
const CONFIGS = {
	vm: {},
	'vm-lazy': { N8N_EXPRESSION_ENGINE: 'vm', N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
	legacy: { N8N_EXPRESSION_ENGINE: 'legacy' },
};
// The alternative's Code node needs node:crypto; the setting changes nothing for the other workflows.
const ALTERNATIVE_ENV = { NODE_FUNCTION_ALLOW_BUILTIN: 'crypto' };
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

/**
 * What a vendor builds without this package (as the n8n docs suggest for signed webhooks): the
 * raw body kept, a Code node that verifies the RSA signature with the public key pasted into it,
 * an IF on the result, and a Respond to Webhook node on each branch. Every request, forged or not,
 * is an execution: the Webhook node cannot reject before the workflow runs.
 */
const alternativeWorkflow = (publicKeyPem) => ({
	id: 'benchAlternative01',
	name: 'Bench: Webhook + Code (crypto) + Respond',
	nodes: [
		{
			id: 'c5000000-0000-4000-8000-000000000001', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0],
			webhookId: 'c5000000-0000-4000-8000-0000000be005',
			parameters: { httpMethod: 'POST', path: 'bench-alternative', responseMode: 'responseNode', options: { rawBody: true } },
		},
		{
			id: 'c5000000-0000-4000-8000-000000000002', name: 'Verify signature', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0],
			parameters: {
				jsCode: [
					"const crypto = require('crypto');",
					`const PUBLIC_KEY = ${JSON.stringify(publicKeyPem)};`,
					'const headers = $input.first().json.headers;',
					"const body = await this.helpers.getBinaryDataBuffer(0, 'data');",
					'let valid = false;',
					'try {',
					"  valid = String(headers.algorithm).toLowerCase() === 'sha256withrsa' &&",
					"    crypto.verify('sha256', body, PUBLIC_KEY, Buffer.from(String(headers.authorization), 'base64'));",
					'} catch (error) {}',
					"return [{ json: { valid, event: valid ? JSON.parse(body.toString('utf8')) : null } }];",
				].join('\n'),
			},
		},
		{
			id: 'c5000000-0000-4000-8000-000000000003', name: 'Valid?', type: 'n8n-nodes-base.if', typeVersion: 2.2, position: [400, 0],
			parameters: {
				conditions: {
					options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
					conditions: [{ id: 'c5000000-0000-4000-8000-0000000000c1', leftValue: '={{ $json.valid }}', rightValue: '', operator: { type: 'boolean', operation: 'true', singleValue: true } }],
					combinator: 'and',
				},
				options: {},
			},
		},
		{
			id: 'c5000000-0000-4000-8000-000000000004', name: 'Accept', type: 'n8n-nodes-base.respondToWebhook', typeVersion: 1.1, position: [600, -100],
			parameters: { respondWith: 'json', responseBody: '{"received":true}', options: {} },
		},
		{
			id: 'c5000000-0000-4000-8000-000000000005', name: 'Reject', type: 'n8n-nodes-base.respondToWebhook', typeVersion: 1.1, position: [600, 100],
			parameters: { respondWith: 'json', responseBody: '{"error":"invalid signature"}', options: { responseCode: 401 } },
		},
		noOp('c5000000-0000-4000-8000-000000000006', 'Done'),
	],
	connections: {
		Webhook: { main: [[{ node: 'Verify signature', type: 'main', index: 0 }]] },
		'Verify signature': { main: [[{ node: 'Valid?', type: 'main', index: 0 }]] },
		'Valid?': { main: [[{ node: 'Accept', type: 'main', index: 0 }], [{ node: 'Reject', type: 'main', index: 0 }]] },
		Accept: { main: [[{ node: 'Done', type: 'main', index: 0 }]] },
	},
});

/** Bytes under a folder: n8n's database, its WAL, and any execution or binary data files. */
function folderBytes(dir) {
	let total = 0;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		try {
			total += entry.isDirectory() ? folderBytes(full) : fs.statSync(full).size;
		} catch {
			// a file removed while counting
		}
	}
	return total;
}

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

const summarize = (results) => ({
	acksPerSec: median(results.map((r) => r.perSec)),
	executionsPerSec: median(results.map((r) => r.executionsPerSec)),
	p50: median(results.map((r) => r.p50)),
	p99: median(results.map((r) => r.p99)),
});

async function main() {
	const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'untis-bench-'));
	const keys = sim.keygen(keyDir);
	const privateKey = fs.readFileSync(keys.privatePath, 'utf8');
	const publicKeyPem = fs.readFileSync(path.join(keyDir, 'untis-dev-public.pem'), 'utf8');
	const alternative = alternativeWorkflow(publicKeyPem);
	const n8n = await startN8n({
		installDir: process.env.N8N_INSTALL_DIR,
		packageDir: ROOT,
		credentials: [{ id: 'benchHeaderAuth01', name: 'Header (bench)', type: 'httpHeaderAuth', data: { name: 'X-Bench-Token', value: 'bench-token' } }, { id: 'benchUntisCred001', name: 'Untis (bench)', type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey: crypto.randomBytes(32).toString('base64') } }],
		workflows: [ours, oursV1, alternative, builtin, builtinAuth],
		env: { ...ALTERNATIVE_ENV, ...CONFIGS[CONFIG] },
		// A loaded machine can take minutes to boot n8n.
		startTimeoutMs: 10 * 60 * 1000,
	});
	try {
		const bodies = (n) => Array.from({ length: n }, (_, i) => JSON.stringify(sim.buildPayload('created', { tenant: `bench-${i}-${crypto.randomUUID()}` })));
		const signed = (body) => sim.signRequest(body, privateKey);
		// Forged: a genuine signature, but over other bytes, so every verification runs in full.
		const forgedSigned = (body) => sim.signRequest(`${body} `, privateKey);
		const plain = () => ({ 'Content-Type': 'application/json; charset=utf-8' });
		const authed = () => ({ 'Content-Type': 'application/json; charset=utf-8', 'X-Bench-Token': 'bench-token' });
		const wrongToken = () => ({ 'Content-Type': 'application/json; charset=utf-8', 'X-Bench-Token': 'wrong-token' });
		const sides = {
			ours: { url: n8n.webhookUrl(`${ours.nodes[0].webhookId}/webhook`), headers: signed, forged: forgedSigned, workflowId: ours.id },
			oursV1: { url: n8n.webhookUrl(`${oursV1.nodes[0].webhookId}/webhook`), headers: signed, workflowId: oursV1.id },
			alternative: { url: n8n.webhookUrl('bench-alternative'), headers: signed, forged: forgedSigned, workflowId: alternative.id },
			builtin: { url: n8n.webhookUrl('bench-builtin'), headers: plain, workflowId: builtin.id },
			builtinAuth: { url: n8n.webhookUrl('bench-builtin-auth'), headers: authed, forged: wrongToken, workflowId: builtinAuth.id },
		};
		// Warm every path (JIT, caches, the task runner) before anything counts, and check that the
		// alternative really tells genuine from forged.
		for (const side of Object.values(sides)) await blast(side.url, bodies(20), side.headers);
		const check = await blast(sides.alternative.url, bodies(5), forgedSigned);
		if (!check.statuses['401']) throw new Error(`the alternative does not reject forged requests: ${JSON.stringify(check.statuses)}`);
		await n8n.waitForExecutions({ workflowId: alternative.id, count: 25, timeoutMs: 5 * 60 * 1000 });

		const runs = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
		const floods = { ours: [], alternative: [], builtinAuth: [] };
		for (let run = 0; run < RUNS; run++) {
			// Interleaved; each side waits for n8n to finish the executions it caused first.
			for (const [name, side] of Object.entries(sides)) {
				const before = n8n.lastExecutionId();
				const started = Date.now();
				const result = await blast(side.url, bodies(DELIVERIES), side.headers);
				await n8n.waitForExecutions({ workflowId: side.workflowId, count: DELIVERIES, sinceId: before, timeoutMs: 10 * 60 * 1000 });
				result.executionsPerSec = DELIVERIES / ((Date.now() - started) / 1000);
				runs[name].push(result);
				console.log(`run ${run + 1} ${name.padEnd(11)} ${result.perSec.toFixed(1)} acks/s, ${result.executionsPerSec.toFixed(1)} executions/s, p50 ${result.p50.toFixed(0)} ms, p99 ${result.p99.toFixed(0)} ms, ${JSON.stringify(result.statuses)}`);
			}
			for (const name of Object.keys(floods)) {
				const side = sides[name];
				const before = n8n.lastExecutionId();
				const bytesBefore = folderBytes(n8n.userFolder);
				const flood = await blast(side.url, bodies(FORGED), side.forged);
				// Whatever the flood started must end before the next side is measured.
				const settle = Date.now();
				let created = n8n.readExecutions({ sinceId: before }).length;
				while (Date.now() - settle < 3000 || n8n.readExecutions({ sinceId: before, done: true }).length < created) {
					await new Promise((resolve) => setTimeout(resolve, 250));
					created = n8n.readExecutions({ sinceId: before }).length;
					if (Date.now() - settle > 10 * 60 * 1000) break;
				}
				flood.executionsCreated = created;
				flood.bytesGrown = folderBytes(n8n.userFolder) - bytesBefore;
				floods[name].push(flood);
				console.log(`run ${run + 1} forged ${name.padEnd(11)} ${flood.perSec.toFixed(1)} rejected/s, p50 ${flood.p50.toFixed(0)} ms, p99 ${flood.p99.toFixed(0)} ms, ${JSON.stringify(flood.statuses)}, ${created} executions, +${(flood.bytesGrown / 1024).toFixed(0)} KiB`);
			}
		}
		const a = summarize(runs.ours);
		const alt = summarize(runs.alternative);
		const b = summarize(runs.builtin);
		const c = summarize(runs.builtinAuth);
		const v1 = summarize(runs.oursV1);
		const floodSummary = (name, acceptedPerSec) => {
			const list = floods[name];
			const perSec = median(list.map((f) => f.perSec));
			const statuses = {};
			for (const f of list) for (const [status, n] of Object.entries(f.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
			return {
				requests: FORGED * list.length, perSec, p50: median(list.map((f) => f.p50)), p99: median(list.map((f) => f.p99)), statuses,
				executionsCreated: list.reduce((sum, f) => sum + f.executionsCreated, 0),
				bytesGrown: list.reduce((sum, f) => sum + f.bytesGrown, 0),
				vsAccepted: perSec / acceptedPerSec,
				perRun: list.map((f) => f.perSec),
			};
		};
		const forged = floodSummary('ours', a.acksPerSec);
		const alternativeForged = floodSummary('alternative', alt.acksPerSec);
		const builtinAuthForged = floodSummary('builtinAuth', c.acksPerSec);
		// Ratios per run (both sides measured minutes apart at most), then their median.
		const perRunRatio = (x, y, field) => median(runs[x].map((r, i) => r[field] / runs[y][i][field]));
		const result = {
			date: new Date().toISOString(), n8n: n8n.version, config: CONFIG, env: CONFIGS[CONFIG], node: process.version, cpu: os.cpus()[0].model, cores: os.cpus().length,
			loadAverage: os.loadavg(),
			deliveries: DELIVERIES, runs: RUNS, concurrency: CONCURRENCY,
			ours: a, oursV1: v1, alternative: alt, builtin: b, builtinAuth: c,
			ratios: { executionsPerSec: a.executionsPerSec / b.executionsPerSec, acksPerSec: a.acksPerSec / b.acksPerSec, p50: a.p50 / b.p50, p99: a.p99 / b.p99 },
			ratiosV1: { executionsPerSec: v1.executionsPerSec / b.executionsPerSec, p99: v1.p99 / b.p99 },
			ratiosVsHeaderAuth: { executionsPerSec: a.executionsPerSec / c.executionsPerSec, p99: a.p99 / c.p99 },
			ratiosVsAlternative: {
				acksPerSec: a.acksPerSec / alt.acksPerSec,
				acksPerSecPerRun: runs.ours.map((r, i) => r.perSec / runs.alternative[i].perSec),
				acksPerSecMedianOfRuns: perRunRatio('ours', 'alternative', 'perSec'),
				executionsPerSec: a.executionsPerSec / alt.executionsPerSec,
				p50: a.p50 / alt.p50,
				p99: a.p99 / alt.p99,
				forgedPerSec: forged.perSec / alternativeForged.perSec,
				forgedPerSecPerRun: floods.ours.map((f, i) => f.perSec / floods.alternative[i].perSec),
			},
			forged, alternativeForged, builtinAuthForged,
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
