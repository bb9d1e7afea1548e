'use strict';
/**
 * The demo's stand-in for the Untis Platform's API host, on loopback: only the token endpoint
 * (client-credentials grant, Basic clientId:password), which the Manual Entry form's Check with
 * the Platform asks. The demo credential's API Base URL points here (Custom needs one: the same
 * rule as the credential's Test). Written from the spec, never tried against the real platform.
 *
 *   POST /WebUntis/api/sso/v3/{tenantId}/token   grant_type=client_credentials
 *     a known tenant, client and password -> 200 {access_token, token_type, expires_in}
 *     anything else                       -> 401 {error: 'invalid_client'}
 */
const crypto = require('node:crypto');
const http = require('node:http');

const TOKEN_PATH = /^\/WebUntis\/api\/sso\/v3\/([^/]+)\/token$/;

/** tenants: { [tenantId]: { clientId, password } }. Resolves { apiBase, tokenCalls, close }. */
function startDemoPlatform(tenants) {
	let tokenCalls = 0;
	const server = http.createServer((req, res) => {
		const answer = (status, body) => {
			res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
			res.end(JSON.stringify(body));
		};
		req.resume();
		req.on('end', () => {
			const match = TOKEN_PATH.exec(new URL(req.url, 'http://stand-in').pathname);
			if (req.method !== 'POST' || !match) return answer(404, { error: 'not_found' });
			tokenCalls++;
			const tenant = tenants[decodeURIComponent(match[1])];
			const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
			const [clientId, ...rest] = Buffer.from(basic ?? '', 'base64').toString('utf8').split(':');
			if (!tenant || clientId !== tenant.clientId || rest.join(':') !== tenant.password) return answer(401, { error: 'invalid_client' });
			answer(200, { access_token: `demo-${crypto.randomBytes(8).toString('hex')}`, token_type: 'bearer', expires_in: 300 });
		});
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () =>
			resolve({
				apiBase: `http://127.0.0.1:${server.address().port}`,
				tokenCalls: () => tokenCalls,
				close: () => new Promise((done) => server.close(() => done())),
			}),
		);
	});
}

module.exports = { startDemoPlatform };
