import { bodyDepthRejection } from './bodyDepth';
import { Rejection } from './rejections';

/**
 * The event model: one URL receives both webhooks, so a verified body is classified by its shape.
 * Known values are normalised; unknown values inside a recognisable shape pass through as given,
 * because the platform adds event types and fields without notice and a verified delivery must
 * never be dropped.
 */
export const CREDENTIALS_EVENT_TYPES = ['CREATED', 'REACTIVATED', 'RESET'] as const;
export const DEACTIVATION_EVENT_TYPES = ['DEACTIVATION', 'DELETION'] as const;
/** Marks a v1 credentials body, which has no eventType at all. */
export const V1_EVENT_TYPE = 'V1';

export type TenantStatus = 'active' | 'deactivated' | 'deleted';

/** Credentials fields, in output order. All strings; the first four are required. */
export const REQUIRED_CREDENTIAL_FIELDS = ['clientId', 'secret', 'password', 'host'] as const;
export const OPTIONAL_CREDENTIAL_FIELDS = [
	'country',
	'region',
	'language',
	'activatorEmail',
	'activatorUsername',
	'schoolEmail',
	'schoolPhoneNumber',
] as const;
export const SECRET_FIELDS = ['secret', 'password'] as const;

type RequiredCredentialField = (typeof REQUIRED_CREDENTIAL_FIELDS)[number];
type OptionalCredentialField = (typeof OPTIONAL_CREDENTIAL_FIELDS)[number];

export type JsonObject = Record<string, unknown>;

export interface CredentialsEvent
	extends Record<RequiredCredentialField, string>,
		Record<OptionalCredentialField, string | null> {
	event: 'credentials';
	eventType: string;
	tenantId: string;
	tenantStatus: 'active';
	/** 2 for bodies with eventType, 1 for the deprecated v1 body. */
	specVersion: 1 | 2;
	/** Only in v1 bodies. */
	schoolName?: string | null;
	/** Fields the platform sent that this version does not know. */
	extra: JsonObject;
	/** Known string fields that arrived as numbers or booleans and were converted; only when any. */
	convertedFields?: string[];
}

export interface DeactivationEvent {
	event: 'deactivation';
	eventType: string;
	tenantId: string;
	tenantStatus: 'deactivated' | 'deleted';
	reasonType: string | null;
	reasonText: string | null;
	extra: JsonObject;
	/** Known string fields that arrived as numbers or booleans and were converted; only when any. */
	convertedFields?: string[];
}

export type PlatformEvent = CredentialsEvent | DeactivationEvent;

function invalid(message: string): Rejection {
	return new Rejection('invalid_body', message);
}

/** Keys that can reach an object's prototype in a careless merge: refused anywhere in a body. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The body as a JSON object (depth-checked, no prototype keys), or a thrown 400 Rejection. */
export function parseJsonObject(body: Buffer): JsonObject {
	// Before anything is decoded or parsed: the platform sends flat objects, and a deeply nested
	// body would parse but make an item n8n cannot serialise (bodyDepth.ts).
	const tooDeep = bodyDepthRejection(body);
	if (tooDeep) throw tooDeep;
	let text = body.toString('utf8');
	if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
	// JSON.parse keeps "__proto__" as an own key, but a later Object.assign or merge in a
	// workflow would turn it into a prototype change, and "constructor"/"prototype" are the other
	// road to the same (constructor.prototype); the platform sends none of them. The reviver walks
	// the whole tree, so it only runs when such a key can be present (also \u-escaped).
	let prototypeKey: string | undefined;
	const reviver =
		text.includes('__proto__') || text.includes('constructor') || text.includes('prototype') || text.includes('\\u')
			? (key: string, value: unknown) => {
					// Visited inside out: the outer key of a path wins ('constructor', not its 'prototype').
					if (PROTOTYPE_KEYS.has(key)) prototypeKey = key;
					return value;
				}
			: undefined;
	let parsed: unknown;
	try {
		parsed = JSON.parse(text, reviver);
	} catch {
		parsed = invalid('Body is not valid JSON');
	}
	if (parsed instanceof Rejection) throw parsed;
	if (prototypeKey !== undefined) throw invalid(`Body contains a '${prototypeKey}' key, which is not allowed`);
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw invalid(`Body must be a JSON object, got ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : `a ${typeof parsed}`}`);
	}
	return parsed as JsonObject;
}

/**
 * Reads the known string fields of one body. Strict about the signature, tolerant about the body:
 * real senders have sent a numeric tenantId, so a number or boolean in a string field is taken in
 * its string form and remembered, rather than costing a school its activation over a JSON type.
 * Objects and arrays have no single string form and stay a 400.
 */
class FieldReader {
	readonly converted: string[] = [];

	constructor(readonly body: JsonObject) {}

	optional(field: string): string | null {
		const value = this.body[field];
		if (value === undefined || value === null) return null;
		if (typeof value === 'string') return value;
		if (typeof value === 'number') {
			// Above 2^53 JSON.parse has already rounded the digits; a rounded tenantId would file
			// one school's credentials under another school's id.
			if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
				throw invalid(`Field '${field}' is a number too large to read exactly; it must be sent as a string`);
			}
			return this.convert(field, String(value));
		}
		if (typeof value === 'boolean') return this.convert(field, String(value));
		throw invalid(`Field '${field}' must be a string, got ${Array.isArray(value) ? 'an array' : typeof value}`);
	}

	required(field: string, why: string): string {
		const value = this.optional(field);
		if (value === null || value.trim() === '') {
			throw invalid(`Field '${field}' is missing or empty: ${why}`);
		}
		return value;
	}

	/** Sets `convertedFields` on the event when anything was converted. */
	mark<T extends PlatformEvent>(event: T): T {
		if (this.converted.length > 0) event.convertedFields = [...new Set(this.converted)];
		return event;
	}

	private convert(field: string, text: string): string {
		this.converted.push(field);
		return text;
	}
}

