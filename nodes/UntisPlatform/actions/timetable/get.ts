import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { dateRange, EXTERN_OPERATIONS, EXTERN_PATHS, readAllPeriods } from '../../core/api/extern';
import { OUTPUTS, outputOf, pageItems } from '../../core/api/pageItems';
import { forResourceOperation, optionOf, type Operation } from '../operation';
import { maxPagesOption } from '../requestOptions';
import type { SealerOf } from '../sealerOf';
import { asItem, dateField, externContext, externOptions } from '../extern/externCall';
import { modifiedAfterField, modifiedAfterQuery, modifiedSinceOption, resourceFilterField, resourceFilterQuery } from './timetableFields';

/**
 * Timetable v3 (documented by Untis): the periods of a range within one school year. Its paging
 * is its own: `offset` is 1-based and 0 means no paging (unlike OneRoster), `limit` 0 means all.
 */
const show = forResourceOperation('timetable', 'get');
const OUTPUT_NAMES = { pages: OUTPUTS.pages, periods: 'One Item per Period', answer: 'The Whole Answer' };

async function execute(context: IExecuteFunctions, index: number, _item: unknown, sealer: SealerOf): Promise<IDataObject | IDataObject[]> {
	const range = dateRange(context.getNodeParameter('start', index), context.getNodeParameter('end', index));
	const query = { ...range, ...resourceFilterQuery(context, index), ...modifiedAfterQuery(context, index, false) };
	const output = outputOf(context.getNodeParameter('output', index, 'periods'), OUTPUT_NAMES, 'periods');
	const options = context.getNodeParameter('options', index, {}) as IDataObject;
	const api = await externContext(context, index, sealer);
	const what = `Timetable (extern v3) ${range.start} to ${range.end}`;
	const pageSize = (options.pageSize as number | undefined) ?? 0;
	let answer: Record<string, unknown>;
	let periods: unknown[];
	let sizes: number[];
	if (pageSize > 0) {
		({ answer, periods, sizes } = await readAllPeriods(
			(offset, limit) => api.call(EXTERN_PATHS.timetable, { ...query, limit, offset }, what),
			{ pageSize, maxPages: (options.maxPages as number | undefined) ?? 1000 },
			what,
		));
	} else {
		// limit 0 and offset 0: the whole range in one answer.
		answer = (await api.call(EXTERN_PATHS.timetable, { ...query, limit: 0, offset: 0 }, what)).body as Record<string, unknown>;
		periods = ((answer?.timetableData as IDataObject | undefined)?.periods as unknown[] | undefined) ?? [];
		sizes = [periods.length];
	}
	if (output === 'pages') return pageItems(periods, sizes) as unknown as IDataObject[];
	return output === 'answer' ? asItem(answer) : periods.map(asItem);
}

export const get: Operation = {
	option: optionOf(EXTERN_OPERATIONS.timetable.get, 'get'),
	fields: [
		dateField('timetable', 'get', 'start', false),
		dateField('timetable', 'get', 'end', false),
		resourceFilterField('get'),
		modifiedAfterField('get', false),
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			options: [
				{ name: OUTPUT_NAMES.pages, value: 'pages', description: 'Each page of periods as one item: page (from 1), count, and its periods in records; without Page Size, one item with every period' },
				{ name: OUTPUT_NAMES.periods, value: 'periods', description: 'Each period of timetableData.periods' },
				{ name: OUTPUT_NAMES.answer, value: 'answer', description: 'One item: master data (classes, rooms, subjects, teachers ...) and every period' },
			],
			default: 'periods',
			description: 'What the items are',
			displayOptions: show,
		},
		externOptions('timetable', 'get', [
			maxPagesOption('of periods'),
			modifiedSinceOption,
			{
				displayName: 'Page Size',
				name: 'pageSize',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'Periods per page (limit), read page by page from offset 1 until a short page; 0: the whole range in one answer (limit 0, offset 0)',
			},
		]),
	],
	execute,
};
