import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { requestToken } from '../../core/api/apiTransport';
import { forOperation, type Operation } from '../operation';
import type { SealerOf } from '../sealerOf';
import { tenantAccess } from '../tenantAccess';
import { assertTenantActive, tenantStatusFields } from '../tenantStatus';
import { n8nTransport } from '../untisTransport';

async function execute(context: IExecuteFunctions, index: number, _item: unknown, sealer: SealerOf): Promise<IDataObject> {
	assertTenantActive(context, index, String(context.getNodeParameter('tenantId', index) ?? ''));
	const access = await tenantAccess(context, index, sealer);
	const timeout = context.getNodeParameter('timeout', index, 10000) as number;
	// A fresh token every time, as before: no cache, no retries (API Request has both).
	const transport = n8nTransport(context, { timeout, retry: { maxRetries: 0, maxWaitSeconds: 0 } });
	return { tenantId: access.tenantId, ...(await requestToken(transport, access)) };
}

const show = forOperation('getAccessToken');

export const getAccessToken: Operation = {
	option: {
		name: 'Get Access Token',
		value: 'getAccessToken',
		description: 'Client-credentials grant for one tenant, with its clientId and password',
		action: 'Get an access token',
	},
	fields: [
		{
			displayName:
				'The access token is written to this node\'s output item, so n8n stores it in the execution history until it expires and after. Prefer API Request, which keeps the token in memory and never writes it to an item.',
			name: 'tokenInItemNotice',
			type: 'notice',
			default: '',
			displayOptions: show,
		},
		...tenantStatusFields('getAccessToken'),
		{
			displayName: 'Timeout (Ms)',
			name: 'timeout',
			type: 'number',
			default: 10000,
			description: "How long to wait for the platform's answer",
			displayOptions: show,
		},
	],
	execute,
};
