import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { UntisPlatform } from '../../dist/nodes/UntisPlatform/UntisPlatform.node';
import { UntisPlatformData } from '../../dist/nodes/UntisPlatform/UntisPlatformData.node';
import { sealerFor } from '../../nodes/UntisPlatform/core/sealing/sealing';
import { ENCRYPTION_KEY, keyPair } from '../helpers/platform.cjs';
import type { UntisApiMock } from '../helpers/untisApiMock.cjs';
import { ONEROSTER_ENDPOINTS } from '../../nodes/UntisPlatform/core/api/oneRoster';
import { EXTERN_OPERATIONS } from '../../nodes/UntisPlatform/core/api/extern';
import { outputOf, pageItems } from '../../nodes/UntisPlatform/core/api/pageItems';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { executeAgainst, startUntisApiMock } = require('../helpers/untisApiMock.cts') as typeof import('../helpers/untisApiMock.cjs');

/**
 * The typed operations of node version 1.1 (Resources) through node.execute(), against the
 * loopback stand-in of the Untis APIs: the request each builds, the envelope it unwraps, paging
 * and its errors. A workflow saved before resources existed has no `resource` and keeps working.
 */
const node = new UntisPlatform();
const sealer = sealerFor(ENCRYPTION_KEY);
const credential = { publicKeys: keyPair().spki, encryptionKey: ENCRYPTION_KEY };
let mock: UntisApiMock;
beforeAll(async () => (mock = await startUntisApiMock()));
afterAll(() => mock.close());
beforeEach(() => (mock.calls.length = 0));

const run = (items: IDataObject[], parameters: IDataObject, options: { continueOnFail?: boolean } = {}) => executeAgainst(mock, node, items, parameters, { ...options, credential });

const tenant = (tenantId: string, overrides: IDataObject = {}) => ({
	tenantId,
	clientId: 'client-1',
	password: sealer.seal('pw-1', { tenantId, field: 'password' }),
	tenantStatus: 'active',
	...overrides,
});
const params = (resource: string, operation: string, overrides: IDataObject = {}) => ({
	resource,
	operation,
	tenantId: '={{ $json.tenantId }}',
	clientId: '={{ $json.clientId }}',
	password: '={{ $json.password }}',
	tenantStatus: '={{ $json.tenantStatus }}',
	...overrides,
});
const dataCalls = () => mock.dataCalls().map((c) => ({ path: c.path, query: c.query }));

