import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { operationByName, operations } from './actions';
import { lazySealer } from './actions/sealerOf';
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
		subtitle: '={{$parameter["operation"]}}',
		description: "Use a school's Untis Platform credentials: API requests, access tokens, delivery confirmation, signature checks, unsealing, manual entry",
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
				// Confirm Delivery only answers the trigger's request: it reads no credential.
				displayOptions: { hide: { operation: ['confirmDelivery'] } },
			},
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: operations.map((operation) => operation.option),
				default: 'getAccessToken',
				description: 'What to do with the Untis Platform credentials on each item',
			},
			// Host: typed in for manual entry; for the calls only with API Host: Tenant's Host (tenantAccessFields).
			...tenantFields(['apiRequest', 'createCredentialsEvent', 'getAccessToken'], ['createCredentialsEvent']),
			...tenantAccessFields('apiRequest', 'getAccessToken'),
			...operations.flatMap((operation) => operation.fields),
		],
	};

	methods = { credentialTest: { untisPlatformApiTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = operationByName[this.getNodeParameter('operation', 0) as string];
		if (!operation) throw new NodeOperationError(this.getNode(), `Unknown operation '${this.getNodeParameter('operation', 0)}'`);
		const output: INodeExecutionData[] = [];
		const sealer = lazySealer(this);
		for (let index = 0; index < items.length; index++) {
			let result: IDataObject | IDataObject[];
			try {
				result = await operation.execute(this, index, items[index], sealer);
			} catch (error) {
				const failure = (error as Error).message;
				if (!this.continueOnFail()) throw new NodeOperationError(this.getNode(), failure, { itemIndex: index });
				result = { error: failure };
			}
			for (const json of Array.isArray(result) ? result : [result]) output.push({ json, pairedItem: { item: index } });
		}
		return [output];
	}
}
