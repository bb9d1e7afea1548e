import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { isoDate, TIMETABLE_FILTERS } from '../../core/api/extern';
import { timetableModifiedAfter } from '../../core/api/modifiedSince';
import { QueryError } from '../../core/api/oneRosterFilter';
import { forResourceOperation } from '../operation';

/** Timetable v3's resource filters: an Untis ID (class=123) or an external ID (classExt=9A). */
export function resourceFilterField(operation: string): INodeProperties {
	return {
		displayName: 'Resource Filters',
		name: 'resourceFilters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Filter',
		default: {},
		description: 'Only the periods of these classes, rooms, students, teachers or lessons',
		displayOptions: forResourceOperation('timetable', operation),
		options: [
			{
				displayName: 'Filter',
				name: 'filter',
				values: [
					{
						displayName: 'Kind',
						name: 'kind',
						type: 'options',
						options: TIMETABLE_FILTERS.map((name) => ({ name: name[0].toUpperCase() + name.slice(1), value: name })),
						default: 'class',
						description: 'Which kind of resource',
					},
					{ displayName: 'By External ID', name: 'external', type: 'boolean', default: false, description: 'Whether the value is the external ID (classExt, roomExt, ...) rather than the Untis ID' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '', description: 'The ID' },
				],
			},
		],
	};
}

export function resourceFilterQuery(context: IExecuteFunctions, index: number): Record<string, string> {
	const given = (context.getNodeParameter('resourceFilters', index, {}) as { filter?: Array<{ kind?: string; external?: boolean; value?: string }> }).filter ?? [];
	const query: Record<string, string> = {};
	for (const { kind: resource, external, value } of given) {
		if (!resource || !(TIMETABLE_FILTERS as readonly string[]).includes(resource)) throw new QueryError(`Timetable filter '${String(resource).slice(0, 20)}' is not one of ${TIMETABLE_FILTERS.join(', ')}`);
		const text = String(value ?? '').trim();
		if (text === '' || text.length > 200) throw new QueryError(`The ${resource} filter's value is empty or longer than 200 characters`);
		query[external ? `${resource}Ext` : resource] = text;
	}
	return query;
}

/** Deleted Periods needs the time (required): in this field or in the option Modified Since, checked when it runs. */
export function modifiedAfterField(operation: string, required: boolean): INodeProperties {
	return {
		displayName: 'Modified After',
		name: 'dateLastModifiedAfter',
		type: 'string',
		default: '',
		placeholder: '2026-09-01T00:00:00Z',
		description: `Only what changed after this time (UTC, ISO 8601; dateLastModifiedAfter): for incremental sync, store the time of the last sync and pass it here${required ? '. Required here or as the option Modified Since' : ''}`,
		displayOptions: forResourceOperation('timetable', operation),
	};
}

/** Options → Modified Since, as on OneRoster's Get Many: the same as Modified After, for a sync built from both APIs. */
export const modifiedSinceOption: INodeProperties = {
	displayName: 'Modified Since',
	name: 'modifiedSince',
	type: 'dateTime',
	default: '',
	description: 'Only what changed after this time (dateLastModifiedAfter, UTC when no zone is given), as Modified After: set one of the two; for incremental sync, store when your last sync started and pass it here',
};

export function modifiedAfterQuery(context: IExecuteFunctions, index: number, required: boolean): Record<string, string> {
	const value = String(context.getNodeParameter('dateLastModifiedAfter', index, '') ?? '').trim();
	const options = context.getNodeParameter('options', index, {}) as IDataObject;
	const query = timetableModifiedAfter(value === '' ? undefined : isoDate(value, 'Modified After'), options.modifiedSince);
	if (required && query.dateLastModifiedAfter === undefined) throw new QueryError('Modified After is empty: enter the time of your last sync (UTC), here or in the option Modified Since');
	return query;
}
