import type { IDataObject } from 'n8n-workflow';

import { ONEROSTER_ENDPOINTS, ONEROSTER_SEARCH, type OneRosterEndpoint, type OneRosterResource } from '../../core/api/oneRoster';
import { QueryError, filterValueProblem } from '../../core/api/oneRosterFilter';
import { lessonsOfClass, periodsForModel } from '../../core/agent/timetableForModel';
import { PLATFORM, resources } from '../resources';
import type { Operation } from '../operation';

/**
 * The reads the tool offers: every typed operation of the companion node (the same catalogue, the
 * same code), with the few arguments a model may fill, and how each read's result becomes records
 * for the model. The companion operation runs with parameters the tool sets: no Return All, no
 * raw filter, never an inactive tenant.
 */
export interface ModelField {
	name: string;
	displayName: string;
	description: string;
	placeholder?: string;
	required?: boolean;
}

export interface ToolRead {
	resource: string;
	operation: Operation;
	/** The arguments a model may fill (their parameters may hold `$fromAI()`). */
	fields: ModelField[];
	/** What the companion operation reads, given the tool's arguments and the cap. */
	parameters(argument: (name: string) => string, cap: number): IDataObject;
	/** The records for the model out of the companion operation's items. */
	records(items: IDataObject[], argument: (name: string) => string): unknown[];
	/** What narrows this read when more records exist than the cap. */
	narrow: string;
	/** What the tool's answer holds, where it differs from the companion's items. */
	returns?: string;
}

const SEARCH: ModelField = { name: 'search', displayName: 'Search', description: 'Text the records\' names contain (a part of a name is enough); empty: no search' };
const CLASS_NAME: ModelField = { name: 'className', displayName: 'Class Name', placeholder: '1A', description: 'Only this class (the Untis Klasse, e.g. 1A); empty: every class' };
const dateArgument = (name: 'start' | 'end'): ModelField => ({
	name,
	displayName: name === 'start' ? 'Start' : 'End',
	placeholder: '2026-09-01',
	required: true,
	description: `${name === 'start' ? 'First' : 'Last'} day of the range (YYYY-MM-DD, within one school year)`,
});
const ID_ARGUMENTS: Record<'id' | 'schoolId' | 'classId', ModelField> = {
	id: { name: 'sourcedId', displayName: 'Sourced ID', required: true, description: 'The sourcedId (OneRoster ID) of the record to read' },
	schoolId: { name: 'schoolSourcedId', displayName: 'School Sourced ID', required: true, description: 'The sourcedId of the school' },
	classId: { name: 'classSourcedId', displayName: 'Class Sourced ID', required: true, description: 'The sourcedId of the class (an Untis lesson)' },
};

/** A value put in a OneRoster or Students API filter: quotes and backslashes are refused (no escaping exists). */
function filterValue(value: string, what: string): string {
	const problem = filterValueProblem(value);
	if (problem) throw new QueryError(`${what}: ${problem}`);
	return value;
}

const asList = (items: IDataObject[]) => items as unknown[];

function oneRosterRead(resource: OneRosterResource, operation: Operation, endpoint: OneRosterEndpoint): ToolRead {
	const ids = (['id', 'schoolId', 'classId'] as const).filter((name) => endpoint.path.includes(`{${name}}`)).map((name) => ID_ARGUMENTS[name]);
	const searchFields = ONEROSTER_SEARCH[resource];
	const searchable = !endpoint.single && searchFields.length > 0;
	return {
		resource,
		operation,
		fields: [...ids, ...(searchable ? [SEARCH] : [])],
		parameters: (argument, cap) => {
			const search = searchable ? argument('search').trim() : '';
			const condition = search === '' ? [] : searchFields.map((field) => ({ field, operator: 'contains', value: filterValue(search, 'Search') }));
			// One record more than the cap: whether more exist, without reading them all.
			return { returnAll: false, limit: cap + 1, filter: { condition }, filterJoin: 'OR', options: {} };
		},
		records: asList,
		narrow: endpoint.single ? 'read one record by its ID' : searchable ? 'give a search text (a part of a name)' : 'read the records of one class or school instead',
	};
}

const EXTERN_READS: Record<string, Omit<ToolRead, 'resource' | 'operation'>> = {
	'externStudent:getMany': {
		fields: [{ name: 'schoolYearId', displayName: 'School Year ID', required: true, description: 'The ID of the school year whose students to read (from the academic sessions or the timetable header)' }, CLASS_NAME],
		parameters: (argument) => {
			const className = argument('className').trim();
			return { schoolYearId: argument('schoolYearId'), studentFilter: className === '' ? '' : `classAssignments.className='${filterValue(className, 'Class Name')}'`, options: {} };
		},
		records: asList,
		narrow: 'give a class name',
	},
	'lesson:getMany': {
		fields: [dateArgument('start'), dateArgument('end'), CLASS_NAME],
		parameters: () => ({ options: {} }),
		records: (items, argument) => lessonsOfClass(items, argument('className')),
		narrow: 'give a class name or a shorter date range',
	},
	'timetable:get': {
		fields: [dateArgument('start'), dateArgument('end'), CLASS_NAME],
		// The whole answer in one call: its master data names the classes, subjects, teachers and rooms.
		parameters: () => ({ output: 'answer', resourceFilters: {}, dateLastModifiedAfter: '', options: { pageSize: 0 } }),
		records: (items, argument) => periodsForModel(items[0], argument('className')),
		narrow: 'give a class name or a shorter date range',
		returns: "each period's date, start and end time, status, and the names of its classes, subjects, teachers and rooms",
	},
	'timetable:getDeletedPeriods': {
		fields: [{ name: 'dateLastModifiedAfter', displayName: 'Deleted After', required: true, placeholder: '2026-12-01T00:00:00Z', description: 'Only periods deleted after this time (ISO 8601, UTC)' }],
		parameters: () => ({ options: {} }),
		records: asList,
		narrow: 'give a later Deleted After time',
	},
};

/** Every read, resource by resource as the companion node lists them (Platform left out). */
export const TOOL_READS: ToolRead[] = resources
	.filter((resource) => resource.option.value !== PLATFORM)
	.flatMap((resource) =>
		resource.operations.map((operation) => {
			const name = resource.option.value;
			const endpoints = ONEROSTER_ENDPOINTS as Record<string, Record<string, OneRosterEndpoint>>;
			const endpoint = endpoints[name]?.[operation.option.value];
			if (endpoint) return oneRosterRead(name as OneRosterResource, operation, endpoint);
			const extern = EXTERN_READS[`${name}:${operation.option.value}`];
			if (!extern) throw new Error(`No tool read for ${name}:${operation.option.value}`);
			return { resource: name, operation, ...extern };
		}),
	);

const byKey = new Map(TOOL_READS.map((read) => [`${read.resource}:${read.operation.option.value}`, read]));
export const toolReadOf = (resource: string, operation: string) => byKey.get(`${resource}:${operation}`);

/** Every parameter a model may fill, by name. */
export const MODEL_FIELD_NAMES = [...new Set(TOOL_READS.flatMap((read) => read.fields.map((field) => field.name)))];

/**
 * The Operation list entry of a read in the tool. n8n's automatic tool description is the action,
 * so the action says what the read returns (the catalogue's texts).
 */
export function toolOption(resource: string, option: Operation['option']): Operation['option'] {
	const returns = toolReadOf(resource, option.value)?.returns;
	return { ...option, action: `${option.action}: ${option.description}${returns ? `; ${returns}` : ''}` };
}
