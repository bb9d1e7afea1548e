import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { buildTokenRequest, readTokenResponse } from '../core/token';
import { forOperation, type Operation } from './operation';
import { opened, type SealerOf } from './sealerOf';

const NETWORK_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'the host refused the connection',
	ENOTFOUND: 'the host name was not found',
	ECONNRESET: 'the connection was reset',
	EAI_AGAIN: 'the host name could not be resolved',
};

async function execute(context: IExecuteFunctions, index: number, _item: unknown, sealer: SealerOf): Promise<IDataObject> {
	const tenantId = context.getNodeParameter('tenantId', index) as string;
	const request = buildTokenRequest({
		tenantId,
		clientId: context.getNodeParameter('clientId', index) as string,
		password: await opened(context.getNodeParameter('password', index) as string, sealer, { tenantId, field: 'password' }),
		host: context.getNodeParameter('host', index) as string,
	});
	const timeout = context.getNodeParameter('timeout', index, 10000) as number;
	let response: { statusCode: number; body: unknown } | undefined;
	let failure: string | undefined;
	try {
		response = await context.helpers.httpRequest({
			method: 'POST',
			url: request.url,
			headers: request.headers,
			body: request.body,
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout,
		});
	} catch (error) {
		// Only the error's code and message: the request it carries holds the Basic-auth header.
		const { code, message } = error as { code?: string; message?: string };
		// Plain words: n8n rewrites messages that contain raw socket error codes.
		failure = /timeout|ETIMEDOUT|ECONNABORTED/i.test(`${code} ${message}`)
			? `no answer within ${timeout} ms`
			: (NETWORK_FAILURES[code ?? ''] ?? 'network error');
	}
	if (!response) {
		throw new NodeOperationError(context.getNode(), `Token request for tenant '${tenantId}' failed: ${failure}`);
	}
	return { tenantId, ...readTokenResponse(tenantId, response.statusCode, response.body) };
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
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '={{ $json.password }}',
			required: true,
			description:
				"The tenant's platform password (not the secret), sealed by the trigger or plain; sealed values are opened with the credential's Encryption Key or a previous one, for this tenant only",
			displayOptions: show,
		},
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
