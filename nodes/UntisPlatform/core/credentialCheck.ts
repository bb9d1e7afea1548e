import { buildKeyRing, type KeyConfig, type VerificationKey } from './keys';
import { parseEncryptionKey } from './sealing';

export interface CredentialData extends KeyConfig {
	encryptionKey?: string;
}

export interface CredentialCheck {
	ok: boolean;
	message: string;
}

/**
 * What the credential's Test button reports, computed locally: the platform has no endpoint to
 * call, and a key list that parses is the thing that can actually be wrong.
 */
export function checkCredential(data: CredentialData): CredentialCheck {
	let ring: VerificationKey[];
	try {
		ring = buildKeyRing(data);
	} catch (error) {
		return { ok: false, message: (error as Error).message };
	}
	const labels = ring.map((key) => `${key.label} (RSA-${key.signatureBytes * 8})`);
	const summary = `${ring.length} public key${ring.length === 1 ? '' : 's'} parsed: ${labels.join(', ')}`;
	try {
		parseEncryptionKey(data.encryptionKey);
	} catch (error) {
		return { ok: false, message: `${summary}, but ${(error as Error).message}` };
	}
	return { ok: true, message: `${summary}; Encryption Key is valid` };
}
