import { apiBaseProblem, DEFAULT_API_BASES, describeApiBase, resolveApiBase, tenantHostBase } from '../../nodes/UntisPlatform/core/api/apiBase';
import { apiUrl, callApi, requestToken, retryable, retryAfterSeconds, type Transport } from '../../nodes/UntisPlatform/core/api/apiTransport';
import { readAllPages } from '../../nodes/UntisPlatform/core/api/paging';
import { inactiveTenantProblem } from '../../nodes/UntisPlatform/core/api/tenantGuard';
import { TokenCache } from '../../nodes/UntisPlatform/core/api/tokenCache';
import type { UntisApiMock } from '../helpers/untisApiMock.cjs';

// A type-only import is erased; jest's module map knows only the older helpers, so load it by its file name.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { fetchLikeN8n, startUntisApiMock } = require('../helpers/untisApiMock.cts') as typeof import('../helpers/untisApiMock.cjs');

/**
 * The transport against a loopback mock of the Untis APIs whose API host is not the school's
 * host. Time is a fake clock: sleeping advances it, so no test waits for real.
 */
let mock: UntisApiMock;
beforeAll(async () => (mock = await startUntisApiMock()));
afterAll(() => mock.close());

let clock: number;
let waits: number[];
function transport(overrides: Partial<Transport> = {}): Transport {
	return {
		send: fetchLikeN8n,
		sleep: async (ms: number) => {
			waits.push(ms);
			clock += ms;
		},
		cache: new TokenCache({ now: () => clock }),
		timeout: 2000,
		...overrides,
	};
}
beforeEach(() => {
	mock.calls.length = 0;
	mock.expiresIn = 180;
	clock = Date.parse('2026-01-01T00:00:00Z');
	waits = [];
});
const access = (tenantId = 't-1', overrides = {}) => ({ apiBase: mock.apiBase, tenantId, clientId: 'client-1', password: 'pw-1', ...overrides });

describe('API base per environment', () => {
	it('defaults per environment, an entered URL wins, Custom needs one', () => {
		expect(resolveApiBase({ environment: 'production' })).toEqual({ url: 'https://api.webuntis.com', source: 'default' });
		expect(resolveApiBase({ environment: 'integration', apiBaseUrl: '' })).toEqual({ url: DEFAULT_API_BASES.integration, source: 'default' });
		expect(resolveApiBase({ environment: 'production', apiBaseUrl: ' https://proxy.example/untis/ ' })).toEqual({ url: 'https://proxy.example/untis', source: 'entered' });
		expect(() => resolveApiBase({ environment: 'custom' })).toThrow(/Custom environment has no default/);
	});

	it.each([
		['not a url', /is not a URL/],
		['ftp://x.example', /must start with https/],
		['https://user:pw@x.example', /must not carry a user/],
		['https://x.example/?a=1', /must not carry a user, query/],
	])('refuses %s', (given, message) => expect(apiBaseProblem(given)).toMatch(message));

	it('the tenant host works with or without scheme (the platform sends it with)', () => {
		expect(tenantHostBase('https://integration.webuntis.com')).toBe('https://integration.webuntis.com');
		expect(tenantHostBase('school.webuntis.com/')).toBe('https://school.webuntis.com');
		expect(() => tenantHostBase('school.webuntis.com/path')).toThrow(/bare host/);
	});

	it('the Test button sentence names the API base, and Custom without one is an error, as for the form and API calls', () => {
		expect(describeApiBase({ environment: 'production' })).toEqual({ ok: true, message: "The form's check and API calls go to https://api.webuntis.com, the production default." });
		expect(describeApiBase({ environment: 'custom', apiBaseUrl: 'http://127.0.0.1:9' })).toEqual({ ok: true, message: "The form's check and API calls go to http://127.0.0.1:9." });
		expect(describeApiBase({ environment: 'custom' })).toMatchObject({ ok: false, message: /^The API Base URL is empty, and the Custom environment has no default/ });
		expect(describeApiBase({ environment: 'production', apiBaseUrl: 'nope' })).toMatchObject({ ok: false, message: /is not a URL/ });
	});
});

