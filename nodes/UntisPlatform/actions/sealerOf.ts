import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CredentialData } from '../core/webhook/credentialCheck';
import type { SecretsMode, SecretsPolicy } from '../core/webhook/delivery';
import { isSealed, openField, sealerForCredential, type SealContext, type Sealer } from '../core/sealing/sealing';

/** The credential's sealer (Encryption Key and Previous Encryption Keys), read once per execution. */
export type SealerOf = () => Promise<Sealer>;

export function lazySealer(context: IExecuteFunctions): SealerOf {
	let sealer: Promise<Sealer> | undefined;
	return () =>
		(sealer ??= context
			.getCredentials('untisPlatformApi')
			.then((credential) => sealerForCredential(credential as unknown as CredentialData)));
}

/**
 * The Secrets setting of the operations and nodes that output a credentials item (read by
 * secretsPolicy), and the notice that Plain, which weakens it, shows. `operation` limits both to
 * one companion operation; without it they always show (the Manual Entry Trigger).
 */
export function secretsFields(operation: string | undefined, noticeName: string): INodeProperties[] {
	const only = operation === undefined ? {} : { operation: [operation] };
	return [
		{
			displayName: 'Secrets',
			name: 'secrets',
			type: 'options',
			options: [
				{ name: 'Seal (Recommended)', value: 'seal', description: "Encrypted with the credential's Encryption Key, as the trigger does" },
				{ name: 'Plain', value: 'plain', description: 'Stored in plain text in the execution history' },
				{ name: 'Omit', value: 'omit', description: 'Set to null' },
			],
			default: 'seal',
			description: 'How secret and password appear in the output, as in the trigger',
			...(operation === undefined ? {} : { displayOptions: { show: only } }),
		},
		{
			displayName:
				"Plain secrets are stored unencrypted in n8n's execution history and shown to everyone who can open this workflow's executions",
			name: noticeName,
			type: 'notice',
			default: '',
			displayOptions: { show: { ...only, secrets: ['plain'] } },
		},
	];
}

export async function secretsPolicy(mode: SecretsMode, sealer: SealerOf): Promise<SecretsPolicy> {
	if (mode !== 'seal') return { mode: mode === 'plain' ? 'plain' : 'omit' };
	return { mode, sealer: await sealer() };
}

/**
 * Opens a sealed value (sealed:v1 or v2, current or previous key) for the tenant and field it
 * belongs to; plain values pass through unchanged. The sealer is only read when needed.
 */
export async function opened(value: string, sealer: SealerOf, context: SealContext): Promise<string> {
	return isSealed(value) ? (openField(await sealer(), value, context) as string) : value;
}
