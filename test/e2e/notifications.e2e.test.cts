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
 * The examples' mails through n8n's own Send Email node into a real SMTP server on loopback
 * (smtp-server; each message read back with mailparser): the welcome in the school's language,
 * the operations notices, the deactivation alert built from the row read before the change, no
 * second alert for a redelivery that changes nothing, and the failure alert of example 7 as the
 * Error Workflow of a broken copy of example 2. No message carries a secret, password or token.
 * The vendor's addresses and app name are typed once, in the preflight (example 0), which saves
 * them in untis_settings; 1, 2 and 7 read them there, and use their shipped defaults before that.
 */
const ROOT = join(__dirname, '../..');
const { readExample: example } = require('../../scripts/n8n/examples');
const setup = example('create-tenants-table.workflow.json');
const onboarding = example('1-onboarding.workflow.json');
const deactivation = example('2-deactivation.workflow.json');
const failureAlert = example('7-failure-alert.workflow.json');
type Node = { name: string; type: string; webhookId?: string; parameters: Record<string, any> };
const node = (workflow: { nodes: Node[] }, name: string) => workflow.nodes.find((n) => n.name === name)!;

// What the vendor types into the preflight's Settings node, in a copy of example 0.
const VENDOR = { operationsEmail: 'ops@vendor-app.test', fromAddress: 'hello@vendor-app.test', appName: 'Vendor App' };
const OPERATIONS = VENDOR.operationsEmail;
const preflight = example('0-preflight.workflow.json');
preflight.id = 'untisPreflightMail';
for (const assignment of node(preflight, 'Settings').parameters.assignments.assignments) assignment.value = VENDOR[assignment.name as keyof typeof VENDOR];

// A copy of example 2 whose table does not exist: its execution fails, and example 7 reports it.
const broken = JSON.parse(JSON.stringify(deactivation).replace(/f2000000-/g, 'f2b00000-').replace(/"untis_tenants"/g, '"untis_missing_table"'));
broken.id = 'untisDeactBroken01';
broken.name += ' (broken: no such table)';

type Mail = { to: string[]; from: string[]; subject: string; text: string; raw: string; headers: Record<string, string> };
type Execution = { id: number; status: string };
let n8n: {
	webhookUrl(path: string): string;
	post(path: string, body: unknown): Promise<{ status: number; text: string }>;
	runInEditor(workflow: { id: string; nodes: unknown[] }): Promise<{ id: number; status: string }>;
	lastExecutionId(): number;
	waitForExecutions(o: { workflowId: string; count: number; sinceId?: number; timeoutMs?: number }): Promise<Execution[]>;
	executionJson(id: number): Record<string, Array<Array<Record<string, unknown>>>>;
	readExecutions(o: { workflowId?: string; sinceId?: number }): Execution[];
	stop(): Promise<unknown>;
};
let mail: { messages: Mail[]; credential: unknown; waitFor(count: number, o?: { timeoutMs?: number }): Promise<Mail[]>; close(): Promise<void> };
const keys = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-notifications-')));
const privateKey = readFileSync(keys.privatePath, 'utf8');
const encryptionKey = randomBytes(32).toString('base64');
/** Every plaintext secret and password sent to the trigger: no mail may hold one. */
const plaintexts: string[] = [];

/** The school as the platform describes it (fields of the credentials events), per tenant. */
const school = (tenant: string, language: string | undefined, activator = true) => ({
	language,
	schoolEmail: `office@${tenant}.example`,
	activatorEmail: activator ? `admin@${tenant}.example` : undefined,
	activatorUsername: activator ? `Admin of ${tenant}` : undefined,
	country: 'AT',
	region: 'AT-9',
});

