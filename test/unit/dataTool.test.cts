import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { UntisPlatform } from '../../dist/nodes/UntisPlatform/UntisPlatform.node';
import { UntisPlatformData } from '../../dist/nodes/UntisPlatform/UntisPlatformData.node';
import { EXTERN_OPERATIONS } from '../../nodes/UntisPlatform/core/api/extern';
import { ONEROSTER_ENDPOINTS } from '../../nodes/UntisPlatform/core/api/oneRoster';
import { answerFor, capOf, REMOVED, scrubbed, selectFields } from '../../nodes/UntisPlatform/core/agent/modelOutput';
import { fromAiOutside, jsonKeysRead } from '../../nodes/UntisPlatform/core/agent/toolArguments';
import { toolErrorText } from '../../dist/nodes/UntisPlatform/actions/tool/toolRun';
import { sealerFor } from '../../nodes/UntisPlatform/core/sealing/sealing';
import { ENCRYPTION_KEY, keyPair } from '../helpers/platform.cjs';
import { executeAgainst, startUntisApiMock, type UntisApiMock } from '../helpers/untisApiMock.cjs';

/**
 * Untis Platform Data, the read-only tool for AI agents (issue 41), through node.execute() against
 * the loopback stand-in of the Untis APIs. "As the AI Agent runs it" is n8n 2.41's engine path:
 * the model's arguments merged into the agent's input item (the tenant row), the node marked
 * rewireOutputLogTo 'ai_tool', $fromAI reading the arguments alone.
 */
const node = new UntisPlatformData();
const sealer = sealerFor(ENCRYPTION_KEY);
const credential = { publicKeys: keyPair().spki, encryptionKey: ENCRYPTION_KEY };
let mock: UntisApiMock;
beforeAll(async () => (mock = await startUntisApiMock()));
afterAll(() => mock.close());
beforeEach(() => (mock.calls.length = 0));

const PASSWORD = 'pw-1'; // what the stand-in accepts for client-1
const tenantRow = (tenantId = 't-1', overrides: IDataObject = {}): IDataObject => ({
	tenantId,
	clientId: 'client-1',
	password: sealer.seal(PASSWORD, { tenantId, field: 'password' }),
	tenantStatus: 'active',
	...overrides,
});
/** The node's parameters as a workflow saves them: tenant fields read the item, the rest given. */
const params = (resource: string, operation: string, overrides: IDataObject = {}): IDataObject => ({
	resource,
	operation,
	tenantId: '={{ $json.tenantId }}',
	clientId: '={{ $json.clientId }}',
	password: '={{ $json.password }}',
	tenantStatus: '={{ $json.tenantStatus }}',
	...overrides,
});

/** As a plain workflow node (no agent). */
const run = (items: IDataObject[], parameters: IDataObject, options: { continueOnFail?: boolean } = {}) =>
	executeAgainst(mock, node, items, parameters, { ...options, credential });

/**
 * As the AI Agent runs a tool node: the input item is the tenant row with the model's arguments
 * merged in, `raw` the parameters as saved (what getNode().parameters shows), `args` the model's.
 */
