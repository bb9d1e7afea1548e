import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startQueueCluster } = require('../../scripts/n8n/queue/queue-cluster');
const { processGroupMembers } = require('../../scripts/n8n/process-group');
const { acknowledged, ledger, resendUnacknowledged } = require('../../scripts/n8n/delivery-ledger');
const { onboardingVariant } = require('../../scripts/n8n/workflow-variants');
const sim = require('../../tools/untis-platform-sim/sim.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Soak (opt-in, scripts/test-soak.sh): signed deliveries at a steady rate into n8n in queue mode
 * (one webhook process, one worker, the onboarding example storing into the Postgres Data Table),
 * the resident memory of the webhook process and of the worker sampled every few seconds.
 * The webhook process also runs scripts/n8n/memory-probe.js (V8 heap every sample, the live heap
 * after a full collection every minute) and writes heap snapshots after the warm-up, at half way,
 * at the end of sending and after the drain (into SOAK_SNAPSHOT_DIR, never into git).
 * Asserts no loss; reports the rate achieved and memory growth per 1,000 deliveries.
 * Environment: SOAK_DELIVERIES (10000), SOAK_RATE per second (17), SOAK_SAMPLE_MS (5000),
 * SOAK_MAX_IN_FLIGHT (64), SOAK_LAZY_ISOLATES (true), SOAK_WORKFLOW (trigger; webhook = the control),
 * SOAK_SNAPSHOTS (true), SOAK_SNAPSHOT_DIR (.ci-results/soak-heap/<workflow>), SOAK_DRAIN_SECONDS (600),
 * SOAK_MAX_SEND_SECONDS (no cap).
 */
const ROOT = join(__dirname, '../..');
/**
 * SOAK_WORKFLOW=webhook runs the control: the same deliveries and the same upsert behind n8n's own
 * Webhook node (no verification, no sealing, no package node on the request path), so that growth
 * seen with the trigger can be told apart from n8n's own.
 */
const CONTROL = process.env.SOAK_WORKFLOW === 'webhook';
const REPORT = join(ROOT, '.ci-results', 'reports', CONTROL ? 'soak-webhook.json' : 'soak.json');
const TOTAL = Number(process.env.SOAK_DELIVERIES || 10_000);
const RATE = Number(process.env.SOAK_RATE || 17);
const SAMPLE_MS = Number(process.env.SOAK_SAMPLE_MS || 5000);
const MAX_IN_FLIGHT = Number(process.env.SOAK_MAX_IN_FLIGHT || 64);
const LAZY = (process.env.SOAK_LAZY_ISOLATES || 'true') === 'true';
const SNAPSHOTS = (process.env.SOAK_SNAPSHOTS || 'true') === 'true';
const DRAIN_MS = Number(process.env.SOAK_DRAIN_SECONDS || 600) * 1000;
const NAME = CONTROL ? 'webhook' : 'trigger';
const PROBE_DIR = process.env.SOAK_SNAPSHOT_DIR || join(ROOT, '.ci-results', 'soak-heap', NAME);
/** Deliveries before this are warm-up: not used for the growth figure. */
const WARMUP = Math.min(1000, Math.floor(TOTAL / 10));

// The onboarding example answering at once (Acknowledge Immediately), like the control's Webhook
// node: the soak measures the processes receiving and running deliveries, not the wait for them.
const example = onboardingVariant({ id: 'untisOnboarding001', prefix: 'f1000000-', acknowledge: 'immediately' });
const setup = JSON.parse(readFileSync(join(ROOT, 'examples', 'create-tenants-table.workflow.json'), 'utf8'));
/** The control: Webhook node (POST, answers at once) -> the example's upsert, reading the body. */
function controlWorkflow() {
	// The example's upsert of untis_tenants (Ensure tenant row) writing what its conditional write writes.
	const ensure = example.nodes.find((n: { name: string }) => n.name === 'Ensure tenant row');
	const write = example.nodes.find((n: { name: string }) => n.name === 'Write tenant (active)');
	const values = Object.fromEntries(Object.keys(write.parameters.columns.value).filter((c) => c !== 'previousStatus').map((c) => [c, `={{ $json.${c === 'lastEventAt' ? 'receivedAt' : c} }}`]));
	const template = { ...ensure, parameters: { ...ensure.parameters, columns: { ...ensure.parameters.columns, value: { tenantId: '={{ $json.tenantId }}', ...values }, schema: write.parameters.columns.schema } } };
	template.parameters.filters = { conditions: [{ keyName: 'tenantId', condition: 'eq', keyValue: '={{ $json.tenantId }}' }] };
	const upsert = JSON.parse(JSON.stringify(template).replace(/\$json\./g, '$json.body.').replace(/\$json\.body\.tenantStatus/, "'active'"));
	upsert.id = 'c0000000-0000-4000-8000-000000000002';
	const webhook = {
		id: 'c0000000-0000-4000-8000-000000000001',
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: 'c0000000-0000-4000-8000-0000000c0001',
		parameters: { httpMethod: 'POST', path: 'untis-soak-control', options: {} },
	};
	return {
		id: 'untisSoakControl1',
		name: 'Soak control: Webhook node -> upsert',
		nodes: [webhook, upsert],
		connections: { Webhook: { main: [[{ node: upsert.name, type: 'main', index: 0 }]] } },
		settings: example.settings,
	};
}
const workflow = CONTROL ? controlWorkflow() : example;
const keys = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-soak-keys-')));
const privateKey = readFileSync(keys.privatePath, 'utf8');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Answer = { status: number; body: string } | { error: string };
type Sample = {
	t: number;
	sent: number;
	answered: number;
	queued: number;
	webhookRssMiB: number;
	webhookGroupRssMiB: number;
	workerRssMiB: number;
	workerGroupRssMiB: number;
	webhookHeapUsedMiB?: number;
	webhookHeapTotalMiB?: number;
	webhookLiveHeapMiB?: number;
};
type ProbeLine = { t: number; rss?: number; heapUsed?: number; heapTotal?: number; gc?: boolean; snapshot?: string; ms?: number };
const MiB = (bytes: number) => Number((bytes / 2 ** 20).toFixed(1));
/** The probe's lines (scripts/n8n/memory-probe.js), [] before the first. */
function probeLines(): ProbeLine[] {
	const file = join(PROBE_DIR, 'memory.jsonl');
	if (!existsSync(file)) return [];
	return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** Resident memory in MiB of one process (VmRSS), 0 if it is gone. */
function rssMiB(pid: number): number {
	try {
		const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return kb ? Number(kb[1]) / 1024 : 0;
	} catch {
		return 0;
	}
}
const groupRssMiB = (pgid: number) => (processGroupMembers(pgid) as Array<{ pid: number }>).reduce((sum, m) => sum + rssMiB(m.pid), 0);

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
	const n = points.length;
	const mx = points.reduce((s, [x]) => s + x, 0) / n;
	const my = points.reduce((s, [, y]) => s + y, 0) / n;
	const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
	return sxx === 0 ? 0 : points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx;
}
/** Least squares y = a + b1 x1 + b2 x2 -> [b1, b2] (0, 0 when the x are collinear). */
function fit2(points: Array<[number, number, number]>): [number, number] {
	const n = points.length;
	const m = [0, 1, 2].map((k) => points.reduce((s, p) => s + p[k], 0) / n);
	const c = (i: number, j: number) => points.reduce((s, p) => s + (p[i] - m[i]) * (p[j] - m[j]), 0);
	const det = c(0, 0) * c(1, 1) - c(0, 1) ** 2;
	if (Math.abs(det) < 1e-9) return [0, 0];
	return [(c(1, 1) * c(0, 2) - c(0, 1) * c(1, 2)) / det, (c(0, 0) * c(1, 2) - c(0, 1) * c(0, 2)) / det];
}

let cluster: {
	webhook: { pid(): number; baseUrl: string };
	worker: { pid(): number };
	pg: { json(sql: string): Array<Record<string, unknown>> };
	db: { countByStatus(f: Record<string, unknown>): Record<string, number>; lastExecutionId(): number };
	bullCounts(): { waiting: number; active: number };
	webhookUrl(path: string): string;
	runInEditor(workflow: unknown): Promise<{ id: number; status: string }>;
	stop(): Promise<unknown>;
};

beforeAll(async () => {
	rmSync(PROBE_DIR, { recursive: true, force: true });
	mkdirSync(PROBE_DIR, { recursive: true });
	cluster = await startQueueCluster({
		packageDir: ROOT,
		workerConcurrency: 10,
		credentials: [
			{ ...example.nodes[0].credentials.untisPlatformApi, type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey: randomBytes(32).toString('base64') } },
		],
		workflows: [setup, workflow],
		// The tenants-table example is imported, never published: it is run once, as from the editor.
		activate: [workflow.id],
		env: LAZY ? { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } : {},
		roleEnv: {
			webhook: {
				NODE_OPTIONS: `${process.env.NODE_OPTIONS || ''} --require ${join(ROOT, 'scripts', 'n8n', 'memory-probe.js')}`.trim(),
				MEMORY_PROBE_DIR: PROBE_DIR,
				MEMORY_PROBE_ROLE: 'webhook',
				MEMORY_PROBE_MS: String(SAMPLE_MS),
			},
		},
	});
	await cluster.runInEditor(setup);
}, 15 * 60 * 1000);

