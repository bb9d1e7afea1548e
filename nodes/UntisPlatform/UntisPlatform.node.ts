import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import type { CredentialData } from './core/credentialCheck';
import type { SecretsMode, SecretsPolicy } from './core/delivery';
import { manualCredentialsItem } from './core/manualEntry';
import { isSealed, sealerFor, type Sealer } from './core/sealing';
import { buildTokenRequest, readTokenResponse } from './core/token';
import { untisPlatformApiTest } from './shared/credentialTest';

type Operation = 'getAccessToken' | 'unsealSecrets' | 'createCredentialsEvent';

/** The credential's sealer, read once per execution rather than once per item. */
type SealerOf = () => Promise<Sealer>;

function lazySealer(context: IExecuteFunctions): SealerOf {
	let sealer: Promise<Sealer> | undefined;
	return () =>
		(sealer ??= context
			.getCredentials('untisPlatformApi')
			.then((credential) => sealerFor((credential as unknown as CredentialData).encryptionKey)));
}

async function secretsPolicy(mode: SecretsMode, sealer: SealerOf): Promise<SecretsPolicy> {
	if (mode !== 'seal') return { mode: mode === 'plain' ? 'plain' : 'omit' };
	return { mode, sealer: await sealer() };
}

/** Opens a sealed value with the credential's key; plain values pass through unchanged. */
async function opened(value: string, sealer: SealerOf): Promise<string> {
	return isSealed(value) ? (await sealer()).unseal(value) : value;
}

const NETWORK_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'the host refused the connection',
	ENOTFOUND: 'the host name was not found',
	ECONNRESET: 'the connection was reset',
	EAI_AGAIN: 'the host name could not be resolved',
};

async function getAccessToken(context: IExecuteFunctions, index: number, sealer: SealerOf): Promise<IDataObject> {
	const tenantId = context.getNodeParameter('tenantId', index) as string;
	const request = buildTokenRequest({
		tenantId,
		clientId: context.getNodeParameter('clientId', index) as string,
		password: await opened(context.getNodeParameter('password', index) as string, sealer),
		host: context.getNodeParameter('host', index) as string,
	});
	const timeout = context.getNodeParameter('timeout', index, 10000) as number;
	let response: { statusCode: number; body: unknown } | undefined;
	let failure: string | undefined;
	try {
		response = await context.helpers.httpRequest({
			method: 'POST',
			url: request.url,
			headers: request.headers,
			body: request.body,
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout,
		});
	} catch (error) {
		// Only the error's code and message: the request it carries holds the Basic-auth header.
		const { code, message } = error as { code?: string; message?: string };
		// Plain words: n8n rewrites messages that contain raw socket error codes.
		failure = /timeout|ETIMEDOUT|ECONNABORTED/i.test(`${code} ${message}`)
			? `no answer within ${timeout} ms`
			: (NETWORK_FAILURES[code ?? ''] ?? 'network error');
	}
	if (!response) {
		throw new NodeOperationError(context.getNode(), `Token request for tenant '${tenantId}' failed: ${failure}`);
	}
	return { tenantId, ...readTokenResponse(tenantId, response.statusCode, response.body) };
}

async function unsealSecrets(
	context: IExecuteFunctions,
	index: number,
	item: INodeExecutionData,
	sealer: SealerOf,
): Promise<IDataObject> {
	const fields = (context.getNodeParameter('fields', index, 'secret,password') as string)
		.split(',')
		.map((field) => field.trim())
		.filter(Boolean);
	const json: IDataObject = { ...item.json };
	for (const field of fields) {
		const value = json[field];
		if (typeof value === 'string') json[field] = await opened(value, sealer);
	}
	if (json.secrets === 'sealed') json.secrets = 'plain';
	return json;
}

async function createCredentialsEvent(context: IExecuteFunctions, index: number, sealer: SealerOf): Promise<IDataObject> {
	const input: IDataObject = {
		tenantId: context.getNodeParameter('tenantId', index),
		clientId: context.getNodeParameter('clientId', index),
		secret: context.getNodeParameter('secret', index),
		password: context.getNodeParameter('password', index),
		host: context.getNodeParameter('host', index),
		...(context.getNodeParameter('additionalFields', index, {}) as IDataObject),
	};
	const mode = context.getNodeParameter('secrets', index, 'seal') as SecretsMode;
	return manualCredentialsItem(input, { secrets: await secretsPolicy(mode, sealer) }) as IDataObject;
}

