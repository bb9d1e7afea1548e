import type { IExecuteFunctions } from 'n8n-workflow';

import type { CredentialData } from '../core/credentialCheck';
import type { SecretsMode, SecretsPolicy } from '../core/delivery';
import { isSealed, sealerFor, type Sealer } from '../core/sealing';

/** The credential's sealer, read once per execution rather than once per item. */
export type SealerOf = () => Promise<Sealer>;

export function lazySealer(context: IExecuteFunctions): SealerOf {
	let sealer: Promise<Sealer> | undefined;
	return () =>
		(sealer ??= context
			.getCredentials('untisPlatformApi')
			.then((credential) => sealerFor((credential as unknown as CredentialData).encryptionKey)));
}

export async function secretsPolicy(mode: SecretsMode, sealer: SealerOf): Promise<SecretsPolicy> {
	if (mode !== 'seal') return { mode: mode === 'plain' ? 'plain' : 'omit' };
	return { mode, sealer: await sealer() };
}

/** Opens a sealed value with the credential's key; plain values pass through unchanged. */
export async function opened(value: string, sealer: SealerOf): Promise<string> {
	return isSealed(value) ? (await sealer()).unseal(value) : value;
}
