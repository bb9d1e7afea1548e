import { AnswerCache, MAX_TTL_SECONDS } from '../../nodes/UntisPlatform/core/calendar/answerCache';
import { CalendarRefusal, eventsOf, type FieldMap } from '../../nodes/UntisPlatform/core/calendar/calendarEvents';
import { MAX_RANGE_DAYS, parseCalendarRequest } from '../../nodes/UntisPlatform/core/calendar/calendarRequest';
import { parseCalendarTime } from '../../nodes/UntisPlatform/core/calendar/calendarTime';
import { escapeText, foldLine } from '../../nodes/UntisPlatform/core/calendar/icalText';
import { writeCalendar } from '../../nodes/UntisPlatform/core/calendar/icalWriter';
import { Rejection } from '../../nodes/UntisPlatform/core/webhook/rejections';

// Mozilla's parser, nobody's here: what it reads back is what a calendar client reads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ICAL = require('ical.js');
// RFC 5545 §3.8.8.2: an X- property's default value type is TEXT. ical.js types unknown
// properties as "unknown" and does not unescape them unless told.
for (const name of ['x_groupname', 'x_link', 'x_color']) ICAL.design.defaultSet.property[name] = { defaultType: 'text' };

const ALL: FieldMap = {
	DTSTART: 'start', DTEND: 'end', UID: 'id', STATUS: 'status', SUMMARY: 'title', LOCATION: 'room',
	DESCRIPTION: 'notes', X_COLOR: 'color', X_GROUPNAME: 'group', X_LINK: 'url',
};
const WEEK = { startDate: '2026-12-07', endDate: '2026-12-13' };
const ZONE = 'Europe/Vienna';
const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);

const calendar = (items: Array<Record<string, unknown>>, map: FieldMap = ALL, range = WEEK) => writeCalendar(eventsOf(items, map, ZONE, range), NOW);
function parsed(text: string): Array<Record<string, string>> {
	const root = new ICAL.Component(ICAL.parse(text));
	return root.getAllSubcomponents('vevent').map((event: { getAllProperties(): Array<{ name: string; getFirstValue(): unknown }> }) =>
		Object.fromEntries(event.getAllProperties().map((p) => [p.name.toUpperCase(), String(p.getFirstValue())])),
	);
}
function refusal(items: Array<Record<string, unknown>>, map: FieldMap = ALL): CalendarRefusal {
	try {
		calendar(items, map);
	} catch (error) {
		if (error instanceof CalendarRefusal) return error;
		throw error;
	}
	throw new Error('expected a refusal');
}
const octets = (line: string) => Buffer.byteLength(line, 'utf8');

