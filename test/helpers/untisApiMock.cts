import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

/**
 * A loopback mock of the Untis APIs for tests: the token endpoint (client-credentials grant,
 * Basic clientId:password) and data endpoints with OneRoster paging, rate limits and failures.
 * It plays the platform's API host; a second server plays a school's host and knows no API at
 * all, so a call that goes to the wrong host fails visibly. Written from the spec
 * (/work/shared/spec/untis-platform.md, section 6), never tried against the real platform.
 *
 * Token: POST /WebUntis/api/sso/v3/{tenant}/token, form grant_type=client_credentials, Basic
 * clientId:password as `accepts` allows → {access_token: tok-<tenant>-<n>, token_type, expires_in}.
 * Every other path needs `Authorization: Bearer <such a token>`, else 401 {error:'invalid_token'}.
 *
 * Behaviour by path (after the API base):
 * - /ims/oneroster/v1p1/orgs      250 synthetic orgs (org-N), limit/offset, X-Total-Count
 * - /ims/oneroster/v1p1/classes   200 synthetic classes (class-N), limit/offset, no X-Total-Count
 * - /ims/oneroster/v1p1/capped    23 users, at most 10 per page whatever limit asks, X-Total-Count
 * - /ims/oneroster/v1p1/linked    23 users, 10 per page, Link rel="next", no X-Total-Count
 * - /ims/oneroster/v1p1/stuck     ignores offset: always a full page
 * - /rest/limited                 429 Retry-After 2 twice, then 200
 * - /rest/limited-long            429 Retry-After 3600
 * - /rest/down                    503 without Retry-After, always
 * - /rest/error                   500
 * - /rest/forbidden               403 with an error text
 * - /rest/echo                    200 with the method, query and JSON body it got
 * A tenant named `revoked` has its first token refused with 401 by the data endpoints;
 * `revoked-mid` has its first token refused from offset 10 on (revoked mid-collection).
 *
 * OneRoster 1.1 over the school dataset (UNTIS_DATASET, also `mock.dataset`; base /ims/oneroster/v1p1):
 * - /schools, /schools/{id}                 {"orgs":[...]}, {"org":{...}}: the 2 schools (type school)
 * - /orgs/{id}                              {"org":{...}}: a school or one of the 250 synthetic orgs
 *                                           (the /orgs collection stays the 250 synthetic orgs)
 * - /users, /users/{id}                     {"users":[...]}, {"user":{...}}: students, then teachers
 * - /students, /students/{id}               the same envelopes, role student only
 * - /teachers, /teachers/{id}               the same envelopes, role teacher only
 * - /schools/{id}/students, /schools/{id}/teachers    {"users":[...]} of that school
 * - /classes/{id}                           {"class":{...}}: a dataset class or a synthetic class-N
 * - /classes/{id}/students, /classes/{id}/teachers    {"users":[...]} enrolled in it (class-N: none)
 * - /academicSessions, /academicSessions/{id}         {"academicSessions":[...]}, {"academicSession":{...}}
 * - /enrollments, /enrollments/{id}                   {"enrollments":[...]}, {"enrollment":{...}}
 * - /schools/{id}/enrollments, /schools/{sid}/classes/{cid}/enrollments   {"enrollments":[...]}
 * Every collection (also /orgs and /classes; not /capped, /linked, /stuck, which stay as they were):
 * - limit (default 100, an integer >= 1) and zero-based offset (an integer >= 0), else 400 imsx
 *   invalid_data; pages are capped at `mock.maxPageSize` records (default 1000) whatever limit asks;
 *   X-Total-Count = the records after the filter (not on /classes); no Link header.
 * - filter: <field><op>'<value>', ops = != > >= < <= ~ (~: contains, case-insensitive; = and != are
 *   case-sensitive), at most two predicates joined by exactly ' AND ' or ' OR ' (upper case, one
 *   space each side); no spaces around the operator; '' inside a value is a quote; dotted field
 *   paths, through arrays (orgs.sourcedId: any element matches); > < compare as numbers when both
 *   sides are numbers, else as strings (code points: ISO dates compare right). A field must be a
 *   leaf somewhere in the resource's records (users for every user route; for /orgs and /classes
 *   the dataset's schools and classes count too, so /orgs?filter=status='active' is valid and
 *   matches no synthetic org, which has no status), so orgs='x' is refused. Anything else → 400 imsx invalid_filter_field whose description names the filter and
 *   the problem.
 * - sort=<field> (a leaf path as for filter) with orderBy=asc|desc (default asc), applied before
 *   paging; an unknown field or orderBy → 400 imsx invalid_sort_field.
 * - fields=a,b: top-level fields only; unknown names are dropped; if no name is known, the whole
 *   record (OneRoster 1.1's rule); a blank name (fields=a,) → 400 imsx invalid_selection_field.
 *   Single objects honour fields too; filter/sort/limit do not apply to them.
 * Errors: an imsx body {imsx_codeMajor, imsx_severity:'error', imsx_description,
 * imsx_CodeMinor:{imsx_codeMinorField:[{imsx_codeMinorFieldName:'TargetEndSystem', imsx_codeMinorFieldValue}]}}:
 * - unknown id (also the school or class of a nested route) → 404 unknownobject naming the id;
 *   an undocumented OneRoster path (e.g. /courses) → 404 unknownobject
 * - any method but GET on any OneRoster path → 405, Allow: GET, codeMajor/codeMinor 'unsupported'
 * - tenant `no-oneroster` (PAM permission "OneRoster read" missing) → 403 forbidden on every
 *   OneRoster path (checked before the method)
 *
 * Extern APIs (base /WebUntis/api/rest/extern), GET only; errors {errorCode, errorMessage,
 * requestId:'req-NNNNNN', traceId:'trace-NNNNNN'} (a new pair per extern request), validation
 * errors 400 {errorCode:'VALIDATION_ERROR', requestId, traceId, validationErrors:[{path,
 * errorMessage, errorKey}]} listing every problem the request has:
 * - /v3/students?schoolYearId=12[&filter=...]   a bare JSON array (the spec gives no envelope) of
 *   every student, also those without a WebUntis account (hasUserAccount false: 1 per school, not
 *   in OneRoster), each with classAssignments[{classId, className, startDate, endDate}];
 *   schoolYearId missing → NotNull, not a number → TypeMismatch, another year → [] (only 12 has
 *   students); filter as in OneRoster (e.g. classAssignments.className='1A'), a bad filter →
 *   validationErrors path 'filter', errorKey InvalidFilter; no paging (the spec names none for v3).
 * - /v3/timetable?start=&end=   start, end required (NotNull), ISO dates or date-times (the date
 *   part counts; else Pattern), start <= end (else DateRange on end), both in one school year (11:
 *   2025-09-01..2026-08-31, 12: 2026-09-01..2027-08-31; else SchoolYearRange on end). Filters:
 *   class, room, student, teacher, lesson (numeric ids, comma-separated lists allowed, else
 *   TypeMismatch) and classExt, roomExt, studentExt, teacherExt, lessonExt (externKeys); several
 *   filters all apply (AND); dateLastModifiedAfter (ISO date-time, UTC when no zone; a date alone is
 *   midnight UTC): periods with lastModified strictly after. Paging counts periods: limit (0 = no
 *   limit, default 0) and a 1-BASED offset (offset=1 is the first period); offset 0 (the default) is
 *   no paging, and then limit is ignored: every period. Negative or non-integer → Min. Answer
 *   {version:'3', headerData{schoolYearId, schoolYearName, start, end, periodCount},
 *   masterData{classes, rooms, students, subjects, teachers, lessons} (only what the answered
 *   periods use), timetableData{timeGrids, periods[{id, lessonId, date, startTime, endTime, status
 *   (REGULAR | CANCELLED | CHANGED), classes, teachers (CHANGED: [{id, orgId}]), rooms, subjects,
 *   students, lastModified}]}}; refs are [{id}] into masterData; no X-Total-Count. The seeded
 *   week 2026-12-07..2026-12-11 has 30 periods (6 a day); any other range of a known year: none.
 * - /v3/timetable/deleted-periods?dateLastModifiedAfter=   required (NotNull); a bare array of the
 *   ids (numbers) of periods deleted strictly after it (the spec gives no shape; the deletion times
 *   are in dataset.extern.deletedPeriods). Deleted periods are never in /v3/timetable.
 * - /v1/lesson?start=YYYY-MM-DD&end=YYYY-MM-DD   both required, strictly YYYY-MM-DD (else Pattern),
 *   start <= end; {lessons:[{id, start, end, classes (Klasse names), studentgroups,
 *   students[{externKey, assignments[{start, end}]}]}]} of the lessons valid on some day of the
 *   range (the second school's Computer Science lesson only from 2027-02-01 to 2027-06-30).
 * - /v3/boom → 500 INTERNAL_SERVER_ERROR; an unknown extern path → 404 NOT_FOUND; a method but GET
 *   → 405 METHOD_NOT_ALLOWED; tenant `no-extern` → 403 FORBIDDEN on every extern path (first).
 *
 * The dataset (deterministic): schools HTL Musterstadt (Klassen 1A, 1B) and BG Beispieldorf (2A,
 * 2B); per school 25 students with accounts (13 in xA, 12 in xB) + 1 without, 5 teachers, 3 classes
 * (Mathematics xA, English xB, Computer Science xA/xB with two teachers), one enrollment per
 * class member (teachers first, the first primary='true'); one academicSession (schoolYear
 * 2026/2027). Statuses: one student and one teacher of the second school are 'tobedeleted'.
 * Names with a quote: O'Brien (student), D'Angelo (teacher). Ids: UUIDs tagged per kind
 * (000000a1-… schools, a2 sessions, a3 classes, a4 users, a5 enrollments); hrefs are paths
 * (/ims/oneroster/v1p1/...), not absolute URLs. OneRoster user.identifier = extern student or
 * teacher externKey; the Untis Klasse of a class is class.metadata.className ("1A" or "1A,1B"),
 * of a student user.metadata.className.
 *
 * A school's whole life (issue 37: the sync), per mock; every tenant without these keeps the above:
 * - Credentials per tenant: `mock.setTenantPassword(tenant, password)`: from then on the token
 *   endpoint of that tenant grants a token for that password only (any non-empty clientId; `accepts`
 *   is not asked for it), any other → 401 {error:'invalid_client'}; setting a different password
 *   (RESET, REACTIVATED) also ends the tokens issued before (data → 401 invalid_token: "the previous
 *   credentials are no longer valid", read strictly, so a stale cached token shows). It lifts a
 *   revocation. `mock.revoke(tenant)`: the token endpoint → 401 invalid_client, and its tokens end.
 *   (The tenants named `revoked`, `revoked-mid`, `no-oneroster`, `no-extern` keep their behaviour.)
 * - A dataset per tenant: `mock.setTenantDataset(tenant, makeSchoolDataset({...}))`; the OneRoster
 *   and extern routes answer a request with the dataset of its token's tenant (`mock.datasetOf`),
 *   else `mock.dataset`. A dataset without synthetic orgs/classes (every makeSchoolDataset one)
 *   answers /orgs with its schools and /classes with its classes, both with X-Total-Count.
 * - Changes between runs, stamped with `mock.now()` (default: the real time; a test may replace
 *   it, e.g. `mock.now = () => '2026-12-06T10:00:00.000Z'`): `mock.addRecord(tenant, kind, record)`,
 *   `mock.changeRecord(tenant, kind, id, patch)`, `mock.removeRecord(tenant, kind, id)`; kind is
 *   schools, academicSessions, classes, students, teachers, enrollments (id: sourcedId; stamp:
 *   dateLastModified; users follow students and teachers) or periods (id: the number; stamp:
 *   lastModified; a removal is a deleted period {id, deletedAt: now}). No cascade: removing a
 *   student leaves its enrollments (remove them too). Each returns the record as stored.
 * - `mock.honoursModifiedSince` (default true), what the server does with an incremental read:
 *   true: a filter predicate dateLastModified > (or >=) '<time>' is honoured, compared as instants,
 *   and a removed record is answered once more, with status 'tobedeleted' and dateLastModified =
 *   its removal time, by every collection it belonged to, but only when such a predicate is given
 *   (a full read without it never lists removed records); Timetable: dateLastModifiedAfter
 *   honoured, deleted-periods lists the removals. false: every predicate on dateLastModified is
 *   dropped from the filter (the other one still applies; none left: no filter) and removed
 *   records simply vanish; Timetable: dateLastModifiedAfter ignored (every period of the range) and
 *   deleted-periods answers []. Untis documents neither for OneRoster (docs/untis-api.md).
 * - Pages: `mock.maxPageSize` caps every collection page (the sync's benchmark: 100).
 * - Server faults per tenant (a 5xx past the client's retries): `mock.failTenant(tenant, {status,
 *   times, path, fromOffset, retryAfter})`: the tenant's requests (token and data; only those whose
 *   path contains `path`, e.g. '/students' or '/v3/timetable'; only pages with offset >= `fromOffset`)
 *   are answered `status` (default 503, text/plain, with Retry-After `retryAfter` seconds if given),
 *   before anything else is checked; after `times` such answers (default Infinity) the fault ends by
 *   itself. A new failTenant replaces the tenant's fault; `mock.clearFailure(tenant)` ends it.
 * - Counters: `mock.callsByTenant()` → {tenant: {token: n, data: n, failed: n}}: token requests by
 *   the path's tenant (refused ones too), data requests by the bearer token's tenant (a token the
 *   stand-in never issued counts under '?'), failed: those of them a fault answered;
 *   `mock.resetCounters()` zeroes them (and empties `mock.calls`).
 *   `mock.recordCalls = false` keeps the counters but not `mock.calls` (long benchmarks).
 */
