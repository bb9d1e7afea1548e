import { createHash, randomBytes } from 'node:crypto';

import type { IHookFunctions } from 'n8n-workflow';

import { UntisPlatform } from '../../dist/nodes/UntisPlatform/UntisPlatform.node';
import { UntisPlatformTrigger } from '../../dist/nodes/UntisPlatform/UntisPlatformTrigger.node';
import { parseEvent } from '../../nodes/UntisPlatform/core/webhook/events';
import { manualCredentialsItem } from '../../nodes/UntisPlatform/core/webhook/manualEntry';
import { buildKeyRing } from '../../nodes/UntisPlatform/core/webhook/keys';
import { Rejection } from '../../nodes/UntisPlatform/core/webhook/rejections';
import { deliveryIdsFor } from '../../nodes/UntisPlatform/core/webhook/deliveryIds';
import { sealerFor } from '../../nodes/UntisPlatform/core/sealing/sealing';
import { baseUrlOf, hostProblem } from '../../nodes/UntisPlatform/core/api/token';
import { apiBaseProblem } from '../../nodes/UntisPlatform/core/api/apiBase';
import { verifySignature, type AlgorithmName } from '../../nodes/UntisPlatform/core/webhook/signature';
import {
	createdPayload,
	deactivationPayload,
	ENCRYPTION_KEY,
	keyPair,
	signBody,
	signedRequest,
	withHeaders,
} from '../helpers/platform.cjs';
import { callWebhook, customCredential, type CallOptions } from '../helpers/webhookContext.cjs';

/* eslint-disable @typescript-eslint/no-require-imports */
const sim = require('../../tools/untis-platform-sim/sim.js');
/* eslint-enable @typescript-eslint/no-require-imports */
/** The deliveryId as documented, computed by the sender tool's own code, not the package's. */
const expectedId = (body: Buffer | string, key = ENCRYPTION_KEY): string => sim.deliveryId(Buffer.from(body), key);
const sha256 = (body: Buffer | string) => createHash('sha256').update(body).digest('hex');

/**
 * The security review's findings (issue 19), one block each: what an attacker or a hand-edited
 * workflow could do before, and what the package guarantees now.
 */
const trigger = new UntisPlatformTrigger();
const platform = keyPair();
const ring = buildKeyRing({ environment: 'custom', publicKeys: platform.spki });
const call = (request: Parameters<typeof callWebhook>[1], options?: CallOptions) => callWebhook(trigger, request, options);
const sealer = sealerFor(ENCRYPTION_KEY);

describe('finding 5: the algorithm allow-list is enforced by the core, whatever the parameters say', () => {
	const body = Buffer.from(JSON.stringify(deactivationPayload()));
	const sha256Signature = signBody(body, platform.privateKey, 'sha256');

	it.each(['SHA1withRSA', 'MD5withRSA', 'NONEwithRSA', 'toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf'])(
		'%s in the allowed list and in the header: refused with 401, never accepted, never thrown',
		(name) => {
			let result: unknown;
			expect(() => {
				result = verifySignature(
					{ body, authorization: sha256Signature, algorithm: name },
					ring,
					['SHA256withRSA', name] as AlgorithmName[],
				);
			}).not.toThrow();
			expect(result).toBeInstanceOf(Rejection);
			expect(result).toMatchObject({ status: 401, code: 'algorithm_not_allowed' });
			// The message lists only what can really be accepted.
			expect((result as Rejection).message).toMatch(/\(allowed: SHA256withRSA\)$/);
		},
	);

	it('a list of nothing but unknown names accepts nothing, not even SHA256withRSA', () => {
		const result = verifySignature({ body, authorization: sha256Signature, algorithm: 'SHA256withRSA' }, ring, ['SHA1withRSA'] as never);
		expect(result).toMatchObject({ status: 401, code: 'algorithm_not_allowed' });
	});

	it.each([
		['SHA1withRSA', ['SHA1withRSA']],
		['toString', ['toString']],
		['__proto__', ['__proto__']],
		['a string instead of a list', 'SHA1withRSA'],
		['an object', { 0: 'SHA1withRSA' }],
	])('a hand-edited trigger with Additional Algorithms %s: 401 for that header, no throw, no execution', async (_name, additional) => {
		const request = withHeaders(signedRequest(deactivationPayload()), {
			algorithm: Array.isArray(additional) ? additional[0] : 'SHA1withRSA',
		});
		const answer = await call(request, { parameters: { options: { additionalAlgorithms: additional } } });
		expect(answer.status).toBe(401);
		expect(answer.result).toEqual({ noWebhookResponse: true });
		expect(answer.outputs).toBeUndefined();
		expect(answer.body).toEqual({ error: expect.stringMatching(/is not allowed \(allowed: SHA256withRSA\)$/) });
	});

	it('a hand-edited trigger with a string still accepts the default algorithm', async () => {
		const answer = await call(signedRequest(deactivationPayload()), { parameters: { options: { additionalAlgorithms: 'SHA1withRSA' } } });
		expect(answer.outputs![1]).toHaveLength(1);
	});
});

