import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The examples' mails, read from the shipped JSON: every Send Email node takes its recipient,
 * subject and text from the Set node right before it, and that node builds them from named fields
 * only. No expression that reaches a mail names a credential field or copies an item wholesale.
 * (test/e2e/notifications.e2e.test.cts sends them through a real SMTP server.)
 */
type Node = { name: string; type: string; parameters: Record<string, unknown>; credentials?: Record<string, unknown> };
type Workflow = { id: string; nodes: Node[]; connections: Record<string, { main: Array<Array<{ node: string }>> }>; settings: Record<string, unknown> };
const example = (file: string): Workflow => JSON.parse(readFileSync(join(__dirname, '../../examples', file), 'utf8'));
const FILES = ['1-onboarding.workflow.json', '2-deactivation.workflow.json', '7-failure-alert.workflow.json', '9-refusal-report.workflow.json'];

/** Every string inside a value (parameters are nested objects and arrays). */
const strings = (value: unknown): string[] =>
	typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(strings) : [];
const feeders = (workflow: Workflow, name: string) =>
	Object.entries(workflow.connections).filter(([, c]) => c.main.some((out) => out.some((l) => l.node === name))).map(([from]) => from);

describe.each(FILES)('%s: what reaches a mail', (file) => {
	const workflow = example(file);
	const mailNodes = workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.emailSend');
	const node = (name: string) => workflow.nodes.find((n) => n.name === name)!;

	it('has Send Email nodes, each fed by one Set node, on the shipped SMTP credential, attribution off', () => {
		expect(mailNodes.length).toBeGreaterThan(0);
		for (const mail of mailNodes) {
			expect(mail.credentials).toEqual({ smtp: { id: 'untisSmtpCred00001', name: 'SMTP (operations mail)' } });
			expect(mail.parameters).toMatchObject({ toEmail: '={{ $json.to }}', subject: '={{ $json.subject }}', text: '={{ $json.text }}', emailFormat: 'text' });
			expect((mail.parameters.options as Record<string, unknown>).appendAttribution).toBe(false);
			const [from, ...more] = feeders(workflow, mail.name);
			expect(more).toEqual([]);
			const set = node(from);
			expect(set.type).toBe('n8n-nodes-base.set');
			// Only the fields it names: nothing of the input item is carried along.
			expect(set.parameters.includeOtherFields).toBeUndefined();
		}
	});

	it('no expression of a mail or of its text node names secret, password, clientId or a token, or copies an item whole', () => {
		for (const mail of mailNodes) {
			const texts = [...strings(mail.parameters), ...feeders(workflow, mail.name).flatMap((from) => strings(node(from).parameters))];
			for (const text of texts) {
				expect({ node: mail.name, text }).toEqual({ node: mail.name, text: expect.not.stringMatching(/secret|password|clientId|token/i) });
				// `$json` only as `$json.<field>`; no JSON.stringify, no $input, no .all() / .item whole.
				expect(text).not.toMatch(/\$json(?!\.\w)|JSON\.stringify|\$input|\.all\(\)|\.json(?!\.\w|\?\.\w)/);
			}
		}
	});
});

describe('the lifecycle examples as shipped', () => {
	it('keep Secrets: Seal and name example 7 as their Error Workflow', () => {
		const failure = example('7-failure-alert.workflow.json');
		expect(failure.nodes[0].type).toBe('n8n-nodes-base.errorTrigger');
		for (const file of ['1-onboarding.workflow.json', '2-deactivation.workflow.json']) {
			const workflow = example(file);
			expect(workflow.nodes[0].parameters.secrets).toBe('seal');
			expect(workflow.settings.errorWorkflow).toBe(failure.id);
		}
	});
});

