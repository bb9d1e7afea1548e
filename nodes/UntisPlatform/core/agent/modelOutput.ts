import { isSealed } from '../sealing/sealing';

/**
 * What a read-only tool hands a model: at most a cap of records, saying when more exist and how
 * to narrow the question; only the chosen fields; never a secret. Pure: no n8n.
 */
export const DEFAULT_CAP = 50;
export const MAX_CAP = 500;

/** The cap the workflow set, within 1..MAX_CAP (a larger value is lowered, not refused). */
export function capOf(value: unknown): number {
	const n = Math.floor(Number(value));
	if (!Number.isFinite(n) || n < 1) return DEFAULT_CAP;
	return Math.min(n, MAX_CAP);
}

/** The comma-separated Fields parameter as paths (a dot reaches into an object, e.g. metadata.className). */
export function fieldPaths(text: unknown): string[] {
	return String(text ?? '')
		.split(',')
		.map((field) => field.trim())
		.filter((field) => field !== '' && field.length <= 100)
		.slice(0, 50);
}

const own = (record: unknown, key: string) =>
	typeof record === 'object' && record !== null && Object.prototype.hasOwnProperty.call(record, key) ? (record as Record<string, unknown>)[key] : undefined;

/** The record with only these fields (nested by their dots); all of it when no field is given. */
export function selectFields(record: unknown, paths: string[]): unknown {
	if (paths.length === 0 || typeof record !== 'object' || record === null || Array.isArray(record)) return record;
	const picked: Record<string, unknown> = {};
	for (const path of paths) {
		const keys = path.split('.');
		let value: unknown = record;
		for (const key of keys) value = own(value, key);
		if (value === undefined) continue;
		let target = picked;
		for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
		target[keys[keys.length - 1]] = value;
	}
	return picked;
}

/** Field names whose values never reach a model, whatever a record or an error carries. */
const SECRET_KEY = /^(password|secret|clientsecret|client_secret|token|accesstoken|access_token|refreshtoken|refresh_token|idtoken|id_token|authorization|apikey|api_key|encryptionkey)$/i;
export const REMOVED = '[removed]';

/**
 * A deep copy without secrets: secret-named fields are dropped, and a string that is a sealed
 * value, carries a bearer token or contains one of `secrets` (the tenant's opened password) is
 * replaced. The last line of defence: the reads return school data, not credentials.
 */
export function scrubbed(value: unknown, secrets: string[] = [], depth = 0): unknown {
	const known = secrets.filter((secret) => secret.length >= 4);
	if (typeof value === 'string') {
		const text: string = value;
		if (isSealed(text as unknown) || /sealed:v\d+:/.test(text) || /\bbearer\s+\S/i.test(text) || known.some((secret) => text.includes(secret))) return REMOVED;
		return text;
	}
	if (typeof value !== 'object' || value === null) return value;
	if (depth > 32) return REMOVED;
	if (Array.isArray(value)) return value.map((entry) => scrubbed(entry, known, depth + 1));
	const copy: Record<string, unknown> = {};
	for (const [key, entry] of Object.entries(value)) {
		if (SECRET_KEY.test(key)) continue;
		copy[key] = scrubbed(entry, known, depth + 1);
	}
	return copy;
}

export interface ModelAnswer {
	/** e.g. "Student: Get Many". */
	read: string;
	count: number;
	records: unknown[];
	/** Present only when more records exist than were returned. */
	moreExist?: true;
	note?: string;
}

/**
 * At most `cap` records, each with the chosen fields. `fetched` may hold one record more than the
 * cap (asked for to learn whether more exist). `narrow` says what narrows this read.
 */
export function answerFor(read: string, fetched: unknown[], cap: number, paths: string[], narrow: string): ModelAnswer {
	const records = fetched.slice(0, cap).map((record) => selectFields(record, paths));
	if (fetched.length <= cap) return { read, count: records.length, records };
	return {
		read,
		count: records.length,
		records,
		moreExist: true,
		note: `More records exist than the ${cap} returned (the cap of this tool). Narrow the question: ${narrow}.`,
	};
}
