/**
 * OneRoster 1.1 query parameters, built from fields (the spec's "filter", "sort"/"orderBy" and
 * "fields"): at most two predicates joined by one AND or OR, operators = != > >= < <= ~, the value
 * in single quotes. OneRoster defines no escape for a quote inside a value and Untis documents
 * none, so a value that needs one is refused rather than escaped by a guess (docs/untis-api.md).
 * Every check is linear, with length caps first; the whole value is URL-encoded by the transport.
 */
export const FILTER_OPERATORS = ['=', '!=', '>', '>=', '<', '<=', '~'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];
export type FilterJoin = 'AND' | 'OR';

export interface FilterPredicate {
	field: string;
	operator: string;
	value: string;
}

export const MAX_FIELD_LENGTH = 100;
export const MAX_VALUE_LENGTH = 1000;

export class QueryError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'QueryError';
	}
}

// A field name or a dotted path (metadata.classCode): letters, digits, underscore, dots.
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export function fieldProblem(field: string, what = 'Field'): string | undefined {
	if (field.length > MAX_FIELD_LENGTH) return `${what} is ${field.length} characters long; at most ${MAX_FIELD_LENGTH}`;
	if (!FIELD.test(field)) return `${what} '${field.slice(0, 40)}' is not a field name such as familyName or metadata.classCode`;
	return undefined;
}

/**
 * Why a value cannot be sent between single quotes, or undefined. Doubling a quote (SQL) and a
 * backslash escape (C-like) are both guesses: a server that reads the other convention ends the
 * value early and reads the rest as filter syntax (another predicate). So `'` and `\` are refused,
 * never escaped, and control characters, which no filter value needs.
 */
export function filterValueProblem(value: string): string | undefined {
	let what: string | undefined;
	for (let i = 0; i < value.length && what === undefined; i++) {
		const code = value.charCodeAt(i);
		if (code === 39 /* ' */) what = "a single quote (')";
		else if (code === 92 /* \ */) what = 'a backslash (\\)';
		else if (code < 32 || code === 127) what = 'a control character (a line break, tab or similar)';
	}
	if (what === undefined) return undefined;
	return `Filter value contains ${what}: OneRoster defines no way to escape it inside the quoted value and Untis documents none, so the server could read the value differently (even as more filter). Filter on a part without it (operator Contains), or filter the items after this node`;
}

/** The `filter` value, or undefined when there is no predicate. */
export function buildFilter(predicates: FilterPredicate[], join: FilterJoin = 'AND'): string | undefined {
	const given = predicates.filter((p) => p.field.trim() !== '');
	if (given.length === 0) return undefined;
	if (given.length > 2) throw new QueryError(`A OneRoster filter has at most two predicates; ${given.length} were given`);
	if (join !== 'AND' && join !== 'OR') throw new QueryError(`Filters join with AND or OR, not '${String(join).slice(0, 10)}'`);
	const parts = given.map(({ field, operator, value }) => {
		const name = field.trim();
		const problem = fieldProblem(name, 'Filter field');
		if (problem) throw new QueryError(problem);
		if (!(FILTER_OPERATORS as readonly string[]).includes(operator)) {
			throw new QueryError(`Filter operator '${operator.slice(0, 10)}' is not one of ${FILTER_OPERATORS.join(' ')}`);
		}
		if (value.length > MAX_VALUE_LENGTH) throw new QueryError(`Filter value is ${value.length} characters long; at most ${MAX_VALUE_LENGTH}`);
		const valueProblem = filterValueProblem(value);
		if (valueProblem) throw new QueryError(valueProblem);
		return `${name}${operator}'${value}'`;
	});
	return parts.join(` ${join} `);
}

/** `fields=a,b`: each a field name. */
export function buildFields(text: string): string | undefined {
	if (text.length > 20 * MAX_FIELD_LENGTH) throw new QueryError(`Fields is ${text.length} characters long`);
	const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
	for (const name of names) {
		const problem = fieldProblem(name, 'Fields entry');
		if (problem) throw new QueryError(problem);
	}
	return names.length ? names.join(',') : undefined;
}

export interface CollectionQuery {
	filters?: FilterPredicate[];
	join?: FilterJoin;
	sort?: string;
	orderBy?: 'asc' | 'desc';
	fields?: string;
}

/** filter, sort, orderBy and fields as query parameters (limit and offset are the pager's). */
export function collectionQuery(query: CollectionQuery): Record<string, string> {
	const result: Record<string, string> = {};
	const filter = buildFilter(query.filters ?? [], query.join ?? 'AND');
	if (filter !== undefined) result.filter = filter;
	const sort = (query.sort ?? '').trim();
	if (sort !== '') {
		const problem = fieldProblem(sort, 'Sort');
		if (problem) throw new QueryError(problem);
		result.sort = sort;
		result.orderBy = query.orderBy === 'desc' ? 'desc' : 'asc';
	}
	const fields = buildFields(query.fields ?? '');
	if (fields !== undefined) result.fields = fields;
	return result;
}
