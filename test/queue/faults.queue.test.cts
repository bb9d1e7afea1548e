import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { QueueProcess } from '../helpers/queueProcess.cjs';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startQueueCluster } = require('../../scripts/n8n/queue/queue-cluster');
const { WEBHOOK_TIMEOUT_S, startNginx, startReencodingProxy } = require('../../scripts/n8n/queue/nginx');
const { gzipXmlBomb } = require('../../scripts/n8n/body-bomb');
const { groupCpuSeconds } = require('../../scripts/n8n/process-group');
const { acknowledged, deliverConcurrently, ledger, resendUnacknowledged, tally, outcomeOf, waitsByOutcome } = require('../../scripts/n8n/delivery-ledger');
const { onboardingVariant } = require('../../scripts/n8n/workflow-variants');
const sim = require('../../tools/untis-platform-sim/sim.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * No acknowledged delivery lost at scale. n8n in queue mode as a vendor runs it: Postgres and
 * Redis (append-only file on), main, TWO webhook processes behind Debian's nginx (the
 * configuration docs/scaling.md recommends, N8N_PROXY_HOPS=1), one worker. The onboarding example
 * stores each tenant in the Postgres-backed Data Table. Deliveries are sent as the platform sends
 * them: once each, and every one not answered 2xx is sent again afterwards. For each fault in the
 * middle of a load we count: acknowledged, acknowledged but not stored, stored without an
 * acknowledgement, stored after the resend.
 */
const ROOT = join(__dirname, '../..');
const REPORT = join(ROOT, '.ci-results', 'reports', 'queue-faults.json');
const { readExample: example } = require('../../scripts/n8n/examples');
type Workflow = { id: string; name: string; nodes: Array<{ name: string; webhookId?: string; parameters: Record<string, unknown>; credentials?: Record<string, unknown> }> };

type Acknowledge = 'immediately' | 'afterWorkflowSucceeds' | 'confirmDelivery';
const variant = (id: string, prefix: string, acknowledge: Acknowledge, table?: string): Workflow => onboardingVariant({ id, prefix, acknowledge, table });
const setup = example('create-tenants-table.workflow.json');
const safe = variant('untisFaultSafe001', 'b1000000-', 'afterWorkflowSucceeds');
const now = variant('untisFaultNow0001', 'b2000000-', 'immediately');
// Example 1 as shipped up to Confirm Delivery (trigger, upsert, Confirm Delivery); its mails after
// that are one no-op step (scripts/n8n/workflow-variants.js).
const confirm = variant('untisFaultConf001', 'b3000000-', 'confirmDelivery');
// Their storage step fails (no such table): for the execution whose end n8n cannot save.
const safeUnsaved = variant('untisUnsavedSafe1', 'b4000000-', 'afterWorkflowSucceeds', 'untis_missing_table');
const confirmUnsaved = variant('untisUnsavedConf1', 'b5000000-', 'confirmDelivery', 'untis_missing_table');
/** Measurement runs: the Postgres faults and every Confirm Delivery fault this many times in a row (one in CI). */
const FAULT_RUNS = Number(process.env.UNTIS_FAULT_RUNS || 1);

const WORKER_CONCURRENCY = 10;
/** Per fault: deliveries, requests in flight, and after how many answers the fault starts. */
const FAULT_LOAD = { total: 200, concurrency: 20, faultAt: 60 };
const LB_LOAD = { total: 1000, concurrency: 20, faultAt: 300 };
/** The webhook-process kill with Confirm Delivery: a shorter load (CI time), the same concurrency and kill. */
const LB_CONFIRM_LOAD = { total: 400, concurrency: 20, faultAt: 120 };
/** The sender gives up on an answer after this long (the platform's timeout is not published). */
const ANSWER_TIMEOUT_MS = 100_000;

/** ms: how long the sender waited for this answer (or for nothing). */
type Answer = ({ status: number; body: string } | { error: string }) & { ms?: number };
type Delivery = { tenant: string; body: string; headers: Record<string, string> };
type Ledger = {
	deliveries: number;
	acknowledged: number;
	acknowledgedNotStored: string[];
	notAcknowledged: number;
	storedWithoutAcknowledgement: number;
	answers: Record<string, number>;
};
type Proc = QueueProcess;
interface Cluster {
	main: Proc;
	webhook: Proc;
	webhooks: Proc[];
	bareWebhook: Proc;
	worker: Proc;
	bins: { nginx: string };
	logDir: string;
	pg: { json(sql: string): Array<Record<string, unknown>>; psql(sql: string): string; restart(o: { downMs: number }): Promise<Record<string, number>> };
	redis: { cli(...args: string[]): string; restart(o: { downMs: number }): Promise<Record<string, number>> };
	db: {
		readExecutions(f?: Record<string, unknown>): Array<{ id: number; status: string }>;
		countByStatus(f?: Record<string, unknown>): Record<string, number>;
		executionsWithJson(f?: Record<string, unknown>): Array<{ id: number; status: string; nodes: Record<string, Array<Array<Record<string, unknown>>>>; queued: Record<string, Array<Array<Record<string, unknown>>>> }>;
		lastExecutionId(): number;
	};
	bullCounts(): { waiting: number; active: number; completed: number; failed: number };
	runInEditor(workflow: unknown): Promise<{ id: number; status: string }>;
	stop(): Promise<unknown>;
}
interface Nginx {
	port: number;
	http: string;
	url(path: string): string;
	dropAuthorizationUrl(path: string): string;
	errorLog(): string;
	stop(): Promise<unknown>;
}

