import { parseJsonObject, type JsonObject } from '../webhook/events';
import { Rejection } from '../webhook/rejections';
import { dayNumber, isCalendarDate } from './calendarTime';

/**
 * The Calendar API's request, `{tenantId, user, startDate, endDate}` in any field order
 * (spec §7): whenever WebUntis renders a user's timetable, it asks for that user's events of the
 * dates shown, both dates included. Parsed only after the signature has been verified.
 */
export interface CalendarRequest {
	tenantId: string;
	/** The WebUntis user's external UUID. */
	user: string;
	/** YYYY-MM-DD, included. */
	startDate: string;
	/** YYYY-MM-DD, included. */
	endDate: string;
}

/** A timetable shows a day, a week or a month; a school year is the most any view can ask. */
export const MAX_RANGE_DAYS = 366;
/** Ids and UUIDs are short; a longer value is no WebUntis id (and would bloat the cache key). */
const MAX_ID_LENGTH = 200;

const invalid = (message: string) => new Rejection('invalid_body', message);

/** Fields only a lifecycle event (credentials or deactivation) carries. */
const LIFECYCLE_FIELDS = ['eventType', 'type', 'clientId', 'reasonType'] as const;

function idField(json: JsonObject, field: 'tenantId' | 'user'): string | Rejection {
	let value = json[field];
	// Like the lifecycle trigger: a numeric tenantId is taken in its string form, not refused.
	if (typeof value === 'number' && Number.isSafeInteger(value)) value = String(value);
	if (typeof value !== 'string' || value.trim() === '') {
		return invalid(`Field '${field}' is missing or not a non-empty string: every calendar request names its ${field === 'user' ? 'WebUntis user' : 'tenant'}`);
	}
	if (value.length > MAX_ID_LENGTH) return invalid(`Field '${field}' is longer than ${MAX_ID_LENGTH} characters`);
	return value;
}

function dateField(json: JsonObject, field: 'startDate' | 'endDate'): string | Rejection {
	const value = json[field];
	if (typeof value !== 'string' || !isCalendarDate(value)) {
		return invalid(`Field '${field}' must be a date as YYYY-MM-DD`);
	}
	return value;
}

/**
 * The request in a verified body, or the 400 Rejection that names what is wrong. Fields the
 * platform may add later are ignored, never echoed.
 */
export function parseCalendarRequest(body: Buffer): CalendarRequest | Rejection {
	let json: JsonObject | undefined;
	let failure: unknown;
	try {
		json = parseJsonObject(body);
	} catch (error) {
		failure = error;
	}
	if (json === undefined) {
		if (failure instanceof Rejection) return failure;
		throw failure; // a bug, not a bad body
	}
	if (LIFECYCLE_FIELDS.some((field) => json[field] !== undefined)) {
		return new Rejection(
			'lifecycle_event',
			'Body is a lifecycle event (credentials or deactivation), not a calendar request: send it to the Untis Platform Trigger, not to the Calendar Trigger',
		);
	}
	const tenantId = idField(json, 'tenantId');
	if (tenantId instanceof Rejection) return tenantId;
	const user = idField(json, 'user');
	if (user instanceof Rejection) return user;
	const startDate = dateField(json, 'startDate');
	if (startDate instanceof Rejection) return startDate;
	const endDate = dateField(json, 'endDate');
	if (endDate instanceof Rejection) return endDate;
	const days = dayNumber(endDate) - dayNumber(startDate) + 1;
	if (days < 1) return invalid(`Field 'endDate' (${endDate}) is before 'startDate' (${startDate})`);
	if (days > MAX_RANGE_DAYS) return invalid(`The range from 'startDate' to 'endDate' spans ${days} days; at most ${MAX_RANGE_DAYS} are served`);
	return { tenantId, user, startDate, endDate };
}
