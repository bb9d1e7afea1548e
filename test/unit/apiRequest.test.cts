import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { UntisPlatform } from '../../dist/nodes/UntisPlatform/UntisPlatform.node';
import { sealerFor } from '../../nodes/UntisPlatform/core/sealing/sealing';
import { ENCRYPTION_KEY, keyPair, signedRequest, createdPayload, nestedPayload } from '../helpers/platform.cjs';
import type { UntisApiMock } from '../helpers/untisApiMock.cjs';

// A type-only import is erased; jest's module map knows only the older helpers, so load it by its file name.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { fetchLikeN8n, startUntisApiMock } = require('../helpers/untisApiMock.cts') as typeof import('../helpers/untisApiMock.cjs');

/**
 * The companion node's API Request and Verify Signature operations through node.execute(), with
 * a request helper that behaves like n8n's (full response, no throwing on HTTP errors) against a
 * loopback mock of the Untis APIs whose API host is not the school's host.
 */
const node = new UntisPlatform();
const sealer = sealerFor(ENCRYPTION_KEY);
let mock: UntisApiMock;
beforeAll(async () => (mock = await startUntisApiMock()));
afterAll(() => mock.close());
beforeEach(() => (mock.calls.length = 0));

interface RunOptions {
	continueOnFail?: boolean;
	credential?: IDataObject;
	binary?: Record<number, Buffer>;
}

async function run(items: IDataObject[], parameters: IDataObject, options: RunOptions = {}) {
	const context = {
		getInputData: () => items.map((json, i) => ({ json, ...(options.binary?.[i] ? { binary: { data: { data: options.binary[i].toString('base64'), mimeType: 'application/json' } } } : {}) })),
		getNodeParameter: (name: string, index: number, fallback?: unknown) => {
			const value = name in parameters ? parameters[name] : fallback;
			// Expressions like ={{ $json.x }} resolved per item, as n8n would.
			const m = typeof value === 'string' ? /^=\{\{ \$json\.(\w+) \}\}$/.exec(value) : null;
			return m ? items[index][m[1]] : value;
		},
		getCredentials: async () => options.credential ?? { environment: 'custom', publicKeys: keyPair().spki, encryptionKey: ENCRYPTION_KEY, apiBaseUrl: mock.apiBase },
		getNode: () => ({ name: 'Untis Platform', type: 'untisPlatform', typeVersion: 1 }),
		continueOnFail: () => options.continueOnFail ?? false,
		helpers: {
			httpRequest: fetchLikeN8n,
			getBinaryDataBuffer: async (index: number) => options.binary![index],
		},
	} as unknown as IExecuteFunctions;
	const [output] = await node.execute.call(context);
	return output as INodeExecutionData[];
}

const tenant = (tenantId: string, overrides: IDataObject = {}) => ({
	tenantId,
	clientId: 'client-1',
	password: sealer.seal('pw-1', { tenantId, field: 'password' }),
	host: mock.schoolHost,
	tenantStatus: 'active',
	...overrides,
});
const request = (overrides: IDataObject = {}) => ({
	operation: 'apiRequest',
	tenantId: '={{ $json.tenantId }}',
	clientId: '={{ $json.clientId }}',
	password: '={{ $json.password }}',
	host: '={{ $json.host }}',
	tenantStatus: '={{ $json.tenantStatus }}',
	method: 'GET',
	path: '/ims/oneroster/v1p1/orgs',
	returnAll: true,
	...overrides,
});

