import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { fixtureVariant } from './triggerSuite.cjs';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startN8n } = require('./harness');
const sim = require('../../tools/untis-platform-sim/sim.js');
const { startPrometheus, scaledRules } = require('../../scripts/monitoring/prometheus');
const { startReencodingProxy } = require('../../scripts/n8n/queue/nginx');
const { startMailSink } = require('../../scripts/n8n/mail-sink');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Monitoring on a real n8n 2.41.1 (N8N_METRICS with webhook and form metrics, JSON logs) and a
 * real Prometheus (Debian's, on loopback) scraping it with the repository's alert rules, their
 * time scale shrunk (scripts/monitoring/prometheus.js scaledRules: windows of 20 s, `for:` in
 * seconds where the shipped rules say minutes; thresholds unchanged):
 * - every answer of the Untis Platform Trigger and the Manual Entry form is counted at /metrics;
 * - a forged flood fires UntisPlatformForgedRequests, and stays bounded in the log;
 * - genuine deliveries through a proxy that re-encodes the body fire UntisPlatformDeliveriesRefused.
 */
const ROOT = join(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'untis-monitoring-'));
const keys = sim.keygen(join(dir, 'platform'));
const privateKey = readFileSync(keys.privatePath, 'utf8');
const encryptionKey = randomBytes(32).toString('base64');
const PAYLOAD_LIMIT_MIB = 1;

const trigger = fixtureVariant('untisMonitorWf0001', '0d01', () => undefined);
const proxied = fixtureVariant('untisMonitorWf0002', '0d02', () => undefined);
// Its credential is broken while n8n runs (below): each request then meets a misconfigured trigger.
const broken = fixtureVariant('untisMonitorWf0500', '0d05', (w) => {
	(w.nodes[0] as { credentials?: unknown }).credentials = { untisPlatformApi: { id: 'untisMonBroken001', name: 'Untis Platform (to be broken)' } };
});
const formLogin = { user: 'untis-admin', password: randomBytes(18).toString('base64url') };
const formNode = (id: string, webhookId: string, apiCredential: string) => ({
	id,
	name: 'Credentials form',
	type: 'n8n-nodes-untis-platform.untisPlatformManualEntryTrigger',
	typeVersion: 1,
	position: [0, 0],
	webhookId,
	parameters: { authentication: 'basicAuth', checkWithPlatform: true, secrets: 'seal' },
	credentials: {
		untisPlatformApi: { id: apiCredential, name: apiCredential },
		untisPlatformFormLoginApi: { id: 'untisMonFormLogin1', name: 'Form login (monitoring)' },
	},
});
// The API base is made longer than the credential allows after activation (which refuses it,
// issue 38): a valid entry is answered 500 (misconfigured).
const form = {
	id: 'untisMonitorForm01',
	name: 'Manual entry (monitoring)',
	nodes: [
		formNode('d5000000-0000-4000-8000-000000000001', 'd5000000-0000-4000-8000-0000000f0001', 'untisMonApiBadBase'),
		{ id: 'd5000000-0000-4000-8000-000000000002', name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [300, 0], parameters: {} },
	],
	connections: { 'Credentials form': { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
	settings: {},
};
const apiCredential = (id: string, extra: Record<string, string> = {}) => ({
	id,
	name: id,
	type: 'untisPlatformApi',
	data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey, ...extra },
});
const credentials = [
	apiCredential('untisE2eCred0001'),
	apiCredential('untisMonBroken001'),
	apiCredential('untisMonApiBadBase', { apiBaseUrl: 'http://127.0.0.1:9' }),
	{ id: 'untisMonFormLogin1', name: 'Form login (monitoring)', type: 'untisPlatformFormLoginApi', data: formLogin },
];

// Example 9 (the report without Prometheus), as shipped but for the address of this n8n.
const report = JSON.parse(readFileSync(join(ROOT, 'examples/9-refusal-report.workflow.json'), 'utf8'));
let mail: { credential: unknown; waitFor(n: number): Promise<Array<{ to: string[]; subject: string; text: string }>>; close(): Promise<void> };

type Answer = { status: number; body: string };
let n8n: {
	baseUrl: string;
	port: number;
	webhookUrl(path: string): string;
	logText(): string;
	cli(args: string[]): Promise<void>;
	runInEditor(workflow: { id: string; nodes: unknown[] }): Promise<{ id: number; status: string }>;
	lastExecutionId(): number;
	executionRecord(id: number): unknown;
	stop(): Promise<unknown>;
};
let prometheus: {
	query(q: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
	alerts(): Promise<Array<{ labels: Record<string, string>; state: string }>>;
	waitForAlert(name: string, o?: { state?: string; timeoutMs?: number; labels?: Record<string, string> }): Promise<{ labels: Record<string, string> }>;
	stop(): Promise<void>;
};
let proxy: { url(path: string): string; stop(): Promise<void> };
let brokenAt = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pathOf = (w: { nodes: unknown[] }, suffix = 'webhook') => `${(w.nodes[0] as { webhookId: string }).webhookId}/${suffix}`;
const genuine = (tenant: string) => {
	const body = JSON.stringify(sim.buildPayload('created', { tenant }));
	return { body, headers: sim.signRequest(body, privateKey) as Record<string, string> };
};
const forged = (tenant: string) => {
	const { body, headers } = genuine(tenant);
	return { body, headers: { ...headers, Authorization: Buffer.alloc(256, 7).toString('base64') } };
};
const send = (url: string, d: { body: string | Buffer; headers: Record<string, string> }): Promise<Answer> => sim.post(url, d.body, d.headers);

/** n8n's own counts at /metrics: { "<method> <status>": count } for one webhook path. */
async function counts(path: string): Promise<Record<string, number>> {
	const text = await (await fetch(`${n8n.baseUrl}/metrics`)).text();
	const found: Record<string, number> = {};
	for (const line of text.split('\n')) {
		if (!line.startsWith('n8n_webhook_request_duration_seconds_count{')) continue;
		const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
		if (labels.webhook_path !== path) continue;
		found[`${labels.method} ${labels.status_code}`] = Number(line.slice(line.lastIndexOf(' ') + 1));
	}
	return found;
}
function delta(after: Record<string, number>, before: Record<string, number>) {
	const d: Record<string, number> = {};
	for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0)) d[k] = v - (before[k] ?? 0);
	return d;
}
/**
 * The counts grown since `before`, read until they equal `expected` or 5 s passed: n8n counts an
 * answer on the response's 'finish' event, which can come just after the client has read it.
 */