export interface MockCall {
	host: 'api' | 'school';
	method: string;
	path: string;
	query: Record<string, string>;
	authorization?: string;
	body: string;
}

export interface UntisApiMock {
	apiBase: string;
	schoolHost: string;
	calls: MockCall[];
	tokenCalls(): MockCall[];
	dataCalls(): MockCall[];
	/** expires_in the token endpoint gives (seconds). */
	expiresIn: number;
	/** The most records a OneRoster collection page holds, whatever limit asks (default 1000). */
	maxPageSize: number;
	/** The school dataset the OneRoster and extern routes serve (the same object as UNTIS_DATASET). */
	dataset: UntisDataset;
	/** The clock of changes (ISO 8601 UTC); default the real time. */
	now(): string;
	/** true (default): dateLastModified filters honoured, removals answered as tobedeleted; false: ignored, removals vanish. */
	honoursModifiedSince: boolean;
	/** false: count calls but keep no `calls` list. */
	recordCalls: boolean;
	setTenantPassword(tenant: string, password: string): void;
	revoke(tenant: string): void;
	setTenantDataset(tenant: string, dataset: UntisDataset): void;
	/** The dataset a tenant's requests are answered from: its own, else `dataset`. */
	datasetOf(tenant: string): UntisDataset;
	addRecord(tenant: string, kind: RecordKind, record: Rec): Rec;
	changeRecord(tenant: string, kind: RecordKind, id: string | number, patch: Rec): Rec;
	removeRecord(tenant: string, kind: RecordKind, id: string | number): Rec;
	/** From now on the tenant's matching requests are answered with a server error (see the header). */
	failTenant(tenant: string, fault?: TenantFault): void;
	clearFailure(tenant: string): void;
	callsByTenant(): Record<string, { token: number; data: number; failed: number }>;
	resetCounters(): void;
	close(): Promise<void>;
}

/** A server fault of one tenant: which of its requests get which 5xx, how often. */
export interface TenantFault {
	/** Default 503. */
	status?: number;
	/** Answers that fail before the fault ends by itself; default Infinity. */
	times?: number;
	/** Only requests whose path contains this, e.g. '/students'; default every request. */
	path?: string;
	/** Only pages at this offset or later (a collection failing mid-way); default every page. */
	fromOffset?: number;
	/** A Retry-After header (seconds); default none. */
	retryAfter?: number;
}

/** What the change helpers edit: OneRoster's collections (by sourcedId) and the Timetable's periods (by id). */
export type RecordKind = 'schools' | 'academicSessions' | 'classes' | 'students' | 'teachers' | 'enrollments' | 'periods';

const ORGS = Array.from({ length: 250 }, (_, i) => ({ sourcedId: `org-${i}`, name: `School ${i}` }));
const CLASSES = Array.from({ length: 200 }, (_, i) => ({ sourcedId: `class-${i}` }));
const USERS = Array.from({ length: 23 }, (_, i) => ({ sourcedId: `user-${i}` }));

// ---------------------------------------------------------------------------------------------
// The school dataset (deterministic: the same on every start, no clock, no randomness).
// ---------------------------------------------------------------------------------------------