describe('finding 5: secret and password are protected in every verified body, not only credentials', () => {
	const bodies: Array<[string, object, 0 | 1]> = [
		['a deactivation body carrying them', deactivationPayload({ secret: 'deact-secret-1', password: 'deact-password-1' }), 1],
		['a legacy deactivation body carrying them', { tenantId: '7', type: 'DELETION', secret: 'deact-secret-1', password: 'deact-password-1' }, 1],
		['an unknown type shaped as deactivation', deactivationPayload({ eventType: 'SUSPENDED', secret: 'deact-secret-1', password: 'deact-password-1' }), 1],
	];

	it.each(bodies)('%s: Seal seals them (and the payload copy)', async (_name, payload, output) => {
		const answer = await call(signedRequest(payload), { parameters: { options: { includePayload: true } } });
		const item = answer.outputs![output][0];
		// Bound to the delivery's tenant and the field's name, as in a credentials event.
		const at = (field: string) => ({ tenantId: String(item.tenantId), field });
		expect(sealer.unseal(item.secret as string, at('secret'))).toBe('deact-secret-1');
		expect(sealer.unseal(item.password as string, at('password'))).toBe('deact-password-1');
		const copy = item.payload as Record<string, string>;
		expect(sealer.unseal(copy.password, at('password'))).toBe('deact-password-1');
		expect(JSON.stringify(answer.outputs)).not.toMatch(/deact-secret-1|deact-password-1/);
	});

	it.each(bodies)('%s: Omit sets them to null', async (_name, payload, output) => {
		const answer = await call(signedRequest(payload), { parameters: { secrets: 'omit' } });
		expect(answer.outputs![output][0]).toMatchObject({ secret: null, password: null });
	});

	it('a value that is not a string (a number, an object) is sealed as its JSON text', async () => {
		const answer = await call(signedRequest(deactivationPayload({ secret: 4711, password: { value: 'nested-password-1' } })));
		const item = answer.outputs![1][0];
		const at = (field: string) => ({ tenantId: String(item.tenantId), field });
		expect(sealer.unseal(item.secret as string, at('secret'))).toBe('4711');
		expect(sealer.unseal(item.password as string, at('password'))).toBe('{"value":"nested-password-1"}');
		expect(JSON.stringify(answer.outputs)).not.toContain('nested-password-1');
	});

	it('Plain leaves them as sent (explicit opt-in)', async () => {
		const answer = await call(signedRequest(deactivationPayload({ secret: 'deact-secret-1' })), { parameters: { secrets: 'plain' } });
		expect(answer.outputs![1][0].secret).toBe('deact-secret-1');
	});
});

describe("finding 5: 'constructor' and 'prototype' keys are refused like '__proto__'", () => {
	const refused = (text: string) => {
		try {
			parseEvent(Buffer.from(text));
		} catch (error) {
			return error;
		}
		return undefined;
	};

	it.each([
		['constructor', '{"tenantId":"1","eventType":"DEACTIVATION","constructor":{"prototype":{"polluted":true}}}'],
		['prototype', '{"tenantId":"1","eventType":"DEACTIVATION","prototype":{"polluted":true}}'],
		['a nested constructor', '{"tenantId":"1","eventType":"DEACTIVATION","x":[{"constructor":{}}]}'],
		['an escaped constructor', '{"tenantId":"1","eventType":"DEACTIVATION","\\u0063onstructor":{}}'],
		['__proto__', '{"tenantId":"1","eventType":"DEACTIVATION","__proto__":{"polluted":true}}'],
	])('%s: 400 naming the key', (key, text) => {
		const error = refused(text);
		expect(error).toBeInstanceOf(Rejection);
		expect(error).toMatchObject({ status: 400, code: 'invalid_body' });
		expect((error as Rejection).message).toBe(`Body contains a '${key.replace(/^(a nested|an escaped) /, '')}' key, which is not allowed`);
	});

	it('the words in values are fine: only keys are refused', () => {
		expect(refused(JSON.stringify(deactivationPayload({ reasonText: 'constructor prototype __proto__' })))).toBeUndefined();
	});

	it('through the trigger: 400, no execution', async () => {
		const answer = await call(signedRequest('{"tenantId":"1","eventType":"DEACTIVATION","constructor":{"prototype":{"x":1}}}'));
		expect(answer.status).toBe(400);
		expect(answer.outputs).toBeUndefined();
		expect(({} as Record<string, unknown>).x).toBeUndefined();
	});
});

