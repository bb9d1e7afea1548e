import type { ICredentialTestFunctions, IDataObject, IExecuteFunctions, IExecuteResponsePromiseData, IWebhookFunctions } from 'n8n-workflow';

import { UntisPlatform } from '../../dist/nodes/UntisPlatform/UntisPlatform.node';
import { UntisPlatformManualEntryTrigger } from '../../dist/nodes/UntisPlatform/UntisPlatformManualEntryTrigger.node';
import { checkWithPlatform } from '../../nodes/UntisPlatform/core/api/platformCheck';
import { basicLoginMatches, loginProblem, MAX_AUTHORIZATION_LENGTH } from '../../nodes/UntisPlatform/core/webhook/basicAuth';
import { crossSiteProblem } from '../../nodes/UntisPlatform/core/webhook/crossSite';
import { FORM_TOKEN_MAX_AGE_MS, FormTokens, formBinding } from '../../nodes/UntisPlatform/core/webhook/formToken';
import { LOGIN_FAILURE_LIMIT, LoginThrottle } from '../../nodes/UntisPlatform/core/webhook/loginThrottle';
import { formLanguageOf, negotiateFormLanguage, schoolLanguage } from '../../nodes/UntisPlatform/core/webhook/formLanguage';
import { manualCredentialsItem } from '../../nodes/UntisPlatform/core/webhook/manualEntry';
import { escapeHtml, FORM_CONTENT_SECURITY_POLICY, formPage, formSubmission, MAX_FORM_BYTES, storedPage } from '../../nodes/UntisPlatform/core/webhook/manualEntryForm';
import { deliveryIdsFor } from '../../nodes/UntisPlatform/core/webhook/deliveryIds';
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

interface HttpRequest {
	method: string;
	url: string;
	headers: Record<string, string>;
	body: string;
	timeout: number;
}

interface FormCall {
	status?: number;
	headers: Record<string, string>;
	html: string;
	outputs?: IDataObject[][];
	requests: number;
	urls: string[];
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
		acceptLanguage?: string;
		/** Instead of the loopback mock: what the platform answers. */
		httpRequest?: (request: HttpRequest) => Promise<unknown>;
	} = {},
): Promise<FormCall> {
	const call: FormCall = { headers: {}, html: '', requests: 0, urls: [], warnings: [] };
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
	if (options.acceptLanguage !== undefined) headers['accept-language'] = options.acceptLanguage;
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
			httpRequest: async (request: HttpRequest) => {
				call.requests++;
				call.urls.push(request.url);
				return (options.httpRequest ?? fetchLikeN8n)(request);
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
		const html = formPage({ language: 'en', title: '<script>x</script>', description: '"quoted" & more', problem: "<img src=x onerror='y'>" });
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
		expect(call.html).toMatch(/The password is the same as the secret/);
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
			({ getCredentials: async () => customCredential({ encryptionKey, apiBaseUrl: api.apiBase }), getNodeParameter: (_name: string, fallback: unknown) => fallback, getNode: () => ({ name: 'Untis Platform Manual Entry' }) }) as never;
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

/** The page's visible text: tags and attributes removed, entities kept as the browser would not show them. */
const visibleText = (html: string) => html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]*>/g, ' ');
const valueOf = (html: string, name: string) => new RegExp(`<input id="${name}"[^>]*? value="([^"]*)"`).exec(html)?.[1];