describe('paths stay under the API base (the token goes nowhere else)', () => {
	it('joins path and query', () => {
		expect(apiUrl('https://api.webuntis.com', '/ims/oneroster/v1p1/orgs', { limit: 5, filter: "status='active'" })).toBe(
			"https://api.webuntis.com/ims/oneroster/v1p1/orgs?limit=5&filter=status%3D%27active%27",
		);
		expect(apiUrl('https://p.example/untis', '/WebUntis/api/rest/extern/v1/lesson')).toBe('https://p.example/untis/WebUntis/api/rest/extern/v1/lesson');
	});

	it.each(['https://evil.example/x', '//evil.example/x', 'orgs', 'javascript:alert(1)', '/../../etc'])('refuses %s', (path) => {
		expect(() => apiUrl('https://p.example/untis', path)).toThrow(/must be relative to the API base|leaves the API base/);
	});
});

describe('tokens: one grant per tenant and client, reused until shortly before expiry', () => {
	it('the token request goes to the API host, not the school host', async () => {
		const token = await requestToken(transport(), access());
		expect(token.access_token).toBe('tok-t-1-1');
		expect(mock.calls).toEqual([expect.objectContaining({ host: 'api', method: 'POST', path: '/WebUntis/api/sso/v3/t-1/token', authorization: `Basic ${Buffer.from('client-1:pw-1').toString('base64')}` })]);
	});

	it('reuses the token across calls, and fetches a new one once it nears expiry', async () => {
		const t = transport();
		await callApi(t, access('t-exp'), { method: 'GET', path: '/rest/echo' });
		await callApi(t, access('t-exp'), { method: 'GET', path: '/rest/echo' });
		expect(mock.tokenCalls()).toHaveLength(1);
		clock += 149_000; // 180 s token, 30 s margin: still usable
		await callApi(t, access('t-exp'), { method: 'GET', path: '/rest/echo' });
		expect(mock.tokenCalls()).toHaveLength(1);
		clock += 2_000; // within the margin now
		await callApi(t, access('t-exp'), { method: 'GET', path: '/rest/echo' });
		expect(mock.tokenCalls()).toHaveLength(2);
		expect(mock.dataCalls().map((c) => c.authorization)).toEqual(['Bearer tok-t-exp-1', 'Bearer tok-t-exp-1', 'Bearer tok-t-exp-1', 'Bearer tok-t-exp-2']);
	});

	it('never shares a token across tenants, API bases or passwords', async () => {
		const t = transport();
		await callApi(t, access('t-a'), { method: 'GET', path: '/rest/echo' });
		await callApi(t, access('t-b'), { method: 'GET', path: '/rest/echo' });
		expect(mock.dataCalls().map((c) => c.authorization)).toEqual(['Bearer tok-t-a-1', 'Bearer tok-t-b-1']);
		// Same tenant and client, wrong password: no cached token, the grant refuses.
		await expect(callApi(t, access('t-a', { password: 'guess' }), { method: 'GET', path: '/rest/echo' })).rejects.toThrow(/tenant 't-a' was refused \(HTTP 401\)/);
		expect(TokenCache.keyOf(access('t-a'))).not.toBe(TokenCache.keyOf({ ...access('t-a'), apiBase: 'https://other.example' }));
	});

	it('concurrent calls for one tenant share one grant', async () => {
		const t = transport();
		await Promise.all(Array.from({ length: 5 }, () => callApi(t, access('t-c'), { method: 'GET', path: '/rest/echo' })));
		expect(mock.tokenCalls()).toHaveLength(1);
	});

	it('is bounded: the least recently used tenant goes first', () => {
		const cache = new TokenCache({ maxEntries: 2, now: () => clock });
		const token = { access_token: 'x', token_type: 'Bearer', expires_in: 180, expiresAt: '' };
		cache.set('a', token);
		cache.set('b', token);
		cache.get('a');
		cache.set('c', token);
		expect([cache.get('a'), cache.get('b'), cache.get('c')].map(Boolean)).toEqual([true, false, true]);
		expect(cache.size).toBe(2);
	});

	it('a short-lived token is used for half its life', () => {
		const cache = new TokenCache({ now: () => clock });
		cache.set('k', { access_token: 'x', token_type: 'Bearer', expires_in: 20, expiresAt: '' });
		clock += 9_000;
		expect(cache.get('k')).toBeDefined();
		clock += 2_000;
		expect(cache.get('k')).toBeUndefined();
	});
});

