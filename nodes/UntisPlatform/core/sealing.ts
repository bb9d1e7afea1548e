import {
	createCipheriv,
	createDecipheriv,
	createHash,
	createSecretKey,
	randomFillSync,
	type KeyObject,
} from 'node:crypto';

/**
 * Secret sealing: n8n stores every execution's output in its database, so a school's `secret`
 * and `password` leave the trigger only as an authenticated ciphertext.
 *
 * Format (one opaque string, versioned so it can change without ambiguity):
 *   sealed:v1:<keyId>:<base64( iv[12] || ciphertext || tag[16] )>
 * - AES-256-GCM, a random 96-bit IV per value, no additional authenticated data.
 * - keyId: first 8 hex characters of SHA-256(key), so a wrong key is named as such instead of
 *   failing as "corrupt".
 * - The key: 32 random bytes, given as base64 (44 characters) or hex (64 characters).
 */
export const SEAL_PREFIX = 'sealed:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export const ENCRYPTION_KEY_HINT =
	'It must be 32 random bytes as base64 or hex: generate one with `openssl rand -base64 32`';

export class SealingError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SealingError';
	}
}

/** Decodes the credential's encryption key; throws a SealingError that says how to fix it. */
export function parseEncryptionKey(text: string | undefined): Buffer {
	const value = (text ?? '').trim();
	if (value === '') throw new SealingError(`The Encryption Key is empty. ${ENCRYPTION_KEY_HINT}`);
	let key: Buffer | undefined;
	if (/^[0-9a-fA-F]{64}$/.test(value)) key = Buffer.from(value, 'hex');
	else if (/^[A-Za-z0-9+/]{43}=$/.test(value)) key = Buffer.from(value, 'base64');
	if (key?.length !== KEY_BYTES) {
		throw new SealingError(`The Encryption Key is not 32 bytes of base64 or hex. ${ENCRYPTION_KEY_HINT}`);
	}
	return key;
}

export function isSealed(value: unknown): value is string {
	return typeof value === 'string' && value.startsWith(SEAL_PREFIX);
}

// One CSPRNG call per 256 IVs instead of one per value: each call costs about as much as a whole
// AES-GCM seal. The IVs stay random 96-bit values and are never reused (each slice is taken once).
const IV_POOL = Buffer.alloc(IV_BYTES * 256);
let ivOffset = IV_POOL.length;

function nextIv(): Buffer {
	if (ivOffset >= IV_POOL.length) {
		randomFillSync(IV_POOL);
		ivOffset = 0;
	}
	const iv = Buffer.from(IV_POOL.subarray(ivOffset, ivOffset + IV_BYTES));
	ivOffset += IV_BYTES;
	return iv;
}

export class Sealer {
	readonly keyId: string;
	private readonly key: KeyObject;

	constructor(rawKey: Buffer) {
		this.key = createSecretKey(rawKey);
		this.keyId = createHash('sha256').update(rawKey).digest('hex').slice(0, 8);
	}

	seal(plaintext: string): string {
		const iv = nextIv();
		const cipher = createCipheriv('aes-256-gcm', this.key, iv);
		const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
		const sealed = Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64');
		return `${SEAL_PREFIX}${this.keyId}:${sealed}`;
	}

	unseal(sealed: string): string {
		if (!isSealed(sealed)) {
			throw new SealingError(`Value is not a sealed secret (it does not start with '${SEAL_PREFIX}')`);
		}
		const [keyId, payload = ''] = sealed.slice(SEAL_PREFIX.length).split(':');
		if (keyId !== this.keyId) {
			throw new SealingError(
				`Value was sealed with key ${keyId}, but the credential's Encryption Key is ${this.keyId}`,
			);
		}
		const raw = Buffer.from(payload, 'base64');
		if (raw.length < IV_BYTES + TAG_BYTES) throw new SealingError('Sealed value is truncated');
		const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
		decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
		let plaintext: string | undefined;
		try {
			plaintext = Buffer.concat([
				decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
				decipher.final(),
			]).toString('utf8');
		} catch {
			plaintext = undefined;
		}
		if (plaintext === undefined) {
			throw new SealingError('Sealed value failed authentication: it was altered or truncated');
		}
		return plaintext;
	}
}

const MAX_CACHED_SEALERS = 64;
const sealers = new Map<string, Sealer>();

/** One Sealer per distinct encryption key, parsed once rather than per request. */
export function sealerFor(encryptionKey: string | undefined): Sealer {
	const cacheKey = encryptionKey ?? '';
	let sealer = sealers.get(cacheKey);
	if (!sealer) {
		sealer = new Sealer(parseEncryptionKey(encryptionKey));
		if (sealers.size >= MAX_CACHED_SEALERS) sealers.clear();
		sealers.set(cacheKey, sealer);
	}
	return sealer;
}