const keys = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-faults-keys-')));
const privateKey = readFileSync(keys.privatePath, 'utf8');
const encryptionKey = randomBytes(32).toString('base64');
let cluster: Cluster;
let nginx: Nginx;
const report: Record<string, unknown> = {};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
function note(name: string, figures: unknown) {
	report[name] = figures;
	// eslint-disable-next-line no-console
	console.log(`${name}: ${JSON.stringify(figures)}`);
}

const hookOf = (workflow: Workflow) => `${workflow.nodes[0].webhookId}/webhook`;
function signed(tenant: string): Delivery {
	const body = JSON.stringify(sim.buildPayload('created', { tenant }));
	return { tenant, body, headers: sim.signRequest(body, privateKey) as Record<string, string> };
}
function send(url: string, d: Delivery, agent?: Agent, timeoutMs = ANSWER_TIMEOUT_MS): Promise<Answer> {
	const t0 = Date.now();
	return sim.post(url, d.body, d.headers, { agent, timeoutMs }).then(
		(a: { status: number; body: string }) => ({ status: a.status, body: a.body, ms: Date.now() - t0 }),
		(error: NodeJS.ErrnoException) => ({ error: error.code ? `${error.code}: ${error.message}` : error.message, ms: Date.now() - t0 }),
	);
}
/** No answer from n8n: nginx's 502 (the process died holding it) or 504 (n8n kept it past nginx's timeout), or none at all. */
const unanswered = (a: Answer) => !('status' in a) || ((a.status === 502 || a.status === 504) && /nginx/.test(a.body));

/** GET -> status, or 'down' when nothing answers within timeoutMs (n8n's health endpoints are GET only). */
function statusOf(url: string, timeoutMs = 2000): Promise<number | string> {
	return new Promise((resolve) => {
		const req = get(url, { timeout: timeoutMs }, (res) => {
			res.resume();
			resolve(res.statusCode ?? 'no status');
		});
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', (e) => resolve(/timeout/.test(e.message) ? 'no answer' : 'down'));
	});
}

function storedTenants(): Set<string> {
	const [table] = cluster.pg.json("SELECT id FROM data_table WHERE name = 'untis_tenants'");
	// Stored = written by the example's conditional write: a row with only its tenantId (Ensure tenant row) holds no event.
	return new Set(cluster.pg.json(`SELECT "tenantId" FROM "data_table_user_${table.id}" WHERE "lastEventAt" <> ''`).map((r) => String(r.tenantId)));
}

/**
 * Waits until Redis holds no waiting or active job (bounded): what was queued has run or failed.
 * With Acknowledge Immediately the worker runs behind the acknowledgements (on a loaded 2-core
 * machine by minutes), so the bound is generous.
 */
async function untilQueueDrained(timeoutMs = 10 * 60_000) {
	const deadline = Date.now() + timeoutMs;
	let counts = cluster.bullCounts();
	while ((counts.waiting > 0 || counts.active > 0) && Date.now() < deadline) {
		await sleep(500);
		counts = cluster.bullCounts();
	}
	return counts;
}

/** Every n8n process still running? Restarts (and reports) any that exited during a fault. */
async function processesAfterFault() {
	const exited: string[] = [];
	for (const p of [cluster.main, ...cluster.webhooks, cluster.worker]) {
		if (!p.isRunning()) {
			exited.push(p.role);
			await p.start();
		}
	}
	return exited;
}

/**
 * Sends `load.total` deliveries through nginx to `workflow` at `load.concurrency`; after
 * `load.faultAt` answers, `fault()` runs beside the load. Then (queue drained) counts, sends
 * every unacknowledged delivery again, and counts what is stored.
 */
