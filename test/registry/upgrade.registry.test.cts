import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { RestSession } from '../helpers/restSession.cjs';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startN8n } = require('../../scripts/n8n/n8n-instance');
const { startVerdaccio } = require('../../scripts/n8n/verdaccio');
const { buildRelease } = require('../../scripts/n8n/release-build');
const { restSession, registryEnv } = require('../../scripts/n8n/rest-session');
const { dataTableRows } = require('../../scripts/n8n/sqlite-read');
const sim = require('../../tools/untis-platform-sim/sim.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Upgrade from 1.0.0 the way a user does it: n8n 2.41.1 installs 1.0.0 (built from its release
 * commit) from a local Verdaccio through POST /rest/community-packages, the workflows are the
 * examples as 1.0.0 shipped them, created through the REST API; deliveries seal rows under 1.0.0
 * and a sealed:v1 value of 0.1.0 joins them; then PATCH /rest/community-packages moves to this
 * checkout's version, in place, without a restart.
 */
const ROOT = join(__dirname, '../..');
const NAME: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).name;
const CURRENT: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const OLD_VERSION = '1.0.0';
const OWNER = { email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'Untis-e2e-Owner-1' };
/** 0.1.0's sealed:v1 values and the key they were sealed with (the unit suite's fixture). */
const V1 = JSON.parse(readFileSync(join(ROOT, 'test/unit/fixtures/sealed-v1.json'), 'utf8')).values as Array<{ key: string; plaintext: string; sealed: string }>;
const V1_KEY = V1[0].key;
const v1Secret = V1.find((v) => v.key === V1_KEY && v.plaintext === 's3cr3t-client-secret')!;
const v1Password = V1.find((v) => v.key === V1_KEY && v.plaintext === 'Pa55word!')!;

type Workflow = { id: string; versionId: string; nodes: Array<{ name: string; type: string; typeVersion: number; webhookId?: string; parameters: Record<string, unknown> }> };
let registry: { url: string; publish(dir: string, o?: { version?: string }): { version: string }; stop(): Promise<void> };
let n8n: {
	baseUrl: string;
	dbPath: string;
	webhookUrl(path: string): string;
	runInEditor(workflow: Workflow, o: { owner: typeof OWNER }): Promise<{ id: number; status: string }>;
	executionJson(id: number): Record<string, Array<Array<Record<string, string>>>>;
	logTail(lines?: number): string;
	stop(): Promise<unknown>;
};
let api: RestSession<Workflow>;
let old: { version: string; commit: string; dir: string; remove(): void };
let credential: { id: string; name: string };
let onboarding: Workflow;
let deactivation: Workflow;
let unseal: Workflow;
const keyA = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-upgrade-a-')));
const keyB = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-upgrade-b-')));
const privateA = readFileSync(keyA.privatePath, 'utf8');
const privateB = readFileSync(keyB.privatePath, 'utf8');
const credentialData = (publicKeys: string) => ({ environment: 'custom', publicKeys, encryptionKey: V1_KEY, apiBaseUrl: 'http://127.0.0.1:9' });
/** What each CREATED delivery carried, to compare with what Unseal opens later. */
const plaintexts = new Map<string, { secret: string; password: string }>();

const oldExample = (file: string) => JSON.parse(readFileSync(join(old.dir, 'examples', file), 'utf8'));
const hook = (w: Workflow) => n8n.webhookUrl(`${w.nodes.find((n) => n.webhookId)!.webhookId}/webhook`);
function rows(): Array<Record<string, string>> {
	return dataTableRows(n8n.dbPath, 'untis_tenants', undefined, { orderByTenant: true });
}
const row = (tenant: string) => rows().find((r) => r.tenantId === tenant);

