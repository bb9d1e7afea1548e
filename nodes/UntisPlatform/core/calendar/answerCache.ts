import type { CalendarRequest } from './calendarRequest';

/**
 * The optional answer cache (Respond with Calendar's "Cache For" option, off by default): a
 * built calendar kept per workflow and (tenantId, user, startDate, endDate) for a few seconds,
 * so a burst of timetable views of the same user (08:00 on a school day) runs the workflow once.
 * The trigger looks an answer up only after the request's signature and body have been checked.
 * Bounded: at most MAX_ENTRIES answers, the oldest written going first, each at most
 * MAX_TTL_SECONDS old. Per process: in queue mode the webhook process and the worker that writes
 * the answer are different processes, so there it has no effect (docs/calendar.md).
 */
export const MAX_TTL_SECONDS = 300;
export const MAX_ENTRIES = 1000;

interface Entry {
	body: string;
	expiresAt: number;
}

export class AnswerCache {
	private readonly entries = new Map<string, Entry>();

	constructor(
		private readonly maxEntries = MAX_ENTRIES,
		private readonly now: () => number = Date.now,
	) {}

	static keyOf(workflowId: string, request: CalendarRequest): string {
		// Newlines cannot occur in the dates, and the ids are JSON strings: no two requests share a key.
		return JSON.stringify([workflowId, request.tenantId, request.user, request.startDate, request.endDate]);
	}

	get(key: string): string | undefined {
		const entry = this.entries.get(key);
		if (!entry) return undefined;
		if (entry.expiresAt <= this.now()) {
			this.entries.delete(key);
			return undefined;
		}
		return entry.body;
	}

	set(key: string, body: string, ttlSeconds: number): void {
		const ttl = Math.min(Math.max(ttlSeconds, 0), MAX_TTL_SECONDS);
		if (!(ttl > 0)) return;
		this.entries.delete(key);
		this.entries.set(key, { body, expiresAt: this.now() + ttl * 1000 });
		while (this.entries.size > this.maxEntries) {
			this.entries.delete(this.entries.keys().next().value as string);
		}
	}

	/** Drops a workflow's answers (when it is deactivated or published again). */
	forgetWorkflow(workflowId: string): void {
		const prefix = JSON.stringify([workflowId]).slice(0, -1) + ',';
		for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
	}

	get size(): number {
		return this.entries.size;
	}
}

/** The one cache of this process, shared by the Calendar Trigger and Respond with Calendar. */
export const calendarAnswers = new AnswerCache();
