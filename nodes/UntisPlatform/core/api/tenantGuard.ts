/**
 * "Deactivated tenants must not trigger new API calls" (the platform's deactivation rules): an
 * item is called for only when its tenant is known to be active, unless the user opts out.
 */
export function inactiveTenantProblem(tenantId: string, status: unknown, allowInactive: boolean): string | undefined {
	if (allowInactive) return undefined;
	const given = typeof status === 'string' ? status.trim().toLowerCase() : '';
	if (given === 'active') return undefined;
	if (given === '') {
		return `Tenant '${tenantId}' has no status: map Tenant Status to the trigger's tenantStatus (or your table's status column); only active tenants are called`;
	}
	return `Tenant '${tenantId}' is ${given.slice(0, 40)}: deactivated tenants must not trigger new API calls (turn on Allow Inactive Tenants to override)`;
}
