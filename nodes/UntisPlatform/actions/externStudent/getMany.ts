import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { EXTERN_OPERATIONS, EXTERN_PATHS } from '../../core/api/extern';
import { recordsOf } from '../../core/api/paging';
import { QueryError } from '../../core/api/oneRosterFilter';
import { forResourceOperation, optionOf, type Operation } from '../operation';
import type { SealerOf } from '../sealerOf';
import { asItem, externContext, externOptions } from '../extern/externCall';

/** Students v3 (documented by Untis): every student of a school year, with or without a user account. */
const show = forResourceOperation('externStudent', 'getMany');

async function execute(context: IExecuteFunctions, index: number, _item: unknown, sealer: SealerOf): Promise<IDataObject[]> {
	const schoolYearId = String(context.getNodeParameter('schoolYearId', index, '') ?? '').trim();
	if (schoolYearId === '' || schoolYearId.length > 40) throw new QueryError('School Year ID is empty or too long: enter the ID of the school year, e.g. from Academic Session');
	const filter = String(context.getNodeParameter('studentFilter', index, '') ?? '').trim();
	if (filter.length > 2000) throw new QueryError(`Filter is ${filter.length} characters long; at most 2000`);
	const api = await externContext(context, index, sealer);
	const response = await api.call(EXTERN_PATHS.students, { schoolYearId, ...(filter ? { filter } : {}) }, 'Students (extern v3)');
	const records = recordsOf(response.body);
	if (records === undefined) throw new QueryError('Students (extern v3) answered without a list of students');
	return records.map(asItem);
}

export const getMany: Operation = {
	option: optionOf(EXTERN_OPERATIONS.externStudent.getMany, 'getMany'),
	fields: [
		{ displayName: 'School Year ID', name: 'schoolYearId', type: 'string', default: '', required: true, description: 'The school year whose students to read (schoolYearId)', displayOptions: show },
		{
			displayName: 'Filter',
			name: 'studentFilter',
			type: 'string',
			default: '',
			placeholder: "classAssignments.className='1A'",
			description: "The Students API's filter, sent as given, e.g. classAssignments.className='1A'",
			displayOptions: show,
		},
		externOptions('externStudent', 'getMany'),
	],
	execute,
};
