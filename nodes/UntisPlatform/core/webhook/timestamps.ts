/**
 * `receivedAt` for every delivery. `Date#toISOString` costs about as much as the SHA-256 of a
 * small body, so the part up to the second is built once per second and only the milliseconds
 * are appended. Same output as `new Date(ms).toISOString()` for any time from 1970 to 9999.
 */
let cachedSecond = Number.NaN;
let cachedPrefix = '';

export function isoTimestamp(ms: number = Date.now()): string {
	const second = Math.floor(ms / 1000);
	if (second !== cachedSecond) {
		// 'YYYY-MM-DDTHH:MM:SS.' of that second.
		cachedPrefix = new Date(second * 1000).toISOString().slice(0, 20);
		cachedSecond = second;
	}
	const millis = ms - second * 1000;
	return `${cachedPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}
