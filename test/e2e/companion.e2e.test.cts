import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sealerFor } from '../../nodes/UntisPlatform/core/sealing/sealing';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startN8n } = require('./harness');
const sim = require('../../tools/untis-platform-sim/sim.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The companion node Untis Platform in a real n8n 2.x: n8n's own request helper against a token
 * endpoint on loopback, and manual entry. The example workflows that use it are in
 * workflows.e2e.test.cts.
 */
const ROOT = join(__dirname, '../..');
const credentialRef = { id: 'untisDemoCred00001', name: 'Untis Platform (demo)' };
/** The companion node in a real n8n, behind a plain Webhook so the test can drive it. */
const companion = (operation: string, n: number) => ({
	id: `untisE2eCompanion${n}`,
	name: `E2E: Untis Platform ${operation}`,
	nodes: [
		{
			id: `e100000${n}-0000-4000-8000-000000000001`, name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0],
			webhookId: `e100000${n}-0000-4000-8000-0000000c0001`,
			parameters: { httpMethod: 'POST', path: `untis-${operation}`, responseMode: 'lastNode', options: {} },
		},
		{
			id: `e100000${n}-0000-4000-8000-000000000002`, name: 'Untis Platform', type: 'n8n-nodes-untis-platform.untisPlatform', typeVersion: 1, position: [250, 0],
			onError: 'continueRegularOutput',
			parameters: {
				operation,
				tenantId: '={{ $json.body.tenantId }}', clientId: '={{ $json.body.clientId }}', password: '={{ $json.body.password }}',
				secret: '={{ $json.body.secret }}', host: '={{ $json.body.host }}', tenantStatus: '={{ $json.body.tenantStatus }}', timeout: 2000, secrets: 'seal',
			},
			credentials: { untisPlatformApi: credentialRef },
		},
	],
	connections: { Webhook: { main: [[{ node: 'Untis Platform', type: 'main', index: 0 }]] } },
});
let n8n: {
	post(path: string, body: unknown): Promise<{ status: number; text: string }>;
	stop(): Promise<unknown>;
};
const keys = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-examples-')));
const encryptionKey = randomBytes(32).toString('base64');
const sealer = sealerFor(encryptionKey);

let tokenServer: Server;
let tokenHost = '';
let tokenRequests = 0;
beforeAll(async () => {
	// A mock Untis token endpoint on loopback: client-1 / pw-1 gets a token, anything else a 401.
	tokenServer = createServer((req, res) => {
		tokenRequests += 1;
		const [user, password] = Buffer.from(String(req.headers.authorization).replace(/^Basic /, ''), 'base64').toString().split(':');
		const ok = user === 'client-1' && password === 'pw-1' && /\/WebUntis\/api\/sso\/v3\/[^/]+\/token$/.test(req.url ?? '');
		res.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify(ok ? { access_token: 'real-n8n-token', token_type: 'Bearer', expires_in: 180 } : { error: 'invalid_client' }));
	});
	await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
	tokenHost = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}`;
	n8n = await startN8n({
		packageDir: ROOT,
		credentials: [
			{
				...credentialRef,
				type: 'untisPlatformApi',
				data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey, apiBaseUrl: tokenHost },
			},
		],
		workflows: [companion('getAccessToken', 1), companion('createCredentialsEvent', 2)],
	});
}, 15 * 60 * 1000);

afterAll(async () => {
	if (n8n) await n8n.stop();
	await new Promise<void>((resolve) => tokenServer.close(() => resolve()));
});

describe('companion node Untis Platform in a real n8n', () => {
	const call = async ({ operation, ...body }: Record<string, unknown>) => {
		const answer = await n8n.post(`untis-${operation}`, body);
		expect(answer.status).toBe(200);
		return JSON.parse(answer.text);
	};

	it("Get Access Token: n8n's request helper, a sealed password, Basic clientId:password", async () => {
		const json = await call({ operation: 'getAccessToken', tenantId: 'school-a', clientId: 'client-1', password: sealer.seal('pw-1', { tenantId: 'school-a', field: 'password' }), host: tokenHost, tenantStatus: 'active' });
		expect(json).toMatchObject({ tenantId: 'school-a', access_token: 'real-n8n-token', expires_in: 180 });
	});

	it('Get Access Token: a deactivated tenant gets no token request', async () => {
		const before = tokenRequests;
		const json = await call({ operation: 'getAccessToken', tenantId: 'school-d', clientId: 'client-1', password: 'pw-1', host: tokenHost, tenantStatus: 'deactivated' });
		expect(JSON.stringify(json)).toMatch(/Tenant 'school-d' is deactivated/);
		expect(tokenRequests).toBe(before);
	});

	it('Get Access Token: wrong credentials give a clear error (Continue On Fail), never the password', async () => {
		const json = await call({ operation: 'getAccessToken', tenantId: 'school-a', clientId: 'client-1', password: 'wrong-pw', host: tokenHost, tenantStatus: 'active' });
		expect(JSON.stringify(json)).toMatch(/tenant 'school-a' was refused \(HTTP 401\)/);
		expect(JSON.stringify(json)).not.toContain('wrong-pw');
	});

	it("Create Credentials Event: the trigger's item shape with eventType MANUAL, secrets sealed", async () => {
		const json = await call({ operation: 'createCredentialsEvent', tenantId: 'school-m', clientId: 'c-m', secret: 's-m', password: 'p-m', host: 'school.webuntis.com' });
		expect(json).toMatchObject({ event: 'credentials', eventType: 'MANUAL', tenantId: 'school-m', tenantStatus: 'active', secrets: 'sealed' });
		expect(sealer.unseal(json.password, { tenantId: 'school-m', field: 'password' })).toBe('p-m');
	});
});
