import type { CalendarEvent } from './calendarEvents';
import { addDays, icalDate, icalDateTime, icalUtc, type CalendarTime } from './calendarTime';
import { escapeText, foldLine } from './icalText';

/**
 * Writes the Calendar API's answer: one VCALENDAR of VEVENTs (the only component the platform
 * reads), CRLF line ends, every line folded at 75 octets. Of each event only the documented
 * properties: DTSTART and DTEND, then UID, STATUS, SUMMARY, LOCATION, DESCRIPTION and the custom
 * X_COLOR, X_GROUPNAME and X_LINK when set. DTSTAMP (the time of writing) is RFC 5545's, and
 * carries nothing of the vendor's.
 */
export const PRODID = '-//n8n-nodes-untis-platform//Calendar API//EN';
export const CALENDAR_CONTENT_TYPE = 'text/calendar; charset=utf-8';

function timeProperty(name: 'DTSTART' | 'DTEND', time: CalendarTime, allDayEnd = false): string {
	if (time.kind === 'date') {
		// RFC 5545's all-day DTEND is the day after the last one; the item's end is the last day.
		return `${name};VALUE=DATE:${icalDate(allDayEnd ? addDays(time.date, 1) : time.date)}`;
	}
	// Floating local time: no TZID, no Z (calendarTime.ts, docs/calendar.md).
	return `${name}:${icalDateTime(time.local)}`;
}

export function writeCalendar(events: readonly CalendarEvent[], nowMs: number = Date.now()): string {
	const stamp = `DTSTAMP:${icalUtc(nowMs)}`;
	const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${PRODID}`];
	const text = (name: string, value: string | undefined) => {
		if (value !== undefined) lines.push(foldLine(`${name}:${escapeText(value)}`));
	};
	for (const event of events) {
		lines.push('BEGIN:VEVENT');
		text('UID', event.uid);
		lines.push(stamp, timeProperty('DTSTART', event.start), timeProperty('DTEND', event.end, true));
		if (event.status) lines.push(`STATUS:${event.status}`);
		text('SUMMARY', event.summary);
		text('LOCATION', event.location);
		text('DESCRIPTION', event.description);
		if (event.color) lines.push(`X_COLOR:${event.color}`);
		text('X_GROUPNAME', event.groupName);
		text('X_LINK', event.link);
		lines.push('END:VEVENT');
	}
	lines.push('END:VCALENDAR');
	return lines.join('\r\n') + '\r\n';
}
