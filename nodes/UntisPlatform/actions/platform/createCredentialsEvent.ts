import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { resolveApiBase } from '../../core/api/apiBase';
import { CHECK_TIMEOUT_MS, checkWithPlatform } from '../../core/api/platformCheck';
import type { CredentialData } from '../../core/webhook/credentialCheck';
import type { SecretsMode } from '../../core/webhook/delivery';
import { deliveryIdsFor } from '../../core/webhook/deliveryIds';
import { manualCredentialsItem } from '../../core/webhook/manualEntry';
import { forOperation, type Operation } from '../operation';
import { opened, secretsFields, secretsPolicy, type SealerOf } from '../sealerOf';
import { n8nSend } from '../untisTransport';

async function execute(context: IExecuteFunctions, index: number, _item: unknown, sealer: SealerOf): Promise<IDataObject> {
	const tenantId = context.getNodeParameter('tenantId', index);
	// Values already sealed (e.g. copied from a stored row) are opened for this tenant, then
	// sealed again like typed-in ones: under the current key, as sealed:v2.
	const secretOf = async (field: 'secret' | 'password') => {
		const value = context.getNodeParameter(field, index);
		return typeof value === 'string' ? await opened(value, sealer, { tenantId: String(tenantId ?? '').trim(), field }) : value;
	};
	const input: IDataObject = {
		tenantId,
		clientId: context.getNodeParameter('clientId', index),
		secret: await secretOf('secret'),
		password: await secretOf('password'),
		host: context.getNodeParameter('host', index),
		...(context.getNodeParameter('additionalFields', index, {}) as IDataObject),
	};
	const mode = context.getNodeParameter('secrets', index, 'seal') as SecretsMode;
	// The deliveryId is keyed like the trigger's, so the credential's Encryption Key is needed in every mode.
	const credential = (await context.getCredentials('untisPlatformApi')) as unknown as CredentialData;
	const item = manualCredentialsItem(input, {
		secrets: await secretsPolicy(mode, sealer),
		deliveryIds: deliveryIdsFor(credential.encryptionKey),
	}) as IDataObject;
	// Version 1 has no such field (the fallback keeps it unchecked); 1.1 checks by default.
	if (context.getNodeParameter('checkWithPlatform', index, false) === true) {
		const result = await checkWithPlatform(n8nSend(context), {
			apiBase: resolveApiBase(credential).url,
			tenantId: String(item.tenantId),
			clientId: String(item.clientId),
			password: String(input.password ?? '').trim(),
			timeout: CHECK_TIMEOUT_MS,
		});
		if (!result.ok) throw new Error(result.message);
	}
	return item;
}


const show = forOperation('createCredentialsEvent');

export const createCredentialsEvent: Operation = {
	option: {
		name: 'Create Credentials Event',
		value: 'createCredentialsEvent',
		description:
			"Manual-entry fallback: turn typed-in credentials into the trigger's credentials event (eventType MANUAL)",
		action: 'Create a credentials event',
	},
	fields: [
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The OIDC client secret, as shown in the platform (a sealed value of this tenant is opened and sealed again)',
			displayOptions: show,
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The platform password (the second value, not the secret); a sealed value of this tenant is opened and sealed again',
			displayOptions: show,
		},
		...secretsFields('createCredentialsEvent', 'manualPlainNotice'),
		{
			displayName: 'Check with the Platform',
			name: 'checkWithPlatform',
			type: 'boolean',
			default: true,
			description:
				"Whether to request a token for the tenant ID, client ID and password at the credential's API base first: an entry the platform refuses fails the item and is not emitted, so it cannot overwrite a school the platform delivered. The token is discarded.",
			displayOptions: { show: { operation: ['createCredentialsEvent'], '@version': [{ _cnd: { gte: 1.1 } }] } },
		},
		{
			displayName: 'Without the check, a mistyped or invented entry is emitted as typed and can overwrite a school that the platform delivered',
			name: 'manualNoCheckNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { operation: ['createCredentialsEvent'], checkWithPlatform: [false], '@version': [{ _cnd: { gte: 1.1 } }] } },
		},
		{
			displayName: 'Additional Fields',
			name: 'additionalFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			displayOptions: show,
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
	execute,
};