describe('API Request', () => {
	it('Return All: one item per record, each paired with its tenant item; the token from the API host, never the school host', async () => {
		const out = await run([tenant('n-1'), tenant('n-2')], request());
		expect(out).toHaveLength(500);
		expect(out[0]).toEqual({ json: { sourcedId: 'org-0', name: 'School 0' }, pairedItem: { item: 0 } });
		expect(out[499]).toEqual({ json: { sourcedId: 'org-249', name: 'School 249' }, pairedItem: { item: 1 } });
		expect(mock.calls.filter((c) => c.host === 'school')).toEqual([]);
		expect(mock.tokenCalls().map((c) => c.path)).toEqual(['/WebUntis/api/sso/v3/n-1/token', '/WebUntis/api/sso/v3/n-2/token']);
		expect(JSON.stringify(out)).not.toMatch(/tok-|pw-1/);
	});

	it('reuses a tenant\'s token across executions of the same process', async () => {
		await run([tenant('n-3')], request({ returnAll: false, path: '/rest/echo' }));
		await run([tenant('n-3')], request({ returnAll: false, path: '/rest/echo' }));
		expect(mock.tokenCalls()).toHaveLength(1);
		expect(mock.dataCalls().map((c) => c.authorization)).toEqual(['Bearer tok-n-3-1', 'Bearer tok-n-3-1']);
	});

	it('without Return All: the answer as one item; query and JSON body are sent', async () => {
		const out = await run([tenant('n-4')], request({ returnAll: false, method: 'POST', path: '/rest/echo', query: { parameter: [{ name: 'filter', value: "status='active'" }] }, body: '{"x":1}' }));
		expect(out).toEqual([{ json: { method: 'POST', query: { filter: "status='active'" }, body: { x: 1 }, tenant: 'n-4' }, pairedItem: { item: 0 } }]);
	});

	it("API Host: Tenant's Host calls the school's host instead", async () => {
		const out = await run([tenant('n-5')], request({ apiHost: 'tenantHost' }), { continueOnFail: true });
		expect(out[0].json.error).toMatch(/Token request for tenant 'n-5' failed with HTTP 404: no token endpoint there/);
		expect(mock.calls.map((c) => c.host)).toEqual(['school']);
	});

	it.each([
		['deactivated', /Tenant 'n-6' is deactivated: deactivated tenants must not trigger new API calls/],
		['deleted', /Tenant 'n-6' is deleted/],
		[undefined, /Tenant 'n-6' has no status/],
	])('a tenant whose status is %s gets no call at all', async (status, message) => {
		await expect(run([tenant('n-6', { tenantStatus: status })], request())).rejects.toThrow(message);
		expect(mock.calls).toEqual([]);
	});

	it('Allow Inactive Tenants calls a deactivated tenant (explicit opt-in)', async () => {
		const out = await run([tenant('n-7', { tenantStatus: 'deactivated' })], request({ allowInactiveTenants: true, returnAll: false, path: '/rest/echo' }));
		expect(out[0].json).toMatchObject({ tenant: 'n-7' });
	});

	it('Continue On Fail: each failed item becomes an error item naming tenant and status, the others go on', async () => {
		const out = await run(
			[tenant('n-8', { tenantStatus: 'deactivated' }), tenant('n-9'), tenant('n-10', { password: 'wrong-password' })],
			request({ returnAll: false, path: '/rest/forbidden' }),
			{ continueOnFail: true },
		);
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json.error).toMatch(/Tenant 'n-8' is deactivated/);
		expect(out[1].json.error).toMatch(/GET \/rest\/forbidden for tenant 'n-9' is forbidden \(HTTP 403\)/);
		expect(out[2].json.error).toMatch(/Token request for tenant 'n-10' was refused \(HTTP 401\): clientId or password is wrong/);
		expect(JSON.stringify(out)).not.toMatch(/wrong-password|pw-1|tok-/);
	});

	it('without Continue On Fail the first failure stops the node with the same message', async () => {
		await expect(run([tenant('n-11')], request({ returnAll: false, path: '/rest/error' }))).rejects.toThrow(/for tenant 'n-11' failed with HTTP 500: the platform had an error, retry later/);
	});

	it('a path that leaves the API base is refused before any call', async () => {
		await expect(run([tenant('n-12')], request({ path: 'https://evil.example/steal' }))).rejects.toThrow(/must be relative to the API base/);
		expect(mock.calls).toEqual([]);
	});

	it('Custom without an API Base URL: the item says to enter one', async () => {
		const out = await run([tenant('n-13')], request({ returnAll: false }), {
			continueOnFail: true,
			credential: { environment: 'custom', publicKeys: keyPair().spki, encryptionKey: ENCRYPTION_KEY },
		});
		expect(out[0].json.error).toMatch(/API Base URL is empty, and the Custom environment has no default/);
	});
});

