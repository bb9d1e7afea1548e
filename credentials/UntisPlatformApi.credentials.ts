import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * What verifies the platform's requests (its public keys) and what seals the school's secrets.
 * No API is called with it: the Test button is a local check (see the trigger's credentialTest).
 */
export class UntisPlatformApi implements ICredentialType {
	name = 'untisPlatformApi';

	displayName = 'Untis Platform API';

	icon: Icon = {
		light: 'file:../nodes/UntisPlatform/untisPlatform.svg',
		dark: 'file:../nodes/UntisPlatform/untisPlatform.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-untis-platform/n8n-nodes-untis-platform#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{
					name: 'Production',
					value: 'production',
					description: 'Untis Platform production, verified with its published key',
				},
				{
					name: 'Integration',
					value: 'integration',
					description: 'Untis integration (test) environment, verified with both published keys',
				},
				{
					name: 'Custom',
					value: 'custom',
					description: 'Only the keys pasted below and the API Base URL you enter, e.g. for a test platform of your own',
				},
			],
			default: 'production',
			description:
				'Which Untis Platform signs the requests. Production and Integration carry the keys Untis publishes.',
		},
		{
			displayName: 'Public Keys',
			name: 'publicKeys',
			type: 'string',
			typeOptions: { rows: 6 },
			default: '',
			placeholder: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA...',
			hint: 'Needed for Custom; with Production or Integration only while Untis rotates its key',
			description:
				'Extra RSA public keys, one per block, separated by blank lines: bare base64 (as Untis publishes them) or PEM (BEGIN PUBLIC KEY / BEGIN RSA PUBLIC KEY). Required for Custom; with a preset, add the new key here during a key rotation. A published trigger applies an added key on its next request, and stops accepting a removed key within 60 seconds (on a single process at once if you deactivate and activate the workflow; in queue mode and multi-main only the 60 s bound holds).',
		},
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.webuntis.com',
			hint: 'Empty: https://api.webuntis.com for Production, https://api.integration.webuntis.dev for Integration. Required for Custom: the check on Save fails without it.',
			description:
				"Where the tenants' token endpoint (/WebUntis/api/sso/v3/{tenantId}/token) and data APIs live. The Manual Entry form's check and every API call use it, by the same rule as the check on Save. Leave it empty for the environment's default; enter another address (a stand-in such as the demo's, or your own for Custom) to override it.",
		},
		// A symmetric key that opens every sealed school secret: it must be masked.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Encryption Key',
			name: 'encryptionKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			hint: 'Generate one with <code>openssl rand -base64 32</code> and keep a copy: only this key opens the sealed values',
			description:
				"Seals each school's secret and password (AES-256-GCM) before they reach the workflow. 32 random bytes as base64 or hex: generate one with openssl rand -base64 32 and keep a copy in your secrets store, since the same key opens the sealed values. A published trigger seals with a changed key within 60 seconds (on a single process at once if you deactivate and activate the workflow; in queue mode and multi-main only the 60 s bound holds).",
		},
		// Old keys still open every value sealed with them: masked like the current key.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Previous Encryption Keys',
			name: 'previousEncryptionKeys',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			hint: 'Only while rotating: the old key here, the new one above, then run Reseal on every stored row',
			description:
				"Optional. Keys that sealed values in the past, one per line (spaces or commas also separate them), each base64 or hex like the Encryption Key. They only open values (each value names its key's ID); new values are always sealed with the Encryption Key. Remove a key once the Reseal operation has moved every stored value to the current key.",
		},
	];
}
