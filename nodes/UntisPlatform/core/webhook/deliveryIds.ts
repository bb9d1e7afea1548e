import { createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';

import { parseEncryptionKey } from '../sealing/sealing';

/**
 * deliveryId: the same delivery gets the same id, a different delivery (even one that differs only
 * in its password) a different one. The body holds the school's secret and password in plain
 * text, so a bare hash of it would let anyone holding an item test guesses of them offline, even
 * when Secrets = Omit. The id is therefore an HMAC-SHA-256 of the raw body under a key derived
 * from the credential's Encryption Key:
 *
 *   idKey = HKDF-SHA-256(ikm = Encryption Key bytes, salt = empty, info = DELIVERY_ID_INFO, 32 bytes)
 *   deliveryId = hex(HMAC-SHA-256(idKey, raw body))
 *
 * The derived key is used for nothing else, so the id reveals nothing about the sealing key.
 */
export const DELIVERY_ID_INFO = 'untis-platform deliveryId v1';

export class DeliveryIds {
	private readonly key: KeyObject;

	constructor(encryptionKey: Buffer) {
		const derived = hkdfSync('sha256', encryptionKey, Buffer.alloc(0), DELIVERY_ID_INFO, 32);
		this.key = createSecretKey(Buffer.from(derived));
	}

	/** Hex HMAC-SHA-256 of the bytes: 64 characters, like the SHA-256 ids before it. */
	of(body: Buffer): string {
		return createHmac('sha256', this.key).update(body).digest('hex');
	}
}

export class DeliveryIdKeyError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'DeliveryIdKeyError';
	}
}

/**
 * The DeliveryIds of a credential's Encryption Key. Throws when the key is unusable: every Secrets
 * mode needs it, because an unkeyed id would be the oracle again.
 */
export function keyedDeliveryIds(encryptionKey: string | undefined): DeliveryIds {
	let raw: Buffer | undefined;
	let problem = '';
	try {
		raw = parseEncryptionKey(encryptionKey);
	} catch (error) {
		problem = (error as Error).message;
	}
	// Thrown outside the catch: the core reports its own error type, not n8n's.
	if (!raw) {
		throw new DeliveryIdKeyError(`deliveryId is keyed with the credential's Encryption Key, which every Secrets setting needs: ${problem}`);
	}
	return new DeliveryIds(raw);
}

const MAX_CACHED = 64;
const cache = new Map<string, DeliveryIds>();

/** keyedDeliveryIds, derived once per distinct Encryption Key rather than per item. */
export function deliveryIdsFor(encryptionKey: string | undefined): DeliveryIds {
	const cacheKey = encryptionKey ?? '';
	let ids = cache.get(cacheKey);
	if (!ids) {
		ids = keyedDeliveryIds(encryptionKey);
		if (cache.size >= MAX_CACHED) cache.clear();
		cache.set(cacheKey, ids);
	}
	return ids;
}
