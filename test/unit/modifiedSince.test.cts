import { modifiedSinceInstant, modifiedSincePredicate, timetableModifiedAfter, withModifiedSince } from '../../nodes/UntisPlatform/core/api/modifiedSince';
import { buildFilter, collectionQuery } from '../../nodes/UntisPlatform/core/api/oneRosterFilter';

/**
 * Modified Since, the option of an incremental sync: on OneRoster's Get Many the predicate
 * dateLastModified>'<time>' joined to the user's filter by AND (two predicates at most), on the
 * Timetable dateLastModifiedAfter. The time is sent as ISO 8601 UTC; a bad one is refused first.
 */
describe('Modified Since: the time', () => {
	it.each([
		['a UTC date-time', '2026-12-06T10:00:00Z', '2026-12-06T10:00:00.000Z'],
		['milliseconds', '2026-12-06T10:00:00.123Z', '2026-12-06T10:00:00.123Z'],
		['more digits than milliseconds (truncated, not rounded)', '2026-12-06T10:00:00.1239Z', '2026-12-06T10:00:00.123Z'],
		["no zone: UTC, as Untis reads it (n8n's date picker gives no zone)", '2026-12-06T10:00:00', '2026-12-06T10:00:00.000Z'],
		['minutes only', '2026-12-06T10:00', '2026-12-06T10:00:00.000Z'],
		['a date alone: its midnight UTC', '2026-12-06', '2026-12-06T00:00:00.000Z'],
		['an offset, converted to UTC', '2026-12-06T10:00:00+01:00', '2026-12-06T09:00:00.000Z'],
		['an offset without a colon', '2026-12-06T00:30:00-0200', '2026-12-06T02:30:00.000Z'],
		['an offset across midnight and a year', '2027-01-01T00:30:00+01:00', '2026-12-31T23:30:00.000Z'],
		['blanks around it', '  2026-12-06T10:00:00Z ', '2026-12-06T10:00:00.000Z'],
		['a leap day', '2028-02-29T12:00:00Z', '2028-02-29T12:00:00.000Z'],
	])('is sent as ISO 8601 UTC: %s', (_what, given, sent) => {
		expect(modifiedSinceInstant(given)).toBe(sent);
	});

	it('takes a Date and a Luxon DateTime (an expression such as {{ $now }}) as n8n hands them over', () => {
		expect(modifiedSinceInstant(new Date('2026-12-06T10:00:00Z'))).toBe('2026-12-06T10:00:00.000Z');
		expect(modifiedSinceInstant({ toISO: () => '2026-12-06T11:00:00.000+01:00' })).toBe('2026-12-06T10:00:00.000Z');
	});

	it('is nothing when not given: empty, blank, null or undefined', () => {
		for (const value of ['', '   ', null, undefined]) expect(modifiedSinceInstant(value)).toBeUndefined();
	});

	it.each([
		['words', 'yesterday'],
		['a day that does not exist (not rolled over into March)', '2026-02-30T00:00:00Z'],
		['a 13th month', '2026-13-01'],
		['hour 24', '2026-12-06T24:00:00Z'],
		['minute 60', '2026-12-06T10:60:00Z'],
		['an offset of 25 hours', '2026-12-06T10:00:00+25:00'],
		['a US date', '12/06/2026'],
		['a space instead of T', '2026-12-06 10:00:00'],
		['a filter injection', "2026-12-06' OR role='teacher"],
		['an overlong text', `2026-12-06T10:00:00.${'1'.repeat(100)}Z`],
		['a number (epoch milliseconds)', 1765015200000],
		['a boolean', true],
		['an invalid Date', new Date('nonsense')],
	])('refuses %s before any request, saying what to enter', (_what, value) => {
		expect(() => modifiedSinceInstant(value)).toThrow(/^Modified Since '.*' is not a date and time: enter one such as 2026-09-01T06:00:00Z \(ISO 8601; without a zone it is read as UTC\)$/);
	});

	it('quotes at most 40 characters of a refused value', () => {
		const error = (() => {
			try {
				modifiedSinceInstant('x'.repeat(5000));
			} catch (e) {
				return (e as Error).message;
			}
			return '';
		})();
		expect(error.length).toBeLessThan(200);
	});
});

