import type { ApiResponse } from './apiTransport';
import { QueryError } from './oneRosterFilter';
import { PagingError } from './paging';

/**
 * The WebUntis extern APIs (`/WebUntis/api/rest/extern/v{n}/...`): Students v3, Timetable v3 with
 * its deleted periods (developer.untis.com), Lesson v1 (known only from a public client). Query
 * building and Timetable's own paging: `offset` is 1-based and 0 means no paging, unlike
 * OneRoster's, so its Return All is its own.
 */
export const EXTERN_BASE = '/WebUntis/api/rest/extern';
export const EXTERN_PATHS = {
	students: `${EXTERN_BASE}/v3/students`,
	timetable: `${EXTERN_BASE}/v3/timetable`,
	deletedPeriods: `${EXTERN_BASE}/v3/timetable/deleted-periods`,
	lessons: `${EXTERN_BASE}/v1/lesson`,
} as const;

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

/**
 * Every period of a timetable range, page by page: offset 1, 1 + pageSize, ... (1-based), until
 * a page has fewer periods than asked. A repeated page is an error, as in OneRoster paging.
 * Returns the first page's answer (master data, header) with all periods in its timetableData.
 */
export async function readAllPeriods(
	fetchPage: (offset: number, limit: number) => Promise<ApiResponse>,
	options: { pageSize: number; maxPages: number },
	label: string,
): Promise<{ answer: Record<string, unknown>; periods: unknown[]; pages: number }> {
	const periods: unknown[] = [];
	let first: Record<string, unknown> | undefined;
	let previous: string | undefined;
	for (let page = 0; page < options.maxPages; page++) {
		const offset = 1 + periods.length;
		const response = await fetchPage(offset, options.pageSize);
		const batch = periodsOf(response.body);
		if (batch === undefined) throw new PagingError(`${label}: the answer has no timetableData.periods; turn Return All off`);
		const fingerprint = batch.length ? JSON.stringify(batch) : undefined;
		if (fingerprint !== undefined && fingerprint === previous) {
			throw new PagingError(`${label}: the page at offset ${offset} repeats the previous page: the API seems to ignore offset; turn Return All off`);
		}
		previous = fingerprint;
		first ??= response.body as Record<string, unknown>;
		periods.push(...batch);
		if (batch.length < options.pageSize) {
			const timetableData = { ...((first.timetableData as Record<string, unknown>) ?? {}), periods };
			return { answer: { ...first, timetableData }, periods, pages: page + 1 };
		}
	}
	throw new PagingError(`${label}: more than ${options.maxPages} pages of ${options.pageSize} periods; raise Max Pages or narrow the range or filters`);
}

