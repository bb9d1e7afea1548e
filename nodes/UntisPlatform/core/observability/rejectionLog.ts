/**
 * The flood bound of the refusal log. Every refused request would otherwise be one warn line,
 * so a forged flood of 1,000 requests a second becomes 1,000 log lines a second that a vendor
 * pays to ship and store, and that drown the one line about a broken proxy. Per subject (a
 * reason on one node of one workflow) the first `linesPerInterval` refusals of each interval are
 * written; the rest are counted and reported as one summary line when the interval is over.
 *
 * Pure: the caller passes the time, and the summary is due at the next refusal of any subject
 * after the interval (a node has no timer of its own). n8n's /metrics counts every answer
 * anyway, so a count that waits in memory for the next refusal loses no signal for alerting.
 */

export interface RejectionLogOptions {
	/** Lines written per subject and interval before suppression starts. */
	readonly linesPerInterval: number;
	readonly intervalMs: number;
}

export const DEFAULT_REJECTION_LOG: RejectionLogOptions = { linesPerInterval: 10, intervalMs: 60_000 };

/** One suppressed run: `suppressed` refusals of `subject` not written between `from` and `to`. */
export interface SuppressionSummary<Subject> {
	readonly subject: Subject;
	readonly suppressed: number;
	readonly from: number;
	readonly to: number;
}

export interface LogDecision<Subject> {
	/** Write this refusal's own line. */
	readonly write: boolean;
	/** Summary lines now due, for this subject or any other, to be written first. */
	readonly summaries: ReadonlyArray<SuppressionSummary<Subject>>;
}

interface Window<Subject> {
	readonly subject: Subject;
	readonly from: number;
	written: number;
	suppressed: number;
}

export class RejectionLog<Subject> {
	private readonly windows = new Map<string, Window<Subject>>();
	/** The earliest end of an open window: no sweep is needed before it. */
	private nextSweep = Number.POSITIVE_INFINITY;

	constructor(
		private readonly keyOf: (subject: Subject) => string,
		private readonly options: RejectionLogOptions = DEFAULT_REJECTION_LOG,
	) {
		if (!(options.linesPerInterval >= 1) || !(options.intervalMs > 0)) {
			throw new Error('RejectionLog needs at least 1 line per interval and an interval above 0 ms');
		}
	}

	/** Decides about one refusal at time `now` (ms). */
	admit(subject: Subject, now: number): LogDecision<Subject> {
		const summaries = now >= this.nextSweep ? this.sweep(now) : [];
		const key = this.keyOf(subject);
		let window = this.windows.get(key);
		if (!window) {
			window = { subject, from: now, written: 0, suppressed: 0 };
			this.windows.set(key, window);
			this.nextSweep = Math.min(this.nextSweep, now + this.options.intervalMs);
		}
		if (window.written < this.options.linesPerInterval) {
			window.written += 1;
			return { write: true, summaries };
		}
		window.suppressed += 1;
		return { write: false, summaries };
	}

	/** Closes every window whose interval is over; the ones that suppressed lines are reported. */
	private sweep(now: number): Array<SuppressionSummary<Subject>> {
		const due: Array<SuppressionSummary<Subject>> = [];
		let next = Number.POSITIVE_INFINITY;
		for (const [key, window] of this.windows) {
			const to = window.from + this.options.intervalMs;
			if (to > now) {
				next = Math.min(next, to);
				continue;
			}
			this.windows.delete(key);
			if (window.suppressed > 0) due.push({ subject: window.subject, suppressed: window.suppressed, from: window.from, to });
		}
		this.nextSweep = next;
		return due;
	}
}
