import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { EXTERN_PATHS } from '../../core/api/extern';
import { recordsOf } from '../../core/api/paging';
import type { Operation } from '../operation';
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
	option: { name: 'Get Deleted Periods', value: 'getDeletedPeriods', description: 'Periods deleted since a time, for incremental sync (Timetable API v3)', action: 'Get deleted periods' },
	fields: [modifiedAfterField('getDeletedPeriods', true), externOptions('timetable', 'getDeletedPeriods', [modifiedSinceOption])],
	execute,
};
