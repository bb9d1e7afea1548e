import type { CredentialData } from './credentialCheck';
import { keyRingFor, type VerificationKey } from './keys';
import { Sealer, parseEncryptionKey } from './sealing';

/**
 * What the trigger derives from its credential, once per change of the credential rather than per
 * request (see credentialCache.ts). The key list must parse, whatever the Secrets setting; the
 * Encryption Key only matters when secrets are sealed, so its error is kept, not thrown.
 */
export interface TriggerCredential {
	keys: VerificationKey[];
	sealer: Sealer | Error;
}

export function deriveTriggerCredential(credential: CredentialData): TriggerCredential {
	let sealer: Sealer | Error;
	try {
		// Not sealerFor: its memo is keyed by the key's text, which this cache must not hold.
		sealer = new Sealer(parseEncryptionKey(credential.encryptionKey));
	} catch (error) {
		sealer = error as Error;
	}
	return { keys: keyRingFor(credential), sealer };
}
