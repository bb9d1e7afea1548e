import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { operationOf, PLATFORM, resources, typedOperationValues } from './actions/resources';
import { lazySealer } from './actions/sealerOf';
import { tenantStatusFields } from './actions/tenantStatus';
import { tenantAccessFields } from './actions/tenantAccess';
import { tenantFields } from './actions/tenantFields';
import { untisPlatformApiTest } from './shared/credentialTest';

export class UntisPlatform implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Untis Platform',
		name: 'untisPlatform',
		icon: { light: 'file:untisPlatform.svg', dark: 'file:untisPlatform.dark.svg' },
		group: ['transform'],
		// 1.1: Create Credentials Event checks the entry with the platform by default. Workflows
		// saved with version 1 keep working unchanged (no check).
		version: [1, 1.1],
		defaultVersion: 1.1,
		// The operation's display name (with its resource's, outside Platform), as the editor lists them.
		// A literal, as n8n's scanner wants; test/unit/editorTexts.test.cts checks it equals
		// operationSubtitle (actions/resources.ts), which is built from the catalogue.
		subtitle:
			'={{ ({"academicSession:get":"Academic Session: Get","academicSession:getMany":"Academic Session: Get Many","class:get":"Class: Get","class:getMany":"Class: Get Many","enrollment:get":"Enrollment: Get","enrollment:getMany":"Enrollment: Get Many","enrollment:getManyOfClass":"Enrollment: Get Many of a Class","enrollment:getManyOfSchool":"Enrollment: Get Many of a School","lesson:getMany":"Lesson (Extern): Get Many","org:get":"Org / School: Get","org:getMany":"Org / School: Get Many","org:getManySchools":"Org / School: Get Many Schools","org:getSchool":"Org / School: Get School","platform:apiRequest":"API Request","platform:confirmDelivery":"Confirm Delivery","platform:createCredentialsEvent":"Create Credentials Event","platform:getAccessToken":"Get Access Token","platform:reseal":"Reseal","platform:respondWithCalendar":"Respond with Calendar","platform:unsealSecrets":"Unseal Secrets","platform:verifySignature":"Verify Signature","student:get":"Student: Get","student:getMany":"Student: Get Many","student:getManyOfClass":"Student: Get Many of a Class","student:getManyOfSchool":"Student: Get Many of a School","externStudent:getMany":"Student (Extern): Get Many","teacher:get":"Teacher: Get","teacher:getMany":"Teacher: Get Many","teacher:getManyOfClass":"Teacher: Get Many of a Class","teacher:getManyOfSchool":"Teacher: Get Many of a School","timetable:get":"Timetable (Extern): Get","timetable:getDeletedPeriods":"Timetable (Extern): Get Deleted Periods","user:get":"User: Get","user:getMany":"User: Get Many"})[($parameter["resource"] || "platform") + ":" + $parameter["operation"]] ?? $parameter["operation"] }}',
		description: "Use a school's Untis Platform credentials: its OneRoster and timetable data, API requests, access tokens, delivery confirmation, signature checks, unsealing, manual entry",
		defaults: { name: 'Untis Platform' },
		// Deliberately not a tool for AI agents: Unseal Secrets returns a school's secret and password
		// in plain text and Get Access Token a bearer token, and an agent could be talked into
		// returning them. n8n cannot hide single operations from tool use (display options only hide
		// them in the editor), so the node is no tool at all: n8n makes a tool of truthy values only.
		usableAsTool: undefined,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'untisPlatformApi',
				required: true,
				testedBy: 'untisPlatformApiTest',
				// Confirm Delivery and Respond with Calendar only answer a trigger's request: they read no credential.
				displayOptions: { hide: { operation: ['confirmDelivery', 'respondWithCalendar'] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: resources.map((resource) => resource.option),
				// Platform: a workflow saved before resources existed has none, and keeps its operation.
				default: PLATFORM,
				description: "What to work with: the platform's tokens and events, or a school's OneRoster and extern data",
			},
			...resources.map((resource) => ({
				displayName: 'Operation',
				name: 'operation',
				type: 'options' as const,
				noDataExpression: true,
				displayOptions: { show: { resource: [resource.option.value] } },
				options: resource.operations.map((operation) => operation.option),
				default: resource.defaultOperation,
				description: resource.option.value === PLATFORM ? 'What to do with the Untis Platform credentials on each item' : `What to read: ${resource.option.description}`,
			})),
			// Host: typed in for manual entry; for the calls only with API Host: Tenant's Host (tenantAccessFields).
			...tenantFields(['apiRequest', 'createCredentialsEvent', 'getAccessToken', ...typedOperationValues], ['createCredentialsEvent']),
			...tenantAccessFields('apiRequest', 'getAccessToken', ...typedOperationValues),
			...tenantStatusFields(...typedOperationValues),
			...resources.flatMap((resource) => resource.operations.flatMap((operation) => operation.fields)),
		],
	};

	methods = { credentialTest: { untisPlatformApiTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const resourceName = this.getNodeParameter('resource', 0, PLATFORM) as string;
		const operation = operationOf(resourceName, this.getNodeParameter('operation', 0) as string);
		if (!operation) throw new NodeOperationError(this.getNode(), `Unknown operation '${this.getNodeParameter('operation', 0)}' of resource '${resourceName}'`);
		const output: INodeExecutionData[] = [];
		const sealer = lazySealer(this);
		for (let index = 0; index < items.length; index++) {
			let result: IDataObject | IDataObject[];
			try {
				result = await operation.execute(this, index, items[index], sealer);
			} catch (error) {
				const failure = (error as Error).message;
				// Kept: an operation's description says what to fix, and n8n shows it under the message.
				const description = (error as { description?: string | null }).description ?? undefined;
				if (!this.continueOnFail()) throw new NodeOperationError(this.getNode(), failure, { itemIndex: index, description });
				result = { error: failure };
			}
			for (const json of Array.isArray(result) ? result : [result]) output.push({ json, pairedItem: { item: index } });
		}
		return [output];
	}
}