describe('finding 5: the companion node is not offered to AI agents', () => {
	// Unseal Secrets returns plain secrets and Get Access Token a bearer token: an agent given the
	// node as a tool could be talked into returning them, so the node is no tool at all.
	it('has no usableAsTool, so n8n makes no tool variant of it', () => {
		expect(new UntisPlatform().description.usableAsTool).toBeUndefined();
	});
});

describe('finding 4: deliveryId is keyed, so an item is no oracle for guesses of the secrets', () => {
	it('is HMAC-SHA-256 of the raw body under a key derived from the Encryption Key, not a bare SHA-256', async () => {
		const request = signedRequest(createdPayload());
		const answer = await call(request, { parameters: { secrets: 'omit' } });
		const item = answer.outputs![0][0];
		expect(item.deliveryId).toBe(expectedId(request.body));
		expect(item.deliveryId).not.toBe(sha256(request.body));
		expect(answer.result.webhookResponse).toEqual({ received: true, started: true, deliveryId: item.deliveryId });
	});

	it('an Omit item does not let anyone confirm a guessed secret and password from the other fields', async () => {
		const payload = createdPayload({ secret: 'weak-1', password: 'weak-2' });
		const request = signedRequest(payload);
		const item = (await call(request, { parameters: { secrets: 'omit' } })).outputs![0][0];
		expect(item).toMatchObject({ secret: null, password: null });
		// The attack: rebuild the body with the guess and hash it. It no longer matches.
		expect(sha256(JSON.stringify({ ...payload, secret: 'weak-1', password: 'weak-2' }))).not.toBe(item.deliveryId);
		// Only the Encryption Key makes the id reproducible.
		expect(expectedId(request.body)).toBe(item.deliveryId);
	});

	it('same delivery, same id; a RESET that changes only the password, a new id', async () => {
		const reset = createdPayload({ eventType: 'RESET' });
		const first = signedRequest(reset);
		const again = signedRequest(reset);
		const newPassword = signedRequest({ ...reset, password: 'test-password-other' });
		const ids = [];
		for (const request of [first, again, newPassword]) ids.push((await call(request)).outputs![0][0].deliveryId);
		expect(ids[0]).toBe(ids[1]);
		expect(ids[2]).not.toBe(ids[0]);
	});

	it('another Encryption Key gives other ids for the same body', async () => {
		const request = signedRequest(deactivationPayload());
		const otherKey = randomBytes(32).toString('hex');
		const a = (await call(request)).outputs![1][0].deliveryId;
		const b = (await call(request, { credential: customCredential({ encryptionKey: otherKey }) })).outputs![1][0].deliveryId;
		expect(b).not.toBe(a);
		expect(b).toBe(expectedId(request.body, otherKey));
	});

	it('manual entry: keyed the same way, the same entry gives the same id, a changed password a new one', () => {
		const typed = { tenantId: '4711', clientId: 'app-4711', secret: 's-1', password: 'p-1', host: 'school.webuntis.com' };
		const options = { secrets: { mode: 'omit' as const }, deliveryIds: deliveryIdsFor(ENCRYPTION_KEY) };
		const a = manualCredentialsItem(typed, options);
		const b = manualCredentialsItem({ ...typed }, options);
		const c = manualCredentialsItem({ ...typed, password: 'p-2' }, options);
		expect(a.deliveryId).toBe(b.deliveryId);
		expect(c.deliveryId).not.toBe(a.deliveryId);
		// The canonical entry (all fields, in the documented order) under the same derived key.
		const canonical = JSON.stringify({
			tenantId: '4711', clientId: 'app-4711', secret: 's-1', password: 'p-1', host: 'school.webuntis.com',
			country: null, region: null, language: null, activatorEmail: null, activatorUsername: null, schoolEmail: null, schoolPhoneNumber: null,
		});
		expect(a.deliveryId).toBe(expectedId(canonical));
		expect(a.deliveryId).not.toBe(sha256(canonical));
	});

	describe('without a usable Encryption Key the id cannot be keyed: the trigger refuses to run, in every Secrets mode', () => {
		it.each([
			['seal', ''],
			['omit', ''],
			['plain', ''],
			['omit', 'hunter2'],
			['plain', undefined],
		])('Secrets %s, Encryption Key %j: 500 misconfigured, nothing started, the log says what to fix', async (secrets, encryptionKey) => {
			const answer = await call(signedRequest(deactivationPayload()), {
				parameters: { secrets },
				credential: customCredential({ encryptionKey }),
			});
			expect(answer.status).toBe(500);
			expect(answer.outputs).toBeUndefined();
			expect(answer.body).toEqual({ error: 'Untis Platform Trigger is misconfigured; see the n8n log' });
			expect(answer.logs).toEqual([{ level: 'error', message: expect.stringMatching(/deliveryId.*Encryption Key/) }]);
		});

		it('activation fails with the same message', async () => {
			const hook = {
				getCredentials: async () => customCredential({ encryptionKey: '' }),
				getNodeParameter: (name: string, fallback?: unknown) => (name === 'secrets' ? 'omit' : fallback),
				getNode: () => ({ name: 'Untis Platform Trigger' }),
				getWorkflow: () => ({ id: 'hook-workflow' }),
			} as unknown as IHookFunctions;
			await expect(trigger.webhookMethods.default.create.call(hook)).rejects.toThrow(/deliveryId.*Encryption Key/);
		});
	});
});

