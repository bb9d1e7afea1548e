import type { ApiResponse } from './apiTransport';

/**
 * Reading a whole collection page by page, the way OneRoster 1.1 and the Untis APIs page
 * ("Common API Concepts": `limit` and `offset`). It stops at a short or empty page, or once
 * `X-Total-Count` records are read; the page cap guards against an API that ignores `offset`.
 * A collection larger than the cap is an error, not a silently shortened result.
 */
export interface PagingOptions {
	/** Records asked for per page (`limit`). */
	pageSize: number;
	/** Pages read at most. */
	maxPages: number;
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
	const key = Object.keys(headers).find((name) => name.toLowerCase() === 'x-total-count');
	const raw = key === undefined ? undefined : headers[key];
	const value = Number(Array.isArray(raw) ? raw[0] : raw);
	return raw !== undefined && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

export async function readAllPages(
	fetchPage: (offset: number, limit: number) => Promise<ApiResponse>,
	options: PagingOptions,
	label: string,
): Promise<{ records: unknown[]; pages: number; total?: number }> {
	const records: unknown[] = [];
	let total: number | undefined;
	for (let page = 0; page < options.maxPages; page++) {
		const response = await fetchPage(records.length, options.pageSize);
		const batch = recordsOf(response.body);
		if (batch === undefined) {
			throw new PagingError(
				`${label}: Return All needs a collection, but the answer has no single array of records; turn Return All off for this path`,
			);
		}
		records.push(...batch);
		total = totalCount(response.headers) ?? total;
		const done = batch.length < options.pageSize || (total !== undefined && records.length >= total);
		if (done) return { records, pages: page + 1, total };
	}
	throw new PagingError(
		`${label}: more than ${options.maxPages} pages of ${options.pageSize} records${total === undefined ? '' : ` (X-Total-Count ${total})`}; raise Max Pages or narrow the query with filter`,
	);
}
