import { buildTokenRequest, readTokenResponse, TokenError, withoutTrailingSlashes, type AccessToken } from './token';
import { printable } from './apiErrors';
import { TokenCache } from './tokenCache';

/**
 * Authenticated calls to one tenant's Untis APIs: a cached client-credentials token, one retry
 * with a fresh token after a 401, and bounded, Retry-After-honouring retries after 429 and 503
 * (and after a gateway's 502 and 504 for reads and the token grant).
 * The HTTP call and the wait are injected (n8n's httpRequest and sleep in the node, a loopback
 * server in tests), so nothing here opens a socket or starts a timer. Errors name the tenant,
 * the status and what to check, never the password or the token.
 */
export interface HttpRequest {
	method: string;
	url: string;
	headers: Record<string, string>;
	body?: string;
	/** Milliseconds. */
	timeout: number;
}

export interface HttpResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** Throws on a network failure; answers every HTTP status (no throwing on 4xx/5xx). */
export type Send = (request: HttpRequest) => Promise<HttpResponse>;
export type Sleep = (milliseconds: number) => Promise<void>;

export interface RetryPolicy {
	/** Retries after 429/503 (and 502/504 for reads), on top of the first attempt. */
	maxRetries: number;
	/** A Retry-After longer than this is not waited for: the call fails at once. */
	maxWaitSeconds: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 3, maxWaitSeconds: 30 };

export interface Transport {
	send: Send;
	sleep: Sleep;
	cache: TokenCache;
	retry?: RetryPolicy;
	/** Milliseconds per request. */
	timeout?: number;
}

export interface TenantAccess {
	/** Normalised base URL (apiBase.ts), without a trailing slash. */
	apiBase: string;
	tenantId: string;
	clientId: string;
	/** Plain text: unsealed by the caller. */
	password: string;
}

export interface ApiCall {
	method: string;
	/** Relative to the API base, e.g. /ims/oneroster/v1p1/orgs. */
	path: string;
	query?: Record<string, string | number | boolean>;
	/** Sent as JSON. */
	body?: unknown;
	/**
	 * A message for a refusal (status, parsed body), or undefined for the generic one: the typed
	 * operations read the API family's error body (apiErrors.ts). Secrets are scrubbed from it.
	 */
	explain?: (status: number, body: unknown) => string | undefined;
}

export interface ApiResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	/** Parsed JSON when the answer is JSON, else the text. */
	body: unknown;
}

export class ApiError extends Error {
	constructor(
		message: string,
		readonly status?: number,
	) {
		super(message);
		this.name = 'ApiError';
	}
}

const NETWORK_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'the host refused the connection',
	ENOTFOUND: 'the host name was not found',
	ECONNRESET: 'the connection was reset',
	EAI_AGAIN: 'the host name could not be resolved',
	CERT_HAS_EXPIRED: "the host's TLS certificate has expired",
};

/** Plain words for a failed send; only the code and message are read (the request holds secrets). */
export function networkFailure(error: unknown, timeout: number): string {
	const { code, message } = (error ?? {}) as { code?: string; message?: string };
	// n8n rewrites messages that contain raw socket error codes, so name them in words.
	if (/timeout|ETIMEDOUT|ECONNABORTED/i.test(`${code} ${message}`)) return `no answer within ${timeout} ms`;
	return NETWORK_FAILURES[code ?? ''] ?? 'network error';
}

/** A response header as given (a string or several), looked up case-insensitively by its lower-case name. */
export function rawHeader(headers: Record<string, unknown>, name: string): unknown {
	const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
	return key === undefined ? undefined : headers[key];
}

/** A response header's first value as text, looked up case-insensitively. */
export function header(headers: Record<string, unknown>, name: string): string | undefined {
	const value = rawHeader(headers, name);
	return Array.isArray(value) ? String(value[0]) : value === undefined ? undefined : String(value);
}

/** Retry-After as seconds (delta-seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | undefined, now: number): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	const text = value.trim();
	if (/^\d+$/.test(text)) return Number(text);
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** scheme://host:port of a Location, never its path or query (which may carry anything). */
export function redirectOrigin(location: string | undefined, from: string): string {
	if (location === undefined || location.trim() === '') return 'nowhere (no Location)';
	try {
		return new URL(location.trim(), from).origin;
	} catch {
		return 'an unreadable Location';
	}
}

