import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { confirmDeliveryVariant, fixtureVariant } from './triggerSuite.cjs';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startN8n } = require('./harness');
const sim = require('../../tools/untis-platform-sim/sim.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The setting README "Running at scale" suggests for throughput, N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE:
 * n8n 2.41 then creates an expression isolate only when an expression is evaluated, and the
 * trigger evaluates none (native resolvers for Acknowledge, node version 1.1). Everything the
 * trigger promises must hold there too: every Acknowledge mode, version 1 workflows, rejections.
 */
const ROOT = join(__dirname, '../..');
type Workflow = ReturnType<typeof fixtureVariant>;
const immediately = fixtureVariant('untisLazyNow00001', '0a01', () => undefined);
const afterWorkflow = fixtureVariant('untisLazySafe0001', '0a02', (w) => {
	w.nodes[0].parameters.acknowledge = 'afterWorkflowSucceeds';
});
const version1 = fixtureVariant('untisLazyV1000001', '0a03', (w) => {
	w.nodes[0].typeVersion = 1;
});
const confirm = confirmDeliveryVariant('untisLazyConf0001', '0a04');

const keys = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-lazy-')));
const privateKey = readFileSync(keys.privatePath, 'utf8');
type Execution = { id: number; status: string };
let n8n: {
	webhookUrl(path: string): string;
	lastExecutionId(): number;
	readExecutions(o: { workflowId: string; sinceId?: number }): Execution[];
	waitForExecutions(o: { workflowId: string; count: number; sinceId?: number }): Promise<Execution[]>;
	executionJson(id: number): Record<string, Array<Array<Record<string, unknown>>>>;
	stop(): Promise<unknown>;
};

const urlOf = (workflow: Workflow) => n8n.webhookUrl(`${workflow.nodes[0].webhookId}/webhook`);
function signed(kind: string, tenant: string) {
	const body = JSON.stringify(sim.buildPayload(kind, { tenant }));
	return { body, headers: sim.signRequest(body, privateKey) as Record<string, string> };
}
const post = (workflow: Workflow, d: { body: string; headers: Record<string, string> }) =>
	sim.post(urlOf(workflow), d.body, d.headers) as Promise<{ status: number; body: string }>;

beforeAll(async () => {
	n8n = await startN8n({
		packageDir: ROOT,
		credentials: [
			{ id: 'untisE2eCred0001', name: 'Untis Platform (e2e)', type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey: randomBytes(32).toString('base64') } },
		],
		workflows: [immediately, afterWorkflow, version1, confirm],
		env: { N8N_EXPRESSION_ENGINE: 'vm', N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
	});
}, 15 * 60 * 1000);

afterAll(async () => {
	if (n8n) await n8n.stop();
});

describe('n8n 2.41.1 with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true', () => {
	it('Immediately: the webhookResponse, and one execution with the sealed item on Credentials', async () => {
		const before = n8n.lastExecutionId();
		const answer = await post(immediately, signed('created', 'lazy-now'));
		expect(answer.status).toBe(200);
		expect(JSON.parse(answer.body)).toMatchObject({ received: true, started: true });
		const [execution] = await n8n.waitForExecutions({ workflowId: immediately.id, count: 1, sinceId: before });
		expect(execution.status).toBe('success');
		const [credentials] = n8n.executionJson(execution.id)['Untis Platform Trigger'];
		expect(credentials[0]).toMatchObject({ tenantId: 'lazy-now', eventType: 'CREATED', secrets: 'sealed' });
		expect(credentials[0].secret).toMatch(/^sealed:v2:/);
	});

	it('After the Workflow Succeeds: the answer comes once the execution has succeeded, and carries none of its data', async () => {
		const before = n8n.lastExecutionId();
		const answer = await post(afterWorkflow, signed('deactivation', 'lazy-safe'));
		expect(answer.status).toBe(200);
		// No wait: n8n answers a lastNode webhook only after the execution is finished and saved.
		const executions = n8n.readExecutions({ workflowId: afterWorkflow.id, sinceId: before });
		expect(executions.map((e) => e.status)).toEqual(['success']);
		expect(answer.body).not.toMatch(/lazy-safe|"started"/);
	});

	it("When Confirm Delivery Runs: Confirm Delivery's answer, once its execution has run", async () => {
		const before = n8n.lastExecutionId();
		const answer = await post(confirm, signed('created', 'lazy-confirm'));
		expect(answer.status).toBe(200);
		expect(JSON.parse(answer.body)).toEqual({ received: true, confirmed: true, deliveryId: expect.stringMatching(/^[0-9a-f]{64}$/) });
		const [execution] = await n8n.waitForExecutions({ workflowId: confirm.id, count: 1, sinceId: before });
		expect(execution.status).toBe('success');
	});

	it('a workflow saved with node version 1 works the same', async () => {
		const before = n8n.lastExecutionId();
		const answer = await post(version1, signed('deactivation', 'lazy-v1'));
		expect(answer.status).toBe(200);
		const [execution] = await n8n.waitForExecutions({ workflowId: version1.id, count: 1, sinceId: before });
		expect(n8n.executionJson(execution.id)['Untis Platform Trigger'][1][0]).toMatchObject({ tenantId: 'lazy-v1', eventType: 'DEACTIVATION' });
	});

	it('a forged request is answered 401 and starts nothing, in every mode', async () => {
		const before = n8n.lastExecutionId();
		for (const workflow of [immediately, afterWorkflow, confirm]) {
			const d = signed('created', 'lazy-forged');
			const answer = await post(workflow, { body: `${d.body} `, headers: d.headers });
			expect(answer.status).toBe(401);
			expect(JSON.parse(answer.body).error).toMatch(/^Signature does not match the body/);
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
		for (const workflow of [immediately, afterWorkflow, confirm]) {
			expect(n8n.readExecutions({ workflowId: workflow.id, sinceId: before })).toEqual([]);
		}
	});
});
