import type { ICredentialTestFunctions, IDataObject, IExecuteFunctions, IExecuteResponsePromiseData, IWebhookFunctions } from 'n8n-workflow';

import { UntisPlatform } from '../../dist/nodes/UntisPlatform/UntisPlatform.node';
import { UntisPlatformManualEntryTrigger } from '../../dist/nodes/UntisPlatform/UntisPlatformManualEntryTrigger.node';
import { checkWithPlatform } from '../../nodes/UntisPlatform/core/api/platformCheck';
import { basicLoginMatches, loginProblem, MAX_AUTHORIZATION_LENGTH } from '../../nodes/UntisPlatform/core/webhook/basicAuth';
import { crossSiteProblem } from '../../nodes/UntisPlatform/core/webhook/crossSite';
import { FORM_TOKEN_MAX_AGE_MS, FormTokens, formBinding } from '../../nodes/UntisPlatform/core/webhook/formToken';
import { LOGIN_FAILURE_LIMIT, LoginThrottle } from '../../nodes/UntisPlatform/core/webhook/loginThrottle';
import { FORM_CONTENT_SECURITY_POLICY, formPage, formSubmission, MAX_FORM_BYTES, storedPage } from '../../nodes/UntisPlatform/core/webhook/manualEntryForm';
import { parseEncryptionKey, sealerFor } from '../../nodes/UntisPlatform/core/sealing/sealing';
import { ENCRYPTION_KEY } from '../helpers/platform.cjs';
import { fetchLikeN8n, startUntisApiMock, type UntisApiMock } from '../helpers/untisApiMock.cjs';
import { customCredential } from '../helpers/webhookContext.cjs';

/**
 * The package's own manual-entry form (Untis Platform Manual Entry Trigger): a login first, then
 * the typed-in credentials checked with the platform, and secret and password sealed inside the
 * webhook, so n8n never stores them in plain text. Refusals start nothing. On a real n8n: e2e.
 */
const node = new UntisPlatformManualEntryTrigger();
const login = { user: 'untis-admin', password: 'a-long-random-form-password' };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const urlencoded = (values: Record<string, string>) => Buffer.from(new URLSearchParams(values).toString());
const entry = { tenantId: '4711', clientId: 'BestApp-tenant-4711', secret: 'typed-secret', password: 'typed-password', host: 'school.webuntis.com', activatorEmail: 'admin@school.example' };

let api: UntisApiMock;
beforeAll(async () => {
	api = await startUntisApiMock({ 'BestApp-tenant-4711': 'typed-password' });
});
afterAll(() => api.close());

interface FormCall {
	status?: number;
	headers: Record<string, string>;
	html: string;
	outputs?: IDataObject[][];
	requests: number;
	warnings: Array<{ message: string; meta?: IDataObject }>;
}

// The form's webhook in these tests: its token binding.
const FORM = { workflowId: 'wf-form-1', nodeId: 'node-form-1', webhookId: 'hook-form-1' };
const tokens = new FormTokens(parseEncryptionKey(ENCRYPTION_KEY));
const freshToken = () => tokens.issue(formBinding(FORM.workflowId, FORM.nodeId, FORM.webhookId));
const hiddenToken = (html: string) => /name="formToken" value="([^"]+)"/.exec(html)?.[1];

