import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startN8n } = require('./harness');
const { startMailSink } = require('../../scripts/n8n/mail-sink');
const sim = require('../../tools/untis-platform-sim/sim.js');
const { dataTableRows } = require('../../scripts/n8n/sqlite-read');
const { freePorts } = require('../../scripts/n8n/ports');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Example 0, the setup and preflight a vendor runs once from the editor (issue 38): it creates
 * the tables, opens the Untis credential, sends a test mail through the SMTP credential, and
 * checks the operations address and that n8n's webhook address is public HTTPS. Each check is a
 * line, ✓ or ✗ with what to fix; `ready` only when every one passed. Here n8n listens on plain
 * http://127.0.0.1, so the HTTPS line must say what to fix. It also saves the vendor's addresses
 * and app name in the one row of untis_settings, which the examples that send mail read
 * (notifications.e2e proves they do).
 */
const ROOT = join(__dirname, '../..');
type Node = { name: string; type: string; parameters: Record<string, any>; credentials?: Record<string, { id: string; name: string }> };
type Workflow = { id: string; name: string; nodes: Node[]; connections: unknown; settings: unknown };
const shipped: Workflow = JSON.parse(readFileSync(join(ROOT, 'examples/0-preflight.workflow.json'), 'utf8'));
const keys = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-preflight-')));

/** A copy of the preflight: another id, and Settings or credentials changed. */
function variant(id: string, change: (workflow: Workflow) => void): Workflow {
	const copy: Workflow = JSON.parse(JSON.stringify(shipped));
	copy.id = id;
	copy.name += ` (${id})`;
	change(copy);
	return copy;
}
const node = (workflow: Workflow, name: string) => workflow.nodes.find((n) => n.name === name)!;
/** The vendor's settings typed into Settings: this operations address, a sender and an app name of theirs. */
const setSettings = (address: string) => (workflow: Workflow) => {
	const assignments = node(workflow, 'Settings').parameters.assignments.assignments;
	const set = (name: string, value: string) => (assignments.find((a: { name: string }) => a.name === name).value = value);
	set('operationsEmail', address);
	set('fromAddress', 'hello@vendor-school-app.test');
	set('appName', 'School App');
};
const configured = variant('untisPreflightOk01', setSettings('ops@vendor-school-app.test'));
// The credential's Encryption Key is not 32 bytes: the Untis check fails, the rest still runs.
const brokenKey = variant('untisPreflightKey1', (workflow) => {
	setSettings('ops@vendor-school-app.test')(workflow);
	node(workflow, 'Check Untis credential').credentials = { untisPlatformApi: { id: 'untisPreflightBadK', name: 'Untis (short key)' } };
});

// The SMTP credential points at a port where nothing listens: the test mail fails, the rest still runs.
const brokenMail = variant('untisPreflightSmtp', (workflow) => {
	setSettings('ops@vendor-school-app.test')(workflow);
	node(workflow, 'Send test mail').credentials = { smtp: { id: 'untisPreflightSmtpX', name: 'SMTP (nothing listens)' } };
});

// A Data Table of the vendor's that happens to be called untis_settings, and its removal.
const manual = { id: 'p0000000-0000-4000-8000-000000000001', name: 'Run', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
const tableStep = (parameters: object) => ({ id: 'p0000000-0000-4000-8000-000000000002', name: 'Table', type: 'n8n-nodes-base.dataTable', typeVersion: 1.1, position: [220, 0], parameters });
const chain = { Run: { main: [[{ node: 'Table', type: 'main', index: 0 }]] } };
const foreignTable = {
	id: 'untisForeignTable1',
	name: 'A table of the vendor named untis_settings',
	nodes: [manual, tableStep({ resource: 'table', operation: 'create', tableName: 'untis_settings', columns: { column: [{ name: 'note', type: 'string' }] }, options: {} })],
	connections: chain,
	settings: { executionOrder: 'v1' },
};
const dropForeignTable = {
	id: 'untisForeignDrop01',
	name: 'Delete that table',
	nodes: [manual, tableStep({ resource: 'table', operation: 'delete', dataTableId: { __rl: true, mode: 'name', value: 'untis_settings' } })],
	connections: chain,
	settings: { executionOrder: 'v1' },
};
const settingsRows = () =>
	dataTableRows(n8n.dbPath, 'untis_settings').map(({ profile, operationsEmail, fromEmail, appName }: Record<string, string>) => ({ profile, operationsEmail, fromEmail, appName }));

let n8n: {
	baseUrl: string;
	dbPath: string;
	runInEditor(workflow: Workflow): Promise<{ id: number; status: string }>;
	executionJson(id: number): Record<string, Array<Array<Record<string, unknown>>>>;
	stop(): Promise<unknown>;
};
let mail: { messages: Array<{ to: string[]; subject: string; text: string }>; credential: unknown; close(): Promise<void> };

async function preflight(workflow: Workflow) {
	const execution = await n8n.runInEditor(workflow);
	const [[result]] = n8n.executionJson(execution.id)['Ready?'];
	return { execution, result: result as Record<string, string | boolean> };
}

beforeAll(async () => {
	mail = await startMailSink();
	n8n = await startN8n({
		packageDir: ROOT,
		credentials: [
			{ ...node(shipped, 'Check Untis credential').credentials!.untisPlatformApi, type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey: randomBytes(32).toString('base64') } },
			{ id: 'untisPreflightBadK', name: 'Untis (short key)', type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey: 'too-short' } },
			mail.credential,
			{ id: 'untisPreflightSmtpX', name: 'SMTP (nothing listens)', type: 'smtp', data: { user: '', password: '', host: '127.0.0.1', port: (await freePorts(1))[0], secure: false, disableStartTls: true, hostName: 'localhost' } },
		],
		workflows: [shipped, configured, brokenKey, brokenMail, foreignTable, dropForeignTable],
	});
}, 15 * 60 * 1000);