describe('Org / School → Get Many', () => {
	it('Return All: every page, one item per org, offset advancing by the records received', async () => {
		const out = await run([tenant('t-1')], params('org', 'getMany', { returnAll: true }));
		expect(out).toHaveLength(250);
		expect(out[0]).toEqual({ json: { sourcedId: 'org-0', name: 'School 0' }, pairedItem: { item: 0 } });
		expect(dataCalls()).toEqual([0, 100, 200].map((offset) => ({ path: '/ims/oneroster/v1p1/orgs', query: { limit: '100', offset: String(offset) } })));
	});

	it('Limit: that many records, asking for no more than needed', async () => {
		const out = await run([tenant('t-1')], params('org', 'getMany', { returnAll: false, limit: 120 }));
		expect(out.map((item) => item.json.sourcedId)).toEqual(Array.from({ length: 120 }, (_, i) => `org-${i}`));
		expect(dataCalls().map((c) => c.query)).toEqual([{ limit: '100', offset: '0' }, { limit: '20', offset: '100' }]);
	});

	it("Filter, Sort, Order and Fields become OneRoster's query parameters, quoted and URL-encoded", async () => {
		await run([tenant('t-1')], params('org', 'getMany', {
			returnAll: false,
			limit: 5,
			filter: { condition: [{ field: 'name', operator: 'contains', value: 'School' }, { field: 'status', operator: 'equals', value: 'active' }] },
			filterJoin: 'OR',
			options: { sort: 'name', orderBy: 'desc', fields: 'sourcedId,name' },
		}));
		const [call] = mock.dataCalls();
		expect(call.query).toEqual({ filter: "name~'School' OR status='active'", sort: 'name', orderBy: 'desc', fields: 'sourcedId,name', limit: '5', offset: '0' });
	});

	it("no operator's value starts with '=' (n8n would read it as an expression)", () => {
		const filter = node.description.properties.find((p) => p.name === 'filter')!;
		const operator = (filter.options as Array<{ values: Array<{ name: string; options?: Array<{ value: string }> }> }>)[0].values.find((v) => v.name === 'operator')!;
		expect(operator.options!.map((o) => o.value).filter((value) => value.startsWith('='))).toEqual([]);
		expect(operator.options).toHaveLength(7);
	});

	it("a value with a quote fails the item before any request: OneRoster defines no escape for it (issue 35, item 7)", async () => {
		const quoted = params('org', 'getMany', { filter: { condition: [{ field: 'name', operator: 'contains', value: "O'School" }] } });
		await expect(run([tenant('t-1')], quoted)).rejects.toThrow(/^Filter value contains a single quote \('\): OneRoster defines no way to escape it/);
		expect(mock.calls).toEqual([]);
	});

	it('a filter that is not OneRoster fails the item before any request, saying what to fix', async () => {
		const bad = params('org', 'getMany', { filter: { condition: [{ field: "name' OR 'x", operator: 'equals', value: 'a' }] } });
		await expect(run([tenant('t-1')], bad)).rejects.toThrow(/Filter field .* is not a field name/);
		expect(mock.calls).toEqual([]);
	});
});

describe('Get: one object, by its sourcedId', () => {
	it('a 404 names the resource, the ID and the tenant', async () => {
		await expect(run([tenant('t-1')], params('org', 'get', { sourcedId: 'no-such-org' }))).rejects.toThrow(/^OneRoster org 'no-such-org' of tenant 't-1' was not found \(HTTP 404\): check the ID/);
		expect(mock.dataCalls().map((c) => c.path)).toEqual(['/ims/oneroster/v1p1/orgs/no-such-org']);
	});

	it('an ID with a slash stays one path segment', async () => {
		await run([tenant('t-1')], params('student', 'get', { sourcedId: '../orgs' }), { continueOnFail: true });
		expect(mock.dataCalls().map((c) => c.path)).toEqual(['/ims/oneroster/v1p1/students/..%2Forgs']);
	});

	it('an empty ID fails the item with Continue On Fail, the others go on', async () => {
		const out = await run([tenant('t-1'), tenant('t-2')], params('class', 'get', { sourcedId: '' }), { continueOnFail: true });
		expect(out.map((item) => item.json)).toEqual([
			{ error: 'Sourced ID is empty: enter the sourcedId of the class' },
			{ error: 'Sourced ID is empty: enter the sourcedId of the class' },
		]);
	});
});

describe('every typed operation shares the guards of API Request', () => {
	it('a deactivated tenant gets no call and no token request', async () => {
		await expect(run([tenant('t-1', { tenantStatus: 'deactivated' })], params('student', 'getMany', { returnAll: true }))).rejects.toThrow(/deactivated/);
		expect(mock.calls).toEqual([]);
	});

	it('no token or password in the items', async () => {
		const out = await run([tenant('t-1')], params('class', 'getMany', { returnAll: true }));
		expect(out).toHaveLength(200);
		expect(JSON.stringify(out)).not.toMatch(/tok-|pw-1/);
	});

	it('a workflow saved before resources existed (no resource parameter) runs its Platform operation', async () => {
		const { resource: _none, ...old } = params('platform', 'apiRequest', { method: 'GET', path: '/ims/oneroster/v1p1/orgs', returnAll: true });
		expect(await run([tenant('t-1')], old)).toHaveLength(250);
	});

	it('every resource and operation is routed, and the editor lists the resources alphabetically', () => {
		const resource = node.description.properties.find((p) => p.name === 'resource')!;
		const names = (resource.options as Array<{ name: string }>).map((o) => o.name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
		expect(names).toEqual(['Academic Session', 'Class', 'Enrollment', 'Lesson (Extern)', 'Org / School', 'Platform', 'Student', 'Student (Extern)', 'Teacher', 'Timetable (Extern)', 'User']);
		expect(resource.default).toBe('platform');
		const operations = node.description.properties.filter((p) => p.name === 'operation');
		const count = operations.reduce((sum, p) => sum + (p.options?.length ?? 0), 0);
		// 22 OneRoster endpoints, 4 extern operations, 8 Platform operations.
		expect(count).toBe(22 + 4 + 8);
	});
});

describe('each of the 22 OneRoster operations: the request it builds and the envelope it unwraps', () => {
	const cases = Object.entries(ONEROSTER_ENDPOINTS).flatMap(([resource, operations]) =>
		Object.entries(operations).map(([operation, endpoint]) => [`${resource} → ${operation}`, resource, operation, endpoint] as const),
	);
	it.each(cases)('%s', async (_name, resource, operation, endpoint) => {
		const { schools, classes, students, teachers, enrollments, academicSessions, users } = mock.dataset;
		const sample: Record<string, unknown> = { org: schools[0], user: users[0], student: students[0], teacher: teachers[0], class: classes[0], academicSession: academicSessions[0], enrollment: enrollments[0] };
		const ids = { sourcedId: (sample[resource] as { sourcedId: string }).sourcedId, schoolSourcedId: schools[0].sourcedId as string, classSourcedId: classes[0].sourcedId as string };
		const out = await run([tenant('t-all')], params(resource, operation, { ...ids, returnAll: true }));
		const expectedPath = `/ims/oneroster/v1p1${endpoint.path.replace('{id}', ids.sourcedId).replace('{schoolId}', ids.schoolSourcedId).replace('{classId}', ids.classSourcedId)}`;
		expect([...new Set(mock.dataCalls().map((c) => c.path))]).toEqual([expectedPath]);
		expect(out.length).toBeGreaterThan(0);
		// Unwrapped: each item is a record (with its sourcedId), never the envelope.
		for (const item of out) {
			expect(item.json).toHaveProperty('sourcedId');
			expect(item.json).not.toHaveProperty(endpoint.envelope);
		}
		if (endpoint.single) expect(out.map((item) => item.json.sourcedId)).toEqual([ids.sourcedId]);
	});

	it('403 without the PAM permission, and a bad filter answered with an imsx body, quote what Untis says', async () => {
		await expect(run([tenant('no-oneroster')], params('student', 'getMany', { returnAll: true }))).rejects.toThrow(/forbidden \(HTTP 403\): the app needs the PAM permission "OneRoster read".*\(Untis: /);
		await expect(run([tenant('t-1')], params('student', 'getMany', { filter: { condition: [{ field: 'noSuchField', operator: 'equals', value: 'x' }] } }))).rejects.toThrow(/refused \(HTTP 400\): check the filter.*invalid_filter_field/);
	});
});

describe('the OneRoster operations are the catalogue, not a file each', () => {
	it("every catalogue entry is an operation of its resource, with the entry's texts, sorted by name", () => {
		const properties = node.description.properties;
		for (const [resource, operations] of Object.entries(ONEROSTER_ENDPOINTS)) {
			const list = properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource));
			const offered = (list?.options ?? []) as Array<{ name: string; value: string; description: string; action: string }>;
			const expected = Object.entries(operations).map(([value, endpoint]) => ({ ...endpoint.texts, value }));
			expect(offered).toEqual([...expected].sort((a, b) => a.name.localeCompare(b.name)));
		}
	});
});

describe('the extern operations are named in the same catalogue', () => {
	it("every extern entry is an operation of its resource with the entry's texts, and there are no others", () => {
		const properties = node.description.properties;
		for (const [resource, operations] of Object.entries(EXTERN_OPERATIONS)) {
			const list = properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource));
			const expected = Object.entries(operations).map(([value, texts]) => ({ name: texts.name, value, description: texts.description, action: texts.action }));
			expect(list?.options).toEqual(expected);
		}
	});
});

