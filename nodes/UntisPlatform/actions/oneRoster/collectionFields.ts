import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { maxPagesOption, optionsCollection, timeoutOption } from '../requestOptions';
import { modifiedSinceInstant, withModifiedSince } from '../../core/api/modifiedSince';
import { OUTPUTS } from '../../core/api/pageItems';
import { FILTER_OPERATORS, type CollectionQuery, type FilterJoin, type FilterPredicate } from '../../core/api/oneRosterFilter';

/**
 * The fields of a typed Get Many: Return All or Limit, Filter (at most two predicates, one AND or
 * OR), Sort with Order, Fields, Modified Since, Output, and the paging options. Shared by OneRoster's collections.
 */
export function collectionFields(show: { show: NonNullable<IDisplayOptions['show']> }): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			// How pages are followed (limit/offset, X-Total-Count, Link rel="next"): docs/untis-api.md.
			hint: 'Every page: no record is left out when the school has more than one page (one item per record, or per page with Options → Output)',
			displayOptions: show,
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { ...show.show, returnAll: [false] } },
		},
		{
			displayName: 'Filter',
			name: 'filter',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, maxAllowedFields: 2 },
			placeholder: 'Add Condition',
			default: {},
			description:
				"OneRoster's filter: at most two conditions, joined by one AND or OR (not mixed). The value is put in single quotes for you, e.g. role = student becomes role='student'. OneRoster defines no escaping inside the quotes and Untis documents none, so a value containing ' or \\ is refused rather than escaped by a guess: use Contains with a part of the value without it.",
			displayOptions: show,
			options: [
				{
					displayName: 'Condition',
					name: 'condition',
					values: [
						{ displayName: 'Field', name: 'field', type: 'string', default: '', placeholder: 'familyName', description: 'A field of the record, e.g. familyName, role or metadata.classCode' },
						{
							displayName: 'Operator',
							name: 'operator',
							type: 'options',
							// Named values: n8n reads a parameter value that starts with '=' as an expression.
							options: [
								{ name: 'Contains (~)', value: 'contains' },
								{ name: 'Equals (=)', value: 'equals' },
								{ name: 'Greater or Equal (>=)', value: 'greaterOrEqual' },
								{ name: 'Greater Than (>)', value: 'greater' },
								{ name: 'Less or Equal (<=)', value: 'lessOrEqual' },
								{ name: 'Less Than (<)', value: 'less' },
								{ name: 'Not Equals (!=)', value: 'notEquals' },
							],
							default: 'equals',
							description: `One of OneRoster's operators: ${FILTER_OPERATORS.join(' ')}`,
						},
						{ displayName: 'Value', name: 'value', type: 'string', default: '', description: "Compared as text, sent in single quotes; a value containing ' or \\ is refused (OneRoster defines no escaping)" },
					],
				},
			],
		},
		{
			displayName: 'Combine Conditions',
			name: 'filterJoin',
			type: 'options',
			options: [
				{ name: 'AND', value: 'AND', description: 'Both conditions must hold' },
				{ name: 'OR', value: 'OR', description: 'Either condition holds' },
			],
			default: 'AND',
			description: 'How two filter conditions are joined (OneRoster allows one AND or one OR)',
			displayOptions: show,
		},
		optionsCollection(show, [
			{ displayName: 'Fields', name: 'fields', type: 'string', default: '', placeholder: 'sourcedId,givenName,familyName', description: 'Only these fields of each record, comma-separated (Untis does not say whether it honours fields)' },
			maxPagesOption('of a collection'),
			modifiedSinceOption,
			{
				displayName: 'Order',
				name: 'orderBy',
				type: 'options',
				options: [
					{ name: 'Ascending', value: 'asc' },
					{ name: 'Descending', value: 'desc' },
				],
				default: 'asc',
				description: 'With Sort: the order (orderBy)',
			},
			outputOption,
			{ displayName: 'Page Size', name: 'pageSize', type: 'number', typeOptions: { minValue: 1 }, default: 100, description: 'Records asked for per page (limit); the server may send fewer' },
			{ displayName: 'Sort', name: 'sort', type: 'string', default: '', placeholder: 'familyName', description: 'A field to sort by' },
			timeoutOption(10000),
		]),
	];
}

/** Options → Modified Since: the predicate dateLastModified>'<time>' added to the filter for you. */
const modifiedSinceOption: INodeProperties = {
	displayName: 'Modified Since',
	name: 'modifiedSince',
	type: 'dateTime',
	default: '',
	description:
		"Only records changed after this time, for an incremental sync: store when your last sync started and pass it here (UTC when no zone is given). Adds dateLastModified > time to the filter with AND, so at most one Filter condition can go with it. Untis does not say whether it honours this filter or lists removed records as status tobedeleted: run a full sync now and then",
};

/** Options → Output: one item per record (default), or one per page, its records in `records` (core/api/pageItems.ts). */
const outputOption: INodeProperties = {
	displayName: 'Output',
	name: 'output',
	type: 'options',
	options: [
		{ name: OUTPUTS.pages, value: 'pages', description: 'Each page the server answered as one item: page (from 1), count, and its records in records; fewer items, so faster for a sync that maps every record in a Code node' },
		{ name: OUTPUTS.records, value: 'records', description: 'Each record as an item' },
	],
	default: 'records',
	description: 'What the items are. The records are the same either way, in the same order; Limit still counts records.',
};

const OPERATORS: Record<string, string> = {
	contains: '~',
	equals: '=',
	greaterOrEqual: '>=',
	greater: '>',
	lessOrEqual: '<=',
	less: '<',
	notEquals: '!=',
};

/** The collection query as the fields give it. */
export function collectionQueryOf(context: IExecuteFunctions, index: number): CollectionQuery {
	const filter = context.getNodeParameter('filter', index, {}) as { condition?: Array<Partial<FilterPredicate>> };
	const options = context.getNodeParameter('options', index, {}) as IDataObject;
	const { filters, join } = withModifiedSince(
		(filter.condition ?? []).map((c) => ({ field: String(c.field ?? ''), operator: OPERATORS[String(c.operator ?? 'equals')] ?? String(c.operator), value: String(c.value ?? '') })),
		context.getNodeParameter('filterJoin', index, 'AND') as FilterJoin,
		modifiedSinceInstant(options.modifiedSince),
	);
	return {
		filters,
		join,
		sort: String(options.sort ?? ''),
		orderBy: options.orderBy === 'desc' ? 'desc' : 'asc',
		fields: String(options.fields ?? ''),
	};
}
