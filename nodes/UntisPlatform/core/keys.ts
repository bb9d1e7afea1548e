import { createPublicKey, type KeyObject } from 'node:crypto';

import { PUBLISHED_KEYS, type Environment } from './publishedKeys';

/** A public key ready for verification, parsed once and reused for every request. */
export interface VerificationKey {
	/** `production`, `integration` or `custom #n`: what `verification.key` reports. */
	label: string;
	key: KeyObject;
	/** RSA modulus length in bytes: the exact length of a signature made with this key. */
	signatureBytes: number;
}

export interface KeyConfig {
	environment: Environment;
	/** Bare base64 SPKI or PEM blocks, several separated by blank lines. */
	publicKeys?: string;
}

/** Smaller RSA keys are factorable; Untis signs with RSA-2048. */
export const MIN_RSA_BITS = 2048;

export class KeyConfigError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'KeyConfigError';
	}
}

export interface ParsedKeyList {
	keys: VerificationKey[];
	/** One message per key that could not be used, naming it by its position (#1, #2, ...). */
	errors: string[];
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Splits the text of the credential's "Public Keys" field into key blocks: PEM blocks wherever they
 * stand, and bare base64 blocks separated by blank lines (a bare key may be wrapped over lines).
 */
function splitKeyBlocks(text: string): string[] {
	const blocks: string[] = [];
	for (const chunk of text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)) {
		if (!chunk.trim()) continue;
		if (!chunk.includes('-----BEGIN')) {
			blocks.push(chunk);
			continue;
		}
		const pems = chunk.match(PEM_BLOCK) ?? [];
		blocks.push(...pems);
		if (chunk.replace(PEM_BLOCK, '').trim()) blocks.push(chunk.replace(PEM_BLOCK, ''));
	}
	return blocks;
}

function toKeyObject(block: string): KeyObject {
	const trimmed = block.trim();
	if (trimmed.startsWith('-----BEGIN')) {
		const kind = /^-----BEGIN ([A-Z0-9 ]+)-----/.exec(trimmed)?.[1];
		if (kind !== 'PUBLIC KEY' && kind !== 'RSA PUBLIC KEY') {
			throw new Error(
				`is a PEM '${kind}' block; expected 'BEGIN PUBLIC KEY' or 'BEGIN RSA PUBLIC KEY'`,
			);
		}
		const key = tryCreatePublicKey(trimmed);
		if (!key) throw new Error(`is a '${kind}' PEM block that does not parse as an RSA public key`);
		return key;
	}
	const compact = trimmed.replace(/\s+/g, '');
	if (!BASE64.test(compact) || compact.length % 4 !== 0) {
		throw new Error('is neither PEM nor bare base64 (as Untis publishes its keys)');
	}
	const key = tryCreatePublicKey(Buffer.from(compact, 'base64'));
	if (!key) throw new Error('is not an RSA SubjectPublicKeyInfo');
	return key;
}

function tryCreatePublicKey(material: string | Buffer): KeyObject | undefined {
	try {
		return typeof material === 'string'
			? createPublicKey({ key: material, format: 'pem' })
			: createPublicKey({ key: material, format: 'der', type: 'spki' });
	} catch {
		return undefined;
	}
}

function toVerificationKey(block: string, label: string): VerificationKey {
	const key = toKeyObject(block);
	if (key.asymmetricKeyType !== 'rsa') {
		throw new Error(`is a ${key.asymmetricKeyType ?? 'non-RSA'} key, not an RSA key`);
	}
	const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
	if (bits < MIN_RSA_BITS) {
		throw new Error(`is RSA-${bits}; at least RSA-${MIN_RSA_BITS} is required`);
	}
	return { label, key, signatureBytes: Math.ceil(bits / 8) };
}

/** Parses the "Public Keys" field. Never throws: every unusable key is reported in `errors`. */
export function parsePublicKeys(text: string, labelPrefix = 'custom'): ParsedKeyList {
	const result: ParsedKeyList = { keys: [], errors: [] };
	splitKeyBlocks(text).forEach((block, index) => {
		const n = index + 1;
		try {
			result.keys.push(toVerificationKey(block, `${labelPrefix} #${n}`));
		} catch (error) {
			result.errors.push(`Public key #${n} ${(error as Error).message}`);
		}
	});
	return result;
}

/**
 * Every key a request may be signed with: the preset's published keys first, then the custom ones.
 * Throws KeyConfigError when any key is unusable or none is configured, because a half-working key
 * list would silently reject genuine deliveries after the next rotation.
 */
export function buildKeyRing(config: KeyConfig): VerificationKey[] {
	const presets =
		config.environment === 'custom'
			? []
			: PUBLISHED_KEYS[config.environment]?.map((published) =>
					toVerificationKey(published.spki, published.label),
				);
	if (presets === undefined) {
		throw new KeyConfigError(
			`Environment '${String(config.environment)}' is unknown (choose production, integration or custom)`,
		);
	}
	const custom = parsePublicKeys(config.publicKeys ?? '');
	if (custom.errors.length > 0) {
		throw new KeyConfigError(`${custom.errors.join('; ')}. Fix the credential's Public Keys field`);
	}
	const keys = [...presets, ...custom.keys];
	if (keys.length === 0) {
		throw new KeyConfigError(
			"No public key configured: the 'custom' environment needs at least one key in Public Keys",
		);
	}
	return keys;
}

const MAX_CACHED_RINGS = 64;
const keyRings = new Map<string, Map<string, VerificationKey[]>>();
let cachedRings = 0;

/**
 * buildKeyRing, memoised per distinct credential value: parsing keys costs far more than
 * verifying a signature, so it must never happen per request. A changed credential is a new
 * cache key, so key rotation takes effect on the next request without a restart.
 */
export function keyRingFor(config: KeyConfig): VerificationKey[] {
	const publicKeys = config.publicKeys ?? '';
	let byKeys = keyRings.get(config.environment);
	let ring = byKeys?.get(publicKeys);
	if (!ring) {
		ring = buildKeyRing(config);
		if (cachedRings >= MAX_CACHED_RINGS) {
			keyRings.clear();
			cachedRings = 0;
			byKeys = undefined;
		}
		if (!byKeys) keyRings.set(config.environment, (byKeys = new Map()));
		byKeys.set(publicKeys, ring);
		cachedRings++;
	}
	return ring;
}
