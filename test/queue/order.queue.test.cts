import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startQueueCluster } = require('../../scripts/n8n/queue/queue-cluster');
const { startMailSink } = require('../../scripts/n8n/mail-sink');
const { orderCases, ORDER_CASES } = require('../../scripts/n8n/order-cases');
const sim = require('../../tools/untis-platform-sim/sim.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Issue 36 in queue mode (main, webhook process, worker with concurrency 10, PostgreSQL, Redis):
 * the executions of two events for one tenant really run in parallel on the worker, and the Data
 * Table lives in PostgreSQL. The cases of test/e2e/order.e2e.test.cts (scripts/n8n/order-cases.js),
 * each UNTIS_ORDER_QUEUE_RUNS times (1 in CI, for time) in both orders.
 */
const ROOT = join(__dirname, '../..');
const RUNS = Number(process.env.UNTIS_ORDER_QUEUE_RUNS || 1);
const example = (file: string) => JSON.parse(readFileSync(join(ROOT, 'examples', file), 'utf8'));
const setup = example('create-tenants-table.workflow.json');
const onboarding = example('1-onboarding.workflow.json');
const deactivation = example('2-deactivation.workflow.json');
const failureAlert = example('7-failure-alert.workflow.json');

type Row = { id: number; status: string };
let cluster: {
	pg: { json(sql: string): Array<Record<string, string | null>> };
	db: { waitForExecutions(o: object): Promise<Row[]>; lastExecutionId(): number; executionJson(id: number): Record<string, unknown[][]> };
	webhookUrl(path: string): string;
	runInEditor(workflow: object): Promise<Row>;
	stop(): Promise<unknown>;
};
let mail: { messages: Array<{ to: string[]; subject: string; raw: string }>; credential: unknown; close(): Promise<void> };
const keys = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-order-queue-')));
const privateKey = readFileSync(keys.privatePath, 'utf8');
let cases: { run(name: string, o: { tenant: string; order: string; gapMs: number }): Promise<Record<string, unknown>> };

beforeAll(async () => {
	mail = await startMailSink();
	cluster = await startQueueCluster({
		packageDir: ROOT,
		workerConcurrency: 10,
		credentials: [
			{ ...onboarding.nodes[0].credentials.untisPlatformApi, type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey: randomBytes(32).toString('base64') } },
			mail.credential,
		],
		workflows: [setup, onboarding, deactivation, failureAlert],
		activate: [onboarding, deactivation, failureAlert].map((w) => w.id),
	});
	await cluster.runInEditor(setup);
	cases = orderCases({
		onboarding,
		deactivation,
		privateKey,
		send: async (workflow: { nodes: Array<{ webhookId: string }> }, body: string, headers: Record<string, string>) =>
			(await sim.post(cluster.webhookUrl(`${workflow.nodes[0].webhookId}/webhook`), body, headers)).status,
		waitFor: (workflow: { id: string }, count: number, sinceId: number) => cluster.db.waitForExecutions({ workflowId: workflow.id, count, sinceId, timeoutMs: 120000 }),
		lastExecutionId: () => cluster.db.lastExecutionId(),
		executionJson: (id: number) => cluster.db.executionJson(id),
		row: (tenant: string) => {
			const [table] = cluster.pg.json("SELECT id FROM data_table WHERE name = 'untis_tenants'");
			// Tenant ids here are fixed test names ([a-z0-9-]): safe in the literal.
			return cluster.pg.json(`SELECT * FROM "data_table_user_${table.id}" WHERE "tenantId" = '${tenant.replace(/[^a-z0-9-]/g, '')}'`);
		},
		mails: () => mail.messages,
	});
}, 15 * 60 * 1000);

afterAll(async () => {
	if (cluster) await cluster.stop();
	if (mail) await mail.close();
}, 5 * 60 * 1000);

const runs = Array.from({ length: RUNS }, (_, i) => i);
const gap = (run: number, order: number) => Math.round(((run * 2 + order) * 97) % 201);

describe.each(ORDER_CASES as string[])('queue mode: %s', (name) => {
	it.each(runs.flatMap((run) => ['first-second', 'second-first'].map((order, o) => [run, order, gap(run, o)] as const)))(
		'run %i, %s, %i ms apart: the row follows the event received last, the mails follow the stored changes of state',
		async (run, order, gapMs) => {
			const tenant = `q-${name.split('-').map((w) => w[0]).join('')}-${order === 'first-second' ? 'fs' : 'sf'}-${String(run).padStart(3, '0')}`;
			const report = await cases.run(name, { tenant, order, gapMs });
			console.log(JSON.stringify({ ...report, mails: undefined, expectedMails: undefined }));
			expect(report.answers).toEqual([200, 200]);
			expect(report.failures).toEqual([]);
			expect(report.statuses).toEqual(['success', 'success']);
			expect(report.rowCount).toBe(1);
			expect(report.row).toEqual(report.expectedRow);
			expect(report.lastOutcome).toBe('applied');
			expect(report.mails).toEqual(report.expectedMails);
			if (name.startsWith('redelivered')) expect(report.redeliveryOutcomes).toEqual(['already processed']);
			if (name.includes('created')) expect(report.welcomes).toBe(1);
		},
		5 * 60 * 1000,
	);
});