describe('the calendar request {tenantId, user, startDate, endDate}', () => {
	const body = (json: unknown) => Buffer.from(typeof json === 'string' ? json : JSON.stringify(json));
	const rejection = (json: unknown) => {
		const result = parseCalendarRequest(body(json));
		if (!(result instanceof Rejection)) throw new Error('expected a rejection');
		return result;
	};

	it('is read in any field order, both dates included; fields added later are ignored', () => {
		const expected = { tenantId: '456800', user: 'c0ffee00-1111-4222-8333-444455556666', startDate: '2023-03-10', endDate: '2023-03-13' };
		expect(parseCalendarRequest(body(expected))).toEqual(expected);
		expect(parseCalendarRequest(body('{"endDate":"2023-03-13","user":"c0ffee00-1111-4222-8333-444455556666","startDate":"2023-03-10","tenantId":"456800","newField":1}'))).toEqual(expected);
		expect(parseCalendarRequest(body({ ...expected, tenantId: 456800 }))).toEqual(expected);
		expect(parseCalendarRequest(body({ ...expected, endDate: expected.startDate }))).toMatchObject({ endDate: '2023-03-10' });
	});

	it.each([
		['no user', { tenantId: '1', startDate: '2026-12-07', endDate: '2026-12-07' }, /'user' is missing/],
		['an empty tenantId', { tenantId: ' ', user: 'u', startDate: '2026-12-07', endDate: '2026-12-07' }, /'tenantId' is missing/],
		['an object user', { tenantId: '1', user: {}, startDate: '2026-12-07', endDate: '2026-12-07' }, /'user' is missing or not a non-empty string/],
		['a German date', { tenantId: '1', user: 'u', startDate: '07.12.2026', endDate: '2026-12-07' }, /'startDate' must be a date as YYYY-MM-DD/],
		['30 February', { tenantId: '1', user: 'u', startDate: '2026-02-01', endDate: '2026-02-30' }, /'endDate' must be a date/],
		['a date-time', { tenantId: '1', user: 'u', startDate: '2026-12-07T00:00:00Z', endDate: '2026-12-07' }, /'startDate' must be a date/],
		['end before start', { tenantId: '1', user: 'u', startDate: '2026-12-08', endDate: '2026-12-07' }, /'endDate' \(2026-12-07\) is before 'startDate' \(2026-12-08\)/],
		['a range over a year', { tenantId: '1', user: 'u', startDate: '2026-01-01', endDate: '2027-01-02' }, new RegExp(`spans 367 days; at most ${MAX_RANGE_DAYS}`)],
		['not JSON', '{"tenantId":', /not valid JSON/],
		['an array', '[]', /must be a JSON object/],
		['a __proto__ key', '{"__proto__":{},"tenantId":"1","user":"u","startDate":"2026-12-07","endDate":"2026-12-07"}', /'__proto__' key/],
	])('a body with %s is a named 400', (_name, json, message) => {
		const result = rejection(json);
		expect([result.status, result.code]).toEqual([400, 'invalid_body']);
		expect(result.message).toMatch(message);
	});

	it.each([
		['credentials', { tenantId: '1', eventType: 'CREATED', clientId: 'c', secret: 's', password: 'p', host: 'h' }],
		['deactivation', { tenantId: '1', eventType: 'DEACTIVATION', reasonType: 'NO_REASON' }],
		['legacy deactivation', { tenantId: '1', type: 'DEACTIVATION' }],
		['v1 credentials', { tenantId: '1', clientId: 'c', secret: 's', password: 'p', host: 'h' }],
	])('a %s body is refused with its own 400, naming where it belongs, never quoting it', (_name, json) => {
		const result = rejection(json);
		expect([result.status, result.code]).toEqual([400, 'lifecycle_event']);
		expect(result.message).toMatch(/lifecycle event .* send it to the Untis Platform Trigger/);
		expect(result.message).not.toMatch(/"s"|secret|"p"/);
	});
});

describe('RFC 5545 text: escaping (§3.3.11) and folding (§3.1)', () => {
	it('escapes backslash, semicolon and comma, and turns CRLF, CR and LF into \\n', () => {
		expect(escapeText('a\\b;c,d')).toBe('a\\\\b\\;c\\,d');
		expect(escapeText('one\r\ntwo\rthree\nfour')).toBe('one\\ntwo\\nthree\\nfour');
		expect(escapeText('Raum: 1.02 "Aula"')).toBe('Raum: 1.02 "Aula"');
	});

	it('folds at 75 octets, continuation lines opened by one space, no multi-byte character split', () => {
		for (const char of ['a', 'ä', '€', '😀']) {
			const line = `SUMMARY:${char.repeat(200)}`;
			const folded = foldLine(line);
			const lines = folded.split('\r\n');
			expect(lines.length).toBeGreaterThan(1);
			for (const [i, part] of lines.entries()) {
				expect(octets(part)).toBeLessThanOrEqual(75);
				if (i > 0) expect(part[0]).toBe(' ');
				// A split character would decode to U+FFFD: each part is whole UTF-8 on its own.
				expect(Buffer.from(part, 'utf8').toString('utf8')).toBe(part);
				expect(part).not.toContain('\uFFFD');
			}
			// The first line is filled as far as a whole character allows.
			expect(octets(lines[0])).toBeGreaterThan(75 - Buffer.byteLength(char));
			expect(lines.map((part, i) => (i ? part.slice(1) : part)).join('')).toBe(line);
		}
		expect(foldLine('SUMMARY:' + 'x'.repeat(67))).toBe('SUMMARY:' + 'x'.repeat(67));
		expect(foldLine('SUMMARY:' + 'x'.repeat(68)).split('\r\n').map(octets)).toEqual([75, 2]);
	});

	it('every line of a written calendar has at most 75 octets and ends with CRLF', () => {
		const text = calendar([{ start: '2026-12-07T08:00', end: '2026-12-07T09:00', title: 'Prüfung 😀 '.repeat(30), notes: 'x,;\\'.repeat(50) }]);
		expect(text.endsWith('\r\n')).toBe(true);
		expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
		for (const line of text.split('\r\n').slice(0, -1)) expect(octets(line)).toBeLessThanOrEqual(75);
	});
});

