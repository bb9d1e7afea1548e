import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sealerFor } from '../../nodes/UntisPlatform/core/sealing/sealing';
import type { QueueProcess } from '../helpers/queueProcess.cjs';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startQueueCluster } = require('../../scripts/n8n/queue/queue-cluster');
const sim = require('../../tools/untis-platform-sim/sim.js');
const { onboardingVariant } = require('../../scripts/n8n/workflow-variants');
const { startMailSink } = require('../../scripts/n8n/mail-sink');
const { startNginx } = require('../../scripts/n8n/queue/nginx');
const { orderCases } = require('../../scripts/n8n/order-cases');
// jest's module maps know only triggerSuite: load the helper by its file name.
const { describeOrderCases } = require('../helpers/orderSuite.cts') as typeof import('../helpers/orderSuite.cjs');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The trigger in n8n queue mode: Postgres + Redis (Debian packages, private instances on
 * loopback), n8n main + one `n8n webhook` process + one `n8n worker`. Every request goes to the
 * webhook process, where the trigger verifies the signature; the workflow runs on the worker.
 * Postgres (n8n's execution_entity/execution_data) is the proof of what ran.
 */
const ROOT = join(__dirname, '../..');
const { readExample: example } = require('../../scripts/n8n/examples');
const setup = example('create-tenants-table.workflow.json');
const onboarding = example('1-onboarding.workflow.json');
// The load figures in docs/queue-mode.md are for the webhook process answering at once: the
// example with Acknowledge Immediately (the shipped example waits for Confirm Delivery).
const onboardingNow = onboardingVariant({ id: 'untisQueueLoadNow1', prefix: 'e1000000-', acknowledge: 'immediately' });
const deactivation = example('2-deactivation.workflow.json');
const outputs = JSON.parse(readFileSync(join(ROOT, 'test/e2e/fixtures/trigger-outputs.workflow.json'), 'utf8'));
const TRIGGER = 'Untis Platform Trigger';
/**
 * For the worker-restart tests: the trigger, then a 1 s Wait (kept in-process by n8n below 65 s),
 * so that a worker under load always holds jobs when it is stopped or killed.
 */
const slow = {
	id: 'untisQueueSlow001',
	name: 'Untis Platform Trigger -> hold 1 s (queue tests)',
	nodes: [
		{ ...outputs.nodes[0], id: 'a1000000-0000-4000-8000-00000000a001', webhookId: 'a1000000-0000-4000-8000-0000000a0b01' },
		{
			id: 'a1000000-0000-4000-8000-00000000a002',
			name: 'Hold the job 1 s',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			position: [300, 0],
			parameters: { resume: 'timeInterval', amount: 1, unit: 'seconds' },
		},
	],
	connections: {
		[outputs.nodes[0].name]: {
			main: [
				[{ node: 'Hold the job 1 s', type: 'main', index: 0 }],
				[{ node: 'Hold the job 1 s', type: 'main', index: 0 }],
			],
		},
	},
	settings: {},
};
const WORKER_CONCURRENCY = 10;
const REPORT = join(ROOT, '.ci-results', 'queue-report.txt');

type Json = Record<string, unknown>;
type Row = { id: number; status: string; workflowId: string; startedAt: string | null; stoppedAt: string | null };
type Proc = QueueProcess;
interface Cluster {
	main: Proc;
	webhook: Proc;
	worker: Proc;
	pg: { json(sql: string): Json[]; psql(sql: string): string };
	redis: { cli(...args: string[]): string };
	bins: { nginx: string };
	db: {
		readExecutions(f?: Json): Row[];
		countByStatus(f?: Json): Record<string, number>;
		executionJson(id: number): Record<string, Json[][]>;
		executionRecord(id: number): unknown;
		executionsWithJson(f?: Json): Array<{ id: number; status: string; nodes: Record<string, Json[][]>; queued: Record<string, Json[][]> }>;
		waitForExecutions(o: Json): Promise<Row[]>;
		lastExecutionId(): number;
	};
	webhookUrl(path: string): string;
	mainUrl(path: string): string;
	runInEditor(workflow: Json): Promise<Row>;
	bullCounts(): { waiting: number; active: number; completed: number; failed: number };
	stop(): Promise<unknown>;
}

const keys = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-queue-keys-')));
const privateKey = readFileSync(keys.privatePath, 'utf8');
const intruderKey = readFileSync(sim.keygen(mkdtempSync(join(tmpdir(), 'untis-queue-intruder-'))).privatePath, 'utf8');
const encryptionKey = randomBytes(32).toString('base64');
const sealer = sealerFor(encryptionKey);
const credentialData = { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey };

let cluster: Cluster;
const report: string[] = [];
function note(line: string) {
	report.push(line);
	// eslint-disable-next-line no-console
	console.log(line);
}

const hookOf = (workflow: { nodes: Array<{ webhookId?: string }> }) => `${workflow.nodes[0].webhookId}/webhook`;
const idOf = (body: string) => sim.deliveryId(Buffer.from(body), encryptionKey) as string;
const signed = (kind: string, tenant: string, key = privateKey, algorithm?: string) => {
	const body = JSON.stringify(sim.buildPayload(kind, { tenant }));
	return { body, headers: sim.signRequest(body, key, algorithm) as Record<string, string>, id: idOf(body) };
};
const post = (url: string, body: string | Buffer, headers: Record<string, string>, agent?: Agent) =>
	sim.post(url, body, headers, { agent }) as Promise<{ status: number; body: string; ms: number }>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Delivers in order with `concurrency` requests in flight; onAck(n) after each answer (n = answers so far). */
async function deliverAll(url: string, deliveries: Array<{ body: string; headers: Record<string, string> }>, concurrency: number, onAck?: (n: number) => Promise<void> | void) {
	const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
	const statuses: number[] = [];
	const latencies: number[] = [];
	let next = 0;
	const t0 = Date.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < deliveries.length) {
				const d = deliveries[next++];
				const answer = await post(url, d.body, d.headers, agent);
				statuses.push(answer.status);
				latencies.push(answer.ms);
				if (onAck) await onAck(statuses.length);
			}
		}),
	);
	agent.destroy();
	latencies.sort((a, b) => a - b);
	const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
	return { statuses, seconds: (Date.now() - t0) / 1000, p50: pct(50), p99: pct(99), max: latencies[latencies.length - 1] };
}

