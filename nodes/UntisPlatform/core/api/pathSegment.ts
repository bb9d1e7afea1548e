import { dotSegmentMessage } from './apiErrors';

/**
 * An ID that becomes one segment of a request path. encodeURIComponent leaves dots alone, and a
 * URL parser (WHATWG, Java's, a proxy's) removes `.` and `..` segments, `%2e` counted as a dot:
 * `/classes/../students` reads every student of the tenant, `/sso/v3/../token` another endpoint.
 * Such an ID is refused rather than sent; every other value is encoded as one segment.
 */
export function isDotSegment(value: string): boolean {
	const text = value.trim();
	// At most `%2e%2e` (6 characters): anything longer is not a dot segment, so no scan is needed.
	if (text.length === 0 || text.length > 6) return false;
	const dots = text.replace(/%2e/gi, '.');
	return dots === '.' || dots === '..';
}

/** Why this ID cannot be a path segment, or undefined when it can. `label` names the field. */
export function dotSegmentProblem(value: string, label: string): string | undefined {
	return isDotSegment(value) ? dotSegmentMessage(label, value.trim()) : undefined;
}

/** The ID URL-encoded as one path segment; a dot segment (after trimming) throws `refuse(message)`. */
export function pathSegment(value: string, label: string, refuse: (message: string) => Error): string {
	const problem = dotSegmentProblem(value, label);
	if (problem) throw refuse(problem);
	return encodeURIComponent(value);
}
