import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { AddressInfo } from 'node:net';
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
/** The companion node in a real n8n, behind a plain Webhook so the test can drive it. */
const companion = (operation: string, n: number) => ({
	id: `untisE2eCompanion${n}`,
	name: `E2E: Untis Platform ${operation}`,
	nodes: [
		{
			id: `e100000${n}-0000-4000-8000-000000000001`, name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0],
			webhookId: `e100000${n}-0000-4000-8000-0000000c0001`,
			parameters: { httpMethod: 'POST', path: `untis-${operation}`, responseMode: 'lastNode', options: {} },
		},
		{
			id: `e100000${n}-0000-4000-8000-000000000002`, name: 'Untis Platform', type: 'n8n-nodes-untis-platform.untisPlatform', typeVersion: 1, position: [250, 0],
			onError: 'continueRegularOutput',
			parameters: {
				operation,
				tenantId: '={{ $json.body.tenantId }}', clientId: '={{ $json.body.clientId }}', password: '={{ $json.body.password }}',
				secret: '={{ $json.body.secret }}', host: '={{ $json.body.host }}', timeout: 2000, secrets: 'seal',
			},
			credentials: { untisPlatformApi: lifecycle.nodes[0].credentials.untisPlatformApi },
		},
	],
	connections: { Webhook: { main: [[{ node: 'Untis Platform', type: 'main', index: 0 }]] } },
});
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

let tokenServer: Server;
let tokenHost = '';
beforeAll(async () => {
	// A mock Untis token endpoint on loopback: client-1 / pw-1 gets a token, anything else a 401.
	tokenServer = createServer((req, res) => {
		const [user, password] = Buffer.from(String(req.headers.authorization).replace(/^Basic /, ''), 'base64').toString().split(':');
		const ok = user === 'client-1' && password === 'pw-1' && /\/WebUntis\/api\/sso\/v3\/[^/]+\/token$/.test(req.url ?? '');
		res.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify(ok ? { access_token: 'real-n8n-token', token_type: 'Bearer', expires_in: 180 } : { error: 'invalid_client' }));
	});
	await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
	tokenHost = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}`;
	n8n = await startN8n({
		packageDir: ROOT,
		credentials: [
			{
				...lifecycle.nodes[0].credentials.untisPlatformApi,
				type: 'untisPlatformApi',
				data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey },
			},
		],
		workflows: [setup, lifecycle, companion('getAccessToken', 1), companion('createCredentialsEvent', 2)],
	});
	const created = await n8n.post('untis-create-tenants-table', {});
	expect(created.status).toBe(200);
}, 15 * 60 * 1000);

afterAll(async () => {
	if (n8n) await n8n.stop();
	await new Promise<void>((resolve) => tokenServer.close(() => resolve()));
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

describe('companion node Untis Platform in a real n8n', () => {
	const call = async ({ operation, ...body }: Record<string, unknown>) => {
		const answer = await n8n.post(`untis-${operation}`, body);
		expect(answer.status).toBe(200);
		return JSON.parse(answer.text);
	};

	it("Get Access Token: n8n's request helper, a sealed password, Basic clientId:password", async () => {
		const json = await call({ operation: 'getAccessToken', tenantId: 'school-a', clientId: 'client-1', password: sealer.seal('pw-1'), host: tokenHost });
		expect(json).toMatchObject({ tenantId: 'school-a', access_token: 'real-n8n-token', expires_in: 180 });
	});

	it('Get Access Token: wrong credentials give a clear error (Continue On Fail), never the password', async () => {
		const json = await call({ operation: 'getAccessToken', tenantId: 'school-a', clientId: 'client-1', password: 'wrong-pw', host: tokenHost });
		expect(JSON.stringify(json)).toMatch(/tenant 'school-a' was refused \(HTTP 401\)/);
		expect(JSON.stringify(json)).not.toContain('wrong-pw');
	});

	it("Create Credentials Event: the trigger's item shape with eventType MANUAL, secrets sealed", async () => {
		const json = await call({ operation: 'createCredentialsEvent', tenantId: 'school-m', clientId: 'c-m', secret: 's-m', password: 'p-m', host: 'school.webuntis.com' });
		expect(json).toMatchObject({ event: 'credentials', eventType: 'MANUAL', tenantId: 'school-m', tenantStatus: 'active', secrets: 'sealed' });
		expect(sealer.unseal(json.password)).toBe('p-m');
	});
});