/** Sends one signed delivery, waits for its execution, returns it with the mails it caused. */
async function deliver(workflow: { id: string; nodes: Node[] }, kind: string, tenant: string, { fields = {}, body }: { fields?: object; body?: string } = {}) {
	const text = body ?? JSON.stringify(sim.buildPayload(kind, { tenant, fields }));
	const payload = JSON.parse(text);
	for (const field of ['secret', 'password']) if (typeof payload[field] === 'string') plaintexts.push(payload[field]);
	const before = n8n.lastExecutionId();
	const mailsBefore = mail.messages.length;
	const answer = await sim.post(n8n.webhookUrl(`${workflow.nodes[0].webhookId}/webhook`), text, sim.signRequest(text, privateKey));
	expect(answer.status).toBe(200);
	const [execution] = await n8n.waitForExecutions({ workflowId: workflow.id, count: 1, sinceId: before });
	// The execution has ended, so every Send Email node has had the server's answer: the mails are in.
	return { body: text, payload, execution, json: n8n.executionJson(execution.id), mails: mail.messages.slice(mailsBefore) };
}
const byRecipient = (mails: Mail[]) => Object.fromEntries(mails.map((m) => [m.to.join(','), m]));

beforeAll(async () => {
	mail = await startMailSink();
	n8n = await startN8n({
		packageDir: ROOT,
		credentials: [
			{ ...onboarding.nodes[0].credentials.untisPlatformApi, type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey } },
			mail.credential,
		],
		workflows: [setup, preflight, onboarding, deactivation, failureAlert, broken],
		// The table setup is run once, as from the editor, never published; example 7 is published:
		// n8n 2.41 runs an Error Workflow only in its published version.
		activate: [onboarding, deactivation, failureAlert, broken].map((w) => w.id),
	});
	await n8n.runInEditor(setup);
}, 15 * 60 * 1000);

afterAll(async () => {
	if (n8n) await n8n.stop();
	if (mail) await mail.close();
});

describe('as shipped', () => {
	it('every mail node of 1, 2 and 7 uses the shipped SMTP credential and no attribution', () => {
		for (const workflow of [onboarding, deactivation, failureAlert]) {
			const mailNodes = workflow.nodes.filter((n: Node) => n.type === 'n8n-nodes-base.emailSend');
			expect(mailNodes.length).toBeGreaterThan(0);
			for (const n of mailNodes) {
				expect(n.credentials).toEqual({ smtp: { id: 'untisSmtpCred00001', name: 'SMTP (operations mail)' } });
				expect(n.parameters).toMatchObject({ emailFormat: 'text', text: '={{ $json.text }}', options: { appendAttribution: false } });
			}
		}
		expect(onboarding.settings.errorWorkflow).toBe(failureAlert.id);
		expect(deactivation.settings.errorWorkflow).toBe(failureAlert.id);
		expect(onboarding.nodes[0].parameters.secrets).toBe('seal');
		expect(deactivation.nodes[0].parameters.secrets).toBe('seal');
	});
});

describe('the settings: typed once in the preflight, read by 1, 2 and 7', () => {
	it('before the preflight has saved them (no untis_settings table): the shipped defaults, and the execution succeeds', async () => {
		const { execution, mails } = await deliver(onboarding, 'created', 'n-pre', { fields: school('n-pre', 'de', false) });
		expect(execution.status).toBe('success');
		expect(mails.map((m) => [m.to, m.from])).toEqual([[['operations@example.com'], ['onboarding@example.com']]]);
	});

	it('the preflight saves the addresses and the app name; it says so', async () => {
		const run = await n8n.runInEditor(preflight);
		expect(run.status).toBe('success');
		const [[ready]] = n8n.executionJson(run.id)['Ready?'];
		expect(ready.settings).toBe('✓ Settings saved for the examples (1, 2, 7, 9, 12): mails from Vendor App <hello@vendor-app.test>, notices to ops@vendor-app.test, app name Vendor App.');
		expect(mail.messages.at(-1)!.to).toEqual([OPERATIONS]); // its test mail
	});
	// Every mail below (1, 2 and 7) goes to and from the addresses saved here, and names Vendor App.
});