async function grownTo(path: string, before: Record<string, number>, expected: Record<string, number>) {
	const until = Date.now() + 5000;
	let grown = delta(await counts(path), before);
	while (JSON.stringify(Object.entries(grown).sort()) !== JSON.stringify(Object.entries(expected).sort()) && Date.now() < until) {
		await sleep(200);
		grown = delta(await counts(path), before);
	}
	return grown;
}
/** n8n's JSON log lines (N8N_LOG_FORMAT=json) of the package's refusals. */
function refusalLines(): Array<{ level: string; message: string; metadata: Record<string, unknown> }> {
	return n8n
		.logText()
		.split('\n')
		.filter((l) => l.startsWith('{') && l.includes('untis.refused'))
		.map((l) => JSON.parse(l));
}

beforeAll(async () => {
	mail = await startMailSink();
	n8n = await startN8n({
		packageDir: ROOT,
		credentials: [...credentials, mail.credential],
		workflows: [trigger, proxied, broken, form],
		encryptionKey,
		env: {
			N8N_METRICS: 'true',
			N8N_METRICS_INCLUDE_WEBHOOK_METRICS: 'true',
			N8N_METRICS_INCLUDE_FORM_METRICS: 'true',
			N8N_LOG_FORMAT: 'json',
			N8N_PAYLOAD_SIZE_MAX: String(PAYLOAD_LIMIT_MIB),
		},
	});
	// Break one trigger's credential now: the trigger's cache applies it within 60 s, while the
	// other tests run, and the last test finds a misconfigured trigger.
	const file = join(dir, 'broken-credential.json');
	writeFileSync(file, JSON.stringify([
		{ ...credentials[1], data: { ...credentials[1].data, publicKeys: 'not a key' } },
		{ ...credentials[2], data: { ...credentials[2].data, apiBaseUrl: `https://${'a'.repeat(2100)}.example` } },
	]));
	await n8n.cli(['import:credentials', `--input=${file}`]);
	brokenAt = Date.now();
	prometheus = await startPrometheus({ targets: [`127.0.0.1:${n8n.port}`], rules: scaledRules() });
	proxy = await startReencodingProxy({ target: n8n.baseUrl });
}, 15 * 60 * 1000);

