import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_CAP, MAX_CAP } from '../../core/agent/modelOutput';
import { forResourceOperation } from '../operation';
import { API_HOST_TENANT, apiHostField, passwordField } from '../tenantAccess';
import { hostField } from '../tenantFields';
import { TOOL_READS } from './toolReads';

/**
 * The tool's parameters: the tenant, from the workflow's data (the tenant row read before the
 * agent); the cap and the fields; and per read the few arguments a model may fill.
 */
export function tenantParameters(): INodeProperties[] {
	return [
		{
			displayName:
				"The tenant comes from the workflow (the tenant row before the agent), never from the model: a $fromAI() in a tenant field, or a tool call that names a tenant, is refused. Let the model fill only the read's own fields.",
			name: 'tenantNotice',
			type: 'notice',
			default: '',
		},
		{ displayName: 'Tenant ID', name: 'tenantId', type: 'string', default: '={{ $json.tenantId }}', required: true, description: "The school's tenant ID, from the tenant row (from the workflow, never from the model: a $fromAI() here is refused)" },
		{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '={{ $json.clientId }}', required: true, description: "The tenant's OIDC client ID, from the tenant row (from the workflow, never from the model: a $fromAI() here is refused)" },
		passwordField("The tenant's platform password as the trigger sealed it, from the tenant row: opened inside the node, never shown to the model (a $fromAI() here is refused)"),
		{
			displayName: 'Tenant Status',
			name: 'tenantStatus',
			type: 'string',
			default: '={{ $json.tenantStatus ?? $json.status }}',
			description: 'The tenant\'s status from the tenant row: only active tenants are read (deactivated tenants must not trigger new API calls; the tool offers no override)',
		},
		apiHostField(),
		hostField({ show: { apiHost: [API_HOST_TENANT] } }),
	];
}

export function outputParameters(): INodeProperties[] {
	return [
		{
			displayName: 'Max Records',
			name: 'maxRecords',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_CAP },
			default: DEFAULT_CAP,
			description: `Records returned per call at most (1 to ${MAX_CAP}); when more exist, the answer says so and how to narrow the question`,
		},
		{
			displayName: 'Fields',
			name: 'fields',
			type: 'string',
			default: '',
			placeholder: 'sourcedId,givenName,familyName,metadata.className',
			description: 'Only these fields of each record, comma-separated (a dot reaches into an object); empty: every field',
		},
	];
}

/** Each read's model arguments, shown for that read only. */
export function modelParameters(): INodeProperties[] {
	return TOOL_READS.flatMap((read) =>
		read.fields.map((field) => ({
			displayName: field.displayName,
			name: field.name,
			type: 'string' as const,
			default: '',
			...(field.required ? { required: true } : {}),
			...(field.placeholder ? { placeholder: field.placeholder } : {}),
			description: `${field.description} (may come from the model: $fromAI('${field.name}'))`,
			displayOptions: forResourceOperation(read.resource, read.operation.option.value),
		})),
	);
}
