/* eslint-disable @typescript-eslint/no-require-imports */
const { ORDER_CASES } = require('../../scripts/n8n/order-cases');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The cases of scripts/n8n/order-cases.js as jest tests, for one n8n (test/e2e/order.e2e.test.cts)
 * and queue mode (the last tests of test/queue/trigger.queue.test.cts): each case `runs` times in both orders, the
 * gap between the two events spread over 0-200 ms. What each asserts is in order-cases.js.
 */
type Cases = { run(name: string, o: { tenant: string; order: string; gapMs: number }): Promise<Record<string, unknown>> };
const SHORT: Record<string, string> = {
	'deactivation-reactivated': 'dr',
	'created-reset': 'cr',
	'deactivation-deletion': 'dd',
	'redelivered-deactivation-after-reactivated': 'rd',
	'redelivered-created-after-reset': 'rc',
};
const gap = (run: number, order: number) => Math.round(((run * 2 + order) * 97) % 201);

export function describeOrderCases({ label, prefix, runs, cases }: { label: string; prefix: string; runs: number; cases: () => Cases }) {
	const each = Array.from({ length: runs }, (_, run) => ['first-second', 'second-first'].map((order, o) => [run, order, gap(run, o)] as const)).flat();
	describe.each(ORDER_CASES as string[])(`${label}%s`, (name) => {
		it.each(each)(
			'run %i, %s, %i ms apart: the row follows the event received last, the mails follow the stored changes of state',
			async (run, order, gapMs) => {
				const tenant = `${prefix}-${SHORT[name]}-${order === 'first-second' ? 'fs' : 'sf'}-${String(run).padStart(3, '0')}`;
				const report = await cases().run(name, { tenant, order, gapMs });
				// One line per case in the log: what ran, in which order, and what it did.
				console.log(JSON.stringify({ ...report, mails: undefined, expectedMails: undefined }));
				expect(report.answers).toEqual([200, 200]);
				expect(report.failures).toEqual([]);
				expect(report.statuses).toEqual(['success', 'success']);
				expect(report.rowCount).toBe(1);
				expect(report.row).toEqual(report.expectedRow);
				expect(report.lastOutcome).toBe('applied');
				expect(report.mails).toEqual(report.expectedMails);
				if (name.startsWith('redelivered')) expect(report.redeliveryOutcomes).toEqual(['already processed']);
				if (name.includes('created')) expect(report.welcomes).toBe(1);
			},
			5 * 60 * 1000,
		);
	});
}
