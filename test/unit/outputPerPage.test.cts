import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { UntisPlatform } from '../../dist/nodes/UntisPlatform/UntisPlatform.node';
import { UntisPlatformData } from '../../dist/nodes/UntisPlatform/UntisPlatformData.node';
import { ONEROSTER_ENDPOINTS } from '../../nodes/UntisPlatform/core/api/oneRoster';
import { outputOf, pageItems } from '../../nodes/UntisPlatform/core/api/pageItems';
import { sealerFor } from '../../nodes/UntisPlatform/core/sealing/sealing';
import { ENCRYPTION_KEY, keyPair } from '../helpers/platform.cjs';
import { executeAgainst, startUntisApiMock, type UntisApiMock } from '../helpers/untisApiMock.cjs';

/**
 * Options → Output on the typed reads (issue 37's speed goal): One Item per Record, the default
 * and the behaviour before the option existed, or One Item per Page: each page the server
 * answered as one item { page, count, records }. Same paging, same records, same order; Limit
 * counts records; a bad value is refused before any request. The tool for AI agents has no such
 * option.
 */
const node = new UntisPlatform();
const sealer = sealerFor(ENCRYPTION_KEY);
const credential = { publicKeys: keyPair().spki, encryptionKey: ENCRYPTION_KEY };
let mock: UntisApiMock;
beforeAll(async () => (mock = await startUntisApiMock()));
afterAll(() => mock.close());
beforeEach(() => {
	mock.calls.length = 0;
	mock.maxPageSize = 1000;
});

const run = (items: IDataObject[], parameters: IDataObject) => executeAgainst(mock, node, items, parameters, { credential });
const tenant = (tenantId: string): IDataObject => ({ tenantId, clientId: 'client-1', password: sealer.seal('pw-1', { tenantId, field: 'password' }), tenantStatus: 'active' });
const params = (resource: string, operation: string, overrides: IDataObject = {}): IDataObject => ({
	resource,
	operation,
	tenantId: '={{ $json.tenantId }}',
	clientId: '={{ $json.clientId }}',
	password: '={{ $json.password }}',
	tenantStatus: '={{ $json.tenantStatus }}',
	...overrides,
});
const orgIds = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `org-${from + i}`);
const idsOf = (records: unknown) => (records as Array<{ sourcedId: string }>).map((r) => r.sourcedId);

describe('One Item per Page on a OneRoster Get Many', () => {
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

describe('One Item per Page on Timetable (Extern) → Get', () => {
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

describe('the pure part: pages from the records and their sizes', () => {
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

describe('Untis Platform Data (the tool for AI agents) has no such option', () => {
	it('none of its parameters offers One Item per Page', () => {
		const text = JSON.stringify(new UntisPlatformData().description.properties);
		expect(text).not.toMatch(/One Item per Page|"pages"/);
	});

	it('an Output in its saved parameters changes nothing: the model gets records, capped', async () => {
		const tool = new UntisPlatformData();
		const [answer] = (await executeAgainst(mock, tool, [tenant('t-1')], params('org', 'getMany', { maxRecords: 120, options: { output: 'pages' } }), { credential })).map((item) => item.json);
		expect(answer).toMatchObject({ read: 'org: Get Many', count: 120, moreExist: true });
		expect(idsOf(answer.records)).toEqual(orgIds(0, 120));
	});
});