const forOperation = (operation: Operation[]) => ({ show: { operation } });

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
		// Deliberately not a tool for AI agents: Unseal Secrets returns a school's secret and password
		// in plain text and Get Access Token a bearer token, and an agent could be talked into
		// returning them. n8n cannot hide single operations from tool use (display options only hide
		// them in the editor), so the node is no tool at all: n8n makes a tool of truthy values only.
		usableAsTool: undefined,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'untisPlatformApi', required: true, testedBy: 'untisPlatformApiTest' }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Create Credentials Event',
						value: 'createCredentialsEvent',
						description:
							'Manual-entry fallback: turn typed-in credentials into the trigger\'s credentials event (eventType MANUAL)',
						action: 'Create a credentials event',
					},
					{
						name: 'Get Access Token',
						value: 'getAccessToken',
						description: "Client-credentials grant for one tenant, with its clientId and password",
						action: 'Get an access token',
					},
					{
						name: 'Unseal Secrets',
						value: 'unsealSecrets',
						description: 'Turn the trigger\'s sealed secret and password back into plain text',
						action: 'Unseal secrets',
					},
				],
				default: 'getAccessToken',
				description: 'What to do with the Untis Platform credentials on each item',
			},
			{
				displayName: 'Tenant ID',
				name: 'tenantId',
				type: 'string',
				default: '={{ $json.tenantId }}',
				required: true,
				description: 'The school\'s tenant ID, as in the credentials event',
				displayOptions: forOperation(['getAccessToken', 'createCredentialsEvent']),
			},
			{
				displayName: 'Client ID',
				name: 'clientId',
				type: 'string',
				default: '={{ $json.clientId }}',
				required: true,
				description: 'The tenant\'s OIDC client ID (the Basic-auth user of the token request)',
				displayOptions: forOperation(['getAccessToken', 'createCredentialsEvent']),
			},
			{
				displayName: 'Password',
				name: 'password',
				type: 'string',
				typeOptions: { password: true },
				default: '={{ $json.password }}',
				required: true,
				description:
					'The tenant\'s platform password (not the secret), sealed by the trigger or plain; sealed values are opened with the credential\'s Encryption Key',
				displayOptions: forOperation(['getAccessToken']),
			},
			{
				displayName: 'Host',
				name: 'host',
				type: 'string',
				default: '={{ $json.host }}',
				required: true,
				description: 'The school\'s platform host, with or without https://',
				displayOptions: forOperation(['getAccessToken', 'createCredentialsEvent']),
			},
			{
				displayName: 'Timeout (Ms)',
				name: 'timeout',
				type: 'number',
				default: 10000,
				description: 'How long to wait for the platform\'s answer',
				displayOptions: forOperation(['getAccessToken']),
			},
			{
				displayName:
					'Unsealed values are stored in plain text in this workflow\'s execution history. Unseal only right before the node that needs them.',
				name: 'unsealNotice',
				type: 'notice',
				default: '',
				displayOptions: forOperation(['unsealSecrets']),
			},
			{
				displayName: 'Fields',
				name: 'fields',
				type: 'string',
				default: 'secret,password',
				description: 'Comma-separated fields of the input item to unseal; plain values pass through',
				displayOptions: forOperation(['unsealSecrets']),
			},
			{
				displayName: 'Secret',
				name: 'secret',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				required: true,
				description: 'The OIDC client secret, as shown in the platform',
				displayOptions: forOperation(['createCredentialsEvent']),
			},
			{
				displayName: 'Password',
				name: 'password',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				required: true,
				description: 'The platform password (the second value, not the secret)',
				displayOptions: forOperation(['createCredentialsEvent']),
			},
			{
				displayName: 'Secrets',
				name: 'secrets',
				type: 'options',
				options: [
					{ name: 'Seal (Recommended)', value: 'seal', description: 'Encrypted like the trigger does' },
					{ name: 'Plain', value: 'plain', description: 'Stored in plain text in the execution history' },
					{ name: 'Omit', value: 'omit', description: 'Set to null' },
				],
				default: 'seal',
				description: 'How secret and password appear in the output, as in the trigger',
				displayOptions: forOperation(['createCredentialsEvent']),
			},
			{
				displayName: 'Additional Fields',
				name: 'additionalFields',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				displayOptions: forOperation(['createCredentialsEvent']),
				options: [
					{ displayName: 'Activator Email', name: 'activatorEmail', type: 'string', placeholder: 'name@email.com', default: '', description: 'Email of the admin who activated the app' },
					{ displayName: 'Activator Username', name: 'activatorUsername', type: 'string', default: '', description: 'Username of the admin who activated the app' },
					{ displayName: 'Country', name: 'country', type: 'string', default: '', description: 'Country of the school, e.g. AT' },
					{ displayName: 'Language', name: 'language', type: 'string', default: '', description: 'Primary language of the school, e.g. de' },
					{ displayName: 'Region', name: 'region', type: 'string', default: '', description: 'Region of the school, e.g. AT-3' },
					{ displayName: 'School Email', name: 'schoolEmail', type: 'string', default: '', description: 'Contact email of the school' },
					{ displayName: 'School Phone Number', name: 'schoolPhoneNumber', type: 'string', default: '', description: 'Contact phone number of the school' },
				],
			},
		],
	};

	methods = { credentialTest: { untisPlatformApiTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as Operation;
		const output: INodeExecutionData[] = [];
		const sealer = lazySealer(this);
		for (let index = 0; index < items.length; index++) {
			let json: IDataObject | undefined;
			let failure: string | undefined;
			try {
				if (operation === 'getAccessToken') json = await getAccessToken(this, index, sealer);
				else if (operation === 'unsealSecrets') json = await unsealSecrets(this, index, items[index], sealer);
				else json = await createCredentialsEvent(this, index, sealer);
			} catch (error) {
				failure = (error as Error).message;
			}
			if (failure !== undefined) {
				if (!this.continueOnFail()) throw new NodeOperationError(this.getNode(), failure, { itemIndex: index });
				json = { error: failure };
			}
			output.push({ json: json as IDataObject, pairedItem: { item: index } });
		}
		return [output];
	}
}
