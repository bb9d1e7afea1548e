import type { IDataObject } from 'n8n-workflow';

import { UntisPlatform } from '../../dist/nodes/UntisPlatform/UntisPlatform.node';
import { ONEROSTER_ENDPOINTS, endpointPath, type OneRosterEndpoint } from '../../nodes/UntisPlatform/core/api/oneRoster';
import { isDotSegment } from '../../nodes/UntisPlatform/core/api/pathSegment';
import { checkWithPlatform } from '../../nodes/UntisPlatform/core/api/platformCheck';
import { buildTokenRequest } from '../../nodes/UntisPlatform/core/api/token';
import { sealerFor } from '../../nodes/UntisPlatform/core/sealing/sealing';
import { deliveryIdsFor } from '../../nodes/UntisPlatform/core/webhook/deliveryIds';
import { ManualEntryError, manualCredentialsItem } from '../../nodes/UntisPlatform/core/webhook/manualEntry';
import { ENCRYPTION_KEY, keyPair } from '../helpers/platform.cjs';
import { executeAgainst, fetchLikeN8n, startUntisApiMock, type UntisApiMock } from '../helpers/untisApiMock.cjs';

/**
 * Issue 35, item 3: an ID of `.` or `..` would collapse the request path (URL parsers remove dot
 * segments, `%2e` counted as a dot): Students of a Class with Class Sourced ID `..` would read
 * /students, every student of the tenant, and tenant id `..` would send the Basic password to
 * /WebUntis/api/sso/token. Every path builder refuses such an ID (after trimming, in every
 * spelling) before anything is sent: the loopback stand-in of the Untis APIs receives nothing.
 */
const DOTTED = ['..', '.', ' .. ', '%2e', '%2E%2e', '.%2E', '%2e.', '\t..\n'];
const node = new UntisPlatform();
const sealer = sealerFor(ENCRYPTION_KEY);
const credential = { publicKeys: keyPair().spki, encryptionKey: ENCRYPTION_KEY };
let mock: UntisApiMock;
beforeAll(async () => (mock = await startUntisApiMock()));
afterAll(() => mock.close());
beforeEach(() => (mock.calls.length = 0));

const run = (item: IDataObject, parameters: IDataObject) => executeAgainst(mock, node, [item], parameters, { credential });

/** The parameters of an operation for one tenant, with valid values for everything but what is overridden. */
const params = (resource: string, operation: string, tenantId: string, overrides: IDataObject = {}): IDataObject => ({
	resource,
	operation,
	tenantId,
	clientId: 'client-1',
	password: sealer.seal('pw-1', { tenantId, field: 'password' }),
	tenantStatus: 'active',
	sourcedId: 'id-1',
	schoolSourcedId: 'school-1',
	classSourcedId: 'class-1',
	returnAll: true,
	...overrides,
});

const ID_PARAMETERS = { id: ['sourcedId', 'Sourced ID'], schoolId: ['schoolSourcedId', 'School Sourced ID'], classId: ['classSourcedId', 'Class Sourced ID'] } as const;
const oneRosterOperations = Object.entries(ONEROSTER_ENDPOINTS).flatMap(([resource, operations]) =>
	Object.entries(operations).map(([operation, endpoint]) => ({ resource, operation, endpoint: endpoint as OneRosterEndpoint })),
);
/** Every typed operation that calls the API, with the parameters it needs besides the tenant. */
const everyCallingOperation: Array<[string, string, IDataObject]> = [
	...oneRosterOperations.map(({ resource, operation }): [string, string, IDataObject] => [resource, operation, {}]),
	['externStudent', 'getMany', { schoolYearId: '12' }],
	['timetable', 'get', { start: '2026-12-07', end: '2026-12-11' }],
	['timetable', 'getDeletedPeriods', { start: '2026-12-07', end: '2026-12-11', dateLastModifiedAfter: '2026-12-01T00:00:00Z' }],
	['lesson', 'getMany', { start: '2026-09-01', end: '2026-09-30' }],
	['platform', 'apiRequest', { method: 'GET', path: '/ims/oneroster/v1p1/orgs', returnAll: false }],
	['platform', 'getAccessToken', {}],
];

