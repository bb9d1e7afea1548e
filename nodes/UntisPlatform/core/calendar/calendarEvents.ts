import { addDays, parseCalendarTime, type CalendarTime } from './calendarTime';
import { hasControlCharacter } from './icalText';

/**
 * Workflow items turned into Calendar API events (spec §7). Only the fields the vendor mapped
 * are read, and only the properties the platform documents are produced: nothing else of an
 * item can reach the answer.
 */
export const EVENT_PROPERTIES = ['DTSTART', 'DTEND', 'UID', 'STATUS', 'SUMMARY', 'LOCATION', 'DESCRIPTION', 'X_COLOR', 'X_GROUPNAME', 'X_LINK'] as const;
export type EventProperty = (typeof EVENT_PROPERTIES)[number];

/** Which item field feeds which property; an empty or missing name leaves the property out. */
export type FieldMap = Partial<Record<EventProperty, string>>;

export const STATUSES = ['CONFIRMED', 'CANCELLED', 'TENTATIVE'] as const;

export interface CalendarEvent {
	start: CalendarTime;
	/** Same kind as start; for all-day events the last day, included. */
	end: CalendarTime;
	uid?: string;
	status?: (typeof STATUSES)[number];
	summary?: string;
	location?: string;
	description?: string;
	color?: string;
	groupName?: string;
	link?: string;
}

/** A value that cannot be written: names the item (0-based, as n8n counts) and the property. */
export class CalendarRefusal extends Error {
	constructor(
		readonly itemIndex: number,
		readonly property: EventProperty,
		readonly field: string,
		reason: string,
	) {
		super(`Item ${itemIndex}: ${property} (field '${field}') ${reason}`);
		this.name = 'CalendarRefusal';
	}
}

// The platform documents "digits, optionally followed by - and text".
const UID = /^\d+(-.+)?$/s;
const COLOR = /^#[0-9A-Fa-f]{6}$/;

function valueAt(json: Record<string, unknown>, field: string): unknown {
	if (Object.prototype.hasOwnProperty.call(json, field)) return json[field];
	if (!field.includes('.')) return undefined;
	// A dot path (location.room) when no field has the dotted name itself.
	let value: unknown = json;
	for (const part of field.split('.')) {
		if (typeof value !== 'object' || value === null || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
		value = (value as Record<string, unknown>)[part];
	}
	return value;
}

const isEmpty = (value: unknown) => value === undefined || value === null || value === '';

/**
 * Reads one item. Returns undefined for an item with no fields at all, which is what n8n's
 * "Always Output Data" emits when a lookup found nothing: an empty calendar, not a refusal.
 */
export function eventOf(json: Record<string, unknown>, itemIndex: number, map: FieldMap, timeZone: string): CalendarEvent | undefined {
	if (Object.keys(json).length === 0) return undefined;
	const refuse = (property: EventProperty, reason: string): never => {
		throw new CalendarRefusal(itemIndex, property, map[property] ?? '', reason);
	};
	const time = (property: 'DTSTART' | 'DTEND'): CalendarTime => {
		const field = map[property];
		if (!field) return refuse(property, 'is required but no field is mapped to it');
		const value = valueAt(json, field);
		if (isEmpty(value)) return refuse(property, 'is required but the item has no value');
		const parsed = parseCalendarTime(value, timeZone);
		return typeof parsed === 'string' ? refuse(property, parsed) : parsed;
	};
	const text = (property: EventProperty): string | undefined => {
		const field = map[property];
		if (!field) return undefined;
		const value = valueAt(json, field);
		if (isEmpty(value)) return undefined;
		if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
			return refuse(property, `must be text, got ${Array.isArray(value) ? 'an array' : typeof value}`);
		}
		const result = String(value);
		if (hasControlCharacter(result)) refuse(property, 'contains a control character, which iCal text cannot hold');
		return result;
	};

	const event: CalendarEvent = { start: time('DTSTART'), end: time('DTEND') };
	if (event.start.kind !== event.end.kind) refuse('DTEND', 'must be a date when DTSTART is a date (all-day event), and a date-time when DTSTART is one');
	const [start, end] = event.start.kind === 'date' ? [event.start.date, (event.end as { date: string }).date] : [event.start.local, (event.end as { local: string }).local];
	if (end < start) refuse('DTEND', `(${end}) is before its DTSTART (${start})`);

	const uid = text('UID');
	if (uid !== undefined) {
		if (!UID.test(uid) || /[\r\n]/.test(uid)) refuse('UID', "must be digits, optionally followed by '-' and text (e.g. 4711 or 4711-exam)");
		event.uid = uid;
	}
	const status = text('STATUS');
	if (status !== undefined) {
		const upper = status.trim().toUpperCase();
		if (!(STATUSES as readonly string[]).includes(upper)) refuse('STATUS', `must be one of ${STATUSES.join(', ')}`);
		event.status = upper as CalendarEvent['status'];
	}
	const color = text('X_COLOR');
	if (color !== undefined) {
		if (!COLOR.test(color.trim())) refuse('X_COLOR', 'must be a colour as #RRGGBB (e.g. #E09FF0)');
		event.color = color.trim().toUpperCase();
	}
	const link = text('X_LINK');
	if (link !== undefined) {
		let url: URL | undefined;
		try {
			url = new URL(link.trim());
		} catch {
			// refused below
		}
		if (!url || url.protocol !== 'https:' || /\s/.test(link.trim())) refuse('X_LINK', 'must be an https:// URL');
		event.link = link.trim();
	}
	const summary = text('SUMMARY');
	if (summary !== undefined) event.summary = summary;
	const location = text('LOCATION');
	if (location !== undefined) event.location = location;
	const description = text('DESCRIPTION');
	if (description !== undefined) event.description = description;
	const groupName = text('X_GROUPNAME');
	if (groupName !== undefined) event.groupName = groupName;
	return event;
}

/** The request's range: both dates included, as the platform sends them. */
export interface DateRange {
	startDate: string;
	endDate: string;
}

/** The range's bounds as wall-clock times, computed once per calendar. */
interface Bounds extends DateRange {
	from: string;
	until: string;
}
const boundsOf = (range: DateRange): Bounds => ({ ...range, from: `${range.startDate}T00:00:00`, until: `${addDays(range.endDate, 1)}T00:00:00` });

/** Whether an event shows on any day of the range. */
export function overlaps(event: CalendarEvent, range: DateRange | Bounds): boolean {
	if (event.start.kind === 'date') {
		return event.start.date <= range.endDate && (event.end as { date: string }).date >= range.startDate;
	}
	const { from, until } = 'until' in range ? range : boundsOf(range);
	const start = event.start.local;
	const end = (event.end as { local: string }).local;
	// An event ending at the range's first midnight is over before it; one of no length at that
	// midnight is inside it.
	return start < until && (end > from || start >= from);
}

/**
 * Every item read (a refusal for any value that cannot be written, even outside the range: it
 * is a bug to fix, not an event to hide), then those outside the range dropped.
 */
export function eventsOf(items: ReadonlyArray<Record<string, unknown>>, map: FieldMap, timeZone: string, range: DateRange): CalendarEvent[] {
	const events: CalendarEvent[] = [];
	const bounds = boundsOf(range);
	for (let index = 0; index < items.length; index++) {
		const event = eventOf(items[index], index, map, timeZone);
		if (event && overlaps(event, bounds)) events.push(event);
	}
	return events;
}
