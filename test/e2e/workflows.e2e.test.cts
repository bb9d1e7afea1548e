import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sealerFor } from '../../nodes/UntisPlatform/core/sealing/sealing';
import type { UntisApiMock } from '../helpers/untisApiMock.cjs';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startN8n } = require('./harness');
const { query, dataTableRows } = require('../../scripts/n8n/sqlite-read');
const { startMailSink } = require('../../scripts/n8n/mail-sink');
const { signIn, DEFAULT_OWNER } = require('../../scripts/n8n/editor-run');
const sim = require('../../tools/untis-platform-sim/sim.js');
// jest's e2e module map knows only triggerSuite: load the helper by its file name (the type import is erased).
const { startUntisApiMock } = require('../helpers/untisApiMock.cts') as typeof import('../helpers/untisApiMock.cjs');
const { filesContaining } = require('../helpers/userFolderSearch.cts') as typeof import('../helpers/userFolderSearch.cjs');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The example workflows on a real n8n 2.x with a real Data Table: the table setup (run once, as
 * from the editor), onboarding, deactivation (Option B, and Option A through the workflow's
 * switch), manual entry through the package's own form (Form Login, Check with the Platform), using
 * the stored credentials through typed operations against a mock of the Untis APIs whose API host
 * is not the schools' host (its webhook behind Header Auth), and Verify Signature behind n8n's own Webhook node.
 */
