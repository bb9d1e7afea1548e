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

/**
 * The longest Public Keys text read: about twenty RSA-4096 keys in PEM. The cap comes before any
 * parsing, so no text pasted into the credential costs more than a bounded, linear scan.
 */
export const MAX_PUBLIC_KEYS_LENGTH = 65536;
const BEGIN = '-----BEGIN ';
const DASHES = '-----';

/** `PUBLIC KEY` for `-----BEGIN PUBLIC KEY-----...`: the label if the text opens a PEM block. */
function pemLabelAt(text: string, at: number): { label: string; end: number } | undefined {
	if (!text.startsWith(BEGIN, at)) return undefined;
	const labelEnd = text.indexOf(DASHES, at + BEGIN.length);
	if (labelEnd === -1) return undefined;
	const label = text.slice(at + BEGIN.length, labelEnd);
	return isPemLabel(label) ? { label, end: labelEnd + DASHES.length } : undefined;
}

function isPemLabel(label: string): boolean {
	if (label === '') return false;
	for (let i = 0; i < label.length; i++) {
		const code = label.charCodeAt(i);
		// A-Z, 0-9 and space, as in RFC 7468 labels.
		if (!((code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 32)) return false;
	}
	return true;
}

/** Splits a chunk into its PEM blocks and what is left around them, in one forward scan. */
function pemBlocksOf(chunk: string): { pems: string[]; rest: string } {
	const pems: string[] = [];
	let rest = '';
	let from = 0;
	let search = 0;
	for (;;) {
		const begin = chunk.indexOf(BEGIN, search);
		if (begin === -1) break;
		const opening = pemLabelAt(chunk, begin);
		if (!opening) {
			search = begin + BEGIN.length;
			continue;
		}
		const endLine = `-----END ${opening.label}-----`;
		const end = chunk.indexOf(endLine, opening.end);
		// No END: the rest of the chunk is one unterminated block, reported as such, and the
		// scan stops, so a text of many BEGIN lines costs one pass, not one pass per line.
		if (end === -1) break;
		rest += chunk.slice(from, begin);
		pems.push(chunk.slice(begin, end + endLine.length));
		from = search = end + endLine.length;
	}
	rest += chunk.slice(from);
	return { pems, rest };
}

/** True for a line of spaces and tabs only. */
function isBlank(text: string, start: number, end: number): boolean {
	for (let i = start; i < end; i++) {
		const code = text.charCodeAt(i);
		if (code !== 32 && code !== 9) return false;
	}
	return true;
}

/**
 * Splits the text of the credential's "Public Keys" field into key blocks: PEM blocks wherever they
 * stand, and bare base64 blocks separated by blank lines (a bare key may be wrapped over lines).
 * Exported for the linear-time test; everything here is a forward scan without backtracking.
 */
export function keyBlocks(text: string): string[] {
	// Lines end at \n, \r\n or a lone \r. The next position of each is remembered, so every
	// character is searched past once, and no normalised copy of the whole text is built.
	const chunks: string[] = [];
	let nextLf = -2;
	let nextCr = -2;
	let chunkStart = 0;
	let lineStart = 0;
	while (lineStart <= text.length) {
		if (nextLf !== -1 && nextLf < lineStart) nextLf = text.indexOf('\n', lineStart);
		if (nextCr !== -1 && nextCr < lineStart) nextCr = text.indexOf('\r', lineStart);
		const lineEnd = Math.min(nextLf === -1 ? text.length : nextLf, nextCr === -1 ? text.length : nextCr);
		const breakLength = lineEnd === nextCr && text.charCodeAt(lineEnd + 1) === 10 ? 2 : 1;
		if (lineStart > 0 && lineEnd < text.length && isBlank(text, lineStart, lineEnd)) {
			// A blank line between two line breaks ends the chunk before it.
			const previousBreak = text.charCodeAt(lineStart - 1) === 10 && text.charCodeAt(lineStart - 2) === 13 ? 2 : 1;
			if (lineStart - previousBreak > chunkStart) chunks.push(text.slice(chunkStart, lineStart - previousBreak));
			chunkStart = lineEnd + breakLength;
		}
		lineStart = lineEnd + breakLength;
	}
	if (chunkStart < text.length) chunks.push(text.slice(chunkStart));

	const blocks: string[] = [];
	for (const chunk of chunks) {
		if (!chunk.trim()) continue;
		if (!chunk.includes('-----BEGIN')) {
			blocks.push(chunk);
			continue;
		}
		// A fixed pattern with nothing to backtrack; per chunk, so blank lines cost nothing here.
		const { pems, rest } = pemBlocksOf(chunk.includes('\r') ? chunk.replace(/\r\n?/g, '\n') : chunk);
		blocks.push(...pems);
		if (rest.trim()) blocks.push(rest);
	}
	return blocks;
}

const BASE64_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const IS_BASE64 = new Uint8Array(128);
for (const char of BASE64_CHARS) IS_BASE64[char.charCodeAt(0)] = 1;

/** Bare base64 with whitespace (line wraps) removed, or undefined when it is not base64. */
function compactBase64(text: string): string | undefined {
	let compact = '';
	let padding = 0;
	for (let i = 0; i < text.length; i++) {
		const char = text[i];
		const code = text.charCodeAt(i);
		if (code === 32 || code === 9 || code === 10 || code === 13) continue;
		if (char === '=') padding++;
		else if (padding > 0 || code >= 128 || IS_BASE64[code] === 0) return undefined;
		compact += char;
	}
	if (compact.length === padding || padding > 2 || compact.length % 4 !== 0) return undefined;
	return compact;
}

function toKeyObject(block: string): KeyObject {
	const trimmed = block.trim();
	if (trimmed.startsWith('-----BEGIN')) {
		const kind = pemLabelAt(trimmed, 0)?.label;
		if (kind !== 'PUBLIC KEY' && kind !== 'RSA PUBLIC KEY') {
			throw new Error(
				`is a PEM '${kind ?? trimmed.slice(0, 40)}' block; expected 'BEGIN PUBLIC KEY' or 'BEGIN RSA PUBLIC KEY'`,
			);
		}
		if (!trimmed.endsWith(`-----END ${kind}-----`)) {
			throw new Error(`is a '${kind}' PEM block without its '-----END ${kind}-----' line`);
		}
		const key = tryCreatePublicKey(trimmed);
		if (!key) throw new Error(`is a '${kind}' PEM block that does not parse as an RSA public key`);
		return key;
	}
	const compact = compactBase64(trimmed);
	if (compact === undefined) {
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
	if (text.length > MAX_PUBLIC_KEYS_LENGTH) {
		result.errors.push(
			`Public Keys holds ${text.length} characters; at most ${MAX_PUBLIC_KEYS_LENGTH} are read (about twenty keys): paste only the keys`,
		);
		return result;
	}
	keyBlocks(text).forEach((block, index) => {
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
