import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { UntisPlatform } from '../../dist/nodes/UntisPlatform/UntisPlatform.node';
import { sealerFor } from '../../nodes/UntisPlatform/core/sealing';
import { baseUrlOf, buildTokenRequest, readTokenResponse } from '../../nodes/UntisPlatform/core/token';
import { manualCredentialsItem } from '../../nodes/UntisPlatform/core/manualEntry';
import { deliveryIdsFor } from '../../nodes/UntisPlatform/core/deliveryIds';
import { ENCRYPTION_KEY } from '../helpers/platform.cjs';

const node = new UntisPlatform();
const sealer = sealerFor(ENCRYPTION_KEY);

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

/** n8n's httpRequest, reduced to what the node asks of it (returnFullResponse, ignoreHttpStatusErrors, timeout). */
async function httpRequest(options: { method: string; url: string; headers: Record<string, string>; body: string; timeout: number }) {
	const response = await fetch(options.url, {
		method: options.method,
		headers: options.headers,
		body: options.body,
		signal: AbortSignal.timeout(options.timeout),
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
	return { statusCode: response.status, body };
}

let credentialReads = 0;
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
			return { environment: 'production', publicKeys: '', encryptionKey: ENCRYPTION_KEY };
		},
		getNode: () => ({ name: 'Untis Platform', type: 'untisPlatform', typeVersion: 1 }),
		continueOnFail: () => continueOnFail,
		helpers: { httpRequest },
	} as unknown as IExecuteFunctions;
	const [output] = await node.execute.call(context);
	return output.map((item: INodeExecutionData) => item.json);
}

const tenantItem = (overrides: IDataObject = {}) => ({
	tenantId: 't-1',
	clientId: 'client-1',
	password: sealer.seal('pw-1'),
	host,
	...overrides,
});
// API Host: Tenant's Host, so the host forms below are exercised (the default is the credential's API base).
const tokenParams = { operation: 'getAccessToken', apiHost: 'tenantHost', tenantId: '={{ $json.tenantId }}', clientId: '={{ $json.clientId }}', password: '={{ $json.password }}', host: '={{ $json.host }}', timeout: 15000 };
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
		['a password sealed with another key', { password: sealerFor(Buffer.alloc(32, 1).toString('base64')).seal('pw-1') }, /Value was sealed with key/, tokenParams],
	])('%s: a clear error naming the tenant, never the password', async (_name, overrides, message, params) => {
		await expect(run([tenantItem(overrides)], params)).rejects.toThrow(message);
		const [json] = await run([tenantItem(overrides)], params, { continueOnFail: true });
		expect(json.error).toMatch(message);
		expect(JSON.stringify(json)).not.toMatch(/pw-1|nope|Basic /);
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
	it('opens sealed secret and password, keeps everything else, marks the item plain', async () => {
		const item = { tenantId: 't-1', secret: sealer.seal('s-1'), password: sealer.seal('pw-1'), secrets: 'sealed', host: 'h' };
		const [json] = await run([item], { operation: 'unsealSecrets' });
		expect(json).toEqual({ tenantId: 't-1', secret: 's-1', password: 'pw-1', secrets: 'plain', host: 'h' });
	});

	it('reads the credential once per execution, not once per item', async () => {
		const items = ['a', 'b', 'c'].map((v) => ({ secret: sealer.seal(v), password: sealer.seal(`${v}!`) }));
		const out = await run(items, { operation: 'unsealSecrets' });
		expect(out.map((j) => j.password)).toEqual(['a!', 'b!', 'c!']);
		expect(credentialReads).toBe(1);
	});

	it('passes plain values through and fails clearly on a tampered one', async () => {
		expect((await run([{ secret: 'plain' }], { operation: 'unsealSecrets' }))[0].secret).toBe('plain');
		const tampered = sealer.seal('x').slice(0, -4) + 'AAAA';
		await expect(run([{ secret: tampered }], { operation: 'unsealSecrets' })).rejects.toThrow(/failed authentication/);
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
		expect(sealer.unseal(json.password as string)).toBe('pa55');
		expect(sealer.unseal(json.secret as string)).toBe('s3cret');
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
