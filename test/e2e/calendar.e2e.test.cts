import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/* eslint-disable @typescript-eslint/no-require-imports */
const { keyPair, signBody } = require('../helpers/platform.cts') as typeof import('../helpers/platform.cjs');
const { startN8n } = require('./harness');
const ICAL = require('ical.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The Calendar API in a real n8n 2.41.1: the shipped example 8 (Calendar Trigger -> Data Table by
 * tenant and user -> Respond with Calendar), published as imported, its table filled from the
 * editor. Requests are built as the platform builds them (the exact bytes, RSA-signed); every
 * answer is read by two parsers nobody here wrote, Mozilla's ical.js and Debian's
 * python3-icalendar, and what they read back must equal the table's rows.
 */
const ROOT = join(__dirname, '../..');
const PYTHON = '/usr/bin/python3';
// RFC 5545 §3.8.8.2: an X- property's default value type is TEXT; ical.js must be told.
for (const name of ['x_groupname', 'x_link', 'x_color']) ICAL.design.defaultSet.property[name] = { defaultType: 'text' };

const example = JSON.parse(readFileSync(join(ROOT, 'examples/8-calendar.workflow.json'), 'utf8'));
const platform = keyPair('calendar-platform');
const stranger = keyPair('calendar-stranger');
const credentialRef = example.nodes[0].credentials.untisPlatformApi;
const ZONE = 'Europe/Vienna';

// A second copy of the example with the answer cache on (30 s): its own ids, its own path.
const cached = JSON.parse(JSON.stringify(example));
cached.id = 'untisCalendar00002';
cached.name = 'E2E: calendar with the answer cache';
cached.nodes.forEach((node: { id: string; webhookId?: string }, i: number) => {
	node.id = `f8000000-0000-4000-8000-00000000010${i}`;
	if (node.webhookId) node.webhookId = 'f8000000-0000-4000-8000-0000000c0108';
});
cached.nodes[2].parameters.options = { cacheSeconds: 30 };

const lifecycle = {
	id: 'untisCalLifecycle1',
	name: 'E2E: lifecycle trigger',
	nodes: [
		{
			id: 'f8000000-0000-4000-8000-000000000201', name: 'Untis Platform Trigger', type: 'n8n-nodes-untis-platform.untisPlatformTrigger', typeVersion: 1.1,
			position: [0, 0], webhookId: 'f8000000-0000-4000-8000-0000000c0201', parameters: { secrets: 'seal', options: {} }, credentials: { untisPlatformApi: credentialRef },
		},
	],
	connections: {},
};

const T = '456800';
const U1 = 'c0ffee00-1111-4222-8333-444455556666';
const U2 = 'c0ffee00-2222-4222-8333-444455556666';
const NOBODY = 'c0ffee00-3333-4222-8333-444455556666';
const BROKEN = 'c0ffee00-4444-4222-8333-444455556666';
const row = (tenantId: string, user: string, start: string, end: string, title: string, more: Record<string, string> = {}) =>
	({ tenantId, user, start, end, title, room: '', notes: '', color: '', link: '', uid: '', status: '', ...more });
const ROWS = [
	row(T, U1, '2026-12-07T08:00:00', '2026-12-07T09:30:00', 'Mathe, Schularbeit; Teil 1 \\ 2 — Prüfung 😀 '.repeat(4).trim(), {
		room: 'Raum 1.02', notes: 'Bitte mitbringen:\nTaschenrechner, Lineal\nhttps://app.example.com/help', color: '#e09ff0', link: 'https://app.example.com/e/4711?view=day,week', uid: '4711-exam', status: 'tentative',
	}),
	row(T, U1, '2026-12-09', '2026-12-10', 'Ausflug', { uid: '4712', status: 'CANCELLED' }),
	// An instant (as a timestamp column gives it): 07:00 UTC is 08:00 in Vienna.
	row(T, U1, '2026-12-11T07:00:00.000Z', '2026-12-11T08:00:00.000Z', 'Sprechstunde'),
	row(T, U1, '2026-12-20T08:00:00', '2026-12-20T09:00:00', 'After the asked dates'),
	row(T, U2, '2026-12-08T10:00:00', '2026-12-08T11:00:00', "Another user's event"),
	row('999', U1, '2026-12-08T10:00:00', '2026-12-08T11:00:00', "Another tenant's event"),
	row(T, BROKEN, '2026-12-08T10:00:00', '2026-12-08T11:00:00', 'Broken colour', { color: 'purple' }),
];
const COLUMNS = Object.keys(ROWS[0]);

