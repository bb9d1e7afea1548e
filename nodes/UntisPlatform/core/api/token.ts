import { pathSegment } from './pathSegment';

/**
 * The client-credentials grant for one tenant, as pure request building and answer reading:
 *   POST {apiBase}/WebUntis/api/sso/v3/{tenantId}/token
 *   grant_type=client_credentials, Basic auth clientId:password (the password, not the secret).
 * The HTTP call itself is the node's (n8n's request helpers); nothing here echoes the password.
 */

export interface TokenGrantInput {
	tenantId: string;
	clientId: string;
	/** Plain text: unseal first. */
	password: string;
	/** Where the token endpoint lives (apiBase.ts): the API host per environment, or the tenant's host. */
	apiBase: string;
}

export interface TokenRequest {
	url: string;
	headers: Record<string, string>;
	body: string;
}

export interface AccessToken {
	access_token: string;
	token_type: string;
	expires_in: number;
	/** ISO time the token expires (tokens live about three minutes): cache it until then. */
	expiresAt: string;
}

export class TokenError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'TokenError';
	}
}

/** A host name (253) with scheme, port and slack; the cap is checked before anything else. */
export const MAX_HOST_LENGTH = 300;

/** `https://school.example///` without its trailing slashes, in one backward scan (no regex). */
export function withoutTrailingSlashes(text: string): string {
	let end = text.length;
	while (end > 0 && text.charCodeAt(end - 1) === 47 /* / */) end--;
	return text.slice(0, end);
}

/** Hosts for which plain http:// is accepted: the project's own tests run stand-ins there. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Why a URL's scheme cannot carry the Basic password or a token, or undefined: https:// only,
 * plain http:// for a loopback host alone.
 */
export function insecureSchemeProblem(url: URL, what: string): string | undefined {
	if (url.protocol === 'https:') return undefined;
	if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
	return `${what} must start with https:// (plain http:// is accepted only for a loopback test host: 127.0.0.1, [::1] or localhost), so that the password and tokens never travel in clear text.`;
}

/** Why a host value cannot be used, or undefined when it can. */
export function hostProblem(host: string): string | undefined {
	if (host.length > MAX_HOST_LENGTH) {
		return `Host is ${host.length} characters long; a host name or URL has at most ${MAX_HOST_LENGTH}`;
	}
	const trimmed = withoutTrailingSlashes(host.trim());
	if (trimmed === '') return 'Host is empty: the credentials event carries it in `host`';
	const url = parseUrl(/^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
	if (!url) return `Host '${host.slice(0, 80)}' is not a host name or URL`;
	// Any '@' is userinfo here (a path is refused anyway), also a password-only `:pw@host`.
	if (url.pathname !== '/' || url.search || url.hash || url.username || url.password || trimmed.includes('@')) {
		return `Host '${host.slice(0, 80)}' must be a bare host (no path, query or user)`;
	}
	return insecureSchemeProblem(url, `Host '${host.slice(0, 80)}'`);
}

/** `school.webuntis.com`, `https://school.webuntis.com/` and `http://127.0.0.1:8080` all work. */
export function baseUrlOf(host: string): string {
	const problem = hostProblem(host);
	if (problem) throw new TokenError(problem);
	const trimmed = withoutTrailingSlashes(host.trim());
	const url = new URL(/^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
	return `${url.protocol}//${url.host}`;
}

function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

const NOT_JSON = Symbol('not JSON');
function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return NOT_JSON;
	}
}

export function buildTokenRequest(input: TokenGrantInput): TokenRequest {
	for (const field of ['tenantId', 'clientId', 'password'] as const) {
		if (!input[field] || input[field].trim() === '') {
			throw new TokenError(`${field} is empty: it comes from the tenant's credentials event`);
		}
	}
	const tenant = pathSegment(input.tenantId, 'tenantId', (message) => new TokenError(message));
	const basic = Buffer.from(`${input.clientId}:${input.password}`, 'utf8').toString('base64');
	return {
		url: `${withoutTrailingSlashes(input.apiBase)}/WebUntis/api/sso/v3/${tenant}/token`,
		headers: {
			Authorization: `Basic ${basic}`,
			'Content-Type': 'application/x-www-form-urlencoded',
			Accept: 'application/json',
		},
		body: 'grant_type=client_credentials',
	};
}

/** Reads the platform's answer; every failure names the tenant and what to check. */
export function readTokenResponse(
	tenantId: string,
	status: number,
	body: unknown,
	now: Date = new Date(),
): AccessToken {
	const where = `Token request for tenant '${tenantId}'`;
	if (status === 401 || status === 403) {
		throw new TokenError(
			`${where} was refused (HTTP ${status}): clientId or password is wrong or outdated; a RESET or REACTIVATED event brings new ones`,
		);
	}
	if (status === 404) {
		throw new TokenError(
			`${where} failed with HTTP 404: no token endpoint there; check the API Base URL in the credential (or the API Host option)`,
		);
	}
	if (status < 200 || status >= 300) {
		throw new TokenError(`${where} failed with HTTP ${status}${status >= 500 ? ': the platform had an error, retry later' : ''}`);
	}
	const json = typeof body === 'string' || Buffer.isBuffer(body) ? parseJson(body.toString()) : body;
	if (json === NOT_JSON) throw new TokenError(`${where} answered HTTP ${status} with a body that is not JSON`);
	const token = json as Partial<AccessToken> | null;
	if (!token || typeof token.access_token !== 'string' || token.access_token === '') {
		throw new TokenError(`${where} answered without an access_token`);
	}
	const expiresIn = Number(token.expires_in);
	if (!Number.isFinite(expiresIn) || expiresIn <= 0) {
		throw new TokenError(`${where} answered without a valid expires_in`);
	}
	return {
		access_token: token.access_token,
		token_type: typeof token.token_type === 'string' ? token.token_type : 'Bearer',
		expires_in: expiresIn,
		expiresAt: new Date(now.getTime() + expiresIn * 1000).toISOString(),
	};
}