/**
 * A redirect is never followed (the transport turns following off): the request carries the
 * bearer token or the Basic clientId:password, which must not reach another host.
 */
function refuseRedirect(response: HttpResponse, request: HttpRequest): void {
	if (response.statusCode < 300 || response.statusCode >= 400 || response.statusCode === 304) return;
	const to = redirectOrigin(header(response.headers, 'location'), request.url);
	throw new ApiError(
		`The Untis API answered ${response.statusCode} with a redirect to ${to}; redirects are not followed so that the token and password never reach another host. Check the API Base URL (or the tenant's host).`,
		response.statusCode,
	);
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether an answer is worth sending the request again. 429 and 503 say the request was not
 * served. 502 and 504 come from a gateway that may have passed it on: only a request that changes
 * nothing (a read, the token grant) is sent again, so a write is never done twice.
 */
export function retryable(status: number, method: string, changesNothing = READS.has(method.toUpperCase())): boolean {
	if (status === 429 || status === 503) return true;
	return (status === 502 || status === 504) && changesNothing;
}

/** One send, with the retries above. The last answer is returned whatever its status; a 3xx throws. */
async function sendWithRetries(
	transport: Transport,
	request: HttpRequest,
	label: string,
	changesNothing?: boolean,
): Promise<HttpResponse> {
	const policy = transport.retry ?? DEFAULT_RETRY;
	for (let attempt = 0; ; attempt++) {
		let response: HttpResponse | undefined;
		let failure: unknown;
		try {
			response = await transport.send(request);
		} catch (error) {
			failure = error;
		}
		if (response === undefined) throw new ApiError(`${label} failed: ${networkFailure(failure, request.timeout)}`);
		refuseRedirect(response, request);
		if (!retryable(response.statusCode, request.method, changesNothing) || attempt >= policy.maxRetries) {
			return response;
		}
		const asked = retryAfterSeconds(header(response.headers, 'retry-after'), transport.cache.now());
		// No Retry-After: back off 1, 2, 4 ... seconds.
		const wait = asked ?? Math.min(2 ** attempt, policy.maxWaitSeconds);
		if (wait > policy.maxWaitSeconds) {
			throw new ApiError(
				`${label} was answered HTTP ${response.statusCode} with Retry-After ${wait} s, longer than the ${policy.maxWaitSeconds} s this node waits: the platform is ${response.statusCode === 429 ? 'rate-limiting' : 'unavailable'}, retry later`,
				response.statusCode,
			);
		}
		await transport.sleep(wait * 1000);
	}
}

const NOT_JSON = Symbol('not JSON');
function parsedBody(body: unknown): unknown {
	if (typeof body !== 'string' && !Buffer.isBuffer(body)) return body;
	const text = body.toString();
	if (text.trim() === '') return text;
	try {
		return JSON.parse(text);
	} catch {
		return NOT_JSON;
	}
}

/** A fresh token through the client-credentials grant (with the retries; a grant changes nothing). */
export async function requestToken(transport: Transport, access: TenantAccess): Promise<AccessToken> {
	const grant = buildTokenRequest(access);
	const timeout = transport.timeout ?? 10000;
	let response: HttpResponse | undefined;
	let failure: unknown;
	try {
		response = await sendWithRetries(
			transport,
			{ method: 'POST', url: grant.url, headers: grant.headers, body: grant.body, timeout },
			`Token request for tenant '${access.tenantId}'`,
			true,
		);
	} catch (error) {
		failure = error;
	}
	if (response === undefined) throw new TokenError((failure as Error).message);
	return readTokenResponse(access.tenantId, response.statusCode, response.body, new Date(transport.cache.now()));
}

/** The full URL for a path relative to the API base; refuses anything that would leave it. */
export function apiUrl(apiBase: string, path: string, query: ApiCall['query'] = {}): string {
	const trimmed = path.trim();
	if (!trimmed.startsWith('/') || trimmed.startsWith('//') || /^[a-z][a-z0-9+.-]*:/i.test(trimmed)) {
		throw new ApiError(
			`Path '${trimmed.slice(0, 80)}' must be relative to the API base and start with /, e.g. /ims/oneroster/v1p1/orgs`,
		);
	}
	const base = new URL(apiBase);
	const url = new URL(`${withoutTrailingSlashes(apiBase)}${trimmed}`);
	const prefix = withoutTrailingSlashes(base.pathname);
	// The token goes only to the API base: no ../ out of it, no other host.
	if (url.origin !== base.origin || (prefix !== '' && !`${url.pathname}/`.startsWith(`${prefix}/`))) {
		throw new ApiError(`Path '${trimmed.slice(0, 80)}' leaves the API base ${apiBase}`);
	}
	for (const [name, value] of Object.entries(query)) url.searchParams.append(name, String(value));
	return url.toString();
}

function scrubbed(text: string, secrets: string[]): string {
	let result = text;
	for (const secret of secrets) if (secret.length >= 4) result = result.split(secret).join('***');
	return result;
}

/** The platform's own short error text, if it gave one; scrubbed of the secrets just in case. */
function platformSays(body: unknown, secrets: string[]): string {
	if (typeof body !== 'object' || body === null) return '';
	const record = body as Record<string, unknown>;
	const text = [record.error_description, record.message, record.error].find(
		(value): value is string => typeof value === 'string' && value.trim() !== '',
	);
	if (!text) return '';
	return ` (platform: ${scrubbed(printable(text, 200), secrets)})`;
}

function failure(status: number, label: string, call: ApiCall, access: TenantAccess, retries: number): string {
	if (status === 400) return `${label} was refused (HTTP 400): check the path's parameters, the query and the body`;
	if (status === 401) {
		return `${label} was refused with a fresh access token (HTTP 401): the tenant's credentials may have been revoked (a RESET or DEACTIVATION event follows), or the app lacks access to this API`;
	}
	if (status === 403) return `${label} is forbidden (HTTP 403): the app has no permission for this API; check the APIs and scopes of your app in PAM`;
	if (status === 404) {
		return `${label} found nothing (HTTP 404): check the path (relative to the API base ${access.apiBase}) and the credential's API Base URL`;
	}
	if (status === 429) return `${label} was still rate-limited (HTTP 429) after ${retries} retries: retry later or send fewer requests at once`;
	if (status >= 500) return `${label} failed with HTTP ${status}: the platform had an error${retryable(status, call.method) ? ` (still after ${retries} retries)` : ''}, retry later`;
	return `${label} failed with HTTP ${status}`;
}

/**
 * One authenticated call. The token comes from the cache or a grant; a 401 drops it and the call
 * is made once more with a fresh one. Returns 2xx answers, throws ApiError for everything else.
 */
export async function callApi(transport: Transport, access: TenantAccess, call: ApiCall): Promise<ApiResponse> {
	const url = apiUrl(access.apiBase, call.path, call.query);
	const method = call.method.toUpperCase();
	const label = `${method} ${call.path.trim().split('?')[0]} for tenant '${access.tenantId}'`;
	const key = TokenCache.keyOf(access);
	const timeout = transport.timeout ?? 10000;
	let token = await transport.cache.obtain(key, () => requestToken(transport, access));
	const body = call.body === undefined || method === 'GET' || method === 'HEAD' ? undefined : JSON.stringify(call.body);
	const send = (bearer: AccessToken) =>
		sendWithRetries(
			transport,
			{
				method,
				url,
				headers: {
					Authorization: `Bearer ${bearer.access_token}`,
					Accept: 'application/json',
					...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
				},
				body,
				timeout,
			},
			label,
		);
	let response = await send(token);
	if (response.statusCode === 401) {
		// Revoked or expired early: one fresh token, one more try.
		transport.cache.delete(key);
		token = await transport.cache.obtain(key, () => requestToken(transport, access));
		response = await send(token);
	}
	const parsed = parsedBody(response.body);
	if (response.statusCode < 200 || response.statusCode >= 300) {
		const retries = (transport.retry ?? DEFAULT_RETRY).maxRetries;
		const explained = call.explain?.(response.statusCode, parsed === NOT_JSON ? undefined : parsed);
		if (explained !== undefined) throw new ApiError(scrubbed(explained, [access.password, token.access_token]), response.statusCode);
		throw new ApiError(
			failure(response.statusCode, label, call, access, retries) +
				platformSays(parsed, [access.password, token.access_token]),
			response.statusCode,
		);
	}
	if (parsed === NOT_JSON) throw new ApiError(`${label} answered HTTP ${response.statusCode} with a body that is not JSON`);
	return { statusCode: response.statusCode, headers: response.headers, body: parsed };
}