afterAll(async () => {
	if (n8n) await n8n.stop();
	if (mail) await mail.close();
});

describe('example 0: setup and preflight, run from the editor', () => {
	it('a table of the vendor already named untis_settings, without our columns: ✗ Settings with the fix; nothing written to it; the other checks still run', async () => {
		expect((await n8n.runInEditor(foreignTable as unknown as Workflow)).status).toBe('success');
		const { execution, result } = await preflight(shipped);
		expect(execution.status).toBe('success');
		expect(result.settings).toMatch(/^✗ Settings: not saved \(.+\)\. Fix: untis_settings needs the columns profile, operationsEmail, fromEmail and appName; rename another table of that name, then run this again\. Until then the examples use their defaults\.$/);
		expect(result.mail).toMatch(/^✓ Mail/);
		expect(result.ready).toBe(false);
		expect(dataTableRows(n8n.dbPath, 'untis_settings')).toEqual([]);
		expect((await n8n.runInEditor(dropForeignTable as unknown as Workflow)).status).toBe('success');
		mail.messages.length = 0;
	});

	it('as shipped: creates the tables, the credential and the mail pass; the placeholder address and plain http are named with their fix; not ready', async () => {
		const { execution, result } = await preflight(shipped);
		expect(execution.status).toBe('success');
		expect(result.tables).toBe('✓ Tables: untis_tenants, untis_deliveries and untis_settings exist (created if they were missing).');
		expect(result.untisCredential).toMatch(/^✓ Untis credential: it opens, and its Encryption Key seals\./);
		expect(result.mail).toBe('✓ Mail: a test mail went to operations@example.com: check that it arrived.');
		expect(result.operationsAddress).toBe('✗ Operations address: operations@example.com is a placeholder. Fix: set your addresses in the Settings node here, then run this again.');
		expect(result.sender).toBe('✗ Sender: BestApp <onboarding@example.com> is a placeholder. Fix: set fromAddress and appName in the Settings node here, then run this again.');
		expect(result.settings).toBe('✓ Settings saved for the examples (1, 2, 7, 9, 12): mails from BestApp <onboarding@example.com>, notices to operations@example.com, app name BestApp.');
		expect(settingsRows()).toEqual([{ profile: 'default', operationsEmail: 'operations@example.com', fromEmail: 'BestApp <onboarding@example.com>', appName: 'BestApp' }]);
		expect(result.publicHttps).toBe(
			`✗ Public HTTPS: n8n gives its webhooks the address ${n8n.baseUrl}, and PAM accepts only public https addresses. Fix: serve n8n over HTTPS and set WEBHOOK_URL=https://<your n8n>/, then restart n8n.`,
		);
		expect(result.errorWorkflow).toMatch(/^! Error Workflow: .*without an n8n API key.*Error Workflow: example 7/);
		expect(result.ready).toBe(false);
		expect(result.summary).toBe('not ready: fix the lines that start with ✗, then run this again');
		const sent = mail.messages.filter((m) => m.subject === 'Untis Platform preflight: test mail');
		expect(sent.map((m) => m.to)).toEqual([['operations@example.com']]);
	});

	it('run again with the address set: the tables already exist (still ✓), the test mail goes to the new address; only HTTPS is left', async () => {
		const { result } = await preflight(configured);
		expect(result.tables).toMatch(/^✓ Tables/);
		expect(result.operationsAddress).toBe('✓ Operations address: ops@vendor-school-app.test.');
		expect(result.sender).toBe('✓ Sender: School App <hello@vendor-school-app.test>.');
		expect(result.settings).toMatch(/^✓ Settings saved for the examples \(1, 2, 7, 9, 12\): .*notices to ops@vendor-school-app\.test,/);
		// Still one row: the preflight replaces it, so no example picks an old one.
		expect(settingsRows()).toEqual([{ profile: 'default', operationsEmail: 'ops@vendor-school-app.test', fromEmail: 'School App <hello@vendor-school-app.test>', appName: 'School App' }]);
		expect(mail.messages.filter((m) => m.subject === 'Untis Platform preflight: test mail').map((m) => m.to)).toEqual([['operations@example.com'], ['ops@vendor-school-app.test']]);
		const failing = Object.entries(result).filter(([, line]) => typeof line === 'string' && line.startsWith('✗'));
		expect(failing.map(([check]) => check)).toEqual(['publicHttps']);
		expect(result.ready).toBe(false);
	});

	it('a credential whose Encryption Key is unusable: ✗ with the fix, and the other checks still run', async () => {
		const { execution, result } = await preflight(brokenKey);
		expect(execution.status).toBe('success');
		expect(result.untisCredential).toMatch(/^✗ Untis credential: .*Encryption Key.*\. Fix: pick your Untis Platform API credential in the node Check Untis credential, open it and save it: saving tests it\.$/);
		expect(result.mail).toMatch(/^✓ Mail/);
		expect(JSON.stringify(result)).not.toContain('too-short');
	});

	it('an SMTP server that cannot be reached: ✗ Mail with the fix, no mail; the other checks still run; not ready', async () => {
		const before = mail.messages.length;
		const { execution, result } = await preflight(brokenMail);
		expect(execution.status).toBe('success');
		expect(result.mail).toMatch(/^✗ Mail: .+\. Fix: pick your SMTP credential in the node Send test mail; check its host, port, user and password\.$/);
		expect(result.untisCredential).toMatch(/^✓ Untis credential/);
		expect(result.settings).toMatch(/^✓ Settings saved/);
		expect(result.ready).toBe(false);
		expect(mail.messages.length).toBe(before);
	});
});
