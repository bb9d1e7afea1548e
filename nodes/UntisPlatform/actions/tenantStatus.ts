import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ApiError } from '../core/api/apiTransport';
import { inactiveTenantProblem } from '../core/api/tenantGuard';

/**
 * "Deactivated tenants must not trigger new API calls": the fields and the check that every
 * operation calling the platform for a tenant shares (API Request, Get Access Token).
 */
export function tenantStatusFields(...operation: string[]): INodeProperties[] {
	const show = { show: { operation } };
	return [
		{
			displayName: 'Tenant Status',
			name: 'tenantStatus',
			type: 'string',
			default: '={{ $json.tenantStatus ?? $json.status }}',
			description:
				"The tenant's status: the trigger's tenantStatus or your table's status column. Only active tenants are called: deactivated tenants must not trigger new API calls.",
			displayOptions: show,
		},
		{
			displayName: 'Allow Inactive Tenants',
			name: 'allowInactiveTenants',
			type: 'boolean',
			default: false,
			description: 'Whether to call the API for tenants whose status is not active (the platform says deactivated tenants must not trigger new API calls)',
			displayOptions: show,
		},
		{
			displayName:
				'Deactivated and deleted tenants will be called too. The platform asks vendors not to: their credentials are dead, and the calls fail or are refused.',
			name: 'inactiveNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { operation, allowInactiveTenants: [true] } },
		},
	];
}

/** Throws, before any request, when the item's tenant is not known to be active. */
export function assertTenantActive(context: IExecuteFunctions, index: number, tenantId: string): void {
	const problem = inactiveTenantProblem(
		tenantId,
		context.getNodeParameter('tenantStatus', index, '') as unknown,
		context.getNodeParameter('allowInactiveTenants', index, false) as boolean,
	);
	if (problem) throw new ApiError(problem);
}