async function underFault(label: string, workflow: Workflow, load: typeof FAULT_LOAD, fault: () => Promise<Record<string, unknown>>) {
	const deliveries = Array.from({ length: load.total }, (_, i) => signed(`${label}-${i}`));
	const before = cluster.db.lastExecutionId();
	const agent = new Agent({ keepAlive: true, maxSockets: load.concurrency });
	let faulted: Promise<Record<string, unknown>> | undefined;
	const t0 = Date.now();
	const answers: Answer[] = await deliverConcurrently(deliveries, (d: Delivery) => send(nginx.url(hookOf(workflow)), d, agent), {
		concurrency: load.concurrency,
		onAnswer: ({ answers: n }: { answers: number }) => {
			if (n === load.faultAt) faulted = fault();
		},
	});
	const loadSeconds = (Date.now() - t0) / 1000;
	agent.destroy();
	expect(faulted).toBeDefined();
	const faultFigures = await faulted!;
	const drained = await untilQueueDrained();
	const exited = await processesAfterFault();
	const counts: Ledger = ledger(deliveries, answers, storedTenants());
	const resend = await resendUnacknowledged(deliveries, answers, (d: Delivery) => send(nginx.url(hookOf(workflow)), d));
	await untilQueueDrained();
	await sleep(1000);
	const stored = storedTenants();
	const storedAfterResend = deliveries.filter((d) => stored.has(d.tenant)).length;
	const executions = cluster.db.countByStatus({ workflowId: workflow.id, sinceId: before });
	const figures = {
		...counts,
		acknowledgedNotStored: counts.acknowledgedNotStored.length,
		unanswered: answers.filter(unanswered).length,
		// How long the sender waited, per outcome: an unanswered one waits until nginx gives up.
		waits: waitsByOutcome(answers),
		resent: resend.resent,
		resendAnswers: resend.answers,
		storedAfterResend,
		loadSeconds,
		fault: faultFigures,
		queueAfterLoad: drained,
		processesThatExited: exited,
		executions,
	};
	return { deliveries, answers, counts, resend, storedAfterResend, figures, before };
}

beforeAll(async () => {
	const t0 = Date.now();
	cluster = await startQueueCluster({
		packageDir: ROOT,
		workerConcurrency: WORKER_CONCURRENCY,
		webhookProcesses: 2,
		bareWebhook: true,
		redisPersistence: true,
		credentials: [
			{ ...safe.nodes[0].credentials!.untisPlatformApi as object, type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey } },
		],
		workflows: [setup, safe, now, confirm, safeUnsaved, confirmUnsaved],
		// The tenants-table example is imported, never published: it is run once, as from the editor.
		activate: [safe, now, confirm, safeUnsaved, confirmUnsaved].map((w) => w.id),
		// One proxy in front; lazy isolates, as docs/scaling.md recommends for webhook processes.
		env: { N8N_PROXY_HOPS: '1', N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
	});
	nginx = await startNginx({
		bin: cluster.bins.nginx,
		webhooks: cluster.webhooks.map((w) => `127.0.0.1:${w.port}`),
		main: `127.0.0.1:${cluster.main.port}`,
		logFile: join(cluster.logDir, 'nginx.log'),
		misconfigured: true,
	});
	report.clusterStartSeconds = (Date.now() - t0) / 1000;
	// The shipped example, run as a vendor does: Execute workflow in the editor (asked of main, run by the worker).
	await cluster.runInEditor(setup);
}, 15 * 60 * 1000);

afterAll(async () => {
	mkdirSync(join(ROOT, '.ci-results', 'reports'), { recursive: true });
	writeFileSync(REPORT, `${JSON.stringify(report, null, 2)}\n`);
	if (nginx) await nginx.stop();
	if (cluster) await cluster.stop();
}, 5 * 60 * 1000);

/**
 * Kills a webhook process and starts it again; meanwhile polls it directly every 250 ms: its
 * readiness endpoint, and an unsigned POST to the trigger's URL (404 while n8n does not serve
 * the webhook yet, the trigger's 401 once it does). Shows whether readiness comes first.
 */
