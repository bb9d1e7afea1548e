import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { describeApiError } from '../../core/api/apiErrors';
import { callApi, type ApiCall } from '../../core/api/apiTransport';
import { endpointPath, ONEROSTER_ENDPOINTS, unwrapMany, unwrapOne, type OneRosterEndpoint, type OneRosterResource } from '../../core/api/oneRoster';
import { collectionQuery } from '../../core/api/oneRosterFilter';
import { outputOf, pageItems } from '../../core/api/pageItems';
import { readAllPages } from '../../core/api/paging';
import { forResourceOperation, type Operation } from '../operation';
import { optionsCollection, timeoutOption } from '../requestOptions';
import type { SealerOf } from '../sealerOf';
import { tenantAccess } from '../tenantAccess';
import { assertTenantActive } from '../tenantStatus';
import { n8nTransport } from '../untisTransport';
import { collectionFields, collectionQueryOf } from './collectionFields';

/**
 * A typed OneRoster operation from its entry in the catalogue (core/api/oneRoster.ts): the IDs its path needs,
 * a Get that returns the object itself, or a Get Many that returns one item per record (or per page,
 * Options → Output), with Return All, Limit, Filter, Sort and Fields. Errors name the resource and what to fix.
 */
type IdName = 'id' | 'schoolId' | 'classId';
const ID_FIELDS: Record<IdName, { name: string; displayName: string; of: string }> = {
	id: { name: 'sourcedId', displayName: 'Sourced ID', of: '' },
	schoolId: { name: 'schoolSourcedId', displayName: 'School Sourced ID', of: 'school' },
	classId: { name: 'classSourcedId', displayName: 'Class Sourced ID', of: 'class' },
};

const idsOf = (endpoint: OneRosterEndpoint) => (['id', 'schoolId', 'classId'] as IdName[]).filter((name) => endpoint.path.includes(`{${name}}`));

function idFields(resource: string, operation: string, endpoint: OneRosterEndpoint): INodeProperties[] {
	return idsOf(endpoint).map((name) => ({
		displayName: ID_FIELDS[name].displayName,
		name: ID_FIELDS[name].name,
		type: 'string' as const,
		default: '',
		required: true,
		description: `The sourcedId of the ${ID_FIELDS[name].of || endpoint.label} (OneRoster's ID, a UUID on Untis)`,
		displayOptions: forResourceOperation(resource, operation),
	}));
}

const singleOptions = (resource: string, operation: string): INodeProperties => optionsCollection(forResourceOperation(resource, operation), [timeoutOption(10000)]);

function oneRosterOperation(resource: OneRosterResource, operation: string, endpoint: OneRosterEndpoint): Operation {
	const show = forResourceOperation(resource, operation);

	async function execute(context: IExecuteFunctions, index: number, _item: unknown, sealer: SealerOf): Promise<IDataObject | IDataObject[]> {
		const tenantId = String(context.getNodeParameter('tenantId', index) ?? '');
		assertTenantActive(context, index, tenantId);
		const ids = Object.fromEntries(idsOf(endpoint).map((name) => [name, String(context.getNodeParameter(ID_FIELDS[name].name, index, '') ?? '')]));
		const path = endpointPath(endpoint, ids);
		const options = context.getNodeParameter('options', index, {}) as IDataObject;
		// Checked before any request: a bad Output fails the item, not after reading every page.
		const output = endpoint.single ? 'records' : outputOf(options.output);
		const access = await tenantAccess(context, index, sealer);
		const transport = n8nTransport(context, { timeout: (options.timeout as number | undefined) ?? 10000 });
		const named = idsOf(endpoint).map((name) => `'${ids[name].trim().slice(0, 80)}'`).join(' in ');
		const what = `OneRoster ${endpoint.label}${named ? ` ${named}` : ''} of tenant '${tenantId}'`;
		const call: ApiCall = { method: 'GET', path, explain: (status, body) => describeApiError(status, body, { family: 'oneroster', what, single: endpoint.single }) };

		if (endpoint.single) return unwrapOne((await callApi(transport, access, call)).body, endpoint.envelope) as IDataObject;
		const query = collectionQuery(collectionQueryOf(context, index));
		const returnAll = context.getNodeParameter('returnAll', index, false) as boolean;
		const { records, sizes } = await readAllPages(
			async (offset, limit) => {
				const response = await callApi(transport, access, { ...call, query: { ...query, limit, offset } });
				// The envelope's array is the page's records, whatever else the answer holds.
				return { ...response, body: unwrapMany(response.body, endpoint.envelope) ?? response.body };
			},
			{
				pageSize: (options.pageSize as number | undefined) ?? 100,
				maxPages: (options.maxPages as number | undefined) ?? 1000,
				maxRecords: returnAll ? undefined : ((context.getNodeParameter('limit', index, 50) as number) || 50),
			},
			what,
		);
		if (output === 'pages') return pageItems(records, sizes) as unknown as IDataObject[];
		return records.map((record) => (typeof record === 'object' && record !== null && !Array.isArray(record) ? (record as IDataObject) : { value: record as IDataObject['value'] }));
	}

	return {
		option: { ...endpoint.texts, value: operation },
		fields: [...idFields(resource, operation, endpoint), ...(endpoint.single ? [singleOptions(resource, operation)] : collectionFields(show))],
		execute,
	};
}

/** A OneRoster resource's operations, built from its entries in the catalogue, by name as n8n's lint wants. */
export function oneRosterOperations(resource: OneRosterResource): Operation[] {
	const endpoints: Record<string, OneRosterEndpoint> = ONEROSTER_ENDPOINTS[resource];
	return Object.entries(endpoints)
		.map(([operation, endpoint]) => oneRosterOperation(resource, operation, endpoint))
		.sort((a, b) => a.option.name.localeCompare(b.option.name));
}
