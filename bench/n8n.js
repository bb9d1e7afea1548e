'use strict';
/**
 * Through real n8n 2.41 instances on loopback, side by side in one run: each expression-engine
 * configuration is its own n8n instance, all started at once, and every round measures each
 * instance in turn (the order rotating per round), each side right after the other. Per instance:
 * - the Untis Platform Trigger against the alternative a vendor builds without this package:
 *   Webhook (raw body) -> Code verifying the signature with node:crypto -> IF -> Respond to
 *   Webhook 200 (-> No-Op) or 401; accepted deliveries/s and acknowledgement p50/p99;
 * - a flood of forged requests to each: rejected/s, executions created, disk growth;
 * - optionally (--sides) n8n's built-in Webhook without verification, with Header Auth, and the
 *   trigger saved with node version 1.
 * Configurations: vm (n8n's defaults), vm-patched (the defaults on a scratch copy of the installed
 * n8n with the change of docs/upstream-isolate.md, made by bench/patch-isolate-rule.js), vm-lazy
 * (N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true), legacy (N8N_EXPRESSION_ENGINE=legacy).
 * Before the rounds, bench/isolate-check.js checks the isolate rule on vm and vm-patched and fails
 * the bench if the change skips an isolate that a node needs (or skips none).
 * Prints figures; asserts nothing else. Run with Node 24 (scripts/bench.sh does).
 *   node bench/n8n.js [--configs vm,vm-patched,vm-lazy] [--sides ours,alternative] [--deliveries 40]
 *                     [--forged 60] [--runs 3] [--concurrency 10]
 * Writes bench/results/n8n.json.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const { startN8n } = require(path.join(ROOT, 'scripts/n8n/n8n-instance'));
const sim = require(path.join(ROOT, 'tools/untis-platform-sim/sim.js'));
const { patchedCopy } = require('./patch-isolate-rule');
const { createIsolateProbePackage } = require('./isolate-probe-package');
const { PROBE_WORKFLOW, checkIsolateRule } = require('./isolate-check');

const { arg } = require('./args');
const DELIVERIES = arg('deliveries', 40);
const RUNS = arg('runs', 3);
const CONCURRENCY = arg('concurrency', 10);
const FORGED = arg('forged', 60);
// n8n 2.41's expression-engine settings, which decide what a webhook request costs (BENCHMARKS.md).
// N8N_METRICS=true everywhere: the isolate check reads n8n's own counter of isolate acquisitions.
const LAZY = { N8N_EXPRESSION_ENGINE: 'vm', N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' };
const CONFIGS = {
	vm: { label: "n8n's defaults", env: {}, checked: true },
	'vm-patched': { label: 'defaults, with the change', env: {}, patched: true, checked: true },
	'vm-lazy': { label: 'N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true', env: LAZY },
	legacy: { label: 'N8N_EXPRESSION_ENGINE=legacy', env: { N8N_EXPRESSION_ENGINE: 'legacy' } },
};
const CONFIG_NAMES = arg('configs', process.env.BENCH_CONFIGS || 'vm,vm-patched,vm-lazy').split(/[\s,]+/).filter(Boolean);
for (const name of CONFIG_NAMES) if (!CONFIGS[name]) throw new Error(`--configs: ${name} is not one of ${Object.keys(CONFIGS).join(', ')}`);
const SIDE_NAMES = arg('sides', 'ours,alternative').split(',').filter(Boolean);
// The alternative's Code node needs node:crypto; the setting changes nothing for the other workflows.
const COMMON_ENV = { NODE_FUNCTION_ALLOW_BUILTIN: 'crypto', N8N_METRICS: 'true' };

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

const WORKFLOWS = { ours: () => ours, alternative: (alt) => alt, oursV1: () => oursV1, builtin: () => builtin, builtinAuth: () => builtinAuth };

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function flood(n8n, side, bodies) {
	const before = n8n.lastExecutionId();
	const bytesBefore = folderBytes(n8n.userFolder);
	const result = await blast(side.url, bodies, side.forged);
	// Whatever the flood started must end before anything else is measured.
	const settle = Date.now();
	let created = n8n.readExecutions({ sinceId: before }).length;
	while (Date.now() - settle < 1500 || n8n.readExecutions({ sinceId: before, done: true }).length < created) {
		await new Promise((resolve) => setTimeout(resolve, 250));
		created = n8n.readExecutions({ sinceId: before }).length;
		if (Date.now() - settle > 10 * 60 * 1000) break;
	}
	// A flood can make n8n's database monitor miss a ping (503 until the next one succeeds).
	await n8n.waitForReadiness({ timeoutMs: 5 * 60 * 1000 });
	result.executionsCreated = created;
	result.bytesGrown = folderBytes(n8n.userFolder) - bytesBefore;
	return result;
}

async function accepted(n8n, side, bodies) {
	const before = n8n.lastExecutionId();
	const started = Date.now();
	const result = await blast(side.url, bodies, side.headers);
	await n8n.waitForExecutions({ workflowId: side.workflowId, count: bodies.length, sinceId: before, timeoutMs: 10 * 60 * 1000 });
	result.executionsPerSec = bodies.length / ((Date.now() - started) / 1000);
	return result;
}

async function main() {
	const t0 = Date.now();
	const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'untis-bench-'));
	const keys = sim.keygen(keyDir);
	const privateKey = fs.readFileSync(keys.privatePath, 'utf8');
	const publicKeyPem = fs.readFileSync(path.join(keyDir, 'untis-dev-public.pem'), 'utf8');
	const alternative = alternativeWorkflow(publicKeyPem);
	const installDir = process.env.N8N_INSTALL_DIR;
	if (!installDir) throw new Error('N8N_INSTALL_DIR: the installed n8n (scripts/bench.sh sets it)');
	const probeDir = createIsolateProbePackage();
	const scratch = [];
	const instances = {};
	try {
		// All instances at once; a loaded machine can take minutes to boot each.
		await Promise.all(
			CONFIG_NAMES.map(async (name) => {
				const config = CONFIGS[name];
				let dir = installDir;
				if (config.patched) {
					dir = patchedCopy(installDir);
					scratch.push(dir);
					console.log(`${name}: the isolate rule rewritten in a scratch copy, ${dir}`);
				}
				instances[name] = await startN8n({
					installDir: dir,
					packageDir: ROOT,
					extraPackageDirs: config.checked ? [probeDir] : [],
					credentials: [{ id: 'benchHeaderAuth01', name: 'Header (bench)', type: 'httpHeaderAuth', data: { name: 'X-Bench-Token', value: 'bench-token' } }, { id: 'benchUntisCred001', name: 'Untis (bench)', type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey: crypto.randomBytes(32).toString('base64') } }],
					// Only what is measured: each workflow costs a publication (a full n8n boot) first.
					workflows: [...SIDE_NAMES.map((side) => WORKFLOWS[side](alternative)), ...(config.checked ? [PROBE_WORKFLOW] : [])],
					env: { ...COMMON_ENV, ...config.env },
					// A loaded machine can take minutes per n8n CLI step (database migrations) and per boot.
					startTimeoutMs: 15 * 60 * 1000,
					cliTimeoutMs: 15 * 60 * 1000,
				});
				console.log(`${name}: n8n ${instances[name].version} up after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
			}),
		);
		const bodies = (n) => Array.from({ length: n }, (_, i) => JSON.stringify(sim.buildPayload('created', { tenant: `bench-${i}-${crypto.randomUUID()}` })));
		const signed = (body) => sim.signRequest(body, privateKey);
		// Forged: a genuine signature, but over other bytes, so every verification runs in full.
		const forgedSigned = (body) => sim.signRequest(`${body} `, privateKey);
		const plain = () => ({ 'Content-Type': 'application/json; charset=utf-8' });
		const authed = () => ({ 'Content-Type': 'application/json; charset=utf-8', 'X-Bench-Token': 'bench-token' });
		const wrongToken = () => ({ 'Content-Type': 'application/json; charset=utf-8', 'X-Bench-Token': 'wrong-token' });
		const sidesOf = (n8n) => {
			const all = {
				ours: { url: n8n.webhookUrl(`${ours.nodes[0].webhookId}/webhook`), headers: signed, forged: forgedSigned, workflowId: ours.id },
				alternative: { url: n8n.webhookUrl('bench-alternative'), headers: signed, forged: forgedSigned, workflowId: alternative.id },
				oursV1: { url: n8n.webhookUrl(`${oursV1.nodes[0].webhookId}/webhook`), headers: signed, workflowId: oursV1.id },
				builtin: { url: n8n.webhookUrl('bench-builtin'), headers: plain, workflowId: builtin.id },
				builtinAuth: { url: n8n.webhookUrl('bench-builtin-auth'), headers: authed, forged: wrongToken, workflowId: builtinAuth.id },
			};
			return Object.fromEntries(SIDE_NAMES.map((name) => [name, all[name]]));
		};

		const results = {};
		for (const name of CONFIG_NAMES) {
			const n8n = instances[name];
			const sides = sidesOf(n8n);
			// Warm every path (JIT, caches, the task runner) before anything counts, and check that the
			// alternative really tells genuine from forged.
			for (const side of Object.values(sides)) await blast(side.url, bodies(10), side.headers);
			if (sides.alternative) {
				const check = await blast(sides.alternative.url, bodies(5), forgedSigned);
				if (!check.statuses['401']) throw new Error(`${name}: the alternative does not reject forged requests: ${JSON.stringify(check.statuses)}`);
				await n8n.waitForExecutions({ workflowId: alternative.id, count: 15, timeoutMs: 5 * 60 * 1000 });
			}
			const isolateCheck = CONFIGS[name].checked ? await checkIsolateRule(n8n, { patched: !!CONFIGS[name].patched }) : undefined;
			results[name] = { config: name, label: CONFIGS[name].label, env: CONFIGS[name].env, isolateCheck, accepted: {}, forged: {} };
			for (const side of Object.keys(sides)) results[name].accepted[side] = [];
			for (const side of Object.keys(sides)) if (sides[side].forged) results[name].forged[side] = [];
		}

		for (let run = 0; run < RUNS; run++) {
			// Each instance in turn, the order rotating, so that no configuration always goes first.
			const order = CONFIG_NAMES.map((_, i) => CONFIG_NAMES[(i + run) % CONFIG_NAMES.length]);
			for (const name of order) {
				const n8n = instances[name];
				const sides = sidesOf(n8n);
				for (const [side, target] of Object.entries(sides)) {
					const result = await accepted(n8n, target, bodies(DELIVERIES));
					results[name].accepted[side].push(result);
					console.log(`run ${run + 1} ${name.padEnd(10)} ${side.padEnd(11)} ${result.perSec.toFixed(1)} acks/s, ${result.executionsPerSec.toFixed(1)} executions/s, p50 ${result.p50.toFixed(0)} ms, p99 ${result.p99.toFixed(0)} ms, ${JSON.stringify(result.statuses)}`);
				}
				for (const [side, target] of Object.entries(sides)) {
					if (!target.forged) continue;
					const result = await flood(n8n, target, bodies(FORGED));
					results[name].forged[side].push(result);
					console.log(`run ${run + 1} ${name.padEnd(10)} forged ${side.padEnd(11)} ${result.perSec.toFixed(1)} rejected/s, p50 ${result.p50.toFixed(0)} ms, p99 ${result.p99.toFixed(0)} ms, ${JSON.stringify(result.statuses)}, ${result.executionsCreated} executions, +${(result.bytesGrown / 1024).toFixed(0)} KiB`);
				}
			}
		}

		const summary = (list) => ({
			perSec: median(list.map((r) => r.perSec)),
			perRun: list.map((r) => r.perSec),
			p50: median(list.map((r) => r.p50)),
			p99: median(list.map((r) => r.p99)),
			statuses: list.reduce((all, r) => {
				for (const [status, n] of Object.entries(r.statuses)) all[status] = (all[status] ?? 0) + n;
				return all;
			}, {}),
			...(list[0] && 'executionsCreated' in list[0] ? { executionsCreated: list.reduce((sum, r) => sum + r.executionsCreated, 0), bytesGrown: list.reduce((sum, r) => sum + r.bytesGrown, 0) } : {}),
		});
		// Ratios per run (both sides measured one after the other), then their median.
		const ratio = (list, other) => {
			const perRun = list.map((r, i) => r.perSec / other[i].perSec);
			return { median: median(perRun), perRun };
		};
		const configs = CONFIG_NAMES.map((name) => {
			const r = results[name];
			const out = { ...r, accepted: {}, forged: {}, vsAlternative: {} };
			for (const [side, list] of Object.entries(r.accepted)) out.accepted[side] = summary(list);
			for (const [side, list] of Object.entries(r.forged)) out.forged[side] = summary(list);
			if (r.accepted.ours && r.accepted.alternative) out.vsAlternative.accepted = ratio(r.accepted.ours, r.accepted.alternative);
			if (r.forged.ours && r.forged.alternative) out.vsAlternative.forged = ratio(r.forged.ours, r.forged.alternative);
			return out;
		});
		const result = {
			date: new Date().toISOString(), n8n: instances[CONFIG_NAMES[0]].version, node: process.version, cpu: os.cpus()[0].model, cores: os.cpus().length,
			loadAverage: os.loadavg(), deliveries: DELIVERIES, forgedPerFlood: FORGED, runs: RUNS, concurrency: CONCURRENCY, minutes: (Date.now() - t0) / 60000,
			configs,
		};
		console.log(JSON.stringify(result, null, 2));
		fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
		fs.writeFileSync(path.join(__dirname, 'results', 'n8n.json'), JSON.stringify(result, null, 2));
	} finally {
		await Promise.all(Object.values(instances).map((n8n) => n8n.stop()));
		for (const dir of [...scratch, probeDir, keyDir]) fs.rmSync(dir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