describe('the extern operations: the request each builds, and the extern error shape', () => {
	it('Student (Extern) → Get Many: schoolYearId and the filter as given; one item per student', async () => {
		const out = await run([tenant('t-1')], params('externStudent', 'getMany', { schoolYearId: '12', studentFilter: "classAssignments.className='1A'" }));
		const [call] = mock.dataCalls();
		expect(call).toMatchObject({ path: '/WebUntis/api/rest/extern/v3/students', query: { schoolYearId: '12', filter: "classAssignments.className='1A'" } });
		expect(out.length).toBeGreaterThan(0);
		expect(out.every((item) => (item.json.classAssignments as Array<{ className: string }>).some((a) => a.className === '1A'))).toBe(true);
	});

	it('Timetable (Extern) → Get: start, end, resource filters and Modified After; 1-based pages', async () => {
		const out = await run([tenant('t-1')], params('timetable', 'get', {
			start: '2026-12-07', end: '2026-12-11', dateLastModifiedAfter: '2020-01-01T00:00:00Z',
			resourceFilters: { filter: [{ kind: 'class', external: true, value: 'K-1A' }] },
			options: { pageSize: 3 },
		}));
		const calls = mock.dataCalls();
		expect(calls[0]).toMatchObject({ path: '/WebUntis/api/rest/extern/v3/timetable', query: { start: '2026-12-07', end: '2026-12-11', classExt: 'K-1A', dateLastModifiedAfter: '2020-01-01T00:00:00Z', limit: '3', offset: '1' } });
		expect(calls.map((c) => Number(c.query.offset))).toEqual(calls.map((_, i) => 1 + 3 * i));
		expect(out.length).toBeGreaterThan(0);
	});

	it('Timetable without a Page Size: one call, limit 0 and offset 0 (no paging)', async () => {
		await run([tenant('t-1')], params('timetable', 'get', { start: '2026-12-07', end: '2026-12-11' }));
		expect(mock.dataCalls().map((c) => c.query)).toEqual([{ start: '2026-12-07', end: '2026-12-11', limit: '0', offset: '0' }]);
	});

	it('Lesson (Extern) → Get Many: dates only; Deleted Periods needs Modified After', async () => {
		await run([tenant('t-1')], params('lesson', 'getMany', { start: '2026-09-01', end: '2027-06-30' }));
		expect(mock.dataCalls()[0]).toMatchObject({ path: '/WebUntis/api/rest/extern/v1/lesson', query: { start: '2026-09-01', end: '2027-06-30' } });
		await expect(run([tenant('t-1')], params('timetable', 'getDeletedPeriods', {}))).rejects.toThrow(/Modified After is empty/);
	});

	it('an extern refusal quotes errorCode, validationErrors, requestId and traceId', async () => {
		await expect(run([tenant('t-1')], params('externStudent', 'getMany', { schoolYearId: 'abc' }))).rejects.toThrow(/refused \(HTTP 400\).*VALIDATION_ERROR.*schoolYearId.*requestId req-\d+, traceId trace-\d+/);
		await expect(run([tenant('no-extern')], params('lesson', 'getMany', { start: '2026-09-01', end: '2026-09-30' }))).rejects.toThrow(/forbidden \(HTTP 403\): the app needs the permission for this API in PAM \(Untis: FORBIDDEN.*requestId req-/);
	});
});

describe('Options → Modified Since (an incremental sync without filter syntax)', () => {
	it("on every OneRoster Get Many: dateLastModified>'<UTC>' in the filter, after the user's one condition with AND; only records changed since", async () => {
		const getMany = Object.entries(ONEROSTER_ENDPOINTS).flatMap(([resource, operations]) =>
			Object.entries(operations).filter(([, endpoint]) => !endpoint.single).map(([operation]) => `${resource}.${operation}`),
		);
		const properties = node.description.properties;
		for (const name of getMany) {
			const [resource, operation] = name.split('.');
			const options = properties.find((p) => p.name === 'options' && p.displayOptions?.show?.resource?.includes(resource) && p.displayOptions?.show?.operation?.includes(operation));
			expect(options?.options?.find((o) => o.name === 'modifiedSince')).toMatchObject({ displayName: 'Modified Since', type: 'dateTime' });
		}
		const out = await run([tenant('t-1')], params('student', 'getMany', { returnAll: true, filter: { condition: [{ field: 'familyName', operator: 'contains', value: 'er' }] }, filterJoin: 'OR', options: { modifiedSince: '2026-11-20T08:30:00+01:00' } }));
		expect(dataCalls()[0].query.filter).toBe("familyName~'er' AND dateLastModified>'2026-11-20T07:30:00.000Z'");
		expect(out.length).toBeGreaterThan(0);
		expect(out.every((item) => String(item.json.dateLastModified) > '2026-11-20T07:30:00.000Z' && /er/i.test(String(item.json.familyName)))).toBe(true);
	});

	it('with two Filter conditions, or a time that is none, refused before any request, saying what to fix', async () => {
		const two = { condition: [{ field: 'role', operator: 'equals', value: 'student' }, { field: 'familyName', operator: 'contains', value: 'er' }] };
		await expect(run([tenant('t-1')], params('user', 'getMany', { returnAll: true, filter: two, options: { modifiedSince: '2026-11-20T00:00:00Z' } }))).rejects.toThrow(/Modified Since adds a condition to the filter, and OneRoster allows at most two/);
		await expect(run([tenant('t-1')], params('enrollment', 'getMany', { returnAll: true, options: { modifiedSince: 'last night' } }))).rejects.toThrow(/Modified Since 'last night' is not a date and time/);
		expect(mock.calls).toEqual([]);
	});

	it('on Timetable Get and Deleted Periods: dateLastModifiedAfter, as ISO 8601 UTC', async () => {
		await run([tenant('t-1')], params('timetable', 'get', { start: '2026-12-07', end: '2026-12-11', options: { modifiedSince: '2026-12-01T00:00:00Z' } }));
		await run([tenant('t-1')], params('timetable', 'getDeletedPeriods', { options: { modifiedSince: '2026-12-01T00:00:00Z' } }));
		expect(dataCalls().map((c) => c.query.dateLastModifiedAfter)).toEqual(['2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
		mock.calls.length = 0;
		await expect(run([tenant('t-1')], params('timetable', 'get', { start: '2026-12-07', end: '2026-12-11', dateLastModifiedAfter: '2026-12-02T00:00:00Z', options: { modifiedSince: '2026-12-01T00:00:00Z' } }))).rejects.toThrow(/give two different times: clear one of them/);
		await expect(run([tenant('t-1')], params('timetable', 'getDeletedPeriods', { options: { modifiedSince: 'soon' } }))).rejects.toThrow(/Modified Since 'soon' is not a date and time/);
		expect(mock.calls).toEqual([]);
	});
});

/*
 * Options → Output: One Item per Record (the default, the behaviour before the option) or One
 * Item per Page, each page the server answered as one item { page, count, records }. Same paging,
 * same records, same order; Limit counts records; a bad value is refused before any request.
 */
const orgIds = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `org-${from + i}`);
const idsOf = (records: unknown) => (records as Array<{ sourcedId: string }>).map((r) => r.sourcedId);

describe('Options → Output: One Item per Page on a OneRoster Get Many (issue 37: fewer items for a sync)', () => {
	afterEach(() => (mock.maxPageSize = 1000));

	it('pages capped at 100 below a Page Size of 1000: 250 records come as 3 page items holding all 250, in order', async () => {
		mock.maxPageSize = 100;
		const out = await run([tenant('t-1')], params('org', 'getMany', { returnAll: true, options: { pageSize: 1000, output: 'pages' } }));
		expect(out.map((item) => ({ page: item.json.page, count: item.json.count, ids: idsOf(item.json.records), pairedItem: item.pairedItem }))).toEqual([
			{ page: 1, count: 100, ids: orgIds(0, 100), pairedItem: { item: 0 } },
			{ page: 2, count: 100, ids: orgIds(100, 200), pairedItem: { item: 0 } },
			{ page: 3, count: 50, ids: orgIds(200, 250), pairedItem: { item: 0 } },
		]);
		expect(Object.keys(out[0].json)).toEqual(['page', 'count', 'records']);
		// The same requests as One Item per Record: the option changes the items, not the paging.
		expect(mock.dataCalls().map((c) => c.query.offset)).toEqual(['0', '100', '200']);
	});

	it('the records are those of One Item per Record, in the same order (the default is unchanged)', async () => {
		const perRecord = await run([tenant('t-1')], params('user', 'getMany', { returnAll: true, options: { pageSize: 7 } }));
		const perRecordCalls = mock.dataCalls().length;
		mock.calls.length = 0;
		const perPage = await run([tenant('t-1')], params('user', 'getMany', { returnAll: true, options: { pageSize: 7, output: 'pages' } }));
		expect(perRecord.length).toBeGreaterThan(7);
		expect(perRecord[0].json).toHaveProperty('sourcedId');
		expect(perPage.flatMap((item) => item.json.records as IDataObject[])).toEqual(perRecord.map((item) => item.json));
		expect(perPage.map((item) => item.json.count)).toEqual(perPage.map((item) => (item.json.records as unknown[]).length));
		expect(perPage).toHaveLength(Math.ceil(perRecord.length / 7));
		expect(mock.dataCalls().length).toBe(perRecordCalls);
	});

	it('Limit 120 still caps the records: 100 and 20 over two pages, asking for no more than needed', async () => {
		const out = await run([tenant('t-1')], params('org', 'getMany', { returnAll: false, limit: 120, options: { output: 'pages' } }));
		expect(out.map((item) => [item.json.page, item.json.count])).toEqual([[1, 100], [2, 20]]);
		expect(out.flatMap((item) => idsOf(item.json.records))).toEqual(orgIds(0, 120));
		expect(mock.dataCalls().map((c) => c.query)).toEqual([{ limit: '100', offset: '0' }, { limit: '20', offset: '100' }]);
	});

	it('Limit cuts inside a capped page: Limit 150 with pages capped at 100 and Page Size 1000', async () => {
		mock.maxPageSize = 100;
		const out = await run([tenant('t-1')], params('org', 'getMany', { returnAll: false, limit: 150, options: { pageSize: 1000, output: 'pages' } }));
		expect(out.map((item) => item.json.count)).toEqual([100, 50]);
		expect(out.flatMap((item) => idsOf(item.json.records))).toEqual(orgIds(0, 150));
	});

	it('with Modified Since: only the changed records, in pages, the filter as without the option', async () => {
		const options = { pageSize: 5, modifiedSince: '2026-11-20T08:30:00+01:00' };
		const perRecord = await run([tenant('t-1')], params('student', 'getMany', { returnAll: true, options }));
		mock.calls.length = 0;
		const perPage = await run([tenant('t-1')], params('student', 'getMany', { returnAll: true, options: { ...options, output: 'pages' } }));
		expect(mock.dataCalls()[0].query.filter).toBe("dateLastModified>'2026-11-20T07:30:00.000Z'");
		const records = perPage.flatMap((item) => item.json.records as IDataObject[]);
		expect(records.length).toBeGreaterThan(0);
		expect(records.every((r) => String(r.dateLastModified) > '2026-11-20T07:30:00.000Z')).toBe(true);
		expect(records).toEqual(perRecord.map((item) => item.json));
	});

	it('nothing found: no item, as with One Item per Record', async () => {
		const out = await run([tenant('t-1')], params('student', 'getMany', { returnAll: true, options: { modifiedSince: '2999-01-01T00:00:00Z', output: 'pages' } }));
		expect(out).toEqual([]);
		expect(mock.dataCalls()).toHaveLength(1);
	});

	it("each tenant's pages are paired with that tenant's input item", async () => {
		const out = await run([tenant('t-1'), tenant('t-2')], params('org', 'getMany', { returnAll: true, options: { output: 'pages' } }));
		expect(out.map((item) => item.pairedItem)).toEqual([0, 0, 0, 1, 1, 1].map((item) => ({ item })));
	});

	it('a value that is no Output is refused before any request, naming the choices', async () => {
		for (const output of ['rows', 'Pages', 42]) {
			await expect(run([tenant('t-1')], params('class', 'getMany', { returnAll: true, options: { output } }))).rejects.toThrow(
				/^Output '(rows|Pages|42)' is not one of One Item per Record \(records\), One Item per Page \(pages\): pick one of them$/,
			);
		}
		expect(mock.calls).toEqual([]);
	});

	it('every OneRoster Get Many offers it in Options, default One Item per Record; no Get does', () => {
		for (const [resource, operations] of Object.entries(ONEROSTER_ENDPOINTS)) {
			for (const [operation, endpoint] of Object.entries(operations)) {
				const options = node.description.properties.find((p) => p.name === 'options' && p.displayOptions?.show?.resource?.includes(resource) && p.displayOptions?.show?.operation?.includes(operation));
				const output = (options?.options as INodeProperties[] | undefined)?.find((o) => o.name === 'output');
				if (endpoint.single) expect(output).toBeUndefined();
				else expect(output).toMatchObject({ displayName: 'Output', type: 'options', default: 'records', options: [{ name: 'One Item per Page', value: 'pages' }, { name: 'One Item per Record', value: 'records' }] });
			}
		}
	});
});

describe('Output: One Item per Page on Timetable (Extern) → Get', () => {
	const range = { start: '2026-12-07', end: '2026-12-11' };

	it('with a Page Size: one item per page of periods, the same periods as One Item per Period', async () => {
		const perPeriod = await run([tenant('t-1')], params('timetable', 'get', { ...range, options: { pageSize: 3 } }));
		mock.calls.length = 0;
		const perPage = await run([tenant('t-1')], params('timetable', 'get', { ...range, output: 'pages', options: { pageSize: 3 } }));
		expect(perPeriod.length).toBeGreaterThan(3);
		expect(perPage.flatMap((item) => item.json.records as IDataObject[])).toEqual(perPeriod.map((item) => item.json));
		expect(perPage.map((item) => item.json.page)).toEqual(perPage.map((_, i) => i + 1));
		expect(perPage.slice(0, -1).every((item) => item.json.count === 3)).toBe(true);
		expect(mock.dataCalls().map((c) => Number(c.query.offset))).toEqual(mock.dataCalls().map((_, i) => 1 + 3 * i));
	});

	it('without a Page Size: one call, one item with every period', async () => {
		const perPeriod = await run([tenant('t-1')], params('timetable', 'get', range));
		mock.calls.length = 0;
		const out = await run([tenant('t-1')], params('timetable', 'get', { ...range, output: 'pages' }));
		expect(out).toHaveLength(1);
		expect(out[0].json).toMatchObject({ page: 1, count: perPeriod.length });
		expect(out[0].json.records).toEqual(perPeriod.map((item) => item.json));
		expect(mock.dataCalls()).toHaveLength(1);
	});

	it('an Output that is none of the three is refused before any request', async () => {
		await expect(run([tenant('t-1')], params('timetable', 'get', { ...range, output: 'records' }))).rejects.toThrow(
			/^Output 'records' is not one of One Item per Page \(pages\), One Item per Period \(periods\), The Whole Answer \(answer\)/,
		);
		expect(mock.calls).toEqual([]);
	});
});

describe('One Item per Page, the pure part: pages from the records and their sizes', () => {
	it('cuts the records as the pages came; an empty page (the last of some servers) gives no item', () => {
		expect(pageItems(['a', 'b', 'c', 'd', 'e'], [2, 2, 1, 0])).toEqual([
			{ page: 1, count: 2, records: ['a', 'b'] },
			{ page: 2, count: 2, records: ['c', 'd'] },
			{ page: 3, count: 1, records: ['e'] },
		]);
		expect(pageItems([], [0])).toEqual([]);
	});

	it('Output: empty is the default; only the offered values pass', () => {
		expect([undefined, null, ''].map((value) => outputOf(value))).toEqual(['records', 'records', 'records']);
		expect(outputOf('pages')).toBe('pages');
		expect(() => outputOf('constructor')).toThrow(/Output 'constructor' is not one of/);
		expect(() => outputOf({ toString: () => 'pages' })).toThrow(/is not one of/);
	});
});

describe('Output: Untis Platform Data (the tool for AI agents) has no such option', () => {
	it('none of its parameters offers One Item per Page', () => {
		const text = JSON.stringify(new UntisPlatformData().description.properties);
		expect(text).not.toMatch(/One Item per Page|"pages"/);
	});

	it('an Output in its saved parameters changes nothing: the model gets records, capped', async () => {
		const [answer] = (await executeAgainst(mock, new UntisPlatformData(), [tenant('t-1')], params('org', 'getMany', { maxRecords: 120, options: { output: 'pages' } }), { credential })).map((item) => item.json);
		expect(answer).toMatchObject({ read: 'org: Get Many', count: 120, moreExist: true });
		expect(idsOf(answer.records)).toEqual(orgIds(0, 120));
	});
});