afterAll(async () => {
	await proxy?.stop();
	await prometheus?.stop();
	await n8n?.stop();
	await mail?.close();
});

describe('every answer of the Untis Platform Trigger is counted at /metrics', () => {
	it('200, 401, 400 and 413 as the node answered them; 415 is not an answer of the trigger (401 unsigned, 200 signed)', async () => {
		const url = n8n.webhookUrl(pathOf(trigger));
		const before = await counts(pathOf(trigger));
		const oversize = genuine('over-limit');
		const cases: Array<[string, () => Promise<Answer>, number]> = [
			['genuine', () => send(url, genuine('m-200')), 200],
			['forged', () => send(url, forged('m-401')), 401],
			['signed, not an event', () => { const body = '{"hello":"world"}'; return send(url, { body, headers: sim.signRequest(body, privateKey) }); }, 400],
			[
				`over N8N_PAYLOAD_SIZE_MAX, as application/octet-stream`,
				() => send(url, { body: Buffer.concat([Buffer.from(oversize.body), Buffer.alloc(PAYLOAD_LIMIT_MIB * 1024 * 1024, 32)]), headers: { ...oversize.headers, 'Content-Type': 'application/octet-stream' } }),
				413,
			],
			// A content type the platform never sends: the trigger verifies the bytes, not the type.
			['unsigned text/plain', () => send(url, { body: 'hello', headers: { 'Content-Type': 'text/plain' } }), 401],
			['signed text/plain', () => { const d = genuine('m-text'); return send(url, { body: d.body, headers: { ...d.headers, 'Content-Type': 'text/plain' } }); }, 200],
		];
		for (const [what, run, status] of cases) expect({ what, status: (await run()).status }).toEqual({ what, status });
		const expected = { 'POST 200': 2, 'POST 401': 2, 'POST 400': 1, 'POST 413': 1 };
		expect(await grownTo(pathOf(trigger), before, expected)).toEqual(expected);
	});

	it('a JSON body over N8N_PAYLOAD_SIZE_MAX is refused by n8n before the node runs, and counted as the 500 n8n answered', async () => {
		const url = n8n.webhookUrl(pathOf(trigger));
		const before = await counts(pathOf(trigger));
		const d = genuine('over-limit-json');
		const answer = await send(url, { body: Buffer.concat([Buffer.from(d.body.slice(0, -1)), Buffer.from(`,"x":"${'x'.repeat(PAYLOAD_LIMIT_MIB * 1024 * 1024)}"}`)]), headers: d.headers });
		// raw-body's 413 reaches n8n's error handler, which answers 500: an oversized JSON body is a
		// 500 at /metrics (and fires UntisPlatformTriggerFailing), though the trigger never ran.
		expect(answer.status).toBe(500);
		const expected = { 'POST 500': 1 };
		expect(await grownTo(pathOf(trigger), before, expected)).toEqual(expected);
	});
});