describe("Modified Since on OneRoster's Get Many: a predicate in the filter", () => {
	const since = '2026-12-06T10:00:00.000Z';
	const role = { field: 'role', operator: '=', value: 'student' };
	const name = { field: 'familyName', operator: '~', value: 'er' };

	it("alone, it is the filter: dateLastModified>'<time>'", () => {
		const { filters, join } = withModifiedSince([], 'AND', since);
		expect(buildFilter(filters, join)).toBe("dateLastModified>'2026-12-06T10:00:00.000Z'");
		expect(collectionQuery({ filters, join })).toEqual({ filter: "dateLastModified>'2026-12-06T10:00:00.000Z'" });
		expect(modifiedSincePredicate(since)).toEqual({ field: 'dateLastModified', operator: '>', value: since });
	});

	it('with one condition of the user, joined by AND, also when Combine Conditions says OR (there is nothing to OR)', () => {
		for (const userJoin of ['AND', 'OR'] as const) {
			const { filters, join } = withModifiedSince([role], userJoin, since);
			expect(buildFilter(filters, join)).toBe("role='student' AND dateLastModified>'2026-12-06T10:00:00.000Z'");
		}
	});

	it('blank conditions of the user do not count', () => {
		const { filters, join } = withModifiedSince([{ field: ' ', operator: '=', value: '' }, role], 'OR', since);
		expect(buildFilter(filters, join)).toBe("role='student' AND dateLastModified>'2026-12-06T10:00:00.000Z'");
	});

	it('with two conditions of the user, refused (OneRoster allows two predicates), saying what to fix; nothing dropped silently', () => {
		for (const userJoin of ['AND', 'OR'] as const) {
			expect(() => withModifiedSince([role, name], userJoin, since)).toThrow(
				/^Modified Since adds a condition to the filter, and OneRoster allows at most two: the Filter already has two\. Remove one of its conditions \(or filter the items after this node\), or clear Modified Since$/,
			);
		}
	});

	it("not given: the user's filter as it was, two conditions and OR included", () => {
		expect(withModifiedSince([role, name], 'OR', undefined)).toEqual({ filters: [role, name], join: 'OR' });
		expect(withModifiedSince([], 'AND', undefined)).toEqual({ filters: [], join: 'AND' });
	});
});

describe('Modified Since on the Timetable: dateLastModifiedAfter', () => {
	it('from the option, as ISO 8601 UTC', () => {
		expect(timetableModifiedAfter(undefined, '2026-12-06T11:00:00+01:00')).toEqual({ dateLastModifiedAfter: '2026-12-06T10:00:00.000Z' });
	});
	it('from the Modified After field, sent as typed (as before the option)', () => {
		expect(timetableModifiedAfter('2026-12-06T10:00:00Z', undefined)).toEqual({ dateLastModifiedAfter: '2026-12-06T10:00:00Z' });
		expect(timetableModifiedAfter('2026-12-06T10:00:00Z', '')).toEqual({ dateLastModifiedAfter: '2026-12-06T10:00:00Z' });
	});
	it('both naming the same instant: fine; two different times: refused, saying to clear one', () => {
		expect(timetableModifiedAfter('2026-12-06T10:00:00Z', '2026-12-06T11:00:00+01:00')).toEqual({ dateLastModifiedAfter: '2026-12-06T10:00:00Z' });
		expect(() => timetableModifiedAfter('2026-12-06T10:00:00Z', '2026-12-07T10:00:00Z')).toThrow(
			/^Modified After \(2026-12-06T10:00:00\.000Z\) and the option Modified Since \(2026-12-07T10:00:00\.000Z\) give two different times: clear one of them$/,
		);
	});
	it('neither: no parameter; a bad option: refused', () => {
		expect(timetableModifiedAfter(undefined, undefined)).toEqual({});
		expect(() => timetableModifiedAfter(undefined, 'tomorrow')).toThrow(/^Modified Since 'tomorrow' is not a date and time/);
	});
});