function extraFields(body: JsonObject, known: ReadonlySet<string>): JsonObject {
	const extra: JsonObject = {};
	for (const key of Object.keys(body)) {
		if (!known.has(key)) extra[key] = body[key];
	}
	return extra;
}

const KNOWN_CREDENTIALS_V2 = new Set<string>([
	'tenantId',
	'eventType',
	...REQUIRED_CREDENTIAL_FIELDS,
	...OPTIONAL_CREDENTIAL_FIELDS,
]);
const KNOWN_CREDENTIALS_V1 = new Set<string>([...KNOWN_CREDENTIALS_V2, 'schoolName']);

function credentialsEvent(
	fields: FieldReader,
	tenantId: string,
	eventType: string,
	specVersion: 1 | 2,
): CredentialsEvent {
	const event = {
		event: 'credentials',
		eventType,
		tenantId,
		tenantStatus: 'active',
		specVersion,
	} as CredentialsEvent;
	for (const field of REQUIRED_CREDENTIAL_FIELDS) {
		event[field] = fields.required(field, 'a credentials delivery carries it');
	}
	for (const field of OPTIONAL_CREDENTIAL_FIELDS) {
		event[field] = fields.optional(field);
	}
	if (specVersion === 1) event.schoolName = fields.optional('schoolName');
	event.extra = extraFields(fields.body, specVersion === 1 ? KNOWN_CREDENTIALS_V1 : KNOWN_CREDENTIALS_V2);
	return fields.mark(event);
}

const KNOWN_DEACTIVATION = new Set(['tenantId', 'eventType', 'reasonType', 'reasonText']);
const KNOWN_DEACTIVATION_LEGACY = new Set(['tenantId', 'type', 'reasonType', 'reasonText']);

function deactivationEvent(
	fields: FieldReader,
	tenantId: string,
	eventType: string,
	typeField: 'eventType' | 'type',
): DeactivationEvent {
	return fields.mark<DeactivationEvent>({
		event: 'deactivation',
		eventType,
		tenantId,
		// An unknown deactivation-shaped event still means the credentials are dead.
		tenantStatus: eventType === 'DELETION' ? 'deleted' : 'deactivated',
		reasonType: fields.optional('reasonType'),
		reasonText: fields.optional('reasonText'),
		extra: extraFields(fields.body, typeField === 'type' ? KNOWN_DEACTIVATION_LEGACY : KNOWN_DEACTIVATION),
	});
}

/**
 * The calendar integration signs `{tenantId, user, startDate, endDate}` with the same headers and
 * a key the Integration preset holds: genuine, but a data request, never a lifecycle event.
 */
const CALENDAR_FIELDS = ['user', 'startDate', 'endDate'] as const;

export function isCalendarRequest(json: JsonObject): boolean {
	return (
		json.eventType === undefined &&
		json.type === undefined &&
		json.clientId === undefined &&
		json.reasonType === undefined &&
		CALENDAR_FIELDS.some((field) => json[field] !== undefined)
	);
}

/**
 * Parses and classifies a body whose signature has already been verified.
 * Throws a Rejection (400) when it is not an event this package can deliver.
 */
export function parseEvent(body: Buffer): PlatformEvent {
	const json = parseJsonObject(body);
	if (isCalendarRequest(json)) {
		throw new Rejection(
			'calendar_request',
			'Body is a calendar-integration request (tenantId, user, startDate, endDate), not a lifecycle event: send calendar requests to their own endpoint, not to this trigger',
		);
	}
	const fields = new FieldReader(json);
	const tenantId = fields.required('tenantId', 'every Untis Platform event names its tenant');

	// The older deactivation spec called eventType `type`.
	const typeField = json.eventType !== undefined ? 'eventType' : json.type !== undefined ? 'type' : undefined;
	if (typeField === undefined) {
		if (json.clientId !== undefined) return credentialsEvent(fields, tenantId, V1_EVENT_TYPE, 1);
		throw invalid(
			'Body fits neither event: it has no eventType (or type) and no clientId of a v1 credentials body',
		);
	}
	const given = fields.optional(typeField);
	if (given === null || given.trim() === '') {
		throw invalid(`Field '${typeField}' must be a non-empty string`);
	}
	const normalised = given.trim().toUpperCase();
	if ((CREDENTIALS_EVENT_TYPES as readonly string[]).includes(normalised)) {
		return credentialsEvent(fields, tenantId, normalised, 2);
	}
	if ((DEACTIVATION_EVENT_TYPES as readonly string[]).includes(normalised)) {
		return deactivationEvent(fields, tenantId, normalised, typeField);
	}
	// Forward compatibility: an unknown type keeps its value and is classified by shape.
	if (json.clientId !== undefined) return credentialsEvent(fields, tenantId, given, 2);
	if (json.reasonType !== undefined) return deactivationEvent(fields, tenantId, given, typeField);
	throw invalid(
		`Body fits neither event: its ${typeField} is unknown and it has neither clientId (credentials) nor reasonType (deactivation)`,
	);
}

/** The value the trigger's Events filter matches: known types, V1, or OTHER for unknown ones. */
const FILTERABLE_EVENT_TYPES: ReadonlySet<string> = new Set([
	...CREDENTIALS_EVENT_TYPES,
	...DEACTIVATION_EVENT_TYPES,
	V1_EVENT_TYPE,
]);

export function filterKeyOf(event: PlatformEvent): string {
	return FILTERABLE_EVENT_TYPES.has(event.eventType) ? event.eventType : 'OTHER';
}
