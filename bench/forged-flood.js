'use strict';
/**
 * The forged flood of issue 26, reproduced with every client-side outcome recorded: one real n8n
 * 2.x on loopback, the Untis Platform Trigger and a control with n8n's own Webhook node (Header
 * Auth, a wrong token) side by side, floods of forged requests to each, interleaved. Each request
 * records its status or its error code (ECONNRESET, socket hang up, the client's timeout), the
 * time it took, and whether the agent had reused its socket (a keep-alive connection the server
 * may be closing). Prints the tallies and n8n's log lines of interest; asserts nothing.
 *   node bench/forged-flood.js [--runs 3] [--forged 200] [--concurrency 200] [--timeout 30000] [--config vm|vm-lazy]
 * --concurrency 200 is the e2e test's shape (one socket each); 10 is the benchmark's (sockets reused).
 * Writes bench/results/forged-flood-<config>-c<concurrency>-t<timeout>.json. Run with Node 24 (n8n's).
 */
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');

const ROOT = path.join(__dirname, '..');
const { startN8n } = require(path.join(ROOT, 'scripts/n8n/n8n-instance'));
const sim = require(path.join(ROOT, 'tools/untis-platform-sim/sim.js'));

const { arg } = require('./args');
const RUNS = arg('runs', 3);
const FORGED = arg('forged', 200);
const CONCURRENCY = arg('concurrency', 200);
const TIMEOUT_MS = arg('timeout', 30000);
const CONFIG = arg('config', 'vm');
const CONFIGS = { vm: {}, 'vm-lazy': { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } };

const noOp = { id: 'd0000000-0000-4000-8000-000000000002', name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [300, 0], parameters: {} };
const trigger = {
	id: 'floodUntisTrigger1',
	name: 'Flood: Untis Platform Trigger',
	nodes: [
		{
			id: 'd0000000-0000-4000-8000-000000000001', name: 'Untis Platform Trigger', type: 'n8n-nodes-untis-platform.untisPlatformTrigger',
			typeVersion: 1.1, position: [0, 0], webhookId: 'd0000000-0000-4000-8000-0000000f100d',
			parameters: { secrets: 'seal', options: {} }, credentials: { untisPlatformApi: { id: 'floodUntisCred001', name: 'Untis (flood)' } },
		},
		noOp,
	],
	connections: { 'Untis Platform Trigger': { main: [[{ node: 'Done', type: 'main', index: 0 }], [{ node: 'Done', type: 'main', index: 0 }]] } },
};
const control = {
	id: 'floodWebhookAuth1',
	name: 'Flood: Webhook node with Header Auth',
	nodes: [
		{
			id: 'd1000000-0000-4000-8000-000000000001', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0],
			webhookId: 'd1000000-0000-4000-8000-0000000f100d',
			parameters: { httpMethod: 'POST', path: 'flood-control', authentication: 'headerAuth', options: {} },
			credentials: { httpHeaderAuth: { id: 'floodHeaderAuth01', name: 'Header (flood)' } },
		},
		{ ...noOp, id: 'd1000000-0000-4000-8000-000000000002' },
	],
	connections: { Webhook: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
};

/** One POST: { status } or { code, message }, with ms and whether the socket was reused. */
function post(url, body, headers, agent) {
	return new Promise((resolve) => {
		const t0 = process.hrtime.bigint();
		const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
		const bytes = Buffer.from(body);
		const req = http.request(url, { method: 'POST', agent, timeout: TIMEOUT_MS, headers: { ...headers, 'Content-Length': bytes.length } }, (res) => {
			res.resume();
			res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection, ms: ms(), reused: req.reusedSocket }));
			res.on('error', (e) => resolve({ code: e.code || 'response error', message: e.message, ms: ms(), reused: req.reusedSocket }));
		});
		req.on('timeout', () => req.destroy(Object.assign(new Error(`client timeout ${TIMEOUT_MS} ms`), { code: 'CLIENT_TIMEOUT' })));
		req.on('error', (e) => resolve({ code: e.code || 'no code', message: e.message, ms: ms(), reused: req.reusedSocket }));
		req.end(bytes);
	});
}

