import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback mock of the Untis APIs for tests: the token endpoint (client-credentials grant,
 * Basic clientId:password) and data endpoints with OneRoster paging, rate limits and failures.
 * It plays the platform's API host; a second server plays a school's host and knows no API at
 * all, so a call that goes to the wrong host fails visibly.
 *
 * Behaviour by path (after the API base):
 * - /ims/oneroster/v1p1/orgs      250 orgs, limit/offset, X-Total-Count
 * - /ims/oneroster/v1p1/classes   200 classes, limit/offset, no X-Total-Count
 * - /ims/oneroster/v1p1/capped    23 users, at most 10 per page whatever limit asks, X-Total-Count
 * - /ims/oneroster/v1p1/linked    23 users, 10 per page, Link rel="next", no X-Total-Count
 * - /ims/oneroster/v1p1/stuck     ignores offset: always a full page
 * - /rest/limited                 429 Retry-After 2 twice, then 200
 * - /rest/limited-long            429 Retry-After 3600
 * - /rest/down                    503 without Retry-After, always
 * - /rest/error                   500
 * - /rest/forbidden               403 with an error text
 * - /rest/echo                    200 with the method, query and JSON body it got
 * A tenant named `revoked` has its first token refused with 401 by the data endpoints;
 * `revoked-mid` has its first token refused from offset 10 on (revoked mid-collection).
 */
export interface MockCall {
	host: 'api' | 'school';
	method: string;
	path: string;
	query: Record<string, string>;
	authorization?: string;
	body: string;
}

export interface UntisApiMock {
	apiBase: string;
	schoolHost: string;
	calls: MockCall[];
	tokenCalls(): MockCall[];
	dataCalls(): MockCall[];
	/** expires_in the token endpoint gives (seconds). */
	expiresIn: number;
	close(): Promise<void>;
}

const ORGS = Array.from({ length: 250 }, (_, i) => ({ sourcedId: `org-${i}`, name: `School ${i}` }));
const CLASSES = Array.from({ length: 200 }, (_, i) => ({ sourcedId: `class-${i}` }));
const USERS = Array.from({ length: 23 }, (_, i) => ({ sourcedId: `user-${i}` }));

