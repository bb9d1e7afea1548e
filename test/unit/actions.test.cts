import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { UntisPlatform } from '../../dist/nodes/UntisPlatform/UntisPlatform.node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { sealedKeyId, sealerFor } from '../../nodes/UntisPlatform/core/sealing/sealing';
import { baseUrlOf, buildTokenRequest, readTokenResponse } from '../../nodes/UntisPlatform/core/api/token';
import { manualCredentialsItem } from '../../nodes/UntisPlatform/core/webhook/manualEntry';
import { deliveryIdsFor } from '../../nodes/UntisPlatform/core/webhook/deliveryIds';
import { ENCRYPTION_KEY } from '../helpers/platform.cjs';
import { fetchLikeN8n } from '../helpers/untisApiMock.cjs';

const node = new UntisPlatform();
const sealer = sealerFor(ENCRYPTION_KEY);
/** sealed:v2 is bound to tenant and field: tests seal with the context they open in. */
const sealFor = (plaintext: string, tenantId: string, field = 'password') => sealer.seal(plaintext, { tenantId, field });
const OLD_KEY = Buffer.alloc(32, 0x0d).toString('base64');
const oldSealer = sealerFor(OLD_KEY);
/** A sealed:v1 value made by 0.1.0 (test/unit/fixtures/sealed-v1.json). */
const v1Fixture = (JSON.parse(readFileSync(join(__dirname, 'fixtures/sealed-v1.json'), 'utf8')) as { values: Array<{ key: string; plaintext: string; sealed: string }> }).values.find((f) => f.plaintext === 'Pa55word!')!;

