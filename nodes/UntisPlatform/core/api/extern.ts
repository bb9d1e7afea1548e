import type { ApiResponse } from './apiTransport';
import type { EndpointTexts } from './oneRoster';
import { QueryError } from './oneRosterFilter';
import { readAllPages, type Collection } from './paging';

/**
 * The WebUntis extern APIs (`/WebUntis/api/rest/extern/v{n}/...`): Students v3, Timetable v3 with
 * its deleted periods (developer.untis.com), Lesson v1 (known only from a public client). Query
 * building, and Timetable's paging: `offset` is 1-based and 0 means no paging.
 */
export const EXTERN_BASE = '/WebUntis/api/rest/extern';
export const EXTERN_PATHS = {
	students: `${EXTERN_BASE}/v3/students`,
	timetable: `${EXTERN_BASE}/v3/timetable`,
	deletedPeriods: `${EXTERN_BASE}/v3/timetable/deleted-periods`,
	lessons: `${EXTERN_BASE}/v1/lesson`,
} as const;

/**
 * The extern operations, as data: resource → operation → how each node offers it. Their requests
 * differ (a school year, a date range, Timetable's own paging), so each keeps its code in
 * actions/<resource>/; what they are called and what they return is said here, once.
 */
export const EXTERN_OPERATIONS = {
	externStudent: {
		getMany: { name: 'Get Many', description: 'Every student of a school year (Students API v3, documented by Untis)', action: 'Get many students (extern)' },
	},
	lesson: {
		getMany: { name: 'Get Many', description: 'The lessons of a date range (Lesson API v1, known only from public clients)', action: 'Get many lessons' },
	},
	timetable: {
		get: { name: 'Get', description: 'The periods of a date range (Timetable API v3, documented by Untis)', action: 'Get the timetable' },
		getDeletedPeriods: { name: 'Get Deleted Periods', description: 'Periods deleted since a time, for incremental sync (Timetable API v3)', action: 'Get deleted periods' },
	},
} as const satisfies Record<string, Record<string, EndpointTexts>>;

// YYYY-MM-DD, or a date-time (ISO 8601, with or without zone): checked by shape, then by Date.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export function isoDate(value: unknown, name: string, { dateOnly = false } = {}): string {
	const text = String(value ?? '').trim();
	if (text.length > 40 || !ISO_DATE.test(text) || Number.isNaN(Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text))) {
		throw new QueryError(`${name} '${text.slice(0, 40)}' is not an ISO 8601 date such as 2026-09-01${dateOnly ? '' : ' or 2026-09-01T08:00:00Z'}`);
	}
	if (dateOnly && text.length !== 10) throw new QueryError(`${name} must be a date (YYYY-MM-DD), here without a time`);
	return text;
}

/** start and end of a range, start not after end. Untis refuses a range over two school years itself. */
export function dateRange(start: unknown, end: unknown, options: { dateOnly?: boolean } = {}): { start: string; end: string } {
	const range = { start: isoDate(start, 'Start', options), end: isoDate(end, 'End', options) };
	if (Date.parse(range.start) > Date.parse(range.end)) throw new QueryError(`Start ${range.start} is after End ${range.end}`);
	return range;
}

/** Timetable v3's resource filters (an Untis ID, or the ...Ext external-ID form). */
export const TIMETABLE_FILTERS = ['class', 'room', 'student', 'teacher', 'lesson'] as const;

/** The periods of a timetable answer: `timetableData.periods`. */
export function periodsOf(body: unknown): unknown[] | undefined {
	const data = (body as { timetableData?: { periods?: unknown } } | null)?.timetableData;
	return Array.isArray(data?.periods) ? data.periods : undefined;
}

const TIMETABLE_PERIODS: Collection = {
	firstOffset: 1,
	records: periodsOf,
	notACollection: 'the answer has no timetableData.periods; turn Return All off',
	unit: 'periods',
	narrowWith: 'the range or filters',
};

/**
 * Every period of a timetable range, paged as a collection from offset 1 (Timetable v3 is
 * 1-based). Returns the first page's answer (master data, header) with all periods in its
 * timetableData.
 */
export async function readAllPeriods(
	fetchPage: (offset: number, limit: number) => Promise<ApiResponse>,
	options: { pageSize: number; maxPages: number },
	label: string,
): Promise<{ answer: Record<string, unknown>; periods: unknown[]; pages: number; sizes: number[] }> {
	const { records: periods, pages, sizes, first } = await readAllPages(fetchPage, options, label, TIMETABLE_PERIODS);
	const body = (first ?? {}) as Record<string, unknown>;
	const timetableData = { ...((body.timetableData as Record<string, unknown>) ?? {}), periods };
	return { answer: { ...body, timetableData }, periods, pages, sizes };
}