describe('1 onboarding: a welcome in the school\'s language after Confirm Delivery, and an operations notice', () => {
	it('CREATED with language de: a German welcome to the activator, a notice to operations', async () => {
		const { execution, mails } = await deliver(onboarding, 'created', 'n-de', { fields: school('n-de', 'de') });
		expect(execution.status).toBe('success');
		expect(mails).toHaveLength(2);
		const to = byRecipient(mails);
		expect(Object.keys(to).sort()).toEqual(['admin@n-de.example', OPERATIONS].sort());
		const welcome = to['admin@n-de.example'];
		expect(welcome.from).toEqual(['hello@vendor-app.test']);
		expect(welcome.subject).toBe('Willkommen bei Vendor App');
		expect(welcome.text).toMatch(/^Guten Tag Admin of n-de,\n\nIhre Schule hat Vendor App auf der Untis Platform aktiviert\. Die Verbindung/);
		// Nothing of the platform's internals for a school administrator: no tenant, no id.
		expect(welcome.text.split('\n').slice(1).join('\n')).not.toMatch(/tenant|n-de/i); // after the greeting, which names the activator
		expect(welcome.text).not.toMatch(/welcome|Hello/i);
		expect(welcome.headers['reply-to']).toContain(OPERATIONS);
		const notice = to[OPERATIONS];
		// The school as the vendor knows it: not by its e-mail address; v2 events carry no name.
		expect(notice.subject).toBe('School with Untis tenant n-de activated');
		expect(notice.text).toMatch(/^The Untis Platform sent CREATED for the school with Untis tenant n-de; the school is stored as active\./);
		expect(notice.text).toContain('activator: Admin of n-de <admin@n-de.example>');
		expect(notice.text).toContain('country / region: AT / AT-9');
		expect(notice.text).toContain('welcome email: sent to the activator');
	});

	it('CREATED with language en and a schoolName (a field the platform may add): the English welcome and the notice name the school', async () => {
		const { mails } = await deliver(onboarding, 'created', 'n-en', { fields: { ...school('n-en', 'en'), schoolName: 'Duckburg College' } });
		const welcome = byRecipient(mails)['admin@n-en.example'];
		expect(welcome.subject).toBe('Welcome to Vendor App');
		expect(welcome.text).toMatch(/^Hello Admin of n-en,\n\nyour school Duckburg College has activated Vendor App on the Untis Platform\. The connection/);
		expect(welcome.text.split('\n').slice(1).join('\n')).not.toMatch(/tenant|n-en/i); // after the greeting, which names the activator
		expect(byRecipient(mails)[OPERATIONS].subject).toBe('Duckburg College (Untis tenant n-en) activated');
		expect(welcome.text).not.toMatch(/Willkommen|Guten/);
		expect(mails).toHaveLength(2);
	});

	it('a language neither de nor en (fr), and none at all: English, the fallback', async () => {
		for (const [tenant, language] of [['n-fr', 'fr'], ['n-nolang', undefined]] as const) {
			const { mails } = await deliver(onboarding, 'created', tenant, { fields: school(tenant, language as string | undefined) });
			expect(byRecipient(mails)[`admin@${tenant}.example`].subject).toBe('Welcome to Vendor App');
		}
	});

	it('no activatorEmail: no welcome, and the execution says why; operations still hear of it', async () => {
		const { execution, json, mails } = await deliver(onboarding, 'created', 'n-noadmin', { fields: school('n-noadmin', 'de', false) });
		expect(execution.status).toBe('success');
		expect(mails.map((m) => m.to)).toEqual([[OPERATIONS]]);
		expect(mails[0].text).toContain('welcome email: none (no activatorEmail)');
		expect(json['Welcome email']).toBeUndefined();
		expect(json['No welcome email'][0][0]).toEqual({ welcomeEmail: 'not sent', reason: 'The event has no activatorEmail: no welcome email was sent.', tenantId: 'n-noadmin' });
	});

	it('a v1 body (deprecated, no eventType, no activatorEmail): operations learn of the activation; no welcome', async () => {
		const { execution, mails } = await deliver(onboarding, 'v1', 'n-v1');
		expect(execution.status).toBe('success');
		// The v1 body names the school (schoolName): the notice uses it.
		expect(mails.map((m) => [m.to, m.subject])).toEqual([[[OPERATIONS], 'Example School (Untis tenant n-v1) activated']]);
	});

	it('RESET: operations learn that the school reset its credentials; no welcome', async () => {
		const { json, mails } = await deliver(onboarding, 'reset', 'n-en', { fields: school('n-en', 'en') });
		expect(mails.map((m) => m.to)).toEqual([[OPERATIONS]]);
		expect(mails[0].subject).toBe('School with Untis tenant n-en reset its credentials');
		expect(json['No welcome email'][0][0]).toMatchObject({ reason: expect.stringMatching(/^RESET renews the credentials/) });
	});
});

