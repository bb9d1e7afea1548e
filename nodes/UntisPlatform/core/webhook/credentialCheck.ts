import { describeApiBase } from '../api/apiBase';
import { buildKeyRing, parsePublicKeys, type KeyConfig, type VerificationKey } from './keys';
import { parseEncryptionKey, parsePreviousEncryptionKeys, Sealer, type SealingKeys } from '../sealing/sealing';

export interface CredentialData extends KeyConfig, SealingKeys {
	/** Empty: the environment's default (apiBase.ts). */
	apiBaseUrl?: string;
}

export interface CredentialCheck {
	ok: boolean;
	message: string;
}

const describeKey = (key: VerificationKey) => `${key.label} (RSA-${key.signatureBytes * 8})`;

/** "1 of 2 custom public keys parsed: custom #1 (RSA-2048). " when some of the pasted keys fail. */
function customKeysParsed(data: CredentialData): string {
	const custom = parsePublicKeys(data.publicKeys ?? '');
	if (custom.errors.length === 0) return '';
	const total = custom.keys.length + custom.errors.length;
	const parsed = custom.keys.length ? `: ${custom.keys.map(describeKey).join(', ')}` : '';
	return `${custom.keys.length} of ${total} custom public keys parsed${parsed}. `;
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
		return { ok: false, message: `${customKeysParsed(data)}${(error as Error).message}` };
	}
	const labels = ring.map(describeKey);
	const summary = `${ring.length} public key${ring.length === 1 ? '' : 's'} parsed: ${labels.join(', ')}.`;
	let current: Buffer;
	try {
		current = parseEncryptionKey(data.encryptionKey);
	} catch (error) {
		return { ok: false, message: `${summary} ${(error as Error).message}` };
	}
	let sealer: Sealer;
	try {
		sealer = new Sealer(current, parsePreviousEncryptionKeys(data.previousEncryptionKeys));
	} catch (error) {
		const valid = `The encryption key ${new Sealer(current).keyId} is valid.`;
		return { ok: false, message: `${summary} ${valid} ${(error as Error).message}` };
	}
	// The key ids, so a vendor can match them with the ids in stored sealed values.
	const keys = `The encryption key is valid; sealing keys: ${sealer.describeKeys()}.`;
	// Reported, not called: the token endpoint needs a tenant's credentials, which the credential does not hold.
	const apiBase = describeApiBase(data);
	return { ok: apiBase.ok, message: `${summary} ${keys} ${apiBase.message}` };
}