type Rec = Record<string, unknown>;
const ONEROSTER = '/ims/oneroster/v1p1';
/** A deterministic v4-shaped UUID: tag in the first group, number in the last. */
const uuid = (tag: number, n: number) => `${tag.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const ref = (kind: string, type: string, sourcedId: string) => ({ href: `${ONEROSTER}/${kind}/${sourcedId}`, sourcedId, type });

export interface UntisDataset {
	/** OneRoster orgs of type school (also found by /orgs/{id}; the /orgs collection stays the 250 synthetic orgs). */
	schools: Rec[];
	academicSessions: Rec[];
	/** OneRoster classes (Untis lessons); the Untis Klasse is in metadata.className ("1A" or "1A,1B"). */
	classes: Rec[];
	/** students, then teachers, in this order (the default order of /users). */
	users: Rec[];
	students: Rec[];
	teachers: Rec[];
	enrollments: Rec[];
	/** The 250 synthetic orgs (org-N) and 200 synthetic classes (class-N) of the older routes. */
	syntheticOrgs: Rec[];
	syntheticClasses: Rec[];
	extern: {
		schoolYears: Array<{ id: number; name: string; startDate: string; endDate: string }>;
		/** The schoolYearId v3/students answers for (any other id: []). */
		currentSchoolYearId: number;
		/** Every student, also those without a user account (hasUserAccount false, absent from OneRoster). */
		students: Rec[];
		klassen: Rec[];
		teachers: Rec[];
		rooms: Rec[];
		subjects: Rec[];
		/** Lesson v1 records (what /v1/lesson answers, before the date filter). */
		lessons: Rec[];
		/** All periods of the seeded week 2026-12-07..2026-12-11, 6 a day, 30 in all, sorted by date and time. */
		periods: Rec[];
		deletedPeriods: Array<{ id: number; deletedAt: string }>;
		timeGrids: Rec[];
	};
	/** Records removed by mock.removeRecord, as 'tobedeleted' (answered only to a dateLastModified filter, see the header). */
	removed?: Partial<Record<Exclude<RecordKind, 'periods'>, Rec[]>>;
}

function buildDataset(): UntisDataset {
	const session = {
		sourcedId: uuid(0xa2, 1), status: 'active', dateLastModified: '2026-08-15T06:00:00.000Z', title: '2026/2027', type: 'schoolYear',
		startDate: '2026-09-01', endDate: '2027-08-31', parent: null, children: [], schoolYear: '2027',
	};
	const schoolDefs = [
		{ name: 'HTL Musterstadt', identifier: '4711', grade: '01',
			given: ['Anna', 'Ben', 'Clara', 'David', 'Emma', 'Felix', 'Greta', 'Hannah', 'Jan', 'Johanna', 'Lukas', 'Mia', 'Noah', 'Paul', 'Sophie', 'Stefan', 'Theresa', 'Valentin', 'Lena', 'Moritz', 'Eva', 'Florian', 'Ida', 'Jonas', 'Katharina'],
			family: ['Gruber', 'Huber', 'Bauer', 'Wagner', 'Müller', 'Pichler', 'Steiner', 'Moser', 'Mayer', 'Hofer', 'Leitner', 'Berger', 'Fuchs', "O'Brien", 'Eder', 'Fischer', 'Schmid', 'Winkler', 'Weber', 'Schwarz', 'Maier', 'Schneider', 'Reiter', 'Mayr', 'Brunner'],
			tGiven: ['Maria', 'Thomas', 'Elisabeth', 'Andreas', 'Sabine'], tFamily: ['Kogler', 'Lang', 'Haas', 'Wolf', 'Graf'] },
		{ name: 'BG Beispieldorf', identifier: '4712', grade: '02',
			given: ['Sarah', 'Tobias', 'Julia', 'Daniel', 'Laura', 'Simon', 'Marie', 'Elias', 'Nina', 'Fabian', 'Lisa', 'Leon', 'Magdalena', 'Raphael', 'Selina', 'Dominik', 'Vanessa', 'Manuel', 'Jana', 'Patrick', 'Carina', 'Sebastian', 'Melanie', 'Alexander', 'Verena'],
			family: ['Koch', 'Wieser', 'Lehner', 'Holzer', 'Aigner', 'Binder', 'Ebner', 'Kaiser', 'Lechner', 'Hackl', 'Haider', 'Riegler', 'Wallner', 'Hahn', 'Hofmann', 'Brandstätter', 'Stadler', 'Baumgartner', 'Zauner', 'Böhm', 'Kofler', 'Wimmer', 'Lindner', 'Kern', 'Frank'],
			tGiven: ['Christian', 'Birgit', 'Martin', 'Ursula', 'Georg'], tFamily: ['Koller', 'Auer', "D'Angelo", 'Egger', 'Strasser'] },
	];
	const schoolYears = [
		{ id: 11, name: '2025/2026', startDate: '2025-09-01', endDate: '2026-08-31' },
		{ id: 12, name: '2026/2027', startDate: '2026-09-01', endDate: '2027-08-31' },
	];
	const schools: Rec[] = [];
	const students: Rec[] = [];
	const teachers: Rec[] = [];
	const classes: Rec[] = [];
	const enrollments: Rec[] = [];
	const ext = { students: [] as Rec[], klassen: [] as Rec[], teachers: [] as Rec[], rooms: [] as Rec[], subjects: [] as Rec[], lessons: [] as Rec[] };
	const subjectDefs = [
		{ id: 401, name: 'M', longName: 'Mathematics', externKey: 'SUB-M' },
		{ id: 402, name: 'E', longName: 'English', externKey: 'SUB-E' },
		{ id: 403, name: 'INF', longName: 'Computer Science', externKey: 'SUB-INF' },
	];
	ext.subjects.push(...subjectDefs);
	// Which extern ids each lesson uses, for the timetable (index = lesson index 0..5).
	const lessonLinks: Array<{ lessonId: number; klassen: number[]; teachers: number[]; rooms: number[]; subject: number; studentIds: number[] }> = [];
	let enrollmentN = 0;
	schoolDefs.forEach((def, s) => {
		const school = {
			sourcedId: uuid(0xa1, s + 1), status: 'active', dateLastModified: `2026-08-0${s + 1}T06:00:00.000Z`, name: def.name, type: 'school',
			identifier: def.identifier, parent: null, children: [],
		};
		schools.push(school);
		const schoolRef = ref('schools', 'org', school.sourcedId);
		const [kA, kB] = [`${s + 1}A`, `${s + 1}B`];
		const klassen = [kA, kB].map((name, i) => ({ id: 101 + s * 2 + i, name, longName: `Klasse ${name}`, externKey: `K-${name}` }));
		ext.klassen.push(...klassen);
		const rooms = [0, 1].map((i) => ({ id: 301 + s * 2 + i, name: `R${s + 1}0${i + 1}`, longName: `Room ${s + 1}0${i + 1}`, externKey: `ROOM-${s + 1}0${i + 1}` }));
		ext.rooms.push(...rooms);
		const schoolStudents: Rec[] = [];
		const externStudents: Rec[] = [];
		for (let i = 0; i < 26; i++) {
			const k = s * 25 + i + 1;
			const account = i < 25; // the 26th student of each school has no WebUntis account: only in the extern API
			const klasse = i === 25 ? (s === 0 ? klassen[0] : klassen[1]) : i < 13 ? klassen[0] : klassen[1];
			const givenName = account ? def.given[i] : s === 0 ? 'Zoe' : 'Yusuf';
			const familyName = account ? def.family[i] : s === 0 ? 'Ohne-Konto' : 'Noaccount';
			const externKey = account ? `S${1000 + k}` : `S${1060 + s + 1}`;
			const id = account ? 1000 + k : 1060 + s + 1;
			const status = s === 1 && i === 24 ? 'tobedeleted' : 'active';
			const birthDate = `2012-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`;
			externStudents.push({
				id, externKey, firstName: givenName, lastName: familyName, birthDate, gender: i % 2 ? 'MALE' : 'FEMALE', active: status === 'active', hasUserAccount: account,
				classAssignments: [{ classId: klasse.id, className: klasse.name, startDate: '2026-09-01', endDate: '2027-08-31' }],
			});
			if (!account) continue;
			const username = `s${1000 + k}`;
			schoolStudents.push({
				sourcedId: uuid(0xa4, k), status, dateLastModified: `2026-11-${String((k % 28) + 1).padStart(2, '0')}T07:30:00.000Z`,
				username, userIds: [{ type: 'untis', identifier: username }], enabledUser: 'true', givenName, familyName, middleName: '', role: 'student',
				identifier: externKey, email: `${username}@school${s + 1}.example`, sms: '', phone: '', agents: [], orgs: [schoolRef], grades: [def.grade],
				metadata: { className: klasse.name },
			});
		}
		const schoolTeachers = def.tGiven.map((givenName, j) => {
			const n = 100 + s * 5 + j + 1;
			const username = `t${n}`;
			return {
				sourcedId: uuid(0xa4, n), status: s === 1 && j === 4 ? 'tobedeleted' : 'active', dateLastModified: `2026-10-${String(10 + j).padStart(2, '0')}T07:30:00.000Z`,
				username, userIds: [{ type: 'untis', identifier: username }], enabledUser: 'true', givenName, familyName: def.tFamily[j], middleName: '', role: 'teacher',
				identifier: `T${n}`, email: `${username}@school${s + 1}.example`, sms: '', phone: '', agents: [], orgs: [schoolRef], grades: [],
			};
		});
		ext.teachers.push(...schoolTeachers.map((t, j) => ({ id: 201 + s * 5 + j, externKey: t.identifier, name: t.familyName.slice(0, 3).toUpperCase(), firstName: t.givenName, lastName: t.familyName, active: t.status === 'active' })));
		students.push(...schoolStudents);
		teachers.push(...schoolTeachers);
		ext.students.push(...externStudents);
		const classDefs = [
			{ title: `Mathematics ${kA}`, code: `M_${kA}`, klassen: [klassen[0]], subject: subjectDefs[0], teachers: [0], room: rooms[0], start: '2026-09-01', end: '2027-08-31' },
			{ title: `English ${kB}`, code: `E_${kB}`, klassen: [klassen[1]], subject: subjectDefs[1], teachers: [1], room: rooms[1], start: '2026-09-01', end: '2027-08-31' },
			// Computer Science only in the second semester (so that v1/lesson's date range matters).
			{ title: `Computer Science ${kA}/${kB}`, code: `INF_${kA}${kB}`, klassen, subject: subjectDefs[2], teachers: [2, 3], room: rooms[0], start: s === 0 ? '2026-09-01' : '2027-02-01', end: s === 0 ? '2027-08-31' : '2027-06-30' },
		];
		classDefs.forEach((c, ci) => {
			const n = s * 3 + ci + 1;
			const klassenNames = c.klassen.map((k) => k.name);
			const cls = {
				sourcedId: uuid(0xa3, n), status: 'active', dateLastModified: `2026-09-0${n}T06:00:00.000Z`, title: c.title, classCode: c.code, classType: 'scheduled',
				location: c.room.name, grades: [def.grade], subjects: [c.subject.longName], course: ref('courses', 'course', uuid(0xa6, n)), school: schoolRef,
				terms: [ref('academicSessions', 'academicSession', session.sourcedId)], subjectCodes: [c.subject.name], periods: [], metadata: { className: klassenNames.join(',') },
			};
			classes.push(cls);
			const classRef = ref('classes', 'class', cls.sourcedId);
			const enroll = (user: Rec, role: string, primary: boolean) =>
				enrollments.push({
					sourcedId: uuid(0xa5, ++enrollmentN), status: user.status, dateLastModified: user.dateLastModified, user: ref('users', 'user', user.sourcedId as string),
					class: classRef, school: schoolRef, role, primary: String(primary), beginDate: '2026-09-01', endDate: '2027-08-31',
				});
			c.teachers.forEach((t, i) => enroll(schoolTeachers[t], 'teacher', i === 0));
			for (const st of schoolStudents) if (klassenNames.includes((st.metadata as Rec).className as string)) enroll(st, 'student', false);
			const members = externStudents.filter((st) => klassenNames.includes(((st.classAssignments as Rec[])[0].className as string)));
			const lessonId = 501 + s * 3 + ci;
			ext.lessons.push({
				id: lessonId, externKey: c.code, start: c.start, end: c.end, classes: klassenNames, studentgroups: [c.code],
				students: members.map((st) => ({ externKey: st.externKey, assignments: [{ start: c.start, end: c.end }] })),
			});
			lessonLinks.push({ lessonId, klassen: c.klassen.map((k) => k.id), teachers: c.teachers.map((t) => 201 + s * 5 + t), rooms: [c.room.id], subject: c.subject.id, studentIds: members.map((st) => st.id as number) });
		});
	});
	const units = [['08:00', '08:50'], ['08:55', '09:45'], ['10:00', '10:50'], ['10:55', '11:45'], ['11:50', '12:40'], ['12:45', '13:35']];
	const timeGrids = [{ id: 1, name: 'Standard', days: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'].map((day) => ({ day, units: units.map(([startTime, endTime], i) => ({ unit: i + 1, startTime, endTime })) })) }];
	const periods: Rec[] = [];
	for (let i = 0; i < 30; i++) {
		const day = Math.floor(i / 6);
		const unit = i % 6;
		const lesson = lessonLinks[i % 6];
		const status = i === 4 || i === 17 ? 'CANCELLED' : i === 10 ? 'CHANGED' : 'REGULAR';
		// Period 10 is taught by the school's fifth teacher instead (orgId: the one planned).
		const teachersOf = status === 'CHANGED' ? [{ id: lesson.teachers[0] < 206 ? 205 : 210, orgId: lesson.teachers[0] }] : lesson.teachers.map((id) => ({ id }));
		periods.push({
			id: 70001 + i, lessonId: lesson.lessonId, date: `2026-12-${String(7 + day).padStart(2, '0')}`, startTime: units[unit][0], endTime: units[unit][1], status,
			classes: lesson.klassen.map((id) => ({ id })), teachers: teachersOf, rooms: lesson.rooms.map((id) => ({ id })), subjects: [{ id: lesson.subject }],
			students: lesson.studentIds.map((id) => ({ id })),
			lastModified: status !== 'REGULAR' ? '2026-12-03T09:15:00Z' : i % 5 === 0 ? '2026-12-01T06:00:00Z' : '2026-11-20T08:00:00Z',
		});
	}
	const deletedPeriods = [
		{ id: 79001, deletedAt: '2026-11-10T12:00:00Z' },
		{ id: 79002, deletedAt: '2026-12-02T10:00:00Z' },
		{ id: 79003, deletedAt: '2026-12-04T12:30:00Z' },
	];
	return {
		schools, academicSessions: [session], classes, users: [...students, ...teachers], students, teachers, enrollments,
		syntheticOrgs: ORGS, syntheticClasses: CLASSES,
		extern: { schoolYears, currentSchoolYearId: 12, ...ext, periods, deletedPeriods, timeGrids },
	};
}

/** The dataset every mock serves (also on each mock as `mock.dataset`). */
export const UNTIS_DATASET: UntisDataset = buildDataset();

export interface SchoolDatasetOptions {
	/** Mixed into every id: datasets with different seeds share no id; the same seed gives the same ids (two tenants, same sourcedIds). */
	seed?: number;
	schools?: number;
	/** Users per school: teachers, the rest students. */
	usersPerSchool?: number;
	teachersPerSchool?: number;
	classesPerSchool?: number;
	/** Classes each student is enrolled in (each class has one teacher, enrolled first, primary). */
	classesPerStudent?: number;
	/** The stamp of every record as built. */
	dateLastModified?: string;
	/** Timetable: periods on the school days of `weeks` weeks from this Monday, `periodsPerDay` a day per school. */
	weekStart?: string;
	weeks?: number;
	periodsPerDay?: number;
}

/**
 * A school dataset of any size for one tenant (deterministic: no clock, no randomness), for
 * mock.setTenantDataset. Defaults: 1 school of 50 users (5 teachers), 5 classes, 2 classes per
 * student, 1 week of timetable from 2026-12-07 with 6 periods a day. OneRoster only knows users
 * with an account; the extern students are the same students (every one with an account).
 */
export function makeSchoolDataset(options: SchoolDatasetOptions = {}): UntisDataset {
	const {
		seed = 1, schools: schoolCount = 1, usersPerSchool = 50, teachersPerSchool = 5, classesPerSchool = 5, classesPerStudent = 2,
		dateLastModified = '2026-11-01T06:00:00.000Z', weekStart = '2026-12-07', weeks = 1, periodsPerDay = 6,
	} = options;
	if (teachersPerSchool < 1 || classesPerSchool < 1 || usersPerSchool <= teachersPerSchool) throw new Error('makeSchoolDataset: a school needs a teacher, a class and a student');
	// The seed is the third group of the UUID: kinds stay apart by tag, datasets by seed.
	const id = (tag: number, n: number) => `${tag.toString(16).padStart(8, '0')}-${(seed & 0xffff).toString(16).padStart(4, '0')}-4000-8000-${n.toString(16).padStart(12, '0')}`;
	const base = seed * 1_000_000;
	const session = { sourcedId: id(0xa2, 1), status: 'active', dateLastModified, title: '2026/2027', type: 'schoolYear', startDate: '2026-09-01', endDate: '2027-08-31', parent: null, children: [], schoolYear: '2027' };
	const data: UntisDataset = {
		schools: [], academicSessions: [session], classes: [], users: [], students: [], teachers: [], enrollments: [], syntheticOrgs: [], syntheticClasses: [],
		extern: {
			schoolYears: [{ id: 11, name: '2025/2026', startDate: '2025-09-01', endDate: '2026-08-31' }, { id: 12, name: '2026/2027', startDate: '2026-09-01', endDate: '2027-08-31' }],
			currentSchoolYearId: 12, students: [], klassen: [], teachers: [], rooms: [], subjects: [{ id: base + 1, name: 'M', longName: 'Mathematics', externKey: 'SUB-M' }],
			lessons: [], periods: [], deletedPeriods: [], timeGrids: [],
		},
	};
	const ext = data.extern;
	let enrollmentN = 0;
	const lessonsOf: Array<{ lessonId: number; klasse: number; teacher: number; room: number; students: number[] }> = [];
	for (let s = 0; s < schoolCount; s++) {
		const school = { sourcedId: id(0xa1, s + 1), status: 'active', dateLastModified, name: `School ${seed}-${s + 1}`, type: 'school', identifier: `${seed}-${s + 1}`, parent: null, children: [] };
		data.schools.push(school);
		const schoolRef = ref('schools', 'org', school.sourcedId);
		const teachers: Rec[] = [];
		for (let t = 0; t < teachersPerSchool; t++) {
			const n = s * usersPerSchool + t + 1;
			const username = `t${seed}-${n}`;
			teachers.push({ sourcedId: id(0xa4, n), status: 'active', dateLastModified, username, userIds: [{ type: 'untis', identifier: username }], enabledUser: 'true', givenName: `Teacher${n}`, familyName: `Lehrer${n}`, middleName: '', role: 'teacher', identifier: `T${base + n}`, email: `${username}@school.example`, sms: '', phone: '', agents: [], orgs: [schoolRef], grades: [] });
			ext.teachers.push({ id: base + n, externKey: `T${base + n}`, name: `L${n}`, firstName: `Teacher${n}`, lastName: `Lehrer${n}`, active: true });
		}
		const classes: Rec[] = [];
		for (let c = 0; c < classesPerSchool; c++) {
			const n = s * classesPerSchool + c + 1;
			const klasse = { id: base + 100_000 + n, name: `K${n}`, longName: `Klasse ${n}`, externKey: `K-${seed}-${n}` };
			const room = { id: base + 200_000 + n, name: `R${n}`, longName: `Room ${n}`, externKey: `ROOM-${seed}-${n}` };
			ext.klassen.push(klasse);
			ext.rooms.push(room);
			const cls = {
				sourcedId: id(0xa3, n), status: 'active', dateLastModified, title: `Mathematics ${klasse.name}`, classCode: `M_${klasse.name}`, classType: 'scheduled', location: room.name, grades: ['01'],
				subjects: ['Mathematics'], course: ref('courses', 'course', id(0xa6, n)), school: schoolRef, terms: [ref('academicSessions', 'academicSession', session.sourcedId)], subjectCodes: ['M'], periods: [], metadata: { className: klasse.name },
			};
			classes.push(cls);
			const teacher = teachers[c % teachers.length];
			data.enrollments.push({ sourcedId: id(0xa5, ++enrollmentN), status: 'active', dateLastModified, user: ref('users', 'user', teacher.sourcedId as string), class: ref('classes', 'class', cls.sourcedId), school: schoolRef, role: 'teacher', primary: 'true', beginDate: '2026-09-01', endDate: '2027-08-31' });
			lessonsOf.push({ lessonId: base + 300_000 + n, klasse: klasse.id, teacher: base + s * usersPerSchool + (c % teachers.length) + 1, room: room.id, students: [] });
		}
		const lessonBase = lessonsOf.length - classesPerSchool;
		for (let u = teachersPerSchool; u < usersPerSchool; u++) {
			const n = s * usersPerSchool + u + 1;
			const username = `s${seed}-${n}`;
			const home = classes[(u - teachersPerSchool) % classes.length];
			const student = { sourcedId: id(0xa4, n), status: 'active', dateLastModified, username, userIds: [{ type: 'untis', identifier: username }], enabledUser: 'true', givenName: `Student${n}`, familyName: `Schueler${n}`, middleName: '', role: 'student', identifier: `S${base + n}`, email: `${username}@school.example`, sms: '', phone: '', agents: [], orgs: [schoolRef], grades: ['01'], metadata: { className: (home.metadata as Rec).className } };
			data.students.push(student);
			const klasse = ext.klassen[s * classesPerSchool + ((u - teachersPerSchool) % classes.length)];
			ext.students.push({ id: base + n, externKey: `S${base + n}`, firstName: student.givenName, lastName: student.familyName, birthDate: '2012-01-01', gender: 'FEMALE', active: true, hasUserAccount: true, classAssignments: [{ classId: klasse.id, className: klasse.name, startDate: '2026-09-01', endDate: '2027-08-31' }] });
			for (let k = 0; k < Math.min(classesPerStudent, classes.length); k++) {
				const ci = (u - teachersPerSchool + k) % classes.length;
				data.enrollments.push({ sourcedId: id(0xa5, ++enrollmentN), status: 'active', dateLastModified, user: ref('users', 'user', student.sourcedId), class: ref('classes', 'class', classes[ci].sourcedId as string), school: schoolRef, role: 'student', primary: 'false', beginDate: '2026-09-01', endDate: '2027-08-31' });
				lessonsOf[lessonBase + ci].students.push(base + n);
			}
		}
		data.teachers.push(...teachers);
		data.classes.push(...classes);
	}
	data.users = [...data.students, ...data.teachers];
	ext.lessons = lessonsOf.map((l) => ({ id: l.lessonId, externKey: `L-${l.lessonId}`, start: '2026-09-01', end: '2027-08-31', classes: [ext.klassen.find((k) => k.id === l.klasse)!.name], studentgroups: [], students: l.students.map((sid) => ({ externKey: `S${sid}`, assignments: [{ start: '2026-09-01', end: '2027-08-31' }] })) }));
	const units = [['08:00', '08:50'], ['08:55', '09:45'], ['10:00', '10:50'], ['10:55', '11:45'], ['11:50', '12:40'], ['12:45', '13:35'], ['13:40', '14:30'], ['14:35', '15:25']];
	ext.timeGrids = [{ id: 1, name: 'Standard', days: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'].map((day) => ({ day, units: units.map(([startTime, endTime], i) => ({ unit: i + 1, startTime, endTime })) })) }];
	const monday = Date.parse(`${weekStart}T00:00:00Z`);
	let periodN = 0;
	for (let w = 0; w < weeks; w++) {
		for (let d = 0; d < 5; d++) {
			const date = new Date(monday + (w * 7 + d) * 86_400_000).toISOString().slice(0, 10);
			for (let s = 0; s < schoolCount; s++) {
				for (let p = 0; p < Math.min(periodsPerDay, units.length); p++) {
					const lesson = lessonsOf[s * classesPerSchool + ((d + p) % classesPerSchool)];
					ext.periods.push({
						id: base + 500_000 + ++periodN, lessonId: lesson.lessonId, date, startTime: units[p][0], endTime: units[p][1], status: 'REGULAR',
						classes: [{ id: lesson.klasse }], teachers: [{ id: lesson.teacher }], rooms: [{ id: lesson.room }], subjects: [{ id: base + 1 }], students: lesson.students.map((sid) => ({ id: sid })), lastModified: dateLastModified,
					});
				}
			}
		}
	}
	return data;
}

// ---------------------------------------------------------------------------------------------
// Query handling shared by the OneRoster collections and the extern student filter.
// ---------------------------------------------------------------------------------------------

export type FilterOp = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~';
export interface FilterPredicate { field: string; op: FilterOp; value: string }
export interface ParsedFilter { predicates: FilterPredicate[]; join: 'AND' | 'OR' }

/** Parses `<field><op>'<value>'` [ (` AND ` | ` OR `) `<field><op>'<value>'` ]; throws an Error naming the problem. */
export function parseFilter(text: string): ParsedFilter {
	let p = 0;
	const predicate = (): FilterPredicate => {
		const field = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(text.slice(p));
		if (!field) throw new Error(`expected a field name at position ${p}`);
		p += field[0].length;
		const op = /^(!=|>=|<=|=|>|<|~)/.exec(text.slice(p));
		if (!op) throw new Error(`expected one of = != > >= < <= ~ after '${field[0]}' at position ${p}`);
		p += op[0].length;
		if (text[p] !== "'") throw new Error(`expected a value in single quotes after '${field[0]}${op[0]}' at position ${p}`);
		p++;
		let value = '';
		for (;;) {
			if (p >= text.length) throw new Error(`unterminated value for '${field[0]}' (a quote inside a value is written '')`);
			if (text[p] === "'") {
				if (text[p + 1] === "'") {
					value += "'";
					p += 2;
					continue;
				}
				p++;
				break;
			}
			value += text[p++];
		}
		return { field: field[0], op: op[0] as FilterOp, value };
	};
	const predicates = [predicate()];
	let join: ParsedFilter['join'] = 'AND';
	if (p < text.length) {
		const j = /^ (AND|OR) /.exec(text.slice(p));
		if (!j) throw new Error(`expected ' AND ' or ' OR ' at position ${p}`);
		join = j[1] as ParsedFilter['join'];
		p += j[0].length;
		predicates.push(predicate());
		if (p < text.length) throw new Error(`at most two predicates joined by one AND or OR; unexpected '${text.slice(p)}' at position ${p}`);
	}
	return { predicates, join };
}

/** Every value at a dotted path (arrays are searched element by element). */
function valuesAt(record: unknown, path: string[]): unknown[] {
	if (path.length === 0) return Array.isArray(record) ? record : [record];
	if (Array.isArray(record)) return record.flatMap((r) => valuesAt(r, path));
	if (record === null || typeof record !== 'object') return [];
	return valuesAt((record as Rec)[path[0]], path.slice(1));
}

/** The dotted paths of every leaf (string, number, boolean, null) in the records. */
function leafPaths(records: Rec[]): Set<string> {
	const out = new Set<string>();
	const walk = (v: unknown, prefix: string) => {
		if (Array.isArray(v)) return v.forEach((x) => walk(x, prefix));
		if (v !== null && typeof v === 'object') return Object.entries(v as Rec).forEach(([k, x]) => walk(x, prefix ? `${prefix}.${k}` : k));
		if (prefix) out.add(prefix);
	};
	records.forEach((r) => walk(r, ''));
	return out;
}

const numeric = (s: string) => /^-?\d+(?:\.\d+)?$/.test(s);
// Two ISO date-times compare as instants (2026-12-06T10:00:00Z equals 2026-12-06T10:00:00.000Z).
const instantOf = (s: string) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s) && /(?:Z|[+-]\d{2}:\d{2})$/.test(s) ? Date.parse(s) : NaN);
function compare(a: string, b: string): number {
	if (numeric(a) && numeric(b)) return Number(a) - Number(b);
	const [ta, tb] = [instantOf(a), instantOf(b)];
	if (!Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb;
	return a < b ? -1 : a > b ? 1 : 0;
}
function test(record: Rec, { field, op, value }: FilterPredicate): boolean {
	return valuesAt(record, field.split('.')).some((raw) => {
		const v = raw === null || raw === undefined ? '' : String(raw);
		switch (op) {
			case '=': return v === value;
			case '!=': return v !== value;
			case '~': return v.toLowerCase().includes(value.toLowerCase());
			case '>': return compare(v, value) > 0;
			case '>=': return compare(v, value) >= 0;
			case '<': return compare(v, value) < 0;
			case '<=': return compare(v, value) <= 0;
		}
	});
}

/** Filters records; `known` are the fields a filter may name (else an Error). */
export function applyFilter(records: Rec[], filter: string, known: Set<string>): Rec[] {
	const parsed = parseFilter(filter);
	for (const { field } of parsed.predicates) if (!known.has(field)) throw new Error(`unknown filter field '${field}'`);
	return records.filter((r) => (parsed.join === 'AND' ? parsed.predicates.every((p) => test(r, p)) : parsed.predicates.some((p) => test(r, p))));
}

const imsx = (codeMajor: string, description: string, codeMinor: string) => ({
	imsx_codeMajor: codeMajor,
	imsx_severity: 'error',
	imsx_description: description,
	imsx_CodeMinor: { imsx_codeMinorField: [{ imsx_codeMinorFieldName: 'TargetEndSystem', imsx_codeMinorFieldValue: codeMinor }] },
});
class HttpError extends Error {
	constructor(readonly status: number, readonly body: unknown, readonly headers: Record<string, string> = {}) {
		super(`HTTP ${status}`);
	}
}
const imsxError = (status: number, description: string, codeMinor: string, codeMajor = 'failure') => new HttpError(status, imsx(codeMajor, description, codeMinor));

function project(record: Rec, fields: string[] | undefined): Rec {
	if (!fields) return record;
	const picked = fields.filter((f) => f in record);
	// OneRoster 1.1: selecting only fields that do not exist returns the whole record.
	if (picked.length === 0) return record;
	return Object.fromEntries(picked.map((f) => [f, record[f]]));
}
function fieldsOf(query: URLSearchParams): string[] | undefined {
	if (!query.has('fields')) return undefined;
	const fields = (query.get('fields') ?? '').split(',').map((f) => f.trim());
	if (fields.some((f) => f === '')) throw imsxError(400, `invalid fields '${query.get('fields')}': a blank field name`, 'invalid_selection_field');
	return fields;
}

interface CollectionAnswer { body: Rec; headers: Record<string, string> }
/** A OneRoster collection: filter, sort/orderBy, limit/offset capped at maxPageSize, fields, X-Total-Count. */
function collection(envelope: string, records: Rec[], universe: Rec[], query: URLSearchParams, maxPageSize: number, totalCount = true): CollectionAnswer {
	let out = records;
	const known = leafPaths(universe);
	const filter = query.get('filter');
	if (filter !== null) {
		try {
			out = applyFilter(out, filter, known);
		} catch (error) {
			throw imsxError(400, `invalid filter "${filter}": ${(error as Error).message}`, 'invalid_filter_field');
		}
	}
	const sort = query.get('sort');
	const orderBy = query.get('orderBy') ?? 'asc';
	if (orderBy !== 'asc' && orderBy !== 'desc') throw imsxError(400, `invalid orderBy '${orderBy}': asc or desc`, 'invalid_sort_field');
	if (sort !== null) {
		if (!known.has(sort)) throw imsxError(400, `invalid sort field '${sort}'`, 'invalid_sort_field');
		const key = (r: Rec) => { const v = valuesAt(r, sort.split('.'))[0]; return v === null || v === undefined ? '' : String(v); };
		out = [...out].sort((a, b) => compare(key(a), key(b)) * (orderBy === 'desc' ? -1 : 1));
	}
	const int = (name: string, fallback: number, min: number) => {
		const raw = query.get(name);
		if (raw === null) return fallback;
		if (!/^\d+$/.test(raw) || Number(raw) < min) throw imsxError(400, `invalid ${name} '${raw}': an integer >= ${min}`, 'invalid_data');
		return Number(raw);
	};
	const limit = int('limit', 100, 1);
	const offset = int('offset', 0, 0);
	const fields = fieldsOf(query);
	const page = out.slice(offset, offset + Math.min(limit, maxPageSize)).map((r) => project(r, fields));
	return { body: { [envelope]: page }, headers: totalCount ? { 'X-Total-Count': String(out.length) } : {} };
}

/** The OneRoster routes over the dataset (and the synthetic orgs and classes). Null: not a route of this table. */
function oneRoster(path: string, query: URLSearchParams, maxPageSize: number, data: UntisDataset): CollectionAnswer | null {
	const seg = path.slice(ONEROSTER.length + 1).split('/').map((s) => decodeURIComponent(s));
	const list = (envelope: string, records: Rec[], universe: Rec[], totalCount = true) => collection(envelope, records, universe, query, maxPageSize, totalCount);
	const one = (envelope: string, record: Rec | undefined, what: string, id: string): CollectionAnswer => {
		if (!record) throw imsxError(404, `${what} '${id}' not found`, 'unknownobject');
		return { body: { [envelope]: project(record, fieldsOf(query)) }, headers: {} };
	};
	const find = (records: Rec[], id: string) => records.find((r) => r.sourcedId === id);
	const allOrgs = [...data.syntheticOrgs, ...data.schools];
	const allClasses = [...data.classes, ...data.syntheticClasses];
	const school = (id: string) => {
		const found = find(data.schools, id);
		if (!found) throw imsxError(404, `school '${id}' not found`, 'unknownobject');
		return found;
	};
	const klass = (id: string) => {
		const found = find(allClasses, id);
		if (!found) throw imsxError(404, `class '${id}' not found`, 'unknownobject');
		return found;
	};
	const inSchool = (r: Rec, id: string) => ((r.orgs as Rec[] | undefined) ?? [r.school as Rec]).some((o) => o && o.sourcedId === id);
	const enrolledIn = (classId: string, role: string) => {
		const ids = new Set(data.enrollments.filter((e) => (e.class as Rec).sourcedId === classId && e.role === role).map((e) => (e.user as Rec).sourcedId));
		return data.users.filter((u) => ids.has(u.sourcedId));
	};
	const [a, b, c, d, e] = seg;
	switch (seg.length) {
		case 1:
			switch (a) {
				// A filter or sort may name any org field (the schools have them all), also one the synthetic orgs lack.
				// A dataset without synthetic orgs or classes (makeSchoolDataset) answers with its own.
				case 'orgs': return list('orgs', data.syntheticOrgs.length ? data.syntheticOrgs : data.schools, allOrgs);
				case 'schools': return list('orgs', data.schools, allOrgs);
				case 'users': return list('users', data.users, data.users);
				case 'students': return list('users', data.students, data.users);
				case 'teachers': return list('users', data.teachers, data.users);
				case 'classes': return data.syntheticClasses.length ? list('classes', data.syntheticClasses, allClasses, false) : list('classes', data.classes, allClasses);
				case 'academicSessions': return list('academicSessions', data.academicSessions, data.academicSessions);
				case 'enrollments': return list('enrollments', data.enrollments, data.enrollments);
			}
			return null;
		case 2:
			switch (a) {
				case 'orgs': return one('org', find(allOrgs, b), 'org', b);
				case 'schools': return one('org', find(data.schools, b), 'school', b);
				case 'users': return one('user', find(data.users, b), 'user', b);
				case 'students': return one('user', find(data.students, b), 'student', b);
				case 'teachers': return one('user', find(data.teachers, b), 'teacher', b);
				case 'classes': return one('class', find(allClasses, b), 'class', b);
				case 'academicSessions': return one('academicSession', find(data.academicSessions, b), 'academicSession', b);
				case 'enrollments': return one('enrollment', find(data.enrollments, b), 'enrollment', b);
			}
			return null;
		case 3:
			if (a === 'schools' && (c === 'students' || c === 'teachers' || c === 'enrollments')) {
				school(b);
				if (c === 'enrollments') return list('enrollments', data.enrollments.filter((x) => inSchool(x, b)), data.enrollments);
				return list('users', (c === 'students' ? data.students : data.teachers).filter((u) => inSchool(u, b)), data.users);
			}
			if (a === 'classes' && (c === 'students' || c === 'teachers')) {
				klass(b);
				return list('users', enrolledIn(b, c === 'students' ? 'student' : 'teacher'), data.users);
			}
			return null;
		case 5:
			if (a === 'schools' && c === 'classes' && e === 'enrollments') {
				school(b);
				const cls = find(data.classes, d);
				if (!cls || (cls.school as Rec).sourcedId !== b) throw imsxError(404, `class '${d}' not found in school '${b}'`, 'unknownobject');
				return list('enrollments', data.enrollments.filter((x) => (x.class as Rec).sourcedId === d), data.enrollments);
			}
			return null;
	}
	return null;
}

/**
 * What the server makes of a OneRoster request's dateLastModified predicates (mock.honoursModifiedSince):
 * honoured, the dataset with its removed records (as tobedeleted) when such a predicate asks for
 * changes; ignored, the query without them. A filter that does not parse is left to collection()'s 400.
 */
const isSince = (p: FilterPredicate) => p.field === 'dateLastModified' && (p.op === '>' || p.op === '>=');
function modifiedSinceView(data: UntisDataset, query: URLSearchParams, honours: boolean): { data: UntisDataset; query: URLSearchParams } {
	const filter = query.get('filter');
	if (filter === null) return { data, query };
	let parsed: ParsedFilter;
	try {
		parsed = parseFilter(filter);
	} catch {
		return { data, query };
	}
	if (honours) {
		const removed = data.removed;
		if (!removed || !parsed.predicates.some(isSince)) return { data, query };
		const students = [...data.students, ...(removed.students ?? [])];
		const teachers = [...data.teachers, ...(removed.teachers ?? [])];
		return {
			query,
			data: {
				...data, students, teachers, users: [...students, ...teachers],
				schools: [...data.schools, ...(removed.schools ?? [])], academicSessions: [...data.academicSessions, ...(removed.academicSessions ?? [])],
				classes: [...data.classes, ...(removed.classes ?? [])], enrollments: [...data.enrollments, ...(removed.enrollments ?? [])],
			},
		};
	}
	const kept = parsed.predicates.filter((p) => p.field !== 'dateLastModified');
	if (kept.length === parsed.predicates.length) return { data, query };
	const next = new URLSearchParams(query);
	if (kept.length === 0) next.delete('filter');
	else next.set('filter', kept.map((p) => `${p.field}${p.op}'${p.value.replace(/'/g, "''")}'`).join(` ${parsed.join} `));
	return { data, query: next };
}

