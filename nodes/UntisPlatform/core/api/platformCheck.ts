import { header, networkFailure, redirectOrigin, type Send } from './apiTransport';
import { buildTokenRequest, readTokenResponse, TokenError } from './token';

/**
 * "Check with the Platform" for typed-in credentials: one client-credentials grant for the
 * tenant id, client id and password as typed, at the credential's API base. A granted token
 * proves the entry; it is thrown away here and never reaches an item. No retries: a person is
 * waiting for the answer.
 */
/** A person waits for the answer: long enough for a slow platform, short enough to retry by hand. */
export const CHECK_TIMEOUT_MS = 10000;

export type PlatformCheck =
	| { ok: true }
	| { ok: false; kind: 'refused'; status: number; message: string }
	| { ok: false; kind: 'unreachable' | 'misconfigured'; message: string };

export interface PlatformCheckInput {
	apiBase: string;
	tenantId: string;
	clientId: string;
	/** Plain text, as typed. */
	password: string;
	/** Milliseconds. */
	timeout: number;
	now?: Date;
}

export async function checkWithPlatform(send: Send, input: PlatformCheckInput): Promise<PlatformCheck> {
	const grant = buildTokenRequest(input);
	const origin = new URL(input.apiBase).origin;
	let status: number;
	let body: unknown;
	try {
		const response = await send({ method: 'POST', url: grant.url, headers: grant.headers, body: grant.body, timeout: input.timeout });
		status = response.statusCode;
		body = response.body;
		if (status >= 300 && status < 400) {
			const to = redirectOrigin(header(response.headers, 'location'), grant.url);
			return { ok: false, kind: 'misconfigured', message: `The platform at ${origin} answered with a redirect to ${to}; it is not followed. Check the API Base URL of the Untis Platform credential.` };
		}
	} catch (error) {
		return { ok: false, kind: 'unreachable', message: `The platform could not be reached at ${origin} (${networkFailure(error, input.timeout)}): nothing was stored; try again later, or check the API Base URL of the Untis Platform credential.` };
	}
	if (status === 400 || status === 401 || status === 403) {
		return {
			ok: false,
			kind: 'refused',
			status,
			message: `The platform refused tenant '${input.tenantId}' with this client ID and password (HTTP ${status}): check that you copied the password (not the secret) and the tenant ID, and that the school belongs to the environment of the Untis Platform credential. Nothing was stored.`,
		};
	}
	if (status === 404) {
		return { ok: false, kind: 'misconfigured', message: `The platform at ${origin} has no token endpoint for tenant '${input.tenantId}' (HTTP 404): check the tenant ID, and the environment or API Base URL of the Untis Platform credential. Nothing was stored.` };
	}
	try {
		readTokenResponse(input.tenantId, status, body, input.now);
	} catch (error) {
		const message = error instanceof TokenError ? error.message : `Token request for tenant '${input.tenantId}' could not be read`;
		return { ok: false, kind: status >= 500 ? 'unreachable' : 'misconfigured', message: `${message}. Nothing was stored.` };
	}
	return { ok: true };
}