describe('writing events: every property, read back by ical.js', () => {
	const item = {
		id: '4711-exam', start: '2026-12-07T08:00:00', end: '2026-12-07T09:30:00', status: 'cancelled',
		title: 'Mathe, Schularbeit; Teil 1 \\ 2', room: 'Raum 1.02', notes: 'Bitte mitbringen:\nTaschenrechner\r\nLineal https://example.com/a?b=1',
		color: '#e09ff0', group: 'Klasse 5a', url: 'https://app.example.com/event/4711?view=day,week',
		secret: 'never in the answer', tenantId: 'nor this',
	};

	it('maps each field to its property and nothing else of the item', () => {
		const text = calendar([item]);
		expect(parsed(text)).toEqual([
			{
				UID: '4711-exam', DTSTAMP: '2026-12-06T12:00:00Z', DTSTART: '2026-12-07T08:00:00', DTEND: '2026-12-07T09:30:00', STATUS: 'CANCELLED',
				SUMMARY: item.title, LOCATION: item.room, DESCRIPTION: 'Bitte mitbringen:\nTaschenrechner\nLineal https://example.com/a?b=1',
				X_COLOR: '#E09FF0', X_GROUPNAME: 'Klasse 5a', X_LINK: 'https://app.example.com/event/4711?view=day,week',
			},
		]);
		expect(text).not.toContain('never in the answer');
		expect(text).not.toContain('nor this');
		expect(text).toMatch(/^BEGIN:VCALENDAR\r\nVERSION:2\.0\r\nPRODID:[^\r\n]+\r\nBEGIN:VEVENT\r\n/);
		expect(text).toMatch(/\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n$/);
	});

	it('leaves out what is not mapped or empty: only DTSTAMP, DTSTART and DTEND are always there', () => {
		expect(parsed(calendar([item], { DTSTART: 'start', DTEND: 'end' }))).toEqual([{ DTSTAMP: '2026-12-06T12:00:00Z', DTSTART: '2026-12-07T08:00:00', DTEND: '2026-12-07T09:30:00' }]);
		expect(parsed(calendar([{ ...item, title: '', room: null, status: undefined }]))[0]).not.toHaveProperty('SUMMARY');
	});

	it('all-day events: VALUE=DATE, the item\'s last day included (DTEND the day after)', () => {
		const text = calendar([{ start: '2026-12-08', end: '2026-12-09', title: 'Ausflug' }, { start: '2026-12-10', end: '2026-12-10', title: 'Sporttag' }]);
		expect(text).toContain('DTSTART;VALUE=DATE:20261208\r\nDTEND;VALUE=DATE:20261210\r\n');
		expect(text).toContain('DTSTART;VALUE=DATE:20261210\r\nDTEND;VALUE=DATE:20261211\r\n');
		expect(parsed(text).map((e) => [e.DTSTART, e.DTEND])).toEqual([['2026-12-08', '2026-12-10'], ['2026-12-10', '2026-12-11']]);
	});

	it("times: floating local time; a value with Z or an offset becomes the school's wall-clock time", () => {
		const text = calendar([
			{ start: '2026-12-07T07:00:00Z', end: '2026-12-07T08:00:00.000+00:00' },
			{ start: '2026-12-07 08:15', end: '2026-12-07T10:15:00+02:00' },
			{ start: '2026-07-06T06:00:00Z', end: '2026-07-06T07:00:00Z' },
		], ALL, { startDate: '2026-01-01', endDate: '2026-12-31' });
		expect(parsed(text).map((e) => [e.DTSTART, e.DTEND])).toEqual([
			['2026-12-07T08:00:00', '2026-12-07T09:00:00'],
			['2026-12-07T08:15:00', '2026-12-07T09:15:00'],
			// Summer time in Vienna: UTC+2.
			['2026-07-06T08:00:00', '2026-07-06T09:00:00'],
		]);
		expect(text).not.toMatch(/DTSTART[^\r\n]*(Z|TZID)/);
		expect(parseCalendarTime(new Date(Date.UTC(2026, 11, 7, 7)), ZONE)).toEqual({ kind: 'dateTime', local: '2026-12-07T08:00:00' });
	});

	it('STATUS in any case; UID of digits alone or digits-text; a numeric UID', () => {
		const text = calendar([
			{ start: '2026-12-07', end: '2026-12-07', status: 'Tentative', id: 12 },
			{ start: '2026-12-07', end: '2026-12-07', status: 'CONFIRMED', id: '12-a, b; c' },
		]);
		expect(parsed(text).map((e) => [e.STATUS, e.UID])).toEqual([['TENTATIVE', '12'], ['CONFIRMED', '12-a, b; c']]);
	});

	it('a dot path reaches a nested field', () => {
		expect(parsed(calendar([{ when: { from: '2026-12-07', to: '2026-12-07' } }], { DTSTART: 'when.from', DTEND: 'when.to' }))[0].DTSTART).toBe('2026-12-07');
	});
});

