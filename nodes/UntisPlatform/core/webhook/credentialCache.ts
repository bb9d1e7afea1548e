import { createHmac, randomBytes } from 'node:crypto';

/**
 * Keeps what a node derives from its credential (parsed keys, a sealer) between requests, so a
 * request does not read the credential from n8n each time. In n8n 2.41 every read outside an
 * execution costs a database query, a decryption and, under n8n's default expression engine, a
 * fresh V8 isolate: more than the rest of a forged request together (BENCHMARKS.md).
 *
 * The rules, each tested with an injected clock:
 * - An entry is used for at most `maxAgeMs` after its read: a removed key, or a changed
 *   Encryption Key, takes effect within that bound.
 * - When a request fails verification under the cached value, the caller may ask for a re-read
 *   (`reread`): granted at most once per `minRereadMs` per entry, so an added key verifies on
 *   the next request and a flood of forged requests reads the credential at most once a second.
 * - A credential that could not be read or derived is retried after `minRereadMs`, not `maxAgeMs`,
 *   so a fix takes effect within a second.
 * - Bounded (least recently used entries go first). Keys are chosen by the caller so that two
 *   credentials or two workflows never share an entry. The credential's fields themselves are not
 *   kept: only the derived value and a keyed fingerprint that says nothing about the fields.
 */
export interface CredentialCacheOptions {
	/** Longest use of one read; bounds how long a removed key still verifies. */
	maxAgeMs?: number;
	/** Shortest time between two reads of one entry, whatever prompts them. */
	minRereadMs?: number;
	maxEntries?: number;
	/** Milliseconds; injectable so tests need not wait. */
	now?: () => number;
}

export const CREDENTIAL_MAX_AGE_MS = 60_000;
export const CREDENTIAL_MIN_REREAD_MS = 1_000;

/** A credential's fields as n8n hands them over. */
export type CredentialFields = object;

/** One read of the credential and what was derived from it (or why that failed). */
export interface CachedCredential<T> {
	/** Changes exactly when the credential's fields change; unrelated to their values otherwise. */
	readonly fingerprint: string;
	readonly value?: T;
	readonly error?: Error;
	readonly readAt: number;
}

interface Entry<T> {
	current?: CachedCredential<T>;
	pending?: Promise<CachedCredential<T>>;
	/** When the last read started: the re-read rate limit counts from here. */
	lastReadAt: number;
}

const UNREADABLE = 'unreadable';

// Per process: a fingerprint cannot be compared with one from elsewhere or inverted offline.
const FINGERPRINT_KEY = randomBytes(32);

/** Keyed digest of every field, in a fixed order, so any change (and only a change) shows. */
export function fingerprintOf(fields: CredentialFields): string {
	const mac = createHmac('sha256', FINGERPRINT_KEY);
	for (const name of Object.keys(fields).sort()) {
		mac.update(JSON.stringify([name, (fields as Record<string, unknown>)[name] ?? null]));
		mac.update('\n');
	}
	return mac.digest('base64');
}

export class CredentialCache<T, F extends CredentialFields = CredentialFields> {
	private readonly entries = new Map<string, Entry<T>>();
	private readonly maxAgeMs: number;
	private readonly minRereadMs: number;
	private readonly maxEntries: number;
	private readonly now: () => number;

	constructor(
		private readonly derive: (fields: F) => T,
		options: CredentialCacheOptions = {},
	) {
		this.maxAgeMs = options.maxAgeMs ?? CREDENTIAL_MAX_AGE_MS;
		this.minRereadMs = options.minRereadMs ?? CREDENTIAL_MIN_REREAD_MS;
		this.maxEntries = options.maxEntries ?? 128;
		this.now = options.now ?? (() => Date.now());
	}

	get size(): number {
		return this.entries.size;
	}