async function killAndRestart(victim: Proc, workflow: Workflow) {
	const killed = await victim.kill('SIGKILL');
	const t0 = Date.now();
	let starting = true;
	const seen: Array<{ ms: number; readiness: string | number; post: string | number }> = [];
	const okBodies: string[] = [];
	const polling = (async () => {
		while (starting && Date.now() - t0 < 300_000) {
			const [readiness, post] = await Promise.all([
				statusOf(`${victim.baseUrl}/healthz/readiness`),
				sim.post(`${victim.baseUrl}/webhook/${hookOf(workflow)}`, '{}', { 'Content-Type': 'application/json' }, { timeoutMs: 2000 }).then(
					(a: { status: number; body: string }) => {
						// An unsigned request answered 2xx was not seen by the trigger: note what answered.
						if (a.status < 300) okBodies.push(a.body.slice(0, 120));
						return a.status;
					},
					() => 'down',
				),
			]);
			seen.push({ ms: Date.now() - t0, readiness, post });
			await sleep(250);
		}
	})();
	await victim.start();
	starting = false;
	await polling;
	const first = (f: (s: (typeof seen)[number]) => boolean) => seen.find(f)?.ms ?? null;
	return {
		killed: killed.gone,
		restartSeconds: (Date.now() - t0) / 1000,
		firstListeningMs: first((s) => s.post !== 'down'),
		firstReadyMs: first((s) => s.readiness === 200),
		firstServedMs: first((s) => s.post === 401),
		answered404WhileReady: seen.filter((s) => s.readiness === 200 && s.post === 404).length,
		answered2xxBeforeServing: okBodies,
		polls: tally(seen.map((s) => `readiness ${s.readiness} / POST ${s.post}`)),
	};
}

/** The worker SIGKILLed once it holds jobs, then started again. */
async function killWorker() {
	const deadline = Date.now() + 10_000;
	while (cluster.bullCounts().active < 2 && Date.now() < deadline) await sleep(50);
	const held = cluster.bullCounts().active;
	const killed = await cluster.worker.kill('SIGKILL');
	const t0 = Date.now();
	await cluster.worker.start();
	return { killed: killed.gone, jobsHeldAtKill: held, restartSeconds: (Date.now() - t0) / 1000 };
}

/** Redis stopped and started again (its append-only file keeps the queue). */
async function restartRedis() {
	const queued = cluster.bullCounts();
	const restarted = await cluster.redis.restart({ downMs: 2000 });
	return { ...restarted, queuedAtStop: queued };
}

