import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { RecordKind, UntisApiMock, UntisDataset } from './untisApiMock.cjs';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startN8n } = require('../e2e/harness');
const { installServices, startPostgres } = require('../../scripts/n8n/queue/services');
const { dataTableRows } = require('../../scripts/n8n/sqlite-read');
const { startMailSink } = require('../../scripts/n8n/mail-sink');
const sim = require('../../tools/untis-platform-sim/sim.js');
// jest's e2e module map knows only triggerSuite: load the helper by its file name (the type import is erased).
const { startUntisApiMock, makeSchoolDataset } = require('./untisApiMock.cts') as typeof import('./untisApiMock.cjs');
const { filesContaining } = require('./userFolderSearch.cts') as typeof import('./userFolderSearch.cjs');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Issue 37 on a real n8n 2.41.1: a school's data over its whole life, with the examples as shipped
 * (create-sync-tables, 12-sync, example 1 starting the first sync, example 2 Option A erasing and
 * Option B keeping) against the API stand-in: a dataset per tenant that changes between runs, pages
 * capped at 4 records, per-tenant passwords, both server behaviours, call counters per tenant,
 * per-tenant server faults (5xx).
 * The two schools share their sourcedIds (the same dataset seed): a row of one is never the other's.
 * test/e2e/sync.e2e.test.cts runs it on n8n's Data Tables, test/e2e/sync-postgres.e2e.test.cts on a
 * real PostgreSQL (Debian's, started as the queue suite does) with 12-sync-postgres and its SQL.
 */

const POSTGRES_CREDENTIAL = { id: 'untisPostgresCred1', name: 'Postgres (school data)' };

/**
 * Example 2 with PostgreSQL, as docs/sync.md says: Option A's Data Table deletes give way to one
 * Execute Workflow node that calls 12-sync-postgres with {tenantId, action: 'erase'} (awaited).
 */
function eraseThroughPostgres(workflow: { nodes: Array<Record<string, any>>; connections: Record<string, any> }) {
	const gone = ['Sync tables (Option A)', 'Data tables of this project', 'Sync tables that exist', 'Any sync table?', 'One item per sync table', "Delete the school's synced rows", 'Synced rows erased'];
	const first = workflow.nodes.find((n) => n.name === gone[0])!;
	workflow.nodes = workflow.nodes.filter((n) => !gone.includes(n.name));
	for (const name of gone) delete workflow.connections[name];
	workflow.nodes.push(
		{ id: first.id, name: 'School to erase', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: first.position, parameters: { assignments: { assignments: [{ id: 'e1', name: 'tenantId', value: "={{ $('Settings').first().json.tenantId }}", type: 'string' }, { id: 'e2', name: 'action', value: 'erase', type: 'string' }] }, options: {} } },
		{ id: `${first.id.slice(0, -3)}999`, name: 'Erase in PostgreSQL (Option A)', type: 'n8n-nodes-base.executeWorkflow', typeVersion: 1.3, position: [first.position[0] + 240, first.position[1]], parameters: { source: 'database', workflowId: { __rl: true, mode: 'id', value: 'untisSyncPostgres1' }, workflowInputs: { mappingMode: 'defineBelow', value: {}, matchingColumns: [], schema: [], attemptToConvertTypes: false, convertFieldsToString: true }, mode: 'once', options: { waitForSubWorkflow: true } } },
	);
	workflow.connections['Erase synced rows? (Option A)'].main[0] = [{ node: 'School to erase', type: 'main', index: 0 }];
	workflow.connections['School to erase'] = { main: [[{ node: 'Erase in PostgreSQL (Option A)', type: 'main', index: 0 }]] };
	workflow.connections['Erase in PostgreSQL (Option A)'] = { main: [[{ node: 'Record delivery', type: 'main', index: 0 }]] };
}

export function describeSync(store: 'dataTable' | 'postgres') {
	const ROOT = join(__dirname, '../..');
	const { readExample: example } = require('../../scripts/n8n/examples');
	const setup = example('create-tenants-table.workflow.json');
	const syncSetup = example('create-sync-tables.workflow.json');
	const onboarding = example('1-onboarding.workflow.json');
	const deactivation = example('2-deactivation.workflow.json');
	const failureAlert = example('7-failure-alert.workflow.json');
	const sync = example(store === 'postgres' ? '12-sync-postgres.workflow.json' : '12-sync.workflow.json');
	// The stand-in's timetable is the week of 2026-12-07: the window starts there whatever today is.
	const syncSettings = sync.nodes.find((n: { name: string }) => n.name === 'Settings').parameters.assignments.assignments;
	syncSettings.find((a: { name: string }) => a.name === 'timetableFrom').value = '2026-12-07';
	// Example 2 with its switch on Option A (erase), beside the shipped Option B.
	const deactivationA = JSON.parse(JSON.stringify(deactivation).replace(/f2000000-/g, 'f2b00000-'));
	deactivationA.id = 'untisSyncDeactA001';
	deactivationA.name += ' (Option A)';
	deactivationA.nodes.find((n: { name: string }) => n.name === 'Settings').parameters.assignments.assignments[0].value = true;
	if (store === 'postgres') eraseThroughPostgres(deactivationA);
	// Example 1 starts the sync workflow of this store (after an import the vendor picks it there).
	// Shipped disabled (n8n refuses to publish a call to an unpublished workflow): the vendor picks 12 and enables it.
	const startFirstSync = onboarding.nodes.find((n: { name: string }) => n.name === 'Start the first sync');
	startFirstSync.parameters.workflowId.value = sync.id;
	startFirstSync.disabled = false;

	const TABLES = ['untis_orgs', 'untis_academic_sessions', 'untis_classes', 'untis_teachers', 'untis_students', 'untis_enrollments', 'untis_periods'];
	type Row = Record<string, string | null>;
	type Execution = { id: number; status: string };
	let n8n: {
		dbPath: string;
		userFolder: string;
		webhookUrl(path: string): string;
		post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
		runInEditor(workflow: { id: string; nodes: unknown[] }): Promise<Execution>;
		lastExecutionId(): number;
		readExecutions(o: { workflowId?: string; sinceId?: number }): Execution[];
		waitForExecutions(o: { workflowId: string; count: number; sinceId?: number; timeoutMs?: number }): Promise<Execution[]>;
		executionJson(id: number): Record<string, unknown[][]>;
		stop(): Promise<unknown>;
	};
	let api: UntisApiMock;
	let pg: { host: string; port: number; database: string; user: string; password: string; psql(sql: string): string; json(sql: string): Row[]; stop(): Promise<unknown> };
	let mail: { credential: unknown; messages: Array<{ to: string[]; subject: string; text: string }>; close(): Promise<void> };
	const keys = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-sync-')));
	const privateKey = readFileSync(keys.privatePath, 'utf8');
	const syncHeader = { name: 'X-Sync-Token', value: randomBytes(24).toString('base64url') };
	const passwords: Record<string, string> = {};
	const plaintexts: string[] = [];

	async function deliver(workflow: { id: string; nodes: Array<{ webhookId?: string }> }, kind: string, tenant: string, body?: string) {
		const text = body ?? JSON.stringify(sim.buildPayload(kind, { tenant, fields: { host: api.schoolHost } }));
		const payload = JSON.parse(text);
		for (const field of ['secret', 'password']) if (typeof payload[field] === 'string') plaintexts.push(payload[field]);
		// The platform issues new credentials: the stand-in grants tokens for the new password only.
		if (typeof payload.password === 'string') {
			passwords[tenant] = payload.password;
			api.setTenantPassword(tenant, payload.password);
		}
		const before = n8n.lastExecutionId();
		const answer = await sim.post(n8n.webhookUrl(`${workflow.nodes[0].webhookId}/webhook`), text, sim.signRequest(text, privateKey));
		expect(answer.status).toBe(200);
		const [execution] = await n8n.waitForExecutions({ workflowId: workflow.id, count: 1, sinceId: before });
		expect(execution.status).toBe('success');
		return { body: text, execution, before };
	}

	function table(name: string, tenant?: string): Row[] {
		if (store === 'postgres') {
			const where = tenant === undefined ? '' : ` WHERE tenant_id = '${tenant.replace(/'/g, "''")}'`;
			if (name === 'untis_sync_state') return pg.json(`SELECT tenant_id AS "tenantId", last_sync_at::text AS "lastSyncAt", last_full_at::text AS "lastFullAt" FROM untis_sync_state${where}`);
			return pg.json(`SELECT tenant_id AS "tenantId", sourced_id AS "sourcedId", status, date_last_modified AS "dateLastModified", data::text AS data FROM ${name}${where}`);
		}
		return dataTableRows(n8n.dbPath, name, tenant);
	}

	/** The nightly run, through its webhook: answers when every tenant is done. */
	async function runSync(body: Record<string, unknown> = {}) {
		const answer = await n8n.post('untis-sync', body, { [syncHeader.name]: syncHeader.value });
		expect(answer.status).toBe(200);
		return JSON.parse(answer.text) as { synced: Array<{ tenantId: string; mode: string; upserted: number; removed: number }>; failed: Array<{ tenantId: string; error: string }> };
	}

	beforeAll(async () => {
		if (store === 'postgres') {
			pg = await startPostgres({ bins: installServices(), logFile: join(mkdtempSync(join(tmpdir(), 'untis-sync-pg-')), 'postgres.log') });
			pg.psql(readFileSync(join(ROOT, 'examples', 'sync-postgres.sql'), 'utf8'));
		}
		api = await startUntisApiMock((clientId, password) => passwords[clientId.replace(/^BestApp-tenant-/, '')] === password);
		mail = await startMailSink();
		n8n = await startN8n({
			packageDir: ROOT,
			credentials: [
				{ ...onboarding.nodes[0].credentials.untisPlatformApi, type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey: randomBytes(32).toString('base64'), apiBaseUrl: api.apiBase } },
				{ ...sync.nodes.find((n: { name: string }) => n.name === 'Or call this webhook').credentials.httpHeaderAuth, type: 'httpHeaderAuth', data: syncHeader },
				mail.credential,
				...(store === 'postgres' ? [{ ...POSTGRES_CREDENTIAL, type: 'postgres', data: { host: pg.host, port: pg.port, database: pg.database, user: pg.user, password: pg.password, ssl: 'disable' } }] : []),
			],
			workflows: [setup, syncSetup, onboarding, deactivation, deactivationA, failureAlert, sync],
			activate: [onboarding, deactivation, deactivationA, failureAlert, sync].map((w) => w.id),
		});
		await n8n.runInEditor(setup);
		if (store === 'dataTable') await n8n.runInEditor(syncSetup);
	}, 15 * 60 * 1000);

	afterAll(async () => {
		if (n8n) await n8n.stop();
		if (api) await api.close();
		if (mail) await mail.close();
		if (pg) await pg.stop();
	});


	/** Each sync table as the stand-in's data says it should be for a tenant: sourcedId → what the row holds. */
	const KINDS: Array<[string, Exclude<RecordKind, 'periods'> | 'periods', (d: UntisDataset) => Array<Record<string, unknown>>]> = [
		['untis_orgs', 'schools', (d) => d.schools],
		['untis_academic_sessions', 'academicSessions', (d) => d.academicSessions],
		['untis_classes', 'classes', (d) => d.classes],
		['untis_teachers', 'teachers', (d) => d.teachers],
		['untis_students', 'students', (d) => d.students],
		['untis_enrollments', 'enrollments', (d) => d.enrollments],
		['untis_periods', 'periods', (d) => d.extern.periods],
	];
	function expected(tenant: string) {
		const data = api.datasetOf(tenant);
		return Object.fromEntries(
			KINDS.map(([name, kind, records]) => [
				name,
				records(data)
					.map((r) => (kind === 'periods' ? { sourcedId: String(r.id), status: String(r.status), dateLastModified: String(r.lastModified) } : { sourcedId: String(r.sourcedId), status: String(r.status), dateLastModified: String(r.dateLastModified), data: r }))
					.sort((x, y) => x.sourcedId.localeCompare(y.sourcedId)),
			]),
		);
	}
	function stored(tenant: string) {
		return Object.fromEntries(
			KINDS.map(([name, kind]) => [
				name,
				table(name, tenant)
					.map((row) => (kind === 'periods' ? { sourcedId: row.sourcedId!, status: row.status!, dateLastModified: row.dateLastModified! } : { sourcedId: row.sourcedId!, status: row.status!, dateLastModified: row.dateLastModified!, data: JSON.parse(row.data!) }))
					.sort((x, y) => x.sourcedId.localeCompare(y.sourcedId)),
			]),
		);
	}
	const counts = (tables: Record<string, unknown[]>) => Object.fromEntries(Object.entries(tables).map(([name, rows]) => [name, rows.length]));
	const dataCalls = (tenant: string) => api.callsByTenant()[tenant]?.data ?? 0;
	const syncState = (tenant: string) => table('untis_sync_state', tenant);
	const syncRuns = (sinceId: number) => n8n.readExecutions({ workflowId: sync.id, sinceId });

	const A = 'sync-a';
	const B = 'sync-b';
	let createdA = '';
	let fullCalls = 0;

	describe('the first sync: onboarded through the trigger, one sync each', () => {
		it('two schools: every table equals the stand-in\'s data for each tenant (counts and content); the same sourcedIds, each in its own rows', async () => {
			for (const tenant of [A, B]) api.setTenantDataset(tenant, makeSchoolDataset({ seed: 7, usersPerSchool: 20, classesPerSchool: 3, periodsPerDay: 2 }));
			api.maxPageSize = 4;
			api.resetCounters();
			const start = n8n.lastExecutionId();
			createdA = (await deliver(onboarding, 'created', A)).body;
			await deliver(onboarding, 'created', B);
			const runs = await n8n.waitForExecutions({ workflowId: sync.id, count: 2, sinceId: start, timeoutMs: 120000 });
			expect(runs.map((r) => r.status)).toEqual(['success', 'success']);
			// Both finished: their state is stored.
			for (const tenant of [A, B]) expect(syncState(tenant)).toEqual([expect.objectContaining({ lastSyncAt: expect.any(String), lastFullAt: expect.any(String) })]);
			for (const tenant of [A, B]) {
				const want = expected(tenant);
				expect(counts(stored(tenant))).toEqual(counts(want));
				expect(stored(tenant)).toEqual(want);
			}
			expect(counts(expected(A))).toEqual({ untis_orgs: 1, untis_academic_sessions: 1, untis_classes: 3, untis_teachers: 5, untis_students: 15, untis_enrollments: 33, untis_periods: 10 });
			// Capped pages of 4: 5 teachers are 2 pages, 15 students 4, 33 enrollments 9.
			fullCalls = dataCalls(A);
			expect(fullCalls).toBeGreaterThanOrEqual(1 + 1 + 1 + 2 + 4 + 9 + 1);
			expect(dataCalls(B)).toBe(fullCalls);
		});

		it('a redelivered CREATED runs no second initial sync (already processed: nothing to do)', async () => {
			const before = n8n.lastExecutionId();
			const again = await deliver(onboarding, 'created', A, createdA);
			expect(n8n.executionJson(again.execution.id)['Already processed: nothing to do']).toBeDefined();
			await new Promise((resolve) => setTimeout(resolve, 3000));
			expect(syncRuns(before)).toEqual([]);
		});
	});

	describe('incremental runs', () => {
		it('honoured by the server: exactly the changes land, with far fewer calls than a full run; the other school\'s rows stay', async () => {
			const bBefore = stored(B);
			const d = api.datasetOf(A);
			const [student, gone] = d.students;
			const goneEnrollments = d.enrollments.filter((e) => (e.user as { sourcedId: string }).sourcedId === gone.sourcedId);
			api.changeRecord(A, 'students', String(student.sourcedId), { givenName: 'Renamed' });
			api.changeRecord(A, 'classes', String(d.classes[0].sourcedId), { title: 'Mathematics (new)' });
			api.addRecord(A, 'students', { ...gone, sourcedId: '000000a4-0007-4000-8000-00000000ffff', givenName: 'New', familyName: 'Student' });
			api.removeRecord(A, 'students', String(gone.sourcedId));
			for (const e of goneEnrollments) api.removeRecord(A, 'enrollments', String(e.sourcedId));
			api.changeRecord(A, 'periods', Number(d.extern.periods[0].id), { status: 'CANCELLED' });
			api.removeRecord(A, 'periods', Number(d.extern.periods[1].id));
			api.resetCounters();

			const report = await runSync();
			expect(report.failed).toEqual([]);
			const outcomeA = report.synced.find((s) => s.tenantId === A);
			// Upserted: 1 renamed, 1 new student, 1 class, 1 period; removed: 1 student, its enrollments, 1 period.
			expect(outcomeA).toEqual({ tenantId: A, mode: 'incremental', upserted: 4, removed: 1 + goneEnrollments.length + 1 });
			expect(report.synced.find((s) => s.tenantId === B)).toEqual({ tenantId: B, mode: 'incremental', upserted: 0, removed: 0 });
			expect(stored(A)).toEqual(expected(A));
			expect(stored(B)).toEqual(bBefore);
			// One page per resource plus deleted periods, against 19 and more for the full run.
			expect(dataCalls(A)).toBeLessThanOrEqual(8);
			expect(dataCalls(A) * 2).toBeLessThan(fullCalls);
		});

		it('ignored by the server: an incremental run re-reads everything, and after the full run the tables are right again', async () => {
			api.honoursModifiedSince = false;
			try {
				const d = api.datasetOf(B);
				const gone = d.teachers[1];
				api.changeRecord(B, 'teachers', String(d.teachers[0].sourcedId), { familyName: 'Changed' });
				api.removeRecord(B, 'teachers', String(gone.sourcedId));
				api.resetCounters();
				const incremental = await runSync();
				expect(incremental.failed).toEqual([]);
				// The change landed; the removal is not seen (no tobedeleted): the row stays until the full run.
				expect(stored(B).untis_teachers.find((t) => t.sourcedId === d.teachers[0].sourcedId)).toEqual(expected(B).untis_teachers.find((t) => t.sourcedId === d.teachers[0].sourcedId));
				expect(stored(B).untis_teachers.map((t) => t.sourcedId)).toContain(gone.sourcedId);
				expect(dataCalls(B)).toBeGreaterThanOrEqual(fullCalls - 1);

				const full = await runSync({ full: true });
				expect(full.failed).toEqual([]);
				expect(full.synced.map((s) => s.mode)).toEqual(['full', 'full']);
				for (const tenant of [A, B]) expect(stored(tenant)).toEqual(expected(tenant));
			} finally {
				api.honoursModifiedSince = true;
			}
		});
	});

	describe('a failing tenant', () => {
		it('revoked credentials: the other school syncs, operations get a notice, none of its rows is deleted, its last sync stays', async () => {
			const rowsBefore = stored(A);
			const stateBefore = syncState(A);
			api.changeRecord(B, 'classes', String(api.datasetOf(B).classes[1].sourcedId), { title: 'While A is revoked' });
			api.revoke(A);
			const mailsBefore = mail.messages.length;
			const report = await runSync({ full: true });
			expect(report.synced.map((s) => s.tenantId)).toEqual([B]);
			expect(report.failed).toEqual([{ tenantId: A, error: expect.stringMatching(/401|refused/i) }]);
			expect(stored(B)).toEqual(expected(B));
			expect(stored(A)).toEqual(rowsBefore);
			expect(syncState(A)).toEqual(stateBefore);
			// Reported twice: example 7 (the Error Workflow) for the tenant's failed sub-run, then the run's own notice.
			const notices = mail.messages.slice(mailsBefore);
			expect(notices.map((m) => [m.to, m.subject])).toEqual([
				[['operations@example.com'], `Workflow failed: ${sync.name} at OneRoster: orgs`],
				[['operations@example.com'], 'Untis sync: 1 of 2 tenants failed'],
			]);
			expect(notices[1].text).toContain(`${A}: `);
			for (const notice of notices) expect(notice.text).not.toContain(passwords[A]);
			// The platform's credentials work again (the stand-in lifts the revocation): the next run takes it up.
			api.setTenantPassword(A, passwords[A]);
			expect((await runSync()).failed).toEqual([]);
		});
		it('a 403 on one resource (no timetable permission): reported, nothing of it written although its OneRoster reads succeeded, the others sync', async () => {
			// The stand-in's tenant `no-extern` answers 403 on every Timetable path.
			const { before } = await deliver(onboarding, 'created', 'no-extern');
			const [first] = await n8n.waitForExecutions({ workflowId: sync.id, count: 1, sinceId: before, timeoutMs: 120000 });
			expect(first.status).toBe('error');
			const report = await runSync();
			expect(report.synced.map((s) => s.tenantId).sort()).toEqual([A, B]);
			expect(report.failed).toEqual([{ tenantId: 'no-extern', error: expect.stringMatching(/403/) }]);
			for (const [name] of KINDS) expect({ name, rows: table(name, 'no-extern').length }).toEqual({ name, rows: 0 });
			expect(syncState('no-extern')).toEqual([]);
			// Option B takes it out of the runs.
			await deliver(deactivation, 'deactivation', 'no-extern');
		});

		/**
		 * A 5xx past the retries. The node retries a 503 three times (waiting as Retry-After says, else
		 * 1, 2, 4 s), a 500 not at all (apiTransport.ts); the example's reads retry once more (Retry On
		 * Fail, 2 tries). Then the tenant's run fails before anything is written.
		 */
		const lastSync = (tenant: string) => Date.parse(String(syncState(tenant)[0].lastSyncAt));
		async function failingRun(body: Record<string, unknown>, failing: string, node: string) {
			const rowsBefore = stored(failing);
			const stateBefore = syncState(failing);
			const mailsBefore = mail.messages.length;
			api.resetCounters();
			const report = await runSync(body);
			expect(report.failed).toEqual([{ tenantId: failing, error: expect.any(String) }]);
			expect(stored(failing)).toEqual(rowsBefore);
			expect(syncState(failing)).toEqual(stateBefore);
			// Example 7 for the tenant's failed sub-run and the run's own notice, in either order (the last tenant's alert races the notice).
			for (let waited = 0; mail.messages.length < mailsBefore + 2 && waited < 10000; waited += 250) await new Promise((resolve) => setTimeout(resolve, 250));
			const notices = mail.messages.slice(mailsBefore);
			expect(notices.map((m) => [m.to, m.subject]).sort()).toEqual([
				[['operations@example.com'], 'Untis sync: 1 of 2 tenants failed'],
				[['operations@example.com'], `Workflow failed: ${sync.name} at ${node}`],
			]);
			expect(notices.find((m) => m.subject.startsWith('Untis sync:'))!.text).toContain(`${failing}: ${report.failed[0].error}`);
			return { report, failedAnswers: api.callsByTenant()[failing].failed };
		}
		/** The fault cleared: the next run (incremental) takes the tenant up, its changes land, its last sync advances. */
		async function recovers(tenant: string) {
			const before = lastSync(tenant);
			const report = await runSync();
			expect(report.failed).toEqual([]);
			expect(report.synced.find((s) => s.tenantId === tenant)).toMatchObject({ mode: 'incremental' });
			expect(stored(tenant)).toEqual(expected(tenant));
			expect(lastSync(tenant)).toBeGreaterThan(before);
		}

		it("5xx past the retries in a full run (503 from the second page of its students on): the other school syncs, the sweep deletes none of its rows, nothing of it is written, its last sync stays; 8 tries in all; once the API is back the next run syncs it", async () => {
			const a = api.datasetOf(A);
			const b = api.datasetOf(B);
			api.changeRecord(A, 'teachers', String(a.teachers[0].sourcedId), { familyName: "During B's outage" });
			// B's changes must wait for the next good run: a changed teacher, a removed student.
			api.changeRecord(B, 'teachers', String(b.teachers[0].sourcedId), { familyName: 'After the outage' });
			api.removeRecord(B, 'students', String(b.students[0].sourcedId));
			// Pages of 4: page 1 (offset 0) answers, every later page is a 503 with Retry-After 1 (the
			// 1, 2, 4 s back-off without it is unit-tested; this keeps the suite 8 s shorter).
			api.failTenant(B, { status: 503, path: '/students', fromOffset: 4, retryAfter: 1 });
			try {
				const { report, failedAnswers } = await failingRun({ full: true }, B, 'OneRoster: students');
				expect(report.synced).toEqual([expect.objectContaining({ tenantId: A, mode: 'full' })]);
				expect(report.failed[0].error).toMatch(/HTTP 503.*after 3 retries/);
				expect(stored(A)).toEqual(expected(A));
				// Bounded: 2 tries of the node, each the first answer and 3 retries.
				expect(failedAnswers).toBe(2 * (1 + 3));
			} finally {
				api.clearFailure(B);
			}
			await recovers(B);
		});

		it('5xx past the retries in an incremental run (500 on its deleted periods): the same, with 2 tries in all (a 500 is not retried by the node, only by Retry On Fail)', async () => {
			const b = api.datasetOf(B);
			api.changeRecord(B, 'classes', String(b.classes[0].sourcedId), { title: 'After the 500' });
			api.removeRecord(B, 'periods', Number(b.extern.periods[0].id));
			api.failTenant(B, { status: 500, path: '/v3/timetable/deleted-periods' });
			try {
				const { report, failedAnswers } = await failingRun({}, B, 'Timetable: deleted periods');
				expect(report.synced).toEqual([expect.objectContaining({ tenantId: A, mode: 'incremental' })]);
				expect(report.failed[0].error).toMatch(/HTTP 500/);
				expect(failedAnswers).toBe(2);
			} finally {
				api.clearFailure(B);
			}
			await recovers(B);
		});
	});

	describe('deactivation, reactivation, reset', () => {
		it('Option A: no row of the tenant in any sync table, nor its sync state', async () => {
			expect(table('untis_students', A).length).toBeGreaterThan(0);
			await deliver(deactivationA, 'deactivation', A);
			for (const [name] of KINDS) expect({ name, rows: table(name, A).length }).toEqual({ name, rows: 0 });
			expect(syncState(A)).toEqual([]);
			// The tenant row stays as the marker of the order (docs/sync.md): no credential, address or name.
			// n8n's Data Table in both stores: read it there, not through table() (PostgreSQL for the postgres store).
			expect(dataTableRows(n8n.dbPath, 'untis_tenants', A)).toEqual([expect.objectContaining({ tenantId: A, status: 'deactivated', clientId: '', secret: '', password: '', host: '', activatorEmail: '', activatorUsername: '', schoolEmail: '', country: '', region: '' })]);
			// The other school's rows are untouched.
			expect(stored(B)).toEqual(expected(B));
		});

		it('Option B: the rows remain, and the next sync makes 0 calls for the tenant', async () => {
			const before = stored(B);
			await deliver(deactivation, 'deactivation', B);
			api.resetCounters();
			// No tenant is active now (A was erased by Option A): the run answers with none synced.
			expect(await runSync()).toEqual({ synced: [], failed: [] });
			expect(api.callsByTenant()).toEqual({});
			expect(stored(B)).toEqual(before);
		});

		it('REACTIVATED: the school is synced again at once (a full run, with the new password)', async () => {
			api.changeRecord(B, 'students', String(api.datasetOf(B).students[2].sourcedId), { givenName: 'Back' });
			const { before } = await deliver(onboarding, 'reactivated', B);
			const [run] = await n8n.waitForExecutions({ workflowId: sync.id, count: 1, sinceId: before, timeoutMs: 120000 });
			expect(run.status).toBe('success');
			expect(n8n.executionJson(run.id).Synced[0][0]).toMatchObject({ tenantId: B, mode: 'full' });
			expect(stored(B)).toEqual(expected(B));
		});

		it('RESET: the stand-in refuses the old password, and the next sync succeeds with the new one', async () => {
			const old = passwords[B];
			await deliver(onboarding, 'reset', B);
			expect(passwords[B]).not.toBe(old);
			const tokenWith = (password: string) =>
				fetch(`${api.apiBase}/WebUntis/api/sso/v3/${B}/token`, {
					method: 'POST',
					headers: { authorization: `Basic ${Buffer.from(`BestApp-tenant-${B}:${password}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
					body: 'grant_type=client_credentials',
				}).then((r) => r.status);
			expect(await tokenWith(old)).toBe(401);
			api.changeRecord(B, 'students', String(api.datasetOf(B).students[3].sourcedId), { givenName: 'After reset' });
			const report = await runSync();
			expect(report.failed).toEqual([]);
			expect(report.synced.map((s) => s.tenantId)).toContain(B);
			expect(stored(B)).toEqual(expected(B));
		});
	});

	describe('secrets', () => {
		it("no plaintext secret or password anywhere in n8n's user folder", () => {
			expect(plaintexts.length).toBeGreaterThanOrEqual(6);
			expect([...filesContaining(n8n.userFolder, plaintexts).keys()]).toEqual([]);
		});
	});
}
