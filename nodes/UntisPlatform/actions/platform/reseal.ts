import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { resealFields } from '../../core/sealing/reseal';
import type { Operation } from '../operation';
import { fieldList, sealedFields } from '../sealedFields';
import type { SealerOf } from '../sealerOf';

/** Key rotation: the item's sealed fields, sealed again under the current key as sealed:v2. */
async function execute(
	context: IExecuteFunctions,
	index: number,
	item: INodeExecutionData,
	sealer: SealerOf,
): Promise<IDataObject> {
	const fields = fieldList(context.getNodeParameter('fields', index, 'secret,password') as string);
	const tenantId = String(context.getNodeParameter('tenantId', index, '') ?? '');
	return resealFields(await sealer(), item.json, fields, tenantId).json as IDataObject;
}

export const reseal: Operation = {
	option: {
		name: 'Reseal',
		value: 'reseal',
		description:
			'Seal the item\'s sealed fields again under the current Encryption Key (sealed:v2), e.g. after a key rotation',
		action: 'Reseal secrets',
	},
	fields: sealedFields(
		'reseal',
		'Comma-separated fields of the input item to reseal. Values under a previous key or in the old sealed:v1 format are sealed again; plain values and values already under the current key stay as they are.',
	),
	execute,
};
