/**
 * Dates and times of calendar events. The Calendar API does not say which time zone it assumes
 * (spec §7), so the answer holds the school's wall-clock time as RFC 5545 "floating" local time,
 * without TZID or Z (docs/calendar.md says why). A value given with an offset or Z is an instant,
 * turned into that wall-clock time in the configured time zone; a value without one already is
 * the wall-clock time and is written as given.
 */
export type CalendarTime =
	| { kind: 'date'; /** YYYY-MM-DD */ date: string }
	| { kind: 'dateTime'; /** YYYY-MM-DDTHH:MM:SS, wall-clock time */ local: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const DAY_MS = 86_400_000;

/** Whether a text is a real date as YYYY-MM-DD (no 2026-02-30). */
export function isCalendarDate(text: string): boolean {
	const match = DATE.exec(text);
	return match !== null && isRealDate(+match[1], +match[2], +match[3]);
}

function isRealDate(year: number, month: number, day: number): boolean {
	if (year < 1 || month < 1 || month > 12 || day < 1) return false;
	const date = new Date(Date.UTC(year, month - 1, day));
	return date.getUTCDate() === day && date.getUTCMonth() === month - 1;
}

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
export function dayNumber(date: string): number {
	return Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) / DAY_MS;
}

/** The YYYY-MM-DD date `days` after a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
	return new Date((dayNumber(date) + days) * DAY_MS).toISOString().slice(0, 10);
}

const pad = (value: number) => String(value).padStart(2, '0');

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(timeZone);
	if (!formatter) {
		// Throws a RangeError for an unknown zone, which the caller reports.
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		});
		formatters.set(timeZone, formatter);
	}
	return formatter;
}

/** Whether the runtime knows the IANA time zone (e.g. Europe/Vienna). */
export function isTimeZone(timeZone: string): boolean {
	try {
		formatterFor(timeZone);
		return true;
	} catch {
		return false;
	}
}

/** The wall-clock time of an instant in a time zone, as YYYY-MM-DDTHH:MM:SS. */
export function wallClock(instantMs: number, timeZone: string): string {
	const parts: Record<string, string> = {};
	for (const part of formatterFor(timeZone).formatToParts(instantMs)) parts[part.type] = part.value;
	return `${parts.year.padStart(4, '0')}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

/**
 * Reads one event time: a YYYY-MM-DD date (all-day), a date-time without offset (wall-clock
 * time), or a date-time with Z or an offset, or a Date (instants, converted to `timeZone`).
 * Returns why it cannot be read as a string.
 */
export function parseCalendarTime(value: unknown, timeZone: string): CalendarTime | string {
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime())) return 'is an invalid Date';
		return { kind: 'dateTime', local: wallClock(value.getTime(), timeZone) };
	}
	if (typeof value !== 'string') return `must be a date (YYYY-MM-DD) or date-time (ISO 8601) string, got ${value === null ? 'null' : typeof value}`;
	const text = value.trim();
	if (isCalendarDate(text)) return { kind: 'date', date: text };
	const match = DATE_TIME.exec(text);
	if (!match) return `'${text.slice(0, 40)}' is not a date (YYYY-MM-DD) or ISO 8601 date-time`;
	const [, year, month, day, hour, minute, second = '00', offset] = match;
	if (!isRealDate(+year, +month, +day) || +hour > 23 || +minute > 59 || +second > 59) {
		return `'${text.slice(0, 40)}' is not a real date and time`;
	}
	if (offset === undefined) return { kind: 'dateTime', local: `${year}-${month}-${day}T${hour}:${minute}:${second}` };
	let offsetMinutes = 0;
	if (offset.toUpperCase() !== 'Z') {
		const digits = offset.replace(':', '');
		offsetMinutes = (digits[0] === '-' ? -1 : 1) * (+digits.slice(1, 3) * 60 + +(digits.slice(3, 5) || '0'));
	}
	const instant = Date.UTC(+year, +month - 1, +day, +hour, +minute, +second) - offsetMinutes * 60_000;
	return { kind: 'dateTime', local: wallClock(instant, timeZone) };
}

/** RFC 5545 DATE: YYYYMMDD. */
export const icalDate = (date: string) => date.slice(0, 4) + date.slice(5, 7) + date.slice(8, 10);
/** RFC 5545 DATE-TIME in floating form: YYYYMMDDTHHMMSS. */
export const icalDateTime = (local: string) => icalDate(local) + 'T' + local.slice(11, 13) + local.slice(14, 16) + local.slice(17, 19);
/** RFC 5545 DATE-TIME in UTC: YYYYMMDDTHHMMSSZ (for DTSTAMP). */
export const icalUtc = (ms: number) => {
	const d = new Date(ms);
	return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
};
