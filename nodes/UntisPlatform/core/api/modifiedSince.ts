import { QueryError, type FilterJoin, type FilterPredicate } from './oneRosterFilter';

/**
 * *Modified Since*: only what changed after a time, for an incremental sync, without filter syntax.
 * OneRoster 1.1 has no parameter for it, only the predicate `dateLastModified>'<time>'` in the
 * filter; Timetable v3 has `dateLastModifiedAfter` (UTC). Both get the time as ISO 8601 UTC with
 * milliseconds (toISOString): one spelling, so a server that compares the text compares alike.
 */
export const MODIFIED_SINCE_FIELD = 'dateLastModified';

const MAX_LENGTH = 40;
// YYYY-MM-DD, optionally Thh:mm[:ss[.fraction]] and a zone (Z, ±hh:mm or ±hhmm). No zone: UTC.
const SHAPE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const refuse = (name: string, shown: string) =>
	new QueryError(`${name} '${shown}' is not a date and time: enter one such as 2026-09-01T06:00:00Z (ISO 8601; without a zone it is read as UTC)`);

/**
 * The instant as ISO 8601 UTC (2026-09-01T06:00:00.000Z), or undefined when nothing is given.
 * Takes what n8n hands a dateTime parameter: text, a Date, or a Luxon DateTime from an expression
 * such as {{ $now }} (anything with toISO()). A time without a zone is UTC, as Untis reads it.
 */
export function modifiedSinceInstant(value: unknown, name = 'Modified Since'): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime())) throw refuse(name, 'Invalid Date');
		return value.toISOString();
	}
	let text: string;
	if (typeof value === 'string') text = value;
	else if (typeof value === 'object' && typeof (value as { toISO?: unknown }).toISO === 'function') text = String((value as { toISO: () => unknown }).toISO() ?? '');
	else throw refuse(name, String(value).slice(0, MAX_LENGTH));
	text = text.trim();
	if (text === '') return undefined;
	const shown = text.slice(0, MAX_LENGTH);
	const m = text.length <= MAX_LENGTH ? SHAPE.exec(text) : null;
	if (!m) throw refuse(name, shown);
	const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((part) => Number(part ?? 0));
	const millis = Number(((m[7] ?? '') + '000').slice(0, 3));
	// Checked field by field: Date.parse would roll 2026-02-30 over into March.
	const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
	const check = new Date(local);
	if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) throw refuse(name, shown);
	const zone = m[8];
	let offsetMinutes = 0;
	if (zone !== undefined && zone !== 'Z') {
		const digits = zone.replace(':', '');
		const hours = Number(digits.slice(1, 3));
		const minutes = Number(digits.slice(3, 5));
		if (hours > 23 || minutes > 59) throw refuse(name, shown);
		offsetMinutes = (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
	}
	return new Date(local - offsetMinutes * 60000).toISOString();
}

/** The OneRoster predicate `dateLastModified>'<instant>'`. */
export const modifiedSincePredicate = (instant: string): FilterPredicate => ({ field: MODIFIED_SINCE_FIELD, operator: '>', value: instant });

/**
 * The user's filter with Modified Since added by AND. OneRoster allows two predicates at most, so
 * with two conditions already there is no room: refused, saying what to change, never dropped.
 * With one condition the join is AND whatever Combine Conditions says (there is nothing to OR).
 */
export function withModifiedSince(filters: FilterPredicate[], join: FilterJoin, instant: string | undefined): { filters: FilterPredicate[]; join: FilterJoin } {
	if (instant === undefined) return { filters, join };
	const given = filters.filter((p) => p.field.trim() !== '');
	if (given.length >= 2) {
		throw new QueryError(
			'Modified Since adds a condition to the filter, and OneRoster allows at most two: the Filter already has two. Remove one of its conditions (or filter the items after this node), or clear Modified Since',
		);
	}
	return { filters: [...given, modifiedSincePredicate(instant)], join: 'AND' };
}

/**
 * Timetable v3's `dateLastModifiedAfter`, from the Modified After field and the Modified Since
 * option: either, or both when they name the same instant; two different times are refused. The
 * field's text is sent as typed (checked by isoDate, as before the option existed); the option's
 * as ISO 8601 UTC.
 */
export function timetableModifiedAfter(fieldText: string | undefined, option: unknown): Record<string, string> {
	const fromOption = modifiedSinceInstant(option, 'Modified Since');
	if (fieldText === undefined || fieldText === '') return fromOption === undefined ? {} : { dateLastModifiedAfter: fromOption };
	const fromField = modifiedSinceInstant(fieldText, 'Modified After');
	if (fromOption !== undefined && fromField !== fromOption) {
		throw new QueryError(`Modified After (${fromField}) and the option Modified Since (${fromOption}) give two different times: clear one of them`);
	}
	return { dateLastModifiedAfter: fieldText };
}