describe('the range and the empty calendar', () => {
	it('drops events outside the requested dates, keeps those that touch them', () => {
		const items = [
			{ title: 'before', start: '2026-12-06T10:00', end: '2026-12-06T11:00' },
			{ title: 'ends at the first midnight', start: '2026-12-06T23:00', end: '2026-12-07T00:00' },
			{ title: 'over the first midnight', start: '2026-12-06T23:00', end: '2026-12-07T01:00' },
			{ title: 'first day', start: '2026-12-07T00:00', end: '2026-12-07T00:00' },
			{ title: 'last day, late', start: '2026-12-13T23:59', end: '2026-12-14T00:30' },
			{ title: 'after', start: '2026-12-14T00:00', end: '2026-12-14T01:00' },
			{ title: 'all-day before', start: '2026-12-05', end: '2026-12-06' },
			{ title: 'all-day across', start: '2026-12-01', end: '2026-12-31' },
			{ title: 'all-day after', start: '2026-12-14', end: '2026-12-14' },
		];
		expect(parsed(calendar(items)).map((e) => e.SUMMARY)).toEqual(['over the first midnight', 'first day', 'last day, late', 'all-day across']);
	});

	it('no items, or only the empty item of "Always Output Data": a calendar without events', () => {
		for (const items of [[], [{}]]) {
			const text = calendar(items);
			expect(text).toBe('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//n8n-nodes-untis-platform//Calendar API//EN\r\nEND:VCALENDAR\r\n');
			expect(parsed(text)).toEqual([]);
		}
	});
});