/** `accepts` decides the token grant: a clientId → password map, or a function. */
export async function startUntisApiMock(
	accepts: Record<string, string> | ((clientId: string, password: string) => boolean) = { 'client-1': 'pw-1' },
): Promise<UntisApiMock> {
	const valid = typeof accepts === 'function' ? accepts : (user: string, password: string) => user in accepts && accepts[user] === password;
	const calls: MockCall[] = [];
	const issued = new Map<string, number>();
	const firstTokenOf = new Map<string, string>();
	const tokenTenant = new Map<string, string>();
	let limitedHits = 0;
	const mock = { expiresIn: 180 } as UntisApiMock;

	const handler = (host: MockCall['host']) => (req: IncomingMessage, res: ServerResponse) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://mock');
			const call: MockCall = { host, method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization, body };
			calls.push(call);
			const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
				res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(value));
			if (host === 'school') return json(404, { error: 'this is a school host, not the API host' });

			const token = /^\/WebUntis\/api\/sso\/v3\/([^/]+)\/token$/.exec(url.pathname);
			if (token) {
				const tenant = decodeURIComponent(token[1]);
				const [user, password] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(':');
				if (req.method !== 'POST' || body !== 'grant_type=client_credentials') return json(400, { error: 'invalid_request' });
				if (!valid(user, password)) return json(401, { error: 'invalid_client' });
				const n = (issued.get(tenant) ?? 0) + 1;
				issued.set(tenant, n);
				const accessToken = `tok-${tenant}-${n}`;
				if (!firstTokenOf.has(tenant)) firstTokenOf.set(tenant, accessToken);
				tokenTenant.set(accessToken, tenant);
				return json(200, { access_token: accessToken, token_type: 'Bearer', expires_in: mock.expiresIn });
			}

			const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
			const tenant = tokenTenant.get(bearer);
			if (!tenant) return json(401, { error: 'invalid_token' });
			if (tenant === 'revoked' && bearer === firstTokenOf.get(tenant)) return json(401, { error: 'invalid_token' });
			// A token revoked in the middle of a collection: the first token works until offset 10.
			if (tenant === 'revoked-mid' && bearer === firstTokenOf.get(tenant) && Number(url.searchParams.get('offset') ?? 0) >= 10) return json(401, { error: 'invalid_token' });
			const limit = Number(url.searchParams.get('limit') ?? 100);
			const offset = Number(url.searchParams.get('offset') ?? 0);
			switch (url.pathname) {
				case '/ims/oneroster/v1p1/orgs':
					return json(200, { orgs: ORGS.slice(offset, offset + limit) }, { 'X-Total-Count': String(ORGS.length) });
				case '/ims/oneroster/v1p1/classes':
					return json(200, { classes: CLASSES.slice(offset, offset + limit) });
				case '/ims/oneroster/v1p1/capped':
					// A server that returns at most 10 records per page, whatever limit asks.
					return json(200, { users: USERS.slice(offset, offset + Math.min(limit, 10)) }, { 'X-Total-Count': String(USERS.length) });
				case '/ims/oneroster/v1p1/linked': {
					// Link rel="next" until the last page, no X-Total-Count, 10 per page.
					const page = USERS.slice(offset, offset + Math.min(limit, 10));
					const more = offset + page.length < USERS.length;
					return json(200, { users: page }, more ? { Link: `<${url.pathname}?limit=${limit}&offset=${offset + page.length}>; rel="next"` } : {});
				}
				case '/ims/oneroster/v1p1/stuck':
					return json(200, { users: ORGS.slice(0, limit) });
				case '/rest/limited':
					return ++limitedHits <= 2 ? json(429, { error: 'slow down' }, { 'Retry-After': '2' }) : json(200, { ok: true });
				case '/rest/limited-long':
					return json(429, { error: 'slow down' }, { 'Retry-After': '3600' });
				case '/rest/down':
					return json(503, { error: 'maintenance' });
				case '/rest/error':
					return json(500, { message: 'internal error' });
				case '/rest/forbidden':
					return json(403, { error_description: 'scope roster-core.readonly required' });
				case '/rest/echo':
					return json(200, { method: req.method, query: Object.fromEntries(url.searchParams), body: body ? JSON.parse(body) : null, tenant });
				default:
					return json(404, { error: 'not found' });
			}
		});
	};

	const api: Server = createServer(handler('api'));
	const school: Server = createServer(handler('school'));
	await Promise.all([api, school].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
	const base = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return Object.assign(mock, {
		apiBase: base(api),
		schoolHost: base(school),
		calls,
		tokenCalls: () => calls.filter((c) => c.path.endsWith('/token')),
		dataCalls: () => calls.filter((c) => !c.path.endsWith('/token')),
		close: async () => {
			for (const server of [api, school]) {
				server.closeAllConnections();
				await new Promise<void>((resolve) => server.close(() => resolve()));
			}
		},
	});
}

/** n8n's httpRequest as the node uses it (returnFullResponse, ignoreHttpStatusErrors, timeout), on fetch. */
export async function fetchLikeN8n(options: { method: string; url: string; headers?: Record<string, string>; body?: string; timeout?: number }) {
	const response = await fetch(options.url, {
		method: options.method,
		headers: options.headers,
		body: options.body,
		signal: AbortSignal.timeout(options.timeout ?? 10000),
	}).catch((error: Error) => {
		throw Object.assign(new Error(error.name === 'TimeoutError' ? 'timeout of request exceeded' : error.message), {
			code: error.name === 'TimeoutError' ? 'ECONNABORTED' : 'ECONNREFUSED',
			config: { headers: options.headers },
		});
	});
	const text = await response.text();
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {
		// n8n hands non-JSON bodies over as text
	}
	return { statusCode: response.status, headers: Object.fromEntries(response.headers), body };
}
