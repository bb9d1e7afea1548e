import type { IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { resolveApiBase, tenantHostBase } from '../core/api/apiBase';
import type { TenantAccess } from '../core/api/apiTransport';
import type { CredentialData } from '../core/webhook/credentialCheck';
import { forOperation } from './operation';
import { opened, type SealerOf } from './sealerOf';
import { hostField } from './tenantFields';

/**
 * How the operations that call the platform for one tenant find it: the tenant's identity and
 * password from the item, the API base from the credential (or the tenant's host, on request).
 * The password is opened here and nowhere else.
 */
export const API_HOST_CREDENTIAL = 'credential';
export const API_HOST_TENANT = 'tenantHost';

export function tenantAccessFields(...operations: string[]): INodeProperties[] {
	const show = forOperation(...operations);
	return [
		passwordField(
			"The tenant's platform password (not the secret), sealed by the trigger or plain; sealed values are opened with the credential's Encryption Key or a previous one, for this tenant only",
			show,
		),
		apiHostField(show),
		hostField({ show: { operation: operations, apiHost: [API_HOST_TENANT] } }),
	];
}

/** The tenant's password from the item: sealed or plain, opened by tenantAccess only. */
export function passwordField(description: string, displayOptions?: IDisplayOptions): INodeProperties {
	return {
		displayName: 'Password',
		name: 'password',
		type: 'string',
		typeOptions: { password: true },
		default: '={{ $json.password }}',
		required: true,
		description,
		...(displayOptions ? { displayOptions } : {}),
	};
}

/** Where the calls go: the credential's API base (default) or the tenant's host. */
export function apiHostField(displayOptions?: IDisplayOptions): INodeProperties {
	return {
		displayName: 'API Host',
		name: 'apiHost',
		type: 'options',
		options: [
			{
				name: "Credential's API Base URL",
				value: API_HOST_CREDENTIAL,
				description: 'The platform API host of the environment (https://api.webuntis.com in production) or the URL entered in the credential',
			},
			{
				name: "Tenant's Host",
				value: API_HOST_TENANT,
				description: "The school's host from the credentials event (how this node worked before 1.0)",
			},
		],
		default: API_HOST_CREDENTIAL,
		description: "Where the token endpoint and the APIs are called. Untis documents them on the platform's API host per environment.",
		...(displayOptions ? { displayOptions } : {}),
	};
}

export async function tenantAccess(context: IExecuteFunctions, index: number, sealer: SealerOf): Promise<TenantAccess> {
	const tenantId = String(context.getNodeParameter('tenantId', index) ?? '');
	const useTenantHost = context.getNodeParameter('apiHost', index, API_HOST_CREDENTIAL) === API_HOST_TENANT;
	const apiBase = useTenantHost
		? tenantHostBase(String(context.getNodeParameter('host', index) ?? ''))
		: resolveApiBase((await context.getCredentials('untisPlatformApi')) as unknown as CredentialData).url;
	return {
		apiBase,
		tenantId,
		clientId: String(context.getNodeParameter('clientId', index) ?? ''),
		password: await opened(String(context.getNodeParameter('password', index) ?? ''), sealer, { tenantId, field: 'password' }),
	};
}
