import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { dateRange, EXTERN_OPERATIONS, EXTERN_PATHS } from '../../core/api/extern';
import { recordsOf } from '../../core/api/paging';
import { QueryError } from '../../core/api/oneRosterFilter';
import { optionOf, type Operation } from '../operation';
import type { SealerOf } from '../sealerOf';
import { asItem, dateField, externContext, externOptions } from '../extern/externCall';

/** Lesson v1: known only from a public client (an ASV sync project), not documented by Untis. */
async function execute(context: IExecuteFunctions, index: number, _item: unknown, sealer: SealerOf): Promise<IDataObject[]> {
	const range = dateRange(context.getNodeParameter('start', index), context.getNodeParameter('end', index), { dateOnly: true });
	const api = await externContext(context, index, sealer);
	const response = await api.call(EXTERN_PATHS.lessons, range, 'Lessons (extern v1)');
	const records = recordsOf(response.body);
	if (records === undefined) throw new QueryError('Lessons (extern v1) answered without a list of lessons');
	return records.map(asItem);
}

export const getMany: Operation = {
	option: optionOf(EXTERN_OPERATIONS.lesson.getMany, 'getMany'),
	fields: [dateField('lesson', 'getMany', 'start', true), dateField('lesson', 'getMany', 'end', true), externOptions('lesson', 'getMany')],
	execute,
};
