import { printable } from './apiErrors';
import { QueryError } from './oneRosterFilter';

/**
 * Options → Output of a typed read: one item per record (the default), or one item per page the
 * server answered. A sync that maps a school's records in a Code node pays per item (n8n hands
 * every item to its task runner): a page of 100 records as one item costs far less than 100 items
 * (bench/sync.js, BENCHMARKS.md). The records are the same, in the same order, either way.
 */
export const OUTPUTS = { records: 'One Item per Record', pages: 'One Item per Page' } as const;
export type Output = keyof typeof OUTPUTS;

/** The Output given, or the default: anything else is refused before any request. */
export function outputOf(value: unknown, allowed: Record<string, string> = OUTPUTS, fallback = 'records'): string {
	if (value === undefined || value === null || value === '') return fallback;
	if (typeof value === 'string' && Object.prototype.hasOwnProperty.call(allowed, value)) return value;
	const choices = Object.entries(allowed).map(([key, name]) => `${name} (${key})`).join(', ');
	throw new QueryError(`Output '${printable(String(value), 40)}' is not one of ${choices}: pick one of them`);
}

/** One page's item: its number among the pages read (from 1), how many records it holds, and them. */
export interface PageItem {
	page: number;
	count: number;
	records: unknown[];
}

/**
 * The records cut into the pages they came in (`sizes`, as readAllPages counts them). A page
 * without records (the empty last page of some servers) gives no item, as it gives no record.
 */
export function pageItems(records: unknown[], sizes: number[]): PageItem[] {
	const items: PageItem[] = [];
	let start = 0;
	sizes.forEach((size, index) => {
		if (size > 0) items.push({ page: index + 1, count: size, records: records.slice(start, start + size) });
		start += size;
	});
	return items;
}
