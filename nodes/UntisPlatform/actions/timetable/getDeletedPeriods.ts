import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { EXTERN_OPERATIONS, EXTERN_PATHS } from '../../core/api/extern';
import { recordsOf } from '../../core/api/paging';
import { optionOf, type Operation } from '../operation';
import type { SealerOf } from '../sealerOf';
import { asItem, externContext, externOptions } from '../extern/externCall';
import { modifiedAfterField, modifiedAfterQuery, modifiedSinceOption } from './timetableFields';

/** The periods deleted since a time (documented by Untis): with Get's Modified After, an incremental sync. */
async function execute(context: IExecuteFunctions, index: number, _item: unknown, sealer: SealerOf): Promise<IDataObject | IDataObject[]> {
	const query = modifiedAfterQuery(context, index, true);
	const api = await externContext(context, index, sealer);
	const response = await api.call(EXTERN_PATHS.deletedPeriods, query, 'Deleted periods (extern v3)');
	const records = recordsOf(response.body);
	return records === undefined ? asItem(response.body) : records.map(asItem);
}

export const getDeletedPeriods: Operation = {
	option: optionOf(EXTERN_OPERATIONS.timetable.getDeletedPeriods, 'getDeletedPeriods'),
	fields: [modifiedAfterField('getDeletedPeriods', true), externOptions('timetable', 'getDeletedPeriods', [modifiedSinceOption])],
	execute,
};
