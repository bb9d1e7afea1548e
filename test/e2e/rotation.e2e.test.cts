import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sealerFor, sealedKeyId } from '../../nodes/UntisPlatform/core/sealing/sealing';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startN8n } = require('./harness');
const { startMailSink } = require('../../scripts/n8n/mail-sink');
const { dataTableRows } = require('../../scripts/n8n/sqlite-read');
const sim = require('../../tools/untis-platform-sim/sim.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Rotating the Encryption Key on a real n8n 2.x, the way docs/key-rotation.md tells a vendor to:
 * tenants onboarded under key A (sealed:v2 by the trigger, plus a sealed:v1 row written by
 * 0.1.0), the credential switched to key B with A under Previous Encryption Keys, the rotation
 * example run, A dropped. Then every row opens with B alone, tokens still work, a row copied onto
 * another tenant does not open, and no plain secret is in n8n's database or log.
 */
const ROOT = join(__dirname, '../..');
const { readExample: example } = require('../../scripts/n8n/examples');
const setup = example('create-tenants-table.workflow.json');
const onboarding = example('1-onboarding.workflow.json');
const ENSURE_ROW = onboarding.nodes.find((n: { name: string }) => n.name === 'Ensure tenant row');
const WRITE_ROW = onboarding.nodes.find((n: { name: string }) => n.name === 'Write tenant (active)');
const deactivation = example('2-deactivation.workflow.json');
// Example 4 as shipped, with its sync webhook's authentication off (test only: this suite is about
// sealing; workflows.e2e.test.cts proves the authentication).
const use = example('4-use-credentials.workflow.json');
for (const node of use.nodes as Array<{ type: string; parameters: Record<string, unknown>; credentials?: unknown }>) {
	if (node.type === 'n8n-nodes-base.webhook') {
		node.parameters.authentication = 'none';
		delete node.credentials;
	}
}
// The node that calls the platform: a typed OneRoster operation, API Request or Get Access Token.
const apiNode = (use.nodes as Array<{ name: string; type: string; parameters: { resource?: string; operation?: string } }>).find(
	(node) => node.type.endsWith('.untisPlatform') && ((node.parameters.resource ?? 'platform') !== 'platform' || ['apiRequest', 'getAccessToken'].includes(node.parameters.operation ?? '')),
)!.name;
const rotate = example('5-rotate-encryption-key.workflow.json');
const credentialRef = onboarding.nodes[0].credentials.untisPlatformApi as { id: string; name: string };
// The example exactly as shipped, but started by a webhook instead of its Manual Trigger: n8n's
// CLI `execute` has no Data Table module, and the shipped example has no public trigger on purpose.
const rotateByWebhook = JSON.parse(JSON.stringify(rotate).replace(/f5000000-/g, 'f5e00000-'));
rotateByWebhook.id = 'untisRotateKeyE2E1';
Object.assign(rotateByWebhook.nodes.find((n: { name: string }) => n.name === 'Run now'), {
	type: 'n8n-nodes-base.webhook',
	typeVersion: 2,
	webhookId: 'f5e00000-0000-4000-8000-0000000b0005',
	parameters: { httpMethod: 'POST', path: 'untis-test-rotate', responseMode: 'lastNode', options: {} },
});

// Key A is the key of 0.1.0's sealed:v1 fixtures, so real v1 values sit in the table beside v2 ones.
const v1Fixtures = (
	JSON.parse(readFileSync(join(ROOT, 'test/unit/fixtures/sealed-v1.json'), 'utf8')) as {
		values: Array<{ key: string; plaintext: string; sealed: string }>;
	}
).values;
const keyA = v1Fixtures[0].key;
const v1 = (plaintext: string) => v1Fixtures.find((f) => f.key === keyA && f.plaintext === plaintext)!.sealed;
const keyB = randomBytes(32).toString('base64');
const idA = sealerFor(keyA).keyId;
const idB = sealerFor(keyB).keyId;

/** Writes one row as given (test only: stands for a row stored by 0.1.0, or one edited by hand). */
const writeRow = {
	id: 'untisTestWriteRow1',
	name: 'test: write a tenant row',
	nodes: [
		{
			id: 'fe000000-0000-4000-8000-000000000001',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: 'fe000000-0000-4000-8000-0000000b0001',
			parameters: { httpMethod: 'POST', path: 'untis-test-write-row', responseMode: 'lastNode', options: {} },
		},
		{
			// The example's upsert of untis_tenants (Ensure tenant row), given every column.
			...ENSURE_ROW,
			id: 'fe000000-0000-4000-8000-000000000002',
			name: 'Upsert',
			position: [300, 0],
			parameters: {
				...ENSURE_ROW.parameters,
				filters: { conditions: [{ keyName: 'tenantId', condition: 'eq', keyValue: '={{ $json.body.tenantId }}' }] },
				columns: {
					...ENSURE_ROW.parameters.columns,
					schema: WRITE_ROW.parameters.columns.schema,
					value: Object.fromEntries(
						['tenantId', 'status', 'eventType', 'clientId', 'secret', 'password', 'host'].map((c) => [c, `={{ $json.body.${c} }}`]),
					),
				},
			},
		},
	],
	connections: { Webhook: { main: [[{ node: 'Upsert', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};

type Row = Record<string, string | null>;
let mail: { credential: unknown; close(): Promise<void> };
let n8n: {
	dbPath: string;
	logFile: string;
	userFolder: string;
	webhookUrl(path: string): string;
	post(path: string, body: unknown): Promise<{ status: number; text: string }>;
	runInEditor(workflow: { id: string; nodes: unknown[] }): Promise<{ id: number; status: string }>;
	lastExecutionId(): number;
	waitForExecutions(o: { workflowId: string; count: number; sinceId?: number }): Promise<Array<{ id: number; status: string }>>;
	executionJson(id: number): Record<string, unknown[][]>;
	runCli(args: string[]): Promise<void>;
	logText(): string;
	stop(): Promise<unknown>;
};
const simKeys = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-rotation-')));
const privateKey = readFileSync(simKeys.privatePath, 'utf8');

let platform: Server;
let platformHost = '';
const tokenCalls: Array<{ tenant: string; user: string; password: string }> = [];
/** Tenants whose API was called (by bearer token): API Request caches tokens, so a grant per run is not guaranteed. */
const apiCalls: string[] = [];
/** Every plain value that must never reach n8n's database or log. */
const plain: Record<string, { secret: string; password: string }> = {};

async function deliver(workflow: { id: string; nodes: Array<{ webhookId?: string }> }, kind: string, tenant: string) {
	const payload = sim.buildPayload(kind, { tenant, fields: { host: platformHost } });
	const text = JSON.stringify(payload);
	const before = n8n.lastExecutionId();
	const answer = await sim.post(n8n.webhookUrl(`${workflow.nodes[0].webhookId}/webhook`), text, sim.signRequest(text, privateKey));
	expect(answer.status).toBe(200);
	const [execution] = await n8n.waitForExecutions({ workflowId: workflow.id, count: 1, sinceId: before });
	expect(execution.status).toBe('success');
	return payload;
}

function rows(): Row[] {
	return dataTableRows(n8n.dbPath, 'untis_tenants', undefined, { orderByTenant: true });
}

/** Replaces the credential's data, as saving it in the editor does (n8n CLI, same id). */
/** Runs the rotation example once; returns its execution's status. */
async function runRotation() {
	const before = n8n.lastExecutionId();
	await n8n.post('untis-test-rotate', {});
	const [execution] = await n8n.waitForExecutions({ workflowId: rotateByWebhook.id, count: 1, sinceId: before });
	return execution.status;
}

async function setSealingKeys(encryptionKey: string, previousEncryptionKeys?: string) {
	const file = join(n8n.userFolder, `credential-${Date.now()}.json`);
	const data = { environment: 'custom', publicKeys: simKeys.publicKeyBase64, apiBaseUrl: platformHost, encryptionKey, ...(previousEncryptionKeys ? { previousEncryptionKeys } : {}) };
	writeFileSync(file, JSON.stringify([{ ...credentialRef, type: 'untisPlatformApi', data }]));
	await n8n.runCli(['import:credentials', `--input=${file}`]);
}

const sealedColumns = (all: Row[]) => all.flatMap((row) => (['secret', 'password'] as const).map((field) => ({ tenantId: row.tenantId!, field, value: row[field] })));

beforeAll(async () => {
	platform = createServer((req, res) => {
		const token = /^\/WebUntis\/api\/sso\/v3\/([^/]+)\/token$/.exec(req.url ?? '');
		res.setHeader('Content-Type', 'application/json');
		if (token && req.method === 'POST') {
			const [user, password] = Buffer.from(String(req.headers.authorization).replace(/^Basic /, ''), 'base64').toString().split(':');
			tokenCalls.push({ tenant: decodeURIComponent(token[1]), user, password });
			res.end(JSON.stringify({ access_token: `token-for-${token[1]}`, token_type: 'Bearer', expires_in: 180 }));
		} else {
			const bearer = /^Bearer token-for-(.+)$/.exec(String(req.headers.authorization ?? ''));
			if (bearer) apiCalls.push(decodeURIComponent(bearer[1]));
			res.end(JSON.stringify({ orgs: [] }));
		}
	});
	await new Promise<void>((resolve) => platform.listen(0, '127.0.0.1', resolve));
	platformHost = `http://127.0.0.1:${(platform.address() as AddressInfo).port}`;
	// Examples 1 and 2 send mail after storing: their SMTP credential points at a loopback server.
	mail = await startMailSink();

	n8n = await startN8n({
		packageDir: ROOT,
		credentials: [{ ...credentialRef, type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: simKeys.publicKeyBase64, apiBaseUrl: platformHost, encryptionKey: keyA } }, mail.credential],
		workflows: [setup, onboarding, deactivation, use, rotateByWebhook, writeRow],
		// The tenants-table example is imported, never published: it is run once, as from the editor.
		activate: [onboarding, deactivation, use, rotateByWebhook, writeRow].map((w) => w.id),
	});
	// The shipped example, run as a vendor does: Execute workflow in the editor (n8n's REST API).
	await n8n.runInEditor(setup);
}, 15 * 60 * 1000);

afterAll(async () => {
	if (n8n) await n8n.stop();
	if (mail) await mail.close();
	await new Promise<void>((resolve) => platform.close(() => resolve()));
});

describe('rotate the Encryption Key with the example workflow', () => {
	it('under key A: the trigger stores sealed:v2 values, and a 0.1.0 row holds sealed:v1 ones', async () => {
		for (const tenant of ['r-1', 'r-2', 'r-3']) {
			const payload = await deliver(onboarding, 'created', tenant);
			plain[tenant] = { secret: payload.secret, password: payload.password };
		}
		await deliver(deactivation, 'deactivation', 'r-3'); // a deactivated row keeps its sealed values
		plain['r-v1'] = { secret: 's3cr3t-client-secret', password: 'Pa55word!' };
		const written = await n8n.post('untis-test-write-row', {
			tenantId: 'r-v1', status: 'active', eventType: 'CREATED', clientId: 'BestApp-tenant-r-v1',
			secret: v1('s3cr3t-client-secret'), password: v1('Pa55word!'), host: platformHost,
		});
		expect(written.status).toBe(200);

		const all = rows();
		expect(all.map((row) => [row.tenantId, row.status])).toEqual([['r-1', 'active'], ['r-2', 'active'], ['r-3', 'deactivated'], ['r-v1', 'active']]);
		for (const { tenantId, field, value } of sealedColumns(all)) {
			expect(value!.startsWith(tenantId === 'r-v1' ? `sealed:v1:${idA}:` : `sealed:v2:${idA}:`)).toBe(true);
			expect(sealerFor(keyA).unseal(value!, { tenantId, field })).toBe(plain[tenantId][field]);
		}
	});

	it('key B current, A previous: the example moves every row to sealed:v2 under B, bound to its tenant', async () => {
		await setSealingKeys(keyB, keyA);
		expect(await runRotation()).toBe('success');
		const all = rows();
		expect(all).toHaveLength(4);
		for (const { tenantId, field, value } of sealedColumns(all)) {
			expect({ tenantId, field, keyId: sealedKeyId(value), version: value!.split(':')[1] }).toEqual({ tenantId, field, keyId: idB, version: 'v2' });
			// B alone opens it; in another tenant's row or another column it does not open.
			expect(sealerFor(keyB).unseal(value!, { tenantId, field })).toBe(plain[tenantId][field]);
			expect(() => sealerFor(keyB).unseal(value!, { tenantId: `${tenantId}-other`, field })).toThrow(/failed authentication/);
			expect(() => sealerFor(keyA).unseal(value!, { tenantId, field })).toThrow(`was sealed with key ${idB}, which is neither the current key nor a previous one`);
		}
		// Nothing else in the rows changed.
		expect(all.map((row) => [row.tenantId, row.status, row.clientId])).toEqual([
			['r-1', 'active', 'BestApp-tenant-r-1'], ['r-2', 'active', 'BestApp-tenant-r-2'], ['r-3', 'deactivated', 'BestApp-tenant-r-3'], ['r-v1', 'active', 'BestApp-tenant-r-v1'],
		]);
	});

	it('running the example again changes nothing', async () => {
		const before = rows();
		expect(await runRotation()).toBe('success');
		expect(rows().map(({ tenantId, secret, password }) => ({ tenantId, secret, password }))).toEqual(
			before.map(({ tenantId, secret, password }) => ({ tenantId, secret, password })),
		);
	});

	it('with A dropped, the stored credentials still get tokens (Get Access Token opens v2 under B)', async () => {
		await setSealingKeys(keyB);
		tokenCalls.length = 0;
		apiCalls.length = 0;
		const before = n8n.lastExecutionId();
		// Example 4 answers at once; its execution is what shows the calls.
		expect((await n8n.post('untis-sync-tenants', {})).status).toBe(200);
		const [execution] = await n8n.waitForExecutions({ workflowId: use.id, count: 1, sinceId: before });
		expect(execution.status).toBe('success');
		expect([...new Set(apiCalls)].sort()).toEqual(['r-1', 'r-2', 'r-v1']);
		for (const call of tokenCalls) expect(call).toEqual({ tenant: call.tenant, user: `BestApp-tenant-${call.tenant}`, password: plain[call.tenant].password });
	});

	it('a sealed password copied onto another tenant fails to open there, and Reseal refuses it', async () => {
		const [r1] = rows().filter((row) => row.tenantId === 'r-1');
		const [r2] = rows().filter((row) => row.tenantId === 'r-2');
		expect((await n8n.post('untis-test-write-row', { ...r2, password: r1.password })).status).toBe(200);

		tokenCalls.length = 0;
		apiCalls.length = 0;
		const before = n8n.lastExecutionId();
		expect((await n8n.post('untis-sync-tenants', {})).status).toBe(200);
		const [execution] = await n8n.waitForExecutions({ workflowId: use.id, count: 1, sinceId: before });
		expect([...new Set(apiCalls)].sort()).toEqual(['r-1', 'r-v1']);
		const tokenItems = n8n.executionJson(execution.id)[apiNode][0] as Array<{ error?: string; tenantId?: string }>;
		expect(tokenItems.map((item) => item.error).filter(Boolean)).toEqual([
			"'password' failed authentication for tenant 'r-2': it was sealed for another tenant or field (copied from another row or column?), or it was altered",
		]);

		const unchanged = rows();
		expect(await runRotation()).toBe('error');
		expect(rows()).toEqual(unchanged);
	});

	it('no plain secret or password, and neither key, anywhere in the database files or the log', () => {
		const files = ['', '-wal', '-shm'].map((suffix) => n8n.dbPath + suffix).filter((file) => existsSync(file));
		const haystacks = [...files.map((file) => readFileSync(file).toString('latin1')), readFileSync(n8n.logFile).toString('latin1')];
		const needles = [...Object.values(plain).flatMap((p) => [p.secret, p.password]), keyA, keyB];
		expect(needles.length).toBeGreaterThanOrEqual(10);
		for (const needle of needles) {
			const bytes = Buffer.from(needle, 'utf8').toString('latin1');
			expect({ needle, found: haystacks.some((text) => text.includes(bytes)) }).toEqual({ needle, found: false });
		}
	});
});
