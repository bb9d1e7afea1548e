import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The shipped examples open no door: every n8n Webhook or Form Trigger node asks for
 * authentication, except a Webhook whose every next node is this package's Verify Signature
 * (example 6: the platform signs each request, the next node checks it and answers 401/400).
 * The tenants-table setup has no webhook at all: a Manual Trigger, run once from the editor
 * (second review, issue 25, item 6).
 */
type Node = { name: string; type: string; parameters: Record<string, unknown> };
type Workflow = { id: string; name: string; nodes: Node[]; connections: Record<string, { main?: Array<Array<{ node: string }>> }> };

const dir = join(__dirname, '../../examples');
const examples: Array<[string, Workflow]> = readdirSync(dir)
	.filter((file) => file.endsWith('.json'))
	.sort()
	.map((file) => [file, JSON.parse(readFileSync(join(dir, file), 'utf8')) as Workflow]);
const OPEN_TO_ANYONE = [
	'n8n-nodes-base.webhook',
	'n8n-nodes-base.formTrigger',
	'n8n-nodes-untis-platform.untisPlatformManualEntryTrigger',
	'@n8n/n8n-nodes-langchain.chatTrigger',
	'@n8n/n8n-nodes-langchain.mcpTrigger',
];

function nextNodes(workflow: Workflow, node: Node): Node[] {
	const names = (workflow.connections[node.name]?.main ?? []).flat().map((c) => c.node);
	return names.map((name) => workflow.nodes.find((n) => n.name === name)!);
}
const verifiesSignature = (node: Node) =>
	node.type === 'n8n-nodes-untis-platform.untisPlatform' && node.parameters.operation === 'verifySignature';