describe('behind nginx (two webhook processes, the recommended configuration)', () => {
	it('a delivery goes through untouched: verified, acknowledged after the workflow, stored', async () => {
		const d = signed('lb-one');
		const answer = await send(nginx.url(hookOf(safe)), d);
		expect(answer).toMatchObject({ status: 200 });
		expect(storedTenants().has('lb-one')).toBe(true);
	});

	it('both webhook processes take deliveries (round robin)', async () => {
		const marks = cluster.webhooks.map((w) => (w.logText().match(/Enqueued execution/g) || []).length);
		for (let i = 0; i < 6; i++) expect(await send(nginx.url(hookOf(now)), signed(`lb-rr-${i}`))).toMatchObject({ status: 200 });
		const after = cluster.webhooks.map((w) => (w.logText().match(/Enqueued execution/g) || []).length);
		expect(after.map((n, i) => n - marks[i] > 0)).toEqual([true, true]);
	});

	describe('a misconfigured proxy gets the documented 401, with a message that points at the proxy, and starts nothing', () => {
		let before = 0;
		beforeAll(() => {
			before = cluster.db.lastExecutionId();
		});

		it('a proxy that drops Authorization (e.g. an auth layer on /webhook/)', async () => {
			const answer = (await send(nginx.dropAuthorizationUrl(hookOf(safe)), signed('lb-noauth'))) as { status: number; body: string };
			expect(answer.status).toBe(401);
			const { error } = JSON.parse(answer.body);
			expect(error).toMatch(/^Missing Authorization header: .*a proxy in front of n8n removed it \(pass Authorization through unchanged\)$/);
			note('proxyDropsAuthorization', { status: answer.status, body: JSON.parse(answer.body) });
		});

		it('a proxy that re-encodes the JSON body (same data, other bytes)', async () => {
			const proxy = await startReencodingProxy({ target: `http://127.0.0.1:${nginx.port}` });
			try {
				const answer = (await send(proxy.url(hookOf(safe)), signed('lb-reencoded'))) as { status: number; body: string };
				expect(answer.status).toBe(401);
				const { error } = JSON.parse(answer.body);
				expect(error).toMatch(/^Signature does not match the body .*no proxy in front of n8n changes the body \(re-encoded JSON/);
				note('proxyReencodesBody', { status: answer.status, body: JSON.parse(answer.body) });
			} finally {
				await proxy.stop();
			}
		});

		it('neither started an execution or stored anything', async () => {
			await sleep(1000);
			expect(cluster.db.readExecutions({ sinceId: before })).toEqual([]);
			const stored = storedTenants();
			expect([stored.has('lb-noauth'), stored.has('lb-reencoded')]).toEqual([false, false]);
		});
	});

	it('nginx refuses a forged gzip XML body on the trigger and form paths (415/413), n8n spends nothing on it; a genuine delivery still gets 200', async () => {
		// Issue 35, item 4: n8n would inflate (15 MiB) and parse (xml2js) this body before the trigger
		// answers 401: 3.4 to 4.1 s of CPU each (bench/results/body-bomb.json).
		const bomb = gzipXmlBomb();
		const forged = { ...bomb.headers, Authorization: randomBytes(256).toString('base64'), Algorithm: 'SHA256withRSA' };
		const rejections = () => cluster.webhooks.map((w) => (w.logText().match(/Untis Platform Trigger rejected a request/g) || []).length).reduce((a, b) => a + b, 0);
		const webhookCpu = () => cluster.webhooks.reduce((sum, w) => sum + groupCpuSeconds(w.pid() as number), 0);
		const before = { executions: cluster.db.lastExecutionId(), rejections: rejections() };
		const cpu0 = webhookCpu();
		const refused: Record<string, unknown> = {};
		for (const [name, url, headers] of [
			['trigger: gzip application/xml', nginx.url(hookOf(safe)), forged],
			['trigger: gzip application/json', nginx.url(hookOf(safe)), { ...forged, 'Content-Type': 'application/json' }],
			['trigger: plain application/xml', nginx.url(hookOf(safe)), { ...forged, 'Content-Encoding': '' }],
			['form: gzip application/xml', nginx.url(`${safe.nodes[0].webhookId}/form`), forged],
			['form: gzip urlencoded', nginx.url(`${safe.nodes[0].webhookId}/form`), { ...forged, 'Content-Type': 'application/x-www-form-urlencoded' }],
		] as Array<[string, string, Record<string, string>]>) {
			const sent = Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== ''));
			const answer = (await send(url, { tenant: name, body: bomb.wire as unknown as string, headers: sent })) as { status: number; body: string };
			expect({ name, byNginx: /<center>nginx/.test(answer.body), refused: [413, 415].includes(answer.status) }).toEqual({ name, byNginx: true, refused: true });
			refused[name] = answer.status;
		}
		const cpuSeconds = webhookCpu() - cpu0;
		// Larger than 64 KiB on the trigger's path: 413 from nginx, whatever its type.
		const large = (await send(nginx.url(hookOf(safe)), { tenant: 'large', body: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }), headers: { 'Content-Type': 'application/json' } })) as { status: number };
		expect(large.status).toBe(413);
		// The control: a forged JSON body (a signed one, one byte changed) does reach the trigger (its 401 and its log line).
		const genuineHeaders = signed('lb-control');
		const control = (await send(nginx.url(hookOf(safe)), { ...genuineHeaders, body: `${genuineHeaders.body} ` })) as { status: number };
		expect(control.status).toBe(401);
		// And the form's own content type reaches n8n (no form is published here: n8n's 404, not nginx's 415).
		const formPost = (await send(nginx.url(`${safe.nodes[0].webhookId}/form`), { tenant: 'form', body: 'tenantId=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })) as { status: number; body: string };
		expect({ status: formPost.status, byNginx: /<center>nginx/.test(formPost.body) }).toEqual({ status: 404, byNginx: false });
		const genuine = await send(nginx.url(hookOf(safe)), signed('lb-after-bomb'));
		expect(genuine).toMatchObject({ status: 200 });
		expect(storedTenants().has('lb-after-bomb')).toBe(true);
		await sleep(500);
		// Only the control was rejected by the trigger: none of the refused bodies reached n8n.
		expect(rejections() - before.rejections).toBe(1);
		expect(cluster.db.readExecutions({ sinceId: before.executions }).length).toBe(1);
		// One bomb parsed costs n8n over 3 s of CPU; the five refused ones together cost well under 1.
		expect(cpuSeconds).toBeLessThan(1);
		note('nginxRefusesInflatableBodies', { bombWireBytes: bomb.wire.length, bombInflatedBytes: bomb.inflatedBytes, refused, webhookProcessesCpuSeconds: Number(cpuSeconds.toFixed(2)), large: large.status, control: control.status, genuine: (genuine as { status: number }).status });
	});

	it('a restarted webhook process: when it listens, when it reports ready, when it serves the trigger (no load)', async () => {
		const restart = await killAndRestart(cluster.webhooks[1], now);
		note('webhookRestartWindow', restart);
		expect(restart.killed).toBe(true);
		expect(restart.firstServedMs).not.toBeNull();
	}, 10 * 60 * 1000);

	it(`${LB_LOAD.total} deliveries at concurrency ${LB_LOAD.concurrency}, one webhook process SIGKILLed mid-load and restarted (After the Workflow Succeeds): none acknowledged is lost`, async () => {
		const victim = cluster.webhooks[1];
		const run = await underFault('lb-safe', safe, LB_LOAD, () => killAndRestart(victim, safe));
		const upstreamErrors = (nginx.errorLog().match(/upstream prematurely closed|Connection refused|Connection reset/g) || []).length;
		note('lbWebhookKillAfterSuccess', { ...run.figures, nginxUpstreamErrorLines: upstreamErrors });
		expect(run.figures.fault.killed).toBe(true);
		expect(run.counts.acknowledgedNotStored).toEqual([]);
		expect(run.resend.stillUnacknowledged).toEqual([]);
		expect(run.storedAfterResend).toBe(LB_LOAD.total);
	}, 20 * 60 * 1000);

	it(`the same with Acknowledge Immediately: counts what the kill costs`, async () => {
		const victim = cluster.webhooks[0];
		const run = await underFault('lb-now', now, LB_LOAD, () => killAndRestart(victim, now));
		// An acknowledged delivery that was not stored: is it at least in n8n's execution list?
		const rows = cluster.db.executionsWithJson({ workflowId: now.id, sinceId: run.before });
		const recorded = new Set(
			rows.flatMap((r) => [...Object.values(r.nodes), ...Object.values(r.queued)].flat(2)).map((item) => String((item as { tenantId?: string })?.tenantId)),
		);
		const lost = run.counts.acknowledgedNotStored;
		note('lbWebhookKillImmediately', {
			...run.figures,
			acknowledgedNotStoredButInExecutionList: lost.filter((t) => recorded.has(t)).length,
			acknowledgedNotStoredWithoutRecord: lost.filter((t) => !recorded.has(t)).length,
		});
		expect(run.figures.fault.killed).toBe(true);
		expect(run.resend.stillUnacknowledged).toEqual([]);
		// What Immediately costs is reported, not asserted to be zero; every unacknowledged one is
		// stored after the resend, and the acknowledged ones not stored are counted above. Jobs still
		// queued when they were counted may be stored by the time of the resend (under load: 46 of 47).
		expect(run.storedAfterResend).toBeGreaterThanOrEqual(LB_LOAD.total - lost.length);
		expect(run.storedAfterResend).toBeLessThanOrEqual(LB_LOAD.total);
	}, 20 * 60 * 1000);
});

