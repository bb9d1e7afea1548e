import fc from 'fast-check';

import { isoTimestamp } from '../../nodes/UntisPlatform/core/webhook/timestamps';

describe('receivedAt: isoTimestamp', () => {
	it('equals Date#toISOString for any millisecond from 1970 to 9999', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), (ms) => {
				expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
			}),
			{ numRuns: 20_000 },
		);
	});

	it('stays right across second, day and year boundaries, where its per-second cache turns over', () => {
		const end = Date.UTC(2026, 11, 31, 23, 59, 59, 990);
		for (let ms = end - 1_500; ms <= end + 1_500; ms += 7) {
			expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
		}
	});

	it('defaults to now', () => {
		const before = Date.now();
		const stamp = Date.parse(isoTimestamp());
		expect(stamp).toBeGreaterThanOrEqual(before);
		expect(stamp).toBeLessThanOrEqual(Date.now());
	});
});
