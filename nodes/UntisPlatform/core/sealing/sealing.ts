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
 * and `password` leave the trigger only as an authenticated ciphertext, bound to its tenant and
 * field, under a key that can be rotated.
 *
 * Format (one opaque string, versioned so it can change without ambiguity):
 *   sealed:v2:<keyId>:<base64( iv[12] || ciphertext || tag[16] )>   (written since 1.0.0)
 *   sealed:v1:<keyId>:<base64( iv[12] || ciphertext || tag[16] )>   (0.1.x; opened forever)
 * - AES-256-GCM, a random 96-bit IV per value.
 * - v2 authenticates, without storing it, the value's context as associated data:
 *     u32be(len(tenantId)) || tenantId || u32be(len(field)) || field     (UTF-8, lengths in bytes)
 *   so a value copied onto another tenant, or from `secret` into `password`, fails to open.
 *   Length prefixes make the encoding unambiguous: ("ab","c") and ("a","bc") differ.
 * - v1 has no associated data: it opens wherever it is pasted (which is why v2 exists).
 * - keyId: first 8 hex characters of SHA-256(key). Opening picks the key by it (the current key
 *   or a previous one), so a value under an unknown key is named as such instead of "corrupt".
 * - A key: 32 random bytes, given as base64 (44 characters) or hex (64 characters).
 */
export const SEAL_V1_PREFIX = 'sealed:v1:';
export const SEAL_V2_PREFIX = 'sealed:v2:';
/** What new values start with. */
export const SEAL_PREFIX = SEAL_V2_PREFIX;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export const ENCRYPTION_KEY_HINT =
	'It must be 32 random bytes as base64 or hex: generate one with openssl rand -base64 32';

export class SealingError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SealingError';
	}
}

/** Where a sealed value belongs: a v2 value opens only in the same context it was sealed in. */
export interface SealContext {
	tenantId: string;
	field: string;
}

function decodeKey(value: string): Buffer | undefined {
	let key: Buffer | undefined;
	if (/^[0-9a-fA-F]{64}$/.test(value)) key = Buffer.from(value, 'hex');
	else if (/^[A-Za-z0-9+/]{43}=$/.test(value)) key = Buffer.from(value, 'base64');
	return key?.length === KEY_BYTES ? key : undefined;
}

/** Decodes the credential's encryption key; throws a SealingError that says how to fix it. */
export function parseEncryptionKey(text: string | undefined): Buffer {
	const value = (text ?? '').trim();
	if (value === '') throw new SealingError(`The Encryption Key is empty. ${ENCRYPTION_KEY_HINT}`);
	const key = decodeKey(value);
	if (!key) {
		throw new SealingError(`The Encryption Key is not 32 bytes of base64 or hex. ${ENCRYPTION_KEY_HINT}`);
	}
	return key;
}

// A single-line password input drops the line breaks of a pasted list: "A=\nB=" arrives as "A=B=".
// Keys have fixed lengths, so such a run is split back into keys rather than refused.
function splitJoinedKeys(token: string): string[] | undefined {
	for (const size of [44, 64]) {
		if (token.length <= size || token.length % size !== 0) continue;
		const parts: string[] = [];
		for (let at = 0; at < token.length; at += size) parts.push(token.slice(at, at + size));
		if (parts.every((part) => decodeKey(part))) return parts;
	}
	return undefined;
}

/**
 * Decodes Previous Encryption Keys: one per line (spaces or commas also separate them), each
 * base64 or hex like the current key. Empty means none. Throws a SealingError naming the key.
 */
export function parsePreviousEncryptionKeys(text: string | undefined): Buffer[] {
	const tokens = (text ?? '').split(/[\s,;]+/).filter(Boolean);
	const keys: Buffer[] = [];
	tokens.flatMap((token) => splitJoinedKeys(token) ?? [token]).forEach((token, index) => {
		const key = decodeKey(token);
		if (!key) {
			throw new SealingError(
				`Previous Encryption Key #${index + 1} is not 32 bytes of base64 or hex: put one key per line, each as it was the Encryption Key`,
			);
		}
		keys.push(key);
	});
	return keys;
}