describe('the language of the form (issue 38)', () => {
	it.each([
		['de', 'de'],
		['de-AT,de;q=0.9,en;q=0.8', 'de'],
		['en-US,en;q=0.9', 'en'],
		['fr-FR, de;q=0.5, en;q=0.4', 'de'],
		['en;q=0.5, de-AT;q=0.8', 'de'],
		['de;q=0, en', 'en'],
		['fr, it', 'en'],
		['*', 'en'],
		['', 'en'],
		[undefined, 'en'],
		[`${'x-y;q=0.1,'.repeat(200)}de`, 'en'], // past the 1000 characters read
	])('Accept-Language %j: %s', (header, language) => {
		expect(negotiateFormLanguage(header)).toBe(language);
	});

	it('the node setting fixes the language whatever the browser says', () => {
		expect(formLanguageOf('en', 'de')).toBe('en');
		expect(formLanguageOf('de', 'en')).toBe('de');
		expect(formLanguageOf('auto', 'de-DE')).toBe('de');
		expect(formLanguageOf(undefined, 'de')).toBe('de');
		const setting = node.description.properties.find((property) => property.name === 'language');
		expect(setting).toMatchObject({ type: 'options', default: 'auto', description: expect.stringMatching(/\w/) });
		expect(setting?.options?.map((option) => (option as { name: string }).name)).toEqual(['Automatic (Browser)', 'Deutsch', 'English']);
	});

	it('Accept-Language de: a German page, lang="de", German labels and button, no English field names', async () => {
		const call = await submit({ method: 'GET', acceptLanguage: 'de-AT,de;q=0.9,en;q=0.8' });
		expect(call.status).toBe(200);
		expect(call.html).toContain('<html lang="de">');
		const text = visibleText(call.html);
		for (const label of ['Zugangsdaten für die Untis Platform', 'Tenant-ID', 'Client-ID', 'Passwort', 'Sprache der Schule', 'Prüfen und speichern']) expect(text).toContain(label);
		expect(text).not.toMatch(/tenantId|clientId|OIDC|Check and store/);
	});

	it('Accept-Language en: an English page; the node set to Deutsch: German even for an English browser', async () => {
		const english = await submit({ method: 'GET', acceptLanguage: 'en-GB' });
		expect(english.html).toContain('<html lang="en">');
		expect(visibleText(english.html)).toContain('Check and store');
		const fixed = await submit({ method: 'GET', acceptLanguage: 'en-GB', parameters: { language: 'de' } });
		expect(fixed.html).toContain('<html lang="de">');
	});

	it('with the check off, the button does not promise a check', async () => {
		const call = await submit({ method: 'GET', parameters: { checkWithPlatform: false } });
		expect(visibleText(call.html)).toMatch(/>?\s*Store\s/);
		expect(call.html).not.toContain('Check and store');
	});

	it.each([
		['en', /Please fix the problem marked below/, /Too many failed logins|Sign in with the login/],
		['de', /Bitte korrigieren Sie die unten markierte Angabe/, /Bitte mit den Anmeldedaten/],
	])('refusals in %s too: a problem, the sign-in page', async (language, summary, signIn) => {
		const missing = await submit({ body: urlencoded({ ...entry, tenantId: '' }), acceptLanguage: language });
		expect(missing.html).toMatch(summary);
		const unsigned = await submit({ method: 'GET', authorization: null, acceptLanguage: language, ip: `192.0.2.7${language.length}` });
		expect(unsigned.status).toBe(401);
		expect(unsigned.html).toMatch(signIn);
		expect(unsigned.html).toContain(`lang="${language}"`);
	});
});