async function submit(
	options: {
		method?: 'GET' | 'POST';
		/** null: no Authorization header at all. */
		authorization?: string | null;
		body?: Buffer;
		contentType?: string;
		parameters?: IDataObject;
		credential?: IDataObject;
		apiBase?: string;
		/** The form token sent with a POST: a fresh one unless given; null sends none. */
		token?: string | null;
		secFetchSite?: string;
		ip?: string;
		login?: IDataObject;
	} = {},
): Promise<FormCall> {
	const call: FormCall = { headers: {}, html: '', requests: 0, warnings: [] };
	const res = {
		status(code: number) {
			call.status = code;
			return res;
		},
		setHeader(name: string, value: string) {
			call.headers[name.toLowerCase()] = value;
		},
		end(html: string) {
			call.html = html;
		},
	};
	const token = options.token === undefined ? freshToken() : options.token;
	const fields = options.body ?? urlencoded(entry);
	const body = token === null ? fields : Buffer.concat([fields, Buffer.from(`&formToken=${encodeURIComponent(token)}`)]);
	const headers: IDataObject = { authorization: options.authorization === undefined ? basic(login.user, login.password) : options.authorization, 'content-type': options.contentType ?? 'application/x-www-form-urlencoded' };
	if (options.authorization === null) delete headers.authorization;
	if (options.secFetchSite !== undefined) headers['sec-fetch-site'] = options.secFetchSite;
	const req = {
		headers,
		ip: options.ip ?? '198.51.100.1',
		rawBody: body,
		readRawBody: async () => undefined,
	};
	const parameters: IDataObject = { authentication: 'basicAuth', checkWithPlatform: true, secrets: 'seal', ...options.parameters };
	const credential = options.credential ?? customCredential({ apiBaseUrl: options.apiBase ?? api.apiBase });
	const context = {
		getRequestObject: () => req,
		getResponseObject: () => res,
		getWebhookName: () => (options.method === 'GET' ? 'setup' : 'default'),
		getNodeParameter: (name: string, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
		getCredentials: async (name: string) => (name === 'untisPlatformFormLoginApi' ? (options.login ?? login) : credential),
		getNode: () => ({ id: FORM.nodeId, webhookId: FORM.webhookId, name: 'Untis Platform Manual Entry', type: 'untisPlatformManualEntryTrigger', typeVersion: 1, parameters }),
		getWorkflow: () => ({ id: FORM.workflowId }),
		helpers: {
			httpRequest: async (request: { method: string; url: string; headers: Record<string, string>; body: string; timeout: number }) => {
				call.requests++;
				return fetchLikeN8n(request);
			},
		},
		logger: { warn: (message: string, meta?: IDataObject) => call.warnings.push({ message, meta }), error: () => undefined, info: () => undefined, debug: () => undefined },
	} as unknown as IWebhookFunctions;
	const result = await node.webhook.call(context);
	call.outputs = result.workflowData?.map((items) => items.map((item) => item.json));
	return call;
}

describe('the form login (Basic, as n8n forms)', () => {
	it.each([
		['no Authorization', undefined],
		['a wrong password', basic(login.user, 'wrong')],
		['a wrong user', basic('admin', login.password)],
		['another scheme', `Bearer ${login.password}`],
		['no colon', `Basic ${Buffer.from(login.user + login.password).toString('base64')}`],
		['an oversize header', `Basic ${'A'.repeat(MAX_AUTHORIZATION_LENGTH)}`],
	])('%s does not match', (_what, header) => {
		expect(basicLoginMatches(header, login)).toBe(false);
	});

	it('the exact login matches (scheme case-insensitive); an empty credential never does', () => {
		expect(basicLoginMatches(basic(login.user, login.password), login)).toBe(true);
		expect(basicLoginMatches(basic(login.user, login.password).replace('Basic', 'basic'), login)).toBe(true);
		expect(basicLoginMatches(basic('', ''), { user: '', password: '' })).toBe(false);
	});

	it.each(['GET', 'POST'] as const)('%s without the login: 401 with a Basic challenge, nothing read, nothing started', async (method) => {
		const call = await submit({ method, authorization: basic(login.user, 'wrong') });
		expect(call.status).toBe(401);
		expect(call.headers['www-authenticate']).toMatch(/^Basic realm="Untis Platform manual entry"/);
		expect(call.outputs).toBeUndefined();
		expect(call.requests).toBe(0);
	});

	it('the form login credential test asks for a 16-character password', async () => {
		const test = node.methods.credentialTest.untisPlatformFormLoginApiTest;
		const result = (data: Record<string, string>) => test.call({} as ICredentialTestFunctions, { id: '1', name: 'x', type: 'untisPlatformFormLoginApi', data });
		expect(await result({ user: 'a', password: 'short' })).toMatchObject({ status: 'Error', message: expect.stringMatching(/at least 16/) });
		expect(await result({ user: '', password: login.password })).toMatchObject({ status: 'Error' });
		expect(await result(login)).toMatchObject({ status: 'OK' });
	});
});

describe('the form page', () => {
	it('GET with the login: the form, with a strict Content-Security-Policy and no caching', async () => {
		const call = await submit({ method: 'GET' });
		expect(call.status).toBe(200);
		expect(call.headers['content-type']).toBe('text/html; charset=utf-8');
		expect(call.headers['content-security-policy']).toBe(FORM_CONTENT_SECURITY_POLICY);
		expect(call.headers['cache-control']).toBe('no-store');
		for (const name of Object.keys(entry)) expect(call.html).toContain(`name="${name}"`);
		expect(call.html).not.toMatch(/<script/i);
		expect(call.outputs).toBeUndefined();
	});

	it('escapes the title, the description and every problem shown', () => {
		const html = formPage({ title: '<script>x</script>', description: '"quoted" & more', problem: "<img src=x onerror='y'>" });
		expect(html).not.toContain('<script>x');
		expect(html).not.toContain('<img');
		expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
		expect(html).toContain('&quot;quoted&quot; &amp; more');
		expect(storedPage('<b>4711</b>')).toContain('&lt;b&gt;4711&lt;/b&gt;');
	});
});

describe('reading a submission', () => {
	it('reads the fields of a urlencoded form', () => {
		expect(formSubmission(urlencoded(entry), 'application/x-www-form-urlencoded; charset=UTF-8')).toEqual(entry);
	});
	it.each([
		['an empty body', Buffer.alloc(0), 'application/x-www-form-urlencoded', 400, /empty/],
		['one byte over the cap', Buffer.alloc(MAX_FORM_BYTES + 1, 0x61), 'application/x-www-form-urlencoded', 413, /at most 16384/],
		['JSON', Buffer.from('{"tenantId":"1"}'), 'application/json', 415, /not a form submission/],
		['a field sent twice', Buffer.from('tenantId=1&tenantId=2'), 'application/x-www-form-urlencoded', 400, /sent 2 times/],
	])('refuses %s', (_what, body, type, status, message) => {
		expect(() => formSubmission(body, type)).toThrow(expect.objectContaining({ status, message: expect.stringMatching(message) }));
	});
});

describe('Check with the Platform', () => {
	const send = (answer: { statusCode: number; body?: unknown; headers?: Record<string, unknown> } | Error) => async () => {
		if (answer instanceof Error) throw answer;
		return { headers: {}, body: '', ...answer };
	};
	const input = { apiBase: 'https://api.webuntis.com', tenantId: '4711', clientId: 'c', password: 'p', timeout: 1000 };

	it('a granted token proves the entry, and is thrown away', async () => {
		const result = await checkWithPlatform(send({ statusCode: 200, body: { access_token: 'tok-SECRET', expires_in: 180 } }), input);
		expect(result).toEqual({ ok: true });
	});
	it.each([
		['a refused grant (401)', { statusCode: 401 }, 'refused', /password \(not the secret\) and the tenant ID.*environment/],
		['a refused grant (400 invalid_client)', { statusCode: 400, body: { error: 'invalid_client' } }, 'refused', /password \(not the secret\)/],
		['no token endpoint (404)', { statusCode: 404 }, 'misconfigured', /HTTP 404.*API Base URL/],
		['a redirect', { statusCode: 302, headers: { Location: 'https://evil.example/x?token=1' } }, 'misconfigured', /redirect to https:\/\/evil\.example; it is not followed/],
		['a platform error (500)', { statusCode: 500 }, 'unreachable', /HTTP 500/],
		['an unreachable platform', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'unreachable', /could not be reached at https:\/\/api\.webuntis\.com \(the host refused the connection\)/],
		['a 200 without a token', { statusCode: 200, body: {} }, 'misconfigured', /without an access_token/],
	])('%s is answered with what to check, and never the password', async (_what, answer, kind, message) => {
		const result = await checkWithPlatform(send(answer as never), { ...input, password: 'typed-PASSWORD' });
		expect(result).toMatchObject({ ok: false, kind, message: expect.stringMatching(message) });
		expect(JSON.stringify(result)).not.toContain('typed-PASSWORD');
		expect(JSON.stringify(result)).not.toContain('?token');
	});
});

describe('a submission through the trigger', () => {
	it('right credentials: checked with the platform once, then the trigger\'s credentials item, eventType MANUAL, secrets sealed on receipt', async () => {
		const before = api.tokenCalls().length;
		const call = await submit();
		expect(call.status).toBeUndefined(); // answered later, by Confirm Delivery
		expect(api.tokenCalls().length - before).toBe(1);
		const [[item]] = call.outputs!;
		expect(item).toMatchObject({ event: 'credentials', eventType: 'MANUAL', tenantId: '4711', clientId: 'BestApp-tenant-4711', host: 'school.webuntis.com', activatorEmail: 'admin@school.example' });
		expect(String(item.secret)).toMatch(/^sealed:v2:/);
		expect(String(item.password)).toMatch(/^sealed:v2:/);
		const sealer = sealerFor(ENCRYPTION_KEY);
		expect(sealer.unseal(String(item.password), { tenantId: '4711', field: 'password' })).toBe('typed-password');
		expect(sealer.unseal(String(item.secret), { tenantId: '4711', field: 'secret' })).toBe('typed-secret');
		const stored = JSON.stringify(call.outputs);
		for (const plain of ['typed-password', 'typed-secret', 'tok-']) expect(stored).not.toContain(plain);
	});

	it('a wrong password: the form again naming what to check, nothing started, nothing typed echoed', async () => {
		const call = await submit({ body: urlencoded({ ...entry, password: 'wrong-password' }) });
		expect(call.status).toBe(400);
		expect(call.outputs).toBeUndefined();
		expect(call.html).toMatch(/refused tenant &#39;4711&#39;.*password \(not the secret\)/);
		for (const typed of ['wrong-password', 'typed-secret']) expect(call.html).not.toContain(typed);
	});

	it('an unreachable platform: 502 with its own message, nothing started', async () => {
		const call = await submit({ apiBase: 'http://127.0.0.1:9' });
		expect(call.status).toBe(502);
		expect(call.html).toMatch(/could not be reached at http:\/\/127\.0\.0\.1:9/);
		expect(call.outputs).toBeUndefined();
	});

	it('an invalid entry is refused before the platform is asked', async () => {
		const call = await submit({ body: urlencoded({ ...entry, secret: 'typed-password' }) });
		expect(call.status).toBe(400);
		expect(call.html).toMatch(/the same value/);
		expect(call.requests).toBe(0);
		expect(call.outputs).toBeUndefined();
	});

	it('with Check with the Platform off: no request, the entry as typed (the editor shows a notice)', async () => {
		const call = await submit({ body: urlencoded({ ...entry, password: 'wrong-password' }), parameters: { checkWithPlatform: false } });
		expect(call.requests).toBe(0);
		expect(call.outputs![0][0]).toMatchObject({ eventType: 'MANUAL', tenantId: '4711' });
		const notices = node.description.properties.filter((p) => p.type === 'notice').map((p) => p.name);
		expect(notices).toEqual(expect.arrayContaining(['noCheckNotice', 'noAuthNotice', 'plainNotice']));
	});

	it('Authentication None: no login needed', async () => {
		const call = await submit({ authorization: '', parameters: { authentication: 'none' } });
		expect(call.outputs![0][0]).toMatchObject({ eventType: 'MANUAL' });
	});
});

describe("Confirm Delivery answers the form's submitter", () => {
	it("with a 'Stored' page naming the tenant (escaped), not the platform's JSON", async () => {
		const responses: IExecuteResponsePromiseData[] = [];
		const context = {
			getInputData: () => [{ json: { tenantId: '<4711>', eventType: 'MANUAL', secret: 'sealed:v2:x', deliveryId: 'ab' } }],
			getNodeParameter: (name: string, _i: number, fallback?: unknown) => (name === 'operation' ? 'confirmDelivery' : fallback),
			getNode: () => ({ name: 'Confirm Delivery', type: 'n8n-nodes-untis-platform.untisPlatform', typeVersion: 1 }),
			getParentNodes: () => [{ name: 'Form', type: 'n8n-nodes-untis-platform.untisPlatformManualEntryTrigger', parameters: {} }],
			sendResponse: async (response: IExecuteResponsePromiseData) => void responses.push(response),
			continueOnFail: () => false,
		} as unknown as IExecuteFunctions;
		await new UntisPlatform().execute.call(context);
		expect(responses).toHaveLength(1);
		expect(responses[0].headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8' });
		expect(String(responses[0].body)).toContain('Stored');
		expect(String(responses[0].body)).toContain('&lt;4711&gt;');
		expect(String(responses[0].body)).not.toContain('sealed:');
	});
});

describe('an empty or weak form login is no login (issue 35, item 2)', () => {
	it.each([
		['an empty password', { user: 'formadmin', password: '' }, basic('formadmin', '')],
		['an empty user', { user: '', password: login.password }, basic('', login.password)],
		['a 15-character password', { user: 'formadmin', password: 'p'.repeat(15) }, basic('formadmin', 'p'.repeat(15))],
	])('%s: the page and a submission get the 500 page, even with that very login; nothing starts', async (_what, weak, header) => {
		expect(loginProblem(weak)).toBeDefined();
		expect(basicLoginMatches(header, weak)).toBe(false);
		for (const method of ['GET', 'POST'] as const) {
			const call = await submit({ method, login: weak, authorization: header });
			expect(call.status).toBe(500);
			expect(call.html).toMatch(/no login set up.*at least 16 characters/);
			expect(call.outputs).toBeUndefined();
		}
	});

	it('a user and a 16-character password is a login', () => {
		expect(loginProblem({ user: 'formadmin', password: 'p'.repeat(16) })).toBeUndefined();
		expect(loginProblem(undefined)).toBeDefined();
	});
});

describe('cross-site submissions (issue 35, item 1)', () => {
	it.each([
		['same-origin', undefined],
		['none', undefined],
		[undefined, undefined],
		['cross-site', /another site/],
		['same-site', /another site/],
	])('Sec-Fetch-Site %s', (site, problem) => {
		const found = crossSiteProblem(site);
		if (problem) expect(found).toMatch(problem);
		else expect(found).toBeUndefined();
	});

	it.each(['cross-site', 'same-site'])('a POST with Sec-Fetch-Site %s and the right login: 403, a page saying why, nothing read or started', async (site) => {
		const call = await submit({ secFetchSite: site });
		expect(call.status).toBe(403);
		expect(call.html).toMatch(/started by another site/);
		expect(call.outputs).toBeUndefined();
		expect(call.requests).toBe(0);
		expect(call.warnings.at(-1)?.meta).toMatchObject({ event: 'untis.refused', reason: 'form_cross_site', status: 403 });
	});

	it('the page carries a token for this form, and the form submitted with it from its own page is accepted', async () => {
		const page = await submit({ method: 'GET' });
		const token = hiddenToken(page.html);
		expect(token).toMatch(/^\d+\.[\w-]{43}$/);
		const call = await submit({ token, secFetchSite: 'same-origin' });
		expect(call.outputs![0][0]).toMatchObject({ eventType: 'MANUAL', tenantId: '4711' });
		expect(call.outputs![0][0]).not.toHaveProperty('formToken');
	});

	it.each([
		['no token', null, /did not come from this form/],
		['a tampered token', `${freshToken().slice(0, -2)}AA`, /did not come from this form/],
		["another form's token", tokens.issue(formBinding(FORM.workflowId, FORM.nodeId, 'another-hook')), /did not come from this form/],
		['a token from before the maximum age', tokens.issue(formBinding(FORM.workflowId, FORM.nodeId, FORM.webhookId), Date.now() - FORM_TOKEN_MAX_AGE_MS - 1000), /open for too long/],
	])('%s: 403 with a page saying what to do, nothing started', async (_what, token, message) => {
		const call = await submit({ token });
		expect(call.status).toBe(403);
		expect(call.html).toMatch(message);
		expect(call.outputs).toBeUndefined();
		expect(call.requests).toBe(0);
	});

	it('the token is checked with an injected clock: accepted within an hour, stale after, never from the future', () => {
		const binding = formBinding('w', 'n', 'h');
		const issued = Date.UTC(2026, 0, 1, 12);
		const token = tokens.issue(binding, issued);
		expect(tokens.check(token, binding, issued + FORM_TOKEN_MAX_AGE_MS)).toBe('ok');
		expect(tokens.check(token, binding, issued + FORM_TOKEN_MAX_AGE_MS + 1000)).toBe('stale');
		expect(tokens.check(token, binding, issued - 5 * 60 * 1000)).toBe('stale');
		expect(tokens.check(token, formBinding('w', 'n', 'other'), issued)).toBe('wrong');
		expect(new FormTokens(Buffer.alloc(32, 8)).check(token, binding, issued)).toBe('wrong');
		for (const bad of ['', undefined, 42]) expect(tokens.check(bad, binding, issued)).toBe('missing');
		for (const bad of ['x.y', '.abc', `${issued}`, `1.${'A'.repeat(200)}`]) expect(tokens.check(bad, binding, issued)).toBe('wrong');
	});
});

describe('a bad Encryption Key (issue 35, item 5)', () => {
	it.each([
		['empty', ''],
		['malformed', 'not-a-key'],
	])('%s: the page and a submission get a 500 page naming the Encryption Key, nothing started, nothing thrown', async (_what, encryptionKey) => {
		for (const method of ['GET', 'POST'] as const) {
			const call = await submit({ method, credential: customCredential({ encryptionKey }) });
			expect(call.status).toBe(500);
			expect(call.html).toMatch(/Encryption Key.*openssl rand -base64 32.*Ask the n8n owner to fix the Untis Platform credential/s);
			expect(call.html).not.toMatch(/\bat .*\.js:\d+/);
			expect(call.outputs).toBeUndefined();
		}
	});

	it('activation refuses the key, saying what to fix', async () => {
		const hook = (encryptionKey: string) =>
			({ getCredentials: async () => customCredential({ encryptionKey }), getNode: () => ({ name: 'Untis Platform Manual Entry' }) }) as never;
		await expect(node.webhookMethods.default.create.call(hook(''))).rejects.toThrow(/Encryption Key is empty/);
		await expect(node.webhookMethods.default.create.call(hook('not-a-key'))).rejects.toThrow(/not 32 bytes/);
		await expect(node.webhookMethods.default.create.call(hook(ENCRYPTION_KEY))).resolves.toBe(true);
	});
});

describe('failed logins (issue 35, item 6)', () => {
	it('each is logged at warn with the client address and never the typed values', async () => {
		const call = await submit({ authorization: basic('guess-user', 'guess-password-123'), ip: '192.0.2.50' });
		expect(call.status).toBe(401);
		expect(call.warnings).toEqual([
			{
				message: 'Untis Platform Manual Entry Trigger refused a login',
				meta: { event: 'untis.refused', reason: 'form_login_failed', status: 401, workflowId: FORM.workflowId, node: 'Untis Platform Manual Entry', client: '192.0.2.50' },
			},
		]);
		expect(JSON.stringify(call.warnings)).not.toMatch(/guess/);
	});

	it('the browser\'s first request without a login is a challenge, not a failed login', async () => {
		const call = await submit({ method: 'GET', authorization: null, ip: '192.0.2.51' });
		expect(call.status).toBe(401);
		expect(call.warnings).toEqual([]);
	});

	it(`after ${LOGIN_FAILURE_LIMIT} failures in a minute, 429 with Retry-After for that address, even with the right login; another address is unaffected`, async () => {
		for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) expect((await submit({ method: 'GET', authorization: basic(login.user, `wrong-${i}`), ip: '192.0.2.60' })).status).toBe(401);
		const held = await submit({ method: 'GET', ip: '192.0.2.60' });
		expect(held.status).toBe(429);
		expect(Number(held.headers['retry-after'])).toBeGreaterThan(0);
		expect(Number(held.headers['retry-after'])).toBeLessThanOrEqual(60);
		expect(held.html).toMatch(/Too many failed logins/);
		expect((await submit({ method: 'GET', ip: '192.0.2.61' })).status).toBe(200);
	});

	it('the throttle, with an injected clock: a window per address, Retry-After counting down, the map bounded', () => {
		let now = 0;
		const throttle = new LoginThrottle({ limit: 3, windowMs: 60_000, maxClients: 2, now: () => now });
		expect([throttle.failed('a'), throttle.failed('a'), throttle.failed('a')]).toEqual([false, false, true]);
		expect(throttle.retryAfter('a')).toBe(60);
		now = 45_500;
		expect(throttle.retryAfter('a')).toBe(15);
		expect(throttle.retryAfter('b')).toBe(0);
		now = 60_000;
		expect(throttle.retryAfter('a')).toBe(0);
		throttle.failed('b');
		throttle.failed('c');
		throttle.failed('d');
		expect(throttle.size).toBe(2);
	});
});
