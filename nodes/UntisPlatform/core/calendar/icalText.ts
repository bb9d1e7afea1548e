/**
 * RFC 5545 content lines: TEXT escaping (§3.3.11) and folding (§3.1). Pure functions, no state:
 * the writer builds each line with them and joins the lines with CRLF.
 */

/** The longest line in octets, CRLF excluded (§3.1). */
export const MAX_LINE_OCTETS = 75;

/**
 * Escapes a TEXT value: backslash, semicolon and comma get a backslash, every line break (CRLF,
 * CR or LF) becomes `\n`. Other control characters are not allowed in TEXT: the caller refuses
 * them before (see hasControlCharacter).
 */
const NEEDS_ESCAPE = /[\\;,\r\n]/;

export function escapeText(value: string): string {
	if (!NEEDS_ESCAPE.test(value)) return value;
	let out = '';
	for (let i = 0; i < value.length; i++) {
		const char = value[i];
		if (char === '\\' || char === ';' || char === ',') out += '\\' + char;
		else if (char === '\r') {
			out += '\\n';
			if (value[i + 1] === '\n') i++;
		} else if (char === '\n') out += '\\n';
		else out += char;
	}
	return out;
}

/** Control characters other than CR, LF and TAB, which TEXT cannot hold (§3.3.11). */
export function hasControlCharacter(value: string): boolean {
	for (let i = 0; i < value.length; i++) {
		const code = value.charCodeAt(i);
		if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return true;
	}
	return false;
}

/** UTF-8 length of one code point. */
function octetsOf(codePoint: number): number {
	return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/**
 * Folds a content line into lines of at most 75 octets, each continuation opened by one space
 * (which counts towards its 75). Splits only between code points, so a multi-byte character is
 * never cut in two. Returns the folded text without the final CRLF.
 */
export function foldLine(line: string): string {
	// Fast path: most lines (BEGIN, DTSTART, STATUS, a short SUMMARY) fit; a UTF-16 unit is at
	// most 3 octets, so a short line needs no count at all.
	if (line.length <= MAX_LINE_OCTETS / 3 || Buffer.byteLength(line, 'utf8') <= MAX_LINE_OCTETS) return line;
	let out = '';
	let used = 0;
	for (const char of line) {
		const size = octetsOf(char.codePointAt(0) as number);
		if (used + size > MAX_LINE_OCTETS) {
			out += '\r\n ';
			used = 1;
		}
		out += char;
		used += size;
	}
	return out;
}
