import { eventItem, type SecretsPolicy } from './delivery';
import type { DeliveryIds } from './deliveryIds';
import {
	OPTIONAL_CREDENTIAL_FIELDS,
	REQUIRED_CREDENTIAL_FIELDS,
	type CredentialsEvent,
	type JsonObject,
} from './events';
import { dotSegmentMessage } from '../api/apiErrors';
import { dotSegmentProblem } from '../api/pathSegment';
import { hostProblem } from '../api/token';
import { schoolLanguage } from './formLanguage';

/**
 * The manual-entry fallback: a school admin copies tenant id, client id, secret and password from
 * the platform into a form when the webhook was missed. The result has exactly the trigger's
 * credentials-event shape, with eventType MANUAL, so the same storage path serves both.
 */
export const MANUAL_EVENT_TYPE = 'MANUAL';

/** One thing wrong with one field of an entry; the form words it, the action node below. */
export type EntryProblem =
	| { field: string; kind: 'notText' | 'missing' | 'quoted' | 'spaces' | 'sameAsSecret' | 'host' | 'email' }
	| { field: string; kind: 'tooLong'; length: number; limit: number }
	| { field: string; kind: 'label'; label: string }
	| { field: string; kind: 'language' | 'dotSegment'; given: string };

/** The action node's wording (n8n shows it to the vendor, who knows the field names). */
export function describeEntryProblem(problem: EntryProblem): string {
	const name = `'${problem.field}'`;
	switch (problem.kind) {
		case 'notText': return `${name} must be text`;
		case 'missing': return `${name} is missing`;
		case 'tooLong': return `${name} is ${problem.length} characters long; at most ${problem.limit} are accepted: copy the value alone`;
		case 'quoted': return `${name} is wrapped in quotes: paste the value without them`;
		case 'spaces': return `${name} contains spaces or line breaks: copy the value alone`;
		case 'label': return `${name} holds the label '${problem.label}', not the value: copy the value next to it`;
		case 'dotSegment': return dotSegmentMessage(name, problem.given);
		case 'sameAsSecret': return "'secret' and 'password' are the same value: the platform shows two different ones; copy each into its field";
		case 'host': return `${name} must be a host name such as school.webuntis.com`;
		case 'email': return `${name} is not an email address`;
		case 'language': return `${name} '${problem.given.slice(0, 40)}' is not a language this package knows: enter de (Deutsch) or en (English)`;
	}
}

export class ManualEntryError extends Error {
	constructor(readonly problems: EntryProblem[]) {
		const missing = problems.filter((problem) => problem.kind === 'missing').map((problem) => problem.field);
		const others = problems.filter((problem) => problem.kind !== 'missing').map(describeEntryProblem);
		super([...(missing.length ? [`Missing: ${missing.join(', ')}`] : []), ...others].join('; '));
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

/** The field's value trimmed (null when empty), or its first problem. */
function cleaned(field: string, value: unknown): string | null | EntryProblem {
	if (value === undefined || value === null) return null;
	if (typeof value !== 'string' && typeof value !== 'number') return { field, kind: 'notText' };
	const raw = String(value);
	const limit = field === 'activatorEmail' || field === 'schoolEmail' ? MAX_EMAIL_LENGTH : MAX_VALUE_LENGTH;
	if (raw.length > limit) return { field, kind: 'tooLong', length: raw.length, limit };
	const text = raw.trim();
	if (text === '') return null;
	if (text.length >= 2 && QUOTES.has(text[0]) && text[text.length - 1] === text[0]) return { field, kind: 'quoted' };
	if (SINGLE_TOKEN.includes(field) && /\s/.test(text)) return { field, kind: 'spaces' };
	if (field === 'clientId' && LABELS.has(text.toLowerCase())) return { field, kind: 'label', label: text };
	return text;
}

/**
 * Every problem of a typed-in entry at once (at most one per field), so a person fixes them all
 * in one round trip; and the values, trimmed, with the language as its code.
 */
export function checkManualEntry(input: ManualEntryInput): { values: Record<string, string | null>; problems: EntryProblem[] } {
	const values: Record<string, string | null> = {};
	const problems: EntryProblem[] = [];
	for (const field of [...REQUIRED, ...OPTIONAL_CREDENTIAL_FIELDS]) {
		const value = cleaned(field, input[field]);
		if (value !== null && typeof value === 'object') {
			problems.push(value);
			values[field] = null;
		} else {
			values[field] = value;
			if (value === null && (REQUIRED as readonly string[]).includes(field)) problems.push({ field, kind: 'missing' });
		}
	}
	const has = (field: string) => values[field] !== null;
	// The tenant id becomes a segment of the token request's path (Check with the Platform, later API calls).
	if (has('tenantId') && dotSegmentProblem(values.tenantId as string, "'tenantId'")) problems.push({ field: 'tenantId', kind: 'dotSegment', given: values.tenantId as string });
	if (has('secret') && values.secret === values.password) problems.push({ field: 'password', kind: 'sameAsSecret' });
	if (has('host') && hostProblem(values.host as string)) problems.push({ field: 'host', kind: 'host' });
	if (has('activatorEmail') && !isEmailAddress(values.activatorEmail as string)) problems.push({ field: 'activatorEmail', kind: 'email' });
	if (has('language')) {
		const language = schoolLanguage(values.language as string);
		if (language) values.language = language;
		else problems.push({ field: 'language', kind: 'language', given: values.language as string });
	}
	return { values, problems };
}

/** Validates typed-in credentials and returns the trigger's credentials item (secrets treated per policy). */
export function manualCredentialsItem(
	input: ManualEntryInput,
	options: { secrets: SecretsPolicy; deliveryIds: DeliveryIds; now?: Date },
): JsonObject {
	const { values, problems } = checkManualEntry(input);
	if (problems.length) throw new ManualEntryError(problems);

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