	/** The cached read if it may still be used, else undefined (then call `read`). */
	fresh(key: string): CachedCredential<T> | undefined {
		const entry = this.entries.get(key);
		const current = entry?.current;
		if (!current) return undefined;
		const age = this.now() - current.readAt;
		if (age < 0 || age >= (current.error ? this.minRereadMs : this.maxAgeMs)) return undefined;
		// Least recently used goes first: a hit moves the entry to the end.
		this.entries.delete(key);
		this.entries.set(key, entry);
		return current;
	}

	/**
	 * Reads the credential now and stores what it derives. Concurrent callers share one read;
	 * an unchanged credential keeps its derived value (no re-parsing).
	 */
	read(key: string, read: () => Promise<F>): Promise<CachedCredential<T>> {
		const entry = this.entryFor(key);
		if (entry.pending) return entry.pending;
		entry.lastReadAt = this.now();
		const pending = read().then(
			(fields) => this.settle(entry, this.derived(fields, entry.current)),
			(error: unknown) =>
				this.settle(entry, { fingerprint: UNREADABLE, error: asError(error), readAt: this.now() }),
		);
		entry.pending = pending;
		return pending;
	}

	/**
	 * After a verification failed under `seen`: a newer read if the credential has changed since,
	 * else undefined. Reads only if no read started within `minRereadMs`; joins a read in flight.
	 */
	async reread(
		key: string,
		read: () => Promise<F>,
		seen: CachedCredential<T>,
	): Promise<CachedCredential<T> | undefined> {
		const entry = this.entries.get(key);
		let next: CachedCredential<T> | undefined;
		if (entry?.pending) next = await entry.pending;
		else if (entry?.current && entry.current !== seen) next = entry.current;
		else if (this.rereadDue(entry)) next = await this.read(key, read);
		return next && next.fingerprint !== seen.fingerprint ? next : undefined;
	}

	/**
	 * False when `reread(key, read, seen)` would return undefined without reading: no read in
	 * flight, nothing newer than `seen`, and the last read too recent. A flood of forged requests
	 * then skips the call and its promise.
	 */
	mayReread(key: string, seen: CachedCredential<T>): boolean {
		const entry = this.entries.get(key);
		return !!entry?.pending || (!!entry?.current && entry.current !== seen) || this.rereadDue(entry);
	}

	private rereadDue(entry: Entry<T> | undefined): boolean {
		const now = this.now();
		return !entry || now - entry.lastReadAt >= this.minRereadMs || now < entry.lastReadAt;
	}

	/** Stores a read made elsewhere (on activation), replacing whatever was cached. */
	store(key: string, fields: F): CachedCredential<T> {
		const entry = this.entryFor(key);
		entry.lastReadAt = this.now();
		return this.settle(entry, this.derived(fields, entry.current));
	}

	forget(key: string): void {
		this.entries.delete(key);
	}

	private derived(fields: F, previous: CachedCredential<T> | undefined): CachedCredential<T> {
		const fingerprint = fingerprintOf(fields);
		const readAt = this.now();
		if (previous && previous.fingerprint === fingerprint && !previous.error) {
			return { fingerprint, value: previous.value, readAt };
		}
		try {
			return { fingerprint, value: this.derive(fields), readAt };
		} catch (error) {
			return { fingerprint, error: asError(error), readAt };
		}
	}

	private settle(entry: Entry<T>, result: CachedCredential<T>): CachedCredential<T> {
		// An entry evicted or forgotten while its read was in flight stays out of the map.
		entry.pending = undefined;
		entry.current = result;
		return result;
	}

	private entryFor(key: string): Entry<T> {
		let entry = this.entries.get(key);
		if (!entry) {
			entry = { lastReadAt: Number.NEGATIVE_INFINITY };
			this.entries.set(key, entry);
			while (this.entries.size > this.maxEntries) {
				this.entries.delete(this.entries.keys().next().value as string);
			}
		}
		return entry;
	}
}

function asError(error: unknown): Error {
	return error instanceof Error ? error : new Error(String(error));
}
