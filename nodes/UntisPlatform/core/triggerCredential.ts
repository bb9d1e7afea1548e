import type { CredentialData } from './credentialCheck';
import { DeliveryIdKeyError, DeliveryIds } from './deliveryIds';
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
	/** Every Secrets mode needs it (the id is keyed); kept as an error so the node can say so. */
	deliveryIds: DeliveryIds | Error;
}

export function deriveTriggerCredential(credential: CredentialData): TriggerCredential {
	let sealer: Sealer | Error;
	let deliveryIds: DeliveryIds | Error;
	try {
		// Not sealerFor/deliveryIdsFor: their memos are keyed by the key's text, which this cache must not hold.
		const encryptionKey = parseEncryptionKey(credential.encryptionKey);
		sealer = new Sealer(encryptionKey);
		deliveryIds = new DeliveryIds(encryptionKey);
	} catch (error) {
		sealer = error as Error;
		deliveryIds = new DeliveryIdKeyError(
			`deliveryId is keyed with the credential's Encryption Key, which every Secrets setting needs: ${(error as Error).message}`,
		);
	}
	return { keys: keyRingFor(credential), sealer, deliveryIds };
}
