import type { CredentialData } from './credentialCheck';
import { keyedDeliveryIds, type DeliveryIds } from './deliveryIds';
import { keyRingFor, type VerificationKey } from './keys';
import { Sealer, parseEncryptionKey } from '../sealing/sealing';

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

// Not sealerFor/deliveryIdsFor: their memos are keyed by the key's text, which this cache must not hold.
export function deriveTriggerCredential(credential: CredentialData): TriggerCredential {
	return {
		keys: keyRingFor(credential),
		sealer: orError(() => new Sealer(parseEncryptionKey(credential.encryptionKey))),
		deliveryIds: orError(() => keyedDeliveryIds(credential.encryptionKey)),
	};
}

function orError<T>(derive: () => T): T | Error {
	try {
		return derive();
	} catch (error) {
		return error as Error;
	}
}