/** One Postgres fast restart beside a load into `workflow`, probing a webhook process while it is down. */
async function postgresRestart(label: string, workflow: Workflow) {
	const probes: Array<{ atMs: number; webhook: unknown; readiness: unknown }> = [];
	const run = await underFault(label, workflow, FAULT_LOAD, async () => {
		let down = true;
		const t0 = Date.now();
		// While Postgres is down: a delivery straight to a webhook process (not awaited: n8n may
		// hold it), and its readiness, every 500 ms.
		const inFlight: Array<Promise<void>> = [];
		const probing = (async () => {
			for (let i = 0; down && i < 60; i++) {
				const atMs = Date.now() - t0;
				const probe = { atMs, webhook: 'pending' as unknown, readiness: await statusOf(`${cluster.webhooks[0].baseUrl}/healthz/readiness`) };
				probes.push(probe);
				inFlight.push(send(`${cluster.webhooks[0].baseUrl}/webhook/${hookOf(now)}`, signed(`${label}-probe-${i}`), undefined, 60_000).then((a) => void (probe.webhook = outcomeOf(a))));
				await sleep(500);
			}
			await Promise.all(inFlight);
		})();
		const restarted = await cluster.pg.restart({ downMs: 3000 });
		down = false;
		await probing;
		return restarted;
	});
	const lost = run.counts.acknowledgedNotStored;
	const answersOfLost = run.deliveries.flatMap((d, i) => (lost.includes(d.tenant) ? [outcomeOf(run.answers[i])] : []));
	return {
		run,
		figures: {
			...run.figures,
			answersOfLost: tally(answersOfLost),
			whileDown: { probes: probes.length, webhook: tally(probes.map((p) => String(p.webhook))), readiness: tally(probes.map((p) => String(p.readiness))) },
		},
	};
}