describe('the rule (core/api/pathSegment.ts): `.` and `..` after trimming, dots also written %2e', () => {
	it.each(DOTTED)('%j is a dot segment', (value) => expect(isDotSegment(value)).toBe(true));
	it.each(['...', '.a', 'a.', '..a', '%2e%2e%2e', '%252e', '%2', '%2f', '', 'org-1', '../orgs'])('%j is not', (value) => expect(isDotSegment(value)).toBe(false));
});

describe('OneRoster: every operation with an ID in its path refuses a dot-segment ID, and sends nothing', () => {
	const cases = oneRosterOperations.flatMap(({ resource, operation, endpoint }) =>
		(Object.keys(ID_PARAMETERS) as Array<keyof typeof ID_PARAMETERS>)
			.filter((name) => endpoint.path.includes(`{${name}}`))
			.map((name) => [`${resource} → ${operation}, ${ID_PARAMETERS[name][1]}`, resource, operation, name] as const),
	);
	it('covers the 14 operations with an ID (the issue: Students of a Class, Enrollments of a Class in a School)', () => {
		expect(new Set(cases.map(([, resource, operation]) => `${resource}.${operation}`)).size).toBe(14);
	});
	it.each(cases)('%s', async (_name, resource, operation, name) => {
		const [parameter, label] = ID_PARAMETERS[name];
		for (const dotted of DOTTED) {
			await expect(run({}, params(resource, operation, 't-1', { [parameter]: dotted }))).rejects.toThrow(
				`${label} is '${dotted.trim()}', not an ID: '.' and '..' (also written %2e) would make the request's path name the one above it; enter the real ID`,
			);
		}
		expect(mock.calls).toEqual([]);
	});

	it('the path builder itself: Enrollments of a Class in a School with ../.. is refused, a real ID is still one segment', () => {
		const endpoint = ONEROSTER_ENDPOINTS.enrollment.getManyOfClass;
		expect(() => endpointPath(endpoint, { schoolId: '..', classId: '..' })).toThrow(/^School Sourced ID is '\.\.', not an ID/);
		expect(endpointPath(endpoint, { schoolId: ' s.1 ', classId: '..a' })).toBe('/ims/oneroster/v1p1/schools/s.1/classes/..a/enrollments');
	});
});

describe('the token request: a dot-segment tenant id gets no request, from every operation that calls the API', () => {
	it.each(everyCallingOperation)('%s → %s', async (resource, operation, overrides) => {
		for (const tenantId of ['..', '%2e%2E']) {
			await expect(run({}, params(resource, operation, tenantId, overrides))).rejects.toThrow(`tenantId is '${tenantId}', not an ID:`);
		}
		expect(mock.calls).toEqual([]);
	});

	it('buildTokenRequest refuses it; a tenant id with dots inside is sent as one segment', () => {
		const input = { clientId: 'c', password: 'pw-secret', apiBase: 'https://api.example' };
		for (const tenantId of DOTTED) expect(() => buildTokenRequest({ ...input, tenantId })).toThrow(/^tenantId is .*, not an ID/);
		expect(buildTokenRequest({ ...input, tenantId: 'a..b' }).url).toBe('https://api.example/WebUntis/api/sso/v3/a..b/token');
	});
});

describe('manual entry: a dot-segment tenant id is refused with the other field checks, before any check with the platform', () => {
	const typed = { tenantId: '4711', clientId: 'BestApp-1', secret: 'typed-secret', password: 'typed-password', host: 'school.webuntis.com' };
	const options = { secrets: { mode: 'omit' as const }, deliveryIds: deliveryIdsFor(ENCRYPTION_KEY) };

	it.each(DOTTED)('tenantId %j', (tenantId) => {
		expect(() => manualCredentialsItem({ ...typed, tenantId }, options)).toThrow(ManualEntryError);
		expect(() => manualCredentialsItem({ ...typed, tenantId }, options)).toThrow(`'tenantId' is '${tenantId.trim()}', not an ID`);
	});

	it('a tenant id with a dot inside is accepted', () => {
		expect(manualCredentialsItem({ ...typed, tenantId: 'school.4711' }, options).tenantId).toBe('school.4711');
	});

	it('Check with the Platform never sends a dot-segment tenant id either', async () => {
		await expect(checkWithPlatform(fetchLikeN8n as never, { apiBase: mock.apiBase, tenantId: '..', clientId: 'c', password: 'typed-password', timeout: 5000 })).rejects.toThrow(/^tenantId is '\.\.', not an ID/);
		expect(mock.calls).toEqual([]);
	});
});