const ROOT = join(__dirname, '../..');
const { readExample: example } = require('../../scripts/n8n/examples');
const setup = example('create-tenants-table.workflow.json');
// Example 2's Option A erases the school's rows in the sync tables that exist (issue 37): here none
// does (a vendor without the sync), only a vendor's table whose name contains a sync table's name,
// which n8n's by-name lookup would match (LIKE '%untis_students%'), holding a row of the school.
const decoy = {
	id: 'untisDecoyTable001',
	name: 'Test: a vendor table named like a sync table',
	nodes: [
		{ id: 'd0000000-0000-4000-8000-000000000001', name: 'Run once', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{ id: 'd0000000-0000-4000-8000-000000000002', name: 'Create', type: 'n8n-nodes-base.dataTable', typeVersion: 1.1, position: [200, 0], parameters: { resource: 'table', operation: 'create', tableName: 'untis_students_archive', columns: { column: [{ name: 'tenantId', type: 'string' }, { name: 'note', type: 'string' }] }, options: { createIfNotExists: true } } },
		{ id: 'd0000000-0000-4000-8000-000000000003', name: 'Insert', type: 'n8n-nodes-base.dataTable', typeVersion: 1.1, position: [400, 0], parameters: { resource: 'row', operation: 'insert', dataTableId: { __rl: true, mode: 'name', value: 'untis_students_archive' }, columns: { mappingMode: 'defineBelow', value: { tenantId: 'w-3', note: "the vendor's own" }, matchingColumns: [], schema: [{ id: 'tenantId', displayName: 'tenantId', required: false, defaultMatch: false, display: true, type: 'string', canBeUsedToMatch: true }, { id: 'note', displayName: 'note', required: false, defaultMatch: false, display: true, type: 'string', canBeUsedToMatch: true }] }, options: {} } },
	],
	connections: { 'Run once': { main: [[{ node: 'Create', type: 'main', index: 0 }]] }, Create: { main: [[{ node: 'Insert', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};
const onboarding = example('1-onboarding.workflow.json');
const deactivation = example('2-deactivation.workflow.json');
const manual = example('3-manual-entry.workflow.json');
// The shipped example has no webhookId, so that each import gets its own form URL; the harness needs a fixed one.
manual.nodes[0].webhookId = 'f3000000-0000-4000-8000-0000000f0003';
const use = example('4-use-credentials.workflow.json');
const behindWebhook = example('6-verify-signature-behind-webhook.workflow.json');
// The same deactivation workflow with its switch set to Option A (delete the row).
const deactivationA = JSON.parse(JSON.stringify(deactivation).replace(/f2000000-/g, 'f2a00000-'));
deactivationA.id = 'untisDeactivateA01';
deactivationA.name += ' (Option A)';
deactivationA.nodes.find((n: { name: string }) => n.name === 'Settings').parameters.assignments.assignments[0].value = true;
// The same form with a credential whose API base nothing listens on (an unreachable platform).
const manualUnreachable = JSON.parse(JSON.stringify(manual).replace(/f3000000-/g, 'f3a00000-'));
manualUnreachable.id = 'untisManualUnreach';
manualUnreachable.name += ' (unreachable platform)';
manualUnreachable.nodes[0].credentials.untisPlatformApi = { id: 'untisUnreachable01', name: 'Untis Platform (unreachable API)' };
/** The form with its own copy of a credential, changed by a test; ids from the prefix. */
function manualVariant(prefix: string, id: string, name: string, credentials: Record<string, { id: string; name: string }>) {
	const variant = JSON.parse(JSON.stringify(manual).replace(/f3000000-/g, prefix));
	Object.assign(variant, { id, name: `${variant.name} (${name})` });
	Object.assign(variant.nodes[0].credentials, credentials);
	return variant;
}
// A Form Login with a user and an empty password (issue 35, item 2).
const manualWeakLogin = manualVariant('f3b00000-', 'untisManualWeakLgn', 'empty form password', { untisPlatformFormLoginApi: { id: 'untisFormLoginWeak', name: 'Untis form login (empty password)' } });
// A credential whose Encryption Key a test breaks while the workflow is active (issue 35, item 5).
const badKeyCredential = { id: 'untisBadKeyCred001', name: 'Untis Platform (key broken later)' };
const manualBadKey = manualVariant('f3c00000-', 'untisManualBadKey1', 'Encryption Key broken later', { untisPlatformApi: badKeyCredential });

type Row = Record<string, string | null>;
let n8n: {
	baseUrl: string;
	dbPath: string;
	userFolder: string;
	webhookUrl(path: string): string;
	post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
	runInEditor(workflow: { id: string; nodes: unknown[] }): Promise<{ id: number; status: string }>;
	registeredWebhooks(): Array<{ workflowId: string }>;
	lastExecutionId(): number;
	readExecutions(o: { workflowId?: string; sinceId?: number }): Array<{ id: number; status: string }>;
	waitForExecutions(o: { workflowId: string; count: number; sinceId?: number }): Promise<Array<{ id: number; status: string }>>;
	executionJson(id: number): Record<string, unknown[][]>;
	request(method: string, pathOrUrl: string, options?: { headers?: Record<string, string>; body?: string }): Promise<{ status: number; text: string; json(): any; headers: Record<string, string | string[]> }>;
	logText(): string;
	stop(): Promise<unknown>;
};
const keys = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-workflows-')));
const privateKey = readFileSync(keys.privatePath, 'utf8');
const encryptionKey = randomBytes(32).toString('base64');
const sealer = sealerFor(encryptionKey);
// The examples ship references to credentials the user creates: the tests create them, with fresh secrets.
const formLogin = { user: 'untis-admin', password: randomBytes(18).toString('base64url') };
const syncHeader = { name: 'X-Sync-Token', value: randomBytes(24).toString('base64url') };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
/** Opens a row's sealed field: sealed:v2 is bound to the row's tenant and the field. */
const open = (row: Row, field: 'secret' | 'password') => sealer.unseal(row[field]!, { tenantId: row.tenantId!, field });

/** The platform's API host (token endpoint, OneRoster) and, apart, the schools' host: on loopback. */
let api: UntisApiMock;
let platformHost = '';
/** Examples 1 and 2 send mail: their SMTP credential points at this loopback server (notifications.e2e proves the mails). */
let mail: { credential: unknown; messages: Array<{ to: string[]; subject: string; text: string }>; close(): Promise<void> };
const plainPassword: Record<string, string> = {};
/** Plain secrets and passwords sent to the trigger (examples 1, 2) and typed into the form (3). */
const deliveredPlaintexts: string[] = [];
const typedPlaintexts: string[] = [];
let behindWebhookPassword = '';

async function deliver(workflow: { id: string; nodes: Array<{ webhookId?: string }> }, kind: string, tenant: string, body?: string) {
	const text = body ?? JSON.stringify(sim.buildPayload(kind, { tenant, fields: { host: platformHost } }));
	const before = n8n.lastExecutionId();
	const delivered = JSON.parse(text);
	for (const field of ['secret', 'password']) if (typeof delivered[field] === 'string') deliveredPlaintexts.push(delivered[field]);
	const answer = await sim.post(n8n.webhookUrl(`${workflow.nodes[0].webhookId}/webhook`), text, sim.signRequest(text, privateKey));
	expect(answer.status).toBe(200);
	const [execution] = await n8n.waitForExecutions({ workflowId: workflow.id, count: 1, sinceId: before });
	return { body: text, payload: JSON.parse(text), execution };
}

function rows(tenant?: string): Row[] {
	return dataTableRows(n8n.dbPath, 'untis_tenants', tenant);
}

beforeAll(async () => {
	api = await startUntisApiMock((clientId, password) => plainPassword[clientId.replace(/^BestApp-tenant-/, '')] === password);
	platformHost = api.schoolHost;
	mail = await startMailSink();

	n8n = await startN8n({
		packageDir: ROOT,
		credentials: [
			{ ...onboarding.nodes[0].credentials.untisPlatformApi, type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey, apiBaseUrl: api.apiBase } },
			{ ...manual.nodes[0].credentials.untisPlatformFormLoginApi, type: 'untisPlatformFormLoginApi', data: formLogin },
			{ ...manualUnreachable.nodes[0].credentials.untisPlatformApi, type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey, apiBaseUrl: 'http://127.0.0.1:9' } },
			{ ...manualWeakLogin.nodes[0].credentials.untisPlatformFormLoginApi, type: 'untisPlatformFormLoginApi', data: { user: 'formadmin', password: '' } },
			{ ...badKeyCredential, type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey, apiBaseUrl: api.apiBase } },
			{ ...use.nodes.find((n: { name: string }) => n.name === 'Or call this webhook').credentials.httpHeaderAuth, type: 'httpHeaderAuth', data: syncHeader },
			mail.credential,
		],
		workflows: [setup, decoy, onboarding, deactivation, deactivationA, manual, manualUnreachable, manualWeakLogin, manualBadKey, use, behindWebhook],
		// The tenants-table example is imported, never published: it is run once, as from the editor.
		activate: [onboarding, deactivation, deactivationA, manual, manualUnreachable, manualWeakLogin, manualBadKey, use, behindWebhook].map((w) => w.id),
	});
	// The shipped example, run as a vendor does: Execute workflow in the editor (n8n's REST API).
	await n8n.runInEditor(setup);
	await n8n.runInEditor(decoy);
}, 15 * 60 * 1000);

afterAll(async () => {
	if (n8n) await n8n.stop();
	if (api) await api.close();
	if (mail) await mail.close();
});

describe('the tenants-table example', () => {
	it('run once from the editor (a Manual Trigger, never published, no webhook), it creates untis_tenants with its columns', () => {
		expect(setup.nodes[0].type).toBe('n8n-nodes-base.manualTrigger');
		expect(setup.nodes.some((n: { type: string }) => n.type === 'n8n-nodes-base.webhook')).toBe(false);
		expect(n8n.registeredWebhooks().filter((w) => w.workflowId === setup.id)).toEqual([]);
		const [table] = query(n8n.dbPath, "SELECT id FROM data_table WHERE name = 'untis_tenants'");
		const columns = query(n8n.dbPath, 'SELECT name, type FROM data_table_column WHERE dataTableId = ? ORDER BY "index"', [table.id]);
		const shipped = setup.nodes.find((n: { type: string }) => n.type === 'n8n-nodes-base.dataTable').parameters.columns.column;
		expect(columns).toEqual(shipped);
	});
});

describe('1 onboarding', () => {
	it('CREATED stores an active tenant with sealed secrets and welcomes the activator', async () => {
		const { payload, execution } = await deliver(onboarding, 'created', 'w-1');
		plainPassword['w-1'] = payload.password;
		expect(execution.status).toBe('success');
		expect(n8n.executionJson(execution.id)['Welcome text (de/en)'][0][0]).toMatchObject({ to: 'jane@doe.com', language: 'de' });
		expect(mail.messages.filter((m) => m.to.includes('jane@doe.com') && m.subject === 'Willkommen bei BestApp').length).toBeGreaterThan(0);
		const [row, ...more] = rows('w-1');
		expect(more).toEqual([]);
		expect(row).toMatchObject({ status: 'active', eventType: 'CREATED' });
		expect(open(row, 'password')).toBe(payload.password);
	});

	it('a numeric tenantId (as real senders send it) is stored under its string, and the item names the conversion', async () => {
		const text = JSON.stringify({ ...sim.buildPayload('created', { tenant: '4711', fields: { host: platformHost } }), tenantId: 4711 });
		const { execution } = await deliver(onboarding, 'created', '4711', text);
		plainPassword['4711'] = JSON.parse(text).password;
		expect(execution.status).toBe('success');
		expect(n8n.executionJson(execution.id)['Untis Platform Trigger'][0][0]).toMatchObject({ tenantId: '4711', convertedFields: ['tenantId'] });
		expect(rows('4711')).toEqual([expect.objectContaining({ tenantId: '4711', status: 'active', eventType: 'CREATED' })]);
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
	it('Option B: DEACTIVATION twice leaves the same deactivated row and raises no error; only the first alerts', async () => {
		await deliver(onboarding, 'created', 'w-2');
		const first = await deliver(deactivation, 'deactivation', 'w-2');
		const second = await deliver(deactivation, 'deactivation', 'w-2', first.body);
		expect([first.execution.status, second.execution.status]).toEqual(['success', 'success']);
		expect(n8n.executionJson(first.execution.id)['Alert operations']).toBeDefined();
		expect(n8n.executionJson(second.execution.id)['Alert operations']).toBeUndefined();
		expect(n8n.executionJson(second.execution.id)['Already processed: nothing to do']).toBeDefined();
		expect(rows('w-2')).toEqual([expect.objectContaining({ status: 'deactivated', eventType: 'DEACTIVATION', reasonType: 'SCHOOL_DEACTIVATION' })]);
	});

	it('REACTIVATED makes the tenant active again with fresh credentials', async () => {
		const { payload } = await deliver(onboarding, 'reactivated', 'w-2');
		plainPassword['w-2'] = payload.password;
		const [row] = rows('w-2');
		expect(row).toMatchObject({ status: 'active', eventType: 'REACTIVATED' });
		expect(open(row, 'password')).toBe(payload.password);
	});

	it("Option A (the switch set to delete) without the sync tables: the school's data is erased, only the tenant id, status and the event it follows are kept, no other table is touched; replaying raises no error", async () => {
		await deliver(onboarding, 'created', 'w-3');
		expect(rows('w-3')).toHaveLength(1);
		const mailsBefore = mail.messages.length;
		const first = await deliver(deactivationA, 'deletion', 'w-3');
		expect(first.execution.status).toBe('success');
		const erased = { status: 'deleted', previousStatus: 'active', clientId: '', secret: '', password: '', host: '', activatorEmail: '', activatorUsername: '', schoolEmail: '' };
		expect(rows('w-3')).toEqual([expect.objectContaining(erased)]);
		// The alert says what was done, from the row read before the deletion.
		const [alert, ...moreMails] = mail.messages.slice(mailsBefore);
		expect(moreMails).toEqual([]);
		expect(alert.subject).toBe('School with Untis tenant w-3 deleted');
		expect(alert.text).toContain('status before: active');
		expect(alert.text).toContain("What was done: its data was erased; tenantId, status and the event it follows are kept (Option A).");
		// No sync table exists here: nothing else was erased, the vendor's table named like one included.
		expect((n8n.executionJson(first.execution.id)['Sync tables that exist'][0][0] as { tables: unknown[] }).tables).toEqual([]);
		expect(dataTableRows(n8n.dbPath, 'untis_students_archive').map(({ tenantId, note }: Row) => ({ tenantId, note }))).toEqual([{ tenantId: 'w-3', note: "the vendor's own" }]);
		const again = await deliver(deactivationA, 'deletion', 'w-3', first.body);
		expect(again.execution.status).toBe('success');
		expect(rows('w-3')).toEqual([expect.objectContaining(erased)]);
		// An older CREATED redelivered now cannot bring the school back: the row already follows a later event.
		expect(mail.messages.length - mailsBefore).toBe(1);
	});
});

describe("3 manual entry through the package's own form (Form Login, Check with the Platform)", () => {
	const formUrl = (workflow = manual) => n8n.webhookUrl(`${workflow.nodes[0].webhookId}/form`);
	const formBody = (values: Record<string, string>) => new URLSearchParams(values).toString();
	const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
	const auth = () => ({ Authorization: basic(formLogin.user, formLogin.password) });
	/** The hidden form token of a freshly loaded page, as the form's own submit sends it. */
	const tokenOf = async (workflow = manual) => {
		const page = await (await fetch(formUrl(workflow), { headers: auth() })).text();
		return /name="formToken" value="([^"]+)"/.exec(page)?.[1] ?? 'no token in the page';
	};
	// Unique values, so that a search of every n8n file for them proves where they are not.
	const typedSecret = `typed-secret-${randomBytes(9).toString('hex')}`;
	const typedPassword = `typed-password-${randomBytes(9).toString('hex')}`;
	const entry = () => ({ tenantId: 'w-4', clientId: 'BestApp-tenant-w-4', secret: typedSecret, password: typedPassword, host: platformHost, activatorEmail: 'admin@school.example' });
	let sinceRefused = 0;
	let rowsBeforeRefused: Row[] = [];

	it('without the form login: the page and every submission are refused (401), and no row changes', async () => {
		sinceRefused = n8n.lastExecutionId();
		rowsBeforeRefused = rows();
		const genuine = rows('w-1');
		expect(genuine).toEqual([expect.objectContaining({ tenantId: 'w-1', status: 'active' })]);
		// The attack from the review: overwrite a delivered tenant's clientId and host, or add a tenant.
		const hijack = { ...entry(), tenantId: 'w-1', clientId: 'attacker-client', host: 'https://attacker.example' };
		const invented = { ...entry(), tenantId: 'w-evil', clientId: 'attacker-client' };
		const attempts: Array<[string, Record<string, string>, Record<string, string>]> = [
			['no credentials', {}, hijack],
			['a wrong password', { Authorization: basic(formLogin.user, 'wrong-password') }, hijack],
			['a wrong user', { Authorization: basic('admin', formLogin.password) }, invented],
			['a junk X-Auth-Token', { 'X-Auth-Token': 'junk' }, invented],
		];
		for (const [what, headers, values] of attempts) {
			const answer = await fetch(formUrl(), { method: 'POST', headers: { ...form, ...headers }, body: formBody(values) });
			expect({ what, status: answer.status }).toEqual({ what, status: 401 });
			expect(answer.headers.get('www-authenticate')).toMatch(/^Basic realm="Untis Platform manual entry"/);
		}
		expect((await fetch(formUrl())).status).toBe(401);
		expect(api.tokenCalls().filter((c) => c.path.includes('w-evil') || c.authorization?.includes(Buffer.from('attacker-client').toString('base64').slice(0, 8)))).toEqual([]);
		expect(n8n.readExecutions({ sinceId: sinceRefused })).toEqual([]);
		expect(rows()).toEqual(rowsBeforeRefused);
	});

	it('with the form login: the page is a form with a strict Content-Security-Policy', async () => {
		const page = await fetch(formUrl(), { headers: auth() });
		expect(page.status).toBe(200);
		expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
		const html = await page.text();
		for (const name of ['tenantId', 'clientId', 'secret', 'password', 'host']) expect(html).toContain(`name="${name}"`);
	});

	it('a wrong password: the platform refuses it, the form says what to check, nothing starts, the row is unchanged', async () => {
		plainPassword['w-4'] = typedPassword;
		const before = n8n.lastExecutionId();
		const tokenCalls = api.tokenCalls().length;
		const answer = await fetch(formUrl(), { method: 'POST', headers: { ...form, ...auth() }, body: formBody({ ...entry(), password: `${typedPassword}-typo`, formToken: await tokenOf() }) });
		expect(answer.status).toBe(400);
		const html = await answer.text();
		expect(html).toMatch(/refused tenant &#39;w-4&#39;.*the password \(not the secret\)/);
		expect(html).not.toContain(typedPassword);
		expect(api.tokenCalls().length - tokenCalls).toBe(1);
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(n8n.readExecutions({ sinceId: before })).toEqual([]);
		expect(rows('w-4')).toEqual([]);
	});

	it('an unreachable platform: its own message (502), nothing starts', async () => {
		const before = n8n.lastExecutionId();
		const answer = await fetch(formUrl(manualUnreachable), { method: 'POST', headers: { ...form, ...auth() }, body: formBody({ ...entry(), formToken: await tokenOf(manualUnreachable) }) });
		expect(answer.status).toBe(502);
		expect(await answer.text()).toMatch(/could not be reached at http:\/\/127\.0\.0\.1:9 /);
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(n8n.readExecutions({ sinceId: before })).toEqual([]);
	});

	it("right credentials: checked with the platform, stored sealed as a MANUAL event, and the submitter reads 'Stored' (the only execution)", async () => {
		plainPassword['w-4'] = typedPassword;
		const before = n8n.lastExecutionId();
		const answer = await fetch(formUrl(), { method: 'POST', headers: { ...form, ...auth(), 'Sec-Fetch-Site': 'same-origin' }, body: formBody({ ...entry(), formToken: await tokenOf() }) });
		expect(answer.status).toBe(200);
		expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
		// The page says what happened: checked with the platform, stored, secrets encrypted (issue 38).
		expect(await answer.text()).toMatch(/Stored.*The Untis Platform accepted the credentials of tenant w-4 just now, and they are stored\. The secret and the password are stored encrypted\./s);
		const [execution] = await n8n.waitForExecutions({ workflowId: manual.id, count: 1, sinceId: before });
		expect(execution.status).toBe('success');
		expect(n8n.readExecutions({ sinceId: sinceRefused }).map((e) => e.id)).toEqual([execution.id]);
		const [row, ...more] = rows('w-4');
		expect(more).toEqual([]);
		expect(row).toMatchObject({ status: 'active', eventType: 'MANUAL', activatorEmail: 'admin@school.example' });
		expect(open(row, 'password')).toBe(typedPassword);
		expect(open(row, 'secret')).toBe(typedSecret);
		expect(rows().filter((r) => r.tenantId !== 'w-4')).toEqual(rowsBeforeRefused);
		// Every node's stored output: no plaintext (the form sealed them inside its webhook).
		const stored = JSON.stringify(n8n.executionJson(execution.id));
		expect(stored).toContain('BestApp-tenant-w-4');
		expect(stored).not.toContain(typedSecret);
		expect(stored).not.toContain(typedPassword);
		typedPlaintexts.push(typedSecret, typedPassword);
	});
});

describe('3 the form refuses what the third security review found (issue 35)', () => {
	const formUrl = (workflow = manual) => n8n.webhookUrl(`${workflow.nodes[0].webhookId}/form`);
	const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
	const auth = { Authorization: basic(formLogin.user, formLogin.password) };
	const values = { tenantId: 'w-forged', clientId: 'BestApp-tenant-w-forged', secret: 'forged-secret-value', password: 'forged-password-value', host: 'attacker.example' };
	const post = (body: Record<string, string>, headers: Record<string, string> = {}, workflow = manual) =>
		fetch(formUrl(workflow), { method: 'POST', headers: { ...form, ...auth, ...headers }, body: new URLSearchParams(body).toString() });
	/** A request from another loopback address (Linux routes all of 127/8 to lo): how n8n's req.ip varies without a proxy. */
	const requestFrom = (localAddress: string, method: string, url: string, headers: Record<string, string>) =>
		new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
			const req = http.request(url, { method, headers, localAddress }, (res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (chunk) => (text += chunk));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
			});
			req.on('error', reject);
			req.end();
		});

	it('item 2: a Form Login with an empty password opens nothing: the 500 page for `formadmin:`, nothing starts', async () => {
		const before = n8n.lastExecutionId();
		const page = await fetch(formUrl(manualWeakLogin), { headers: { Authorization: basic('formadmin', '') } });
		expect(page.status).toBe(500);
		expect(await page.text()).toMatch(/no login set up/);
		const submitted = await post(values, { Authorization: basic('formadmin', '') }, manualWeakLogin);
		expect(submitted.status).toBe(500);
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(n8n.readExecutions({ sinceId: before })).toEqual([]);
	});

	it('item 1: with the right login, a POST without the form token, with a tampered one, or marked cross-site is refused (403) and starts nothing', async () => {
		const before = n8n.lastExecutionId();
		const page = await (await fetch(formUrl(), { headers: auth })).text();
		const token = /name="formToken" value="([^"]+)"/.exec(page)![1];
		const tampered = `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
		const attempts: Array<[string, Record<string, string>, Record<string, string>, RegExp]> = [
			['no token', values, {}, /did not come from this form/],
			['a tampered token', { ...values, formToken: tampered }, {}, /did not come from this form/],
			['a right token, Sec-Fetch-Site cross-site', { ...values, formToken: token }, { 'Sec-Fetch-Site': 'cross-site' }, /started by another site/],
		];
		for (const [what, body, headers, message] of attempts) {
			const answer = await post(body, headers);
			expect({ what, status: answer.status }).toEqual({ what, status: 403 });
			expect(await answer.text()).toMatch(message);
		}
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(n8n.readExecutions({ sinceId: before })).toEqual([]);
		expect(rows('w-forged')).toEqual([]);
	});

	it('item 6: a burst of wrong logins from one address gets 429 with Retry-After, each logged at warn without the typed values; the right login from another address is unaffected', async () => {
		const wrong = (i: number) => ({ Authorization: basic(formLogin.user, `guessed-${i}-${randomBytes(4).toString('hex')}`) });
		const statuses: number[] = [];
		const guesses: string[] = [];
		for (let i = 0; i < 12; i++) {
			const headers = wrong(i);
			guesses.push(Buffer.from(headers.Authorization.slice(6), 'base64').toString().split(':')[1]);
			statuses.push((await requestFrom('127.0.0.2', 'GET', formUrl(), headers)).status);
		}
		expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
		const held = await requestFrom('127.0.0.2', 'GET', formUrl(), auth);
		expect(held.status).toBe(429);
		expect(Number(held.headers['retry-after'])).toBeGreaterThan(0);
		expect(Number(held.headers['retry-after'])).toBeLessThanOrEqual(60);
		expect((await requestFrom('127.0.0.1', 'GET', formUrl(), auth)).status).toBe(200);
		const log = n8n.logText();
		expect(log).toMatch(/Untis Platform Manual Entry Trigger refused a login/);
		for (const guess of guesses) expect(log).not.toContain(guess);
	});

	it('item 5: an Encryption Key broken while the form is active: the page and a POST get a 500 page saying what to fix, no execution, no stack trace; activating again is refused', async () => {
		const before = n8n.lastExecutionId();
		// The owner edits the credential in the editor (its REST call) while the workflow stays active.
		const browserId = randomUUID();
		const cookie = await signIn(n8n, DEFAULT_OWNER, browserId);
		const session = { 'Content-Type': 'application/json', 'browser-id': browserId, cookie };
		const edited = await n8n.request('PATCH', `${n8n.baseUrl}/rest/credentials/${badKeyCredential.id}`, {
			headers: session,
			body: JSON.stringify({ ...badKeyCredential, type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey: 'not-a-key', apiBaseUrl: api.apiBase } }),
		});
		expect(edited.status).toBe(200);
		const logBefore = n8n.logText().length;
		for (const method of ['GET', 'POST']) {
			const answer = await fetch(formUrl(manualBadKey), { method, headers: { ...form, ...auth }, body: method === 'POST' ? new URLSearchParams(values).toString() : undefined });
			expect({ method, status: answer.status }).toEqual({ method, status: 500 });
			expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
			const html = await answer.text();
			expect(html).toMatch(/Encryption Key is not 32 bytes.*openssl rand -base64 32.*Ask the n8n owner/s);
			expect(html).not.toMatch(/\n\s+at |stack/i);
		}
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(n8n.readExecutions({ sinceId: before })).toEqual([]);
		expect(n8n.logText().slice(logBefore)).not.toMatch(/\n\s+at /);
		// The editor's deactivate and activate: activation checks the key and says what to fix.
		const rest = (path: string, body: unknown) =>
			n8n.request('POST', `${n8n.baseUrl}/rest/workflows/${manualBadKey.id}/${path}`, { headers: session, body: JSON.stringify(body) });
		expect((await rest('deactivate', {})).status).toBe(200);
		const current = await n8n.request('GET', `${n8n.baseUrl}/rest/workflows/${manualBadKey.id}`, { headers: { 'browser-id': browserId, cookie } });
		// n8n 2.41 publishes through an outbox: the request is accepted, the activation runs after it
		// and records its failure with the node's message.
		expect((await rest('activate', { versionId: current.json().data.versionId })).status).toBe(200);
		const deadline = Date.now() + 60000;
		let outcome: { status: string; errorMessage: string | null } | undefined;
		for (;;) {
			[outcome] = query(n8n.dbPath, 'SELECT status, errorMessage FROM workflow_publication_outbox WHERE workflowId = ? ORDER BY id DESC LIMIT 1', [manualBadKey.id]);
			if (outcome && !/pending|progress/i.test(outcome.status)) break;
			if (Date.now() > deadline) throw new Error(`the activation did not finish: ${JSON.stringify(outcome)}`);
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		expect(outcome).toEqual({ status: expect.stringMatching(/fail|partial/i), errorMessage: expect.stringMatching(/Encryption Key is not 32 bytes/) });
		expect((await fetch(formUrl(manualBadKey), { method: 'POST', headers: { ...form, ...auth }, body: 'tenantId=x' })).status).not.toBe(200);
	});
});

describe('4 use the stored credentials: API Request through n8n\'s request helper, webhook behind Header Auth', () => {
	let sinceRefused = 0;

	it('without the sync header: refused (403), no execution, no API call, no row changed', async () => {
		await deliver(onboarding, 'created', 'w-5');
		await deliver(deactivation, 'deactivation', 'w-5');
		sinceRefused = n8n.lastExecutionId();
		const before = rows();
		api.calls.length = 0;
		const attempts: Array<[string, Record<string, string>]> = [
			['no header', {}],
			['a wrong value', { [syncHeader.name]: 'wrong-value' }],
			['the value under another header', { 'X-Other-Token': syncHeader.value }],
			['the value as a bearer token', { Authorization: `Bearer ${syncHeader.value}` }],
		];
		for (const [what, headers] of attempts) {
			const answer = await n8n.post('untis-sync-tenants', {}, headers);
			expect({ what, status: answer.status }).toEqual({ what, status: 403 });
			expect(answer.text).not.toMatch(/w-1|4711|tenant/i);
		}
		expect(api.calls).toEqual([]);
		expect(rows()).toEqual(before);
	});

	it('with the header: answered at once with a fixed body (no tenant data); every active tenant: one token from the API host (not its school host), reused for every OneRoster page; deactivated ones: no call', async () => {
		api.calls.length = 0;
		const before = n8n.lastExecutionId();
		const answer = await n8n.post('untis-sync-tenants', {}, { [syncHeader.name]: syncHeader.value });
		expect(answer.status).toBe(200);
		expect(JSON.parse(answer.text)).toEqual({ message: 'Workflow was started' });
		const [execution] = await n8n.waitForExecutions({ workflowId: use.id, count: 1, sinceId: before });
		expect(execution.status).toBe('success');
		// The refused calls of the test before started nothing: this is the only execution since.
		expect(n8n.readExecutions({ sinceId: sinceRefused }).map((e) => e.id)).toEqual([execution.id]);

		const active = rows().filter((row) => row.status === 'active').map((row) => row.tenantId!).sort();
		expect(active).toEqual(['4711', 'w-1', 'w-2', 'w-4']);
		for (const tenant of active) expect(answer.text).not.toContain(tenant);
		expect(api.calls.filter((c) => c.host === 'school')).toEqual([]);
		const tokenCalls = api.tokenCalls();
		expect(tokenCalls.map((c) => decodeURIComponent(c.path.split('/')[5])).sort()).toEqual(active);
		for (const call of tokenCalls) {
			const [user, password] = Buffer.from(call.authorization!.replace(/^Basic /, ''), 'base64').toString().split(':');
			const tenant = user.replace(/^BestApp-tenant-/, '');
			expect(password).toBe(plainPassword[tenant]);
		}
		// 250 orgs in pages of 100 (the mock sends X-Total-Count): 3 pages per tenant, one token each.
		const pages = api.dataCalls();
		expect(pages).toHaveLength(3 * active.length);
		for (const tenant of active) {
			// One token per tenant for all its pages (w-4's first token went to the form's check, and was discarded).
			const bearers = [...new Set(pages.filter((c) => c.authorization?.startsWith(`Bearer tok-${tenant}-`)).map((c) => c.authorization))];
			expect(bearers).toHaveLength(1);
			expect(pages.filter((c) => c.authorization === bearers[0]).map((c) => c.query.offset)).toEqual(['0', '100', '200']);
		}
		const orgs = n8n.executionJson(execution.id)['OneRoster: orgs'][0] as Array<Record<string, unknown>>;
		expect(orgs).toHaveLength(250 * active.length);
		// No token and no password in the execution data.
		const stored = JSON.stringify(n8n.executionJson(execution.id));
		expect(stored).not.toMatch(/tok-w-|tok-4711/);
		for (const tenant of active) expect(stored).not.toContain(plainPassword[tenant]);
	});
});

describe("no plaintext secret or password in any file of n8n's user folder (examples 1 to 4)", () => {
	it('every secret and password delivered to the trigger or typed into the form is absent from the database, its WAL, the log and every other file', () => {
		const secrets = [...deliveredPlaintexts, ...typedPlaintexts];
		expect(deliveredPlaintexts.length).toBeGreaterThanOrEqual(8);
		expect(typedPlaintexts).toHaveLength(2);
		const found = filesContaining(n8n.userFolder, [...secrets, 'BestApp-tenant-w-4']);
		// The search reads what n8n wrote: the clientId stored beside the sealed values is there.
		expect(found.get('BestApp-tenant-w-4')?.length).toBeGreaterThan(0);
		for (const secret of secrets) expect({ secret, files: found.get(secret) ?? [] }).toEqual({ secret, files: [] });
	});
});

describe("6 Verify Signature behind n8n's Webhook node", () => {
	const url = () => n8n.webhookUrl('untis-verify-behind-webhook');

	it('a genuine delivery: 200 from Respond to Webhook, and the item is exactly the trigger\'s', async () => {
		const text = JSON.stringify(sim.buildPayload('created', { tenant: 'v-1', fields: { host: platformHost } }));
		const before = n8n.lastExecutionId();
		const answer = await sim.post(url(), text, sim.signRequest(text, privateKey));
		expect(answer.status).toBe(200);
		const body = JSON.parse(answer.body);
		expect(body).toEqual({ received: true, deliveryId: expect.stringMatching(/^[0-9a-f]{64}$/) });
		const [execution] = await n8n.waitForExecutions({ workflowId: behindWebhook.id, count: 1, sinceId: before });
		const item = n8n.executionJson(execution.id)['Verify signature'][0][0] as Record<string, unknown>;
		expect(item).toMatchObject({ event: 'credentials', eventType: 'CREATED', tenantId: 'v-1', tenantStatus: 'active', deliveryId: body.deliveryId, verification: { algorithm: 'SHA256withRSA', key: 'custom #1' }, secrets: 'sealed' });
		expect(sealer.unseal(item.password as string, { tenantId: 'v-1', field: 'password' })).toBe(JSON.parse(text).password);
		expect(JSON.stringify(n8n.executionJson(execution.id)['Verify signature'])).not.toContain(JSON.parse(text).password);
		behindWebhookPassword = JSON.parse(text).password;
	});

	it('a forged request: 401 with the trigger\'s message (and, the trade-off, an execution)', async () => {
		const text = JSON.stringify(sim.buildPayload('created', { tenant: 'v-evil', fields: { host: platformHost } }));
		const before = n8n.lastExecutionId();
		const answer = await sim.post(url(), text, { ...sim.signRequest(text, privateKey), Authorization: sim.signRequest(`${text} `, privateKey).Authorization });
		expect(answer.status).toBe(401);
		expect(JSON.parse(answer.body)).toEqual({ error: expect.stringMatching(/^Signature does not match the body under any of the 1 configured public key/) });
		expect(answer.body).not.toContain(JSON.parse(text).password);
		await n8n.waitForExecutions({ workflowId: behindWebhook.id, count: 1, sinceId: before });
		expect(rows('v-evil')).toEqual([]);
	});

	it("the trade-off, as the example says: n8n's Webhook node stores the delivered plaintext secret in its own output, whatever this package does", () => {
		const found = filesContaining(n8n.userFolder, [behindWebhookPassword]);
		expect(found.get(behindWebhookPassword)?.length).toBeGreaterThan(0);
	});

	it('a signed calendar request: 400 naming it', async () => {
		const text = '{"tenantId":"4711","user":"jane","startDate":"2026-01-01","endDate":"2026-01-31"}';
		const answer = await sim.post(url(), text, { ...sim.signRequest(text, privateKey), 'Content-Type': 'application/json' });
		expect(answer.status).toBe(400);
		expect(JSON.parse(answer.body).error).toMatch(/^Body is a calendar-integration request/);
	});
});