describe('retries', () => {
	it('a 401 gets exactly one retry with a fresh token', async () => {
		const json = await callApi(transport(), access('revoked'), { method: 'GET', path: '/rest/echo' });
		expect(json.body).toMatchObject({ tenant: 'revoked' });
		expect(mock.dataCalls().map((c) => c.authorization)).toEqual(['Bearer tok-revoked-1', 'Bearer tok-revoked-2']);
		expect(mock.tokenCalls()).toHaveLength(2);
	});

	it('a 401 with the fresh token too is an error naming the tenant, never the token or password', async () => {
		// The mock issues tokens only through the grant; a cache holding a token it never issued plays revocation twice.
		const t = transport({ send: async (request) => (request.url.includes('/token') ? fetchLikeN8n(request) : { statusCode: 401, headers: {}, body: { error: 'invalid_token' } }) });
		const error = await callApi(t, access(), { method: 'GET', path: '/rest/echo' }).catch((e: Error) => e);
		expect(String(error)).toMatch(/GET \/rest\/echo for tenant 't-1' was refused with a fresh access token \(HTTP 401\)/);
		expect(String(error)).not.toMatch(/pw-1|tok-t-1/);
		expect(mock.tokenCalls()).toHaveLength(2);
	});

	it('429 waits as long as Retry-After says, through the injected sleep, then succeeds', async () => {
		const json = await callApi(transport(), access(), { method: 'GET', path: '/rest/limited' });
		expect(json.body).toEqual({ ok: true });
		expect(waits).toEqual([2000, 2000]);
		expect(mock.dataCalls()).toHaveLength(3);
	});

	it('a Retry-After beyond the bound fails at once with what to do', async () => {
		await expect(callApi(transport(), access(), { method: 'GET', path: '/rest/limited-long' })).rejects.toThrow(
			/for tenant 't-1' was answered HTTP 429 with Retry-After 3600 s, longer than the 30 s this node waits: the platform is rate-limiting, retry later/,
		);
		expect(waits).toEqual([]);
	});

	it('503 without Retry-After backs off 1, 2, 4 s, then names the status', async () => {
		await expect(callApi(transport(), access(), { method: 'GET', path: '/rest/down' })).rejects.toThrow(
			/GET \/rest\/down for tenant 't-1' failed with HTTP 503: the platform had an error \(still after 3 retries\), retry later \(platform: maintenance\)/,
		);
		expect(waits).toEqual([1000, 2000, 4000]);
		expect(mock.dataCalls()).toHaveLength(4);
	});

	describe("a gateway's 502 or 504: sent again only when the request changes nothing", () => {
		/** The data endpoint answers `status` `failures` times, then 200; the token grant goes to the mock. */
		function flaky(status: number, failures: number, tokenFailures = 0) {
			const sent: string[] = [];
			let data = 0;
			let grants = 0;
			const send: Transport['send'] = async (request) => {
				sent.push(`${request.method} ${new URL(request.url).pathname}`);
				if (request.url.includes('/token')) return grants++ < tokenFailures ? { statusCode: status, headers: {}, body: 'Bad Gateway' } : fetchLikeN8n(request);
				return data++ < failures ? { statusCode: status, headers: {}, body: '<html>Gateway Time-out</html>' } : { statusCode: 200, headers: {}, body: '{"ok":true}' };
			};
			return { t: transport({ send }), sent };
		}

		it.each([502, 504])('a GET answered %i twice is sent again (1, 2 s) and succeeds', async (status) => {
			const { t, sent } = flaky(status, 2);
			expect((await callApi(t, access(), { method: 'GET', path: '/rest/echo' })).body).toEqual({ ok: true });
			expect(waits).toEqual([1000, 2000]);
			expect(sent.filter((line) => line.startsWith('GET'))).toHaveLength(3);
		});

		it.each([502, 504])('a GET answered %i past the retries names the status and the retries', async (status) => {
			const { t } = flaky(status, 99);
			await expect(callApi(t, access(), { method: 'GET', path: '/rest/echo' })).rejects.toThrow(
				new RegExp(`GET /rest/echo for tenant 't-1' failed with HTTP ${status}: the platform had an error \\(still after 3 retries\\), retry later$`),
			);
			expect(waits).toEqual([1000, 2000, 4000]);
		});

		it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('a %s answered 504 is not sent again (the gateway may have passed it on): one attempt, an error without "retries"', async (method) => {
			const { t, sent } = flaky(504, 1);
			const error = await callApi(t, access(), { method, path: '/rest/echo', body: { a: 1 } }).catch((e: Error) => e);
			expect(String(error)).toMatch(new RegExp(`${method} /rest/echo for tenant 't-1' failed with HTTP 504: the platform had an error, retry later$`));
			expect(sent.filter((line) => line === `${method} /rest/echo`)).toHaveLength(1);
			expect(waits).toEqual([]);
		});

		it('the token grant (a POST that changes nothing) answered 502 is sent again', async () => {
			const { t, sent } = flaky(502, 0, 1);
			expect((await callApi(t, access(), { method: 'GET', path: '/rest/echo' })).body).toEqual({ ok: true });
			expect(sent.filter((line) => line.startsWith('POST'))).toHaveLength(2);
			expect(waits).toEqual([1000]);
		});

		it('the rule: 429 and 503 always; 502 and 504 for reads only; 500 and others never', () => {
			expect([429, 503].map((status) => retryable(status, 'POST'))).toEqual([true, true]);
			expect([502, 504].map((status) => [retryable(status, 'get'), retryable(status, 'HEAD'), retryable(status, 'POST'), retryable(status, 'POST', true)])).toEqual([
				[true, true, false, true],
				[true, true, false, true],
			]);
			expect([500, 501, 505, 400, 404].map((status) => retryable(status, 'GET'))).toEqual([false, false, false, false, false]);
		});
	});

	it('Retry-After as an HTTP date', () => {
		expect(retryAfterSeconds(new Date(clock + 5000).toUTCString(), clock)).toBe(5);
		expect(retryAfterSeconds('soon', clock)).toBeUndefined();
	});

	it.each([
		['/rest/error', /failed with HTTP 500: the platform had an error, retry later \(platform: internal error\)/],
		['/rest/forbidden', /is forbidden \(HTTP 403\): the app has no permission for this API; check the APIs and scopes of your app in PAM \(platform: scope roster-core.readonly required\)/],
		['/nothing/here', /found nothing \(HTTP 404\): check the path \(relative to the API base http:\/\/127.0.0.1:\d+\) and the credential's API Base URL/],
	])('%s: no retry, an error that says what to check', async (path, message) => {
		await expect(callApi(transport(), access(), { method: 'GET', path })).rejects.toThrow(message);
		expect(mock.dataCalls()).toHaveLength(1);
		expect(waits).toEqual([]);
	});

	it('an unreachable API host is named in words', async () => {
		await expect(callApi(transport(), { ...access(), apiBase: 'http://127.0.0.1:1' }, { method: 'GET', path: '/rest/echo' })).rejects.toThrow(
			/Token request for tenant 't-1' failed: the host refused the connection/,
		);
	});

	it('the school host has no API: calling it is a 404 naming the API Base URL', async () => {
		await expect(callApi(transport(), { ...access(), apiBase: mock.schoolHost }, { method: 'GET', path: '/rest/echo' })).rejects.toThrow(
			/Token request for tenant 't-1' failed with HTTP 404: no token endpoint there; check the API Base URL/,
		);
	});

	it('sends query and JSON body', async () => {
		const json = await callApi(transport(), access(), { method: 'post', path: '/rest/echo', query: { a: 1 }, body: { x: [1] } });
		expect(json.body).toEqual({ method: 'POST', query: { a: '1' }, body: { x: [1] }, tenant: 't-1' });
	});
});

describe('OneRoster paging (limit/offset)', () => {
	const pages = (path: string, t = transport()) =>
		readAllPages((offset, limit) => callApi(t, access(), { method: 'GET', path, query: { limit, offset } }), { pageSize: 100, maxPages: 10 }, `GET ${path}`);

	it('stops at X-Total-Count', async () => {
		const { records, pages: n, total } = await pages('/ims/oneroster/v1p1/orgs');
		expect(records).toHaveLength(250);
		expect((records as Array<{ sourcedId: string }>).map((r) => r.sourcedId).slice(-1)).toEqual(['org-249']);
		expect([n, total]).toEqual([3, 250]);
		expect(mock.dataCalls().map((c) => c.query)).toEqual([{ limit: '100', offset: '0' }, { limit: '100', offset: '100' }, { limit: '100', offset: '200' }]);
		expect(mock.tokenCalls()).toHaveLength(1);
	});

	it('without X-Total-Count stops at a short (here: empty) page', async () => {
		const { records, pages: n } = await pages('/ims/oneroster/v1p1/classes');
		expect(records).toHaveLength(200);
		expect(n).toBe(3);
	});

	it('an API that ignores offset is named at the first repeated page, not looped over', async () => {
		await expect(pages('/ims/oneroster/v1p1/stuck')).rejects.toThrow(/page at offset 100 repeats the previous page: the API seems to ignore offset/);
		expect(mock.dataCalls()).toHaveLength(2);
	});

	const ids = (records: unknown[]) => (records as Array<{ sourcedId: string }>).map((r) => r.sourcedId);
	const all23 = Array.from({ length: 23 }, (_, i) => `user-${i}`);

	it('a server that caps its pages below limit: X-Total-Count says more remain, so every record is read once, in order', async () => {
		const { records } = await pages('/ims/oneroster/v1p1/capped');
		expect(ids(records)).toEqual(all23);
		expect(mock.dataCalls().map((c) => c.query.offset)).toEqual(['0', '10', '20']);
	});

	it('Link rel="next" without X-Total-Count keeps going past a short page; its URL is not followed', async () => {
		const { records } = await pages('/ims/oneroster/v1p1/linked');
		expect(ids(records)).toEqual(all23);
		expect(mock.dataCalls().map((c) => [c.path, c.query.offset])).toEqual([
			['/ims/oneroster/v1p1/linked', '0'],
			['/ims/oneroster/v1p1/linked', '10'],
			['/ims/oneroster/v1p1/linked', '20'],
		]);
	});

	it('a 401 in the middle of a collection refreshes the token once and resumes at the same offset', async () => {
		const t = transport();
		const tenantAccess = { ...access(), tenantId: 'revoked-mid' };
		const { records } = await readAllPages(
			(offset, limit) => callApi(t, tenantAccess, { method: 'GET', path: '/ims/oneroster/v1p1/capped', query: { limit, offset } }),
			{ pageSize: 100, maxPages: 10 },
			'GET capped',
		);
		expect(ids(records)).toEqual(all23);
		expect(mock.dataCalls().map((c) => c.query.offset)).toEqual(['0', '10', '10', '20']);
		expect(mock.tokenCalls()).toHaveLength(2);
	});

	it('an answer without a collection is named', async () => {
		await expect(pages('/rest/echo')).rejects.toThrow(/Return All needs a collection/);
	});
});

describe('deactivated tenants get no API call', () => {
	it.each([
		['deactivated', false, /Tenant 't' is deactivated: deactivated tenants must not trigger new API calls \(turn on Allow Inactive Tenants/],
		['deleted', false, /is deleted/],
		[undefined, false, /has no status/],
		['Active', false, undefined],
		['deactivated', true, undefined],
	])('%s (allow: %s)', (status, allow, message) => {
		const problem = inactiveTenantProblem('t', status, allow);
		if (message) expect(problem).toMatch(message);
		else expect(problem).toBeUndefined();
	});
});
