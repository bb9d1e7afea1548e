/**
 * A bound on password guessing at the manual-entry form: after LIMIT failed logins from one client
 * address within a window, every request from that address is answered 429 until the window
 * ends. In memory and per process (each n8n webhook process counts alone); the map of addresses
 * is bounded, so a flood of addresses costs memory only up to MAX_CLIENTS.
 */
export const LOGIN_FAILURE_LIMIT = 10;
export const LOGIN_WINDOW_MS = 60 * 1000;
export const MAX_CLIENTS = 10_000;

interface Window {
	start: number;
	failures: number;
}

export interface LoginThrottleOptions {
	limit?: number;
	windowMs?: number;
	maxClients?: number;
	now?: () => number;
}

export class LoginThrottle {
	private readonly windows = new Map<string, Window>();
	private readonly limit: number;
	private readonly windowMs: number;
	private readonly maxClients: number;
	private readonly now: () => number;

	constructor(options: LoginThrottleOptions = {}) {
		this.limit = options.limit ?? LOGIN_FAILURE_LIMIT;
		this.windowMs = options.windowMs ?? LOGIN_WINDOW_MS;
		this.maxClients = options.maxClients ?? MAX_CLIENTS;
		this.now = options.now ?? Date.now;
	}

	/** The current window of a client, or undefined once it has ended. */
	private current(client: string, now: number): Window | undefined {
		const window = this.windows.get(client);
		if (window && now - window.start < this.windowMs) return window;
		if (window) this.windows.delete(client);
		return undefined;
	}

	/** Seconds the client must wait before it may try again (for Retry-After), or 0. */
	retryAfter(client: string): number {
		const now = this.now();
		const window = this.current(client, now);
		if (!window || window.failures < this.limit) return 0;
		return Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000));
	}

	/** Counts a failed login; true when this one reached the limit (the client is now held off). */
	failed(client: string): boolean {
		const now = this.now();
		let window = this.current(client, now);
		if (!window) {
			this.makeRoom();
			window = { start: now, failures: 0 };
			this.windows.set(client, window);
		}
		window.failures++;
		return window.failures === this.limit;
	}

	/** Number of client addresses held in memory. */
	get size(): number {
		return this.windows.size;
	}

	// A window is inserted when it starts, so the Map's order is by start: the first entries are
	// the ended windows, then the oldest current ones. Evicting from the front is O(evicted).
	private makeRoom(): void {
		for (const client of this.windows.keys()) {
			if (this.windows.size < this.maxClients) return;
			this.windows.delete(client);
		}
	}
}