/** A mock token endpoint on loopback: behaviour chosen per tenant id in the URL. */
let server: Server;
let host: string;
const seen: Array<{ url: string; authorization?: string; body: string }> = [];
function tokenEndpoint(req: IncomingMessage, res: ServerResponse) {
	let body = '';
	req.on('data', (chunk) => (body += chunk));
	req.on('end', () => {
		seen.push({ url: req.url ?? '', authorization: req.headers.authorization, body });
		const tenant = /\/sso\/v3\/([^/]+)\/token$/.exec(req.url ?? '')?.[1];
		const [user, password] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(':');
		const json = (status: number, value: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
		if (tenant === 'slow') setTimeout(() => json(200, { access_token: 'late', expires_in: 180 }), 60_000).unref();
		else if (tenant === 'broken') res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>maintenance</html>');
		else if (tenant === 'down') json(503, { error: 'unavailable' });
		else if (tenant === 'odd') json(404, { error: 'not found' });
		else if (user !== 'client-1' || password !== 'pw-1') json(401, { error: 'invalid_client' });
		else json(200, { access_token: `token-for-${tenant}`, token_type: 'Bearer', expires_in: 180 });
	});
}
beforeAll(async () => {
	server = createServer(tokenEndpoint);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
	server.closeAllConnections();
	return new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => (seen.length = 0));

let credentialReads = 0;
/** The credential's sealing keys for the next run() calls; reset before each test. */
let sealingKeys: { encryptionKey: string; previousEncryptionKeys?: string; apiBaseUrl?: string } = { encryptionKey: ENCRYPTION_KEY };
beforeEach(() => (sealingKeys = { encryptionKey: ENCRYPTION_KEY }));
async function run(items: IDataObject[], parameters: IDataObject, { continueOnFail = false } = {}) {
	credentialReads = 0;
	const context = {
		getInputData: () => items.map((json) => ({ json })),
		getNodeParameter: (name: string, index: number, fallback?: unknown) => {
			const value = name in parameters ? parameters[name] : fallback;
			// Expressions like ={{ $json.x }} resolved per item, as n8n would.
			const m = typeof value === 'string' ? /^=\{\{ \$json\.(\w+) \}\}$/.exec(value) : null;
			return m ? items[index][m[1]] : value;
		},
		getCredentials: async () => {
			credentialReads++;
			return { environment: 'production', publicKeys: '', ...sealingKeys };
		},
		getNode: () => ({ name: 'Untis Platform', type: 'untisPlatform', typeVersion: 1 }),
		continueOnFail: () => continueOnFail,
		helpers: { httpRequest: fetchLikeN8n },
	} as unknown as IExecuteFunctions;
	const [output] = await node.execute.call(context);
	return output.map((item: INodeExecutionData) => item.json);
}

const tenantItem = (overrides: IDataObject = {}) => ({
	tenantId: 't-1',
	clientId: 'client-1',
	password: sealFor('pw-1', (overrides.tenantId as string | undefined) ?? 't-1'),
	host,
	...overrides,
});
// API Host: Tenant's Host, so the host forms below are exercised (the default is the credential's API base).
const tokenParams = { operation: 'getAccessToken', apiHost: 'tenantHost', tenantId: '={{ $json.tenantId }}', clientId: '={{ $json.clientId }}', password: '={{ $json.password }}', host: '={{ $json.host }}', timeout: 15000, tenantStatus: 'active' };
// A loaded CI machine can take seconds for a first loopback request: only the slow case waits less.
const impatient = { ...tokenParams, timeout: 1500 };

describe('Get Access Token: client-credentials grant per tenant', () => {
	it('POSTs grant_type=client_credentials with Basic clientId:password (unsealed) and returns the token', async () => {
		const [json] = await run([tenantItem()], tokenParams);
		expect(json).toEqual({ tenantId: 't-1', access_token: 'token-for-t-1', token_type: 'Bearer', expires_in: 180, expiresAt: expect.any(String) });
		expect(Date.parse(json.expiresAt as string) - Date.now()).toBeGreaterThan(170_000);
		expect(seen).toEqual([{ url: '/WebUntis/api/sso/v3/t-1/token', authorization: `Basic ${Buffer.from('client-1:pw-1').toString('base64')}`, body: 'grant_type=client_credentials' }]);
	});

	it('accepts a plain password too, and one item per tenant', async () => {
		const out = await run([tenantItem({ password: 'pw-1' }), tenantItem({ tenantId: 't-2' })], tokenParams);
		expect(out.map((j) => j.access_token)).toEqual(['token-for-t-1', 'token-for-t-2']);
	});

	it.each([
		['wrong credentials (401)', { password: 'nope' }, /tenant 't-1' was refused \(HTTP 401\): clientId or password is wrong/, tokenParams],
		['a platform error (503)', { tenantId: 'down' }, /tenant 'down' failed with HTTP 503: the platform had an error, retry later/, tokenParams],
		['another 4xx', { tenantId: 'odd' }, /tenant 'odd' failed with HTTP 404/, tokenParams],
		['a non-JSON answer', { tenantId: 'broken' }, /tenant 'broken' answered HTTP 200 with a body that is not JSON/, tokenParams],
		['a slow answer', { tenantId: 'slow' }, /tenant 'slow' failed: no answer within 1500 ms/, impatient],
		['an unreachable host', { host: 'http://127.0.0.1:1' }, /tenant 't-1' failed: the host refused the connection/, tokenParams],
		['a password sealed with an unknown key', { password: sealerFor(Buffer.alloc(32, 1).toString('base64')).seal('pw-1', { tenantId: 't-1', field: 'password' }) }, /^'password' was sealed with key [0-9a-f]{8}, which is neither the current key nor a previous one/, tokenParams],
		["another tenant's sealed password", { password: sealFor('pw-1', 't-9') }, /^'password' failed authentication for tenant 't-1': it was sealed for another tenant or field/, tokenParams],
		['the sealed secret given as password', { password: sealFor('pw-1', 't-1', 'secret') }, /^'password' failed authentication for tenant 't-1'/, tokenParams],
	])('%s: a clear error naming the tenant, never the password', async (_name, overrides, message, params) => {
		await expect(run([tenantItem(overrides)], params)).rejects.toThrow(message);
		const [json] = await run([tenantItem(overrides)], params, { continueOnFail: true });
		expect(json.error).toMatch(message);
		expect(JSON.stringify(json)).not.toMatch(/pw-1|nope|Basic /);
	});

	it('opens passwords under a previous key and sealed:v1 ones (key rotation)', async () => {
		sealingKeys = { encryptionKey: ENCRYPTION_KEY, previousEncryptionKeys: `${OLD_KEY}\n${v1Fixture.key}` };
		const previous = tenantItem({ password: oldSealer.seal('pw-1', { tenantId: 't-1', field: 'password' }) });
		const out = await run([previous, tenantItem({ password: v1Fixture.sealed })], tokenParams, { continueOnFail: true });
		expect(out[0].access_token).toBe('token-for-t-1');
		expect(out[1].error).toMatch(/HTTP 401/); // the mock only knows pw-1: what matters is what was sent
		expect(seen.map((r) => Buffer.from((r.authorization ?? '').slice(6), 'base64').toString())).toEqual(['client-1:pw-1', 'client-1:Pa55word!']);
	});

	it('Continue On Fail keeps going with the next item', async () => {
		const out = await run([tenantItem({ tenantId: 'down' }), tenantItem()], tokenParams, { continueOnFail: true });
		expect(out[0].error).toMatch(/HTTP 503/);
		expect(out[1].access_token).toBe('token-for-t-1');
	});
});

describe('token request building', () => {
	it.each([
		['school.webuntis.com', 'https://school.webuntis.com'],
		['https://school.webuntis.com/', 'https://school.webuntis.com'],
		['  HTTPS://School.WebUntis.com  ', 'https://school.webuntis.com'],
		['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
	])('host %j → %s', (given, base) => expect(baseUrlOf(given)).toBe(base));

	it.each([[''], ['https://school.webuntis.com/WebUntis'], ['https://user@school.webuntis.com'], ['exa mple']])('rejects host %j', (given) => {
		expect(() => baseUrlOf(given)).toThrow(/Host/);
	});

	it('encodes the tenant id into the path', () => {
		expect(buildTokenRequest({ tenantId: 'a/b', clientId: 'c', password: 'p', apiBase: 'https://h.example/' }).url).toBe('https://h.example/WebUntis/api/sso/v3/a%2Fb/token');
	});

	it('an answer without access_token or expires_in is an error', () => {
		expect(() => readTokenResponse('t', 200, { expires_in: 5 })).toThrow(/without an access_token/);
		expect(() => readTokenResponse('t', 200, { access_token: 'x' })).toThrow(/without a valid expires_in/);
	});
});

describe('Unseal Secrets', () => {
	// The node's default for Tenant ID: the item's tenantId.
	const unseal = { operation: 'unsealSecrets', tenantId: '={{ $json.tenantId }}' };

	it('opens sealed secret and password, keeps everything else, marks the item plain', async () => {
		const item = { tenantId: 't-1', secret: sealFor('s-1', 't-1', 'secret'), password: sealFor('pw-1', 't-1'), secrets: 'sealed', host: 'h' };
		const [json] = await run([item], unseal);
		expect(json).toEqual({ tenantId: 't-1', secret: 's-1', password: 'pw-1', secrets: 'plain', host: 'h' });
	});

	it('reads the credential once per execution, not once per item', async () => {
		const items = ['a', 'b', 'c'].map((v) => ({ tenantId: v, secret: sealFor(v, v, 'secret'), password: sealFor(`${v}!`, v) }));
		const out = await run(items, unseal);
		expect(out.map((j) => j.password)).toEqual(['a!', 'b!', 'c!']);
		expect(credentialReads).toBe(1);
	});

	it('passes plain values through and fails clearly on a tampered one', async () => {
		expect((await run([{ secret: 'plain' }], unseal))[0].secret).toBe('plain');
		const tampered = sealFor('x', 't-1', 'secret').slice(0, -4) + 'AAAA';
		await expect(run([{ tenantId: 't-1', secret: tampered }], unseal)).rejects.toThrow(/failed authentication/);
	});

	it('opens sealed:v1 values and values under a previous key', async () => {
		sealingKeys = { encryptionKey: ENCRYPTION_KEY, previousEncryptionKeys: `${OLD_KEY}\n${v1Fixture.key}` };
		const item = { tenantId: 't-1', secret: oldSealer.seal('s-old', { tenantId: 't-1', field: 'secret' }), password: v1Fixture.sealed };
		expect((await run([item], unseal))[0]).toEqual({ tenantId: 't-1', secret: 's-old', password: 'Pa55word!' });
	});

	it.each([
		['copied onto another tenant', { tenantId: 't-2', password: sealFor('pw-1', 't-1') }, "'password' failed authentication for tenant 't-2': it was sealed for another tenant or field (copied from another row or column?), or it was altered"],
		['copied into another field', { tenantId: 't-1', password: sealFor('s-1', 't-1', 'secret') }, "'password' failed authentication for tenant 't-1'"],
		['without a tenant ID', { password: sealFor('pw-1', 't-1') }, "Cannot open 'password': a sealed:v2 value opens only with the tenant ID it was sealed for, and none was given"],
		['under a key the credential does not hold', { tenantId: 't-1', password: oldSealer.seal('pw-1', { tenantId: 't-1', field: 'password' }) }, `'password' was sealed with key ${oldSealer.keyId}, which is neither the current key nor a previous one`],
	])('refuses a value %s, naming what is wrong and never the value', async (_name, item, message) => {
		await expect(run([item], unseal)).rejects.toThrow(message);
		const [json] = await run([item], unseal, { continueOnFail: true });
		expect(json.error).toContain(message);
		expect(JSON.stringify(json)).not.toMatch(/pw-1|s-1/);
	});
});

describe('Reseal: key rotation for stored items', () => {
	const resealParams = { operation: 'reseal', tenantId: '={{ $json.tenantId }}', fields: 'secret,password' };
	const row = () => ({
		id: 3,
		tenantId: 't-1',
		status: 'active',
		secret: oldSealer.seal('s-1', { tenantId: 't-1', field: 'secret' }),
		password: v1Fixture.sealed,
		clientId: 'client-1',
	});

	it('moves previous-key and sealed:v1 values to the current key as sealed:v2, other fields untouched', async () => {
		sealingKeys = { encryptionKey: ENCRYPTION_KEY, previousEncryptionKeys: `${OLD_KEY}\n${v1Fixture.key}` };
		const [json] = await run([row()], resealParams);
		expect({ ...json, secret: 'x', password: 'x' }).toEqual({ ...row(), secret: 'x', password: 'x' });
		for (const field of ['secret', 'password'] as const) {
			expect((json[field] as string).startsWith(`sealed:v2:${sealer.keyId}:`)).toBe(true);
		}
		// The current key alone opens them now, for this tenant only.
		expect(sealerFor(ENCRYPTION_KEY).unseal(json.secret as string, { tenantId: 't-1', field: 'secret' })).toBe('s-1');
		expect(sealerFor(ENCRYPTION_KEY).unseal(json.password as string, { tenantId: 't-1', field: 'password' })).toBe('Pa55word!');
		expect(() => sealerFor(ENCRYPTION_KEY).unseal(json.password as string, { tenantId: 't-2', field: 'password' })).toThrow(/failed authentication/);
	});

	it('is idempotent: resealing its own output returns it unchanged', async () => {
		sealingKeys = { encryptionKey: ENCRYPTION_KEY, previousEncryptionKeys: `${OLD_KEY}\n${v1Fixture.key}` };
		const [once] = await run([row()], resealParams);
		const [twice] = await run([once], resealParams);
		expect(twice).toEqual(once);
	});

	it('leaves plain values and fields it was not asked about', async () => {
		const item = { tenantId: 't-1', secret: 'plain-secret', password: sealFor('pw-1', 't-1'), note: oldSealer.seal('n', { tenantId: 't-1', field: 'note' }) };
		expect((await run([item], resealParams))[0]).toEqual(item);
	});

	it('reports a value it cannot open (unknown key, other tenant) per item with Continue On Fail', async () => {
		const items = [row(), { ...row(), tenantId: 't-2', password: sealFor('pw', 't-1') }];
		await expect(run(items, resealParams)).rejects.toThrow(/neither the current key nor a previous one/);
		sealingKeys = { encryptionKey: ENCRYPTION_KEY, previousEncryptionKeys: `${OLD_KEY}\n${v1Fixture.key}` };
		const out = await run(items, resealParams, { continueOnFail: true });
		expect(sealedKeyId(out[0].password)).toBe(sealer.keyId);
		expect(out[1]).toEqual({ error: "'secret' failed authentication for tenant 't-2': it was sealed for another tenant or field (copied from another row or column?), or it was altered" });
	});
});

describe('Create Credentials Event: Check with the Platform (node version 1.1, on by default)', () => {
	const entry = { operation: 'createCredentialsEvent', tenantId: 't-1', clientId: 'client-1', secret: 's3cret', password: 'pw-1', host: 'school.webuntis.com', secrets: 'seal', checkWithPlatform: true };
	beforeEach(() => (sealingKeys = { encryptionKey: ENCRYPTION_KEY, apiBaseUrl: host }));

	it("right credentials: one token request at the credential's API base, then the item; the token is discarded", async () => {
		const [json] = await run([{}], entry);
		expect(json).toMatchObject({ eventType: 'MANUAL', tenantId: 't-1', secrets: 'sealed' });
		expect(seen.map((r) => r.url)).toEqual(['/WebUntis/api/sso/v3/t-1/token']);
		expect(JSON.stringify(json)).not.toContain('token-for');
	});

	it('a refused grant fails the item, naming what to check, and emits no event (nor the typed password)', async () => {
		await expect(run([{}], { ...entry, password: 'nope' })).rejects.toThrow(/refused tenant 't-1' with this client ID and password \(HTTP 401\): check that you copied the password \(not the secret\)/);
		const [failed] = await run([{}], { ...entry, password: 'nope' }, { continueOnFail: true });
		expect(Object.keys(failed)).toEqual(['error']);
		expect(JSON.stringify(failed)).not.toContain('nope');
	});

	it('an unreachable platform has its own message', async () => {
		sealingKeys = { encryptionKey: ENCRYPTION_KEY, apiBaseUrl: 'http://127.0.0.1:9' };
		await expect(run([{}], entry)).rejects.toThrow(/could not be reached at http:\/\/127\.0\.0\.1:9/);
	});

	it('off, or a workflow saved with version 1 (no such field): no request', async () => {
		await run([{}], { ...entry, checkWithPlatform: false });
		const { checkWithPlatform: _omitted, ...version1 } = entry;
		await run([{}], version1);
		expect(seen).toEqual([]);
		const field = node.description.properties.find((p) => p.name === 'checkWithPlatform');
		expect(field).toMatchObject({ default: true, displayOptions: { show: { '@version': [{ _cnd: { gte: 1.1 } }] } } });
		expect(node.description.properties.find((p) => p.name === 'manualNoCheckNotice')).toBeDefined();
	});
});

describe('Create Credentials Event (manual entry)', () => {
	const typed = { tenantId: ' 4711 ', clientId: 'BestApp-tenant-4711', secret: 's3cret', password: 'pa55', host: 'school.webuntis.com' };
	const params = { operation: 'createCredentialsEvent', ...typed, secrets: 'seal', additionalFields: { country: 'AT', activatorEmail: 'jane@doe.com' } };

	it("emits exactly the trigger's credentials event shape with eventType MANUAL, secrets sealed", async () => {
		const [json] = await run([{}], params);
		expect(Object.keys(json)).toEqual([
			'event', 'eventType', 'tenantId', 'tenantStatus', 'deliveryId', 'receivedAt', 'verification',
			'specVersion', 'clientId', 'secret', 'password', 'host', 'country', 'region', 'language',
			'activatorEmail', 'activatorUsername', 'schoolEmail', 'schoolPhoneNumber', 'secrets',
		]);
		expect(json).toMatchObject({ event: 'credentials', eventType: 'MANUAL', tenantId: '4711', tenantStatus: 'active', country: 'AT', region: null, secrets: 'sealed', verification: { algorithm: null, key: 'manual' } });
		expect(sealer.unseal(json.password as string, { tenantId: '4711', field: 'password' })).toBe('pa55');
		expect(sealer.unseal(json.secret as string, { tenantId: '4711', field: 'secret' })).toBe('s3cret');
	});

	it("opens values already sealed for this tenant (also under a previous key) and seals them again as the current key's sealed:v2", async () => {
		sealingKeys = { encryptionKey: ENCRYPTION_KEY, previousEncryptionKeys: OLD_KEY };
		const stored = { secret: oldSealer.seal('s3cret', { tenantId: '4711', field: 'secret' }), password: sealFor('pa55', '4711') };
		const [json] = await run([{}], { ...params, ...stored });
		expect(sealedKeyId(json.secret)).toBe(sealer.keyId);
		expect(sealer.unseal(json.secret as string, { tenantId: '4711', field: 'secret' })).toBe('s3cret');
		expect(sealer.unseal(json.password as string, { tenantId: '4711', field: 'password' })).toBe('pa55');
		await expect(run([{}], { ...params, password: sealFor('pa55', '4712') })).rejects.toThrow(/'password' failed authentication for tenant '4711'/);
	});

	it('the same entry twice has the same deliveryId', async () => {
		const [a] = await run([{}], params);
		const [b] = await run([{}], params);
		expect(a.deliveryId).toBe(b.deliveryId);
	});

	it.each([
		['a missing field', { password: '' }, /^Missing: password$/],
		['quotes around a value', { secret: '"s3cret"' }, /'secret' is wrapped in quotes/],
		['a line break inside', { clientId: 'BestApp-\ntenant' }, /'clientId' contains spaces or line breaks/],
		['the label instead of the value', { clientId: 'Client ID' }, /'clientId' contains spaces/],
		['the label without spaces', { clientId: 'clientId' }, /holds the label 'clientId', not the value/],
		['secret pasted twice', { password: 's3cret' }, /'secret' and 'password' are the same value/],
		['a host with a path', { host: 'https://school.webuntis.com/WebUntis/' }, /'host' must be a host name/],
		['a value over 1000 characters', { secret: 's'.repeat(1001) }, /^'secret' is 1001 characters long; at most 1000 are accepted/],
		['an email over 254 characters', { activatorEmail: `${'a'.repeat(250)}@b.at` }, /^'activatorEmail' is 255 characters long; at most 254/],
		['a host over 300 characters', { host: `${'h'.repeat(301)}` }, /'host' must be a host name/],
		['a backtick-quoted value', { password: '`pw`' }, /'password' is wrapped in quotes/],
		['the label client_id', { clientId: 'CLIENT_ID' }, /holds the label 'CLIENT_ID'/],
	])('refuses %s with a message that says what to fix', (_name, change, message) => {
		expect(() => manualCredentialsItem({ ...typed, ...change }, { secrets: { mode: 'plain' }, deliveryIds: deliveryIdsFor(ENCRYPTION_KEY) })).toThrow(message);
	});

	it.each(['jane', '@doe.com', 'jane@', 'jane@doe', 'jane@.com', 'jane@doe.', 'ja ne@doe.com', 'jane@doe@x.com', 'jane@d\t.com'])(
		'refuses the invalid email %j',
		(email) => {
			expect(() => manualCredentialsItem({ ...typed, activatorEmail: email }, { secrets: { mode: 'omit' }, deliveryIds: deliveryIdsFor(ENCRYPTION_KEY) })).toThrow(/'activatorEmail' is not an email address/);
		},
	);

	it.each(['jane@doe.com', 'a@b.c', 'jane.doe+n8n@mail.school.example', 'j@x.y.'])('accepts the email %j', (email) => {
		expect(manualCredentialsItem({ ...typed, activatorEmail: email }, { secrets: { mode: 'omit' }, deliveryIds: deliveryIdsFor(ENCRYPTION_KEY) }).activatorEmail).toBe(email);
	});
});
