import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CredentialData } from '../core/webhook/credentialCheck';
import type { SecretsMode } from '../core/webhook/delivery';
import { deliveryIdsFor } from '../core/webhook/deliveryIds';
import { manualCredentialsItem } from '../core/webhook/manualEntry';
import { forOperation, type Operation } from './operation';
import { opened, secretsFields, secretsPolicy, type SealerOf } from './sealerOf';

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
	return manualCredentialsItem(input, {
		secrets: await secretsPolicy(mode, sealer),
		deliveryIds: deliveryIdsFor(credential.encryptionKey),
	}) as IDataObject;
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