describe('the shipped examples', () => {
	it('are all found (the setup and preflight, twelve numbered ones, the PostgreSQL sync, the tenants-table and the sync-tables setups)', () => {
		expect(examples.map(([file]) => file)).toEqual([
			'0-preflight.workflow.json',
			'1-onboarding.workflow.json',
			'10-school-assistant.workflow.json',
			'11-mcp-server.workflow.json',
			'12-sync-postgres.workflow.json',
			'12-sync.workflow.json',
			'2-deactivation.workflow.json',
			'3-manual-entry.workflow.json',
			'4-use-credentials.workflow.json',
			'5-rotate-encryption-key.workflow.json',
			'6-verify-signature-behind-webhook.workflow.json',
			'7-failure-alert.workflow.json',
			'8-calendar.workflow.json',
			'9-refusal-report.workflow.json',
			'create-sync-tables.workflow.json',
			'create-tenants-table.workflow.json',
		]);
	});

	it.each(examples)('%s: every Webhook or Form Trigger asks for authentication, or feeds only Verify Signature', (_file, workflow) => {
		const open = workflow.nodes
			.filter((node) => OPEN_TO_ANYONE.includes(node.type))
			.filter((node) => [undefined, 'none'].includes(node.parameters.authentication as string | undefined))
			.filter((node) => {
				const next = nextNodes(workflow, node);
				return next.length === 0 || !next.every(verifiesSignature);
			})
			.map((node) => node.name);
		expect(open).toEqual([]);
	});

	it.each(examples)("%s: no trigger of this package ships a webhookId (n8n's editor keeps a shipped one: every import would share its URL)", (_file, workflow) => {
		const fixed = (workflow.nodes as Array<Node & { webhookId?: string }>)
			.filter((node) => node.type.startsWith('n8n-nodes-untis-platform.') && node.type.endsWith('Trigger') && node.webhookId !== undefined)
			.map((node) => node.name);
		expect(fixed).toEqual([]);
	});

	it.each(examples)('%s: sets executionOrder v1 (imported without it, the AI Agent gets empty tool results: n8n issue 26202)', (_file, workflow) => {
		expect((workflow as Workflow & { settings?: { executionOrder?: string } }).settings?.executionOrder).toBe('v1');
	});

	it.each(examples)("%s: every $fromAI() call parses (n8n refuses a quote or parenthesis in its description: the tool would not start)", (_file, workflow) => {
		const calls = JSON.stringify(workflow).match(/\$fromAI\([^}]*/g) ?? [];
		expect(calls.filter((call) => !/^\$fromAI\('[\w-]{1,64}', '[^'()"\\]*', '(string|number|boolean|json)'\) $/.test(call))).toEqual([]);
	});

	it('examples 10 and 11: the chat and the MCP server ask for a login, ship no webhookId and no credential for the model', () => {
		const chat = examples.find(([file]) => file.startsWith('10-'))![1].nodes as Array<Node & { webhookId?: string; credentials?: object }>;
		const mcp = examples.find(([file]) => file.startsWith('11-'))![1].nodes;
		expect(chat[0]).toMatchObject({ type: '@n8n/n8n-nodes-langchain.chatTrigger', parameters: { public: true, authentication: 'basicAuth' } });
		expect(chat[0].webhookId).toBeUndefined();
		expect(chat.filter((node) => node.type.startsWith('@n8n/n8n-nodes-langchain.lmChat')).map((node) => node.credentials)).toEqual([undefined]);
		expect(mcp[0]).toMatchObject({ type: '@n8n/n8n-nodes-langchain.mcpTrigger', parameters: { authentication: 'bearerAuth' } });
	});

	it("example 3's form is the package's Manual Entry Trigger, behind its Form Login, checking with the platform and sealing", () => {
		const workflow = examples.find(([file]) => file.startsWith('3-'))![1];
		const form = workflow.nodes[0] as Node & { credentials?: Record<string, unknown> };
		expect(form.type).toBe('n8n-nodes-untis-platform.untisPlatformManualEntryTrigger');
		expect(form.parameters).toMatchObject({ authentication: 'basicAuth', checkWithPlatform: true, secrets: 'seal' });
		expect(Object.keys(form.credentials ?? {}).sort()).toEqual(['untisPlatformApi', 'untisPlatformFormLoginApi']);
		expect(workflow.nodes.some((node) => node.type === 'n8n-nodes-base.formTrigger')).toBe(false);
	});

	it("example 6's open Webhook is the documented exception: its only next node verifies the signature", () => {
		const workflow = examples.find(([file]) => file.startsWith('6-'))![1];
		const webhook = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.webhook')!;
		expect(webhook.parameters.authentication).toBeUndefined();
		expect(nextNodes(workflow, webhook).map((node) => [node.name, verifiesSignature(node)])).toEqual([['Verify signature', true]]);
	});

	it('create-tenants-table starts with a Manual Trigger, has no webhook, and creates untis_tenants, then the ledger untis_deliveries', () => {
		const workflow = examples.find(([file]) => file === 'create-tenants-table.workflow.json')![1];
		expect(workflow.nodes.map((node) => node.type)).toEqual(['n8n-nodes-base.manualTrigger', 'n8n-nodes-base.dataTable', 'n8n-nodes-base.dataTable']);
		const [trigger, tenants, deliveries] = workflow.nodes;
		expect(nextNodes(workflow, trigger)).toEqual([tenants]);
		expect(nextNodes(workflow, tenants)).toEqual([deliveries]);
		expect(Object.keys(workflow.connections)).toEqual([trigger.name, tenants.name]);
		expect(tenants.parameters).toMatchObject({ resource: 'table', operation: 'create', tableName: 'untis_tenants' });
		expect(deliveries.parameters).toMatchObject({ resource: 'table', operation: 'create', tableName: 'untis_deliveries' });
	});

	it('0-preflight starts with a Manual Trigger, has no webhook, creates the tables exactly as create-tenants-table does, and the table of your settings', () => {
		const preflight = examples.find(([file]) => file === '0-preflight.workflow.json')![1];
		const setup = examples.find(([file]) => file === 'create-tenants-table.workflow.json')![1];
		expect(preflight.nodes[0].type).toBe('n8n-nodes-base.manualTrigger');
		expect(preflight.nodes.filter((node) => OPEN_TO_ANYONE.includes(node.type) || /webhook|trigger/i.test(node.type.replace('manualTrigger', '')))).toEqual([]);
		const tables = (workflow: Workflow) => workflow.nodes.filter((node) => node.type === 'n8n-nodes-base.dataTable' && node.parameters.resource === 'table').map((node) => node.parameters);
		const [tenants, deliveries, settings, ...more] = tables(preflight);
		expect([tenants, deliveries]).toEqual(tables(setup));
		expect(settings).toMatchObject({ operation: 'create', tableName: 'untis_settings', options: { createIfNotExists: true } });
		expect(more).toEqual([]);
		// Every check goes on after a failure, so the report lists every problem at once.
		const checks = preflight.nodes.filter((node) => !['n8n-nodes-base.manualTrigger', 'n8n-nodes-base.set', 'n8n-nodes-base.stickyNote'].includes(node.type));
		expect(checks.map((node) => (node as Node & { onError?: string }).onError)).toEqual(checks.map(() => 'continueRegularOutput'));
	});

	// Issue 36: every example that writes the tenant row writes it only through the conditional
	// update (one UPDATE ... WHERE on the event the row follows) after the ledger check.
	it.each(examples.filter(([file]) => /^[123]-/.test(file)))('%s: writes untis_tenants only by the conditional update, after the ledger', (_file, workflow) => {
		const writes = workflow.nodes.filter((node) => node.type === 'n8n-nodes-base.dataTable' && (node.parameters.dataTableId as { value: string } | undefined)?.value === 'untis_tenants' && node.parameters.operation !== 'get');
		for (const node of writes) {
			if (node.parameters.operation === 'upsert') {
				// Only "Ensure tenant row": it writes nothing but the tenantId.
				expect(Object.keys((node.parameters.columns as { value: object }).value)).toEqual(['tenantId']);
				continue;
			}
			expect(node.parameters.operation).toBe('update');
			const keys = (node.parameters.filters as { conditions: Array<{ keyName: string }> }).conditions.map((c) => c.keyName);
			expect(keys).toEqual(['tenantId', 'lastEventAt', 'deliveryId']);
		}
		expect(writes.filter((node) => node.parameters.operation === 'update').length).toBeGreaterThan(0);
		expect(nextNodes(workflow, workflow.nodes[0]).concat(nextNodes(workflow, workflow.nodes[1])).map((node) => node.name)).toContain('Seen before?');
	});

	it("example 8 answers the Calendar Trigger with Respond with Calendar, its events looked up by tenant and user", () => {
		const workflow = examples.find(([file]) => file.startsWith('8-'))![1];
		const [trigger, table, respond] = workflow.nodes as Array<Node & { credentials?: Record<string, unknown>; alwaysOutputData?: boolean }>;
		expect(trigger.type).toBe('n8n-nodes-untis-platform.untisPlatformCalendarTrigger');
		expect(trigger.parameters.options).toEqual({});
		expect(Object.keys(trigger.credentials ?? {})).toEqual(['untisPlatformApi']);
		expect(nextNodes(workflow, trigger)).toEqual([table]);
		expect(table.type).toBe('n8n-nodes-base.dataTable');
		expect(table.alwaysOutputData).toBe(true);
		const conditions = (table.parameters.filters as { conditions: Array<{ keyName: string; condition: string; keyValue: string }> }).conditions;
		expect(conditions).toEqual([
			{ keyName: 'tenantId', condition: 'eq', keyValue: '={{ $json.tenantId }}' },
			{ keyName: 'user', condition: 'eq', keyValue: '={{ $json.user }}' },
		]);
		expect(nextNodes(workflow, table)).toEqual([respond]);
		expect(respond.parameters).toMatchObject({ operation: 'respondWithCalendar', startField: 'start', endField: 'end' });
	});

	// Issue 37: the sync tables are one list in three places, and every write is keyed by tenant.
	describe('the sync (12-sync, create-sync-tables, example 2 Option A)', () => {
		const byFile = (file: string) => examples.find(([name]) => name === file)![1];
		const sync = byFile('12-sync.workflow.json');
		const named = (workflow: Workflow, name: string) => workflow.nodes.find((node) => node.name === name)!;
		const listIn = (workflow: Workflow, name: string) => {
			const value = (named(workflow, name).parameters.assignments as { assignments: Array<{ value: string }> }).assignments[0].value;
			return JSON.parse(value.replace(/^=\{\{\s*/, '').replace(/\s*\}\}$/, '')) as string[];
		};
		const TABLES = ['untis_orgs', 'untis_academic_sessions', 'untis_classes', 'untis_teachers', 'untis_students', 'untis_enrollments', 'untis_periods'];

		it('create-sync-tables creates the seven record tables and untis_sync_state; example 2 Option A erases all eight', () => {
			expect(listIn(byFile('create-sync-tables.workflow.json'), 'The sync tables')).toEqual(TABLES);
			expect(listIn(byFile('2-deactivation.workflow.json'), 'Sync tables (Option A)')).toEqual([...TABLES, 'untis_sync_state']);
			const sweeps = (named(sync, 'Collect changes').parameters.assignments as { assignments: Array<{ name: string; value: string }> }).assignments.find((a) => a.name === 'sweeps')!.value;
			expect(sweeps.replace(/\s/g, '')).toContain(JSON.stringify(TABLES));
			for (const table of TABLES) expect(JSON.stringify(named(sync, 'Collect changes').parameters)).toContain(`'${table}'`);
		});

		it("example 2 Option A deletes only in the listed tables that exist, each by its id (n8n's by-name lookup matches a part of a name)", () => {
			const deactivation = byFile('2-deactivation.workflow.json');
			expect(nextNodes(deactivation, named(deactivation, 'Sync tables (Option A)')).map((node) => node.name)).toEqual(['Data tables of this project']);
			expect(named(deactivation, 'Data tables of this project').parameters).toMatchObject({ resource: 'table', operation: 'list', returnAll: true });
			expect(JSON.stringify(named(deactivation, 'Sync tables that exist').parameters)).toContain("$('Sync tables (Option A)').first().json.table.includes(table.name)");
			expect(named(deactivation, "Delete the school's synced rows").parameters.dataTableId).toEqual({ __rl: true, mode: 'id', value: '={{ $json.id }}' });
			// No sync table: straight on to Record delivery.
			expect(deactivation.connections['Any sync table?'].main!.map((branch) => branch.map((c) => c.node))).toEqual([['One item per sync table'], ['Record delivery']]);
		});

		it('reads only active tenants, and every write and delete of a sync table is keyed by the run\'s tenant', () => {
			expect(named(sync, 'Read active tenants').parameters.filters).toEqual({ conditions: [{ keyName: 'status', condition: 'eq', keyValue: 'active' }] });
			const writes = sync.nodes.filter((node) => node.type === 'n8n-nodes-base.dataTable' && node.parameters.operation !== 'get');
			expect(writes.map((node) => node.name).sort()).toEqual(['Advance sync state', 'Remove row', 'Sweep what was not seen', 'Upsert row']);
			for (const node of writes) {
				const [first] = (node.parameters.filters as { conditions: Array<{ keyName: string; condition: string; keyValue: string }> }).conditions;
				expect(first).toEqual({ keyName: 'tenantId', condition: 'eq', keyValue: "={{ $('Plan').first().json.tenantId }}" });
			}
			// The API calls go only to active tenants, and the tenant's status is checked by the node too.
			for (const node of sync.nodes.filter((n) => n.type === 'n8n-nodes-untis-platform.untisPlatform')) expect(node.parameters.tenantStatus).toBe('={{ $json.status }}');
			expect(nextNodes(sync, named(sync, 'Plan')).map((node) => node.name)).toEqual(['Active?']);
		});

		it('12-sync-postgres: one statement per tenant run, its parameters the run\'s tenant first; the erase keyed by the tenant', () => {
			const postgres = byFile('12-sync-postgres.workflow.json');
			const queries = postgres.nodes.filter((node) => node.type === 'n8n-nodes-base.postgres');
			expect(queries.map((node) => node.name).sort()).toEqual(["Erase the tenant's rows", 'Read sync state', 'Write changes']);
			const write = named(postgres, 'Write changes').parameters as { query: string; options: { queryReplacement: string } };
			expect(write.options.queryReplacement.startsWith("={{ [$('Plan').first().json.tenantId,")).toBe(true);
			for (const statement of write.query.match(/(DELETE FROM|INSERT INTO) \w+[^;]*?(WHERE|SELECT)[^;]*?tenant/g) ?? []) expect(statement).toMatch(/tenant/);
			expect(write.query).toContain('ON CONFLICT (tenant_id, kind, sourced_id) DO UPDATE');
			expect((named(postgres, "Erase the tenant's rows").parameters as { query: string }).query.match(/WHERE tenant_id = \$1/g)).toHaveLength(2);
			expect(nextNodes(postgres, named(postgres, 'Collect changes')).map((node) => node.name)).toEqual(['Write changes']);
		});

		it('12-sync-postgres reads one item per page (Output), and Collect changes takes the records of the pages', () => {
			const postgres = byFile('12-sync-postgres.workflow.json');
			const reads = postgres.nodes.filter((node) => node.type === 'n8n-nodes-untis-platform.untisPlatform' && node.parameters.operation !== 'getDeletedPeriods');
			expect(reads.map((node) => (node.parameters.options as { output?: string }).output ?? node.parameters.output)).toEqual(Array(7).fill('pages'));
			const collect = JSON.stringify(named(postgres, 'Collect changes').parameters);
			expect(collect.match(/flatMap\(i => i\.json\.records\)/g)).toHaveLength(3);
			expect(collect).not.toMatch(/\.map\(i => i\.json\)/);
		});

		it('writes only after every read, and advances the sync state last', () => {
			const afterActive = nextNodes(sync, named(sync, 'Active?')).map((node) => node.name);
			// n8n's execution order v1 runs the branches top to bottom: Collect changes is the lowest.
			const lowest = sync.nodes.filter((node) => afterActive.includes(node.name)).sort((a, b) => (b as unknown as { position: number[] }).position[1] - (a as unknown as { position: number[] }).position[1])[0];
			expect(lowest.name).toBe('Collect changes');
			const afterCollect = nextNodes(sync, named(sync, 'Collect changes')).map((node) => node.name);
			expect(afterCollect).toEqual(['Split removals', 'Split upserts', 'Split sweeps', 'Advance sync state']);
			const y = (name: string) => (named(sync, name) as unknown as { position: number[] }).position[1];
			expect(afterCollect.map(y)).toEqual([...afterCollect.map(y)].sort((a, b) => a - b));
		});
	});
});

