import { describeApiError, externSays, imsxSays } from '../../nodes/UntisPlatform/core/api/apiErrors';
import { dateRange, isoDate, readAllPeriods } from '../../nodes/UntisPlatform/core/api/extern';
import { endpointPath, ONEROSTER_ENDPOINTS, unwrapMany, unwrapOne } from '../../nodes/UntisPlatform/core/api/oneRoster';
import { buildFields, buildFilter, collectionQuery } from '../../nodes/UntisPlatform/core/api/oneRosterFilter';
import { readAllPages } from '../../nodes/UntisPlatform/core/api/paging';

/**
 * The pure part of the typed Untis API operations: OneRoster's filter, sort and fields as the
 * spec writes them, the 22 documented endpoints and their envelopes, what Untis's error bodies
 * say, and the extern Timetable's own 1-based paging.
 */
describe('OneRoster filter, built from fields', () => {
	it("quotes the value: role = student becomes role='student'", () => {
		expect(buildFilter([{ field: 'role', operator: '=', value: 'student' }])).toBe("role='student'");
	});
	it('joins two predicates with one AND or OR', () => {
		const two = [
			{ field: 'role', operator: '=', value: 'teacher' },
			{ field: 'familyName', operator: '~', value: 'er' },
		];
		expect(buildFilter(two, 'AND')).toBe("role='teacher' AND familyName~'er'");
		expect(buildFilter(two, 'OR')).toBe("role='teacher' OR familyName~'er'");
	});
	it.each([
		["a single quote (O'Brien): OneRoster defines no escape, doubling it would be a guess", "O'Brien", /^Filter value contains a single quote \('\): OneRoster defines no way to escape it .* Untis documents none, .*Filter on a part without it \(operator Contains\)/],
		['a quote that would end the value and add a predicate', "x' OR role='teacher", /contains a single quote/],
		['a backslash (a backslash-escaping server would read it with the closing quote)', 'ends with \\', /contains a backslash \(\\\)/],
		['a line break', 'a\nb', /contains a control character/],
		['a NUL', 'a\u0000', /contains a control character/],
		['DEL', 'a\u007f', /contains a control character/],
	])('refuses a value with %s, rather than sending what the server may read differently', (_what, value, message) => {
		expect(() => buildFilter([{ field: 'familyName', operator: '=', value }])).toThrow(message);
		expect(() => buildFilter([{ field: 'role', operator: '=', value: 'student' }, { field: 'familyName', operator: '~', value }], 'OR')).toThrow(message);
	});
	it('sends every other value as typed between the quotes: double quotes, percent signs, umlauts, AND inside a value', () => {
		expect(buildFilter([{ field: 'name', operator: '~', value: 'Schule "Am Park" 100% Übung AND mehr' }])).toBe('name~\'Schule "Am Park" 100% Übung AND mehr\'');
	});
	it('accepts every operator and a dotted field, and no filter at all', () => {
		for (const operator of ['=', '!=', '>', '>=', '<', '<=', '~']) expect(buildFilter([{ field: 'metadata.classCode', operator, value: '9A' }])).toBe(`metadata.classCode${operator}'9A'`);
		expect(buildFilter([])).toBeUndefined();
		expect(buildFilter([{ field: '  ', operator: '=', value: 'x' }])).toBeUndefined();
	});
	it.each([
		['three predicates', [1, 2, 3].map(() => ({ field: 'a', operator: '=', value: 'b' })), /at most two predicates; 3 were given/],
		['an unknown operator', [{ field: 'a', operator: '==', value: 'b' }], /operator '==' is not one of = != > >= < <= ~/],
		['a field with a space (an injected predicate)', [{ field: "role='x' OR a", operator: '=', value: 'b' }], /is not a field name/],
		['an overlong value', [{ field: 'a', operator: '=', value: 'v'.repeat(1001) }], /at most 1000/],
		['an overlong field', [{ field: 'f'.repeat(101), operator: '=', value: 'v' }], /at most 100/],
	])('refuses %s, saying what to fix', (_what, predicates, message) => {
		expect(() => buildFilter(predicates)).toThrow(message);
	});
	it('sort with its order, and fields, as query parameters', () => {
		expect(collectionQuery({ filters: [{ field: 'role', operator: '=', value: 'student' }], sort: 'familyName', orderBy: 'desc', fields: 'sourcedId, givenName' })).toEqual({ filter: "role='student'", sort: 'familyName', orderBy: 'desc', fields: 'sourcedId,givenName' });
		expect(collectionQuery({})).toEqual({});
		expect(() => buildFields('sourcedId,given name')).toThrow(/Fields entry 'given name' is not a field name/);
	});
});

describe('the 22 OneRoster endpoints Untis documents', () => {
	it('are all there, GET paths below /ims/oneroster/v1p1', () => {
		const paths = Object.values(ONEROSTER_ENDPOINTS).flatMap((operations) => Object.values(operations).map((e) => e.path));
		expect(paths.sort()).toEqual([
			'/academicSessions', '/academicSessions/{id}', '/classes', '/classes/{classId}/students', '/classes/{classId}/teachers', '/classes/{id}',
			'/enrollments', '/enrollments/{id}', '/orgs', '/orgs/{id}', '/schools', '/schools/{id}', '/schools/{schoolId}/classes/{classId}/enrollments',
			'/schools/{schoolId}/enrollments', '/schools/{schoolId}/students', '/schools/{schoolId}/teachers', '/students', '/students/{id}',
			'/teachers', '/teachers/{id}', '/users', '/users/{id}',
		]);
	});
	it('fill their IDs URL-encoded, and refuse an empty or overlong one', () => {
		expect(endpointPath(ONEROSTER_ENDPOINTS.enrollment.getManyOfClass, { schoolId: ' s 1 ', classId: 'c/../x' })).toBe('/ims/oneroster/v1p1/schools/s%201/classes/c%2F..%2Fx/enrollments');
		expect(() => endpointPath(ONEROSTER_ENDPOINTS.student.get, { id: ' ' })).toThrow(/Sourced ID is empty: enter the sourcedId of the student/);
		expect(() => endpointPath(ONEROSTER_ENDPOINTS.student.getManyOfSchool, { schoolId: 'x'.repeat(201) })).toThrow(/School Sourced ID is 201 characters long/);
	});
	it('unwrap their envelopes: {"user":{...}} is the object, {"users":[...]} the records', () => {
		expect(unwrapOne({ user: { sourcedId: 'u1' } }, 'user')).toEqual({ sourcedId: 'u1' });
		expect(unwrapOne({ sourcedId: 'u1' }, 'user')).toEqual({ sourcedId: 'u1' });
		expect(unwrapMany({ users: [{ a: 1 }], other: [] }, 'users')).toEqual([{ a: 1 }]);
		expect(unwrapMany({ orgs: [{ a: 1 }] }, 'orgs')).toEqual([{ a: 1 }]);
	});
	it('students and teachers come in the users envelope, schools in the orgs one', () => {
		expect(ONEROSTER_ENDPOINTS.student.getMany.envelope).toBe('users');
		expect(ONEROSTER_ENDPOINTS.teacher.get.envelope).toBe('user');
		expect(ONEROSTER_ENDPOINTS.org.getManySchools.envelope).toBe('orgs');
	});
});

describe("what Untis's error bodies say", () => {
	const imsx = {
		imsx_codeMajor: 'failure',
		imsx_severity: 'error',
		imsx_description: 'The object with sourcedId abc does not exist',
		imsx_CodeMinor: { imsx_codeMinorField: [{ imsx_codeMinorFieldName: 'TargetEndSystem', imsx_codeMinorFieldValue: 'unknownobject' }] },
	};
	it('reads a 1EdTech imsx body', () => {
		expect(imsxSays(imsx)).toBe('failure/error: The object with sourcedId abc does not exist (unknownobject)');
	});
	it('reads the extern shape with requestId and traceId, and its validationErrors variant', () => {
		expect(externSays({ errorCode: 'FORBIDDEN', errorMessage: 'no access', requestId: 'req-1', traceId: 'trace-1' })).toBe('FORBIDDEN: no access; requestId req-1, traceId trace-1');
		expect(externSays({ errorCode: 'VALIDATION_ERROR', requestId: 'r', traceId: 't', validationErrors: [{ path: 'schoolYearId', errorMessage: 'must not be null', errorKey: 'NotNull' }] })).toBe('VALIDATION_ERROR; schoolYearId: must not be null; requestId r, traceId t');
	});
	it('a 404 on a Get names the resource and its ID', () => {
		expect(describeApiError(404, imsx, { family: 'oneroster', what: "OneRoster user 'abc' of tenant '1'", single: true })).toBe(
			"OneRoster user 'abc' of tenant '1' was not found (HTTP 404): check the ID (Untis: failure/error: The object with sourcedId abc does not exist (unknownobject))",
		);
	});
	it('a 403 names the PAM permission "OneRoster read" and the scope roster-core.readonly', () => {
		expect(describeApiError(403, undefined, { family: 'oneroster', what: 'OneRoster users', single: false })).toMatch(/PAM permission "OneRoster read", and its token the scope roster-core\.readonly$/);
		expect(describeApiError(403, { errorCode: 'FORBIDDEN', requestId: 'req-9', traceId: 't-9' }, { family: 'extern', what: 'Timetable', single: false })).toMatch(/permission for this API in PAM \(Untis: FORBIDDEN; requestId req-9, traceId t-9\)$/);
	});
	it('quotes capped, printable text only, and keeps the generic message when the body says nothing', () => {
		const said = imsxSays({ imsx_codeMajor: 'failure', imsx_description: `a\u0000b${'x'.repeat(1000)}` })!;
		expect(said).toMatch(/^failure: a\?bx+$/);
		expect(said.length).toBeLessThan(320);
		expect(describeApiError(500, 'plain text', { family: 'oneroster', what: 'x', single: false })).toBeUndefined();
	});
});

describe('paging with a Limit', () => {
	it('stops at the limit, also across server-capped pages', async () => {
		const all = Array.from({ length: 23 }, (_, i) => ({ id: i }));
		const asked: Array<[number, number]> = [];
		const { records } = await readAllPages(
			async (offset, limit) => {
				asked.push([offset, limit]);
				return { statusCode: 200, headers: { 'x-total-count': '23' }, body: { users: all.slice(offset, offset + Math.min(limit, 10)) } };
			},
			{ pageSize: 100, maxPages: 10, maxRecords: 15 },
			'test',
		);
		expect(records).toEqual(all.slice(0, 15));
		expect(asked).toEqual([[0, 15], [10, 5]]);
	});
});

describe("the extern Timetable's own paging: offset is 1-based", () => {
	const periods = Array.from({ length: 23 }, (_, i) => ({ id: i + 1 }));
	const page = (offset: number, limit: number) => ({ statusCode: 200, headers: {}, body: { version: 3, masterData: { classes: [{ id: 1 }] }, timetableData: { timeGrids: [], periods: periods.slice(offset - 1, offset - 1 + limit) } } });

	it('reads offset 1, 11, 21 … until a short page, and keeps the master data', async () => {
		const asked: number[] = [];
		const result = await readAllPeriods(async (offset, limit) => (asked.push(offset), page(offset, limit)), { pageSize: 10, maxPages: 10 }, 'tt');
		expect(asked).toEqual([1, 11, 21]);
		expect(result.periods).toEqual(periods);
		expect(result.answer).toMatchObject({ version: 3, masterData: { classes: [{ id: 1 }] }, timetableData: { periods } });
	});
	it('a server that ignores offset is an error, not a loop', async () => {
		await expect(readAllPeriods(async (_offset, limit) => page(1, limit), { pageSize: 10, maxPages: 10 }, 'tt')).rejects.toThrow(/page at offset 11 repeats the previous page/);
	});
	it('a range with more pages than Max Pages is an error that says what to narrow, not a shortened timetable', async () => {
		await expect(readAllPeriods(async (offset, limit) => page(offset, limit), { pageSize: 5, maxPages: 2 }, 'tt')).rejects.toThrow(
			'tt: more than 2 pages of 5 periods; raise Max Pages or narrow the range or filters',
		);
	});
	it('an answer without timetableData.periods is an error, not an empty timetable', async () => {
		await expect(readAllPeriods(async () => ({ statusCode: 200, headers: {}, body: { version: 3 } }), { pageSize: 5, maxPages: 2 }, 'tt')).rejects.toThrow(
			'tt: the answer has no timetableData.periods; turn Return All off',
		);
	});
	it('dates: ISO 8601, start not after end', () => {
		expect(dateRange('2026-09-01', '2026-09-30')).toEqual({ start: '2026-09-01', end: '2026-09-30' });
		expect(isoDate('2026-09-01T08:00:00Z', 'Start')).toBe('2026-09-01T08:00:00Z');
		expect(() => dateRange('2026-10-01', '2026-09-01')).toThrow(/Start 2026-10-01 is after End 2026-09-01/);
		expect(() => isoDate('1.9.2026', 'Start')).toThrow(/'1\.9\.2026' is not an ISO 8601 date/);
		expect(() => dateRange('2026-09-01T08:00', '2026-09-02', { dateOnly: true })).toThrow(/must be a date \(YYYY-MM-DD\)/);
	});
});
