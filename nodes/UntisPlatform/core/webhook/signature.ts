import { verify as rsaVerify } from 'node:crypto';

import type { VerificationKey } from './keys';
import { Rejection } from './rejections';

/**
 * The allow-list: Java algorithm names the platform may send, mapped to the digest that
 * RSASSA-PKCS1-v1_5 uses. Nothing weaker (SHA1withRSA, MD5withRSA, NONEwithRSA) can ever be
 * enabled, and the header never chooses anything outside the list the user configured.
 */
export const ALGORITHMS = {
	SHA256withRSA: 'sha256',
	SHA384withRSA: 'sha384',
	SHA512withRSA: 'sha512',
} as const;

export type AlgorithmName = keyof typeof ALGORITHMS;
export const DEFAULT_ALGORITHM: AlgorithmName = 'SHA256withRSA';

export interface SignedRequest {
	/** The raw body bytes exactly as received: never a re-serialisation. */
	body: Buffer;
	/** Header values as Node hands them over (a repeated header may arrive as an array). */
	authorization: string | string[] | undefined;
	algorithm: string | string[] | undefined;
}

export interface Verified {
	algorithm: AlgorithmName;
	/** Label of the key that matched: `production`, `integration` or `custom #n`. */
	key: string;
}

// RSA-16384 signatures are 2,732 base64 characters; anything longer is not a signature.
const MAX_AUTHORIZATION_LENGTH = 2800;
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const IS_BASE64_CHAR = new Uint8Array(128);
for (const char of BASE64_ALPHABET) IS_BASE64_CHAR[char.charCodeAt(0)] = 1;

/**
 * `/^[A-Za-z0-9+/]+={0,2}$/` without the regex engine, which costs three times as much on a
 * 344-character signature (every forged request pays it).
 */
export function isStrictBase64(text: string): boolean {
	let end = text.length;
	if (text.charCodeAt(end - 1) === 61 /* = */) end -= text.charCodeAt(end - 2) === 61 ? 2 : 1;
	if (end <= 0) return false;
	for (let i = 0; i < end; i++) {
		const code = text.charCodeAt(i);
		if (code >= 128 || IS_BASE64_CHAR[code] === 0) return false;
	}
	return true;
}

/** Header values can be anything; quote at most a short, printable excerpt in messages. */
export function quoteHeader(value: string): string {
	// Shortened first, so the work does not grow with the header's length.
	const printable = value.slice(0, 40).replace(/[^\x20-\x7e]/g, '?');
	return value.length > 40 ? `${printable}...` : printable;
}

// Rejections on this path are returned, not thrown: it is the path a flood of forged requests
// takes, and a throw costs V8 about 1.3 µs, some 4 % of the RSA verification itself.

function singleHeader(name: string, value: string | string[] | undefined): string | Rejection {
	if (Array.isArray(value)) {
		if (value.length > 1) {
			return new Rejection('duplicate_header', `${name} header was sent ${value.length} times; send it once`);
		}
		value = value[0];
	}
	const trimmed = value?.trim();
	if (trimmed === undefined || trimmed === '') {
		return new Rejection(
			name === 'Authorization' ? 'missing_signature' : 'missing_algorithm',
			`Missing ${name} header: every Untis Platform request carries ${
				name === 'Authorization' ? 'its base64 RSA signature in Authorization' : 'Algorithm: SHA256withRSA'
			}; if this came from the platform, a proxy in front of n8n removed it (pass ${name} through unchanged)`,
		);
	}
	return trimmed;
}

/**
 * Whether a name is on the allow-list itself. The configured list comes from the node's
 * parameters, which a hand-edited workflow can fill with anything ('SHA1withRSA', 'toString',
 * '__proto__'): only the table's own entries ever count, whatever the list says.
 */
export function isAlgorithmName(name: unknown): name is AlgorithmName {
	return typeof name === 'string' && Object.prototype.hasOwnProperty.call(ALGORITHMS, name);
}

/**
 * Whether the Algorithm header, as verifySignature reads it, names SHA256withRSA, which every
 * allowed list holds: then the Additional Algorithms option cannot change the outcome, and a
 * caller need not read it before verifying.
 */
export function isDefaultAlgorithm(value: string | string[] | undefined): boolean {
	if (Array.isArray(value)) {
		if (value.length !== 1) return false;
		value = value[0];
	}
	return typeof value === 'string' && value.trim().toLowerCase() === DEFAULT_ALGORITHM_LOWER;
}

