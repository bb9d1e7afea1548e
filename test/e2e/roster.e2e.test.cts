import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { UntisApiMock } from '../helpers/untisApiMock.cjs';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startN8n } = require('./harness');
const sim = require('../../tools/untis-platform-sim/sim.js');
// jest's e2e module map knows only triggerSuite: load the helper by its file name (the type import is erased).
const { startUntisApiMock, fetchLikeN8n } = require('../helpers/untisApiMock.cts') as typeof import('../helpers/untisApiMock.cjs');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * A school's data read with no code, on a real n8n 2.41.1: the Untis Platform node's typed
 * operations (node version 1.1) through n8n's own request helper against the loopback stand-in
 * of the Untis APIs, whose pages are capped at 7 records whatever `limit` asks. Every collection
 * comes back whole (no lost record), filters reach the API quoted, a timetable range pages from
 * offset 1, a token revoked mid-collection is renewed and the read resumes, and a missing PAM
 * permission is named.
 */
const ROOT = join(__dirname, '../..');
const CAP = 7;
const credentialRef = { id: 'untisRosterCred001', name: 'Untis Platform (roster)' };
const keys = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-roster-')));

type Rec = Record<string, unknown>;
let api: UntisApiMock;
let n8n: {
	post(path: string, body: unknown): Promise<{ status: number; text: string }>;
	lastExecutionId(): number;
	waitForExecutions(o: { workflowId: string; count: number; sinceId?: number; timeoutMs?: number }): Promise<Array<{ id: number; status: string }>>;
	executionJson(id: number): Record<string, Rec[][]>;
	stop(): Promise<unknown>;
};

const tenant = (tenantId: string) => ({ tenantId, clientId: 'client-1', password: 'pw-1', tenantStatus: 'active', apiHost: 'credential' });
let nodeCount = 0;
/** One typed node, fed by the webhook's item. */
function typed(name: string, resource: string, operation: string, parameters: Rec = {}, tenantId = 't-roster') {
	nodeCount++;
	return {
		id: `e2000000-0000-4000-8000-${String(nodeCount).padStart(12, '0')}`,
		name,
		type: 'n8n-nodes-untis-platform.untisPlatform',
		typeVersion: 1.1,
		position: [300, nodeCount * 120],
		onError: 'continueRegularOutput',
		parameters: { resource, operation, ...tenant(tenantId), ...parameters },
		credentials: { untisPlatformApi: credentialRef },
	};
}

const all = { returnAll: true, options: { pageSize: 100 } };
let workflow: { id: string; nodes: Array<{ name: string }> };

beforeAll(async () => {
	api = await startUntisApiMock();
	api.maxPageSize = CAP;
	const { schools, classes } = api.dataset;
	const nodes = [
		typed('Schools', 'org', 'getManySchools', all),
		typed('Orgs', 'org', 'getMany', all),
		typed('School', 'org', 'getSchool', { sourcedId: schools[0].sourcedId }),
		typed('Users', 'user', 'getMany', all),
		typed('Students', 'student', 'getMany', all),
		typed('Students of a school', 'student', 'getManyOfSchool', { ...all, schoolSourcedId: schools[1].sourcedId }),
		typed('Students of a class', 'student', 'getManyOfClass', { ...all, classSourcedId: classes[0].sourcedId }),
		typed('Teachers', 'teacher', 'getMany', all),
		typed('Teachers of a school', 'teacher', 'getManyOfSchool', { ...all, schoolSourcedId: schools[0].sourcedId }),
		typed('Teachers of a class', 'teacher', 'getManyOfClass', { ...all, classSourcedId: classes[0].sourcedId }),
		// /classes sends no X-Total-Count: a capped page cannot be told from the last one, so the
		// page size stays within the cap (docs/untis-api.md).
		typed('Classes', 'class', 'getMany', { returnAll: true, options: { pageSize: CAP } }),
		typed('Class', 'class', 'get', { sourcedId: classes[1].sourcedId }),
		typed('Academic sessions', 'academicSession', 'getMany', all),
		typed('Enrollments', 'enrollment', 'getMany', all),
		typed('Enrollments of a school', 'enrollment', 'getManyOfSchool', { ...all, schoolSourcedId: schools[0].sourcedId }),
		typed('Enrollments of a class', 'enrollment', 'getManyOfClass', { ...all, schoolSourcedId: schools[0].sourcedId, classSourcedId: classes[0].sourcedId }),
		typed('Students filtered', 'student', 'getMany', { returnAll: true, filter: { condition: [{ field: 'familyName', operator: 'contains', value: 'Bri' }, { field: 'givenName', operator: 'equals', value: 'Anna' }] }, filterJoin: 'OR', options: { sort: 'familyName', orderBy: 'desc', pageSize: 100 } }),
		// OneRoster defines no escape inside a quoted value: a quote is refused, not guessed at (2.1.0).
		typed('Students, a quote in the filter', 'student', 'getMany', { returnAll: true, filter: { condition: [{ field: 'familyName', operator: 'contains', value: "o'b" }] }, options: { pageSize: 100 } }),
		typed('Students limited', 'student', 'getMany', { returnAll: false, limit: 12 }),
		typed('Students, token revoked mid-collection', 'student', 'getMany', { returnAll: true, options: { pageSize: 5 } }, 'revoked-mid'),
		typed('No OneRoster permission', 'user', 'getMany', all, 'no-oneroster'),
		typed('Unknown student', 'student', 'get', { sourcedId: 'no-such-student' }),
		typed('Timetable', 'timetable', 'get', { start: '2026-12-07', end: '2026-12-11', options: { pageSize: 4 } }),
		typed('Timetable answer', 'timetable', 'get', { start: '2026-12-07', end: '2026-12-11', output: 'answer' }),
		typed('Timetable across school years', 'timetable', 'get', { start: '2026-08-30', end: '2026-09-02' }),
		typed('Deleted periods', 'timetable', 'getDeletedPeriods', { dateLastModifiedAfter: '2026-01-01T00:00:00Z' }),
		typed('Extern students of 1A', 'externStudent', 'getMany', { schoolYearId: '12', studentFilter: "classAssignments.className='1A'" }),
		typed('Lessons', 'lesson', 'getMany', { start: '2026-09-01', end: '2027-06-30' }),
	];
	workflow = {
		id: 'untisRosterE2e0001',
		name: 'E2E: a school\'s data with typed operations',
		nodes: [
			{ id: 'e2000000-0000-4000-8000-0000000000aa', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: 'e2000000-0000-4000-8000-0000000c0aaa', parameters: { httpMethod: 'POST', path: 'untis-roster', responseMode: 'onReceived', options: {} } },
			...nodes,
		],
		connections: { Webhook: { main: [nodes.map((node) => ({ node: node.name, type: 'main', index: 0 }))] } },
	} as typeof workflow & { connections: unknown };
	n8n = await startN8n({
		packageDir: ROOT,
		credentials: [{ ...credentialRef, type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey: randomBytes(32).toString('base64'), apiBaseUrl: api.apiBase } }],
		workflows: [workflow],
	});
}, 15 * 60 * 1000);