// Run once from the editor: creates the example's table and fills it.
const setup = {
	id: 'untisCalendarSetup',
	name: 'E2E: calendar table',
	nodes: [
		{ id: 'f8000000-0000-4000-8000-000000000301', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: 'f8000000-0000-4000-8000-000000000302', name: 'Create table', type: 'n8n-nodes-base.dataTable', typeVersion: 1.1, position: [200, 0],
			parameters: { resource: 'table', operation: 'create', tableName: 'untis_calendar_events', columns: { column: COLUMNS.map((name) => ({ name, type: 'string' })) }, options: { createIfNotExists: true } },
		},
		{
			id: 'f8000000-0000-4000-8000-000000000303', name: 'Rows', type: 'n8n-nodes-base.code', typeVersion: 2, position: [400, 0],
			parameters: { jsCode: `return ${JSON.stringify(ROWS)}.map((json) => ({ json }));` },
		},
		{
			id: 'f8000000-0000-4000-8000-000000000304', name: 'Insert', type: 'n8n-nodes-base.dataTable', typeVersion: 1.1, position: [600, 0],
			parameters: { resource: 'row', operation: 'insert', dataTableId: { __rl: true, mode: 'name', value: 'untis_calendar_events' }, columns: { mappingMode: 'autoMapInputData', value: {}, matchingColumns: [], schema: [] }, options: {} },
		},
	],
	connections: {
		Start: { main: [[{ node: 'Create table', type: 'main', index: 0 }]] },
		'Create table': { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
		Rows: { main: [[{ node: 'Insert', type: 'main', index: 0 }]] },
	},
};

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; text: string };
let n8n: {
	request(method: string, path: string, options: { headers: Record<string, string>; body: Buffer }): Promise<Answer>;
	webhookUrl(path: string): string;
	lastExecutionId(): number;
	readExecutions(options: { workflowId: string; sinceId?: number }): Array<{ id: number; status: string }>;
	waitForExecutions(options: { workflowId: string; count: number; sinceId?: number }): Promise<Array<{ id: number; status: string }>>;
	executionRecord(id: number): { error?: { message?: string }; data?: unknown };
	runInEditor(workflow: unknown): Promise<{ status: string }>;
	stop(): Promise<unknown>;
};

beforeAll(async () => {
	execFileSync(join(ROOT, 'scripts/install-ical-parser.sh'), { stdio: ['ignore', 'ignore', 'inherit'] });
	n8n = await startN8n({
		packageDir: ROOT,
		credentials: [{ ...credentialRef, type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: platform.spki, encryptionKey: randomBytes(32).toString('base64') } }],
		workflows: [setup, example, cached, lifecycle],
		activate: [example.id, cached.id, lifecycle.id],
		// The school's zone, as a vendor in Austria sets it: instants become Vienna wall-clock time.
		env: { GENERIC_TIMEZONE: ZONE },
		// A folder of this suite's own, away from other suites' /tmp/n8n-e2e-* folders.
		tmpDir: mkdtempSync(join(tmpdir(), 'untis-calendar-e2e-')),
	});
	await n8n.runInEditor(setup);
}, 15 * 60 * 1000);

afterAll(async () => {
	if (n8n) await n8n.stop();
});

const pathOf = (workflow: { nodes: Array<{ webhookId?: string }> }, path: string) => `webhook/${workflow.nodes[0].webhookId}/${path}`;
/** A request as the platform sends it: these exact bytes, signed, Content-Type without charset. */
async function send(workflow: typeof example, body: string, { path = 'calendar', key = platform } = {}): Promise<Answer> {
	const bytes = Buffer.from(body);
	return n8n.request('POST', pathOf(workflow, path), {
		headers: { 'content-type': 'application/json', authorization: signBody(bytes, key.privateKey), algorithm: 'SHA256withRSA' },
		body: bytes,
	});
}
const askBody = (user: string, order: string[] = ['tenantId', 'user', 'startDate', 'endDate'], tenantId = T) => {
	const fields: Record<string, string> = { tenantId, user, startDate: '2026-12-07', endDate: '2026-12-13' };
	return `{${order.map((name) => `${JSON.stringify(name)}:${JSON.stringify(fields[name])}`).join(',')}}`;
};

