import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sealerFor } from '../../nodes/UntisPlatform/core/sealing';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startN8n } = require('./harness');
const { query } = require('../../scripts/n8n/sqlite-read');
const sim = require('../../tools/untis-platform-sim/sim.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The four example workflows of the README on a real n8n 2.x with a real Data Table:
 * onboarding, deactivation (Option B, and Option A through the workflow's switch), manual entry
 * through n8n's Form Trigger, and using the stored credentials against a mock Untis platform.
 */
const ROOT = join(__dirname, '../..');
const example = (file: string) => JSON.parse(readFileSync(join(ROOT, 'examples', file), 'utf8'));
const setup = example('create-tenants-table.workflow.json');
const onboarding = example('1-onboarding.workflow.json');
const deactivation = example('2-deactivation.workflow.json');
const manual = example('3-manual-entry.workflow.json');
const use = example('4-use-credentials.workflow.json');
// The same deactivation workflow with its switch set to Option A (delete the row).
const deactivationA = JSON.parse(JSON.stringify(deactivation).replace(/f2000000-/g, 'f2a00000-'));
deactivationA.id = 'untisDeactivateA01';
deactivationA.name += ' (Option A)';
deactivationA.nodes.find((n: { name: string }) => n.name === 'Settings').parameters.assignments.assignments[0].value = true;

type Row = Record<string, string | null>;
let n8n: {
	baseUrl: string;
	dbPath: string;
	webhookUrl(path: string): string;
	post(path: string, body: unknown): Promise<{ status: number; text: string }>;
	lastExecutionId(): number;
	waitForExecutions(o: { workflowId: string; count: number; sinceId?: number }): Promise<Array<{ id: number; status: string }>>;
	executionJson(id: number): Record<string, unknown[][]>;
	stop(): Promise<unknown>;
};
const keys = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-workflows-')));
const privateKey = readFileSync(keys.privatePath, 'utf8');
const encryptionKey = randomBytes(32).toString('base64');
const sealer = sealerFor(encryptionKey);
/** Opens a row's sealed field: sealed:v2 is bound to the row's tenant and the field. */
const open = (row: Row, field: 'secret' | 'password') => sealer.unseal(row[field]!, { tenantId: row.tenantId!, field });

/** The platform side: token endpoint and a OneRoster endpoint, on loopback. */
let platform: Server;
let platformHost = '';
const calls: Array<{ kind: 'token' | 'oneroster'; tenant?: string; user?: string; password?: string; bearer?: string }> = [];

async function deliver(workflow: { id: string; nodes: Array<{ webhookId?: string }> }, kind: string, tenant: string, body?: string) {
	const text = body ?? JSON.stringify(sim.buildPayload(kind, { tenant, fields: { host: platformHost } }));
	const before = n8n.lastExecutionId();
	const answer = await sim.post(n8n.webhookUrl(`${workflow.nodes[0].webhookId}/webhook`), text, sim.signRequest(text, privateKey));
	expect(answer.status).toBe(200);
	const [execution] = await n8n.waitForExecutions({ workflowId: workflow.id, count: 1, sinceId: before });
	return { body: text, payload: JSON.parse(text), execution };
}

function rows(tenant?: string): Row[] {
	const [table] = query(n8n.dbPath, "SELECT id FROM data_table WHERE name = 'untis_tenants'");
	return tenant === undefined
		? query(n8n.dbPath, `SELECT * FROM data_table_user_${table.id}`)
		: query(n8n.dbPath, `SELECT * FROM data_table_user_${table.id} WHERE tenantId = ?`, [tenant]);
}

beforeAll(async () => {
	platform = createServer((req, res) => {
		const token = /^\/WebUntis\/api\/sso\/v3\/([^/]+)\/token$/.exec(req.url ?? '');
		res.setHeader('Content-Type', 'application/json');
		if (token && req.method === 'POST') {
			const [user, password] = Buffer.from(String(req.headers.authorization).replace(/^Basic /, ''), 'base64').toString().split(':');
			calls.push({ kind: 'token', tenant: decodeURIComponent(token[1]), user, password });
			res.end(JSON.stringify({ access_token: `token-for-${token[1]}`, token_type: 'Bearer', expires_in: 180 }));
		} else if (req.url?.endsWith('/ims/oneroster/v1p1/orgs')) {
			calls.push({ kind: 'oneroster', bearer: req.headers.authorization });
			res.end(JSON.stringify({ orgs: [] }));
		} else res.writeHead(404).end('{}');
	});
	await new Promise<void>((resolve) => platform.listen(0, '127.0.0.1', resolve));
	platformHost = `http://127.0.0.1:${(platform.address() as AddressInfo).port}`;

	n8n = await startN8n({
		packageDir: ROOT,
		credentials: [
			{ ...onboarding.nodes[0].credentials.untisPlatformApi, type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey } },
		],
		workflows: [setup, onboarding, deactivation, deactivationA, manual, use],
	});
	expect((await n8n.post('untis-create-tenants-table', {})).status).toBe(200);
}, 15 * 60 * 1000);

afterAll(async () => {
	if (n8n) await n8n.stop();
	await new Promise<void>((resolve) => platform.close(() => resolve()));
});

const plainPassword: Record<string, string> = {};

describe('1 onboarding', () => {
	it('CREATED stores an active tenant with sealed secrets and runs the welcome step', async () => {
		const { payload, execution } = await deliver(onboarding, 'created', 'w-1');
		plainPassword['w-1'] = payload.password;
		expect(execution.status).toBe('success');
		expect(n8n.executionJson(execution.id)['Welcome the school (log step)'][0][0]).toMatchObject({ tenantId: 'w-1', activatorEmail: 'jane@doe.com' });
		const [row, ...more] = rows('w-1');
		expect(more).toEqual([]);
		expect(row).toMatchObject({ status: 'active', eventType: 'CREATED' });
		expect(open(row, 'password')).toBe(payload.password);
	});

	it('RESET overwrites the password in the same row', async () => {
		const { payload } = await deliver(onboarding, 'reset', 'w-1');
		plainPassword['w-1'] = payload.password;
		const [row, ...more] = rows('w-1');
		expect(more).toEqual([]);
		expect(row.eventType).toBe('RESET');
		expect(open(row, 'password')).toBe(payload.password);
	});
});

describe('2 deactivation', () => {
	it('Option B: DEACTIVATION twice leaves the same deactivated row and raises no error', async () => {
		await deliver(onboarding, 'created', 'w-2');
		const first = await deliver(deactivation, 'deactivation', 'w-2');
		const second = await deliver(deactivation, 'deactivation', 'w-2', first.body);
		expect([first.execution.status, second.execution.status]).toEqual(['success', 'success']);
		expect(n8n.executionJson(second.execution.id)['Alert: tenant deactivated']).toBeDefined();
		expect(rows('w-2')).toEqual([expect.objectContaining({ status: 'deactivated', eventType: 'DEACTIVATION', reasonType: 'SCHOOL_DEACTIVATION' })]);
	});

	it('REACTIVATED makes the tenant active again with fresh credentials', async () => {
		const { payload } = await deliver(onboarding, 'reactivated', 'w-2');
		plainPassword['w-2'] = payload.password;
		const [row] = rows('w-2');
		expect(row).toMatchObject({ status: 'active', eventType: 'REACTIVATED' });
		expect(open(row, 'password')).toBe(payload.password);
	});

	it('Option A (the switch set to delete): the row is deleted; replaying raises no error', async () => {
		await deliver(onboarding, 'created', 'w-3');
		expect(rows('w-3')).toHaveLength(1);
		const first = await deliver(deactivationA, 'deletion', 'w-3');
		expect(first.execution.status).toBe('success');
		expect(rows('w-3')).toEqual([]);
		const again = await deliver(deactivationA, 'deletion', 'w-3', first.body);
		expect(again.execution.status).toBe('success');
		expect(rows('w-3')).toEqual([]);
	});
});

describe('3 manual entry through the n8n Form Trigger', () => {
	it('a submitted form becomes a MANUAL credentials event stored like a webhook one', async () => {
		const before = n8n.lastExecutionId();
		const form = new FormData();
		['w-4', 'BestApp-tenant-w-4', 'typed-secret', 'typed-password', platformHost, 'admin@school.example'].forEach((value, i) => form.append(`field-${i}`, value));
		const answer = await fetch(`${n8n.baseUrl}/form/${manual.nodes[0].webhookId}`, { method: 'POST', body: form });
		expect(answer.status).toBe(200);
		const [execution] = await n8n.waitForExecutions({ workflowId: manual.id, count: 1, sinceId: before });
		expect(execution.status).toBe('success');
		plainPassword['w-4'] = 'typed-password';
		const [row, ...more] = rows('w-4');
		expect(more).toEqual([]);
		expect(row).toMatchObject({ status: 'active', eventType: 'MANUAL', activatorEmail: 'admin@school.example' });
		expect(open(row, 'password')).toBe('typed-password');
		expect(open(row, 'secret')).toBe('typed-secret');
	});
});

describe('4 use the stored credentials', () => {
	it('every active tenant gets a token with its unsealed password and one OneRoster call; deactivated ones none', async () => {
		await deliver(onboarding, 'created', 'w-5');
		await deliver(deactivation, 'deactivation', 'w-5');
		calls.length = 0;
		const answer = await n8n.post('untis-sync-tenants', {});
		expect(answer.status).toBe(200);

		const active = rows().filter((row) => row.status === 'active').map((row) => row.tenantId).sort();
		expect(active).toEqual(['w-1', 'w-2', 'w-4']);
		const tokenCalls = calls.filter((c) => c.kind === 'token');
		expect(tokenCalls.map((c) => c.tenant).sort()).toEqual(active);
		for (const call of tokenCalls) {
			expect(call.user).toBe(`BestApp-tenant-${call.tenant}`);
			expect(call.password).toBe(plainPassword[call.tenant!]);
		}
		expect(calls.filter((c) => c.kind === 'oneroster').map((c) => c.bearer).sort()).toEqual(active.map((t) => `Bearer token-for-${t}`));
	});
});
