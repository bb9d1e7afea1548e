import { Rejection } from './rejections';

/**
 * The deepest nesting a verified body may have. The platform sends flat objects (depth 1); 32
 * leaves room for any nested field it might add, while a body nested 100,000 levels deep, which
 * JSON.parse reads without complaint, would start an execution whose item n8n cannot serialise
 * (JSON.stringify and a JSON.parse reviver recurse, and overflow the stack).
 */
export const MAX_BODY_DEPTH = 32;

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }

/**
 * How deep the body's arrays and objects nest: the most `[` and `{` open at once outside strings,
 * counted on the raw bytes in one pass, without decoding or allocating. Inside a string a
 * backslash skips the byte after it, so `\"` does not end the string. In UTF-8 every byte of a
 * multi-byte character is 0x80 or above, so these ASCII bytes are never part of one.
 *
 * Stops as soon as the depth exceeds `cap` and returns `cap + 1`: a body nested a million levels
 * is read only up to the bracket that goes one level too deep. It measures and does not validate
 * (unbalanced brackets are JSON.parse's to refuse, next).
 */
export function nestingDepth(body: Uint8Array, cap: number = MAX_BODY_DEPTH): number {
	let depth = 0;
	let deepest = 0;
	let inString = false;
	for (let i = 0; i < body.length; i++) {
		const byte = body[i];
		if (inString) {
			if (byte === BACKSLASH) i++;
			else if (byte === QUOTE) inString = false;
		} else if (byte === QUOTE) {
			inString = true;
		} else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
			if (++depth > deepest) {
				deepest = depth;
				if (deepest > cap) return deepest;
			}
		} else if ((byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) && depth > 0) {
			depth--;
		}
	}
	return deepest;
}

/**
 * The 400 for a verified body nested deeper than MAX_BODY_DEPTH, or undefined. Checked after the
 * signature and before JSON.parse; the message names the limit, never the body.
 */
export function bodyDepthRejection(body: Uint8Array): Rejection | undefined {
	if (nestingDepth(body) <= MAX_BODY_DEPTH) return undefined;
	return new Rejection(
		'body_too_deep',
		`Body is nested at least ${MAX_BODY_DEPTH + 1} levels deep (at most ${MAX_BODY_DEPTH} allowed): the platform sends flat objects`,
	);
}