function runAsTool(row: IDataObject, parameters: IDataObject, args: IDataObject, raw: IDataObject = parameters): Promise<INodeExecutionData[]> {
	const merged = { ...row, ...args, toolCallId: 'call-1' };
	// n8n resolves $fromAI('key') to the model's argument; the stand-in helper resolves only $json.
	const resolved = Object.fromEntries(
		Object.entries(parameters).map(([name, value]) => {
			const key = typeof value === 'string' ? /^=\{\{ \$fromAI\('(\w+)'/.exec(value)?.[1] : undefined;
			return [name, key === undefined ? value : args[key]];
		}),
	);
	const asAgentRuns = {
		execute(this: IExecuteFunctions) {
			const context = Object.create(this) as IExecuteFunctions;
			Object.assign(context, {
				getNode: () => ({ ...this.getNode(), parameters: raw, rewireOutputLogTo: 'ai_tool' }),
				getWorkflowDataProxy: () => ({ $fromAI: (key: string) => args[key] }),
			});
			return node.execute.call(context);
		},
	};
	return executeAgainst(mock, asAgentRuns, [merged], resolved, { credential });
}

const json = (out: INodeExecutionData[]) => out.map((item) => item.json);

describe('the tenant comes from the workflow, never from the model', () => {
	it.each(['tenantId', 'clientId', 'password', 'host', 'tenantStatus', 'apiHost'])('a $fromAI() in %s is refused before any request', async (field) => {
		const raw = params('student', 'getMany', { [field]: `={{ $fromAI('${field}', 'the ${field}', 'string') }}` });
		const out = await runAsTool(tenantRow(), params('student', 'getMany'), {}, raw);
		expect(json(out)).toEqual([{ error: expect.stringMatching(new RegExp(`^Refused: ${field} asks the model for a value \\(\\$fromAI\\)`)) }]);
		expect(mock.calls).toEqual([]);
	});

	it('so is a $fromAI() in the cap or the fields, in any spelling n8n accepts', async () => {
		const raw = params('student', 'getMany', { maxRecords: "={{ $fromai('n') }}", fields: "={{ $fromAI ('f') }}" });
		const [answer] = json(await runAsTool(tenantRow(), params('student', 'getMany'), {}, raw));
		expect(answer.error).toMatch(/^Refused: maxRecords, fields ask the model/);
		expect(mock.calls).toEqual([]);
	});

	it.each([
		['another tenant', { tenantId: 't-other' }],
		['a host', { host: 'evil.example' }],
		['a password', { password: 'guess' }],
		['a raw path', { path: '/WebUntis/api/sso/v3/t-1/token' }],
		['a token', { token: 'x' }],
		['an active status for a deactivated tenant', { status: 'active', tenantStatus: 'active' }],
	])('a tool call that carries %s is refused, and the stand-in sees no request', async (_what, args) => {
		const out = await runAsTool(tenantRow('t-1', { tenantStatus: 'deactivated' }), params('student', 'getMany', { search: "={{ $fromAI('search') }}" }), { search: 'a', ...args });
		expect(json(out)).toEqual([{ error: expect.stringMatching(/^Refused: the tool call carries '.+'\. The tenant, its host and its credentials, the cap and the fields are fixed by the workflow/) }]);
		expect(mock.calls).toEqual([]);
	});

	it('a setting that reads the item (here the cap) cannot be set by the tool call either', async () => {
		const out = await runAsTool(tenantRow(), params('org', 'getMany', { maxRecords: 10000 }), { maxRecords: 10000 }, params('org', 'getMany', { maxRecords: '={{ $json.maxRecords }}' }));
		expect(json(out)).toEqual([{ error: expect.stringMatching(/^Refused: the tool call carries 'maxRecords'/) }]);
		expect(mock.calls).toEqual([]);
	});

	it('so is a key a tenant field reads through $input (here a vendor\'s school column): every spelling of the input item', async () => {
		for (const item of ['$input.first().json', '$input.item.json', '$item(0).$json']) {
			mock.calls.length = 0;
			const raw = params('org', 'getMany', { tenantId: `={{ ${item}.school }}` });
			const out = await runAsTool(tenantRow(), params('org', 'getMany'), { school: 't-other' }, raw);
			expect({ item, out: json(out) }).toEqual({ item, out: [{ error: expect.stringMatching(/^Refused: the tool call carries 'school'/) }] });
			expect(mock.calls).toEqual([]);
		}
	});

	it('without a tenant from the workflow (an MCP call with nothing before it), nothing is read', async () => {
		const out = await runAsTool({}, params('student', 'getMany'), {});
		expect(json(out)).toEqual([{ error: expect.stringMatching(/^Refused: no tenant\. The workflow must give the tenant's row before the agent/) }]);
		expect(mock.calls).toEqual([]);
	});

	it('a model-given ID stays one path segment: it cannot reach another endpoint', async () => {
		const out = await runAsTool(tenantRow(), params('student', 'get', { sourcedId: "={{ $fromAI('sourcedId') }}" }), { sourcedId: '../../../WebUntis/api/sso/v3/t-1/token' });
		expect(json(out)[0].error).toMatch(/was not found \(HTTP 404\)/);
		expect(mock.dataCalls().map((c) => c.path)).toEqual(['/ims/oneroster/v1p1/students/..%2F..%2F..%2FWebUntis%2Fapi%2Fsso%2Fv3%2Ft-1%2Ftoken']);
		const [dots] = json(await runAsTool(tenantRow(), params('student', 'get', { sourcedId: "={{ $fromAI('sourcedId') }}" }), { sourcedId: '..' }));
		expect(dots.error).toMatch(/^Sourced ID is '\.\.', not an ID/);
	});

	it('a deactivated tenant is refused, with no token request', async () => {
		const out = await runAsTool(tenantRow('t-1', { tenantStatus: 'deactivated' }), params('student', 'getMany'), {});
		expect(json(out)).toEqual([{ error: expect.stringMatching(/^Tenant 't-1' is deactivated: deactivated tenants must not trigger new API calls/) }]);
		expect(mock.calls).toEqual([]);
	});

	it('the tool offers no override for inactive tenants, whatever the saved parameters say', async () => {
		const out = await run([tenantRow('t-1', { tenantStatus: 'deactivated' })], params('student', 'getMany', { allowInactiveTenants: true }), { continueOnFail: true });
		expect(json(out)[0].error).toMatch(/deactivated/);
		expect(mock.calls).toEqual([]);
	});
});

describe('output fit for a model', () => {
	it('at most the cap (default 50), saying that more exist and how to narrow the question', async () => {
		const [answer] = json(await run([tenantRow()], params('org', 'getMany')));
		expect(answer).toMatchObject({ read: 'org: Get Many', count: 50, moreExist: true });
		expect(answer.note).toMatch(/^More records exist than the 50 returned .* Narrow the question: give a search text/);
		// One record more than the cap is asked for, never the whole collection.
		expect(mock.dataCalls().map((c) => c.query)).toEqual([{ limit: '51', offset: '0' }]);
		const [few] = json(await run([tenantRow()], params('student', 'getMany', { maxRecords: 20 })));
		expect(few).toMatchObject({ count: 20, moreExist: true });
	});

	it('a cap above the hard maximum is lowered to 500', async () => {
		const [answer] = json(await run([tenantRow()], params('org', 'getMany', { maxRecords: 10000 })));
		expect(answer.count).toBe(250);
		expect(answer.moreExist).toBeUndefined();
		expect(mock.dataCalls()[0].query.limit).toBe('100');
		expect(mock.dataCalls().reduce((sum, c) => Math.max(sum, Number(c.query.offset)), 0)).toBeLessThan(501);
	});

	it('a search becomes a Contains on the names; fields keep records compact', async () => {
		const [answer] = json(await run([tenantRow()], params('teacher', 'getMany', { search: 'a', fields: 'givenName, familyName' })));
		expect(mock.dataCalls()[0].query.filter).toBe("givenName~'a' OR familyName~'a'");
		expect((answer.records as IDataObject[]).length).toBeGreaterThan(0);
		for (const record of answer.records as IDataObject[]) expect(Object.keys(record).sort()).toEqual(['familyName', 'givenName']);
		expect(answer.moreExist).toBeUndefined();
	});

	it('a search with a quote is an error text the model can act on, before any request', async () => {
		const [answer] = json(await runAsTool(tenantRow(), params('student', 'getMany', { search: "={{ $fromAI('search') }}" }), { search: "O'Brien" }));
		expect(answer.error).toMatch(/^Search: Filter value contains a single quote/);
		expect(mock.calls).toEqual([]);
	});

	it('the timetable of a class, with names instead of IDs and no student lists', async () => {
		const [answer] = json(await run([tenantRow()], params('timetable', 'get', { start: '2026-12-07', end: '2026-12-11', className: '1A' })));
		const records = answer.records as IDataObject[];
		expect(records.length).toBeGreaterThan(0);
		for (const period of records) {
			expect(period.classes).toContain('1A');
			expect(period).not.toHaveProperty('students');
		}
		expect(records[0]).toEqual({ date: expect.any(String), startTime: expect.any(String), endTime: expect.any(String), status: expect.any(String), classes: expect.any(Array), subjects: expect.any(Array), teachers: expect.any(Array), rooms: expect.any(Array) });
	});

	it('students of a class (extern) use the Students API filter; a bad date is a plain error text', async () => {
		await run([tenantRow()], params('externStudent', 'getMany', { schoolYearId: '12', className: '1A' }));
		expect(mock.dataCalls()[0].query).toEqual({ schoolYearId: '12', filter: "classAssignments.className='1A'" });
		const [answer] = json(await runAsTool(tenantRow(), params('lesson', 'getMany', { start: "={{ $fromAI('start') }}", end: "={{ $fromAI('end') }}" }), { start: 'tomorrow', end: '2026-12-11' }));
		expect(answer).toEqual({ error: "Start 'tomorrow' is not an ISO 8601 date such as 2026-09-01" });
	});

	it('an API refusal is a plain error text (no stack), and a workflow without an agent still fails the item', async () => {
		const [answer] = json(await runAsTool(tenantRow('no-oneroster'), params('student', 'getMany'), {}));
		expect(answer.error).toMatch(/^OneRoster students of tenant 'no-oneroster' is forbidden \(HTTP 403\)/);
		expect(answer.error).not.toMatch(/\n\s+at /);
		await expect(run([tenantRow('no-oneroster')], params('student', 'getMany'))).rejects.toThrow(/forbidden \(HTTP 403\)/);
	});
});

describe('never a token, a secret, a password or a sealed value: every read', () => {
	// Planted in what the stand-in serves (restored after): a record that carries secrets must not pass them on.
	const SEALED = sealer.seal('leak-1', { tenantId: 't-1', field: 'secret' });
	let restore: () => void = () => undefined;
	beforeAll(() => {
		const { students, extern } = mock.dataset;
		const [student, externStudent] = [students[0], extern.students[0]] as IDataObject[];
		const saved = [{ ...student }, { ...externStudent }];
		Object.assign(student, { password: 'pw-1', metadata: { ...(student.metadata as IDataObject), note: SEALED, token: 'tok-x' } });
		Object.assign(externStudent, { secret: 'sec-plain-1', remark: `Bearer tok-planted` });
		restore = () => {
			for (const key of Object.keys(student)) delete student[key];
			for (const key of Object.keys(externStudent)) delete externStudent[key];
			Object.assign(student, saved[0]);
			Object.assign(externStudent, saved[1]);
		};
	});
	afterAll(() => restore());

	const idsFor = (resource: string) => {
		const { schools, classes, students, teachers, enrollments, academicSessions, users } = mock.dataset;
		const sample: Record<string, unknown> = { org: schools[0], user: users[0], student: students[0], teacher: teachers[0], class: classes[0], academicSession: academicSessions[0], enrollment: enrollments[0] };
		return { sourcedId: (sample[resource] as { sourcedId: string }).sourcedId, schoolSourcedId: schools[0].sourcedId as string, classSourcedId: classes[0].sourcedId as string };
	};
	const reads: Array<[string, string, () => IDataObject]> = [
		...Object.entries(ONEROSTER_ENDPOINTS).flatMap(([resource, operations]) => Object.keys(operations).map((operation): [string, string, () => IDataObject] => [resource, operation, () => idsFor(resource)])),
		['externStudent', 'getMany', () => ({ schoolYearId: '12' })],
		['lesson', 'getMany', () => ({ start: '2026-09-01', end: '2027-06-30' })],
		['timetable', 'get', () => ({ start: '2026-12-07', end: '2026-12-11' })],
		['timetable', 'getDeletedPeriods', () => ({ dateLastModifiedAfter: '2020-01-01T00:00:00Z' })],
	];
	it('covers all 26 reads', () => expect(reads).toHaveLength(26));

	it.each(reads)('%s → %s', async (resource, operation, extra) => {
		const out = await runAsTool(tenantRow('t-1', { secret: 'sec-plain-1' }), params(resource, operation, { ...extra(), maxRecords: 500 }), {});
		const [answer] = json(out);
		expect(answer.error).toBeUndefined();
		expect((answer.records as unknown[]).length).toBeGreaterThan(0);
		expect(JSON.stringify(out)).not.toMatch(/tok-|sealed:|pw-1|sec-plain-1|leak-1|"password"|"secret"|"token"|access_token|bearer/i);
	});

	it('the planted values were served (so the reads above could have leaked them)', async () => {
		const [answer] = json(await run([tenantRow()], params('student', 'getMany', { maxRecords: 500 })));
		expect(JSON.stringify(answer)).toContain('[removed]');
		expect(JSON.stringify(mock.dataset.students[0])).toContain('sealed:');
	});
});

/** As a tool invocation hands it over (the MCP Server Trigger, older agents): the item is the arguments alone. */
function runAsInvokedTool(parameters: IDataObject, args: IDataObject): Promise<INodeExecutionData[]> {
	const invoked = {
		execute(this: IExecuteFunctions) {
			const context = Object.create(this) as IExecuteFunctions;
			Object.assign(context, {
				getNode: () => ({ ...this.getNode(), parameters }),
				isToolExecution: () => true,
				getWorkflowDataProxy: () => ({ $fromAI: (key: string) => args[key] }),
			});
			return node.execute.call(context);
		},
	};
	return executeAgainst(mock, invoked, [args], parameters, { credential });
}

describe('as a tool invocation (MCP Server Trigger): the same refusals', () => {
	it('arguments that name a tenant are refused; fixed tenant values read', async () => {
		const fixed = params('academicSession', 'getMany', { tenantId: 't-1', clientId: 'client-1', password: tenantRow().password, tenantStatus: 'active' });
		expect(json(await runAsInvokedTool(fixed, { tenantId: 't-2' }))).toEqual([{ error: expect.stringMatching(/^Refused: the tool call carries 'tenantId'/) }]);
		expect(mock.calls).toEqual([]);
		const [answer] = json(await runAsInvokedTool(fixed, {}));
		expect(answer).toMatchObject({ read: 'academicSession: Get Many', count: 1 });
	});
});

describe('the description: the typed reads and nothing else, from the one catalogue', () => {
	const description = node.description;
	const operations = description.properties.filter((p) => p.name === 'operation');
	const offered = operations.flatMap((p) => (p.options as Array<{ value: string; action: string }>).map((o) => `${p.displayOptions!.show!.resource![0]}:${o.value}`));

	it('usable as a tool; 22 OneRoster reads and the 4 extern reads; no Platform operation', () => {
		expect(description.usableAsTool).toBe(true);
		const catalogue = [
			...Object.entries(ONEROSTER_ENDPOINTS).flatMap(([resource, ops]) => Object.keys(ops).map((op) => `${resource}:${op}`)),
			...Object.entries(EXTERN_OPERATIONS).flatMap(([resource, ops]) => Object.keys(ops).map((op) => `${resource}:${op}`)),
		];
		expect([...offered].sort()).toEqual([...catalogue].sort());
		expect(offered).toHaveLength(26);
		const names = JSON.stringify(description.properties);
		for (const forbidden of ['unsealSecrets', 'getAccessToken', 'apiRequest', 'confirmDelivery', 'reseal', 'secrets', 'returnAll', '"path"', 'allowInactiveTenants']) expect(names).not.toContain(forbidden);
	});

	it("each read's action (n8n's automatic tool description) says what it returns, in the catalogue's words", () => {
		const companion = new UntisPlatform().description.properties.filter((p) => p.name === 'operation');
		for (const list of operations) {
			const resource = list.displayOptions!.show!.resource![0] as string;
			const same = companion.find((p) => p.displayOptions?.show?.resource?.[0] === resource)!;
			for (const option of list.options as Array<{ value: string; name: string; description: string; action: string }>) {
				const theirs = (same.options as Array<{ value: string; name: string; description: string; action: string }>).find((o) => o.value === option.value)!;
				expect(option.name).toBe(theirs.name);
				expect(option.action.startsWith(`${theirs.action}: ${theirs.description}`)).toBe(true);
			}
		}
	});

	it('tenant fields default to the input item; model arguments default to empty', () => {
		const byName = (name: string) => description.properties.filter((p) => p.name === name);
		for (const name of ['tenantId', 'clientId', 'password', 'host']) expect(byName(name).map((p) => p.default)).toEqual([`={{ $json.${name} }}`]);
		expect(byName('password')[0].typeOptions).toEqual({ password: true });
		for (const name of ['search', 'className', 'start', 'end', 'sourcedId']) for (const p of byName(name)) expect(p.default).toBe('');
		expect(byName('maxRecords')[0]).toMatchObject({ default: 50, typeOptions: { minValue: 1, maxValue: 500 } });
	});
});

describe('the pure parts', () => {
	it('a $fromAI() anywhere in a value, nested or miscapitalised, outside the allowed names', () => {
		expect(fromAiOutside({ search: "={{ $fromAI('q') }}", tenantId: '={{ $json.tenantId }}' }, ['search'])).toEqual([]);
		expect(fromAiOutside({ tenantId: "={{ 'x' + $FROMAI('t') }}", options: { deep: ["={{ $fromAI('o') }}"] } }, ['search'])).toEqual(['tenantId', 'options']);
		expect(jsonKeysRead('={{ $json.tenantStatus ?? $json["status"] }}')).toEqual(['tenantStatus', 'status']);
	});

	it('every spelling of the input item that holds the model\'s arguments, and not another node\'s output', () => {
		const spellings = ['$json', '$input.item.json', '$input.first().json', '$input.last().json', '$input.all()[0].json', '$input.all( ) [ 2 ].json', '$item(0).$json', '$input . item . json'];
		for (const item of spellings) {
			expect({ item, keys: jsonKeysRead(`={{ ${item}.school ?? ${item}['tenant id'] }}`) }).toEqual({ item, keys: ['school', 'tenant id'] });
		}
		// Another node's output, a variable, and the whole item hold no model argument by name.
		expect(jsonKeysRead("={{ $('School tenant row').item.json.tenantId + $('Row').first().json.clientId + $vars.x + JSON.stringify($json) }}")).toEqual([]);
	});

	it('the cap: default 50, at most 500, never below 1', () => {
		expect([capOf(undefined), capOf(0), capOf(-3), capOf('abc'), capOf(20), capOf(501), capOf(1e9)]).toEqual([50, 50, 50, 50, 20, 500, 500]);
		expect(answerFor('r', [1, 2, 3], 3, [], 'x')).toEqual({ read: 'r', count: 3, records: [1, 2, 3] });
		expect(answerFor('r', [1, 2, 3, 4], 3, [], 'give a class name')).toMatchObject({ count: 3, moreExist: true, note: expect.stringContaining('Narrow the question: give a class name.') });
	});

	it('fields: nested by dots, missing ones left out, nothing from the prototype', () => {
		expect(selectFields({ a: 1, b: { c: 2, d: 3 }, e: 4 }, ['a', 'b.c', 'zz', 'constructor', 'b.__proto__'])).toEqual({ a: 1, b: { c: 2 } });
	});

	it('an error the package does not explain is named, never dumped; explained ones are scrubbed too', () => {
		const internal = new TypeError("Cannot read properties of undefined (reading 'x') at /srv/n8n/node_modules/secret-path.js:1:2");
		expect(toolErrorText(internal)).toBe("The read failed (TypeError); the workflow's owner can look at the execution in n8n");
		const explained = Object.assign(new Error('Token request for tenant t-1 with pw-secret-9 was refused'), { name: 'TokenError' });
		expect(toolErrorText(explained, ['pw-secret-9'])).toBe(REMOVED);
		expect(toolErrorText(Object.assign(new Error('Start is after End'), { name: 'QueryError' }))).toBe('Start is after End');
	});

	it('the scrub drops secret fields and replaces sealed values, bearer tokens and the password', () => {
		const record = { name: 'x', password: 'p', clientSecret: 's', nested: [{ token: 't', note: 'Bearer abc.def', sealed: 'sealed:v2:k1:AAAA', text: 'my pw-secret-9 here' }] };
		expect(scrubbed(record, ['pw-secret-9'])).toEqual({ name: 'x', nested: [{ note: REMOVED, sealed: REMOVED, text: REMOVED }] });
	});
});
