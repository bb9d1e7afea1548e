import type { INodeProperties } from 'n8n-workflow';

import { forOperation } from './operation';

/**
 * Which of the item's fields hold sealed values, and the tenant they belong to: a sealed:v2 value
 * is bound to its tenant and field name and opens only for them.
 */
export function sealedFields(operation: string, fieldsDescription: string): INodeProperties[] {
	const show = forOperation(operation);
	return [
		{
			displayName: 'Tenant ID',
			name: 'tenantId',
			type: 'string',
			default: '={{ $json.tenantId }}',
			description:
				"The tenant the sealed values belong to (sealed:v2 values open only for their own tenant and field). Taken from the item's tenantId by default.",
			displayOptions: show,
		},
		{
			displayName: 'Fields',
			name: 'fields',
			type: 'string',
			default: 'secret,password',
			description: fieldsDescription,
			displayOptions: show,
		},
	];
}

/** The comma-separated Fields parameter as a list. */
export const fieldList = (text: string) =>
	text
		.split(',')
		.map((field) => field.trim())
		.filter(Boolean);