describe('every answer of the Manual Entry form is counted at /metrics', () => {
	it('200, 401, 400, 403, 413, 415 and 500', async () => {
		const url = n8n.webhookUrl(pathOf(form, 'form'));
		const auth = `Basic ${Buffer.from(`${formLogin.user}:${formLogin.password}`).toString('base64')}`;
		const wrong = `Basic ${Buffer.from(`${formLogin.user}:not-the-password`).toString('base64')}`;
		const urlencoded = 'application/x-www-form-urlencoded';
		const before = await counts(pathOf(form, 'form'));
		// The page, signed in: 200, with the form token a submission must carry.
		const page = await fetch(url, { headers: { Authorization: auth } });
		expect(page.status).toBe(200);
		const token = /name="formToken" value="([^"]+)"/.exec(await page.text())![1];
		const fields = { tenantId: 'm-form', clientId: 'BestApp-tenant-m-form', secret: 'typed-secret', password: 'typed-password', host: 'school.webuntis.com' };
		const entry = (formToken: string) => new URLSearchParams({ ...fields, formToken }).toString();
		const post = (headers: Record<string, string>, body: string): RequestInit => ({ method: 'POST', headers, body });
		const cases: Array<[string, RequestInit, number]> = [
			['a wrong login', post({ Authorization: wrong, 'Content-Type': urlencoded }, entry(token)), 401],
			['an empty submission', post({ Authorization: auth, 'Content-Type': urlencoded }, ''), 400],
			['a submission of 20 KB', post({ Authorization: auth, 'Content-Type': urlencoded }, `tenantId=${'x'.repeat(20_000)}`), 413],
			['a JSON submission', post({ Authorization: auth, 'Content-Type': 'application/json' }, '{}'), 415],
			['a valid entry with a forged form token', post({ Authorization: auth, 'Content-Type': urlencoded }, entry('forged')), 403],
			['a valid entry with a misconfigured API base', post({ Authorization: auth, 'Content-Type': urlencoded }, entry(token)), 500],
		];
		for (const [what, init, status] of cases) expect({ what, status: (await fetch(url, init)).status }).toEqual({ what, status });
		const expected = { 'GET 200': 1, 'POST 401': 1, 'POST 400': 1, 'POST 403': 1, 'POST 413': 1, 'POST 415': 1, 'POST 500': 1 };
		expect(await grownTo(pathOf(form, 'form'), before, expected)).toEqual(expected);
	});
});

describe('alerts fire in a real Prometheus', () => {
	it('a forged flood (300 requests, 10 at a time) fires UntisPlatformForgedRequests; the log stays at 10 lines a minute and a count', async () => {
		const url = n8n.webhookUrl(pathOf(trigger));
		const linesBefore = refusalLines().filter((l) => l.metadata.workflowId === trigger.id).length;
		// Prometheus must see the 401 series before the flood to count its increase.
		await send(url, forged('flood-0'));
		await sleep(2500);
		const statuses: number[] = [];
		for (let i = 0; i < 30; i++) {
			statuses.push(...(await Promise.all(Array.from({ length: 10 }, (_, j) => send(url, forged(`flood-${i}-${j}`))))).map((a) => a.status));
		}
		expect(new Set(statuses)).toEqual(new Set([401]));
		const alert = await prometheus.waitForAlert('UntisPlatformForgedRequests', { labels: { webhook_path: pathOf(trigger) }, timeoutMs: 60_000 });
		expect(alert.labels).toMatchObject({ workflow_id: trigger.id, severity: 'warning' });
		// 301 refusals with the same reason on this node: at most 10 lines a minute; the flood may
		// straddle the end of the minute the earlier tests started (10 more and one summary line).
		const lines = refusalLines().filter((l) => l.metadata.workflowId === trigger.id);
		expect(lines.length - linesBefore).toBeLessThanOrEqual(21);
		for (const line of lines) {
			expect(line.metadata).toMatchObject({ event: expect.stringMatching(/^untis\.refused/), workflowId: trigger.id, node: 'Untis Platform Trigger' });
			expect(JSON.stringify(line)).not.toContain(Buffer.alloc(256, 7).toString('base64').slice(0, 40));
		}
	}, 5 * 60 * 1000);

	it('genuine deliveries through a proxy that re-encodes the body fire UntisPlatformDeliveriesRefused', async () => {
		const direct = n8n.webhookUrl(pathOf(proxied));
		const throughProxy = proxy.url(pathOf(proxied));
		// Deliveries succeed for a while (two, a scrape apart, so that Prometheus sees the 200s grow),
		// then the proxy is put in front.
		expect((await send(direct, genuine('proxy-0'))).status).toBe(200);
		await sleep(2500);
		expect((await send(direct, genuine('proxy-0'))).status).toBe(200);
		const lastOkAt = Date.now();
		// The platform retries a refused delivery: one every second until the alert fires.
		let refused = 0;
		let firing: { labels: Record<string, string> } | undefined;
		const deadline = Date.now() + 120_000;
		while (!firing && Date.now() < deadline) {
			const answer = await send(throughProxy, genuine('proxy-1'));
			expect(answer.status).toBe(401);
			expect(JSON.parse(answer.body).error).toMatch(/^Signature does not match the body/);
			refused++;
			firing = (await prometheus.alerts()).find((a) => a.labels.alertname === 'UntisPlatformDeliveriesRefused' && a.state === 'firing' && a.labels.webhook_path === pathOf(proxied));
			if (!firing) await sleep(1000);
		}
		expect(firing?.labels).toMatchObject({ workflow_id: proxied.id, severity: 'critical' });
		// Not before the last 200 left the 20 s window and 10 s of `for:` passed (a scrape or two early).
		expect(Date.now() - lastOkAt).toBeGreaterThanOrEqual(26_000);
		expect(refused).toBeGreaterThan(10);
		const reasons = refusalLines().filter((l) => l.metadata.workflowId === proxied.id).map((l) => l.metadata.reason);
		expect(new Set(reasons)).toEqual(new Set(['signature_mismatch']));
	}, 5 * 60 * 1000);

	it('a misconfigured trigger answers 500, counted, logged as an error and alerted at once (UntisPlatformTriggerFailing)', async () => {
		// The credential changed at the start; the trigger's cache holds the old one at most 60 s.
		await sleep(Math.max(0, brokenAt + 62_000 - Date.now()));
		const url = n8n.webhookUrl(pathOf(broken));
		const before = await counts(pathOf(broken));
		const answer = await send(url, genuine('m-500'));
		expect(answer.status).toBe(500);
		expect(JSON.parse(answer.body)).toEqual({ error: 'Untis Platform Trigger is misconfigured; see the n8n log' });
		const expected = { 'POST 500': 1 };
		expect(await grownTo(pathOf(broken), before, expected)).toEqual(expected);
		const line = refusalLines().find((l) => l.metadata.workflowId === broken.id);
		expect(line).toMatchObject({ level: 'error', metadata: { event: 'untis.refused', reason: 'misconfigured', status: 500, node: 'Untis Platform Trigger' } });
		await sleep(2500); // one scrape after the first sample of the series, then the 500
		await send(url, genuine('m-500-again'));
		const alert = await prometheus.waitForAlert('UntisPlatformTriggerFailing', { labels: { webhook_path: pathOf(broken) }, timeoutMs: 60_000 });
		expect(alert.labels.workflow_id).toBe(broken.id);
	}, 5 * 60 * 1000);
});