type Event = Record<string, string>;
/** Mozilla's ical.js. */
function readWithIcalJs(text: string): Event[] {
	const root = new ICAL.Component(ICAL.parse(text));
	expect(root.name).toBe('vcalendar');
	return root.getAllSubcomponents('vevent').map((event: { getAllProperties(): Array<{ name: string; getFirstValue(): unknown }> }) =>
		Object.fromEntries(event.getAllProperties().filter((p) => p.name !== 'dtstamp').map((p) => [p.name.toUpperCase(), String(p.getFirstValue())])),
	);
}
/** Debian's python3-icalendar. */
function readWithPython(text: string): Event[] {
	const run = spawnSync(PYTHON, [join(ROOT, 'test/helpers/ical-read.py')], { input: text, encoding: 'utf8' });
	if (run.status !== 0) throw new Error(`python3-icalendar could not read the answer: ${run.stderr}`);
	return (JSON.parse(run.stdout) as Event[]).map(({ DTSTAMP: _stamp, ...event }) => event);
}
/** Both parsers, which must agree; the answer's own shape checked on the way. */
function events(answer: Answer): Event[] {
	expect(answer.status).toBe(200);
	expect(answer.headers['content-type']).toBe('text/calendar; charset=utf-8');
	expect(answer.text.endsWith('\r\n')).toBe(true);
	for (const line of answer.text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
	const fromIcalJs = readWithIcalJs(answer.text);
	expect(readWithPython(answer.text)).toEqual(fromIcalJs);
	return fromIcalJs;
}
/** What the rows say, mapped as example 8 maps them. */
function expected(rows: typeof ROWS, local: Record<string, [string, string]> = {}): Event[] {
	return rows.map((r) => {
		const event: Event = { DTSTART: local[r.title]?.[0] ?? r.start, DTEND: local[r.title]?.[1] ?? r.end };
		const text: Array<[string, string]> = [['UID', r.uid], ['STATUS', r.status.toUpperCase()], ['SUMMARY', r.title], ['LOCATION', r.room], ['DESCRIPTION', r.notes], ['X_COLOR', r.color.toUpperCase()], ['X_LINK', r.link]];
		for (const [name, value] of text) if (value) event[name] = value;
		return event;
	});
}
const U1_WEEK = () =>
	expected([ROWS[0], ROWS[1], ROWS[2]], {
		// All-day: the row's last day is included, so RFC 5545's DTEND is the day after.
		Ausflug: ['2026-12-09', '2026-12-11'],
		Sprechstunde: ['2026-12-11T08:00:00', '2026-12-11T09:00:00'],
	});

describe('Calendar API on a real n8n 2.41.1 (example 8 as shipped)', () => {
	it("signed requests, fields in any order, get 200 text/calendar with exactly that user's events of those dates", async () => {
		const orders = [
			['tenantId', 'user', 'startDate', 'endDate'],
			['endDate', 'startDate', 'user', 'tenantId'],
			['user', 'endDate', 'tenantId', 'startDate'],
		];
		for (const order of orders) {
			const before = n8n.lastExecutionId();
			const answer = await send(example, askBody(U1, order));
			expect(events(answer)).toEqual(U1_WEEK());
			expect(answer.text).not.toMatch(/Another|After the asked|Broken|c0ffee00/);
			const [execution] = await n8n.waitForExecutions({ workflowId: example.id, count: 1, sinceId: before });
			expect(execution.status).toBe('success');
		}
		expect(events(await send(example, askBody(U2)))).toEqual(expected([ROWS[4]]));
		expect(events(await send(example, askBody(U1, undefined, '999')))).toEqual(expected([ROWS[5]]));
	});

	it('a user with no events gets an empty calendar', async () => {
		const answer = await send(example, askBody(NOBODY));
		expect(events(answer)).toEqual([]);
		expect(answer.text).toMatch(/^BEGIN:VCALENDAR\r\nVERSION:2\.0\r\nPRODID:[^\r\n]+\r\nEND:VCALENDAR\r\n$/);
	});

	it('forged requests get 401 and start nothing', async () => {
		const before = n8n.lastExecutionId();
		const byStranger = await send(example, askBody(U1), { key: stranger });
		expect(byStranger.status).toBe(401);
		expect(JSON.parse(byStranger.text).error).toMatch(/Signature does not match/);
		const body = askBody(U1);
		const tampered = await n8n.request('POST', pathOf(example, 'calendar'), {
			headers: { 'content-type': 'application/json', authorization: signBody(Buffer.from(body), platform.privateKey), algorithm: 'SHA256withRSA' },
			body: Buffer.from(body.replace(U1, U2)),
		});
		expect(tampered.status).toBe(401);
		const unsigned = await n8n.request('POST', pathOf(example, 'calendar'), { headers: { 'content-type': 'application/json' }, body: Buffer.from(body) });
		expect(unsigned.status).toBe(401);
		expect(JSON.parse(unsigned.text).error).toMatch(/Missing Authorization header/);
		// A request that started an execution would have been answered only after it: none did.
		expect(n8n.readExecutions({ workflowId: example.id, sinceId: before })).toEqual([]);
	});

	it('a signed but malformed body gets a named 400 and starts nothing', async () => {
		const before = n8n.lastExecutionId();
		const answer = await send(example, JSON.stringify({ tenantId: T, user: U1, startDate: '2026-12-13', endDate: '2026-12-07' }));
		expect(answer.status).toBe(400);
		expect(JSON.parse(answer.text)).toEqual({ error: "Field 'endDate' (2026-12-07) is before 'startDate' (2026-12-13)" });
		expect(n8n.readExecutions({ workflowId: example.id, sinceId: before })).toEqual([]);
	});

	it('a calendar body at the lifecycle trigger gets its named 400; a lifecycle body at the calendar trigger is refused', async () => {
		const before = n8n.lastExecutionId();
		const atLifecycle = await send(lifecycle as unknown as typeof example, askBody(U1), { path: 'webhook' });
		expect(atLifecycle.status).toBe(400);
		expect(JSON.parse(atLifecycle.text).error).toMatch(/calendar-integration request .* not a lifecycle event/);
		const deactivation = JSON.stringify({ tenantId: T, eventType: 'DEACTIVATION', reasonType: 'NO_REASON' });
		const atCalendar = await send(example, deactivation);
		expect(atCalendar.status).toBe(400);
		expect(JSON.parse(atCalendar.text).error).toMatch(/is a lifecycle event .* send it to the Untis Platform Trigger/);
		expect(n8n.readExecutions({ workflowId: example.id, sinceId: before })).toEqual([]);
		expect(n8n.readExecutions({ workflowId: lifecycle.id, sinceId: before })).toEqual([]);
	});

	it("a value that cannot be written fails the workflow, naming the item and field; the platform gets n8n's 500, never a partial calendar", async () => {
		const before = n8n.lastExecutionId();
		const answer = await send(example, askBody(BROKEN));
		expect(answer.status).toBe(500);
		expect(answer.text).not.toMatch(/BEGIN:VCALENDAR/);
		const [execution] = await n8n.waitForExecutions({ workflowId: example.id, count: 1, sinceId: before });
		expect(execution.status).toBe('error');
		expect(JSON.stringify(n8n.executionRecord(execution.id).error ?? n8n.executionRecord(execution.id))).toContain("Item 0: X_COLOR (field 'color') must be a colour as #RRGGBB");
	});

	it('with Cache For set, the same user and dates within it are answered from memory, without an execution', async () => {
		const before = n8n.lastExecutionId();
		const first = await send(cached, askBody(U1));
		expect(events(first)).toEqual(U1_WEEK());
		await n8n.waitForExecutions({ workflowId: cached.id, count: 1, sinceId: before });
		const again = await send(cached, askBody(U1, ['endDate', 'user', 'startDate', 'tenantId']));
		expect(again.text).toBe(first.text);
		expect(events(again)).toEqual(U1_WEEK());
		// Another user is no hit; a forged request for the cached user gets no answer from the cache.
		expect(events(await send(cached, askBody(U2)))).toEqual(expected([ROWS[4]]));
		expect((await send(cached, askBody(U1), { key: stranger })).status).toBe(401);
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(n8n.readExecutions({ workflowId: cached.id, sinceId: before })).toHaveLength(2);
	});
});
