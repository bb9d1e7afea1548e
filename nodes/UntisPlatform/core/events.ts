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
}

export interface DeactivationEvent {
	event: 'deactivation';
	eventType: string;
	tenantId: string;
	tenantStatus: 'deactivated' | 'deleted';
	reasonType: string | null;
	reasonText: string | null;
	extra: JsonObject;
}

export type PlatformEvent = CredentialsEvent | DeactivationEvent;

function invalid(message: string): Rejection {
	return new Rejection('invalid_body', message);
}

/** Keys that can reach an object's prototype in a careless merge: refused anywhere in a body. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function parseJsonObject(body: Buffer): JsonObject {
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

function optionalString(body: JsonObject, field: string): string | null {
	const value = body[field];
	if (value === undefined || value === null) return null;
	if (typeof value !== 'string') throw invalid(`Field '${field}' must be a string, got ${typeof value}`);
	return value;
}

function requiredString(body: JsonObject, field: string, why: string): string {
	const value = optionalString(body, field);
	if (value === null || value.trim() === '') {
		throw invalid(`Field '${field}' is missing or empty: ${why}`);
	}
	return value;
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
	body: JsonObject,
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
		event[field] = requiredString(body, field, 'a credentials delivery carries it');
	}
	for (const field of OPTIONAL_CREDENTIAL_FIELDS) {
		event[field] = optionalString(body, field);
	}
	if (specVersion === 1) event.schoolName = optionalString(body, 'schoolName');
	event.extra = extraFields(body, specVersion === 1 ? KNOWN_CREDENTIALS_V1 : KNOWN_CREDENTIALS_V2);
	return event;
}

const KNOWN_DEACTIVATION = new Set(['tenantId', 'eventType', 'reasonType', 'reasonText']);
const KNOWN_DEACTIVATION_LEGACY = new Set(['tenantId', 'type', 'reasonType', 'reasonText']);

function deactivationEvent(
	body: JsonObject,
	tenantId: string,
	eventType: string,
	typeField: 'eventType' | 'type',
): DeactivationEvent {
	return {
		event: 'deactivation',
		eventType,
		tenantId,
		// An unknown deactivation-shaped event still means the credentials are dead.
		tenantStatus: eventType === 'DELETION' ? 'deleted' : 'deactivated',
		reasonType: optionalString(body, 'reasonType'),
		reasonText: optionalString(body, 'reasonText'),
		extra: extraFields(body, typeField === 'type' ? KNOWN_DEACTIVATION_LEGACY : KNOWN_DEACTIVATION),
	};
}

/**
 * Parses and classifies a body whose signature has already been verified.
 * Throws a Rejection (400) when it is not an event this package can deliver.
 */
export function parseEvent(body: Buffer): PlatformEvent {
	const json = parseJsonObject(body);
	const tenantId = requiredString(json, 'tenantId', 'every Untis Platform event names its tenant');

	// The older deactivation spec called eventType `type`.
	const typeField = json.eventType !== undefined ? 'eventType' : json.type !== undefined ? 'type' : undefined;
	if (typeField === undefined) {
		if (json.clientId !== undefined) return credentialsEvent(json, tenantId, V1_EVENT_TYPE, 1);
		throw invalid(
			'Body fits neither event: it has no eventType (or type) and no clientId of a v1 credentials body',
		);
	}
	const given = json[typeField];
	if (typeof given !== 'string' || given.trim() === '') {
		throw invalid(`Field '${typeField}' must be a non-empty string`);
	}
	const normalised = given.trim().toUpperCase();
	if ((CREDENTIALS_EVENT_TYPES as readonly string[]).includes(normalised)) {
		return credentialsEvent(json, tenantId, normalised, 2);
	}
	if ((DEACTIVATION_EVENT_TYPES as readonly string[]).includes(normalised)) {
		return deactivationEvent(json, tenantId, normalised, typeField);
	}
	// Forward compatibility: an unknown type keeps its value and is classified by shape.
	if (json.clientId !== undefined) return credentialsEvent(json, tenantId, given, 2);
	if (json.reasonType !== undefined) return deactivationEvent(json, tenantId, given, typeField);
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