afterAll(async () => {
	if (n8n) await n8n.stop();
	if (api) await api.close();
});

/** The records a collection really holds: read from the stand-in with uncapped pages. */
async function truth(path: string): Promise<Rec[]> {
	const token = (await fetchLikeN8n({ method: 'POST', url: `${api.apiBase}/WebUntis/api/sso/v3/truth/token`, headers: { Authorization: `Basic ${Buffer.from('client-1:pw-1').toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' })).body as { access_token: string };
	const cap = api.maxPageSize;
	api.maxPageSize = 100000;
	try {
		const answer = await fetchLikeN8n({ method: 'GET', url: `${api.apiBase}/ims/oneroster/v1p1${path}${path.includes('?') ? '&' : '?'}limit=100000`, headers: { Authorization: `Bearer ${token.access_token}` } });
		return Object.values(answer.body as Record<string, Rec[]>).find(Array.isArray) as Rec[];
	} finally {
		api.maxPageSize = cap;
	}
}

let out: Record<string, Rec[][]> = {};
const items = (node: string) => (out[node]?.[0] ?? []) as Rec[];
const ids = (records: Rec[]) => records.map((record) => record.sourcedId);

describe("a school's data with the typed operations, on a real n8n, pages capped at 7 records", () => {
	beforeAll(async () => {
		api.calls.length = 0;
		const before = n8n.lastExecutionId();
		expect((await n8n.post('untis-roster', {})).status).toBe(200);
		const [execution] = await n8n.waitForExecutions({ workflowId: workflow.id, count: 1, sinceId: before, timeoutMs: 180_000 });
		out = n8n.executionJson(execution.id);
	}, 5 * 60 * 1000);

	it.each([
		['Schools', '/schools'],
		['Orgs', '/orgs'],
		['Users', '/users'],
		['Students', '/students'],
		['Teachers', '/teachers'],
		['Classes', '/classes'],
		['Academic sessions', '/academicSessions'],
		['Enrollments', '/enrollments'],
	])('Return All of %s: every record, one item each, in order', async (node, path) => {
		const expected = await truth(path);
		expect(expected.length).toBeGreaterThan(0);
		expect(ids(items(node))).toEqual(ids(expected));
	});

	it('the nested collections: students and teachers of a school and of a class, enrollments of a school and of a class in it', async () => {
		const { schools, classes } = api.dataset;
		const cases: Array<[string, string]> = [
			['Students of a school', `/schools/${schools[1].sourcedId}/students`],
			['Students of a class', `/classes/${classes[0].sourcedId}/students`],
			['Teachers of a school', `/schools/${schools[0].sourcedId}/teachers`],
			['Teachers of a class', `/classes/${classes[0].sourcedId}/teachers`],
			['Enrollments of a school', `/schools/${schools[0].sourcedId}/enrollments`],
			['Enrollments of a class', `/schools/${schools[0].sourcedId}/classes/${classes[0].sourcedId}/enrollments`],
		];
		for (const [node, path] of cases) {
			const expected = await truth(path);
			expect({ node, count: items(node).length }).toEqual({ node, count: expected.length });
			expect(ids(items(node))).toEqual(ids(expected));
		}
	});

	it('capped pages were followed by X-Total-Count, each asking from the records received', () => {
		const students = api.calls.filter((c) => c.path === '/ims/oneroster/v1p1/students' && c.authorization?.startsWith('Bearer tok-t-roster-') && c.query.limit === '100' && c.query.filter === undefined);
		const total = api.dataset.students.length;
		expect(students.map((c) => Number(c.query.offset))).toEqual(Array.from({ length: Math.ceil(total / CAP) }, (_, i) => i * CAP));
	});

	it('Get returns the object itself, unwrapped', () => {
		expect(items('School')).toEqual([expect.objectContaining({ sourcedId: api.dataset.schools[0].sourcedId, type: 'school' })]);
		expect(items('Class')).toEqual([expect.objectContaining({ sourcedId: api.dataset.classes[1].sourcedId })]);
	});

	it('a filter of two conditions (OR), sorted descending, reaches the API as OneRoster writes it', async () => {
		const call = api.calls.find((c) => c.query.filter !== undefined && c.path === '/ims/oneroster/v1p1/students')!;
		expect(call.query).toMatchObject({ filter: "familyName~'Bri' OR givenName='Anna'", sort: 'familyName', orderBy: 'desc' });
		expect(items('Students filtered').map((s) => s.familyName)).toEqual(ids(await truth(`/students?filter=${encodeURIComponent(call.query.filter)}&sort=familyName&orderBy=desc`)).map((id) => api.dataset.students.find((s) => s.sourcedId === id)!.familyName));
		expect(items('Students filtered').map((s) => s.familyName)).toContain("O'Brien");
	});

	it('a quote in a filter value fails the item, saying what to do, and nothing with it reaches the API', () => {
		expect(items('Students, a quote in the filter')).toEqual([{ error: expect.stringMatching(/Filter value contains a single quote.*operator Contains/) }]);
		expect(api.calls.filter((c) => String(c.query.filter ?? '').includes("o'"))).toEqual([]);
	});

	it('Limit: exactly that many, across capped pages', async () => {
		expect(ids(items('Students limited'))).toEqual(ids(await truth('/students')).slice(0, 12));
	});

	it('a token revoked in the middle of a collection: renewed once, the read resumes at the same offset, no record lost', async () => {
		expect(ids(items('Students, token revoked mid-collection'))).toEqual(ids(await truth('/students')));
		expect(api.tokenCalls().filter((c) => c.path.includes('/revoked-mid/'))).toHaveLength(2);
	});

	it('a missing PAM permission, an unknown ID and a range over two school years are errors that say what to fix', () => {
		expect(items('No OneRoster permission')).toEqual([{ error: expect.stringMatching(/forbidden \(HTTP 403\): the app needs the PAM permission "OneRoster read", and its token the scope roster-core\.readonly/) }]);
		expect(items('Unknown student')).toEqual([{ error: expect.stringMatching(/^OneRoster student 'no-such-student' of tenant 't-roster' was not found \(HTTP 404\).*no-such-student/) }]);
		expect(items('Timetable across school years')).toEqual([{ error: expect.stringMatching(/refused \(HTTP 400\).*VALIDATION_ERROR.*requestId req-\d+, traceId trace-\d+/) }]);
	});

	it('Timetable: a range read page by page from offset 1 (1-based), one item per period; or the whole answer', () => {
		const periods = api.dataset.extern.periods;
		expect(items('Timetable').map((p) => p.id)).toEqual(periods.map((p) => p.id));
		const pages = api.calls.filter((c) => c.path.endsWith('/v3/timetable') && c.query.limit === '4');
		expect(pages.map((c) => Number(c.query.offset))).toEqual(Array.from({ length: Math.ceil(periods.length / 4) + (periods.length % 4 === 0 ? 1 : 0) }, (_, i) => 1 + i * 4));
		const [answer] = items('Timetable answer');
		expect((answer.timetableData as { periods: unknown[] }).periods).toHaveLength(periods.length);
		expect(answer.masterData).toEqual(expect.objectContaining({ classes: expect.any(Array) }));
	});

	it('extern Students v3 with its filter, Lessons v1 and Deleted Periods', () => {
		const in1A = api.dataset.extern.students.filter((s) => (s.classAssignments as Array<{ className: string }>).some((a) => a.className === '1A'));
		expect(items('Extern students of 1A').map((s) => s.id).sort()).toEqual(in1A.map((s) => s.id).sort());
		expect(items('Extern students of 1A').some((s) => s.hasUserAccount === false)).toBe(true);
		expect(items('Lessons').length).toBeGreaterThan(0);
		expect(items('Deleted periods').length).toBe(api.dataset.extern.deletedPeriods.filter((d) => d.deletedAt > '2026-01-01T00:00:00Z').length);
	});

	it('no token and no password in any stored output', () => {
		const stored = JSON.stringify(out);
		expect(stored).not.toMatch(/tok-t-roster|tok-revoked|pw-1/);
	});
});