describe('Get Access Token uses the API base too', () => {
	const getToken = (overrides: IDataObject = {}) => ({
		operation: 'getAccessToken',
		tenantId: '={{ $json.tenantId }}',
		clientId: '={{ $json.clientId }}',
		password: '={{ $json.password }}',
		host: '={{ $json.host }}',
		tenantStatus: '={{ $json.tenantStatus }}',
		timeout: 2000,
		...overrides,
	});

	it('from the credential, not the school host', async () => {
		const out = await run([tenant('g-1')], getToken());
		expect(out[0].json).toMatchObject({ tenantId: 'g-1', access_token: 'tok-g-1-1' });
		expect(mock.calls.map((c) => c.host)).toEqual(['api']);
	});

	it.each([
		['deactivated', /Tenant 'g-2' is deactivated: deactivated tenants must not trigger new API calls/],
		['deleted', /Tenant 'g-2' is deleted/],
		[undefined, /Tenant 'g-2' has no status/],
	])('a tenant whose status is %s gets no token request, as with API Request', async (status, message) => {
		await expect(run([tenant('g-2', { tenantStatus: status })], getToken())).rejects.toThrow(message);
		expect(mock.calls).toEqual([]);
	});

	it('Allow Inactive Tenants requests a token for a deactivated tenant (explicit opt-in)', async () => {
		const out = await run([tenant('g-3', { tenantStatus: 'deactivated' })], getToken({ allowInactiveTenants: true }));
		expect(out[0].json).toMatchObject({ tenantId: 'g-3', access_token: 'tok-g-3-1' });
	});

	it('the editor says that the token is written to the item and stored in the execution history', () => {
		const notices = node.description.properties.filter((p) => p.type === 'notice' && p.displayOptions?.show?.operation?.includes('getAccessToken'));
		expect(notices.map((p) => p.displayName).join(' ')).toMatch(/token is written to this node's output item.*execution history.*Prefer API Request/);
		const guard = node.description.properties.filter((p) => ['tenantStatus', 'allowInactiveTenants'].includes(p.name));
		for (const name of ['tenantStatus', 'allowInactiveTenants']) {
			const operations = guard.filter((p) => p.name === name).flatMap((p) => p.displayOptions?.show?.operation ?? []);
			expect(operations).toEqual(expect.arrayContaining(['apiRequest', 'getAccessToken']));
		}
	});
});

describe('Verify Signature: the trigger\'s core behind n8n\'s Webhook node', () => {
	const verify = (overrides: IDataObject = {}) => ({
		operation: 'verifySignature',
		bodySource: 'binary',
		binaryPropertyName: 'data',
		authorization: '={{ $json.authorization }}',
		algorithm: '={{ $json.algorithm }}',
		secrets: 'seal',
		...overrides,
	});

	it('a genuine body (raw body binary) gives exactly the trigger\'s item', async () => {
		const signed = signedRequest(createdPayload({ tenantId: 4711 }));
		const [out] = await run([{ authorization: signed.headers.authorization, algorithm: signed.headers.algorithm }], verify(), { binary: { 0: signed.body } });
		expect(out.json).toMatchObject({ event: 'credentials', eventType: 'CREATED', tenantId: '4711', convertedFields: ['tenantId'], verification: { algorithm: 'SHA256withRSA', key: 'custom #1' }, secrets: 'sealed' });
		expect(sealer.unseal(out.json.password as string, { tenantId: '4711', field: 'password' })).toBe('test-password-91ab');
		expect(Object.keys(out.json).slice(0, 7)).toEqual(['event', 'eventType', 'tenantId', 'tenantStatus', 'deliveryId', 'receivedAt', 'verification']);
	});

	it('a string body works the same', async () => {
		const signed = signedRequest(createdPayload());
		const [out] = await run([{ authorization: signed.headers.authorization, algorithm: signed.headers.algorithm }], verify({ bodySource: 'string', rawBody: signed.body.toString() }));
		expect(out.json).toMatchObject({ tenantId: '12345', event: 'credentials' });
	});

	it.each([
		['a forged signature', () => ({ ...signedRequest(createdPayload()), body: Buffer.from(JSON.stringify(createdPayload({ tenantId: 'evil' }))) }), 401, /^Signature does not match/],
		['no Authorization', () => ({ ...signedRequest(createdPayload()), headers: { algorithm: 'SHA256withRSA' } as Record<string, string | string[]> }), 401, /^Missing Authorization header/],
		['a calendar request', () => signedRequest({ tenantId: '1', user: 'u', startDate: '2026-01-01', endDate: '2026-01-02' }), 400, /calendar-integration request/],
		['a body nested 100,000 levels deep', () => signedRequest(nestedPayload(100_000)), 400, /^Body is nested at least 33 levels deep \(at most 32 allowed\): the platform sends flat objects$/],
	])('%s: an error item with the trigger\'s status and message (Continue On Fail), or a thrown error', async (_name, make, status, message) => {
		const signed = make() as { body: Buffer; headers: Record<string, string | string[]> };
		const item = { authorization: signed.headers.authorization, algorithm: signed.headers.algorithm };
		const [out] = await run([item], verify(), { binary: { 0: signed.body }, continueOnFail: true });
		expect(out.json).toEqual({ error: expect.stringMatching(message), status, code: expect.any(String) });
		expect(JSON.stringify(out)).not.toMatch(/test-secret-8f2c|test-password-91ab/);
		await expect(run([item], verify(), { binary: { 0: signed.body } })).rejects.toThrow(message);
	});

	it('a body nested 33 levels deep: the item says 400 body_too_deep (Continue On Fail), else the node fails with the same message', async () => {
		const signed = signedRequest(nestedPayload(33));
		const item = { authorization: signed.headers.authorization, algorithm: signed.headers.algorithm };
		const [out] = await run([item], verify(), { binary: { 0: signed.body }, continueOnFail: true });
		expect(out.json).toEqual({
			error: 'Body is nested at least 33 levels deep (at most 32 allowed): the platform sends flat objects',
			status: 400,
			code: 'body_too_deep',
		});
		await expect(run([item], verify({ bodySource: 'string', rawBody: signed.body.toString() }))).rejects.toMatchObject({
			message: 'Body is nested at least 33 levels deep (at most 32 allowed): the platform sends flat objects',
		});
	});

	it('no raw body binary: says to turn on the Webhook node\'s Raw Body option', async () => {
		await expect(run([{ authorization: 'x', algorithm: 'SHA256withRSA' }], verify())).rejects.toThrow(/turn on the Webhook node's Raw Body option/);
	});
});