describe(`faults mid-load, Acknowledge After the Workflow Succeeds (${FAULT_LOAD.total} deliveries through nginx at concurrency ${FAULT_LOAD.concurrency})`, () => {
	function expectNoAcknowledgedLoss(run: Awaited<ReturnType<typeof underFault>>) {
		expect(run.counts.acknowledgedNotStored).toEqual([]);
		expect(run.resend.stillUnacknowledged).toEqual([]);
		expect(run.storedAfterResend).toBe(FAULT_LOAD.total);
	}

	it('the worker killed with SIGKILL, then restarted', async () => {
		const run = await underFault('f-worker', safe, FAULT_LOAD, killWorker);
		note('faultWorkerKill', run.figures);
		expect(run.figures.fault.killed).toBe(true);
		expectNoAcknowledgedLoss(run);
	}, 20 * 60 * 1000);

	it('Redis restarted (append-only file on)', async () => {
		const run = await underFault('f-redis', safe, FAULT_LOAD, restartRedis);
		note('faultRedisRestart', run.figures);
		expectNoAcknowledgedLoss(run);
	}, 20 * 60 * 1000);

	it(`Postgres fast restart (${FAULT_RUNS} run(s)); what n8n answers while it is down`, async () => {
		const runs = [];
		for (let r = 0; r < FAULT_RUNS; r++) {
			const { run, figures } = await postgresRestart(`f-postgres-${r}`, safe);
			runs.push(figures);
			// n8n's own loss, shown, not hidden: n8n 2.41.1 can answer 200 for a delivery whose
			// execution failed while Postgres was away, because it reads the execution as saved and
			// the worker could not save its end (the next test makes this deterministic). The
			// platform does not resend those. What the test holds to: such losses stay within the
			// jobs the worker can hold (its concurrency, 10), and every delivery that was not
			// acknowledged is stored on resend. Acknowledge When Confirm Delivery Runs has none.
			if (run.counts.acknowledgedNotStored.length) console.warn(`n8n acknowledged but did not store: ${run.counts.acknowledgedNotStored.join(', ')}`);
			expect(run.counts.acknowledgedNotStored.length).toBeLessThanOrEqual(WORKER_CONCURRENCY);
			expect(run.resend.stillUnacknowledged).toEqual([]);
			expect(run.storedAfterResend).toBe(FAULT_LOAD.total - run.counts.acknowledgedNotStored.length);
		}
		note('faultPostgresRestart', runs.length === 1 ? runs[0] : runs);
	}, FAULT_RUNS * 20 * 60 * 1000);
});

describe(`Acknowledge When Confirm Delivery Runs (example 1 as shipped), under every fault, ${FAULT_RUNS} run(s) each: none acknowledged is lost`, () => {
	type Run = Awaited<ReturnType<typeof underFault>>;
	/**
	 * Runs `fault` FAULT_RUNS times, notes every run's figures, then asserts on all of them: no
	 * acknowledged delivery missing from the table, every other one stored after the resend, and no
	 * sender left waiting longer than nginx's timeout (n8n never answers some; nginx must).
	 */
	async function everyRun(name: string, load: typeof FAULT_LOAD, once: (r: number) => Promise<{ run: Run; figures: Record<string, unknown> }>) {
		const runs: Run[] = [];
		const figures: Array<Record<string, unknown>> = [];
		for (let r = 0; r < FAULT_RUNS; r++) {
			const result = await once(r);
			runs.push(result.run);
			figures.push(result.figures);
			const lost = result.run.counts.acknowledgedNotStored;
			if (lost.length) console.warn(`${name} run ${r + 1}: acknowledged but not stored: ${lost.join(', ')}`);
		}
		note(name, figures.length === 1 ? figures[0] : figures);
		for (const run of runs) {
			expect(run.counts.acknowledgedNotStored).toEqual([]);
			expect(run.resend.stillUnacknowledged).toEqual([]);
			expect(run.storedAfterResend).toBe(load.total);
			const longest = Math.max(...run.answers.map((a) => a.ms ?? 0));
			expect(longest).toBeLessThan((WEBHOOK_TIMEOUT_S + 15) * 1000);
		}
		return runs;
	}
	const plain = (run: Run) => ({ run, figures: run.figures });

	it('one of two webhook processes SIGKILLed mid-load behind nginx, restarted at once', async () => {
		const runs = await everyRun('confirmWebhookKill', LB_CONFIRM_LOAD, async (r) =>
			plain(await underFault(`lb-confirm-${r}`, confirm, LB_CONFIRM_LOAD, () => killAndRestart(cluster.webhooks[r % 2], confirm))),
		);
		for (const run of runs) expect(run.figures.fault.killed).toBe(true);
	}, FAULT_RUNS * 20 * 60 * 1000);

	it('the worker SIGKILLed, restarted at once', async () => {
		const runs = await everyRun('confirmWorkerKill', FAULT_LOAD, async (r) => plain(await underFault(`f-worker-confirm-${r}`, confirm, FAULT_LOAD, killWorker)));
		for (const run of runs) expect(run.figures.fault.killed).toBe(true);
	}, FAULT_RUNS * 20 * 60 * 1000);

	it('Redis restarted (append-only file on)', async () => {
		await everyRun('confirmRedisRestart', FAULT_LOAD, async (r) => plain(await underFault(`f-redis-confirm-${r}`, confirm, FAULT_LOAD, restartRedis)));
	}, FAULT_RUNS * 20 * 60 * 1000);

	it('Postgres fast restart', async () => {
		await everyRun('faultPostgresRestartConfirm', FAULT_LOAD, (r) => postgresRestart(`f-pg-confirm-${r}`, confirm));
	}, FAULT_RUNS * 20 * 60 * 1000);
});