describe('every problem at once, next to its field, what was typed kept (issue 38)', () => {
	const mistakes = {
		tenantId: '',
		clientId: 'Client ID',
		secret: 'same-value',
		password: 'same-value',
		host: 'https://school.webuntis.com/WebUntis/',
		activatorEmail: 'jane-at-school',
		language: 'Klingonisch',
	};

	it('six mistakes: one 400 listing all six at the top and each next to its field, no code names, nothing asked or started', async () => {
		const call = await submit({ body: urlencoded(mistakes) });
		expect(call.status).toBe(400);
		expect(call.requests).toBe(0);
		expect(call.outputs).toBeUndefined();
		const summary = /<div class="problem" role="alert">([\s\S]*?)<\/div>/.exec(call.html)?.[1] ?? '';
		expect(summary).toContain('Please fix the 6 problems marked below. Nothing was stored.');
		expect(summary.match(/<li>/g)).toHaveLength(6);
		const next = (field: string) => new RegExp(`<p class="field-problem" id="${field}-problem">([^<]*)</p>`).exec(call.html)?.[1];
		expect(next('tenantId')).toBe('Tenant ID is missing: copy it from the Untis Platform.');
		expect(next('clientId')).toBe('Client ID contains spaces or line breaks: copy the value alone.');
		expect(next('password')).toMatch(/^The password is the same as the secret/);
		expect(next('host')).toBe('Host must be an address such as school.webuntis.com, without a path.');
		expect(next('activatorEmail')).toBe('This is not an email address.');
		expect(next('language')).toBe('&#39;Klingonisch&#39; is not a language this form knows: choose Deutsch (de) or English (en).');
		expect(call.html).toMatch(/<input id="host"[^>]*aria-invalid="true"/);
		expect(visibleText(call.html)).not.toMatch(/tenantId|clientId|activatorEmail|'host'/);
	});

	it('keeps what was typed, except the secret and the password, which are never in the page', async () => {
		const call = await submit({ body: urlencoded({ ...entry, secret: 'typed-SECRET-1', password: 'typed-PASSWORD-1', host: 'https://school.webuntis.com/x', language: 'Deutsch' }) });
		expect(call.status).toBe(400);
		expect(valueOf(call.html, 'tenantId')).toBe('4711');
		expect(valueOf(call.html, 'clientId')).toBe('BestApp-tenant-4711');
		expect(valueOf(call.html, 'host')).toBe('https://school.webuntis.com/x');
		expect(valueOf(call.html, 'activatorEmail')).toBe('admin@school.example');
		expect(call.html).toMatch(/<option value="de" selected>/);
		expect(valueOf(call.html, 'secret')).toBeUndefined();
		expect(valueOf(call.html, 'password')).toBeUndefined();
		expect(call.html).not.toMatch(/typed-SECRET-1|typed-PASSWORD-1/);
		// Said next to both: type them again.
		expect(call.html).toMatch(/id="secret-note">Type it again: for your safety it is never sent back/);
		expect(call.html).toMatch(/id="password-note">Type it again/);
	});

	it.each([
		['a mistake in the values', { ...entry, host: '' }],
		['the platform refusing them', { ...entry, password: 'wrong-password' }],
	])('after %s the page carries a fresh token, so the corrected form is accepted (found in Chromium)', async (_what, values) => {
		const refused = await submit({ body: urlencoded(values) });
		expect(refused.status).toBe(400);
		const token = hiddenToken(refused.html);
		expect(tokens.check(token, formBinding(FORM.workflowId, FORM.nodeId, FORM.webhookId))).toBe('ok');
		const corrected = await submit({ token, secFetchSite: 'same-origin' });
		expect(corrected.outputs![0][0]).toMatchObject({ eventType: 'MANUAL', tenantId: '4711' });
	});

	it('a kept value is HTML-escaped: markup typed into a field comes back as text', async () => {
		const markup = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
		const call = await submit({ body: urlencoded({ ...entry, clientId: '', tenantId: markup, activatorEmail: `a"onfocus="x@b.c`, language: '<b>x</b>' }) });
		expect(call.status).toBe(400);
		expect(call.html).not.toMatch(/<script>alert|<img src=x|<b>x<\/b>|"onfocus="/);
		expect(valueOf(call.html, 'tenantId')).toBe('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
		expect(call.html).toContain('<option value="&lt;b&gt;x&lt;/b&gt;" selected>&lt;b&gt;x&lt;/b&gt;</option>');
	});

	it('the platform refusing the entry: the values kept, the password and secret not, German when asked', async () => {
		const call = await submit({ body: urlencoded({ ...entry, password: 'wrong-PASSWORD' }), acceptLanguage: 'de' });
		expect(call.status).toBe(400);
		expect(call.html).toMatch(/Die Untis Platform hat Tenant „4711“ mit dieser Client-ID und diesem Passwort abgelehnt \(HTTP 401\)/);
		expect(valueOf(call.html, 'clientId')).toBe('BestApp-tenant-4711');
		expect(call.html).not.toMatch(/wrong-PASSWORD|typed-secret/);
		expect(call.outputs).toBeUndefined();
	});

	it('a warning names fields and kinds of problem, never a typed value', async () => {
		const call = await submit({ body: urlencoded({ ...mistakes, secret: 'logged-SECRET', password: 'logged-SECRET' }) });
		const logged = JSON.stringify(call.warnings);
		expect(logged).toMatch(/tenantId missing, clientId spaces, password sameAsSecret, host host, activatorEmail email, language language/);
		expect(logged).not.toMatch(/logged-SECRET|Klingonisch|jane-at-school/);
	});
});

describe('the school language: mapped or refused with the choices (issue 38)', () => {
	it.each([
		['Deutsch', 'de'],
		['deutsch', 'de'],
		['German', 'de'],
		['de-AT', 'de'],
		['English', 'en'],
		['Englisch', 'en'],
		['EN', 'en'],
		['en_GB', 'en'],
	])('%j is stored as %s', async (typed, code) => {
		expect(schoolLanguage(typed)).toBe(code);
		const call = await submit({ body: urlencoded({ ...entry, language: typed }) });
		expect(call.outputs![0][0]).toMatchObject({ language: code });
	});

	it.each(['fr', 'Français', 'deu', 'de-AT-x', 'x'.repeat(30)])('%j is refused, naming the choices, and starts nothing', async (typed) => {
		expect(schoolLanguage(typed)).toBeUndefined();
		const call = await submit({ body: urlencoded({ ...entry, language: typed }) });
		expect(call.status).toBe(400);
		expect(call.html).toMatch(/choose Deutsch \(de\) or English \(en\)/);
		expect(call.outputs).toBeUndefined();
		expect(call.requests).toBe(0);
	});

	it('Create Credentials Event maps and refuses the same way', () => {
		const options = { secrets: { mode: 'omit' as const }, deliveryIds: deliveryIdsFor(ENCRYPTION_KEY) };
		expect(manualCredentialsItem({ ...entry, language: 'Deutsch' }, options).language).toBe('de');
		expect(() => manualCredentialsItem({ ...entry, language: 'fr' }, options)).toThrow(/'language' 'fr' is not a language this package knows: enter de \(Deutsch\) or en \(English\)/);
	});
});

describe('the Stored page says exactly what happened (issue 38)', () => {
	async function confirm(triggerJson: IDataObject | undefined, parameters: IDataObject = {}) {
		const responses: IExecuteResponsePromiseData[] = [];
		const context = {
			getInputData: () => [{ json: { tenantId: '4711', eventType: 'MANUAL', deliveryId: 'ab' } }],
			getNodeParameter: (name: string, _i: number, fallback?: unknown) => (name === 'operation' ? 'confirmDelivery' : fallback),
			getNode: () => ({ name: 'Confirm Delivery', type: 'n8n-nodes-untis-platform.untisPlatform', typeVersion: 1 }),
			getParentNodes: () => [{ name: 'Form', type: 'n8n-nodes-untis-platform.untisPlatformManualEntryTrigger', parameters }],
			getWorkflowDataProxy: () => ({ $node: triggerJson ? { Form: { json: triggerJson } } : {} }),
			sendResponse: async (response: IExecuteResponsePromiseData) => void responses.push(response),
			continueOnFail: () => false,
		} as unknown as IExecuteFunctions;
		await new UntisPlatform().execute.call(context);
		return String(responses[0].body);
	}

	it('the trigger tells Confirm Delivery the language and whether it checked (the item\'s form field)', async () => {
		const checked = await submit({ acceptLanguage: 'de' });
		expect(checked.outputs![0][0].form).toEqual({ language: 'de', checkedWithPlatform: true });
		const unchecked = await submit({ parameters: { checkWithPlatform: false } });
		expect(unchecked.outputs![0][0].form).toEqual({ language: 'en', checkedWithPlatform: false });
	});

	it('checked: the platform accepted them', async () => {
		const html = await confirm({ secrets: 'sealed', form: { language: 'en', checkedWithPlatform: true } });
		expect(html).toContain('The Untis Platform accepted the credentials of tenant 4711 just now, and they are stored. The secret and the password are stored encrypted.');
	});

	it('not checked: says so, and never that the platform accepted anything', async () => {
		const html = await confirm({ secrets: 'sealed', form: { language: 'en', checkedWithPlatform: false } });
		expect(html).toContain('They were not checked with the Untis Platform');
		expect(html).not.toMatch(/accepted/);
		const german = await confirm({ secrets: 'plain', form: { language: 'de', checkedWithPlatform: false } });
		expect(german).toContain('<html lang="de">');
		expect(german).toContain('Sie wurden nicht bei der Untis Platform geprüft');
		expect(german).not.toMatch(/akzeptiert|verschlüsselt/);
	});

	it('an item without the form field (before 2.1.0): the trigger\'s own settings decide', async () => {
		expect(await confirm(undefined, { checkWithPlatform: false, language: 'de' })).toContain('nicht bei der Untis Platform geprüft');
		expect(await confirm(undefined, {})).toContain('accepted the credentials');
	});
});

describe('activation: a form that checks needs an API base, by the Test\'s rule (issue 38)', () => {
	const hook = (credential: IDataObject, checkWithPlatform: boolean) =>
		({
			getCredentials: async () => credential,
			getNodeParameter: (name: string, fallback: unknown) => (name === 'checkWithPlatform' ? checkWithPlatform : fallback),
			getNode: () => ({ name: 'Untis Platform Manual Entry' }),
		}) as never;

	it('Custom without an API Base URL: refused with the check on, with the Test\'s sentence; fine with the check off', async () => {
		const custom = customCredential({ apiBaseUrl: '' });
		await expect(node.webhookMethods.default.create.call(hook(custom, true))).rejects.toThrow(/The API Base URL is empty, and the Custom environment has no default/);
		await expect(node.webhookMethods.default.create.call(hook(custom, false))).resolves.toBe(true);
	});

	it('a credential changed after activation: a POST gets a 500 page saying what to tell the owner, nothing asked, nothing started', async () => {
		const call = await submit({ credential: customCredential({ apiBaseUrl: '' }) });
		expect(call.status).toBe(500);
		expect(call.html).toMatch(/cannot check entries with the Untis Platform, so nothing was stored: ask the n8n owner/);
		expect(call.requests).toBe(0);
		expect(call.outputs).toBeUndefined();
	});
});

/**
 * One rule for the API base (issue 38): each case goes through the credential's Test, the form's
 * check and an API call. The Test passes exactly when the other two reach the platform, and they
 * reach it at the same address; when it fails, both refuse with the Test's own sentence.
 */
describe('the credential Test, the form and API calls agree on the API base', () => {
	const cases: Array<[string, IDataObject, string | null]> = [
		['Production, empty', { environment: 'production' }, 'https://api.webuntis.com'],
		['Integration, empty', { environment: 'integration' }, 'https://api.integration.webuntis.dev'],
		['Custom, empty', { environment: 'custom', apiBaseUrl: '' }, null],
		['Custom, spaces only', { environment: 'custom', apiBaseUrl: '   ' }, null],
		['Custom, a loopback stand-in over http', { environment: 'custom', apiBaseUrl: 'http://127.0.0.1:8125/' }, 'http://127.0.0.1:8125'],
		['Custom, a proxy path', { environment: 'custom', apiBaseUrl: ' https://proxy.example/untis// ' }, 'https://proxy.example/untis'],
		['Production, overridden', { environment: 'production', apiBaseUrl: 'https://api.example' }, 'https://api.example'],
		['Production, not a URL', { environment: 'production', apiBaseUrl: 'api.webuntis' }, null],
		['Custom, plain http to another host', { environment: 'custom', apiBaseUrl: 'http://api.example' }, null],
		['Custom, ftp', { environment: 'custom', apiBaseUrl: 'ftp://api.example' }, null],
		['Custom, a user in the URL', { environment: 'custom', apiBaseUrl: 'https://user:pw@api.example' }, null],
		['Integration, a query', { environment: 'integration', apiBaseUrl: 'https://api.example/?a=1' }, null],
		['Custom, over 2048 characters', { environment: 'custom', apiBaseUrl: `https://api.example/${'p'.repeat(2100)}` }, null],
	];
	const granted = async (request: HttpRequest) => ({ statusCode: 200, headers: {}, body: request.url.endsWith('/token') ? { access_token: 'tok-1', token_type: 'bearer', expires_in: 300 } : {} });

	async function apiCall(credential: IDataObject): Promise<{ urls: string[]; error?: string }> {
		const urls: string[] = [];
		const items = [{ tenantId: '4711', clientId: 'c-1', password: 'p-1', host: 'school.webuntis.com', tenantStatus: 'active' }];
		const parameters: IDataObject = { operation: 'apiRequest', method: 'GET', path: '/ims/oneroster/v1p1/orgs', returnAll: false, limit: 1, ...items[0] };
		const context = {
			getInputData: () => items.map((json) => ({ json })),
			getNodeParameter: (name: string, _i: number, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
			getCredentials: async () => credential,
			getNode: () => ({ name: 'Untis Platform', type: 'untisPlatform', typeVersion: 1 }),
			continueOnFail: () => true,
			helpers: { httpRequest: async (request: HttpRequest) => (urls.push(request.url), granted(request)) },
		} as unknown as IExecuteFunctions;
		const [output] = await new UntisPlatform().execute.call(context);
		return { urls, error: output[0]?.json.error as string | undefined };
	}

	it.each(cases)('%s', async (_what, apiBase, expected) => {
		const credential = customCredential(apiBase);
		const test = await node.methods.credentialTest.untisPlatformApiTest.call({} as ICredentialTestFunctions, { id: '1', name: 'x', type: 'untisPlatformApi', data: credential as never });
		const form = await submit({ credential, httpRequest: granted });
		const api = await apiCall(credential);
		if (expected === null) {
			expect(test.status).toBe('Error');
			const sentence = test.message.split(/(?<=\.) (?=The form's check|The API Base URL)/).pop()!;
			expect(form.status).toBe(500);
			expect(form.urls).toEqual([]);
			expect(form.outputs).toBeUndefined();
			expect(form.html).toContain(escapeHtml(sentence.replace(/\.$/, '')));
			expect(api.urls).toEqual([]);
			expect(api.error).toContain(sentence.replace(/\.$/, ''));
		} else {
			expect(test).toMatchObject({ status: 'OK', message: expect.stringContaining(`go to ${expected}`) });
			expect(form.urls).toEqual([`${expected}/WebUntis/api/sso/v3/4711/token`]);
			expect(form.outputs![0][0]).toMatchObject({ eventType: 'MANUAL' });
			expect(api.error).toBeUndefined();
			expect(api.urls[0]).toBe(`${expected}/WebUntis/api/sso/v3/4711/token`);
			expect(api.urls[1]).toMatch(new RegExp(`^${expected.replace(/[.]/g, '\\.')}/ims/oneroster/v1p1/orgs`));
		}
	});

	it('the Test speaks in plain sentences: no backticks, each sentence starts with a capital and ends with a period', async () => {
		for (const [, apiBase] of cases) {
			const { message } = await node.methods.credentialTest.untisPlatformApiTest.call({} as ICredentialTestFunctions, { id: '1', name: 'x', type: 'untisPlatformApi', data: customCredential(apiBase) as never });
			expect(message).not.toContain('`');
			expect(message).toMatch(/\.$/);
			for (const sentence of message!.split(/(?<=\.) /)) expect(sentence).toMatch(/^[A-Z0-9]/);
		}
	});
});
