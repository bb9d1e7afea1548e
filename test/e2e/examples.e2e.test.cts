import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sealerFor } from '../../nodes/UntisPlatform/core/sealing';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startN8n } = require('./harness');
const { query } = require('../../scripts/n8n/sqlite-read');
const sim = require('../../tools/untis-platform-sim/sim.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The example workflows that `npm run demo` imports, run on a real n8n 2.x with a real n8n Data
 * Table: the tenant lifecycle as the Untis handling rules describe it.
 */
const ROOT = join(__dirname, '../..');
const example = (file: string) => JSON.parse(readFileSync(join(ROOT, 'examples', file), 'utf8'));
const lifecycle = example('tenant-lifecycle.workflow.json');
const setup = example('create-tenants-table.workflow.json');

type Row = Record<string, string | null>;
let n8n: {
	dbPath: string;
	webhookUrl(path: string): string;
	post(path: string, body: unknown): Promise<{ status: number; text: string }>;
	lastExecutionId(): number;
	waitForExecutions(o: { workflowId: string; count: number; sinceId?: number }): Promise<Array<{ id: number; status: string }>>;
	executionJson(id: number): Record<string, unknown[][]>;
	stop(): Promise<unknown>;
};
const keys = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-examples-')));
const privateKey = readFileSync(keys.privatePath, 'utf8');
const encryptionKey = randomBytes(32).toString('base64');
const sealer = sealerFor(encryptionKey);

async function deliver(kind: string, tenant: string, body?: string) {
	const text = body ?? JSON.stringify(sim.buildPayload(kind, { tenant }));
	const before = n8n.lastExecutionId();
	const answer = await sim.post(n8n.webhookUrl(`${lifecycle.nodes[0].webhookId}/webhook`), text, sim.signRequest(text, privateKey));
	expect(answer.status).toBe(200);
	const [execution] = await n8n.waitForExecutions({ workflowId: lifecycle.id, count: 1, sinceId: before });
	return { body: text, payload: JSON.parse(text), execution };
}

function rows(tenant: string): Row[] {
	const [table] = query(n8n.dbPath, "SELECT id FROM data_table WHERE name = 'untis_tenants'");
	return query(n8n.dbPath, `SELECT * FROM data_table_user_${table.id} WHERE tenantId = ?`, [tenant]);
}

beforeAll(async () => {
	n8n = await startN8n({
		packageDir: ROOT,
		credentials: [
			{
				...lifecycle.nodes[0].credentials.untisPlatformApi,
				type: 'untisPlatformApi',
				data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey },
			},
		],
		workflows: [setup, lifecycle],
	});
	const created = await n8n.post('untis-create-tenants-table', {});
	expect(created.status).toBe(200);
}, 15 * 60 * 1000);

afterAll(async () => {
	if (n8n) await n8n.stop();
});

describe('example: tenant lifecycle on an n8n Data Table', () => {
	it('the setup workflow is idempotent: a second call reuses the table', async () => {
		expect((await n8n.post('untis-create-tenants-table', {})).status).toBe(200);
		expect(query(n8n.dbPath, "SELECT id FROM data_table WHERE name = 'untis_tenants'")).toHaveLength(1);
	});

	it('CREATED stores the tenant as active, with sealed secrets that open to what was sent', async () => {
		const { payload, execution } = await deliver('created', 'school-a');
		expect(execution.status).toBe('success');
		const [row, ...more] = rows('school-a');
		expect(more).toEqual([]);
		expect(row).toMatchObject({ status: 'active', eventType: 'CREATED', clientId: payload.clientId, host: payload.host });
		expect(row.password).toMatch(/^sealed:v1:/);
		expect(sealer.unseal(row.password!)).toBe(payload.password);
		expect(sealer.unseal(row.secret!)).toBe(payload.secret);
	});

	it('RESET overwrites the credentials of the same row', async () => {
		const { payload } = await deliver('reset', 'school-a');
		const [row, ...more] = rows('school-a');
		expect(more).toEqual([]);
		expect(row).toMatchObject({ status: 'active', eventType: 'RESET' });
		expect(sealer.unseal(row.password!)).toBe(payload.password);
	});

	it('DEACTIVATION marks the tenant deactivated and raises the alert; the same event twice gives the same row, no error', async () => {
		await deliver('created', 'school-b');
		const first = await deliver('deactivation', 'school-b');
		const afterFirst = rows('school-b');
		const second = await deliver('deactivation', 'school-b', first.body);
		expect([first.execution.status, second.execution.status]).toEqual(['success', 'success']);
		expect(n8n.executionJson(second.execution.id)['Alert: tenant deactivated']).toBeDefined();
		const afterSecond = rows('school-b');
		expect(afterSecond).toHaveLength(1);
		expect(afterSecond[0]).toMatchObject({ status: 'deactivated', eventType: 'DEACTIVATION', reasonType: 'SCHOOL_DEACTIVATION' });
		// Same state; only the bookkeeping of when it was last seen moves on.
		const state = (row: Row) => {
			const copy: Row = { ...row };
			for (const moving of ['updatedAt', 'lastEventAt']) delete copy[moving];
			return copy;
		};
		expect(state(afterSecond[0])).toEqual(state(afterFirst[0]));
		expect(afterSecond[0].lastEventAt! >= afterFirst[0].lastEventAt!).toBe(true);
	});

	it('REACTIVATED makes the tenant active again with fresh credentials', async () => {
		const { payload } = await deliver('reactivated', 'school-b');
		const [row, ...more] = rows('school-b');
		expect(more).toEqual([]);
		expect(row).toMatchObject({ status: 'active', eventType: 'REACTIVATED' });
		expect(sealer.unseal(row.password!)).toBe(payload.password);
	});

	it('DELETION marks the tenant deleted (Option B: the row is kept, flagged)', async () => {
		await deliver('v1', 'school-c');
		await deliver('deletion', 'school-c');
		expect(rows('school-c')).toEqual([expect.objectContaining({ status: 'deleted', eventType: 'DELETION' })]);
	});
});
