'use strict';
/**
 * Issue 35, item 4: what n8n spends on a forged body before the trigger answers 401. One real n8n
 * 2.41.1 on loopback with the Untis Platform Trigger (node version 1.1). n8n's parseRequestBody
 * inflates (Content-Encoding: gzip) and parses (xml2js for `application/xml`) every body before a
 * webhook node runs, up to N8N_PAYLOAD_SIZE_MAX inflated. Measured per request: the CPU seconds of
 * n8n's whole process group (utime + stime from /proc, before and after the answer), the answer,
 * the wall time. Then a bounded parallel flood (4 in flight, at most FLOOD_SECONDS and FLOOD_MAX
 * requests) with a small forged JSON request timed beside it. Loopback only; asserts nothing.
 *   node bench/body-bomb.js [--repeats 3] [--flood-seconds 15] [--flood-max 40]
 * Writes bench/results/body-bomb.json; docs/upstream-body-parsing.md quotes it.
 */
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');

const ROOT = path.join(__dirname, '..');
const { startN8n } = require(path.join(ROOT, 'scripts/n8n/n8n-instance'));
// n8n's whole process group, its task runner included.
const { groupCpuSeconds } = require(path.join(ROOT, 'scripts/n8n/process-group'));
const sim = require(path.join(ROOT, 'tools/untis-platform-sim/sim.js'));
const { gzipXmlBomb } = require(path.join(ROOT, 'scripts/n8n/body-bomb'));
const { arg } = require('./args');

const REPEATS = arg('repeats', 3);
const FLOOD_SECONDS = arg('flood-seconds', 15);
const FLOOD_MAX = arg('flood-max', 40);

const trigger = {
	id: 'bombUntisTrigger01',
	name: 'Body bomb: Untis Platform Trigger',
	nodes: [
		{
			id: 'b0000000-0000-4000-8000-000000000001', name: 'Untis Platform Trigger', type: 'n8n-nodes-untis-platform.untisPlatformTrigger',
			typeVersion: 1.1, position: [0, 0], webhookId: 'b0000000-0000-4000-8000-0000000b0b01',
			parameters: { secrets: 'seal', options: {} }, credentials: { untisPlatformApi: { id: 'bombUntisCred0001', name: 'Untis (bomb)' } },
		},
		{ id: 'b0000000-0000-4000-8000-000000000002', name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [300, 0], parameters: {} },
	],
	connections: { 'Untis Platform Trigger': { main: [[{ node: 'Done', type: 'main', index: 0 }], [{ node: 'Done', type: 'main', index: 0 }]] } },
};

function post(url, body, headers, timeoutMs = 120000) {
	return new Promise((resolve) => {
		const t0 = process.hrtime.bigint();
		const ms = () => Math.round(Number(process.hrtime.bigint() - t0) / 1e6);
		const req = http.request(url, { method: 'POST', timeout: timeoutMs, headers: { ...headers, 'Content-Length': body.length } }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode, ms: ms(), body: Buffer.concat(chunks).toString('utf8').slice(0, 200) }));
		});
		req.on('timeout', () => req.destroy(new Error('client timeout')));
		req.on('error', (e) => resolve({ error: e.code || e.message, ms: ms() }));
		req.end(body);
	});
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const forgedAuthorization = () => crypto.randomBytes(256).toString('base64');

async function measured(pgid, send) {
	await sleep(300);
	const before = groupCpuSeconds(pgid);
	const answer = await send();
	await sleep(300);
	return { ...answer, cpuSeconds: Number((groupCpuSeconds(pgid) - before).toFixed(2)) };
}

async function main() {
	const keys = sim.keygen(fs.mkdtempSync(path.join(os.tmpdir(), 'untis-bomb-')));
	const n8n = await startN8n({
		packageDir: ROOT,
		credentials: [{ id: 'bombUntisCred0001', name: 'Untis (bomb)', type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey: crypto.randomBytes(32).toString('base64') } }],
		workflows: [trigger],
		startTimeoutMs: 10 * 60 * 1000,
	});
	const url = n8n.webhookUrl(`${trigger.nodes[0].webhookId}/webhook`);
	const bomb = gzipXmlBomb();
	const bombHeaders = () => ({ ...bomb.headers, Authorization: forgedAuthorization(), Algorithm: 'SHA256withRSA' });
	const small = Buffer.from(JSON.stringify(sim.buildPayload('created', { tenant: 'forged' })));
	const smallHeaders = () => ({ 'Content-Type': 'application/json', Authorization: forgedAuthorization(), Algorithm: 'SHA256withRSA' });
	const results = {
		n8n: n8n.version, node: process.version, cpus: os.cpus().length, loadAtStart: os.loadavg(),
		bomb: { contentType: 'application/xml', contentEncoding: 'gzip', wireBytes: bomb.wire.length, inflatedBytes: bomb.inflatedBytes },
		idleCpuSecondsPer2s: null, forgedSmallJson: [], forgedGzipXml: [], flood: null,
	};
	try {
		const idle0 = groupCpuSeconds(n8n.pid);
		await sleep(2000);
		results.idleCpuSecondsPer2s = Number((groupCpuSeconds(n8n.pid) - idle0).toFixed(2));
		for (let i = 0; i < REPEATS; i++) {
			results.forgedSmallJson.push(await measured(n8n.pid, () => post(url, small, smallHeaders())));
			results.forgedGzipXml.push(await measured(n8n.pid, () => post(url, bomb.wire, bombHeaders())));
			console.log(`repeat ${i + 1}: small ${JSON.stringify(results.forgedSmallJson[i])}\n          bomb  ${JSON.stringify(results.forgedGzipXml[i])}`);
		}
		// Bounded flood: 4 bombs in flight, while a small forged request is timed every second.
		const before = groupCpuSeconds(n8n.pid);
		const t0 = Date.now();
		let sent = 0;
		const answers = {};
		const probes = [];
		let flooding = true;
		const prober = (async () => {
			while (flooding) {
				probes.push((await post(url, small, smallHeaders())).ms);
				await sleep(1000);
			}
		})();
		await Promise.all(Array.from({ length: 4 }, async () => {
			while (Date.now() - t0 < FLOOD_SECONDS * 1000 && sent < FLOOD_MAX) {
				sent++;
				const a = await post(url, bomb.wire, bombHeaders());
				const key = a.status ?? a.error;
				answers[key] = (answers[key] || 0) + 1;
			}
		}));
		flooding = false;
		await prober;
		const seconds = (Date.now() - t0) / 1000;
		await sleep(300);
		results.flood = {
			inFlight: 4, requests: sent, seconds, wireBytesSent: sent * bomb.wire.length, answers,
			cpuSeconds: Number((groupCpuSeconds(n8n.pid) - before).toFixed(2)),
			smallForgedMsDuringFlood: probes,
		};
		results.smallForgedMsIdle = [];
		for (let i = 0; i < 5; i++) results.smallForgedMsIdle.push((await post(url, small, smallHeaders())).ms);
		console.log(JSON.stringify(results.flood));
		results.executionsStarted = n8n.readExecutions({}).length;
		results.loadAtEnd = os.loadavg();
	} finally {
		await n8n.stop();
	}
	fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
	fs.writeFileSync(path.join(__dirname, 'results', 'body-bomb.json'), `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
