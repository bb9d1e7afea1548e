import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { forOperation, type Operation } from '../operation';
import { fieldList, sealedFields } from '../sealedFields';
import { opened, type SealerOf } from '../sealerOf';

async function execute(
	context: IExecuteFunctions,
	index: number,
	item: INodeExecutionData,
	sealer: SealerOf,
): Promise<IDataObject> {
	const fields = fieldList(context.getNodeParameter('fields', index, 'secret,password') as string);
	const tenantId = String(context.getNodeParameter('tenantId', index, '') ?? '');
	const json: IDataObject = { ...item.json };
	for (const field of fields) {
		const value = json[field];
		if (typeof value === 'string') json[field] = await opened(value, sealer, { tenantId, field });
	}
	if (json.secrets === 'sealed') json.secrets = 'plain';
	return json;
}

const show = forOperation('unsealSecrets');

export const unsealSecrets: Operation = {
	option: {
		name: 'Unseal Secrets',
		value: 'unsealSecrets',
		description: "Turn the trigger's sealed secret and password back into plain text",
		action: 'Unseal secrets',
	},
	fields: [
		{
			displayName:
				"Unsealed values are stored in plain text in this workflow's execution history. Unseal only right before the node that needs them.",
			name: 'unsealNotice',
			type: 'notice',
			default: '',
			displayOptions: show,
		},
		...sealedFields('unsealSecrets', 'Comma-separated fields of the input item to unseal; plain values pass through'),
	],
	execute,
};