describe('2 deactivation: alerts follow state, not deliveries', () => {
	let firstDeactivation = '';

	it('DEACTIVATION of a known school: one alert naming the school as stored, the event and what was done (Option B)', async () => {
		const { body, execution, json, mails } = await deliver(deactivation, 'deactivation', 'n-de', { fields: { reasonText: 'Licence not renewed' } });
		firstDeactivation = body;
		expect(execution.status).toBe('success');
		expect(mails).toHaveLength(1);
		const [alert] = mails;
		expect(alert.to).toEqual([OPERATIONS]);
		expect(alert.subject).toBe('School with Untis tenant n-de deactivated');
		const receivedAt = json['Untis Platform Trigger'][1][0].receivedAt as string;
		for (const line of [
			'The Untis Platform sent DEACTIVATION for the school with Untis tenant n-de.',
			'school email: office@n-de.example',
			'activator: Admin of n-de <admin@n-de.example>',
			'country / region: AT / AT-9',
			'status before: active',
			'tenant id: n-de',
			'event type: DEACTIVATION',
			'reason type: SCHOOL_DEACTIVATION',
			'reason text: Licence not renewed',
			`received at: ${receivedAt}`,
			'What was done: the row was kept and flagged deactivated (Option B).',
		]) expect(alert.text).toContain(line);
	});

	it('the same DEACTIVATION again (a platform retry): the execution succeeds, changes nothing, sends nothing, and says why', async () => {
		const { execution, json, mails, payload } = await deliver(deactivation, 'deactivation', 'n-de', { body: firstDeactivation });
		expect(execution.status).toBe('success');
		expect(mails).toEqual([]);
		expect(json['Alert operations']).toBeUndefined();
		expect(json['Mark tenant deactivated (Option B)']).toBeUndefined();
		const deliveryId = (json['Untis Platform Trigger'][1][0] as { deliveryId: string }).deliveryId;
		expect(json['Already processed: nothing to do'][0][0]).toEqual({
			outcome: 'already processed',
			reason: `This delivery (${deliveryId}) was processed before: nothing was changed or sent again.`,
			tenantId: payload.tenantId,
			deliveryId,
		});
	});

	it('another DEACTIVATION (a new delivery) for a school already deactivated: stored, no alert, and the execution says why', async () => {
		const { execution, json, mails } = await deliver(deactivation, 'deactivation', 'n-de', { fields: { reasonText: 'second notice' } });
		expect(execution.status).toBe('success');
		expect(mails).toEqual([]);
		expect(json['Unchanged: no alert'][0][0]).toEqual({
			alert: 'not sent',
			reason: 'Tenant n-de was already deactivated: this DEACTIVATION changes nothing, so no alert was sent.',
			tenantId: 'n-de',
		});
	});

	it('then DELETION: the state changes again, a second alert', async () => {
		const { mails } = await deliver(deactivation, 'deletion', 'n-de');
		expect(mails).toHaveLength(1);
		expect(mails[0].subject).toBe('School with Untis tenant n-de deleted');
		expect(mails[0].text).toContain('status before: deactivated');
		expect(mails[0].text).toContain('reason type: SCHOOL_DELETION');
		expect(mails[0].text).toContain('What was done: the row was kept and flagged deleted (Option B).');
	});

	it('REACTIVATED after that: the school is back (welcome back in German, operations notified)', async () => {
		const { mails } = await deliver(onboarding, 'reactivated', 'n-de', { fields: school('n-de', 'de') });
		const to = byRecipient(mails);
		expect(mails).toHaveLength(2);
		expect(to['admin@n-de.example'].subject).toBe('Willkommen zurück bei Vendor App');
		expect(to['admin@n-de.example'].text).toContain('Ihre Schule hat Vendor App auf der Untis Platform wieder aktiviert. Die Verbindung');
		expect(to[OPERATIONS].subject).toBe('School with Untis tenant n-de reactivated');
	});

	it('a DEACTIVATION for a tenant never onboarded: still an alert, saying so; its retry sends none', async () => {
		const first = await deliver(deactivation, 'deactivation', 'n-unknown');
		expect(first.mails).toHaveLength(1);
		expect(first.mails[0].subject).toBe('School with Untis tenant n-unknown deactivated: no stored row');
		expect(first.mails[0].text).toContain('No stored row for this tenant: it was never onboarded here');
		expect(first.mails[0].text).not.toContain('status before');
		const retry = await deliver(deactivation, 'deactivation', 'n-unknown', { body: first.body });
		expect(retry.mails).toEqual([]);
	});
});