const DEFAULT_ALGORITHM_LOWER = DEFAULT_ALGORITHM.toLowerCase();

// The header is matched without case; each name's lower case, computed once.
const ALGORITHM_BY_LOWER_CASE = new Map<string, AlgorithmName>(
	(Object.keys(ALGORITHMS) as AlgorithmName[]).map((name) => [name.toLowerCase(), name]),
);

function allowedAlgorithm(header: string, allowed: readonly AlgorithmName[]): AlgorithmName | Rejection {
	// The one name on the table that the header can mean, if the configured list has it.
	const named = ALGORITHM_BY_LOWER_CASE.get(header.toLowerCase());
	const match = named !== undefined && allowed.includes(named) ? named : undefined;
	if (!match) {
		const names = allowed.filter(isAlgorithmName);
		return new Rejection(
			'algorithm_not_allowed',
			`Algorithm header '${quoteHeader(header)}' is not allowed (allowed: ${names.length ? names.join(', ') : 'none'})`,
		);
	}
	return match;
}

function decodeSignature(header: string, keys: readonly VerificationKey[]): Buffer | Rejection {
	if (
		header.length > MAX_AUTHORIZATION_LENGTH ||
		header.length % 4 !== 0 ||
		!isStrictBase64(header)
	) {
		// Only a header that is not base64 can carry a scheme prefix (its space is not base64), so
		// the prefix is looked for here, where its message is more useful than "not base64".
		const scheme = /^(Bearer|Basic|Signature|RSA)\s/i.exec(header)?.[1];
		if (scheme) {
			return new Rejection(
				'bad_signature_encoding',
				`Authorization header must be the bare base64 signature, without a '${quoteHeader(scheme)}' prefix`,
			);
		}
		return new Rejection('bad_signature_encoding', 'Authorization header is not strict base64');
	}
	// Non-canonical padding bits decode silently; strict means they are zero, i.e. the encoding
	// round-trips. Checking the one character that carries them avoids re-encoding.
	const end = header.length;
	const padding = header.charCodeAt(end - 1) !== 61 /* = */ ? 0 : header.charCodeAt(end - 2) === 61 ? 2 : 1;
	if (padding > 0) {
		const last = BASE64_ALPHABET.indexOf(header[end - padding - 1]);
		if ((last & (padding === 2 ? 0b1111 : 0b11)) !== 0) {
			return new Rejection('bad_signature_encoding', 'Authorization header is not canonical base64');
		}
	}
	const signature = Buffer.from(header, 'base64');
	if (!hasKeyOfLength(keys, signature.length)) {
		const expected = [...new Set(keys.map((key) => key.signatureBytes))].join(' or ');
		return new Rejection(
			'bad_signature_encoding',
			`Authorization header decodes to ${signature.length} bytes; an RSA signature from the configured keys has ${expected}`,
		);
	}
	return signature;
}

function hasKeyOfLength(keys: readonly VerificationKey[], bytes: number): boolean {
	for (const key of keys) if (key.signatureBytes === bytes) return true;
	return false;
}

/**
 * Verifies the platform's signature over the raw body. Returns which algorithm and key matched,
 * or a Rejection naming what is wrong. Every key is tried, so a rotated key can sit last.
 */
export function verifySignature(
	request: SignedRequest,
	keys: readonly VerificationKey[],
	allowed: readonly AlgorithmName[] = [DEFAULT_ALGORITHM],
): Verified | Rejection {
	const authorization = singleHeader('Authorization', request.authorization);
	if (authorization instanceof Rejection) return authorization;
	const algorithmHeader = singleHeader('Algorithm', request.algorithm);
	if (algorithmHeader instanceof Rejection) return algorithmHeader;
	const algorithm = allowedAlgorithm(algorithmHeader, allowed);
	if (algorithm instanceof Rejection) return algorithm;
	const signature = decodeSignature(authorization, keys);
	if (signature instanceof Rejection) return signature;
	const digest = ALGORITHMS[algorithm];
	for (const candidate of keys) {
		if (
			candidate.signatureBytes === signature.length &&
			rsaVerify(digest, request.body, candidate.key, signature)
		) {
			return { algorithm, key: candidate.label };
		}
	}
	return new Rejection(
		'signature_mismatch',
		`Signature does not match the body under any of the ${keys.length} configured public key(s): check the credential's environment and keys, and that no proxy in front of n8n changes the body (re-encoded JSON, compression, charset)`,
	);
}