afterAll(async () => {
	if (cluster) await cluster.stop();
}, 5 * 60 * 1000);

it(
	`${TOTAL} signed deliveries at ${RATE}/s: none lost, memory sampled every ${SAMPLE_MS / 1000} s`,
	async () => {
		const url = cluster.webhookUrl(CONTROL ? 'untis-soak-control' : `${example.nodes[0].webhookId}/webhook`);
		const before = cluster.db.lastExecutionId();
		const agent = new Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
		const deliveries = Array.from({ length: TOTAL }, (_, i) => {
			const body = JSON.stringify(sim.buildPayload(i % 10 === 9 ? 'reset' : 'created', { tenant: `soak-${i}` }));
			return { tenant: `soak-${i}`, body, headers: sim.signRequest(body, privateKey) as Record<string, string> };
		});
		const answers: Answer[] = new Array(TOTAL);
		const samples: Sample[] = [];
		let sent = 0;
		let answered = 0;
		let inFlight = 0;
		let behindSchedule = 0;
		const t0 = Date.now();
		let lastWall = 0;
		const sample = () => {
			const q = cluster.bullCounts();
			const lines = probeLines().filter((l) => l.rss !== undefined);
			const heap = lines[lines.length - 1];
			const live = lines.filter((l) => l.gc && l.t > lastWall).pop();
			lastWall = Date.now();
			samples.push({
				t: (Date.now() - t0) / 1000,
				sent,
				answered,
				queued: q.waiting + q.active,
				webhookRssMiB: rssMiB(cluster.webhook.pid()),
				webhookGroupRssMiB: groupRssMiB(cluster.webhook.pid()),
				workerRssMiB: rssMiB(cluster.worker.pid()),
				workerGroupRssMiB: groupRssMiB(cluster.worker.pid()),
				...(heap ? { webhookHeapUsedMiB: MiB(heap.heapUsed as number), webhookHeapTotalMiB: MiB(heap.heapTotal as number) } : {}),
				...(live ? { webhookLiveHeapMiB: MiB(live.heapUsed as number) } : {}),
			});
		};
		// Heap snapshots of the webhook process (the probe writes them on SIGUSR2; the process is
		// blocked while it writes, and deliveries wait).
		const snapshots: Array<{ label: string; t: number; sent: number; queued: number; seconds?: number; file?: string }> = [];
		const snapshot = async (label: string) => {
			if (!SNAPSHOTS) return;
			const n = snapshots.length + 1;
			const entry = { label, t: (Date.now() - t0) / 1000, sent, queued: samples[samples.length - 1].queued };
			snapshots.push(entry);
			process.kill(cluster.webhook.pid(), 'SIGUSR2');
			const deadline = Date.now() + 20 * 60 * 1000;
			for (;;) {
				const done = probeLines().find((l) => l.snapshot === `heap-${n}.heapsnapshot`);
				if (done) {
					const file = join(PROBE_DIR, `${n}-${label}.heapsnapshot`);
					renameSync(join(PROBE_DIR, done.snapshot as string), file);
					Object.assign(entry, { seconds: (done.ms as number) / 1000, file });
					return;
				}
				if (Date.now() > deadline) throw new Error(`heap snapshot ${label} not written`);
				await sleep(1000);
			}
		};
		const snapshotsTaken: Array<Promise<void>> = [];
		sample();
		const sampler = setInterval(sample, SAMPLE_MS);
		// Open loop: delivery i is due at i / RATE seconds; at most MAX_IN_FLIGHT wait for an answer.
		// SOAK_MAX_SEND_SECONDS caps the sending phase (a machine that cannot keep the rate).
		const capped = t0 + Number(process.env.SOAK_MAX_SEND_SECONDS || Infinity) * 1000;
		const hardStop = Math.min(t0 + (TOTAL / RATE) * 3000 + 10 * 60 * 1000, capped);
		// Half way: half the deliveries, or half the capped sending time if that comes first.
		const halfWay = () => sent >= TOTAL / 2 || Date.now() >= (t0 + capped) / 2;
		const pending: Array<Promise<void>> = [];
		while (sent < TOTAL && Date.now() < hardStop) {
			const due = Math.min(TOTAL, Math.floor(((Date.now() - t0) / 1000) * RATE) + 1);
			if (due - sent > 1) behindSchedule = Math.max(behindSchedule, due - sent);
			if (snapshotsTaken.length === 0 && sent >= WARMUP) snapshotsTaken.push(snapshot('start'));
			if (snapshotsTaken.length === 1 && halfWay()) snapshotsTaken.push(snapshot('middle'));
			while (sent < due && inFlight < MAX_IN_FLIGHT) {
				const i = sent++;
				inFlight += 1;
				pending.push(
					sim
						.post(url, deliveries[i].body, deliveries[i].headers, { agent, timeoutMs: 60_000 })
						.catch((error: Error) => ({ error: error.message }))
						.then((answer: Answer) => {
							answers[i] = answer;
							answered += 1;
							inFlight -= 1;
						}),
				);
			}
			await sleep(20);
		}
		await Promise.all(pending);
		const sendSeconds = (Date.now() - t0) / 1000;
		await Promise.all(snapshotsTaken);
		sample();
		await snapshot('end');
		// The worker catches up (bounded).
		const drainDeadline = Date.now() + DRAIN_MS;
		while (Date.now() < drainDeadline) {
			const q = cluster.bullCounts();
			if (q.waiting === 0 && q.active === 0) break;
			await sleep(1000);
		}
		const queuedAfterDrain = Object.values(cluster.bullCounts()).slice(0, 2).reduce((a, b) => a + b, 0);
		sample();
		await snapshot('after-drain');
		clearInterval(sampler);
		agent.destroy();
		await sleep(2000);

		const [table] = cluster.pg.json("SELECT id FROM data_table WHERE name = 'untis_tenants'");
		const stored = () => new Set(cluster.pg.json(`SELECT "tenantId" FROM "data_table_user_${table.id}"`).map((r) => String(r.tenantId)));
		const counts = ledger(deliveries.slice(0, sent), answers.slice(0, sent), stored());
		const resend = await resendUnacknowledged(deliveries.slice(0, sent), answers.slice(0, sent), (d: { body: string; headers: Record<string, string> }) =>
			sim.post(url, d.body, d.headers, { timeoutMs: 60_000 }).catch((error: Error) => ({ error: error.message })),
		);
		await sleep(3000);
		const finalStored = stored();
		// Over the sending phase only: after it, the queue drains with no new deliveries and the
		// processes collect garbage, which a slope over deliveries would fold into the last point.
		const sending = samples.filter((s) => s.sent >= WARMUP && s.t <= sendSeconds);
		const growth = (key: keyof Sample) => {
			const points = sending.filter((s) => s[key] !== undefined).map((s): [number, number] => [s.sent, s[key] as number]);
			return points.length > 1 ? slope(points) * 1000 : 0;
		};
		const liveSamples = sending.filter((s) => s.webhookLiveHeapMiB !== undefined);
		const [perDelivery, perQueued] = fit2(liveSamples.map((s): [number, number, number] => [s.sent, s.queued, s.webhookLiveHeapMiB as number]));
		const atWarmup = sending[0];
		const afterDrain = samples[samples.length - 1];
		const figures = {
			startedAt: t0,
			deliveries: sent,
			targetRate: RATE,
			achievedRate: Number((answers.filter(Boolean).length / sendSeconds).toFixed(2)),
			sendSeconds,
			maxBehindSchedule: behindSchedule,
			lazyIsolates: LAZY,
			workflow: CONTROL ? 'webhook node (control)' : 'untis platform trigger',
			ledger: { ...counts, acknowledgedNotStored: counts.acknowledgedNotStored.length },
			drainSeconds: DRAIN_MS / 1000,
			queuedAtEndOfSending: sending[sending.length - 1].queued,
			maxQueued: Math.max(...samples.map((s) => s.queued)),
			queuedAfterDrain,
			snapshots: snapshots.map((s) => ({ ...s, file: s.file && s.file.replace(`${ROOT}/`, '') })),
			resend: { resent: resend.resent, stillUnacknowledged: resend.stillUnacknowledged.length },
			storedAfterResend: deliveries.slice(0, sent).filter((d) => finalStored.has(d.tenant)).length,
			executions: cluster.db.countByStatus({ sinceId: before, workflowId: workflow.id }),
			memoryMiB: {
				webhook: { first: samples[0].webhookRssMiB, atWarmup: atWarmup.webhookRssMiB, endOfSending: sending[sending.length - 1].webhookRssMiB, afterDrain: afterDrain.webhookRssMiB, max: Math.max(...samples.map((s) => s.webhookRssMiB)) },
				worker: { first: samples[0].workerRssMiB, atWarmup: atWarmup.workerRssMiB, endOfSending: sending[sending.length - 1].workerRssMiB, afterDrain: afterDrain.workerRssMiB, max: Math.max(...samples.map((s) => s.workerRssMiB)) },
			},
			growthMiBPer1000: {
				warmupDeliveries: WARMUP,
				over: 'deliveries sent, sending phase only',
				webhook: Number(growth('webhookRssMiB').toFixed(2)),
				webhookGroup: Number(growth('webhookGroupRssMiB').toFixed(2)),
				worker: Number(growth('workerRssMiB').toFixed(2)),
				workerGroup: Number(growth('workerGroupRssMiB').toFixed(2)),
				webhookHeapUsed: Number(growth('webhookHeapUsedMiB').toFixed(2)),
				webhookLiveHeap: Number(growth('webhookLiveHeapMiB').toFixed(2)),
				// The live heap fitted on deliveries sent and jobs still queued together: what grows
				// per delivery with the queue held constant, and what each queued job holds.
				webhookLiveHeapFit: { perThousandDelivered: Number((perDelivery * 1000).toFixed(2)), perThousandQueued: Number((perQueued * 1000).toFixed(2)), samples: liveSamples.length },
			},
			samples,
		};
		mkdirSync(join(ROOT, '.ci-results', 'reports'), { recursive: true });
		writeFileSync(REPORT, `${JSON.stringify(figures, null, 2)}\n`);
		// eslint-disable-next-line no-console
		console.log(`SOAK: ${JSON.stringify({ ...figures, samples: samples.length })}`);

		expect(sent).toBe(TOTAL);
		expect(resend.stillUnacknowledged).toEqual([]);
		if (queuedAfterDrain === 0) {
			expect(counts.acknowledgedNotStored).toEqual([]);
			expect(figures.storedAfterResend).toBe(TOTAL);
		} else {
			// The drain was cut short (SOAK_DRAIN_SECONDS): what is not stored yet is still queued.
			expect(counts.acknowledgedNotStored.length).toBeLessThanOrEqual(queuedAfterDrain);
		}
		expect(answers.filter((a) => !acknowledged(a)).length).toBe(counts.notAcknowledged);
	},
	(TOTAL / RATE) * 3000 + 40 * 60 * 1000,
);
