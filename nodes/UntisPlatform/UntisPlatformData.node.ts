import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { PLATFORM, resources } from './actions/resources';
import { lazySealer } from './actions/sealerOf';
import { modelParameters, outputParameters, tenantParameters } from './actions/tool/toolFields';
import { MODEL_FIELD_NAMES, toolOption } from './actions/tool/toolReads';
import { readForModel, secretsOf, toolErrorText } from './actions/tool/toolRun';
import { runsAsTool } from './actions/tool/toolGuard';
import { untisPlatformApiTest } from './shared/credentialTest';

/**
 * Untis Platform Data: the school's data, read-only, for AI agents (n8n offers it to the AI Agent
 * and the MCP Server Trigger as "Untis Platform Data Tool"). It reads what the companion node's
 * typed operations read, through the same code, and nothing else: no token, no unsealing, no
 * raw API request. The tenant comes from the workflow; a model fills only a few typed arguments.
 */
export class UntisPlatformData implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Untis Platform Data',
		name: 'untisPlatformData',
		icon: { light: 'file:untisPlatform.svg', dark: 'file:untisPlatform.dark.svg' },
		group: ['transform'],
		version: 1,
		// The companion's subtitle (display names, a literal as n8n's scanner wants); every read here
		// is one of its pairs. test/unit/editorTexts.test.cts checks both equal operationSubtitle.
		subtitle:
			'={{ ({"academicSession:get":"Academic Session: Get","academicSession:getMany":"Academic Session: Get Many","class:get":"Class: Get","class:getMany":"Class: Get Many","enrollment:get":"Enrollment: Get","enrollment:getMany":"Enrollment: Get Many","enrollment:getManyOfClass":"Enrollment: Get Many of a Class","enrollment:getManyOfSchool":"Enrollment: Get Many of a School","lesson:getMany":"Lesson (Extern): Get Many","org:get":"Org / School: Get","org:getMany":"Org / School: Get Many","org:getManySchools":"Org / School: Get Many Schools","org:getSchool":"Org / School: Get School","platform:apiRequest":"API Request","platform:confirmDelivery":"Confirm Delivery","platform:createCredentialsEvent":"Create Credentials Event","platform:getAccessToken":"Get Access Token","platform:reseal":"Reseal","platform:respondWithCalendar":"Respond with Calendar","platform:unsealSecrets":"Unseal Secrets","platform:verifySignature":"Verify Signature","student:get":"Student: Get","student:getMany":"Student: Get Many","student:getManyOfClass":"Student: Get Many of a Class","student:getManyOfSchool":"Student: Get Many of a School","externStudent:getMany":"Student (Extern): Get Many","teacher:get":"Teacher: Get","teacher:getMany":"Teacher: Get Many","teacher:getManyOfClass":"Teacher: Get Many of a Class","teacher:getManyOfSchool":"Teacher: Get Many of a School","timetable:get":"Timetable (Extern): Get","timetable:getDeletedPeriods":"Timetable (Extern): Get Deleted Periods","user:get":"User: Get","user:getMany":"User: Get Many"})[($parameter["resource"] || "platform") + ":" + $parameter["operation"]] ?? $parameter["operation"] }}',
		description: "Read a school's Untis data (OneRoster, timetable, students, lessons) for an AI agent: read-only, capped, without secrets",
		defaults: { name: 'Untis Platform Data' },
		// Read-only by construction: a tool for AI agents (n8n names the tool variant untisPlatformDataTool).
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'untisPlatformApi', required: true, testedBy: 'untisPlatformApiTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: resources.filter((resource) => resource.option.value !== PLATFORM).map((resource) => resource.option),
				default: 'student',
				description: 'What to read',
			},
			...resources
				.filter((resource) => resource.option.value !== PLATFORM)
				.map((resource) => ({
					displayName: 'Operation',
					name: 'operation',
					type: 'options' as const,
					noDataExpression: true,
					displayOptions: { show: { resource: [resource.option.value] } },
					// The action is what n8n's automatic tool description says: what the read returns.
					options: resource.operations.map(({ option }) => toolOption(resource.option.value, option)),
					default: resource.defaultOperation,
					description: `What to read: ${resource.option.description}`,
				})),
			...tenantParameters(),
			...modelParameters(),
			...outputParameters(),
		],
	};

	methods = { credentialTest: { untisPlatformApiTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const sealer = lazySealer(this);
		const asTool = runsAsTool(this);
		const output: INodeExecutionData[] = [];
		for (let index = 0; index < items.length; index++) {
			let json: IDataObject;
			try {
				json = await readForModel(this, index, sealer, MODEL_FIELD_NAMES);
			} catch (error) {
				const text = toolErrorText(error, await secretsOf(this, index, sealer));
				// A model reads the error as its answer and can act on it; a plain workflow stops, as n8n's nodes do.
				if (!asTool && !this.continueOnFail()) throw new NodeOperationError(this.getNode(), text, { itemIndex: index });
				json = { error: text };
			}
			output.push({ json, pairedItem: { item: index } });
		}
		return [output];
	}
}
