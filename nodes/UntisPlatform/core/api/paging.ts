import { rawHeader, type ApiResponse } from './apiTransport';

/**
 * Reading a whole collection page by page, the way OneRoster 1.1 and the Untis APIs page
 * ("Common API Concepts": `limit` and `offset`). It goes on while `X-Total-Count` or a `Link`
 * `rel="next"` says records remain (a server may cap pages below `limit`), else stops at a short
 * or empty page; `offset` moves by the records received. A repeated page (an API ignoring
 * `offset`) and a collection larger than the page cap are errors, not a silently shortened result.
 */
export interface PagingOptions {
	/** Records asked for per page (`limit`). */
	pageSize: number;
	/** Pages read at most. */
	maxPages: number;
	/** Stop once this many records are in (a Limit); more are cut off. Default: all. */
	maxRecords?: number;
}

export class PagingError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PagingError';
	}
}

/** The records of one page: the body itself when it is an array, else its one array property. */
export function recordsOf(body: unknown): unknown[] | undefined {
	if (Array.isArray(body)) return body;
	if (typeof body !== 'object' || body === null) return undefined;
	const arrays = Object.values(body as Record<string, unknown>).filter(Array.isArray);
	return arrays.length === 1 ? arrays[0] : undefined;
}

function totalCount(headers: Record<string, unknown>): number | undefined {
	const raw = rawHeader(headers, 'x-total-count');
	const value = Number(Array.isArray(raw) ? raw[0] : raw);
	return raw !== undefined && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

const LINK_MAX = 8192;

/**
 * Whether a `Link` header (RFC 8288) has a `rel="next"` entry. A linear scan with a length cap:
 * no backtracking regex. Link is used only as the "more remain" signal; the next URL is still
 * built with offset from the API base, so the token never follows a Link to another origin
 * (simpler and safer than checking the origin of every URL the server hands back).
 */
export function hasNextLink(value: unknown): boolean {
	const raw = Array.isArray(value) ? value.join(',') : value;
	if (typeof raw !== 'string' || raw.length > LINK_MAX) return false;
	let inUrl = false;
	let quoted = false;
	let param = '';
	for (let i = 0; i < raw.length; i++) {
		const c = raw[i];
		if (inUrl) {
			if (c === '>') inUrl = false;
			continue;
		}
		if (c === '"') quoted = !quoted;
		else if (c === '<' && !quoted) {
			inUrl = true;
			param = '';
			continue;
		}
		if (!quoted && (c === ';' || c === ',')) {
			if (isNextRel(param)) return true;
			param = '';
			continue;
		}
		if (param.length < 64) param += c;
	}
	return isNextRel(param);
}

function isNextRel(param: string): boolean {
	const eq = param.indexOf('=');
	if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'rel') return false;
	const rels = param.slice(eq + 1).trim().replace(/^"|"$/g, '').toLowerCase().split(' ');
	return rels.includes('next');
}

/** Where a collection's records are in a page, and what its errors tell the user. */
export interface Collection {
	/** The offset of the first record: 0 in OneRoster, 1 in Timetable v3. */
	firstOffset: number;
	records(body: unknown): unknown[] | undefined;
	/** The error when a page holds no collection: what is missing and what to do. */
	notACollection: string;
	/** What the records are called, and what narrows too many of them. */
	unit: string;
	narrowWith: string;
}

export const ONE_ROSTER_COLLECTION: Collection = {
	firstOffset: 0,
	records: recordsOf,
	notACollection: 'Return All needs a collection, but the answer has no single array of records; turn Return All off for this path',
	unit: 'records',
	narrowWith: 'the query with filter',
};

/**
 * Every record of a collection; `first` is the first page's body (its other fields kept), and
 * `sizes` the records each page gave, in order (the last one cut by a Limit): One Item per Page.
 */
export async function readAllPages(
	fetchPage: (offset: number, limit: number) => Promise<ApiResponse>,
	options: PagingOptions,
	label: string,
	collection: Collection = ONE_ROSTER_COLLECTION,
): Promise<{ records: unknown[]; pages: number; sizes: number[]; total?: number; first?: unknown }> {
	const records: unknown[] = [];
	const sizes: number[] = [];
	let total: number | undefined;
	let previous: string | undefined;
	let first: unknown;
	for (let page = 0; page < options.maxPages; page++) {
		const offset = collection.firstOffset + records.length;
		const wanted = options.maxRecords === undefined ? options.pageSize : Math.min(options.pageSize, options.maxRecords - records.length);
		const response = await fetchPage(offset, wanted);
		const batch = collection.records(response.body);
		if (batch === undefined) throw new PagingError(`${label}: ${collection.notACollection}`);
		const fingerprint = batch.length === 0 ? undefined : JSON.stringify(batch);
		if (fingerprint !== undefined && fingerprint === previous) {
			throw new PagingError(
				`${label}: the page at offset ${offset} repeats the previous page: the API seems to ignore offset; turn Return All off or raise Page Size`,
			);
		}
		previous = fingerprint;
		if (page === 0) first = response.body;
		records.push(...batch);
		sizes.push(batch.length);
		total = totalCount(response.headers) ?? total;
		// A header that says more remain wins over Untis's short-page rule (servers cap pages).
		const headerSaysMore = batch.length > 0 && ((total !== undefined && records.length < total) || hasNextLink(rawHeader(response.headers, 'link')));
		const headerSaysDone = total !== undefined && records.length >= total;
		const done = batch.length === 0 || headerSaysDone || (!headerSaysMore && batch.length < wanted);
		if (options.maxRecords !== undefined && records.length >= options.maxRecords) {
			sizes[page] -= records.length - options.maxRecords;
			return { records: records.slice(0, options.maxRecords), pages: page + 1, sizes, total, first };
		}
		if (done) return { records, pages: page + 1, sizes, total, first };
	}
	throw new PagingError(
		`${label}: more than ${options.maxPages} pages of ${options.pageSize} ${collection.unit}${total === undefined ? '' : ` (X-Total-Count ${total})`}; raise Max Pages or narrow ${collection.narrowWith}`,
	);
}