async function deliver(kind: 'created' | 'deactivation', tenant: string, key = privateA) {
	const payload = sim.buildPayload(kind, { tenant });
	if (kind === 'created') plaintexts.set(tenant, { secret: payload.secret, password: payload.password });
	const text = JSON.stringify(payload);
	return sim.post(hook(kind === 'created' ? onboarding : deactivation), text, sim.signRequest(text, key));
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${n8n.logTail(30)}`);
		await new Promise((r) => setTimeout(r, 300));
	}
}

/** Runs the Unseal workflow as from the editor; its output per tenant. */
async function unsealed() {
	const execution = await n8n.runInEditor(unseal, { owner: OWNER });
	const [items] = n8n.executionJson(execution.id)['Unseal Secrets'];
	return new Map(items.map((j) => [j.tenantId, { secret: j.secret, password: j.password }]));
}

/** Test workflows built from 1.0.0's own nodes: the v1 row goes in through its Data Table upsert. */
function testWorkflows() {
	const upsert = JSON.parse(JSON.stringify(oldExample('1-onboarding.workflow.json').nodes[1]));
	upsert.parameters.filters.conditions[0].keyValue = 'v1-tenant';
	Object.assign(upsert.parameters.columns.value, {
		tenantId: 'v1-tenant', status: 'active', eventType: 'CREATED', clientId: 'from-0.1.0', secret: v1Secret.sealed, password: v1Password.sealed,
		host: '', activatorEmail: '', deliveryId: '', lastEventAt: '',
	});
	const manual = { id: 'a0000000-0000-4000-8000-000000000001', name: 'Run now', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
	const insertV1 = {
		name: 'upgrade test: a sealed:v1 row',
		nodes: [manual, { ...upsert, id: 'a0000000-0000-4000-8000-000000000002', position: [260, 0] }],
		connections: { 'Run now': { main: [[{ node: upsert.name, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
	const read = JSON.parse(JSON.stringify(oldExample('4-use-credentials.workflow.json').nodes.find((n: { name: string }) => n.name === 'Read active tenants')));
	const unsealWorkflow = {
		name: 'upgrade test: unseal every active row',
		nodes: [
			manual,
			{ ...read, id: 'a0000000-0000-4000-8000-000000000003', position: [260, 0] },
			{
				id: 'a0000000-0000-4000-8000-000000000004',
				name: 'Unseal Secrets',
				type: `${NAME}.untisPlatform`,
				typeVersion: 1, // as 1.0.0 saved it
				position: [520, 0],
				parameters: { operation: 'unsealSecrets', tenantId: '={{ $json.tenantId }}', fields: 'secret,password' },
				credentials: { untisPlatformApi: { id: 'x', name: 'x' } },
			},
		],
		connections: {
			'Run now': { main: [[{ node: read.name, type: 'main', index: 0 }]] },
			[read.name]: { main: [[{ node: 'Unseal Secrets', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
	return { insertV1, unsealWorkflow };
}

beforeAll(async () => {
	old = buildRelease(OLD_VERSION);
	registry = await startVerdaccio();
	expect(registry.publish(old.dir).version).toBe(OLD_VERSION);
	expect(registry.publish(ROOT).version).toBe(CURRENT);
	n8n = await startN8n({ env: registryEnv(registry.url) });
	api = restSession(n8n);
	await api.prepare(OWNER);
}, 15 * 60 * 1000);

afterAll(async () => {
	if (n8n) await n8n.stop();
	if (registry) await registry.stop();
	if (old && !process.env.N8N_E2E_KEEP) old.remove();
});

describe(`upgrade from ${OLD_VERSION} to the current version through PATCH /rest/community-packages`, () => {
	const savedNodes = new Map<string, string>();

	it(`${OLD_VERSION}, built from its release commit, installs; its examples run and seal rows; a sealed:v1 row of 0.1.0 joins them`, async () => {
		console.log(`${OLD_VERSION} built from ${old.commit}`);
		const installed = await api.must('POST', '/community-packages', { name: NAME, version: OLD_VERSION });
		expect(installed.installedVersion).toBe(OLD_VERSION);

		credential = await api.createCredential('Untis Platform (upgrade test)', 'untisPlatformApi', credentialData(keyA.publicKeyBase64));
		const credentials = { untisPlatformApi: credential };
		const table = await api.createWorkflow(oldExample('create-tenants-table.workflow.json'), { credentials });
		await n8n.runInEditor(table, { owner: OWNER });
		onboarding = await api.createWorkflow(oldExample('1-onboarding.workflow.json'), { credentials });
		deactivation = await api.createWorkflow(oldExample('2-deactivation.workflow.json'), { credentials });
		for (const w of [onboarding, deactivation]) {
			await api.activate(w);
			savedNodes.set(w.id, JSON.stringify((await api.must('GET', `/workflows/${w.id}`)).nodes));
		}
		const { insertV1, unsealWorkflow } = testWorkflows();
		await n8n.runInEditor(await api.createWorkflow(insertV1, { credentials }), { owner: OWNER });
		unseal = await api.createWorkflow(unsealWorkflow, { credentials });

		// The webhooks go live shortly after activation: a forged request answers 401 once they are.
		for (const w of [onboarding, deactivation]) {
			let status = 404;
			const deadline = Date.now() + 60000;
			while (status === 404 && Date.now() < deadline) status = (await sim.post(hook(w), '{"tenantId":"x"}', sim.signRequest('{"tenantId":"y"}', privateA))).status;
			expect(status).toBe(401);
		}
		for (const tenant of ['old-1', 'old-2', 'old-3']) expect((await deliver('created', tenant)).status).toBe(200);
		expect((await deliver('deactivation', 'old-2')).status).toBe(200);
		await until('the 1.0.0 rows', () => ['old-1', 'old-3'].every((t) => row(t)?.status === 'active') && row('old-2')?.status === 'deactivated');
		for (const t of ['old-1', 'old-3']) {
			expect(row(t)!.secret).toMatch(/^sealed:v2:/);
			expect(row(t)!.password).toMatch(/^sealed:v2:/);
		}
		expect(row('v1-tenant')).toMatchObject({ secret: v1Secret.sealed, password: v1Password.sealed });
	});

	it("the update is answered with the new version; the trigger's credential cache starts fresh (a key removed just before is refused right after)", async () => {
		// Under 1.0.0 the trigger keeps what it derived from its credential for up to 60 s after a
		// read; a request that fails verification makes it read again (at most once a second). A
		// request signed with B while the credential holds only A forces such a read at a known time.
		expect((await deliver('created', 'cache-1')).status).toBe(200);
		await new Promise((r) => setTimeout(r, 1100));
		expect((await deliver('created', 'cache-0', privateB)).status).toBe(401);
		const read = Date.now();
		await api.must('PATCH', `/credentials/${credential.id}`, { name: credential.name, type: 'untisPlatformApi', data: credentialData(keyB.publicKeyBase64) });
		expect((await deliver('created', 'cache-2')).status).toBe(200); // A still verifies: the cached read
		const started = Date.now();
		const updated = await api.must('PATCH', '/community-packages', { name: NAME, version: CURRENT }, 300000);
		const updateSeconds = (Date.now() - started) / 1000;
		expect(updated.installedVersion).toBe(CURRENT);
		const refused = await deliver('created', 'cache-3');
		const sinceRead = (Date.now() - read) / 1000;
		console.log(`update ${OLD_VERSION} -> ${CURRENT}: ${updateSeconds} s; key A answered ${refused.status} ${sinceRead.toFixed(1)} s after the cached read`);
		// Within the old cache's 60 s, so only a fresh cache explains the 401.
		expect(sinceRead).toBeLessThan(60);
		expect(refused.status).toBe(401);
		expect((await deliver('created', 'cache-4', privateB)).status).toBe(200);
		await until('cache-4 stored', () => row('cache-4'));
		expect(row('cache-3')).toBeUndefined();
	});

	it('the workflows saved under 1.0.0 are unchanged and keep working; 1.0.0 rows and the sealed:v1 value open through Unseal', async () => {
		for (const w of [onboarding, deactivation]) expect(JSON.stringify((await api.must('GET', `/workflows/${w.id}`)).nodes)).toBe(savedNodes.get(w.id));
		expect((await deliver('created', 'new-1', privateB)).status).toBe(200);
		expect((await deliver('deactivation', 'old-3', privateB)).status).toBe(200);
		await until('the rows after the update', () => row('new-1')?.status === 'active' && row('old-3')?.status === 'deactivated');
		expect(row('new-1')!.password).toMatch(/^sealed:v2:/);

		const opened = await unsealed();
		expect(opened.get('old-1')).toEqual(plaintexts.get('old-1'));
		expect(opened.get('new-1')).toEqual(plaintexts.get('new-1'));
		expect(opened.get('cache-1')).toEqual(plaintexts.get('cache-1'));
		expect(opened.get('v1-tenant')).toEqual({ secret: v1Secret.plaintext, password: v1Password.plaintext });
		expect(opened.has('old-2')).toBe(false); // deactivated: not read by the active-rows filter
	});
});