async function flood(url, headersOf) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
	const answers = [];
	let next = 0;
	const t0 = Date.now();
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			while (next < FORGED) {
				const i = next++;
				const body = JSON.stringify(sim.buildPayload(i % 2 ? 'created' : 'deactivation', { tenant: `forged-${i}` }));
				answers.push(await post(url, body, headersOf(body), agent));
			}
		}),
	);
	agent.destroy();
	const outcome = (a) => ('status' in a ? String(a.status) : `${a.code}${a.reused ? ' (reused socket)' : ''}`);
	const tally = {};
	for (const a of answers) tally[outcome(a)] = (tally[outcome(a)] || 0) + 1;
	const errors = answers.filter((a) => !('status' in a)).map((a) => ({ code: a.code, message: a.message, ms: Math.round(a.ms), reused: a.reused }));
	const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
	return { seconds: (Date.now() - t0) / 1000, tally, errors, p50Ms: Math.round(ms[ms.length >> 1]), maxMs: Math.round(ms[ms.length - 1]), connectionClose: answers.filter((a) => a.connection === 'close').length };
}

async function main() {
	const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'untis-flood-'));
	const keys = sim.keygen(keyDir);
	const privateKey = fs.readFileSync(keys.privatePath, 'utf8');
	const n8n = await startN8n({
		packageDir: ROOT,
		credentials: [
			{ id: 'floodHeaderAuth01', name: 'Header (flood)', type: 'httpHeaderAuth', data: { name: 'X-Flood-Token', value: 'the-right-token' } },
			{ id: 'floodUntisCred001', name: 'Untis (flood)', type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey: crypto.randomBytes(32).toString('base64') } },
		],
		workflows: [trigger, control],
		env: CONFIGS[CONFIG],
		startTimeoutMs: 10 * 60 * 1000,
	});
	const results = { config: CONFIG, forged: FORGED, concurrency: CONCURRENCY, clientTimeoutMs: TIMEOUT_MS, load: os.loadavg(), runs: [] };
	try {
		const sides = {
			trigger: { url: n8n.webhookUrl(`${trigger.nodes[0].webhookId}/webhook`), headersOf: (body) => sim.signRequest(`${body} `, privateKey) },
			control: { url: n8n.webhookUrl('flood-control'), headersOf: () => ({ 'Content-Type': 'application/json', 'X-Flood-Token': 'a-wrong-token' }) },
		};
		for (let run = 0; run < RUNS; run++) {
			const order = run % 2 ? ['control', 'trigger'] : ['trigger', 'control'];
			const entry = { run: run + 1 };
			for (const name of order) {
				entry[name] = await flood(sides[name].url, sides[name].headersOf);
				console.log(`run ${run + 1} ${name.padEnd(7)} ${entry[name].seconds.toFixed(1)} s, p50 ${entry[name].p50Ms} ms, max ${entry[name].maxMs} ms, ${JSON.stringify(entry[name].tally)}`);
				for (const e of entry[name].errors) console.log(`   ${e.code} after ${e.ms} ms${e.reused ? ', reused socket' : ''}: ${e.message}`);
				entry[`${name}ReadySeconds`] = await n8n.waitForReadiness();
			}
			results.runs.push(entry);
		}
		const log = n8n.logText();
		results.n8nLog = {
			databasePingFailed: (log.match(/Database ping failed/g) || []).length,
			lines: log.split('\n').filter((l) => /ECONN|hang up|Error in handling webhook|uncaught|unhandled|ERR_/i.test(l)).slice(0, 20),
		};
		console.log(JSON.stringify(results.n8nLog, null, 2));
	} finally {
		await n8n.stop();
	}
	fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
	fs.writeFileSync(path.join(__dirname, 'results', `forged-flood-${CONFIG}-c${CONCURRENCY}-t${TIMEOUT_MS}.json`), `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