describe('without Prometheus: example 9 reads the counts and mails operations', () => {
	it('after the flood, the proxy and the 500s, one mail names each finding and no secret', async () => {
		const settings = report.nodes.find((n: { name: string }) => n.name === 'Settings');
		settings.parameters.assignments.assignments.find((a: { name: string }) => a.name === 'metricsUrl').value = `${n8n.baseUrl}/metrics`;
		// Imported as a vendor would, into the running n8n, and run once from the editor.
		const file = join(dir, 'example-9.json');
		writeFileSync(file, JSON.stringify(report));
		await n8n.cli(['import:workflow', `--input=${file}`]);
		const run = await n8n.runInEditor(report).catch((error: Error) => {
			const last = n8n.lastExecutionId();
			throw new Error(`${error.message}: ${JSON.stringify(n8n.executionRecord(last)).slice(0, 3000)}`);
		});
		expect(run.status).toBe('success');
		const [message] = await mail.waitFor(1);
		expect(message.to).toEqual(['operations@example.com']);
		expect(message.subject).toBe('Untis Platform: refused or failing requests');
		expect(message.text).toContain(`refused (401) requests since the last check on the trigger ${pathOf(trigger)} (workflow ${trigger.id}): forged or unsigned.`);
		expect(message.text).toContain(`answers 500 since the last check on ${pathOf(broken)} (workflow ${broken.id})`);
		expect(message.text).toContain(`answers 500 since the last check on ${pathOf(form, 'form')} (workflow ${form.id})`);
		expect(message.text).not.toMatch(/typed-secret|typed-password|Authorization/);
	}, 5 * 60 * 1000);
});
