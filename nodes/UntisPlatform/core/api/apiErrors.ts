/**
 * What the Untis APIs say when they refuse, read from their error bodies (developer.untis.com,
 * "Error handling": no common shape across the API families): OneRoster's 1EdTech `imsx_*` body,
 * and the extern APIs' `{errorCode, errorMessage, requestId, traceId}` with its `validationErrors`
 * variant. requestId and traceId are quoted: Untis support asks for them. Quoted text is capped
 * and reduced to printable characters; the caller scrubs secrets.
 */
export type ApiFamily = 'oneroster' | 'extern';

export interface ErrorContext {
	family: ApiFamily;
	/** e.g. "OneRoster user 'abc'" or "OneRoster students of school 'x'". */
	what: string;
	/** A Get of one object: a 404 names it as not found. */
	single: boolean;
}

const MAX_QUOTE = 300;
/** Text from an answer, safe to quote: printable characters only, capped. */
export const printable = (text: string, max = MAX_QUOTE) => text.replace(/[^\x20-\x7e\u00a0-\u024f]/g, '?').slice(0, max);
const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? printable(value.trim()) : undefined);
const asRecord = (value: unknown) => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined);

/** The 1EdTech status info: "failure/error: description (codeMinor: name=value)". */
export function imsxSays(body: unknown): string | undefined {
	const record = asRecord(body);
	if (!record) return undefined;
	const description = text(record.imsx_description);
	const major = text(record.imsx_codeMajor);
	if (!description && !major) return undefined;
	const minorFields = asRecord(record.imsx_CodeMinor)?.imsx_codeMinorField;
	const minors = (Array.isArray(minorFields) ? minorFields : [minorFields])
		.map(asRecord)
		.filter((field): field is Record<string, unknown> => field !== undefined)
		.slice(0, 3)
		.map((field) => text(field.imsx_codeMinorFieldValue))
		.filter((value): value is string => value !== undefined);
	const head = [major, text(record.imsx_severity)].filter(Boolean).join('/');
	return `${head ? `${head}: ` : ''}${description ?? ''}${minors.length ? ` (${minors.join(', ')})` : ''}`.trim();
}

/** The extern APIs' body: "errorCode: errorMessage; path: message; requestId …, traceId …". */
export function externSays(body: unknown): string | undefined {
	const record = asRecord(body);
	if (!record || (record.errorCode === undefined && record.requestId === undefined && record.validationErrors === undefined)) return undefined;
	const parts: string[] = [];
	const code = text(record.errorCode);
	const message = text(record.errorMessage);
	if (code || message) parts.push([code, message].filter(Boolean).join(': '));
	if (Array.isArray(record.validationErrors)) {
		for (const error of record.validationErrors.slice(0, 5).map(asRecord)) {
			if (error) parts.push([text(error.path), text(error.errorMessage) ?? text(error.errorKey)].filter(Boolean).join(': '));
		}
	}
	const ids = [text(record.requestId) && `requestId ${text(record.requestId)}`, text(record.traceId) && `traceId ${text(record.traceId)}`].filter(Boolean);
	if (ids.length) parts.push(ids.join(', '));
	return parts.length ? parts.join('; ') : undefined;
}

/** A message that says what to fix for this refusal, or undefined to keep the transport's own. */
export function describeApiError(status: number, body: unknown, context: ErrorContext): string | undefined {
	const said = context.family === 'oneroster' ? (imsxSays(body) ?? externSays(body)) : (externSays(body) ?? imsxSays(body));
	const quote = said ? ` (Untis: ${said})` : '';
	if (status === 404 && context.single) return `${context.what} was not found (HTTP 404): check the ID${quote}`;
	if (status === 403) {
		return context.family === 'oneroster'
			? `${context.what} is forbidden (HTTP 403): the app needs the PAM permission "OneRoster read", and its token the scope roster-core.readonly${quote}`
			: `${context.what} is forbidden (HTTP 403): the app needs the permission for this API in PAM${quote}`;
	}
	if (status === 400 || status === 422) return `${context.what} was refused (HTTP ${status}): check the filter, sort, fields or dates${quote}`;
	return said ? `${context.what} failed with HTTP ${status}${quote}` : undefined;
}

/**
 * An ID that is `.` or `..` (or `%2e`, which URL parsers read as a dot): sent, it would make the
 * path name the collection above it (core/api/pathSegment.ts), so the request is not made.
 */
export function dotSegmentMessage(label: string, value: string): string {
	return `${label} is '${printable(value, 6)}', not an ID: '.' and '..' (also written %2e) would make the request's path name the one above it; enter the real ID`;
}
