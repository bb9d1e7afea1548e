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
import { tenantFields } from './actions/tenantFields';
import { untisPlatformApiTest } from './shared/credentialTest';

export class UntisPlatform implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Untis Platform',
		name: 'untisPlatform',
		icon: { light: 'file:untisPlatform.svg', dark: 'file:untisPlatform.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: "Use a school's Untis Platform credentials: access tokens, unsealing, manual entry",
		defaults: { name: 'Untis Platform' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'untisPlatformApi', required: true, testedBy: 'untisPlatformApiTest' }],
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
			...tenantFields('getAccessToken', 'createCredentialsEvent'),
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
			let json: IDataObject;
			try {
				json = await operation.execute(this, index, items[index], sealer);
			} catch (error) {
				const failure = (error as Error).message;
				if (!this.continueOnFail()) throw new NodeOperationError(this.getNode(), failure, { itemIndex: index });
				json = { error: failure };
			}
			output.push({ json, pairedItem: { item: index } });
		}
		return [output];
	}
}
