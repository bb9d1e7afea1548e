import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { ApiError, callApi, type ApiCall } from '../../core/api/apiTransport';
import { readAllPages } from '../../core/api/paging';
import { forOperation, type Operation } from '../operation';
import type { SealerOf } from '../sealerOf';
import { tenantAccess } from '../tenantAccess';
import { assertTenantActive, tenantStatusFields } from '../tenantStatus';
import { n8nTransport } from '../untisTransport';

/**
 * An authenticated call to one tenant's Untis APIs (the WebUntis extern REST API, OneRoster 1.1):
 * token, retries and paging are the core transport's; this file reads the parameters and turns
 * the answer into items.
 */
const show = forOperation('apiRequest');
const BODY_METHODS = ['POST', 'PUT', 'PATCH'];
const NOT_JSON = Symbol('not JSON');

interface QueryParameter {
	name?: string;
	value?: string;
}

function asItems(body: unknown): IDataObject[] {
	const values = Array.isArray(body) ? body : [body];
	// n8n items are objects: scalars (and a bare text answer) are wrapped.
	return values.map((value) =>
		typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as IDataObject) : { value: value as IDataObject['value'] },
	);
}

function jsonBody(context: IExecuteFunctions, index: number, method: string): unknown {
	if (!BODY_METHODS.includes(method)) return undefined;
	const raw = context.getNodeParameter('body', index, '') as unknown;
	if (typeof raw !== 'string') return raw;
	if (raw.trim() === '') return undefined;
	let parsed: unknown = NOT_JSON;
	try {
		parsed = JSON.parse(raw);
	} catch {
		// reported below, outside the catch
	}
	if (parsed === NOT_JSON) throw new ApiError('Body is not valid JSON: enter a JSON object or array');
	return parsed;
}

async function execute(context: IExecuteFunctions, index: number, _item: unknown, sealer: SealerOf): Promise<IDataObject[]> {
	const tenantId = String(context.getNodeParameter('tenantId', index) ?? '');
	assertTenantActive(context, index, tenantId);

	const options = context.getNodeParameter('options', index, {}) as IDataObject;
	const transport = n8nTransport(context, {
		timeout: (options.timeout as number | undefined) ?? 10000,
		retry: {
			maxRetries: (options.maxRetries as number | undefined) ?? 3,
			maxWaitSeconds: (options.maxRetryWait as number | undefined) ?? 30,
		},
	});
	const access = await tenantAccess(context, index, sealer);
	const method = (context.getNodeParameter('method', index, 'GET') as string).toUpperCase();
	const path = context.getNodeParameter('path', index) as string;
	const query: Record<string, string> = {};
	const given = (context.getNodeParameter('query', index, {}) as { parameter?: QueryParameter[] }).parameter ?? [];
	for (const { name, value } of given) if (name) query[name] = value ?? '';
	const call: ApiCall = { method, path, query, body: jsonBody(context, index, method) };

	if (!(context.getNodeParameter('returnAll', index, false) as boolean)) {
		return asItems((await callApi(transport, access, call)).body);
	}
	const { records } = await readAllPages(
		(offset, limit) => callApi(transport, access, { ...call, query: { ...query, limit, offset } }),
		{ pageSize: (options.pageSize as number | undefined) ?? 100, maxPages: (options.maxPages as number | undefined) ?? 100 },
		`${method} ${path} for tenant '${tenantId}'`,
	);
	return asItems(records);
}

export const apiRequest: Operation = {
	option: {
		name: 'API Request',
		value: 'apiRequest',
		description: "Call a tenant's Untis APIs (WebUntis REST, OneRoster) with a cached access token",
		action: 'Make an API request',
	},
	fields: [
		...tenantStatusFields('apiRequest'),
		{
			displayName: 'Method',
			name: 'method',
			type: 'options',
			options: [
				{ name: 'DELETE', value: 'DELETE' },
				{ name: 'GET', value: 'GET' },
				{ name: 'PATCH', value: 'PATCH' },
				{ name: 'POST', value: 'POST' },
				{ name: 'PUT', value: 'PUT' },
			],
			default: 'GET',
			description: 'The HTTP method. OneRoster 1.1 on the platform is read-only (GET).',
			displayOptions: show,
		},
		{
			displayName: 'Path',
			name: 'path',
			type: 'string',
			default: '',
			required: true,
			placeholder: '/ims/oneroster/v1p1/orgs',
			description:
				'Relative to the API base, starting with /: e.g. /ims/oneroster/v1p1/orgs or /WebUntis/api/rest/extern/v1/lesson. The token is never sent anywhere else.',
			displayOptions: show,
		},
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description:
				'Whether to return all results or only up to a given limit',
			// How pages are followed (limit/offset, X-Total-Count, Link rel="next"): docs/untis-api.md.
			hint: 'On: every page of a collection, one item per record. Off: one call, its answer as the item.',
			displayOptions: show,
		},
		{
			displayName: 'Query Parameters',
			name: 'query',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Parameter',
			default: {},
			description: 'Query parameters, e.g. filter or sort; with Return All, limit and offset are set by the node',
			displayOptions: show,
			options: [
				{
					displayName: 'Parameter',
					name: 'parameter',
					values: [
						{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'Parameter name, e.g. filter' },
						{ displayName: 'Value', name: 'value', type: 'string', default: '', description: "Parameter value, e.g. status='active'" },
					],
				},
			],
		},
		{
			displayName: 'Body',
			name: 'body',
			type: 'json',
			default: '',
			description: 'The request body as JSON (sent with a JSON content type)',
			displayOptions: { show: { operation: ['apiRequest'], method: BODY_METHODS } },
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: show,
			options: [
				{ displayName: 'Max Pages', name: 'maxPages', type: 'number', typeOptions: { minValue: 1 }, default: 100, description: 'With Return All: pages read at most; a longer collection is an error rather than a silently shortened list' },
				{ displayName: 'Max Retries', name: 'maxRetries', type: 'number', typeOptions: { minValue: 0, maxValue: 10 }, default: 3, description: 'Retries after 429 (rate limited) or 503 (unavailable), honouring Retry-After, and after a gateway\'s 502 or 504 for GET (a write is never sent twice)' },
				{ displayName: 'Max Retry Wait (Seconds)', name: 'maxRetryWait', type: 'number', typeOptions: { minValue: 0, maxValue: 300 }, default: 30, description: 'The longest Retry-After the node waits for; a longer one fails the item at once' },
				{ displayName: 'Page Size', name: 'pageSize', type: 'number', typeOptions: { minValue: 1 }, default: 100, description: 'With Return All: records per page (limit)' },
				{ displayName: 'Timeout (Ms)', name: 'timeout', type: 'number', default: 10000, description: "How long to wait for each of the platform's answers" },
			],
		},
	],
	execute,
};