describe('finding 1: a body that cannot be read is answered by the node, never thrown (no error execution)', () => {
	// What n8n's readRawBody throws (n8n 2.41 body-parser: BadRequestError for an aborted stream,
	// zlib errors for a corrupt gzip/deflate body, raw-body's 413 for a body over the payload limit).
	const failures: Array<[string, Error, number, RegExp]> = [
		['the client aborted or half-closed', Object.assign(new Error('Request body stream was aborted or is not readable'), { httpStatusCode: 400 }), 400, /could not be read completely/],
		['the client stopped half-way', Object.assign(new Error('request aborted'), { type: 'request.aborted', status: 400 }), 400, /could not be read completely/],
		['gzip with junk bytes', Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR', errno: -3 }), 400, /Content-Encoding/],
		['deflate with junk bytes', Object.assign(new Error('invalid stored block lengths'), { code: 'Z_DATA_ERROR' }), 400, /Content-Encoding/],
		['over N8N_PAYLOAD_SIZE_MAX', Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413, statusCode: 413 }), 413, /larger than/],
		['a length that does not match', Object.assign(new Error('request size did not match content length'), { type: 'request.size.invalid', status: 400 }), 400, /could not be read completely/],
		['anything else', new TypeError("boom"), 400, /could not be read/],
	];

	it.each(failures)('%s: %s with {error}, noWebhookResponse, nothing started', async (_name, failure, status, message) => {
		const request = signedRequest(createdPayload());
		const answer = await call(request, { rawBodyUnread: true, readRawBodyError: failure });
		expect(answer.status).toBe(status);
		expect(answer.result).toEqual({ noWebhookResponse: true });
		expect(answer.outputs).toBeUndefined();
		expect(answer.body).toEqual({ error: expect.stringMatching(message) });
		expect(JSON.stringify(answer.body)).not.toMatch(/test-secret|test-password/);
		expect(answer.logs).toEqual([{ level: 'warn', message: expect.stringMatching(new RegExp(`rejected a request with ${status}`)) }]);
	});
});

describe('second review, 6: the password and tokens travel over HTTPS only, to a host without userinfo', () => {
	it.each(['http://school.example', 'http://10.0.0.5:8080', 'HTTP://school.example'])('tenant host %s is refused, and the message says https:// is required', (host) => {
		expect(hostProblem(host)).toMatch(/must start with https:\/\/ \(plain http:\/\/ is accepted only for a loopback test host/);
		expect(() => baseUrlOf(host)).toThrow(/must start with https:\/\//);
	});

	it.each(['http://school.example', 'http://api.example/proxy'])('API Base URL %s is refused', (url) => {
		expect(apiBaseProblem(url)).toMatch(/API Base URL must start with https:\/\/ \(plain http:\/\/ is accepted only for a loopback test host/);
	});

	it.each(['school.example', 'https://school.example/', 'http://127.0.0.1:8080', 'http://localhost:1', 'http://[::1]:9'])('tenant host %s is accepted', (host) => {
		expect(hostProblem(host)).toBeUndefined();
	});

	it.each(['https://api.webuntis.com', 'https://proxy.example/untis/', 'http://127.0.0.1:4000'])('API Base URL %s is accepted', (url) => {
		expect(apiBaseProblem(url)).toBeUndefined();
	});

	it.each([':pw@evil.com', 'user@evil.com', 'user:pw@evil.com', '@evil.com', 'https://:pw@evil.com'])('tenant host %s (any userinfo) is refused, without quoting a password it would not need', (host) => {
		expect(hostProblem(host)).toMatch(/must be a bare host \(no path, query or user\)/);
	});

	it.each(['https://:pw@api.example', 'https://u@api.example'])('API Base URL %s (userinfo) is refused', (url) => {
		expect(apiBaseProblem(url)).toMatch(/must not carry a user/);
	});
});

describe('sanity: the fixtures behave', () => {
	it('a genuine deactivation still passes', async () => {
		expect((await call(signedRequest(deactivationPayload()))).outputs![1]).toHaveLength(1);
	});

	it('a genuine credentials event still passes', async () => {
		expect((await call(signedRequest(createdPayload()))).outputs![0]).toHaveLength(1);
	});
});
