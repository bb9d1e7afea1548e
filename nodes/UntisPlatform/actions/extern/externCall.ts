import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { describeApiError } from '../../core/api/apiErrors';
import { callApi, type ApiCall, type ApiResponse, type TenantAccess, type Transport } from '../../core/api/apiTransport';
import { forResourceOperation } from '../operation';
import { optionsCollection, timeoutOption } from '../requestOptions';
import type { SealerOf } from '../sealerOf';
import { tenantAccess } from '../tenantAccess';
import { assertTenantActive } from '../tenantStatus';
import { n8nTransport } from '../untisTransport';

/**
 * The shared part of the extern operations: the tenant guard, its access, a transport, and calls
 * whose refusals quote the extern error body with requestId and traceId.
 */
export interface ExternContext {
	transport: Transport;
	access: TenantAccess;
	call(path: string, query: Record<string, string | number>, what: string): Promise<ApiResponse>;
}

export async function externContext(context: IExecuteFunctions, index: number, sealer: SealerOf): Promise<ExternContext> {
	const tenantId = String(context.getNodeParameter('tenantId', index) ?? '');
	assertTenantActive(context, index, tenantId);
	const options = context.getNodeParameter('options', index, {}) as IDataObject;
	const access = await tenantAccess(context, index, sealer);
	const transport = n8nTransport(context, { timeout: (options.timeout as number | undefined) ?? 30000 });
	return {
		transport,
		access,
		call: (path, query, what) => {
			const call: ApiCall = {
				method: 'GET',
				path,
				query,
				explain: (status, body) => describeApiError(status, body, { family: 'extern', what: `${what} of tenant '${tenantId}'`, single: false }),
			};
			return callApi(transport, access, call);
		},
	};
}

export const asItem = (record: unknown): IDataObject =>
	typeof record === 'object' && record !== null && !Array.isArray(record) ? (record as IDataObject) : { value: record as IDataObject['value'] };

export function externOptions(resource: string, operation: string, more: INodeProperties[] = []): INodeProperties {
	return optionsCollection(forResourceOperation(resource, operation), [...more, timeoutOption(30000)]);
}

export function dateField(resource: string, operation: string, name: 'start' | 'end', dateOnly: boolean): INodeProperties {
	return {
		displayName: name === 'start' ? 'Start' : 'End',
		name,
		type: 'string',
		default: '',
		required: true,
		placeholder: dateOnly ? '2026-09-01' : '2026-09-01 or 2026-09-01T00:00:00Z',
		description: `${name === 'start' ? 'First' : 'Last'} day of the range (ISO 8601${dateOnly ? ', a date' : ''}); the range must lie within one school year`,
		displayOptions: forResourceOperation(resource, operation),
	};
}
