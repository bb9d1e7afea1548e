import { createHash } from 'node:crypto';

import type { AccessToken } from './token';

/**
 * Access tokens reused per tenant until shortly before they expire (they live about three
 * minutes), within and across executions of one process.
 *
 * The key is a SHA-256 over API base, tenantId, clientId and password: never shared across
 * tenants, and a caller who does not know the password cannot pick up a token that someone else
 * obtained (two n8n users may hold the same tenant's clientId). Neither the password nor the
 * key material is kept. Bounded: the least recently used entry goes first.
 */
export interface TokenCacheOptions {
	/** Entries kept at most; one per tenant and client. */
	maxEntries?: number;
	/** A token is not handed out when it expires within this many seconds. */
	marginSeconds?: number;
	/** Milliseconds since the epoch; injectable so tests control expiry. */
	now?: () => number;
}

export interface TokenKeyParts {
	apiBase: string;
	tenantId: string;
	clientId: string;
	password: string;
}

interface Entry {
	token: AccessToken;
	/** When the token stops being handed out (expiry minus the margin). */
	usableUntil: number;
}

export class TokenCache {
	private readonly entries = new Map<string, Entry>();
	/** One token request per key at a time: concurrent items for a tenant share it. */
	private readonly pending = new Map<string, Promise<AccessToken>>();
	readonly maxEntries: number;
	readonly marginSeconds: number;
	readonly now: () => number;

	constructor(options: TokenCacheOptions = {}) {
		this.maxEntries = options.maxEntries ?? 1000;
		this.marginSeconds = options.marginSeconds ?? 30;
		this.now = options.now ?? Date.now;
	}

	static keyOf(parts: TokenKeyParts): string {
		// Length-prefixed, so no two different tuples give the same input.
		const material = [parts.apiBase, parts.tenantId, parts.clientId, parts.password]
			.map((part) => `${part.length}:${part}`)
			.join('|');
		return createHash('sha256').update(material, 'utf8').digest('hex');
	}

	get size(): number {
		return this.entries.size;
	}

	/** A token that stays valid for at least the margin, or undefined. */
	get(key: string): AccessToken | undefined {
		const entry = this.entries.get(key);
		if (!entry) return undefined;
		if (entry.usableUntil <= this.now()) {
			this.entries.delete(key);
			return undefined;
		}
		// Map order is the recency order.
		this.entries.delete(key);
		this.entries.set(key, entry);
		return entry.token;
	}

	set(key: string, token: AccessToken): void {
		// A token shorter-lived than twice the margin is still used, for half its life.
		const margin = Math.min(this.marginSeconds, token.expires_in / 2) * 1000;
		this.entries.delete(key);
		this.entries.set(key, { token, usableUntil: this.now() + token.expires_in * 1000 - margin });
		while (this.entries.size > this.maxEntries) {
			this.entries.delete(this.entries.keys().next().value as string);
		}
	}

	delete(key: string): void {
		this.entries.delete(key);
	}

	/** The cached token, or the one `fetch` brings (shared by concurrent callers), then cached. */
	async obtain(key: string, fetch: () => Promise<AccessToken>): Promise<AccessToken> {
		const cached = this.get(key);
		if (cached) return cached;
		let request = this.pending.get(key);
		if (!request) {
			request = fetch().then(
				(token) => {
					this.pending.delete(key);
					this.set(key, token);
					return token;
				},
				(error: unknown) => {
					this.pending.delete(key);
					throw error;
				},
			);
			this.pending.set(key, request);
		}
		return await request;
	}
}
