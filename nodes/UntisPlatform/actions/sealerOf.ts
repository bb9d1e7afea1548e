import type { IExecuteFunctions } from 'n8n-workflow';

import type { CredentialData } from '../core/credentialCheck';
import type { SecretsMode, SecretsPolicy } from '../core/delivery';
import { isSealed, openField, sealerForCredential, type SealContext, type Sealer } from '../core/sealing';

/** The credential's sealer (Encryption Key and Previous Encryption Keys), read once per execution. */
export type SealerOf = () => Promise<Sealer>;

export function lazySealer(context: IExecuteFunctions): SealerOf {
	let sealer: Promise<Sealer> | undefined;
	return () =>
		(sealer ??= context
			.getCredentials('untisPlatformApi')
			.then((credential) => sealerForCredential(credential as unknown as CredentialData)));
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
