import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { forOperation } from './operation';

/**
 * The tenant's identity, read from the input item by default. Shared by the operations that
 * act for one tenant, so each field appears once in the panel whichever of them is chosen.
 */
export function tenantFields(operations: string[], hostOperations: string[] = operations): INodeProperties[] {
	const show = forOperation(...operations);
	return [
		{
			displayName: 'Tenant ID',
			name: 'tenantId',
			type: 'string',
			default: '={{ $json.tenantId }}',
			required: true,
			description: "The school's tenant ID, as in the credentials event",
			displayOptions: show,
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '={{ $json.clientId }}',
			required: true,
			description: "The tenant's OIDC client ID (the Basic-auth user of the token request)",
			displayOptions: show,
		},
		hostField(forOperation(...hostOperations)),
	];
}

/** The school's host from the item; shown wherever an operation needs it. */
export function hostField(displayOptions: IDisplayOptions): INodeProperties {
	return {
		displayName: 'Host',
		name: 'host',
		type: 'string',
		default: '={{ $json.host }}',
		required: true,
		description: "The school's platform host, with or without https://",
		displayOptions,
	};
}