/** The deliveryId each execution's trigger emitted (either output), whether the execution ran yet or not. */
function deliveryIdsOf(rows: Array<{ nodes: Record<string, Json[][]>; queued?: Record<string, Json[][]> }>) {
	const find = (outs?: Json[][]) => (outs ?? []).flatMap((items) => items ?? []).find((item) => typeof item?.deliveryId === 'string');
	// A crashed execution's runData is rebuilt from the worker's event log with an artificial item
	// (isArtificialRecoveredEventItem): the trigger's real output is then still in the node
	// execution stack that the webhook process stored.
	return rows.map((r) => (find(r.nodes[TRIGGER]) ?? find(r.queued?.[TRIGGER]))?.deliveryId as string | undefined);
}

function tenantRows(): Array<Record<string, string | null>> {
	const [table] = cluster.pg.json("SELECT id FROM data_table WHERE name = 'untis_tenants'");
	return cluster.pg.json(`SELECT * FROM "data_table_user_${table.id}"`) as Array<Record<string, string | null>>;
}

/** n8n's count of answers per status at a process's /metrics, for one webhook path (POST). */
async function answerCounts(baseUrl: string, webhookPath: string): Promise<Record<string, number>> {
	const text = await (await fetch(`${baseUrl}/metrics`)).text();
	const counts: Record<string, number> = {};
	for (const line of text.split('\n')) {
		if (!line.startsWith('n8n_webhook_request_duration_seconds_count{') || !line.includes(`webhook_path="${webhookPath}"`)) continue;
		const status = /status_code="(\d+)"/.exec(line)![1];
		counts[status] = (counts[status] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
	}
	return counts;
}

/** The error an execution ended with, for failure messages. */
function errorOf(id: number): string {
	const record = cluster.db.executionRecord(id) as { data?: { resultData?: { error?: { message?: string; name?: string }; lastNodeExecuted?: string } } };
	const result = record.data?.resultData;
	return `${result?.error?.name ?? ''} ${result?.error?.message ?? '(no error)'} at ${result?.lastNodeExecuted ?? '?'}`;
}

/** Execution ids of the jobs in Bull's active list (held by a worker, or by a dead one until its lock expires). */
function heldExecutions(): number[] {
	const jobIds = cluster.redis.cli('LRANGE', 'bull:jobs:active', '0', '-1').split('\n').filter(Boolean);
	const data = jobIds.map((id) => cluster.redis.cli('HGET', `bull:jobs:${id}`, 'data'));
	// A job that finished between the two reads is gone (n8n removes completed jobs): not held.
	return data.filter(Boolean).map((json) => Number(JSON.parse(json).executionId));
}

/** Examples 1 and 2 send mail (on the worker): their SMTP credential points at this loopback server. */
let mail: { credential: unknown; messages: Array<{ to: string[]; subject: string; raw: string }>; close(): Promise<void> };

beforeAll(async () => {
	const t0 = Date.now();
	mail = await startMailSink();
	cluster = await startQueueCluster({
		packageDir: ROOT,
		workerConcurrency: WORKER_CONCURRENCY,
		credentials: [
			{ ...onboarding.nodes[0].credentials.untisPlatformApi, type: 'untisPlatformApi', data: credentialData },
			{ ...outputs.nodes[0].credentials.untisPlatformApi, type: 'untisPlatformApi', data: credentialData },
			mail.credential,
		],
		workflows: [setup, onboarding, onboardingNow, deactivation, outputs, slow],
		// n8n's opt-in webhook metrics (docs/monitoring.md): each webhook process counts its answers.
		env: { N8N_METRICS: 'true', N8N_METRICS_INCLUDE_WEBHOOK_METRICS: 'true' },
		// The tenants-table example is imported, never published: it is run once, as from the editor.
		activate: [onboarding, onboardingNow, deactivation, outputs, slow].map((w) => w.id),
	});
	note(
		`QUEUE cluster up in ${((Date.now() - t0) / 1000).toFixed(1)} s (main ${cluster.main.startSeconds.toFixed(1)} s, ` +
			`webhook ${cluster.webhook.startSeconds.toFixed(1)} s, worker ${cluster.worker.startSeconds.toFixed(1)} s after spawn)`,
	);
	// The shipped example, run as a vendor does: Execute workflow in the editor (asked of main, run by the worker).
	const created = await cluster.runInEditor(setup);
	expect(cluster.db.executionJson(created.id)['Create untis_tenants'][0][0]).toMatchObject({ name: 'untis_tenants' });
}, 15 * 60 * 1000);

afterAll(async () => {
	mkdirSync(join(ROOT, '.ci-results'), { recursive: true });
	writeFileSync(REPORT, `${report.join('\n')}\n`);
	if (cluster) {
		const stopped = await cluster.stop();
		appendFileSync(REPORT, `stopped: ${JSON.stringify(stopped)}\n`);
	}
	if (mail) await mail.close();
}, 5 * 60 * 1000);

describe('topology: the webhook process receives, the worker runs', () => {
	it('the package is installed in the user folder of main, webhook and worker', () => {
		const installed = [cluster.main, cluster.webhook, cluster.worker].map((p) => p.installedPackage);
		expect(installed).toEqual([0, 1, 2].map(() => expect.objectContaining({ name: 'n8n-nodes-untis-platform' })));
	});

	it('main serves no production webhook (N8N_DISABLE_PRODUCTION_MAIN_PROCESS): 404 and no execution', async () => {
		const before = cluster.db.lastExecutionId();
		const d = signed('created', 'q-main');
		const answer = await post(cluster.mainUrl(hookOf(onboarding)), d.body, d.headers);
		expect(answer.status).toBe(404);
		await sleep(500);
		expect(cluster.db.readExecutions({ sinceId: before })).toEqual([]);
	});

	it('a delivery is verified and enqueued by the webhook process and run by the worker', async () => {
		const before = cluster.db.lastExecutionId();
		const d = signed('created', 'q-topology');
		const answer = await post(cluster.webhookUrl(hookOf(onboarding)), d.body, d.headers);
		expect(answer.status).toBe(200);
		// The shipped example answers from its Confirm Delivery step, which the worker ran.
		expect(JSON.parse(answer.body)).toEqual({ received: true, confirmed: true, deliveryId: d.id });
		const [execution] = await cluster.db.waitForExecutions({ workflowId: onboarding.id, count: 1, sinceId: before });
		expect(execution.status).toBe('success');
		expect(cluster.webhook.logText()).toContain(`Enqueued execution ${execution.id} `);
		expect(cluster.worker.logText()).toContain(`Worker finished execution ${execution.id} `);
		expect(cluster.main.logText()).not.toContain(`Worker started execution ${execution.id} `);
	});
});

describe('every event type reaches the right output on the worker', () => {
	const cases: Array<[string, 0 | 1, Json]> = [
		['created', 0, { event: 'credentials', eventType: 'CREATED', tenantStatus: 'active' }],
		['reactivated', 0, { event: 'credentials', eventType: 'REACTIVATED', tenantStatus: 'active' }],
		['reset', 0, { event: 'credentials', eventType: 'RESET', tenantStatus: 'active' }],
		['v1', 0, { event: 'credentials', eventType: 'V1', specVersion: 1 }],
		['deactivation', 1, { event: 'deactivation', eventType: 'DEACTIVATION', tenantStatus: 'deactivated' }],
		['deletion', 1, { event: 'deactivation', eventType: 'DELETION', tenantStatus: 'deleted' }],
		['legacy', 1, { event: 'deactivation', eventType: 'DEACTIVATION', reasonType: 'REMOTE_DEACTIVATION' }],
	];
	it.each(cases)('%s', async (kind, output, fields) => {
		const before = cluster.db.lastExecutionId();
		const d = signed(kind, `q-${kind}`);
		const answer = await post(cluster.webhookUrl(hookOf(outputs)), d.body, d.headers);
		expect(answer.status).toBe(200);
		expect(JSON.parse(answer.body)).toEqual({ received: true, started: true, deliveryId: d.id });
		const [execution] = await cluster.db.waitForExecutions({ workflowId: outputs.id, count: 1, sinceId: before });
		expect(execution.status).toBe('success');
		const runs = cluster.db.executionJson(execution.id);
		const [credentialsOut, deactivationOut] = runs[TRIGGER];
		const item = (output === 0 ? credentialsOut : deactivationOut)[0];
		expect(output === 0 ? deactivationOut ?? [] : credentialsOut ?? []).toEqual([]);
		expect(item).toMatchObject({ ...fields, tenantId: `q-${kind}`, deliveryId: d.id });
		expect(runs[output === 0 ? 'Credentials received' : 'Deactivation received'][0]).toEqual([item]);
		expect(runs[output === 0 ? 'Deactivation received' : 'Credentials received']).toBeUndefined();
		if (output === 0) expect(item.password).toMatch(/^sealed:v2:/);
		expect(cluster.worker.logText()).toContain(`Worker finished execution ${execution.id} `);
		await sleep(300);
		expect(cluster.db.readExecutions({ sinceId: before })).toHaveLength(1);
	});

	it('onboarding example: CREATED stores the tenant in the Postgres data table, secrets sealed; the deactivation example marks it', async () => {
		let before = cluster.db.lastExecutionId();
		const created = signed('created', 'q-onboard');
		expect((await post(cluster.webhookUrl(hookOf(onboarding)), created.body, created.headers)).status).toBe(200);
		const [first] = await cluster.db.waitForExecutions({ workflowId: onboarding.id, count: 1, sinceId: before });
		expect(first.status).toBe('success');
		expect(cluster.db.executionJson(first.id)['Welcome text (de/en)'][0][0]).toMatchObject({ to: 'jane@doe.com' });
		expect(mail.messages.filter((m) => m.to.includes('jane@doe.com'))).not.toEqual([]);
		const [row, ...more] = tenantRows().filter((r) => r.tenantId === 'q-onboard');
		expect(more).toEqual([]);
		expect(row).toMatchObject({ status: 'active', eventType: 'CREATED', deliveryId: created.id });
		expect(sealer.unseal(row.password!, { tenantId: 'q-onboard', field: 'password' })).toBe(JSON.parse(created.body).password);

		before = cluster.db.lastExecutionId();
		const gone = signed('deactivation', 'q-onboard');
		expect((await post(cluster.webhookUrl(hookOf(deactivation)), gone.body, gone.headers)).status).toBe(200);
		const [second] = await cluster.db.waitForExecutions({ workflowId: deactivation.id, count: 1, sinceId: before });
		expect(second.status).toBe('success');
		expect(tenantRows().filter((r) => r.tenantId === 'q-onboard')).toEqual([expect.objectContaining({ status: 'deactivated', eventType: 'DEACTIVATION' })]);
	});

	it('an event type the workflow does not select is acknowledged and starts nothing', async () => {
		const before = cluster.db.lastExecutionId();
		const d = signed('deletion', 'q-unselected');
		const answer = await post(cluster.webhookUrl(hookOf(onboarding)), d.body, d.headers);
		expect(answer.status).toBe(200);
		expect(JSON.parse(answer.body)).toMatchObject({ received: true, started: false });
		await sleep(500);
		expect(cluster.db.readExecutions({ sinceId: before })).toEqual([]);
	});
});

describe('rejections on the webhook process: status, JSON error, no execution, no job', () => {
	const genuine = () => signed('created', 'q-rejections');
	const without = (headers: Record<string, string>, name: string) => Object.fromEntries(Object.entries(headers).filter(([k]) => k !== name));
	const signedText = (text: string, contentType = 'application/json; charset=utf-8') => ({
		body: text,
		headers: { ...sim.signRequest(text, privateKey), 'Content-Type': contentType },
	});
	const cases: Array<[string, () => { body: string; headers: Record<string, string> }, number, RegExp]> = [
		['no signature headers', () => ({ body: genuine().body, headers: { 'Content-Type': 'application/json' } }), 401, /^Missing Authorization header/],
		['no Algorithm header', () => { const d = genuine(); return { body: d.body, headers: without(d.headers, 'Algorithm') }; }, 401, /^Missing Algorithm header/],
		['signed with another key', () => signed('created', 'q-intruder', intruderKey), 401, /does not match/],
		['a tampered body', () => { const d = genuine(); return { body: d.body.replace('q-rejections', 'q-rejectionz'), headers: d.headers }; }, 401, /does not match/],
		['the body re-serialised', () => { const d = genuine(); return { body: JSON.stringify(JSON.parse(d.body), null, 2), headers: d.headers }; }, 401, /does not match/],
		['Algorithm SHA1withRSA', () => { const d = genuine(); return { body: d.body, headers: { ...d.headers, Algorithm: 'SHA1withRSA' } }; }, 401, /'SHA1withRSA' is not allowed/],
		['SHA512withRSA, not enabled', () => signed('created', 'q-512', privateKey, 'SHA512withRSA'), 401, /'SHA512withRSA' is not allowed/],
		['a non-base64 signature', () => { const d = genuine(); return { body: d.body, headers: { ...d.headers, Authorization: 'this is not base64!' } }; }, 401, /not strict base64/],
		['a Bearer prefix', () => { const d = genuine(); return { body: d.body, headers: { ...d.headers, Authorization: `Bearer ${d.headers.Authorization}` } }; }, 401, /without a 'Bearer' prefix/],
		['verified, but an array', () => signedText('[{"tenantId":"1"}]'), 400, /^Body must be a JSON object, got an array$/],
		['verified, but no tenantId', () => signedText('{"eventType":"DEACTIVATION","reasonType":"NO_REASON"}'), 400, /^Field 'tenantId' is missing or empty/],
		['verified, but neither event shape', () => signedText('{"tenantId":"1","hello":"world"}'), 400, /fits neither event/],
		['verified, but not JSON (text/plain)', () => signedText('tenantId=1&eventType=DELETION', 'text/plain'), 400, /^Body is not valid JSON$/],
	];

	let before = 0;
	let jobsBefore = 0;
	let countsBefore: Record<string, number> = {};
	const jobCounter = () => Number(cluster.redis.cli('GET', 'bull:jobs:id') || 0);
	beforeAll(async () => {
		before = cluster.db.lastExecutionId();
		jobsBefore = jobCounter();
		countsBefore = await answerCounts(cluster.webhook.baseUrl, hookOf(onboarding));
	});

	it.each(cases)('%s', async (_name, make, status, message) => {
		const { body, headers } = make();
		const answer = await post(cluster.webhookUrl(hookOf(onboarding)), body, headers);
		expect(answer.status).toBe(status);
		expect(Object.keys(JSON.parse(answer.body))).toEqual(['error']);
		expect(JSON.parse(answer.body).error).toMatch(message);
	});

	it('invalid JSON sent as application/json is refused by n8n itself (422)', async () => {
		const { body, headers } = signedText('{"tenantId": "1", ');
		expect((await post(cluster.webhookUrl(hookOf(onboarding)), body, headers)).status).toBe(422);
	});

	it('none of them created an execution in Postgres or a job in Redis: a genuine sentinel is the only new one', async () => {
		await sleep(500);
		expect(cluster.db.readExecutions({ sinceId: before })).toEqual([]);
		expect(jobCounter()).toBe(jobsBefore);
		const sentinel = signed('created', 'q-sentinel');
		expect((await post(cluster.webhookUrl(hookOf(onboarding)), sentinel.body, sentinel.headers)).status).toBe(200);
		const [execution] = await cluster.db.waitForExecutions({ workflowId: onboarding.id, count: 1, sinceId: before });
		await sleep(500);
		expect(cluster.db.readExecutions({ sinceId: before }).map((e) => e.id)).toEqual([execution.id]);
		expect(jobCounter()).toBe(jobsBefore + 1);
	});

	it("every answer above was counted at the webhook process's /metrics; main counts none", async () => {
		const counted = await answerCounts(cluster.webhook.baseUrl, hookOf(onboarding));
		const grown = Object.fromEntries(Object.entries(counted).map(([k, v]) => [k, v - (countsBefore[k] ?? 0)]).filter(([, v]) => v));
		// 9 refused 401 and 4 refused 400 by the trigger, 1 refused 422 by n8n's JSON parser, the sentinel's 200.
		expect(grown).toEqual({ 401: 9, 400: 4, 422: 1, 200: 1 });
		expect(await answerCounts(cluster.main.baseUrl, hookOf(onboarding))).toEqual({});
	});

	it('the recommended nginx configuration does not pass /metrics on: main and the webhook process serve it only directly', async () => {
		const nginx = await startNginx({
			bin: cluster.bins.nginx,
			webhooks: [new URL(cluster.webhook.baseUrl).host],
			main: new URL(cluster.main.baseUrl).host,
			logFile: join(mkdtempSync(join(tmpdir(), 'untis-queue-nginx-log-')), 'nginx.log'),
		});
		try {
			expect((await fetch(`${cluster.main.baseUrl}/metrics`)).status).toBe(200);
			const proxied = await fetch(`${nginx.baseUrl}/metrics`);
			expect(proxied.status).toBe(404);
			expect(await proxied.text()).not.toContain('n8n_webhook_request_duration_seconds');
			// The editor's paths still reach main through it.
			expect((await fetch(`${nginx.baseUrl}/healthz`)).status).toBe(200);
		} finally {
			await nginx.stop();
		}
	});

	it('the rejections were logged by the webhook process, not by main', () => {
		expect(cluster.webhook.logText()).toMatch(/Untis Platform Trigger rejected a request with 401 \(signature_mismatch\)/);
		expect(cluster.webhook.logText()).toMatch(/Untis Platform Trigger rejected a request with 400 \(invalid_body\)/);
		expect(cluster.main.logText()).not.toMatch(/Untis Platform Trigger rejected/);
	});
});

describe('load through the webhook process', () => {
	it('1,000 signed deliveries at concurrency 20: 1,000 successful executions in Postgres, none lost', async () => {
		const TOTAL = 1000;
		const before = cluster.db.lastExecutionId();
		const deliveries = Array.from({ length: TOTAL }, (_, i) => signed('created', `load-${i}`));
		const sent = await deliverAll(cluster.webhookUrl(hookOf(onboardingNow)), deliveries, 20);
		expect(sent.statuses.filter((s) => s !== 200)).toEqual([]);
		const t0 = Date.now() - sent.seconds * 1000;
		const done = await cluster.db.waitForExecutions({ workflowId: onboardingNow.id, count: TOTAL, sinceId: before, timeoutMs: 10 * 60 * 1000 });
		const doneSeconds = (Date.now() - t0) / 1000;
		const rows = cluster.db.executionsWithJson({ workflowId: onboardingNow.id, sinceId: before });
		expect(rows).toHaveLength(TOTAL);
		expect(rows.filter((r) => r.status !== 'success').map((r) => `${r.id}:${r.status}`)).toEqual([]);
		const seen = new Set(deliveryIdsOf(rows));
		const lost = deliveries.filter((d) => !seen.has(d.id)).map((d) => JSON.parse(d.body).tenantId);
		expect(lost).toEqual([]);
		const stored = new Set(tenantRows().filter((r) => String(r.tenantId).startsWith('load-')).map((r) => r.tenantId));
		expect(stored.size).toBe(TOTAL);
		note(
			[
				`LOAD (queue mode): ${TOTAL} deliveries at concurrency 20 to the webhook process, onboarding example, Acknowledge Immediately`,
				`  acknowledged: ${(TOTAL / sent.seconds).toFixed(1)} deliveries/s (${sent.seconds.toFixed(1)} s); ack p50 ${sent.p50.toFixed(0)} ms, p99 ${sent.p99.toFixed(0)} ms, max ${sent.max.toFixed(0)} ms`,
				`  executions finished on the worker: ${done.length} in ${doneSeconds.toFixed(1)} s (${(TOTAL / doneSeconds).toFixed(1)} /s)`,
				`  executions in Postgres: ${rows.length}, success ${rows.filter((r) => r.status === 'success').length}; lost ${lost.length}; rows in the data table ${stored.size}`,
			].join('\n'),
		);
	}, 15 * 60 * 1000);
});

describe('the worker goes away mid-load and comes back', () => {
	const TOTAL = 200;
	const STOP_AFTER = 60;
	/** Waits until the worker holds jobs (Bull's active list), so the interruption hits work in progress. */
	async function untilWorkerHoldsJobs() {
		const deadline = Date.now() + 10000;
		while (cluster.bullCounts().active < 2 && Date.now() < deadline) await sleep(50);
	}

	/** Sends TOTAL deliveries; after STOP_AFTER answers, `interrupt` takes the worker down (the sending goes on). */
	async function runWithInterruption(label: string, interrupt: () => Promise<Json>) {
		const before = cluster.db.lastExecutionId();
		const deliveries = Array.from({ length: TOTAL }, (_, i) => signed(i % 2 ? 'created' : 'deactivation', `${label}-${i}`));
		let interruption: Promise<Json> | null = null;
		const sent = await deliverAll(cluster.webhookUrl(hookOf(slow)), deliveries, 20, (n) => {
			if (n === STOP_AFTER) interruption = interrupt();
		});
		const observed = await interruption!;
		const queuedWhileDown = cluster.bullCounts();
		const downSince = Date.now();
		expect(cluster.worker.isRunning()).toBe(false);
		// Nothing ran while there was no worker: the jobs wait in Redis.
		await sleep(1000);
		const finishedWhileDown = cluster.db.countByStatus({ workflowId: slow.id, sinceId: before, done: true });
		const restartAt = Date.now();
		await cluster.worker.start();
		const restartSeconds = (Date.now() - restartAt) / 1000;
		return { before, deliveries, sent, observed, queuedWhileDown, finishedWhileDown, restartSeconds, downSeconds: (restartAt - downSince) / 1000 };
	}

	it('graceful stop (SIGTERM, as in a rolling restart): the worker finishes what it holds, the rest waits in Redis; none lost', async () => {
		let held: number[] = [];
		const run = await runWithInterruption('sigterm', async () => {
			await untilWorkerHoldsJobs();
			held = heldExecutions();
			const stopped = await cluster.worker.stop({ signal: 'SIGTERM', timeoutMs: 60000 });
			return { activeAtSignal: held.length, ...stopped };
		});
		expect(held.length).toBeGreaterThan(0);
		expect(run.sent.statuses.filter((s) => s !== 200)).toEqual([]);
		expect(run.observed.forced).toBe(false);
		await cluster.db.waitForExecutions({ workflowId: slow.id, count: TOTAL, sinceId: run.before, timeoutMs: 5 * 60 * 1000 });
		const rows = cluster.db.executionsWithJson({ workflowId: slow.id, sinceId: run.before });
		const seen = new Set(deliveryIdsOf(rows));
		const lost = run.deliveries.filter((d) => !seen.has(d.id)).map((d) => JSON.parse(d.body).tenantId);
		// Every delivery has an execution and every execution reached a final status.
		expect(rows).toHaveLength(TOTAL);
		expect(lost).toEqual([]);
		// Success, apart from (rarely, seen once in five runs) a job in flight during the shutdown
		// that ends 'error': reported with its error, never more than one worker's concurrency.
		const notSuccess = rows.filter((r) => r.status !== 'success').map((r) => `#${r.id} ${r.status}: ${errorOf(r.id)}`);
		expect(notSuccess.length).toBeLessThanOrEqual(WORKER_CONCURRENCY);
		// The jobs held at the signal were finished by the stopping worker, not by its successor.
		const log = cluster.worker.logText();
		const restartedAt = log.lastIndexOf('] start worker: ');
		for (const id of held) {
			const finishedAt = log.indexOf(`Worker finished execution ${id} `);
			expect([id, finishedAt > 0 && finishedAt < restartedAt]).toEqual([id, true]);
		}
		expect(run.queuedWhileDown.waiting).toBeGreaterThan(0);
		note(
			[
				`WORKER SIGTERM after ${STOP_AFTER} of ${TOTAL} acknowledged deliveries (trigger + 1 s Wait): ${run.observed.activeAtSignal} jobs held by the worker at the signal, all finished before it exited; worker exited in ${run.observed.ms} ms (forced: ${run.observed.forced})`,
				`  while down: ${run.queuedWhileDown.waiting} jobs waiting in Redis; all ${TOTAL} deliveries still answered 200 (${(TOTAL / run.sent.seconds).toFixed(1)} /s)`,
				`  worker back after ${run.restartSeconds.toFixed(1)} s; executions: ${rows.length}, success ${rows.filter((r) => r.status === 'success').length}, lost ${lost.length}; not successful: ${notSuccess.join('; ') || 'none'}`,
			].join('\n'),
		);
	}, 15 * 60 * 1000);

	it('hard kill (SIGKILL): waiting jobs survive in Redis and run after the restart; only jobs the dead worker held can be lost, and they stay visible in Postgres', async () => {
		let inFlight: number[] = [];
		const run = await runWithInterruption('sigkill', async () => {
			await untilWorkerHoldsJobs();
			const killed = await cluster.worker.kill('SIGKILL');
			// The jobs the dead worker held: still in Bull's active list, locked by nobody.
			inFlight = heldExecutions();
			return { ...killed, activeAtKill: inFlight.length };
		});
		expect(run.sent.statuses.filter((s) => s !== 200)).toEqual([]);
		expect(run.observed.gone).toBe(true);
		expect(inFlight.length).toBeGreaterThan(0);
		expect(inFlight.length).toBeLessThanOrEqual(WORKER_CONCURRENCY);

		// Every delivery has its execution row in Postgres, written by the webhook process before the job was queued.
		const all = cluster.db.executionsWithJson({ workflowId: slow.id, sinceId: run.before });
		expect(all).toHaveLength(TOTAL);
		const ids = deliveryIdsOf(all);
		const unrecorded = all.filter((_, i) => !ids[i]).map((r) => `#${r.id} ${r.status} ran:[${Object.keys(r.nodes)}] queued:[${Object.keys(r.queued)}]`);
		expect(unrecorded).toEqual([]);
		const recorded = new Set(ids);
		expect(run.deliveries.filter((d) => !recorded.has(d.id)).map((d) => JSON.parse(d.body).tenantId)).toEqual([]);

		// Everything the dead worker did not hold runs to success after the restart.
		const others = TOTAL - inFlight.length;
		await cluster.db.waitForExecutions({ workflowId: slow.id, count: others, sinceId: run.before, timeoutMs: 5 * 60 * 1000 });
		await sleep(2000);
		const rows = cluster.db.readExecutions({ workflowId: slow.id, sinceId: run.before });
		const notSuccess = rows.filter((r) => r.status !== 'success');
		expect(notSuccess.filter((r) => !inFlight.includes(r.id)).map((r) => `${r.id}:${r.status}`)).toEqual([]);
		const counts = cluster.db.countByStatus({ workflowId: slow.id, sinceId: run.before });
		const workerLog = cluster.worker.logText();
		const recovered = /Found unfinished executions: ([\d, ]+)/.exec(workerLog.slice(workerLog.lastIndexOf('] start worker: ')));
		note(
			[
				`WORKER SIGKILL after ${STOP_AFTER} of ${TOTAL} acknowledged deliveries (trigger + 1 s Wait): ${inFlight.length} jobs active (held by the dead worker) at the kill`,
				`  while down: ${run.queuedWhileDown.waiting} jobs waiting in Redis, ${JSON.stringify(run.finishedWhileDown)} finished; all ${TOTAL} deliveries answered 200; worker down ${run.downSeconds.toFixed(1)} s, back after ${run.restartSeconds.toFixed(1)} s`,
				`  executions in Postgres: ${rows.length} (every delivery recorded); by status ${JSON.stringify(counts)}`,
				`  held by the dead worker: ${inFlight.length}, of which not finished: ${notSuccess.length} (${notSuccess.map((r) => `#${r.id} ${r.status}`).join(', ') || 'none'})`,
				`  restarted worker (same user folder) recovered from its event log: ${recovered ? recovered[1] : 'nothing'}; Bull never re-runs held jobs (maxStalledCount 0); without the event log, main's queue recovery marks them crashed (N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL)`,
			].join('\n'),
		);
	}, 15 * 60 * 1000);
});

// Issue 36 on this cluster: two events for one tenant whose executions really run in parallel on the
// worker, the Data Table in PostgreSQL (the cases of test/e2e/order.e2e.test.cts, once each in CI:
// UNTIS_ORDER_QUEUE_RUNS=N for more).
let ordered: { run(name: string, o: { tenant: string; order: string; gapMs: number }): Promise<Record<string, unknown>> } | undefined;
describeOrderCases({
	label: 'queue mode, order and redeliveries: ',
	prefix: 'q',
	runs: Number(process.env.UNTIS_ORDER_QUEUE_RUNS || 1),
	cases: () =>
		(ordered ??= orderCases({
			onboarding,
			deactivation,
			privateKey,
			send: async (workflow: { nodes: Array<{ webhookId?: string }> }, body: string, headers: Record<string, string>) => (await post(cluster.webhookUrl(hookOf(workflow)), body, headers)).status,
			waitFor: (workflow: { id: string }, count: number, sinceId: number) => cluster.db.waitForExecutions({ workflowId: workflow.id, count, sinceId, timeoutMs: 120000 }),
			lastExecutionId: () => cluster.db.lastExecutionId(),
			executionJson: (id: number) => cluster.db.executionJson(id),
			row: (tenant: string) => tenantRows().filter((r) => r.tenantId === tenant),
			mails: () => mail.messages,
		})),
});
