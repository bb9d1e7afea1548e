import { eventItem, type SecretsPolicy } from './delivery';
import type { DeliveryIds } from './deliveryIds';
import {
	OPTIONAL_CREDENTIAL_FIELDS,
	REQUIRED_CREDENTIAL_FIELDS,
	type CredentialsEvent,
	type JsonObject,
} from './events';
import { dotSegmentProblem } from '../api/pathSegment';
import { hostProblem } from '../api/token';

/**
 * The manual-entry fallback: a school admin copies tenant id, client id, secret and password from
 * the platform into a form when the webhook was missed. The result has exactly the trigger's
 * credentials-event shape, with eventType MANUAL, so the same storage path serves both.
 */
export const MANUAL_EVENT_TYPE = 'MANUAL';

export class ManualEntryError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ManualEntryError';
	}
}

export type ManualEntryInput = Partial<Record<string, unknown>>;

const REQUIRED = ['tenantId', ...REQUIRED_CREDENTIAL_FIELDS] as const;
// Values that are single tokens on the platform: whitespace inside means a copy-paste accident.
const SINGLE_TOKEN = ['tenantId', 'clientId', 'secret', 'password', 'host'];

/**
 * Longest value a field accepts, checked before anything else looks at it: the form is public
 * input, and every later check is then bounded. Platform values are far shorter.
 */
export const MAX_VALUE_LENGTH = 1000;
/** RFC 5321's limit for a forward path. */
export const MAX_EMAIL_LENGTH = 254;

const QUOTES = new Set(['"', "'", '`']);
const LABELS = new Set(['clientid', 'client id', 'client_id', 'client-id', 'secret', 'password']);

/** `local@domain.tld`: one @, no whitespace, a dot inside the domain. One scan, no regex. */
export function isEmailAddress(text: string): boolean {
	const at = text.indexOf('@');
	if (at <= 0 || text.indexOf('@', at + 1) !== -1 || /\s/.test(text)) return false;
	const dot = text.indexOf('.', at + 2);
	return dot !== -1 && dot < text.length - 1;
}

function cleaned(field: string, value: unknown): string | null {
	if (value === undefined || value === null) return null;
	if (typeof value !== 'string' && typeof value !== 'number') {
		throw new ManualEntryError(`'${field}' must be text`);
	}
	const raw = String(value);
	const limit = field === 'activatorEmail' || field === 'schoolEmail' ? MAX_EMAIL_LENGTH : MAX_VALUE_LENGTH;
	if (raw.length > limit) {
		throw new ManualEntryError(`'${field}' is ${raw.length} characters long; at most ${limit} are accepted: copy the value alone`);
	}
	const text = raw.trim();
	if (text === '') return null;
	if (text.length >= 2 && QUOTES.has(text[0]) && text[text.length - 1] === text[0]) {
		throw new ManualEntryError(`'${field}' is wrapped in quotes: paste the value without them`);
	}
	if (SINGLE_TOKEN.includes(field) && /\s/.test(text)) {
		throw new ManualEntryError(`'${field}' contains spaces or line breaks: copy the value alone`);
	}
	if (field === 'clientId' && LABELS.has(text.toLowerCase())) {
		throw new ManualEntryError(`'clientId' holds the label '${text}', not the value: copy the value next to it`);
	}
	return text;
}

/** Validates typed-in credentials and returns the trigger's credentials item (secrets treated per policy). */
export function manualCredentialsItem(
	input: ManualEntryInput,
	options: { secrets: SecretsPolicy; deliveryIds: DeliveryIds; now?: Date },
): JsonObject {
	const values: Record<string, string | null> = {};
	for (const field of [...REQUIRED, ...OPTIONAL_CREDENTIAL_FIELDS]) values[field] = cleaned(field, input[field]);
	const missing = REQUIRED.filter((field) => values[field] === null);
	if (missing.length) throw new ManualEntryError(`Missing: ${missing.join(', ')}`);
	// The tenant id becomes a segment of the token request's path (Check with the Platform, later API calls).
	const dotted = dotSegmentProblem(values.tenantId as string, "'tenantId'");
	if (dotted) throw new ManualEntryError(dotted);
	if (values.secret === values.password) {
		throw new ManualEntryError("'secret' and 'password' are the same value: the platform shows two different ones; copy each into its field");
	}
	if (hostProblem(values.host as string)) {
		throw new ManualEntryError(`'host' must be a host name such as school.webuntis.com`);
	}
	if (values.activatorEmail !== null && !isEmailAddress(values.activatorEmail)) {
		throw new ManualEntryError(`'activatorEmail' is not an email address`);
	}

	const event = {
		event: 'credentials',
		eventType: MANUAL_EVENT_TYPE,
		tenantId: values.tenantId,
		tenantStatus: 'active',
		specVersion: 2,
		...Object.fromEntries(REQUIRED_CREDENTIAL_FIELDS.map((field) => [field, values[field]])),
		...Object.fromEntries(OPTIONAL_CREDENTIAL_FIELDS.map((field) => [field, values[field]])),
		extra: {},
	} as unknown as CredentialsEvent;
	// The same entry twice has the same deliveryId, like a redelivered webhook, keyed the same way.
	const canonical = Buffer.from(JSON.stringify(values));
	return eventItem(event, canonical, { algorithm: null, key: 'manual' }, options);
}