describe('a value that cannot be written is refused, naming the item and the field', () => {
	const ok = { start: '2026-12-07T08:00', end: '2026-12-07T09:00' };
	it.each([
		['X_COLOR not #RRGGBB', { color: 'purple' }, "Item 1: X_COLOR (field 'color') must be a colour as #RRGGBB"],
		['X_COLOR #RGB', { color: '#fff' }, 'Item 1: X_COLOR'],
		['X_LINK over http', { url: 'http://app.example.com/e/1' }, "Item 1: X_LINK (field 'url') must be an https:// URL"],
		['X_LINK javascript:', { url: 'javascript:alert(1)' }, 'Item 1: X_LINK'],
		['X_LINK not a URL', { url: 'app.example.com' }, 'Item 1: X_LINK'],
		['DTEND before DTSTART', { end: '2026-12-07T07:59' }, "Item 1: DTEND (field 'end') (2026-12-07T07:59:00) is before its DTSTART (2026-12-07T08:00:00)"],
		['all-day DTEND before DTSTART', { start: '2026-12-08', end: '2026-12-07' }, 'Item 1: DTEND'],
		['a date and a date-time mixed', { end: '2026-12-08' }, 'Item 1: DTEND (field \'end\') must be a date when DTSTART is a date'],
		['no DTSTART value', { start: '' }, "Item 1: DTSTART (field 'start') is required but the item has no value"],
		['a DTSTART that is no date', { start: 'tomorrow' }, "Item 1: DTSTART (field 'start') 'tomorrow' is not a date"],
		['an impossible time', { start: '2026-12-07T24:00' }, 'Item 1: DTSTART'],
		['a numeric DTSTART', { start: 1765094400000 }, 'Item 1: DTSTART (field \'start\') must be a date (YYYY-MM-DD) or date-time'],
		['a UID that is not digits first', { id: 'abc-1' }, "Item 1: UID (field 'id') must be digits"],
		['a STATUS outside the three', { status: 'DONE' }, "Item 1: STATUS (field 'status') must be one of CONFIRMED, CANCELLED, TENTATIVE"],
		['an object as SUMMARY', { title: { de: 'x' } }, "Item 1: SUMMARY (field 'title') must be text, got object"],
		['a control character', { notes: 'bell\u0007' }, "Item 1: DESCRIPTION (field 'notes') contains a control character"],
	])('%s', (_name, change, message) => {
		expect(refusal([ok, { ...ok, ...change }]).message).toContain(message);
		expect(refusal([ok, { ...ok, ...change }]).itemIndex).toBe(1);
	});

	it('even outside the range (a bug to fix, not an event to hide), and DTSTART without a mapped field', () => {
		expect(refusal([{ start: '2027-05-01T08:00', end: '2027-05-01T09:00', color: 'red' }]).message).toContain('Item 0: X_COLOR');
		expect(refusal([ok], { DTEND: 'end' }).message).toBe("Item 0: DTSTART (field '') is required but no field is mapped to it");
	});
});

describe('the answer cache: per workflow, tenant, user and range; short-lived, bounded', () => {
	const request = { tenantId: 't1', user: 'u1', ...WEEK };
	it('answers until its time is up, and never for another user, tenant, range or workflow', () => {
		let now = 0;
		const cache = new AnswerCache(10, () => now);
		const key = AnswerCache.keyOf('wf', request);
		cache.set(key, 'ICS', 5);
		expect(cache.get(key)).toBe('ICS');
		for (const other of [{ ...request, user: 'u2' }, { ...request, tenantId: 't2' }, { ...request, endDate: '2026-12-14' }]) {
			expect(cache.get(AnswerCache.keyOf('wf', other))).toBeUndefined();
		}
		expect(cache.get(AnswerCache.keyOf('wf2', request))).toBeUndefined();
		now = 4999;
		expect(cache.get(key)).toBe('ICS');
		now = 5000;
		expect(cache.get(key)).toBeUndefined();
		expect(cache.size).toBe(0);
	});

	it(`keeps at most its bound of entries, for at most ${MAX_TTL_SECONDS} s; 0 stores nothing; a workflow's entries can be dropped`, () => {
		let now = 0;
		const cache = new AnswerCache(3, () => now);
		for (let i = 0; i < 5; i++) cache.set(AnswerCache.keyOf('wf', { ...request, user: `u${i}` }), `ICS${i}`, 60);
		expect(cache.size).toBe(3);
		expect(cache.get(AnswerCache.keyOf('wf', { ...request, user: 'u0' }))).toBeUndefined();
		expect(cache.get(AnswerCache.keyOf('wf', { ...request, user: 'u4' }))).toBe('ICS4');
		cache.set('long', 'x', 10_000);
		now = MAX_TTL_SECONDS * 1000;
		expect(cache.get('long')).toBeUndefined();
		cache.set('zero', 'x', 0);
		expect(cache.get('zero')).toBeUndefined();
		now = 0;
		const other = new AnswerCache(10, () => now);
		other.set(AnswerCache.keyOf('wf', request), 'a', 60);
		other.set(AnswerCache.keyOf('wf-2', request), 'b', 60);
		other.forgetWorkflow('wf');
		expect([other.get(AnswerCache.keyOf('wf', request)), other.get(AnswerCache.keyOf('wf-2', request))]).toEqual([undefined, 'b']);
	});
});
