import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { UntisPlatform } from '../../dist/nodes/UntisPlatform/UntisPlatform.node';
import { sealerFor } from '../../nodes/UntisPlatform/core/sealing/sealing';
import { ENCRYPTION_KEY, keyPair } from '../helpers/platform.cjs';

/**
 * Security review, issue 25: a 3xx from the API base (or a tenant's host) must not be followed,
 * or n8n's request helper carries the bearer token / Basic clientId:password to the other origin.
 * Driven through n8n-core's real request helper (its @n8n/backend-network httpRequest), against a
 * loopback "API" that redirects to a second loopback server recording whatever reaches it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { httpRequest } = require('../../node_modules/n8n-core/node_modules/@n8n/backend-network/dist/http/axios/request.js') as {
	httpRequest: (options: IDataObject) => Promise<unknown>;
};

const node = new UntisPlatform();
const sealer = sealerFor(ENCRYPTION_KEY);
const received: Array<{ url?: string; authorization?: string }> = [];
let status = 302;
let api: Server;
let other: Server;
const base = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

beforeAll(async () => {
	other = createServer((req, res) => {
		received.push({ url: req.url, authorization: req.headers.authorization });
		res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ access_token: 'stolen', expires_in: 180, orgs: [] }));
	});
	api = createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			if (req.url?.endsWith('/token') && process.env.REDIRECT_TOKEN !== '1') {
				// A working token endpoint, so the data call is reached with a bearer token.
				res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ access_token: 'tok-secret', token_type: 'Bearer', expires_in: 180 }));
			} else {
				res.writeHead(status, { Location: `${base(other)}/collect?secret=q-secret` }).end();
			}
		});
	});
	await Promise.all([api, other].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
});
afterAll(async () => {
	for (const server of [api, other]) {
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}
});
beforeEach(() => {
	received.length = 0;
	delete process.env.REDIRECT_TOKEN;
});

async function run(parameters: IDataObject): Promise<INodeExecutionData[]> {
	const item = { tenantId: 'r-1', clientId: 'client-1', password: sealer.seal('pw-secret', { tenantId: 'r-1', field: 'password' }), host: base(api), tenantStatus: 'active' };
	const context = {
		getInputData: () => [{ json: item }],
		getNodeParameter: (name: string, _index: number, fallback?: unknown) => {
			const value = name in parameters ? parameters[name] : fallback;
			const m = typeof value === 'string' ? /^=\{\{ \$json\.(\w+) \}\}$/.exec(value) : null;
			return m ? (item as IDataObject)[m[1]] : value;
		},
		getCredentials: async () => ({ environment: 'custom', publicKeys: keyPair().spki, encryptionKey: ENCRYPTION_KEY, apiBaseUrl: base(api) }),
		getNode: () => ({ name: 'Untis Platform', type: 'untisPlatform', typeVersion: 1 }),
		continueOnFail: () => true,
		helpers: { httpRequest },
	} as unknown as IExecuteFunctions;
	const [output] = await node.execute.call(context);
	return output as INodeExecutionData[];
}

const common = { tenantId: '={{ $json.tenantId }}', clientId: '={{ $json.clientId }}', password: '={{ $json.password }}', host: '={{ $json.host }}', tenantStatus: '={{ $json.tenantStatus }}' };

function expectRefused(out: INodeExecutionData[], code: number) {
	expect(received).toEqual([]);
	const error = String(out[0].json.error);
	expect(error).toContain(`answered ${code} with a redirect to ${base(other)};`);
	expect(error).toMatch(/redirects are not followed/);
	expect(JSON.stringify(out)).not.toMatch(/collect|q-secret|pw-secret|tok-secret|stolen/);
}

describe.each([302, 307])('a %i redirect to another origin is never followed', (code) => {
	beforeEach(() => (status = code));

	it('Get Access Token: the Basic clientId:password stays home', async () => {
		process.env.REDIRECT_TOKEN = '1';
		expectRefused(await run({ ...common, operation: 'getAccessToken', timeout: 2000 }), code);
	});

	it("API Request's token request (Basic), with API Host: Tenant's Host", async () => {
		process.env.REDIRECT_TOKEN = '1';
		expectRefused(await run({ ...common, operation: 'apiRequest', apiHost: 'tenantHost', method: 'GET', path: '/rest/x', returnAll: false }), code);
	});

	it('API Request (bearer): the data call', async () => {
		expectRefused(await run({ ...common, operation: 'apiRequest', method: 'GET', path: '/rest/x', returnAll: false }), code);
	});

	it('API Request with Return All (bearer): the paging calls', async () => {
		expectRefused(await run({ ...common, operation: 'apiRequest', method: 'GET', path: '/ims/oneroster/v1p1/orgs', returnAll: true }), code);
	});
});