describe("the vendor's addresses and app name: typed once, in the preflight (issue 38)", () => {
	type Assignment = { name: string; value: unknown };
	const assignments = (node: Node) => (node.parameters.assignments as { assignments: Assignment[] }).assignments;
	const preflight = example('0-preflight.workflow.json');
	const typed = Object.fromEntries(assignments(preflight.nodes.find((n) => n.name === 'Settings')!).map((a) => [a.name, a.value])) as Record<string, string>;
	// What the row holds as shipped: the sender is `appName <fromAddress>`.
	const saved: Record<string, string> = { operationsEmail: typed.operationsEmail, fromEmail: `${typed.appName} <${typed.fromAddress}>`, appName: typed.appName };
	const ROW = {
		resource: 'row',
		dataTableId: { __rl: true, mode: 'name', value: 'untis_settings' },
		filters: { conditions: [{ keyName: 'profile', condition: 'eq', keyValue: 'default' }] },
	};
	const READ = { ...ROW, operation: 'get', limit: 1 };

	it('the preflight saves what its Settings node holds in the one row of untis_settings (upsert on profile default)', () => {
		expect(Object.keys(typed)).toEqual(['operationsEmail', 'fromAddress', 'appName']);
		const save = preflight.nodes.find((n) => n.name === 'Save settings')!;
		expect(save.parameters).toMatchObject({ ...ROW, operation: 'upsert' });
		expect((save.parameters.columns as { value: object }).value).toEqual({
			profile: 'default',
			operationsEmail: "={{ $('Settings').first().json.operationsEmail }}",
			fromEmail: "={{ $('Sender').first().json.fromEmail }}",
			appName: "={{ $('Settings').first().json.appName }}",
		});
		// The sender, composed once: appName <fromAddress>.
		expect(assignments(preflight.nodes.find((n) => n.name === 'Sender')!)).toEqual([
			expect.objectContaining({ name: 'fromEmail', value: "={{ $('Settings').first().json.appName + ' <' + $('Settings').first().json.fromAddress + '>' }}" }),
		]);
	});

	it.each([
		['1-onboarding.workflow.json', ['operationsEmail', 'fromEmail', 'appName']],
		['2-deactivation.workflow.json', ['operationsEmail', 'fromEmail']],
		['7-failure-alert.workflow.json', ['operationsEmail', 'fromEmail']],
		['9-refusal-report.workflow.json', ['operationsEmail', 'fromEmail']],
		['12-sync.workflow.json', ['operationsEmail', 'fromEmail']],
		['12-sync-postgres.workflow.json', ['operationsEmail', 'fromEmail']],
	])('%s reads that row before its mails; a missing row or table falls back to the shipped values, and nothing else holds an address', (file, names) => {
		const workflow = example(file);
		const node = (name: string) => workflow.nodes.find((n) => n.name === name)!;
		const read = workflow.nodes.filter((n) => n.name === 'Your settings');
		expect(read).toHaveLength(1);
		expect(read[0]).toMatchObject({ type: 'n8n-nodes-base.dataTable', parameters: READ, onError: 'continueRegularOutput', alwaysOutputData: true });
		// The node right after it takes each setting as `$json.<name> || '<the preflight's shipped value>'`
		// ($json, not $('Your settings'): n8n 2.41 gives $() nothing for a step that failed and went on).
		const [next, ...others] = workflow.connections['Your settings'].main.flat().map((c) => node(c.node));
		expect(others).toEqual([]);
		const reads = strings(next.parameters).flatMap((text) => [...text.matchAll(/\$json\.(\w+) \|\| '((?:[^'\\]|\\.)*)'/g)].map(([, name, fallback]) => [name, fallback]));
		expect(reads.map(([name]) => name).sort()).toEqual([...names].sort());
		for (const [name, fallback] of reads) expect(fallback).toBe(saved[name]);
		expect(JSON.stringify(workflow.nodes.map((n) => n.parameters))).not.toContain("$('Your settings')");
		// No address typed anywhere else in the workflow: the school's and the vendor's come from expressions.
		const literals = workflow.nodes.flatMap((n) => strings(n.parameters)).filter((s) => !s.startsWith('=') && /@/.test(s));
		expect(literals).toEqual([]);
		// Every mail is sent after the read: its node runs before the first Send Email on every path.
		for (const mail of workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.emailSend')) {
			const upstream = new Set<string>();
			const walk = (name: string) => feeders(workflow, name).forEach((from) => !upstream.has(from) && (upstream.add(from), walk(from)));
			walk(mail.name);
			expect({ mail: mail.name, readFirst: upstream.has('Your settings') }).toEqual({ mail: mail.name, readFirst: true });
		}
	});
});

describe('the mails name the school as the vendor knows it (issue 38)', () => {
	const assignment = (file: string, node: string, name: string): string =>
		(example(file).nodes.find((n) => n.name === node)!.parameters.assignments as { assignments: Array<{ name: string; value: string }> }).assignments.find((a) => a.name === name)!.value;

	it("operations subjects: the school's name where the event or the stored row has one, else 'School with Untis tenant …'; never its e-mail address", () => {
		for (const [file, node] of [['1-onboarding.workflow.json', 'Operations notice text'], ['2-deactivation.workflow.json', 'Alert text']]) {
			const subject = assignment(file, node, 'subject');
			expect(subject).toMatch(/\.schoolName \? .*\.schoolName \+ ' \(Untis tenant ' \+ /);
			expect(subject).toContain("'School with Untis tenant ' + ");
			expect(subject).not.toMatch(/schoolEmail|activatorEmail/i);
		}
	});

	it("the welcome to a school's administrator: its name where the event has one, and no tenant", () => {
		const text = assignment('1-onboarding.workflow.json', 'Welcome text (de/en)', 'text');
		expect(text).toContain(".schoolName ? ' ' + ");
		expect(text).not.toMatch(/tenant/i);
		expect(assignment('1-onboarding.workflow.json', 'Welcome text (de/en)', 'subject')).not.toMatch(/tenant/i);
	});
});
