import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { UntisApiMock } from '../helpers/untisApiMock.cjs';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startN8n } = require('./harness');
const { query } = require('../../scripts/n8n/sqlite-read');
const { startMailSink } = require('../../scripts/n8n/mail-sink');
const sim = require('../../tools/untis-platform-sim/sim.js');
// jest's e2e module map knows only triggerSuite: load the helper by its file name (the type import is erased).
const { startUntisApiMock } = require('../helpers/untisApiMock.cts') as typeof import('../helpers/untisApiMock.cjs');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Issue 37 on a real n8n 2.41.1: the sync examples as shipped (create-sync-tables, 10-sync, and
 * examples 1 and 2 calling and cleaning up after it) against the API stand-in.
 */
const ROOT = join(__dirname, '../..');
const example = (file: string) => JSON.parse(readFileSync(join(ROOT, 'examples', file), 'utf8'));
const setup = example('create-tenants-table.workflow.json');
const syncSetup = example('create-sync-tables.workflow.json');
const onboarding = example('1-onboarding.workflow.json');
const deactivation = example('2-deactivation.workflow.json');
const failureAlert = example('7-failure-alert.workflow.json');
const sync = example('10-sync.workflow.json');
// The stand-in's timetable is the week of 2026-12-07: the window starts there whatever today is.
const syncSettings = sync.nodes.find((n: { name: string }) => n.name === 'Settings').parameters.assignments.assignments;
syncSettings.find((a: { name: string }) => a.name === 'timetableFrom').value = '2026-12-07';
// Example 2 with its switch on Option A (erase), beside the shipped Option B.
const deactivationA = JSON.parse(JSON.stringify(deactivation).replace(/f2000000-/g, 'f2b00000-'));
deactivationA.id = 'untisSyncDeactA001';
deactivationA.name += ' (Option A)';
deactivationA.nodes.find((n: { name: string }) => n.name === 'Settings').parameters.assignments.assignments[0].value = true;

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
	if (typeof payload.password === 'string') passwords[tenant] = payload.password;
	const before = n8n.lastExecutionId();
	const answer = await sim.post(n8n.webhookUrl(`${workflow.nodes[0].webhookId}/webhook`), text, sim.signRequest(text, privateKey));
	expect(answer.status).toBe(200);
	const [execution] = await n8n.waitForExecutions({ workflowId: workflow.id, count: 1, sinceId: before });
	expect(execution.status).toBe('success');
	return { body: text, execution, before };
}

function table(name: string, tenant?: string): Row[] {
	const [found] = query(n8n.dbPath, 'SELECT id FROM data_table WHERE name = ?', [name]);
	const sql = `SELECT * FROM data_table_user_${found.id}${tenant === undefined ? '' : ' WHERE tenantId = ?'}`;
	return query(n8n.dbPath, sql, tenant === undefined ? [] : [tenant]);
}

/** The nightly run, through its webhook: answers when every tenant is done. */
async function runSync(body: Record<string, unknown> = {}) {
	const answer = await n8n.post('untis-sync', body, { [syncHeader.name]: syncHeader.value });
	expect(answer.status).toBe(200);
	return JSON.parse(answer.text) as { synced: string[]; failed: Array<{ tenantId: string; error: string }> };
}

beforeAll(async () => {
	api = await startUntisApiMock((clientId, password) => passwords[clientId.replace(/^BestApp-tenant-/, '')] === password);
	mail = await startMailSink();
	n8n = await startN8n({
		packageDir: ROOT,
		credentials: [
			{ ...onboarding.nodes[0].credentials.untisPlatformApi, type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey: randomBytes(32).toString('base64'), apiBaseUrl: api.apiBase } },
			{ ...sync.nodes.find((n: { name: string }) => n.name === 'Or call this webhook').credentials.httpHeaderAuth, type: 'httpHeaderAuth', data: syncHeader },
			mail.credential,
		],
		workflows: [setup, syncSetup, onboarding, deactivation, deactivationA, failureAlert, sync],
		activate: [onboarding, deactivation, deactivationA, failureAlert, sync].map((w) => w.id),
	});
	await n8n.runInEditor(setup);
	await n8n.runInEditor(syncSetup);
}, 15 * 60 * 1000);

afterAll(async () => {
	if (n8n) await n8n.stop();
	if (api) await api.close();
	if (mail) await mail.close();
});

describe('smoke', () => {
	it('onboards and syncs', async () => {
		const { before } = await deliver(onboarding, 'created', 'sync-a');
		const [first] = await n8n.waitForExecutions({ workflowId: sync.id, count: 1, sinceId: before, timeoutMs: 60000 });
		console.log(first, JSON.stringify(n8n.executionJson(first.id)).slice(0, 3000));
		for (const name of TABLES) console.log(name, table(name, 'sync-a').length);
		console.log(table('untis_sync_state'));
		const report = await runSync();
		console.log(report);
	});
});