describe("when n8n cannot save how a failed execution ended (Postgres refuses the worker's final write)", () => {
	// What a Postgres restart does to a few executions at random, made deterministic: the storage
	// step fails (no such table), and a Postgres trigger refuses the worker's final UPDATE of these
	// two workflows' executions, as a database that is away refuses it. n8n logs the failed save and
	// carries on; the execution stays 'running'.
	const SQL_ON = `
		CREATE OR REPLACE FUNCTION untis_test_refuse_end() RETURNS trigger AS $$
		BEGIN RAISE EXCEPTION 'untis test: the end of this execution is not saved'; END $$ LANGUAGE plpgsql;
		DROP TRIGGER IF EXISTS untis_test_refuse_end ON execution_entity;
		CREATE TRIGGER untis_test_refuse_end BEFORE UPDATE ON execution_entity FOR EACH ROW
		WHEN (NEW."workflowId" IN ('${safeUnsaved.id}', '${confirmUnsaved.id}') AND NEW.status NOT IN ('new', 'running'))
		EXECUTE FUNCTION untis_test_refuse_end();`;
	beforeAll(() => void cluster.pg.psql(SQL_ON));
	afterAll(() => void cluster.pg.psql('DROP TRIGGER IF EXISTS untis_test_refuse_end ON execution_entity; DROP FUNCTION IF EXISTS untis_test_refuse_end();'));
	const DELIVERIES = 5;

	async function deliverTo(workflow: Workflow, label: string) {
		const before = cluster.db.lastExecutionId();
		const answers: Answer[] = [];
		for (let i = 0; i < DELIVERIES; i++) answers.push(await send(nginx.url(hookOf(workflow)), signed(`${label}-${i}`), undefined, 60_000));
		await untilQueueDrained();
		await sleep(1000);
		return { answers, executions: cluster.db.countByStatus({ workflowId: workflow.id, sinceId: before }) };
	}

	it("After the Workflow Succeeds: n8n answers 200 for a workflow that failed, nothing stored (n8n 2.41.1's loss, shown)", async () => {
		const { answers, executions } = await deliverTo(safeUnsaved, 'unsaved-safe');
		note('unsavedEndAfterWorkflowSucceeds', { answers: tally(answers.map(outcomeOf)), executions });
		// n8n takes the lastNode answer from the execution as saved (still 'running', no node data)
		// and answers 200 "the last node did not return any data". The platform never resends these.
		expect(answers.filter(acknowledged)).toHaveLength(DELIVERIES);
		expect(executions).toEqual({ running: DELIVERIES });
	}, 10 * 60 * 1000);

	it('When Confirm Delivery Runs: the same failure is answered 500, so the platform sends it again', async () => {
		const { answers, executions } = await deliverTo(confirmUnsaved, 'unsaved-confirm');
		note('unsavedEndConfirmDelivery', { answers: tally(answers.map(outcomeOf)), executions });
		// The answer comes from the worker's own run (n8n's job-finished message), not the database.
		expect(answers.filter(acknowledged)).toEqual([]);
		// n8n's answer to the worker's job-finished message for a failed run.
		for (const answer of answers) {
			expect(answer).toMatchObject({ status: 500 });
			expect(JSON.parse((answer as { body: string }).body)).toEqual({ message: 'Workflow execution failed' });
		}
		expect(executions).toEqual({ running: DELIVERIES });
	}, 10 * 60 * 1000);
});

describe('a webhook process without the package installed', () => {
	it("answers a signed delivery 400 'Unrecognized node type' (n8n's own error, never a 2xx); nothing runs or is stored", async () => {
		await cluster.bareWebhook.start();
		try {
			const before = cluster.db.lastExecutionId();
			const d = signed('bare-one');
			const answer = await send(`${cluster.bareWebhook.baseUrl}/webhook/${hookOf(safe)}`, d);
			note('webhookWithoutPackage', { answer, log: cluster.bareWebhook.logText().split('\n').filter((l) => /Unrecognized|untisPlatform|not installed|Error/i.test(l)).slice(-5) });
			expect(acknowledged(answer)).toBe(false);
			// n8n 2.41.1: 400 with its error and a stack trace. A 4xx: whether the platform retries it is not published.
			expect(answer).toMatchObject({ status: 400 });
			expect(JSON.parse((answer as { body: string }).body).message).toBe('Unrecognized node type: n8n-nodes-untis-platform.untisPlatformTrigger');
			await sleep(1500);
			expect(cluster.db.readExecutions({ sinceId: before })).toEqual([]);
			expect(storedTenants().has('bare-one')).toBe(false);
		} finally {
			await cluster.bareWebhook.stop();
		}
	});
});