/** True for any `sealed:v<n>:` string, so an unknown version is refused, never passed on as plain. */
export function isSealed(value: unknown): value is string {
	return typeof value === 'string' && /^sealed:v\d+:/.test(value);
}

/** The keyId a sealed value names, or undefined when it is not sealed. */
export function sealedKeyId(value: unknown): string | undefined {
	return isSealed(value) ? value.split(':')[2] : undefined;
}

/** The v2 associated data: length-prefixed UTF-8 tenantId, then field. */
export function associatedData(context: SealContext): Buffer {
	// One allocation: this runs for every seal on the trigger's hot path.
	const tenantBytes = Buffer.byteLength(context.tenantId, 'utf8');
	const fieldBytes = Buffer.byteLength(context.field, 'utf8');
	const aad = Buffer.allocUnsafe(8 + tenantBytes + fieldBytes);
	aad.writeUInt32BE(tenantBytes, 0);
	aad.write(context.tenantId, 4, 'utf8');
	aad.writeUInt32BE(fieldBytes, 4 + tenantBytes);
	aad.write(context.field, 8 + tenantBytes, 'utf8');
	return aad;
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

const keyIdOf = (rawKey: Buffer) => createHash('sha256').update(rawKey).digest('hex').slice(0, 8);

function checkContext(context: SealContext | undefined, purpose: 'seal' | 'open'): SealContext {
	const tenantId = context?.tenantId;
	if (typeof tenantId !== 'string' || tenantId === '') {
		const field = context?.field ? ` '${context.field}'` : '';
		throw new SealingError(
			purpose === 'seal'
				? `Cannot seal${field} without a tenant ID: a sealed value is bound to its tenant`
				: `Cannot open${field}: a sealed:v2 value opens only with the tenant ID it was sealed for, and none was given`,
		);
	}
	if (typeof context?.field !== 'string' || context.field === '') {
		throw new SealingError('A sealed value is bound to a field name, and none was given');
	}
	return context;
}

/** One AES-256-GCM key. */
class SealingKey {
	readonly keyId: string;
	private readonly key: KeyObject;

	constructor(rawKey: Buffer) {
		this.key = createSecretKey(rawKey);
		this.keyId = keyIdOf(rawKey);
	}

	encrypt(plaintext: string, aad: Buffer): string {
		const iv = nextIv();
		const cipher = createCipheriv('aes-256-gcm', this.key, iv);
		cipher.setAAD(aad);
		const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
		return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64');
	}

	/** The plaintext, or undefined when authentication fails. */
	decrypt(raw: Buffer, aad: Buffer | undefined): string | undefined {
		const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
		if (aad) decipher.setAAD(aad);
		decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
		try {
			return Buffer.concat([
				decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
				decipher.final(),
			]).toString('utf8');
		} catch {
			return undefined;
		}
	}
}

/**
 * The credential's keys: the current key seals (always as sealed:v2); the current and the
 * previous keys open, chosen by the value's keyId.
 */
export class Sealer {
	/** The current key's id: every new value carries it. */
	readonly keyId: string;
	/** Previous keys' ids, in the order given, without the current one or duplicates. */
	readonly previousKeyIds: readonly string[];
	private readonly current: SealingKey;
	private readonly byId = new Map<string, SealingKey[]>();

	constructor(rawKey: Buffer, previousRawKeys: readonly Buffer[] = []) {
		this.current = new SealingKey(rawKey);
		this.keyId = this.current.keyId;
		const seen = new Set<string>([rawKey.toString('hex')]);
		this.add(this.current);
		const previous: string[] = [];
		for (const raw of previousRawKeys) {
			if (seen.has(raw.toString('hex'))) continue;
			seen.add(raw.toString('hex'));
			const key = new SealingKey(raw);
			this.add(key);
			previous.push(key.keyId);
		}
		this.previousKeyIds = previous;
	}

	// Two keys may share an 8-hex-digit id (about 1 in 4 billion): both are tried.
	private add(key: SealingKey): void {
		const list = this.byId.get(key.keyId);
		if (list) list.push(key);
		else this.byId.set(key.keyId, [key]);
	}

	/** Seals under the current key as sealed:v2, bound to the tenant and field. */
	seal(plaintext: string, context: SealContext): string {
		const aad = associatedData(checkContext(context, 'seal'));
		return `${SEAL_V2_PREFIX}${this.keyId}:${this.current.encrypt(plaintext, aad)}`;
	}

	/** True when the value is sealed:v2 under the current key: what Reseal leaves as it is. */
	isCurrent(value: unknown): boolean {
		return typeof value === 'string' && value.startsWith(`${SEAL_V2_PREFIX}${this.keyId}:`);
	}

	/**
	 * Opens a sealed:v1 or sealed:v2 value under the current or a previous key. The context is
	 * needed for v2 (v1 values carry none and ignore it). Throws a SealingError saying what is wrong.
	 */
	unseal(sealed: string, context?: SealContext): string {
		if (!isSealed(sealed)) {
			throw new SealingError(`Value is not a sealed secret (it does not start with '${SEAL_V2_PREFIX}' or '${SEAL_V1_PREFIX}')`);
		}
		const what = context?.field ? `'${context.field}'` : 'Value';
		const [, version, keyId = '', payload = '', ...rest] = sealed.split(':');
		if (version !== 'v1' && version !== 'v2') {
			throw new SealingError(
				`${what} is sealed in format sealed:${version}, which this version does not know (it opens sealed:v1 and sealed:v2): update n8n-nodes-untis-platform`,
			);
		}
		const keys = this.byId.get(keyId);
		if (!keys) {
			throw new SealingError(
				`${what} was sealed with key ${keyId}, which is neither the current key nor a previous one: add the key it was sealed with under Previous Encryption Keys (this credential holds ${this.describeKeys()})`,
			);
		}
		const aad = version === 'v2' ? associatedData(checkContext(context, 'open')) : undefined;
		const raw = Buffer.from(payload, 'base64');
		if (rest.length > 0 || raw.length < IV_BYTES + TAG_BYTES) throw new SealingError(`${what} is a truncated or malformed sealed value`);
		for (const key of keys) {
			const plaintext = key.decrypt(raw, aad);
			if (plaintext !== undefined) return plaintext;
		}
		if (aad) {
			throw new SealingError(
				`${what} failed authentication for tenant '${context!.tenantId}': it was sealed for another tenant or field (copied from another row or column?), or it was altered`,
			);
		}
		throw new SealingError(`${what} failed authentication: it was altered or truncated`);
	}

	/** "5e6a0a55 (current), 0c1d2e3f (previous)": for the credential test and error messages. */
	describeKeys(): string {
		return [`${this.keyId} (current)`, ...this.previousKeyIds.map((id) => `${id} (previous)`)].join(', ');
	}
}

/**
 * Opens one field of an item: sealed values (v1 or v2, current or previous key) are opened for
 * their tenant and field, anything else passes through unchanged. The one opening path for every
 * operation that needs a plain value.
 */
export function openField(sealer: Sealer, value: unknown, context: SealContext): unknown {
	return isSealed(value) ? sealer.unseal(value, context) : value;
}

/** What the credential holds for sealing. */
export interface SealingKeys {
	encryptionKey?: string;
	previousEncryptionKeys?: string;
}

const MAX_CACHED_SEALERS = 64;
const sealers = new Map<string, Sealer>();

/** One Sealer per distinct key set, parsed once rather than per request. */
export function sealerFor(encryptionKey: string | undefined, previousEncryptionKeys?: string): Sealer {
	const cacheKey = `${encryptionKey ?? ''}\n${previousEncryptionKeys ?? ''}`;
	let sealer = sealers.get(cacheKey);
	if (!sealer) {
		sealer = new Sealer(parseEncryptionKey(encryptionKey), parsePreviousEncryptionKeys(previousEncryptionKeys));
		if (sealers.size >= MAX_CACHED_SEALERS) sealers.clear();
		sealers.set(cacheKey, sealer);
	}
	return sealer;
}

/** The credential's Sealer: current key plus Previous Encryption Keys. */
export const sealerForCredential = (credential: SealingKeys): Sealer =>
	sealerFor(credential.encryptionKey, credential.previousEncryptionKeys);
