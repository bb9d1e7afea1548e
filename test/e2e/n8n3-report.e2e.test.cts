import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startN8n } = require('./harness');
const { signIn } = require('../../scripts/n8n/editor-run');
const sim = require('../../tools/untis-platform-sim/sim.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * n8n 2.41.1's migration report for 3.0 (module breaking-changes, GET
 * /rest/breaking-changes/report?version=v3, scope breakingChanges:list: the owner) on an instance
 * with this package installed, every shipped example imported and the onboarding example published. 3.0 turns
 * N8N_UNVERIFIED_PACKAGES_ENABLED off by default; the report's rule unverified-packages-v3 flags an
 * instance that leaves the variable unset (it names no package: it cannot tell verified from not).
 * First run: the variable unset (n8n's own default, still true in 2.x), so the package loads and
 * the rule fires. Then restarted with N8N_UNVERIFIED_PACKAGES_ENABLED=true: the rule is gone.
 * The full reports are written to .e2e/n8n3-report.json (quoted in docs/verification.md).
 */
const ROOT = join(__dirname, '../..');
const files = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.workflow.json'));
const examples = files.map((f) => JSON.parse(readFileSync(join(ROOT, 'examples', f), 'utf8')));
// Example 3 ships without a webhookId so that the editor gives each import its own form URL; the
// CLI import the harness uses needs one, as the editor would give it.
for (const workflow of examples) {
	for (const node of workflow.nodes as Array<{ type: string; webhookId?: string }>) {
		if (node.type.endsWith('untisPlatformManualEntryTrigger') && !node.webhookId) node.webhookId = randomUUID();
	}
}
const onboarding = examples[files.indexOf('1-onboarding.workflow.json')];

type Issue = { title: string; description: string; level: string };
type InstanceResult = {
	ruleId: string;
	ruleTitle: string;
	ruleDescription: string;
	ruleSeverity: string;
	instanceIssues: Issue[];
	recommendations: Array<{ action: string; description: string }>;
};
type Report = {
	report: {
		targetVersion: string;
		currentVersion: string;
		instanceResults: InstanceResult[];
		workflowResults: Array<{ ruleId: string; ruleTitle: string; nbAffectedWorkflows: number }>;
	};
	totalWorkflows: number;
};
let n8n: {
	baseUrl: string;
	request(method: string, url: string, o?: { headers?: Record<string, string>; body?: string }): Promise<{ status: number; text: string }>;
	registeredWebhooks(): Array<{ workflowId: string }>;
	restart(o: { env: Record<string, string | undefined> }): Promise<unknown>;
	stop(): Promise<unknown>;
};
const reports: Record<string, Report> = {};

async function report(method: 'GET' | 'POST'): Promise<Report> {
	const browserId = randomBytes(8).toString('hex');
	const cookie = await signIn(n8n, { email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'Untis-e2e-Owner-1' }, browserId);
	const url = `${n8n.baseUrl}/rest/breaking-changes/report${method === 'POST' ? '/refresh' : ''}?version=v3`;
	const res = await n8n.request(method, url, { headers: { 'browser-id': browserId, cookie } });
	expect(res.status).toBe(200);
	return JSON.parse(res.text).data as Report;
}

beforeAll(async () => {
	const keys = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-n8n3-')));
	n8n = await startN8n({
		packageDir: ROOT,
		credentials: [
			{
				...onboarding.nodes[0].credentials.untisPlatformApi,
				type: 'untisPlatformApi',
				data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey: randomBytes(32).toString('base64'), apiBaseUrl: 'http://127.0.0.1:9' },
			},
		],
		// Every example is scanned by the workflow-level rules; only onboarding needs its credential.
		workflows: examples,
		activate: [onboarding.id],
		// The harness sets the variable to true (the 2.x default, to silence a notice): unset it, as
		// an instance that relies on the default has it.
		env: { N8N_UNVERIFIED_PACKAGES_ENABLED: undefined },
	});
	reports.unset = await report('GET');
	await n8n.restart({ env: { N8N_UNVERIFIED_PACKAGES_ENABLED: 'true' } });
	reports.setTrue = await report('POST'); // the report is cached: refresh
	mkdirSync(join(ROOT, '.e2e'), { recursive: true });
	writeFileSync(join(ROOT, '.e2e', 'n8n3-report.json'), `${JSON.stringify(reports, null, 2)}\n`);
}, 15 * 60 * 1000);

afterAll(async () => {
	if (n8n) await n8n.stop();
});

describe("n8n 2.41.1's 3.0 migration report with the package installed", () => {
	it('the package loads with the variable unset (the onboarding trigger is registered)', () => {
		expect(n8n.registeredWebhooks().some((w) => w.workflowId === onboarding.id)).toBe(true);
		expect(reports.unset.report.targetVersion).toBe('v3');
		expect(reports.unset.report.currentVersion).toBe('2.41.1');
		// The setup and preflight, twelve numbered examples, the PostgreSQL sync and the two table setups.
		expect(files).toHaveLength(16);
		expect(reports.unset.totalWorkflows).toBe(files.length);
	});

	it('unset: flags "Unverified community packages are disabled by default" and recommends N8N_UNVERIFIED_PACKAGES_ENABLED=true', () => {
		const rule = reports.unset.report.instanceResults.find((r) => r.ruleId === 'unverified-packages-v3');
		expect(rule).toMatchObject({
			ruleTitle: 'Unverified community packages are disabled by default',
			ruleSeverity: 'medium',
			instanceIssues: [{ title: 'Instance relies on the current default for unverified packages', level: 'warning' }],
			recommendations: [{ action: 'Set N8N_UNVERIFIED_PACKAGES_ENABLED explicitly' }],
		});
		expect(rule!.recommendations[0].description).toContain('set N8N_UNVERIFIED_PACKAGES_ENABLED=true before updating');
	});

	it('set to true: the rule is no longer reported', () => {
		expect(reports.setTrue.report.instanceResults.map((r) => r.ruleId)).not.toContain('unverified-packages-v3');
	});

	it('no workflow-level rule flags any shipped example', () => {
		expect(reports.unset.report.workflowResults).toEqual([]);
		expect(reports.setTrue.report.workflowResults).toEqual([]);
	});
});