describe('7 failure alert: the Error Workflow of the lifecycle examples', () => {
	it('a delivery whose workflow fails: operations get the workflow, the node, the error, the execution id and link, and no item data', async () => {
		const mailsBefore = mail.messages.length;
		const sinceAlert = n8n.lastExecutionId();
		const { execution } = await deliver(broken, 'deactivation', 'n-broken-tenant', { fields: { reasonText: 'marker-reason-text' } });
		expect(execution.status).toBe('error');
		const [alertRun] = await n8n.waitForExecutions({ workflowId: failureAlert.id, count: 1, sinceId: sinceAlert, timeoutMs: 60000 });
		expect(alertRun.status).toBe('success');
		const mails = mail.messages.slice(mailsBefore);
		expect(mails).toHaveLength(1);
		const [alert] = mails;
		expect(alert.to).toEqual([OPERATIONS]);
		expect(alert.subject).toBe(`Workflow failed: ${broken.name} at Ensure tenant row`);
		expect(alert.text).toContain(`workflow: ${broken.name} (${broken.id})`);
		expect(alert.text).toContain('failed node: Ensure tenant row');
		expect(alert.text).toMatch(/\nerror: .*untis_missing_table/);
		expect(alert.text).toContain(`execution: ${execution.id}\n`);
		expect(alert.text).toMatch(new RegExp(`\\nlink: http://\\S+/workflow/${broken.id}/executions/${execution.id}\\n`));
		expect(alert.text).toContain('school: not known here');
		for (const itemData of ['n-broken-tenant', 'marker-reason-text', 'SCHOOL_DEACTIVATION']) expect(alert.raw).not.toContain(itemData);
	});
});

describe('every message', () => {
	it('counts: each state change mailed once, no duplicate (recipient, subject)', () => {
		// Before the preflight (1), its test mail (1); CREATED de, en, fr, no language (2 each), no
		// activator (1), v1 (1), RESET (1), DEACTIVATION, DELETION (1 each), REACTIVATED (2), unknown
		// tenant (1), failure (1); the two retries: none.
		expect(mail.messages).toHaveLength(1 + 1 + 2 + 2 + 2 + 2 + 1 + 1 + 1 + 1 + 1 + 2 + 1 + 1);
		const keysSeen = mail.messages.map((m) => `${m.to.join(',')} | ${m.subject}`);
		const welcomesBack = keysSeen.filter((k) => k.startsWith('admin@n-de.example'));
		// Two mails to n-de's administrator, different subjects: the welcome and the welcome back.
		expect(welcomesBack).toEqual(['admin@n-de.example | Willkommen bei Vendor App', 'admin@n-de.example | Willkommen zurück bei Vendor App']);
		// After the preflight, every mail comes from the vendor's address: 1, 2 and 7 alike.
		expect(new Set(mail.messages.slice(1).map((m) => m.from.join(',')))).toEqual(new Set(['hello@vendor-app.test']));
		expect(new Set(keysSeen).size).toBe(keysSeen.length);
	});

	it('holds no secret, no password (plain or sealed) and no token, in subject, body or headers', () => {
		expect(plaintexts.length).toBeGreaterThanOrEqual(16);
		for (const message of mail.messages) {
			for (const plaintext of plaintexts) expect(message.raw).not.toContain(plaintext);
			expect({ subject: message.subject, raw: message.raw }).toEqual({ subject: message.subject, raw: expect.not.stringMatching(/secret|password|sealed:|access_token|bearer|BestApp-tenant-/i) });
		}
	});

	it("the examples' stored execution data holds no plaintext secret or password either", () => {
		const stored = JSON.stringify([onboarding, deactivation].flatMap((w) => n8n.readExecutions({ workflowId: w.id }).map((e) => n8n.executionJson(e.id))));
		expect(stored).toContain('sealed:v2:');
		for (const plaintext of plaintexts) expect(stored).not.toContain(plaintext);
	});
});
