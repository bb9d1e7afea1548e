import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startN8n } = require('./harness');
const { startMailSink } = require('../../scripts/n8n/mail-sink');
const sim = require('../../tools/untis-platform-sim/sim.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Example 0, the setup and preflight a vendor runs once from the editor (issue 38): it creates
 * the tables, opens the Untis credential, sends a test mail through the SMTP credential, and
 * checks the operations address and that n8n's webhook address is public HTTPS. Each check is a
 * line, ✓ or ✗ with what to fix; `ready` only when every one passed. Here n8n listens on plain
 * http://127.0.0.1, so the HTTPS line must say what to fix.
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
const setOperations = (address: string) => (workflow: Workflow) => {
	node(workflow, 'Settings').parameters.assignments.assignments.find((a: { name: string }) => a.name === 'operationsEmail').value = address;
};
const configured = variant('untisPreflightOk01', setOperations('ops@vendor-school-app.test'));
// The credential's Encryption Key is not 32 bytes: the Untis check fails, the rest still runs.
const brokenKey = variant('untisPreflightKey1', (workflow) => {
	setOperations('ops@vendor-school-app.test')(workflow);
	node(workflow, 'Check Untis credential').credentials = { untisPlatformApi: { id: 'untisPreflightBadK', name: 'Untis (short key)' } };
});

let n8n: {
	baseUrl: string;
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
		],
		workflows: [shipped, configured, brokenKey],
	});
}, 15 * 60 * 1000);

afterAll(async () => {
	if (n8n) await n8n.stop();
	if (mail) await mail.close();
});

describe('example 0: setup and preflight, run from the editor', () => {
	it('as shipped: creates the tables, the credential and the mail pass; the placeholder address and plain http are named with their fix; not ready', async () => {
		const { execution, result } = await preflight(shipped);
		expect(execution.status).toBe('success');
		expect(result.tables).toBe('✓ Tables: untis_tenants and untis_deliveries exist (created if they were missing).');
		expect(result.untisCredential).toMatch(/^✓ Untis credential: it opens, and its Encryption Key seals\./);
		expect(result.mail).toBe('✓ Mail: a test mail went to operations@example.com: check that it arrived.');
		expect(result.operationsAddress).toBe('✗ Operations address: operations@example.com is a placeholder. Fix: set your address in the Settings node here and in examples 1, 2 and 7.');
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
		expect(result.operationsAddress).toBe('✓ Operations address: ops@vendor-school-app.test (set the same in the Settings node of examples 1, 2 and 7).');
		expect(mail.messages.filter((m) => m.subject === 'Untis Platform preflight: test mail').map((m) => m.to)).toEqual([['operations@example.com'], ['ops@vendor-school-app.test']]);
		const failing = Object.entries(result).filter(([, line]) => typeof line === 'string' && line.startsWith('✗'));
		expect(failing.map(([check]) => check)).toEqual(['publicHttps']);
		expect(result.ready).toBe(false);
	});

	it('a credential whose Encryption Key is unusable: ✗ with the fix, and the other checks still run', async () => {
		const { execution, result } = await preflight(brokenKey);
		expect(execution.status).toBe('success');
		expect(result.untisCredential).toMatch(/^✗ Untis credential: .*Encryption Key.*\. Fix: pick your Untis Platform API credential in the node Check Untis credential, open it and press Test\.$/);
		expect(result.mail).toMatch(/^✓ Mail/);
		expect(JSON.stringify(result)).not.toContain('too-short');
	});
});
