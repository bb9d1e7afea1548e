import type { UntisApiMock } from '../helpers/untisApiMock.cjs';

// A type-only import is erased; load the helper by its file name (as apiTransport.test.cts does).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startUntisApiMock, parseFilter, UNTIS_DATASET } = require('../helpers/untisApiMock.cts') as typeof import('../helpers/untisApiMock.cjs');

/**
 * The loopback stand-in of the Untis APIs itself, with plain fetch: what the typed OneRoster and
 * extern operations will be tested against must answer as the spec (section 6) describes.
 */
let mock: UntisApiMock;
beforeAll(async () => (mock = await startUntisApiMock({ 'client-1': 'pw-1' })));
afterAll(() => mock.close());
beforeEach(() => {
	mock.calls.length = 0;
	mock.maxPageSize = 1000;
});

const tokens = new Map<string, string>();
async function token(tenant: string): Promise<string> {
	if (!tokens.has(tenant)) {
		const answer = await fetch(`${mock.apiBase}/WebUntis/api/sso/v3/${tenant}/token`, {
			method: 'POST',
			headers: { Authorization: `Basic ${Buffer.from('client-1:pw-1').toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
			body: 'grant_type=client_credentials',
		});
		expect(answer.status).toBe(200);
		tokens.set(tenant, ((await answer.json()) as { access_token: string }).access_token);
	}
	return tokens.get(tenant)!;
}
type Answer = { status: number; headers: Headers; body: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
async function get(path: string, query: Record<string, string | number> = {}, tenant = 't-1', method = 'GET'): Promise<Answer> {
	const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
	const answer = await fetch(`${mock.apiBase}${path}${qs ? `?${qs}` : ''}`, { method, headers: { Authorization: `Bearer ${await token(tenant)}` } });
	const text = await answer.text();
	return { status: answer.status, headers: answer.headers, body: text ? JSON.parse(text) : null };
}
const OR = '/ims/oneroster/v1p1';
const EXT = '/WebUntis/api/rest/extern';
const d = UNTIS_DATASET;
const ids = (records: Array<{ sourcedId?: unknown }>) => records.map((r) => r.sourcedId);
const imsx = (codeMinor: string, description: RegExp | string = /./, codeMajor = 'failure') => ({
	imsx_codeMajor: codeMajor,
	imsx_severity: 'error',
	imsx_description: typeof description === 'string' ? description : expect.stringMatching(description),
	imsx_CodeMinor: { imsx_codeMinorField: [{ imsx_codeMinorFieldName: 'TargetEndSystem', imsx_codeMinorFieldValue: codeMinor }] },
});

describe('the dataset', () => {
	it('is consistent: 2 schools with UUID sourcedIds, 3 classes, 25 students and 5 teachers each, 1 school year, enrollments that link them', () => {
		const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
		expect(mock.dataset).toBe(UNTIS_DATASET);
		expect(d.schools).toHaveLength(2);
		for (const record of [...d.schools, ...d.classes, ...d.users, ...d.enrollments, ...d.academicSessions]) expect(record.sourcedId).toMatch(uuid);
		expect(d.classes).toHaveLength(6);
		expect(d.students).toHaveLength(50);
		expect(d.teachers).toHaveLength(10);
		expect(d.users).toEqual([...d.students, ...d.teachers]);
		expect(new Set(d.users.map((u) => u.role))).toEqual(new Set(['student', 'teacher']));
		expect(d.academicSessions).toEqual([expect.objectContaining({ type: 'schoolYear', startDate: '2026-09-01', endDate: '2027-08-31' })]);
		const userIds = new Set(ids(d.users));
		const classIds = new Set(ids(d.classes));
		const schoolIds = new Set(ids(d.schools));
		for (const e of d.enrollments as Array<Record<string, { sourcedId: string }>>) {
			expect(userIds.has(e.user.sourcedId)).toBe(true);
			expect(classIds.has(e.class.sourcedId)).toBe(true);
			expect(schoolIds.has(e.school.sourcedId)).toBe(true);
		}
		expect(d.enrollments).toHaveLength(108);
		// Every student with an account is in the extern API too, plus one without an account per school.
		expect(d.extern.students).toHaveLength(52);
		expect(d.extern.students.filter((s) => !s.hasUserAccount)).toHaveLength(2);
		expect(d.students.map((s) => s.identifier)).toEqual(d.extern.students.filter((s) => s.hasUserAccount).map((s) => s.externKey));
		expect(d.extern.periods).toHaveLength(30);
	});
});

describe('OneRoster: envelopes', () => {
	it.each([
		['/schools', 'orgs', () => d.schools],
		['/users', 'users', () => d.users],
		['/students', 'users', () => d.students],
		['/teachers', 'users', () => d.teachers],
		['/academicSessions', 'academicSessions', () => d.academicSessions],
		['/enrollments', 'enrollments', () => d.enrollments],
	])('%s → {"%s":[...]} with X-Total-Count', async (path, envelope, expected) => {
		const answer = await get(`${OR}${path}`, { limit: 1000 });
		expect(answer.status).toBe(200);
		expect(Object.keys(answer.body)).toEqual([envelope]);
		expect(answer.body[envelope]).toEqual(expected());
		expect(answer.headers.get('x-total-count')).toBe(String(expected().length));
	});

	it.each([
		['/schools/{id}', 'org', () => d.schools[1]],
		['/orgs/{id}', 'org', () => d.schools[0]],
		['/users/{id}', 'user', () => d.teachers[3]],
		['/students/{id}', 'user', () => d.students[7]],
		['/teachers/{id}', 'user', () => d.teachers[0]],
		['/classes/{id}', 'class', () => d.classes[2]],
		['/academicSessions/{id}', 'academicSession', () => d.academicSessions[0]],
		['/enrollments/{id}', 'enrollment', () => d.enrollments[40]],
	])('%s → {"%s":{...}}', async (path, envelope, record) => {
		const answer = await get(`${OR}${path.replace('{id}', record().sourcedId as string)}`);
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({ [envelope]: record() });
	});

	it('/orgs/{id} also finds the 250 synthetic orgs, /classes/{id} the synthetic classes; /schools/{id} only schools', async () => {
		expect((await get(`${OR}/orgs/org-249`)).body).toEqual({ org: { sourcedId: 'org-249', name: 'School 249' } });
		expect((await get(`${OR}/classes/class-7`)).body).toEqual({ class: { sourcedId: 'class-7' } });
		expect((await get(`${OR}/schools/org-1`)).status).toBe(404);
	});

	it('the older collections are unchanged: /orgs 250 synthetic orgs with X-Total-Count, /classes 200 without', async () => {
		const orgs = await get(`${OR}/orgs`, { limit: 100, offset: 200 });
		expect(orgs.body.orgs).toHaveLength(50);
		expect(orgs.body.orgs[0]).toEqual({ sourcedId: 'org-200', name: 'School 200' });
		expect(orgs.headers.get('x-total-count')).toBe('250');
		const classes = await get(`${OR}/classes`, { limit: 100000 });
		expect(classes.body.classes).toHaveLength(200);
		expect(classes.headers.get('x-total-count')).toBeNull();
		expect((await get(`${OR}/classes`)).body.classes).toHaveLength(100);
	});

	it('/students/{id} does not find a teacher, /teachers/{id} not a student', async () => {
		expect((await get(`${OR}/students/${d.teachers[0].sourcedId}`)).status).toBe(404);
		expect((await get(`${OR}/teachers/${d.students[0].sourcedId}`)).status).toBe(404);
	});

	it('nested: a school\'s students, teachers and enrollments; a class\'s students and teachers; a class\'s enrollments within its school', async () => {
		const [s1, s2] = d.schools.map((s) => s.sourcedId as string);
		const inSchool = (id: string) => (r: Record<string, unknown>) => ((r.orgs as Array<{ sourcedId: string }>) ?? [r.school]).some((o) => (o as { sourcedId: string }).sourcedId === id);
		expect((await get(`${OR}/schools/${s1}/students`)).body.users).toEqual(d.students.filter(inSchool(s1)));
		expect((await get(`${OR}/schools/${s2}/students`)).body.users).toHaveLength(25);
		expect((await get(`${OR}/schools/${s2}/teachers`)).body.users).toEqual(d.teachers.slice(5));
		const enrollments = await get(`${OR}/schools/${s1}/enrollments`);
		expect(enrollments.body.enrollments).toEqual(d.enrollments.filter(inSchool(s1)));
		expect(enrollments.headers.get('x-total-count')).toBe('54');

		// Mathematics 1A: the 13 students of Klasse 1A and one teacher.
		const math = d.classes[0];
		expect(math.metadata).toEqual({ className: '1A' });
		const students = (await get(`${OR}/classes/${math.sourcedId}/students`)).body.users;
		expect(students).toHaveLength(13);
		expect(students.every((u: Record<string, unknown>) => u.role === 'student' && (u.metadata as Record<string, unknown>).className === '1A')).toBe(true);
		expect((await get(`${OR}/classes/${math.sourcedId}/teachers`)).body.users).toEqual([d.teachers[0]]);
		// Computer Science 1A/1B: both Klassen, two teachers.
		expect((await get(`${OR}/classes/${d.classes[2].sourcedId}/students`)).body.users).toHaveLength(25);
		expect((await get(`${OR}/classes/${d.classes[2].sourcedId}/teachers`)).body.users).toEqual([d.teachers[2], d.teachers[3]]);

		const perClass = await get(`${OR}/schools/${s1}/classes/${math.sourcedId}/enrollments`);
		expect(perClass.body.enrollments).toHaveLength(14);
		expect(perClass.body.enrollments.filter((e: Record<string, unknown>) => e.role === 'teacher')).toEqual([expect.objectContaining({ primary: 'true' })]);
		// A class of another school is not found under this school.
		const other = await get(`${OR}/schools/${s2}/classes/${math.sourcedId}/enrollments`);
		expect(other.status).toBe(404);
		expect(other.body).toEqual(imsx('unknownobject', new RegExp(math.sourcedId as string)));
		expect((await get(`${OR}/classes/class-3/students`)).body.users).toEqual([]);
	});
});

describe('OneRoster: paging', () => {
	it('limit defaults to 100, offset is zero-based', async () => {
		const first = await get(`${OR}/enrollments`);
		expect(first.body.enrollments).toEqual(d.enrollments.slice(0, 100));
		const rest = await get(`${OR}/enrollments`, { offset: 100 });
		expect(rest.body.enrollments).toEqual(d.enrollments.slice(100));
		expect(rest.headers.get('x-total-count')).toBe('108');
	});

	it('server-capped pages: at most maxPageSize records whatever limit asks; X-Total-Count says how many there are', async () => {
		mock.maxPageSize = 7;
		const pages: unknown[][] = [];
		for (let offset = 0; ; ) {
			const answer = await get(`${OR}/users`, { limit: 20, offset });
			expect(answer.headers.get('x-total-count')).toBe('60');
			pages.push(answer.body.users);
			offset += answer.body.users.length;
			if (offset >= 60) break;
		}
		expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 7, 7, 7, 7, 4]);
		expect(pages.flat()).toEqual(d.users);
		expect(mock.calls.map((c) => c.query)).toEqual(pages.map((_, i) => ({ limit: '20', offset: String(i * 7) })));
		// The cap is for every collection, also the older synthetic ones.
		expect((await get(`${OR}/orgs`, { limit: 100 })).body.orgs).toHaveLength(7);
	});

	it.each([['limit', '0'], ['limit', '-1'], ['limit', 'ten'], ['offset', '-5'], ['offset', '1.5']])('%s=%s → 400 imsx', async (name, value) => {
		const answer = await get(`${OR}/users`, { [name]: value });
		expect(answer.status).toBe(400);
		expect(answer.body).toEqual(imsx('invalid_data', new RegExp(`${name} '${value.replace('.', '\\.')}'`)));
	});
});

describe('OneRoster: filter, sort, fields', () => {
	const filtered = async (filter: string, path = '/users') => {
		const answer = await get(`${OR}${path}`, { filter, limit: 1000 });
		expect(answer.status).toBe(200);
		expect(answer.headers.get('x-total-count')).toBe(String(answer.body.users?.length ?? answer.body.enrollments?.length ?? answer.body.orgs?.length));
		return answer.body.users ?? answer.body.enrollments ?? answer.body.orgs;
	};

	it("role='student', and the operators = != > >= < <=", async () => {
		expect(await filtered("role='student'")).toEqual(d.students);
		expect(await filtered("role!='student'")).toEqual(d.teachers);
		const after = d.users.filter((u) => (u.dateLastModified as string) > '2026-11-15');
		expect(after.length).toBeGreaterThan(5);
		expect(await filtered("dateLastModified>'2026-11-15'")).toEqual(after);
		expect(await filtered("dateLastModified<='2026-11-15'")).toEqual(d.users.filter((u) => (u.dateLastModified as string) <= '2026-11-15'));
		expect(await filtered("identifier>='T108'")).toEqual(d.teachers.filter((t) => (t.identifier as string) >= 'T108'));
		expect(await filtered("identifier<'S1003'")).toEqual(d.students.slice(0, 2));
	});

	it("~ is contains, case-insensitive: givenName~'an'", async () => {
		const expected = d.users.filter((u) => (u.givenName as string).toLowerCase().includes('an'));
		expect(expected.map((u) => u.givenName)).toEqual(expect.arrayContaining(['Anna', 'Jan', 'Johanna', 'Stefan', 'Andreas']));
		expect(await filtered("givenName~'an'")).toEqual(expected);
		expect(await filtered("givenName~'AN'")).toEqual(expected);
	});

	it("AND and OR: status='active' AND role='teacher', role='teacher' OR familyName='Gruber'", async () => {
		const activeTeachers = d.teachers.filter((t) => t.status === 'active');
		expect(activeTeachers).toHaveLength(9);
		expect(await filtered("status='active' AND role='teacher'")).toEqual(activeTeachers);
		expect(await filtered("role='teacher' OR familyName='Gruber'")).toEqual(d.users.filter((u) => u.role === 'teacher' || u.familyName === 'Gruber'));
		expect(await filtered("status='tobedeleted' OR status='active'")).toHaveLength(60);
	});

	it("a quote inside a value is written '': familyName='O''Brien'", async () => {
		const obrien = await filtered("familyName='O''Brien'");
		expect(obrien).toEqual(d.users.filter((u) => u.familyName === "O'Brien"));
		expect(obrien).toHaveLength(1);
		expect(await filtered("familyName~'d''a'")).toEqual([d.teachers.find((t) => t.familyName === "D'Angelo")]);
		expect(await filtered("familyName=''")).toEqual([]);
	});

	it("dotted field paths, also through arrays: orgs.sourcedId, user.sourcedId, metadata.className", async () => {
		const s2 = d.schools[1].sourcedId as string;
		expect(await filtered(`orgs.sourcedId='${s2}' AND role='teacher'`)).toEqual(d.teachers.slice(5));
		const u = d.students[3].sourcedId as string;
		expect(await filtered(`user.sourcedId='${u}'`, '/enrollments')).toEqual(d.enrollments.filter((e) => (e.user as { sourcedId: string }).sourcedId === u));
		expect(await filtered("metadata.className='1B'")).toHaveLength(12);
		expect(await filtered("name~'school 24'", '/orgs')).toHaveLength(11);
	});

	it.each([
		["role='student' AND status='active' AND givenName~'a'", /at most two predicates/],
		["role='student' AND status='active' OR role='teacher'", /at most two predicates/],
		["role='student'AND status='active'", /expected ' AND ' or ' OR '/],
		["role='student' and status='active'", /expected ' AND ' or ' OR '/],
		['role=student', /expected a value in single quotes/],
		["role=='student'", /expected a value in single quotes/],
		["role='student", /unterminated value/],
		["role 'student'", /expected one of = != > >= < <= ~/],
		["role = 'student'", /expected one of = != > >= < <= ~/],
		["nope='x'", /unknown filter field 'nope'/],
		["orgs='x'", /unknown filter field 'orgs'/],
		['', /expected a field name/],
	])('invalid filter %j → 400 imsx invalid_filter_field', async (filter, problem) => {
		const answer = await get(`${OR}/users`, { filter });
		expect(answer.status).toBe(400);
		expect(answer.body).toEqual(imsx('invalid_filter_field', problem));
		expect(answer.body.imsx_description).toContain(filter);
	});

	it("/orgs and /classes know every org and class field, also those their synthetic records lack", async () => {
		expect(await filtered("status='active'", '/orgs')).toEqual([]);
		expect(await filtered("name~'O''School' OR status='active'", '/orgs')).toEqual([]);
		expect(await filtered("name='School 7' OR status='active'", '/orgs')).toEqual([{ sourcedId: 'org-7', name: 'School 7' }]);
		const classes = await get(`${OR}/classes`, { filter: "classType='scheduled'", sort: 'title' });
		expect(classes).toMatchObject({ status: 200, body: { classes: [] } });
	});

	it('a filter on a nested collection names the fields of the resource, even when the page is empty', async () => {
		expect((await get(`${OR}/classes/class-3/students`, { filter: "role='student'" })).body).toEqual({ users: [] });
	});

	it('parseFilter (exported for tests): predicates, join and the unescaped value', () => {
		expect(parseFilter("a.b~'x''y' OR c>='2'")).toEqual({ join: 'OR', predicates: [{ field: 'a.b', op: '~', value: "x'y" }, { field: 'c', op: '>=', value: '2' }] });
	});

	it('sort + orderBy asc|desc, applied before paging; unknown sort field or orderBy → 400 imsx', async () => {
		const byFamily = [...d.users].sort((a, b) => ((a.familyName as string) < (b.familyName as string) ? -1 : (a.familyName as string) > (b.familyName as string) ? 1 : 0));
		expect((await get(`${OR}/users`, { sort: 'familyName', limit: 1000 })).body.users).toEqual(byFamily);
		expect((await get(`${OR}/users`, { sort: 'familyName', orderBy: 'asc', limit: 1000 })).body.users).toEqual(byFamily);
		const desc = (await get(`${OR}/users`, { sort: 'familyName', orderBy: 'desc', limit: 1000 })).body.users;
		expect(desc.map((u: Record<string, unknown>) => u.familyName)).toEqual([...byFamily].reverse().map((u) => u.familyName));
		// Sorted before paging: page 2 of the sorted list.
		const page = (await get(`${OR}/users`, { sort: 'familyName', limit: 10, offset: 10, filter: "role='student'" })).body.users;
		expect(page).toEqual(byFamily.filter((u) => u.role === 'student').slice(10, 20));
		expect((await get(`${OR}/orgs`, { sort: 'sourcedId', orderBy: 'desc', limit: 1 })).body.orgs).toEqual([{ sourcedId: 'org-99', name: 'School 99' }]);
		expect(await get(`${OR}/users`, { sort: 'shoeSize' })).toMatchObject({ status: 400, body: imsx('invalid_sort_field', /shoeSize/) });
		expect(await get(`${OR}/users`, { sort: 'familyName', orderBy: 'up' })).toMatchObject({ status: 400, body: imsx('invalid_sort_field', /orderBy 'up'/) });
	});

	it('fields=a,b projects collections and single objects; unknown names are dropped; only unknown names: the whole record; a blank name: 400', async () => {
		const answer = await get(`${OR}/students`, { fields: 'sourcedId,givenName,nope', limit: 2 });
		expect(answer.body.users).toEqual(d.students.slice(0, 2).map((s) => ({ sourcedId: s.sourcedId, givenName: s.givenName })));
		expect((await get(`${OR}/schools/${d.schools[0].sourcedId}`, { fields: 'name' })).body).toEqual({ org: { name: d.schools[0].name } });
		expect((await get(`${OR}/schools`, { fields: 'nope' })).body.orgs).toEqual(d.schools);
		expect(await get(`${OR}/schools`, { fields: 'name,' })).toMatchObject({ status: 400, body: imsx('invalid_selection_field') });
	});

	it('records every query on calls', async () => {
		await get(`${OR}/users`, { filter: "role='teacher'", sort: 'givenName', fields: 'givenName' });
		expect(mock.calls).toEqual([expect.objectContaining({ host: 'api', method: 'GET', path: `${OR}/users`, query: { filter: "role='teacher'", sort: 'givenName', fields: 'givenName' } })]);
	});
});

describe('OneRoster: errors', () => {
	it('an unknown id → 404 imsx unknownobject naming the id', async () => {
		for (const kind of ['orgs', 'schools', 'users', 'students', 'teachers', 'classes', 'academicSessions', 'enrollments']) {
			const answer = await get(`${OR}/${kind}/no-such-id`);
			expect(answer.status).toBe(404);
			expect(answer.body).toEqual(imsx('unknownobject', /'no-such-id'/));
		}
		expect(await get(`${OR}/schools/no-such-school/students`)).toMatchObject({ status: 404, body: imsx('unknownobject', /no-such-school/) });
		expect(await get(`${OR}/classes/no-such-class/teachers`)).toMatchObject({ status: 404, body: imsx('unknownobject', /no-such-class/) });
	});

	it('an undocumented OneRoster endpoint → 404 imsx', async () => {
		expect(await get(`${OR}/courses`)).toMatchObject({ status: 404, body: imsx('unknownobject', /courses/) });
	});

	it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('%s on a OneRoster path → 405 imsx, Allow: GET', async (method) => {
		for (const path of ['/users', `/schools/${d.schools[0].sourcedId}`, '/orgs', '/capped']) {
			const answer = await get(`${OR}${path}`, {}, 't-1', method);
			expect(answer.status).toBe(405);
			expect(answer.headers.get('allow')).toBe('GET');
			expect(answer.body).toEqual(imsx('unsupported', new RegExp(`${method} .*read-only`), 'unsupported'));
		}
	});

	it('the tenant no-oneroster (no PAM permission "OneRoster read") → 403 imsx forbidden on every OneRoster path', async () => {
		for (const path of ['/orgs', '/users', `/users/${d.users[0].sourcedId}`, '/capped', '/classes']) {
			const answer = await get(`${OR}${path}`, {}, 'no-oneroster');
			expect(answer.status).toBe(403);
			expect(answer.body).toEqual(imsx('forbidden', /OneRoster read/));
		}
		// The extern APIs are not OneRoster.
		expect((await get(`${EXT}/v1/lesson`, { start: '2026-12-07', end: '2026-12-07' }, 'no-oneroster')).status).toBe(200);
	});
});

describe('extern: Students v3', () => {
	it('every student of the school year, also those without a user account, as a bare array with classAssignments', async () => {
		const answer = await get(`${EXT}/v3/students`, { schoolYearId: 12 });
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual(d.extern.students);
		expect(answer.body[0]).toEqual(expect.objectContaining({ externKey: 'S1001', classAssignments: [expect.objectContaining({ className: '1A' })] }));
		expect(answer.headers.get('x-total-count')).toBeNull();
		expect((await get(`${EXT}/v3/students`, { schoolYearId: 11 })).body).toEqual([]);
	});

	it("filter=classAssignments.className='1A'", async () => {
		const answer = await get(`${EXT}/v3/students`, { schoolYearId: 12, filter: "classAssignments.className='1A'" });
		expect(answer.body).toEqual(d.extern.students.filter((s) => (s.classAssignments as Array<{ className: string }>)[0].className === '1A'));
		expect(answer.body).toHaveLength(14);
		expect(answer.body.filter((s: Record<string, unknown>) => !s.hasUserAccount)).toHaveLength(1);
	});

	it('without schoolYearId → 400 validationErrors NotNull; a bad filter or id → 400 validationErrors', async () => {
		const answer = await get(`${EXT}/v3/students`);
		expect(answer.status).toBe(400);
		expect(answer.body).toEqual({
			errorCode: 'VALIDATION_ERROR',
			requestId: expect.stringMatching(/^req-/),
			traceId: expect.stringMatching(/^trace-/),
			validationErrors: [{ path: 'schoolYearId', errorMessage: 'must not be null', errorKey: 'NotNull' }],
		});
		expect((await get(`${EXT}/v3/students`, { schoolYearId: 'this' })).body.validationErrors).toEqual([{ path: 'schoolYearId', errorMessage: 'must be a number', errorKey: 'TypeMismatch' }]);
		const bad = await get(`${EXT}/v3/students`, { schoolYearId: 12, filter: "shoe='x'" });
		expect(bad.status).toBe(400);
		expect(bad.body.validationErrors).toEqual([{ path: 'filter', errorMessage: "unknown filter field 'shoe'", errorKey: 'InvalidFilter' }]);
	});

	it('requestId and traceId differ from request to request', async () => {
		const a = (await get(`${EXT}/v3/students`)).body;
		const b = (await get(`${EXT}/v3/students`)).body;
		expect(a.requestId).not.toBe(b.requestId);
		expect(a.traceId).not.toBe(b.traceId);
	});
});

describe('extern: Timetable v3', () => {
	const week = { start: '2026-12-07', end: '2026-12-11' };
	const periods = async (query: Record<string, string | number>) => {
		const answer = await get(`${EXT}/v3/timetable`, { ...week, ...query });
		expect(answer.status).toBe(200);
		return answer.body.timetableData.periods as Array<Record<string, unknown>>;
	};

	it('answers {version, headerData, masterData, timetableData{timeGrids, periods}} with the 30 periods of the seeded week, no X-Total-Count', async () => {
		const answer = await get(`${EXT}/v3/timetable`, week);
		expect(answer.status).toBe(200);
		expect(Object.keys(answer.body)).toEqual(['version', 'headerData', 'masterData', 'timetableData']);
		expect(answer.headers.get('x-total-count')).toBeNull();
		expect(Object.keys(answer.body.masterData)).toEqual(expect.arrayContaining(['classes', 'rooms', 'students', 'subjects', 'teachers']));
		expect(answer.body.masterData.classes).toEqual(d.extern.klassen);
		expect(answer.body.timetableData.timeGrids).toEqual(d.extern.timeGrids);
		const all = answer.body.timetableData.periods;
		expect(all).toEqual(d.extern.periods);
		for (const p of all) expect(Object.keys(p)).toEqual(expect.arrayContaining(['id', 'date', 'startTime', 'endTime', 'status', 'classes', 'teachers', 'rooms', 'subjects', 'lastModified']));
		expect(all.filter((p: Record<string, unknown>) => p.status === 'CANCELLED')).toHaveLength(2);
		expect(all[0]).toEqual(expect.objectContaining({ date: '2026-12-07', startTime: '08:00', endTime: '08:50' }));
		expect((await periods({ start: '2026-12-08', end: '2026-12-08' })).map((p) => p.date)).toEqual(Array(6).fill('2026-12-08'));
		expect(await periods({ start: '2026-12-08T00:00:00Z', end: '2026-12-08T23:59:59Z' })).toHaveLength(6);
	});

	it('limit and a 1-BASED offset page the periods; offset 0 (the default) is no paging, whatever limit says', async () => {
		const all = d.extern.periods;
		expect(await periods({ limit: 10, offset: 1 })).toEqual(all.slice(0, 10));
		expect(await periods({ limit: 10, offset: 11 })).toEqual(all.slice(10, 20));
		expect(await periods({ limit: 10, offset: 21 })).toEqual(all.slice(20, 30));
		expect(await periods({ limit: 10, offset: 31 })).toEqual([]);
		expect(await periods({ limit: 7, offset: 29 })).toEqual(all.slice(28));
		expect(await periods({ limit: 10, offset: 0 })).toEqual(all);
		expect(await periods({ limit: 10 })).toEqual(all);
		expect(await periods({ limit: 0, offset: 5 })).toEqual(all.slice(4));
		// A client paging zero-based gets its first page twice over: offset 10 starts at the 10th period.
		expect((await periods({ limit: 10, offset: 10 }))[0]).toEqual(all[9]);
		// masterData covers the periods of the page.
		const page = await get(`${EXT}/v3/timetable`, { ...week, limit: 1, offset: 1 });
		expect(page.body.masterData.classes).toEqual([d.extern.klassen[0]]);
		expect(page.body.headerData.periodCount).toBe(1);
	});

	it('filters class, room, student, teacher, lesson and their ...Ext forms; dateLastModifiedAfter', async () => {
		const all = d.extern.periods;
		const has = (key: string, id: number) => (p: Record<string, unknown>) => (p[key] as Array<{ id: number }>).some((x) => x.id === id);
		expect(await periods({ class: 101 })).toEqual(all.filter(has('classes', 101)));
		expect(await periods({ classExt: 'K-1A' })).toEqual(all.filter(has('classes', 101)));
		expect(await periods({ class: '102,103' })).toEqual(all.filter((p) => has('classes', 102)(p) || has('classes', 103)(p)));
		expect(await periods({ room: 302 })).toEqual(all.filter(has('rooms', 302)));
		expect(await periods({ roomExt: 'ROOM-102' })).toEqual(all.filter(has('rooms', 302)));
		expect(await periods({ teacher: 205 })).toEqual(all.filter(has('teachers', 205)));
		expect(await periods({ teacherExt: 'T101' })).toEqual(all.filter(has('teachers', 201)));
		expect(await periods({ student: 1014 })).toEqual(all.filter(has('students', 1014)));
		expect(await periods({ studentExt: 'S1061' })).toEqual(all.filter(has('students', 1061)));
		expect(await periods({ lesson: 503 })).toEqual(all.filter((p) => p.lessonId === 503));
		expect(await periods({ lessonExt: 'M_1A' })).toEqual(all.filter((p) => p.lessonId === 501));
		expect(await periods({ class: 101, teacher: 203 })).toEqual(all.filter((p) => has('classes', 101)(p) && has('teachers', 203)(p)));
		expect(await periods({ class: 999 })).toEqual([]);
		const changed = all.filter((p) => Date.parse(p.lastModified as string) > Date.parse('2026-11-30T00:00:00Z'));
		expect(changed.length).toBeGreaterThan(2);
		expect(changed.length).toBeLessThan(30);
		expect(await periods({ dateLastModifiedAfter: '2026-11-30T00:00:00Z' })).toEqual(changed);
		expect(await periods({ dateLastModifiedAfter: '2026-11-30T00:00:00' })).toEqual(changed);
		expect(await periods({ dateLastModifiedAfter: '2026-12-02T00:00:00Z', limit: 1, offset: 2 })).toEqual(all.filter((p) => p.status !== 'REGULAR').slice(1, 2));
	});

	it('start and end required, ISO dates, within one school year → else 400 validationErrors', async () => {
		const errors = async (query: Record<string, string | number>) => {
			const answer = await get(`${EXT}/v3/timetable`, query);
			expect(answer.status).toBe(400);
			expect(answer.body).toEqual(expect.objectContaining({ errorCode: 'VALIDATION_ERROR', requestId: expect.any(String), traceId: expect.any(String) }));
			return answer.body.validationErrors;
		};
		expect(await errors({})).toEqual([
			{ path: 'start', errorMessage: 'must not be null', errorKey: 'NotNull' },
			{ path: 'end', errorMessage: 'must not be null', errorKey: 'NotNull' },
		]);
		expect(await errors({ start: '2026-12-07' })).toEqual([{ path: 'end', errorMessage: 'must not be null', errorKey: 'NotNull' }]);
		expect(await errors({ start: '2026-08-20', end: '2026-09-10' })).toEqual([{ path: 'end', errorMessage: 'start and end must lie within one school year', errorKey: 'SchoolYearRange' }]);
		expect(await errors({ start: '2026-12-11', end: '2026-12-07' })).toEqual([{ path: 'end', errorMessage: 'must not be before start', errorKey: 'DateRange' }]);
		expect(await errors({ start: '07.12.2026', end: '2026-02-30' })).toEqual([
			{ path: 'start', errorMessage: 'must be an ISO 8601 date', errorKey: 'Pattern' },
			{ path: 'end', errorMessage: 'must be an ISO 8601 date', errorKey: 'Pattern' },
		]);
		expect(await errors({ ...week, offset: -1 })).toEqual([{ path: 'offset', errorMessage: 'must be greater than or equal to 0', errorKey: 'Min' }]);
		expect(await errors({ ...week, dateLastModifiedAfter: 'yesterday' })).toEqual([{ path: 'dateLastModifiedAfter', errorMessage: 'must be an ISO 8601 date-time (UTC)', errorKey: 'Pattern' }]);
		expect(await errors({ ...week, class: '1A' })).toEqual([{ path: 'class', errorMessage: 'must be a number or a comma-separated list of numbers', errorKey: 'TypeMismatch' }]);
		// The previous school year is a valid range with no periods.
		expect(await periods({ start: '2026-01-05', end: '2026-01-09' })).toEqual([]);
	});

	it('deleted-periods: the ids of periods deleted after dateLastModifiedAfter (a bare array)', async () => {
		expect((await get(`${EXT}/v3/timetable/deleted-periods`, { dateLastModifiedAfter: '2026-12-01T00:00:00Z' })).body).toEqual([79002, 79003]);
		expect((await get(`${EXT}/v3/timetable/deleted-periods`, { dateLastModifiedAfter: '2026-01-01T00:00:00Z' })).body).toEqual(d.extern.deletedPeriods.map((p) => p.id));
		const missing = await get(`${EXT}/v3/timetable/deleted-periods`);
		expect(missing.status).toBe(400);
		expect(missing.body.validationErrors).toEqual([{ path: 'dateLastModifiedAfter', errorMessage: 'must not be null', errorKey: 'NotNull' }]);
		// Deleted periods are not in the timetable.
		const timetableIds = new Set(d.extern.periods.map((p) => p.id));
		expect(d.extern.deletedPeriods.some((p) => timetableIds.has(p.id))).toBe(false);
	});
});

describe('extern: Lesson v1', () => {
	it('{lessons:[{id, start, end, classes, studentgroups, students[{externKey, assignments}]}]} of the lessons in the range', async () => {
		const answer = await get(`${EXT}/v1/lesson`, { start: '2026-12-07', end: '2026-12-11' });
		expect(answer.status).toBe(200);
		expect(Object.keys(answer.body)).toEqual(['lessons']);
		expect(answer.body.lessons).toHaveLength(5);
		const [first] = answer.body.lessons;
		expect(Object.keys(first)).toEqual(['id', 'start', 'end', 'classes', 'studentgroups', 'students']);
		expect(first).toEqual(expect.objectContaining({ classes: ['1A'], studentgroups: ['M_1A'] }));
		expect(first.students[0]).toEqual({ externKey: 'S1001', assignments: [{ start: '2026-09-01', end: '2027-08-31' }] });
		// The second-semester lesson appears from February on.
		expect((await get(`${EXT}/v1/lesson`, { start: '2027-02-01', end: '2027-02-05' })).body.lessons).toHaveLength(6);
	});

	it('start and end required as YYYY-MM-DD → else 400 validationErrors', async () => {
		const answer = await get(`${EXT}/v1/lesson`, { start: '2026-12-07T00:00:00Z' });
		expect(answer.status).toBe(400);
		expect(answer.body.validationErrors).toEqual([
			{ path: 'start', errorMessage: 'must be a date YYYY-MM-DD', errorKey: 'Pattern' },
			{ path: 'end', errorMessage: 'must not be null', errorKey: 'NotNull' },
		]);
	});
});

describe('extern: errors', () => {
	const shape = (errorCode: string) => ({ errorCode, errorMessage: expect.any(String), requestId: expect.stringMatching(/^req-/), traceId: expect.stringMatching(/^trace-/) });

	it('the tenant no-extern → 403 FORBIDDEN on every extern path; its OneRoster still works', async () => {
		for (const path of ['/v3/students', '/v3/timetable', '/v3/timetable/deleted-periods', '/v1/lesson', '/v3/boom', '/v9/unknown']) {
			const answer = await get(`${EXT}${path}`, { schoolYearId: 12 }, 'no-extern');
			expect(answer.status).toBe(403);
			expect(answer.body).toEqual(shape('FORBIDDEN'));
		}
		expect((await get(`${OR}/schools`, {}, 'no-extern')).status).toBe(200);
	});

	it('/v3/boom → 500 in the same shape; an unknown extern path → 404; a non-GET → 405', async () => {
		expect(await get(`${EXT}/v3/boom`)).toMatchObject({ status: 500, body: shape('INTERNAL_SERVER_ERROR') });
		expect(await get(`${EXT}/v3/nothing`)).toMatchObject({ status: 404, body: shape('NOT_FOUND') });
		expect(await get(`${EXT}/v3/students`, { schoolYearId: 12 }, 't-1', 'POST')).toMatchObject({ status: 405, body: shape('METHOD_NOT_ALLOWED') });
	});

	it('no token → 401 as on every data path', async () => {
		const answer = await fetch(`${mock.apiBase}${EXT}/v3/students?schoolYearId=12`);
		expect(answer.status).toBe(401);
	});
});

describe("a school's whole life (the sync): credentials, datasets and changes per tenant, both server behaviours, counters", () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { makeSchoolDataset } = require('../helpers/untisApiMock.cts') as typeof import('../helpers/untisApiMock.cjs');
	let life: UntisApiMock;
	let clock = '2026-12-06T10:00:00.000Z';
	beforeEach(async () => {
		life = await startUntisApiMock({ 'client-1': 'pw-1' });
		life.now = () => clock;
		clock = '2026-12-06T10:00:00.000Z';
	});
	afterEach(() => life.close());

	const grant = async (tenant: string, password: string, clientId = 'client-1') => {
		const answer = await fetch(`${life.apiBase}/WebUntis/api/sso/v3/${tenant}/token`, {
			method: 'POST',
			headers: { Authorization: `Basic ${Buffer.from(`${clientId}:${password}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
			body: 'grant_type=client_credentials',
		});
		return { status: answer.status, body: (await answer.json()) as { access_token?: string; error?: string } };
	};
	const read = async (bearer: string, path: string, query: Record<string, string | number> = {}) => {
		const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
		const answer = await fetch(`${life.apiBase}${path}${qs ? `?${qs}` : ''}`, { headers: { Authorization: `Bearer ${bearer}` } });
		return { status: answer.status, headers: answer.headers, body: (await answer.json()) as Answer['body'] };
	};
	const tokenOf = async (tenant: string, password = 'pw-1') => (await grant(tenant, password)).body.access_token!;

	it('makeSchoolDataset: the size asked, consistent links, the same ids for the same seed and none shared across seeds', () => {
		const a = makeSchoolDataset({ seed: 1, schools: 2, usersPerSchool: 100, teachersPerSchool: 10, classesPerSchool: 4, classesPerStudent: 2 });
		expect([a.schools.length, a.users.length, a.teachers.length, a.students.length, a.classes.length, a.academicSessions.length]).toEqual([2, 200, 20, 180, 8, 1]);
		expect(a.enrollments).toHaveLength(8 + 180 * 2);
		const userIds = new Set(a.users.map((u) => u.sourcedId));
		const classIds = new Set(a.classes.map((c) => c.sourcedId));
		for (const e of a.enrollments) {
			expect(userIds.has((e.user as { sourcedId: string }).sourcedId)).toBe(true);
			expect(classIds.has((e.class as { sourcedId: string }).sourcedId)).toBe(true);
		}
		expect(new Set([...a.users, ...a.classes, ...a.enrollments, ...a.schools].map((r) => r.sourcedId)).size).toBe(200 + 8 + 368 + 2);
		expect(a.extern.periods).toHaveLength(5 * 6 * 2);
		expect(makeSchoolDataset({ seed: 1, schools: 2, usersPerSchool: 100, teachersPerSchool: 10, classesPerSchool: 4 }).users.map((u) => u.sourcedId)).toEqual(a.users.map((u) => u.sourcedId));
		const b = makeSchoolDataset({ seed: 2 });
		expect(b.users.some((u) => userIds.has(u.sourcedId))).toBe(false);
		expect(() => makeSchoolDataset({ usersPerSchool: 5, teachersPerSchool: 5 })).toThrow(/needs a teacher, a class and a student/);
	});

	it('setTenantPassword: that password only (401 invalid_client otherwise); a new one also ends the tokens issued before; revoke: 401 on the token and the data', async () => {
		life.setTenantPassword('school-a', 'first');
		expect((await grant('school-a', 'pw-1')).body).toEqual({ error: 'invalid_client' });
		expect((await grant('school-a', 'first', '')).status).toBe(401);
		const old = await tokenOf('school-a', 'first');
		expect((await read(old, `${OR}/schools`)).status).toBe(200);
		// Other tenants keep `accepts`.
		expect((await grant('school-b', 'pw-1')).status).toBe(200);
		expect((await grant('school-b', 'first')).status).toBe(401);
		life.setTenantPassword('school-a', 'first'); // the same password: nothing ends
		expect((await read(old, `${OR}/schools`)).status).toBe(200);
		life.setTenantPassword('school-a', 'second'); // RESET
		expect((await grant('school-a', 'first')).status).toBe(401);
		expect((await read(old, `${OR}/schools`)).body).toEqual({ error: 'invalid_token' });
		const fresh = await tokenOf('school-a', 'second');
		expect((await read(fresh, `${OR}/schools`)).status).toBe(200);
		life.revoke('school-a');
		expect((await grant('school-a', 'second')).body).toEqual({ error: 'invalid_client' });
		expect((await read(fresh, `${OR}/schools`)).status).toBe(401);
		life.setTenantPassword('school-a', 'third'); // REACTIVATED: fresh credentials lift the revocation
		expect((await grant('school-a', 'third')).status).toBe(200);
		// A password with a colon is the part after the first colon.
		life.setTenantPassword('school-c', 'p:w');
		expect((await grant('school-c', 'p:w')).status).toBe(200);
	});

	it('a dataset per tenant: each tenant reads its own; /orgs and /classes answer the dataset\'s own with X-Total-Count; tenants without keep the shared one', async () => {
		life.setTenantDataset('school-a', makeSchoolDataset({ seed: 1, usersPerSchool: 30 }));
		life.setTenantDataset('school-b', makeSchoolDataset({ seed: 2, usersPerSchool: 40 }));
		const [a, b, other] = await Promise.all(['school-a', 'school-b', 't-1'].map((tenant) => tokenOf(tenant)));
		expect((await read(a, `${OR}/users`)).body.users).toHaveLength(30);
		expect((await read(b, `${OR}/users`)).body.users).toHaveLength(40);
		expect((await read(other, `${OR}/users`)).body.users).toHaveLength(d.users.length);
		const orgs = await read(a, `${OR}/orgs`);
		expect(orgs.body.orgs.map((o: { name: string }) => o.name)).toEqual(['School 1-1']);
		expect(orgs.headers.get('x-total-count')).toBe('1');
		const classes = await read(b, `${OR}/classes`, { limit: 2 });
		expect(ids(classes.body.classes)).toEqual(ids(life.datasetOf('school-b').classes.slice(0, 2)));
		expect(classes.headers.get('x-total-count')).toBe('5');
		expect(life.datasetOf('t-1')).toBe(UNTIS_DATASET);
		expect((await read(a, `${EXT}/v3/timetable`, { start: '2026-12-07', end: '2026-12-11' })).body.timetableData.periods).toHaveLength(30);
	});

	it('changes are stamped with mock.now(); changing a tenant without its own dataset is refused (the shared one stays as it is)', async () => {
		life.setTenantDataset('school-a', makeSchoolDataset({ usersPerSchool: 20 }));
		const student = life.datasetOf('school-a').students[0];
		clock = '2026-12-06T11:00:00.000Z';
		expect(life.changeRecord('school-a', 'students', student.sourcedId as string, { familyName: 'Neu' })).toMatchObject({ familyName: 'Neu', dateLastModified: '2026-12-06T11:00:00.000Z' });
		const added = life.addRecord('school-a', 'teachers', { sourcedId: 'teacher-new', role: 'teacher', familyName: 'Neu', orgs: [] });
		expect(added).toMatchObject({ status: 'active', dateLastModified: '2026-12-06T11:00:00.000Z' });
		expect(life.datasetOf('school-a').users.map((u) => u.sourcedId)).toContain('teacher-new');
		expect(() => life.addRecord('school-a', 'teachers', { sourcedId: 'teacher-new' })).toThrow(/needs a sourcedId of its own/);
		expect(() => life.changeRecord('school-a', 'classes', 'nope', {})).toThrow(/no classes record 'nope'/);
		expect(() => life.removeRecord('t-1', 'students', d.students[0].sourcedId as string)).toThrow(/has no dataset of its own: mock.setTenantDataset/);
		expect(d.users).toHaveLength(60);
	});

	const changedSince = (since: string) => ({ filter: `dateLastModified>'${since}'` });
	async function changeSome() {
		life.setTenantDataset('school-a', makeSchoolDataset({ usersPerSchool: 20, dateLastModified: '2026-11-01T06:00:00.000Z' }));
		const data = life.datasetOf('school-a');
		clock = '2026-12-06T10:00:00.500Z';
		const changed = life.changeRecord('school-a', 'students', data.students[0].sourcedId as string, { givenName: 'Changed' });
		const removed = life.removeRecord('school-a', 'students', data.students[1].sourcedId as string);
		const added = life.addRecord('school-a', 'students', { sourcedId: 'student-new', role: 'student', givenName: 'New', orgs: data.students[0].orgs });
		return { data, changed, removed, added, token: await tokenOf('school-a') };
	}

	it('honoursModifiedSince (default): dateLastModified > is honoured as an instant, removed records come back as tobedeleted, but only to such a filter', async () => {
		expect(life.honoursModifiedSince).toBe(true);
		const { changed, removed, added, token } = await changeSome();
		// 10:00:00Z is before 10:00:00.500Z (as text, '.5Z' would sort before 'Z').
		const since = await read(token, `${OR}/students`, changedSince('2026-12-06T10:00:00Z'));
		expect(since.body.users.map((u: { sourcedId: string; status: string }) => [u.sourcedId, u.status])).toEqual([
			[changed.sourcedId, 'active'], ['student-new', 'active'], [removed.sourcedId, 'tobedeleted'],
		]);
		expect(since.body.users[2].dateLastModified).toBe('2026-12-06T10:00:00.500Z');
		expect(added.sourcedId).toBe('student-new');
		expect((await read(token, `${OR}/students`, changedSince('2026-12-06T10:00:01Z'))).body.users).toEqual([]);
		expect((await read(token, `${OR}/users`, { filter: `role='student' AND dateLastModified>='2026-12-06T10:00:00.500Z'` })).body.users).toHaveLength(3);
		// A full read lists no removed record.
		const full = (await read(token, `${OR}/students`)).body.users.map((u: { sourcedId: string }) => u.sourcedId);
		expect(full).toHaveLength(15);
		expect(full).not.toContain(removed.sourcedId);
	});

	it('not honouring it: the dateLastModified predicate is dropped (the other still applies), removed records simply vanish', async () => {
		life.honoursModifiedSince = false;
		const { removed, token } = await changeSome();
		const since = (await read(token, `${OR}/students`, changedSince('2026-12-06T10:00:00Z'))).body.users.map((u: { sourcedId: string }) => u.sourcedId);
		expect(since).toHaveLength(15);
		expect(since).not.toContain(removed.sourcedId);
		expect((await read(token, `${OR}/users`, { filter: `dateLastModified>'2026-12-06T10:00:00Z' AND givenName='New'` })).body.users.map((u: { sourcedId: string }) => u.sourcedId)).toEqual(['student-new']);
		expect((await read(token, `${OR}/users`, { filter: `dateLastModified>'2026-12-06T10:00:00Z' AND nope='x'` })).status).toBe(400);
	});

	it('Timetable: changed and removed periods; dateLastModifiedAfter and deleted-periods honoured, or ignored', async () => {
		life.setTenantDataset('school-a', makeSchoolDataset({ usersPerSchool: 20 }));
		const periods = life.datasetOf('school-a').extern.periods;
		const [first, second] = [periods[0].id as number, periods[1].id as number];
		life.changeRecord('school-a', 'periods', first, { status: 'CANCELLED' });
		life.removeRecord('school-a', 'periods', second);
		expect(() => life.removeRecord('school-a', 'periods', second)).toThrow(/no period/);
		const token = await tokenOf('school-a');
		const week = { start: '2026-12-07', end: '2026-12-11' };
		const after = { dateLastModifiedAfter: '2026-12-06T09:00:00Z' };
		expect((await read(token, `${EXT}/v3/timetable`, { ...week, ...after })).body.timetableData.periods.map((p: { id: number; status: string }) => [p.id, p.status])).toEqual([[first, 'CANCELLED']]);
		expect((await read(token, `${EXT}/v3/timetable/deleted-periods`, after)).body).toEqual([second]);
		life.honoursModifiedSince = false;
		expect((await read(token, `${EXT}/v3/timetable`, { ...week, ...after })).body.timetableData.periods).toHaveLength(29);
		expect((await read(token, `${EXT}/v3/timetable/deleted-periods`, after)).body).toEqual([]);
	});

	it('counts token and data calls per tenant (refused ones too; an unknown token under ?), resets them; recordCalls false keeps no list', async () => {
		life.setTenantPassword('school-a', 'pw-a');
		await grant('school-a', 'wrong');
		const a = await tokenOf('school-a', 'pw-a');
		const b = await tokenOf('school-b');
		await read(a, `${OR}/orgs`);
		await read(a, `${OR}/schools`);
		await read(b, `${OR}/orgs`);
		await read('made-up', `${OR}/orgs`);
		expect(life.callsByTenant()).toEqual({ 'school-a': { token: 2, data: 2, failed: 0 }, 'school-b': { token: 1, data: 1, failed: 0 }, '?': { token: 0, data: 1, failed: 0 } });
		life.resetCounters();
		expect(life.callsByTenant()).toEqual({});
		expect(life.calls).toEqual([]);
		life.recordCalls = false;
		await read(a, `${OR}/orgs`);
		expect(life.calls).toEqual([]);
		expect(life.callsByTenant()).toEqual({ 'school-a': { token: 0, data: 1, failed: 0 } });
	});

	it('failTenant: that tenant\'s matching requests get the 5xx (counted as failed), from an offset on, n times or until cleared; the others are served', async () => {
		life.setTenantDataset('school-a', makeSchoolDataset({ seed: 3, usersPerSchool: 20, classesPerSchool: 3 }));
		const a = await tokenOf('school-a');
		const b = await tokenOf('school-b');
		life.resetCounters();
		life.failTenant('school-a', { path: '/students', fromOffset: 4, retryAfter: 0 });
		expect((await read(a, `${OR}/students`, { limit: 4 })).status).toBe(200);
		const down = await fetch(`${life.apiBase}${OR}/students?limit=4&offset=4`, { headers: { Authorization: `Bearer ${a}` } });
		expect([down.status, down.headers.get('retry-after'), await down.text()]).toEqual([503, '0', '503 Service Unavailable']);
		expect((await read(a, `${OR}/teachers`, { limit: 4, offset: 4 })).status).toBe(200);
		expect((await read(b, `${OR}/students`, { limit: 4, offset: 4 })).status).toBe(200);
		expect(life.callsByTenant()).toEqual({ 'school-a': { token: 0, data: 3, failed: 1 }, 'school-b': { token: 0, data: 1, failed: 0 } });
		life.clearFailure('school-a');
		expect((await read(a, `${OR}/students`, { limit: 4, offset: 4 })).status).toBe(200);

		// Every request, the token's too; twice, then served again; no Retry-After unless asked.
		life.failTenant('school-a', { status: 500, times: 2 });
		const refused = await fetch(`${life.apiBase}/WebUntis/api/sso/v3/school-a/token`, { method: 'POST', body: 'grant_type=client_credentials' });
		expect([refused.status, await refused.text()]).toEqual([500, '500 Internal Server Error']);
		const again = await fetch(`${life.apiBase}${OR}/orgs`, { headers: { Authorization: `Bearer ${a}` } });
		expect([again.status, again.headers.get('retry-after')]).toEqual([500, null]);
		expect((await read(a, `${OR}/orgs`)).status).toBe(200);
		expect(life.callsByTenant()['school-a'].failed).toBe(3);
		expect(() => life.failTenant('school-a', { status: 404 })).toThrow(/5xx/);
	});
});