// ---------------------------------------------------------------------------------------------
// The extern APIs over the dataset.
// ---------------------------------------------------------------------------------------------

const EXTERN = '/WebUntis/api/rest/extern';
type Validation = { path: string; errorMessage: string; errorKey: string };
class ValidationFailure extends Error {
	constructor(readonly errors: Validation[]) {
		super('validation failed');
	}
}
/** The date part of an ISO 8601 date or date-time, if it is a real date. */
const isoDate = (raw: string) => {
	const m = /^(\d{4}-\d{2}-\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$/.exec(raw);
	const parsed = m ? new Date(`${m[1]}T00:00:00Z`) : null;
	return m && parsed && !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(m[1]) ? m[1] : null;
};

/** The extern routes. Null: not a route of this table (404). */
function externApi(path: string, query: URLSearchParams, data: UntisDataset, honours = true): unknown | null {
	const errors: Validation[] = [];
	const required = (name: string) => {
		const v = query.get(name);
		if (v === null || v === '') errors.push({ path: name, errorMessage: 'must not be null', errorKey: 'NotNull' });
		return v ?? '';
	};
	const date = (name: string, strict: boolean) => {
		const v = required(name);
		if (!v) return null;
		const d = strict ? (/^\d{4}-\d{2}-\d{2}$/.test(v) ? isoDate(v) : null) : isoDate(v);
		if (!d) errors.push({ path: name, errorMessage: strict ? 'must be a date YYYY-MM-DD' : 'must be an ISO 8601 date', errorKey: 'Pattern' });
		return d;
	};
	const instant = (name: string) => {
		const v = query.get(name);
		if (v === null || v === '') return null;
		// A date alone is midnight UTC; a date-time without a zone is UTC.
		const m = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(v);
		const t = m ? Date.parse(!m[1] ? `${v}T00:00:00Z` : m[2] ? v : `${v}Z`) : NaN;
		if (Number.isNaN(t)) {
			errors.push({ path: name, errorMessage: 'must be an ISO 8601 date-time (UTC)', errorKey: 'Pattern' });
			return null;
		}
		return t;
	};
	const nonNegative = (name: string) => {
		const v = query.get(name);
		if (v === null) return 0;
		if (!/^\d+$/.test(v)) errors.push({ path: name, errorMessage: 'must be greater than or equal to 0', errorKey: 'Min' });
		return Number(v) || 0;
	};
	const fail = () => {
		if (errors.length) throw new ValidationFailure(errors);
	};
	const range = (start: string | null, end: string | null) => {
		if (!start || !end) return;
		if (start > end) errors.push({ path: 'end', errorMessage: 'must not be before start', errorKey: 'DateRange' });
		else if (!data.extern.schoolYears.some((y) => y.startDate <= start && end <= y.endDate))
			errors.push({ path: 'end', errorMessage: 'start and end must lie within one school year', errorKey: 'SchoolYearRange' });
	};
	const sub = path.slice(EXTERN.length);
	switch (sub) {
		case '/v3/students': {
			const raw = required('schoolYearId');
			if (raw && !/^\d+$/.test(raw)) errors.push({ path: 'schoolYearId', errorMessage: 'must be a number', errorKey: 'TypeMismatch' });
			fail();
			let out = Number(raw) === data.extern.currentSchoolYearId ? data.extern.students : [];
			const filter = query.get('filter');
			if (filter !== null) {
				try {
					out = applyFilter(out, filter, leafPaths(data.extern.students));
				} catch (error) {
					throw new ValidationFailure([{ path: 'filter', errorMessage: (error as Error).message, errorKey: 'InvalidFilter' }]);
				}
			}
			return out;
		}
		case '/v3/timetable': {
			const start = date('start', false);
			const end = date('end', false);
			range(start, end);
			const after = instant('dateLastModifiedAfter');
			const limit = nonNegative('limit');
			const offset = nonNegative('offset');
			const ids = (name: string) => {
				const v = query.get(name);
				if (v === null) return null;
				const list = v.split(',').map((x) => x.trim());
				if (list.some((x) => !/^\d+$/.test(x))) errors.push({ path: name, errorMessage: 'must be a number or a comma-separated list of numbers', errorKey: 'TypeMismatch' });
				return new Set(list.map(Number));
			};
			const keys = (name: string) => {
				const v = query.get(name);
				return v === null ? null : new Set(v.split(',').map((x) => x.trim()));
			};
			const ext = data.extern;
			const byKey = (records: Rec[], wanted: Set<string> | null) => (wanted ? new Set(records.filter((r) => wanted.has(r.externKey as string)).map((r) => r.id as number)) : null);
			const lessonById = new Map(ext.lessons.map((l) => [l.id as number, l]));
			const filters: Array<[Set<number> | null, (p: Rec) => number[]]> = [
				[ids('class'), (p) => (p.classes as Rec[]).map((x) => x.id as number)],
				[ids('room'), (p) => (p.rooms as Rec[]).map((x) => x.id as number)],
				[ids('student'), (p) => (p.students as Rec[]).map((x) => x.id as number)],
				[ids('teacher'), (p) => (p.teachers as Rec[]).map((x) => x.id as number)],
				[ids('lesson'), (p) => [p.lessonId as number]],
				[byKey(ext.klassen, keys('classExt')), (p) => (p.classes as Rec[]).map((x) => x.id as number)],
				[byKey(ext.rooms, keys('roomExt')), (p) => (p.rooms as Rec[]).map((x) => x.id as number)],
				[byKey(ext.students, keys('studentExt')), (p) => (p.students as Rec[]).map((x) => x.id as number)],
				[byKey(ext.teachers, keys('teacherExt')), (p) => (p.teachers as Rec[]).map((x) => x.id as number)],
				[byKey(ext.lessons, keys('lessonExt')), (p) => [p.lessonId as number]],
			];
			fail();
			let periods = ext.periods.filter((p) => (p.date as string) >= start! && (p.date as string) <= end!);
			if (after !== null && honours) periods = periods.filter((p) => Date.parse(p.lastModified as string) > after);
			for (const [wanted, of] of filters) if (wanted) periods = periods.filter((p) => of(p).some((id) => wanted.has(id)));
			// offset is 1-based (the first period is 1); offset 0 means no paging: everything, limit ignored.
			if (offset > 0) periods = periods.slice(offset - 1, limit > 0 ? offset - 1 + limit : undefined);
			const used = (key: string) => new Set(periods.flatMap((p) => (p[key] as Rec[]).map((x) => x.id as number)));
			const pick = (records: Rec[], key: string) => { const u = used(key); return records.filter((r) => u.has(r.id as number)); };
			const year = ext.schoolYears.find((y) => y.startDate <= start! && end! <= y.endDate)!;
			return {
				version: '3',
				headerData: { schoolYearId: year.id, schoolYearName: year.name, start, end, periodCount: periods.length },
				masterData: {
					classes: pick(ext.klassen, 'classes'),
					rooms: pick(ext.rooms, 'rooms'),
					students: pick(ext.students, 'students').map(({ id, externKey, firstName, lastName }) => ({ id, externKey, firstName, lastName })),
					subjects: pick(ext.subjects, 'subjects'),
					teachers: pick(ext.teachers, 'teachers'),
					lessons: [...new Set(periods.map((p) => p.lessonId as number))].map((id) => ({ id, externKey: lessonById.get(id)!.externKey })),
				},
				timetableData: { timeGrids: ext.timeGrids, periods },
			};
		}
		case '/v3/timetable/deleted-periods': {
			required('dateLastModifiedAfter');
			const after = instant('dateLastModifiedAfter');
			fail();
			return honours ? data.extern.deletedPeriods.filter((d) => Date.parse(d.deletedAt) > after!).map((d) => d.id) : [];
		}
		case '/v1/lesson': {
			const start = date('start', true);
			const end = date('end', true);
			if (start && end && start > end) errors.push({ path: 'end', errorMessage: 'must not be before start', errorKey: 'DateRange' });
			fail();
			return { lessons: data.extern.lessons.filter((l) => (l.start as string) <= end! && (l.end as string) >= start!).map(({ id, start: s, end: e, classes, studentgroups, students }) => ({ id, start: s, end: e, classes, studentgroups, students })) };
		}
	}
	return null;
}

/** Adds, changes or removes one record of a dataset, stamped with `now` (see the header). */
function editRecords(data: UntisDataset, kind: RecordKind, now: string, edit: { add?: Rec; id?: string | number; patch?: Rec; remove?: boolean }): Rec {
	if (kind === 'periods') {
		const periods = data.extern.periods;
		if (edit.add) {
			const period = { status: 'REGULAR', classes: [], teachers: [], rooms: [], subjects: [], students: [], ...edit.add, lastModified: now };
			periods.push(period);
			periods.sort((a, b) => String(a.date).localeCompare(String(b.date)) || String(a.startTime).localeCompare(String(b.startTime)));
			return period;
		}
		const at = periods.findIndex((p) => p.id === edit.id);
		if (at < 0) throw new Error(`no period ${String(edit.id)} in this dataset`);
		if (edit.remove) {
			const [gone] = periods.splice(at, 1);
			data.extern.deletedPeriods.push({ id: gone.id as number, deletedAt: now });
			return gone;
		}
		return Object.assign(periods[at], edit.patch, { lastModified: now });
	}
	const list = data[kind];
	let result: Rec;
	if (edit.add) {
		if (typeof edit.add.sourcedId !== 'string' || list.some((r) => r.sourcedId === edit.add!.sourcedId)) throw new Error(`a new ${kind} record needs a sourcedId of its own`);
		result = { status: 'active', ...edit.add, dateLastModified: now };
		list.push(result);
		const removed = data.removed?.[kind];
		if (removed) data.removed![kind] = removed.filter((r) => r.sourcedId !== result.sourcedId);
	} else {
		const at = list.findIndex((r) => r.sourcedId === edit.id);
		if (at < 0) throw new Error(`no ${kind} record '${String(edit.id)}' in this dataset`);
		if (edit.remove) {
			const [gone] = list.splice(at, 1);
			result = { ...gone, status: 'tobedeleted', dateLastModified: now };
			data.removed = data.removed ?? {};
			(data.removed[kind] = data.removed[kind] ?? []).push(result);
		} else {
			result = Object.assign(list[at], edit.patch, { dateLastModified: now });
		}
	}
	if (kind === 'students' || kind === 'teachers') data.users = [...data.students, ...data.teachers];
	return result;
}

/** `accepts` decides the token grant: a clientId → password map, or a function. */
export async function startUntisApiMock(
	accepts: Record<string, string> | ((clientId: string, password: string) => boolean) = { 'client-1': 'pw-1' },
): Promise<UntisApiMock> {
	const valid = typeof accepts === 'function' ? accepts : (user: string, password: string) => user in accepts && accepts[user] === password;
	const calls: MockCall[] = [];
	const issued = new Map<string, number>();
	const firstTokenOf = new Map<string, string>();
	const tokenTenant = new Map<string, string>();
	let limitedHits = 0;
	const mock = { expiresIn: 180, maxPageSize: 1000, dataset: UNTIS_DATASET, honoursModifiedSince: true, recordCalls: true, now: () => new Date().toISOString() } as UntisApiMock;
	let externRequests = 0;
	// The school's life: per-tenant passwords, revocations, datasets, and the token generation a token belongs to.
	const passwords = new Map<string, string>();
	const revokedTenants = new Set<string>();
	const datasets = new Map<string, UntisDataset>();
	const generation = new Map<string, number>();
	const tokenGeneration = new Map<string, number>();
	const counters = new Map<string, { token: number; data: number; failed: number }>();
	const count = (tenant: string, what: 'token' | 'data' | 'failed') => {
		const entry = counters.get(tenant) ?? { token: 0, data: 0, failed: 0 };
		entry[what]++;
		counters.set(tenant, entry);
	};
	const endTokens = (tenant: string) => generation.set(tenant, (generation.get(tenant) ?? 0) + 1);
	const faults = new Map<string, Required<Omit<TenantFault, 'retryAfter'>> & { retryAfter?: number }>();
	/** Answers the request with the tenant's fault, if one applies: true when it did. */
	const faulted = (tenant: string, url: URL, res: ServerResponse) => {
		const fault = faults.get(tenant);
		if (!fault || !url.pathname.includes(fault.path) || Number(url.searchParams.get('offset') ?? 0) < fault.fromOffset) return false;
		if (--fault.times <= 0) faults.delete(tenant);
		count(tenant, 'failed');
		const headers: Record<string, string> = { 'Content-Type': 'text/plain' };
		if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
		res.writeHead(fault.status, headers).end(`${fault.status} ${STATUS_CODES[fault.status] ?? 'Server Error'}`);
		return true;
	};

	const handler = (host: MockCall['host']) => (req: IncomingMessage, res: ServerResponse) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://mock');
			const call: MockCall = { host, method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization, body };
			if (mock.recordCalls) calls.push(call);
			const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
				res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(value));
			if (host === 'school') return json(404, { error: 'this is a school host, not the API host' });

			const token = /^\/WebUntis\/api\/sso\/v3\/([^/]+)\/token$/.exec(url.pathname);
			if (token) {
				const tenant = decodeURIComponent(token[1]);
				count(tenant, 'token');
				if (faulted(tenant, url, res)) return;
				const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
				const colon = basic.indexOf(':');
				const [user, password] = colon < 0 ? [basic, undefined] : [basic.slice(0, colon), basic.slice(colon + 1)];
				if (req.method !== 'POST' || body !== 'grant_type=client_credentials') return json(400, { error: 'invalid_request' });
				if (revokedTenants.has(tenant)) return json(401, { error: 'invalid_client' });
				const own = passwords.get(tenant);
				if (own !== undefined ? !user || password !== own : !valid(user, password ?? '')) return json(401, { error: 'invalid_client' });
				const n = (issued.get(tenant) ?? 0) + 1;
				issued.set(tenant, n);
				const accessToken = `tok-${tenant}-${n}`;
				if (!firstTokenOf.has(tenant)) firstTokenOf.set(tenant, accessToken);
				tokenTenant.set(accessToken, tenant);
				tokenGeneration.set(accessToken, generation.get(tenant) ?? 0);
				return json(200, { access_token: accessToken, token_type: 'Bearer', expires_in: mock.expiresIn });
			}

			const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
			const tenant = tokenTenant.get(bearer);
			count(tenant ?? '?', 'data');
			if (!tenant) return json(401, { error: 'invalid_token' });
			if (faulted(tenant, url, res)) return;
			// A token issued before a revocation or a new password has ended.
			if (tokenGeneration.get(bearer) !== (generation.get(tenant) ?? 0)) return json(401, { error: 'invalid_token' });
			const data = datasets.get(tenant) ?? mock.dataset;
			if (tenant === 'revoked' && bearer === firstTokenOf.get(tenant)) return json(401, { error: 'invalid_token' });
			// A token revoked in the middle of a collection: the first token works until offset 10.
			if (tenant === 'revoked-mid' && bearer === firstTokenOf.get(tenant) && Number(url.searchParams.get('offset') ?? 0) >= 10) return json(401, { error: 'invalid_token' });
			if (url.pathname.startsWith(`${ONEROSTER}/`)) {
				if (tenant === 'no-oneroster') return json(403, imsx('failure', `tenant '${tenant}' may not read OneRoster: the PAM permission "OneRoster read" is missing`, 'forbidden'));
				if (req.method !== 'GET') return json(405, imsx('unsupported', `${req.method} ${url.pathname}: OneRoster is read-only, GET only`, 'unsupported'), { Allow: 'GET' });
				try {
					const view = modifiedSinceView(data, url.searchParams, mock.honoursModifiedSince);
					const answer = oneRoster(url.pathname, view.query, mock.maxPageSize, view.data);
					if (answer) return json(200, answer.body, answer.headers);
				} catch (error) {
					if (error instanceof HttpError) return json(error.status, error.body, error.headers);
					throw error;
				}
				if (!['capped', 'linked', 'stuck'].includes(url.pathname.slice(ONEROSTER.length + 1)))
					return json(404, imsx('failure', `no OneRoster endpoint ${url.pathname}`, 'unknownobject'));
			}
			if (url.pathname.startsWith(`${EXTERN}/`)) {
				const n = ++externRequests;
				const ids = { requestId: `req-${String(n).padStart(6, '0')}`, traceId: `trace-${String(n).padStart(6, '0')}` };
				const fail = (status: number, errorCode: string, errorMessage: string) => json(status, { errorCode, errorMessage, ...ids });
				if (tenant === 'no-extern') return fail(403, 'FORBIDDEN', `tenant '${tenant}' may not use the extern APIs`);
				if (url.pathname === `${EXTERN}/v3/boom`) return fail(500, 'INTERNAL_SERVER_ERROR', 'an unexpected error occurred');
				if (req.method !== 'GET') return fail(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${url.pathname}`);
				try {
					const answer = externApi(url.pathname, url.searchParams, data, mock.honoursModifiedSince);
					return answer === null ? fail(404, 'NOT_FOUND', `no extern endpoint ${url.pathname}`) : json(200, answer);
				} catch (error) {
					if (error instanceof ValidationFailure) return json(400, { errorCode: 'VALIDATION_ERROR', ...ids, validationErrors: error.errors });
					throw error;
				}
			}
			const limit = Number(url.searchParams.get('limit') ?? 100);
			const offset = Number(url.searchParams.get('offset') ?? 0);
			switch (url.pathname) {
				case '/ims/oneroster/v1p1/capped':
					// A server that returns at most 10 records per page, whatever limit asks.
					return json(200, { users: USERS.slice(offset, offset + Math.min(limit, 10)) }, { 'X-Total-Count': String(USERS.length) });
				case '/ims/oneroster/v1p1/linked': {
					// Link rel="next" until the last page, no X-Total-Count, 10 per page.
					const page = USERS.slice(offset, offset + Math.min(limit, 10));
					const more = offset + page.length < USERS.length;
					return json(200, { users: page }, more ? { Link: `<${url.pathname}?limit=${limit}&offset=${offset + page.length}>; rel="next"` } : {});
				}
				case '/ims/oneroster/v1p1/stuck':
					return json(200, { users: ORGS.slice(0, limit) });
				case '/rest/limited':
					return ++limitedHits <= 2 ? json(429, { error: 'slow down' }, { 'Retry-After': '2' }) : json(200, { ok: true });
				case '/rest/limited-long':
					return json(429, { error: 'slow down' }, { 'Retry-After': '3600' });
				case '/rest/down':
					return json(503, { error: 'maintenance' });
				case '/rest/error':
					return json(500, { message: 'internal error' });
				case '/rest/forbidden':
					return json(403, { error_description: 'scope roster-core.readonly required' });
				case '/rest/echo':
					return json(200, { method: req.method, query: Object.fromEntries(url.searchParams), body: body ? JSON.parse(body) : null, tenant });
				default:
					return json(404, { error: 'not found' });
			}
		});
	};

	// Changes go to a tenant's own dataset only: never to UNTIS_DATASET, which every mock shares.
	const own = (tenant: string) => {
		const dataset = datasets.get(tenant);
		if (!dataset) throw new Error(`tenant '${tenant}' has no dataset of its own: mock.setTenantDataset('${tenant}', makeSchoolDataset()) first`);
		return dataset;
	};
	const api: Server = createServer(handler('api'));
	const school: Server = createServer(handler('school'));
	await Promise.all([api, school].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
	const base = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return Object.assign(mock, {
		apiBase: base(api),
		schoolHost: base(school),
		calls,
		tokenCalls: () => calls.filter((c) => c.path.endsWith('/token')),
		dataCalls: () => calls.filter((c) => !c.path.endsWith('/token')),
		setTenantPassword: (tenant: string, password: string) => {
			if (passwords.has(tenant) && passwords.get(tenant) !== password) endTokens(tenant);
			passwords.set(tenant, password);
			revokedTenants.delete(tenant);
		},
		revoke: (tenant: string) => {
			revokedTenants.add(tenant);
			endTokens(tenant);
		},
		setTenantDataset: (tenant: string, dataset: UntisDataset) => void datasets.set(tenant, dataset),
		datasetOf: (tenant: string) => datasets.get(tenant) ?? mock.dataset,
		addRecord: (tenant: string, kind: RecordKind, record: Rec) => editRecords(own(tenant), kind, mock.now(), { add: record }),
		changeRecord: (tenant: string, kind: RecordKind, id: string | number, patch: Rec) => editRecords(own(tenant), kind, mock.now(), { id, patch }),
		removeRecord: (tenant: string, kind: RecordKind, id: string | number) => editRecords(own(tenant), kind, mock.now(), { id, remove: true }),
		failTenant: (tenant: string, { status = 503, times = Infinity, path = '', fromOffset = 0, retryAfter }: TenantFault = {}) => {
			if (status < 500 || status > 599) throw new Error(`a server fault is a 5xx, not ${status}`);
			if (!(times >= 1)) throw new Error('a fault fails at least one answer');
			faults.set(tenant, { status, times, path, fromOffset, retryAfter });
		},
		clearFailure: (tenant: string) => void faults.delete(tenant),
		callsByTenant: () => Object.fromEntries([...counters].map(([tenant, entry]) => [tenant, { ...entry }])),
		resetCounters: () => {
			counters.clear();
			calls.length = 0;
		},
		close: async () => {
			for (const server of [api, school]) {
				server.closeAllConnections();
				await new Promise<void>((resolve) => server.close(() => resolve()));
			}
		},
	});
}

/** n8n's httpRequest as the node uses it (returnFullResponse, ignoreHttpStatusErrors, timeout), on fetch. */
export async function fetchLikeN8n(options: { method: string; url: string; headers?: Record<string, string>; body?: string; timeout?: number }) {
	const response = await fetch(options.url, {
		method: options.method,
		headers: options.headers,
		body: options.body,
		signal: AbortSignal.timeout(options.timeout ?? 10000),
	}).catch((error: Error) => {
		throw Object.assign(new Error(error.name === 'TimeoutError' ? 'timeout of request exceeded' : error.message), {
			code: error.name === 'TimeoutError' ? 'ECONNABORTED' : 'ECONNREFUSED',
			config: { headers: options.headers },
		});
	});
	const text = await response.text();
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {
		// n8n hands non-JSON bodies over as text
	}
	return { statusCode: response.status, headers: Object.fromEntries(response.headers), body };
}

/**
 * The companion node's execute() against this stand-in, as n8n calls it: the items as input, each
 * parameter a value or `={{ $json.field }}` (read from the item), the credential (its public keys
 * and Encryption Key) with the stand-in as its API base, n8n's request helper as fetchLikeN8n.
 */
export async function executeAgainst(
	mock: UntisApiMock,
	node: { execute(this: IExecuteFunctions): Promise<INodeExecutionData[][] | null> },
	items: IDataObject[],
	parameters: IDataObject,
	{ credential, continueOnFail = false }: { credential: { publicKeys: string; encryptionKey: string }; continueOnFail?: boolean },
): Promise<INodeExecutionData[]> {
	const context = {
		getInputData: () => items.map((json) => ({ json })),
		getNodeParameter: (name: string, index: number, fallback?: unknown) => {
			const value = name in parameters ? parameters[name] : fallback;
			const m = typeof value === 'string' ? /^=\{\{ \$json\.(\w+) \}\}$/.exec(value) : null;
			return m ? items[index][m[1]] : value;
		},
		getCredentials: async () => ({ environment: 'custom', ...credential, apiBaseUrl: mock.apiBase }),
		getNode: () => ({ name: 'Untis Platform', type: 'untisPlatform', typeVersion: 1.1 }),
		continueOnFail: () => continueOnFail,
		helpers: { httpRequest: fetchLikeN8n },
	} as unknown as IExecuteFunctions;
	const [output] = (await node.execute.call(context)) ?? [[]];
	return output;
}
