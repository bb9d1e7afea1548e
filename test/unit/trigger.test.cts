import {
	resolveWebhookDescriptionField,
	Workflow,
	type ICredentialTestFunctions,
	type IHookFunctions,
	type INodeParameters,
	type INodeTypes,
} from 'n8n-workflow';

// The built node, exactly as n8n loads it from dist/.
import { UntisPlatformTrigger } from '../../dist/nodes/UntisPlatform/UntisPlatformTrigger.node';
import { sealerFor } from '../../nodes/UntisPlatform/core/sealing/sealing';
import {
	createdPayload,
	deactivationPayload,
	ENCRYPTION_KEY,
	keyPair,
	nestedPayload,
	signBody,
	signedRequest,
	v1Payload,
	withHeaders,
	type SignedRequestFixture,
} from '../helpers/platform.cjs';
import { callWebhook, customCredential, type CallOptions } from '../helpers/webhookContext.cjs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sim = require('../../tools/untis-platform-sim/sim.js');

const trigger = new UntisPlatformTrigger();
const platform = keyPair();
const SECRETS = ['test-secret-8f2c', 'test-password-91ab', 'test-secret-v1', 'test-password-v1'];

const call = (request: SignedRequestFixture, options?: CallOptions) => callWebhook(trigger, request, options);

function withBody(request: SignedRequestFixture, body: Buffer | string) {
	return { body: Buffer.from(body), headers: request.headers };
}

describe('accepted deliveries start the workflow on the right output', () => {
	const cases: Array<[string, object, 0 | 1, Record<string, unknown>]> = [
		['CREATED', createdPayload(), 0, { event: 'credentials', eventType: 'CREATED', tenantStatus: 'active', specVersion: 2 }],
		['REACTIVATED', createdPayload({ eventType: 'REACTIVATED' }), 0, { eventType: 'REACTIVATED', tenantStatus: 'active' }],
		['RESET', createdPayload({ eventType: 'RESET' }), 0, { eventType: 'RESET', tenantStatus: 'active' }],
		['a v1 body', v1Payload(), 0, { eventType: 'V1', specVersion: 1, schoolName: 'Example School' }],
		['DEACTIVATION', deactivationPayload(), 1, { event: 'deactivation', tenantStatus: 'deactivated', reasonType: 'SCHOOL_DEACTIVATION' }],
		['DELETION', deactivationPayload({ eventType: 'DELETION' }), 1, { eventType: 'DELETION', tenantStatus: 'deleted' }],
		['legacy type', { tenantId: '9', type: 'DEACTIVATION', reasonType: 'NO_REASON' }, 1, { eventType: 'DEACTIVATION', tenantId: '9' }],
		['an unknown credentials type', createdPayload({ eventType: 'ROTATED' }), 0, { eventType: 'ROTATED' }],
	];

	it.each(cases)('%s', async (_name, payload, output, fields) => {
		const request = signedRequest(payload);
		const { result, status, outputs } = await call(request);
		expect(status).toBeUndefined(); // n8n answers 200 itself (responseMode onReceived)
		expect(result.noWebhookResponse).toBeUndefined();
		expect(result.webhookResponse).toEqual({ received: true, started: true, deliveryId: expect.stringMatching(/^[0-9a-f]{64}$/) });
		expect(outputs).toHaveLength(2);
		expect(outputs![1 - output]).toEqual([]);
		expect(outputs![output]).toHaveLength(1);
		const item = outputs![output][0];
		expect(item).toMatchObject(fields);
		expect(item.tenantId).toBe((payload as { tenantId: string }).tenantId);
		// Keyed with the Encryption Key (see security.test.cts), computed here by the sender tool's code.
		expect(item.deliveryId).toBe(sim.deliveryId(request.body, ENCRYPTION_KEY));
		expect(new Date(item.receivedAt as string).toISOString()).toBe(item.receivedAt);
		expect(item.verification).toEqual({ algorithm: 'SHA256withRSA', key: 'custom #1' });
	});

	it('a credentials item carries every documented field, secrets sealed', async () => {
		const { outputs } = await call(signedRequest(createdPayload()));
		const item = outputs![0][0];
		expect(Object.keys(item)).toEqual([
			'event', 'eventType', 'tenantId', 'tenantStatus', 'deliveryId', 'receivedAt', 'verification',
			'specVersion', 'clientId', 'secret', 'password', 'host', 'country', 'region', 'language',
			'activatorEmail', 'activatorUsername', 'schoolEmail', 'schoolPhoneNumber', 'secrets',
		]);
		expect(item.secrets).toBe('sealed');
		const sealer = sealerFor(ENCRYPTION_KEY);
		// sealed:v2, bound to the delivery's tenant and each field's name.
		expect(item.secret).toMatch(new RegExp(`^sealed:v2:${sealer.keyId}:`));
		expect(sealer.unseal(item.secret as string, { tenantId: '12345', field: 'secret' })).toBe('test-secret-8f2c');
		expect(sealer.unseal(item.password as string, { tenantId: '12345', field: 'password' })).toBe('test-password-91ab');
		expect(() => sealer.unseal(item.password as string, { tenantId: '12346', field: 'password' })).toThrow(/failed authentication/);
		expect(() => sealer.unseal(item.secret as string, { tenantId: '12345', field: 'password' })).toThrow(/failed authentication/);
		expect(JSON.stringify(outputs)).not.toMatch(/test-secret-8f2c|test-password-91ab/);
	});

	it('a deactivation item carries every documented field', async () => {
		const { outputs } = await call(signedRequest(deactivationPayload()));
		expect(Object.keys(outputs![1][0])).toEqual([
			'event', 'eventType', 'tenantId', 'tenantStatus', 'deliveryId', 'receivedAt', 'verification',
			'reasonType', 'reasonText',
		]);
	});

	it('the same body delivered twice has the same deliveryId', async () => {
		const request = signedRequest(deactivationPayload());
		const first = await call(request);
		const second = await call(request);
		expect(first.outputs![1][0].deliveryId).toBe(second.outputs![1][0].deliveryId);
	});

	it('keeps unknown fields, but the contract fields win a clash', async () => {
		const { outputs } = await call(signedRequest(deactivationPayload({ campus: 'North', deliveryId: 'forged', event: 'x' })));
		const item = outputs![1][0];
		expect(item.campus).toBe('North');
		expect(item.event).toBe('deactivation');
		expect(item.deliveryId).toMatch(/^[0-9a-f]{64}$/);
	});

	it('a numeric tenantId (as real senders send it) starts the workflow under its string, with convertedFields', async () => {
		const { outputs, status } = await call(signedRequest(createdPayload({ tenantId: 4711, password: 91 })));
		expect(status).toBeUndefined();
		const item = outputs![0][0];
		expect(item).toMatchObject({ tenantId: '4711', convertedFields: ['tenantId', 'password'], secrets: 'sealed' });
		expect(sealerFor(ENCRYPTION_KEY).unseal(item.password as string, { tenantId: '4711', field: 'password' })).toBe('91');
	});

	it('reads the raw body itself when n8n has not read it yet', async () => {
		const { outputs } = await call(signedRequest(deactivationPayload()), { rawBodyUnread: true });
		expect(outputs![1]).toHaveLength(1);
	});

	it('Secrets: Plain outputs them as sent (explicit opt-in)', async () => {
		const { outputs } = await call(signedRequest(createdPayload()), { parameters: { secrets: 'plain' } });
		expect(outputs![0][0]).toMatchObject({ secret: 'test-secret-8f2c', password: 'test-password-91ab', secrets: 'plain' });
	});

	it('Secrets: Omit sets them to null', async () => {
		// The Encryption Key is still needed: it keys the deliveryId (security.test.cts).
		const { outputs } = await call(signedRequest(createdPayload()), { parameters: { secrets: 'omit' } });
		expect(outputs![0][0]).toMatchObject({ secret: null, password: null, secrets: 'omitted' });
	});

	it('Include Raw Payload adds the body, with its secrets sealed too', async () => {
		const { outputs } = await call(signedRequest(createdPayload({ extraField: 1 })), {
			parameters: { options: { includePayload: true } },
		});
		const payload = outputs![0][0].payload as Record<string, string>;
		expect(payload.tenantId).toBe('12345');
		expect(payload.extraField).toBe(1);
		expect(sealerFor(ENCRYPTION_KEY).unseal(payload.secret, { tenantId: '12345', field: 'secret' })).toBe('test-secret-8f2c');
		expect(JSON.stringify(outputs)).not.toContain('test-password-91ab');
	});

	it('a preset with a custom key added for rotation accepts the added key', async () => {
		const { outputs } = await call(signedRequest(deactivationPayload()), {
			credential: customCredential({ environment: 'production' }),
		});
		expect(outputs![1][0].verification).toEqual({ algorithm: 'SHA256withRSA', key: 'custom #1' });
	});

	it('Additional Algorithms enables SHA512withRSA', async () => {
		const request = signedRequest(deactivationPayload(), platform, 'SHA512withRSA');
		expect((await call(request)).status).toBe(401);
		const { outputs } = await call(request, { parameters: { options: { additionalAlgorithms: ['SHA512withRSA'] } } });
		expect(outputs![1][0].verification).toEqual({ algorithm: 'SHA512withRSA', key: 'custom #1' });
	});

	it('delivers a signed body nested exactly 32 levels deep (the cap), unchanged', async () => {
		const { outputs, status } = await call(signedRequest(nestedPayload(32)));
		expect(status).toBeUndefined();
		expect(JSON.stringify(outputs![1][0].deep)).toBe(`${'['.repeat(31)}${']'.repeat(31)}`);
	});

	it('accepts a 1 MiB signed body', async () => {
		const { outputs } = await call(signedRequest(createdPayload({ notes: 'n'.repeat(1024 * 1024) })));
		expect(outputs![0]).toHaveLength(1);
	});
});

describe('the Acknowledge option', () => {
	// n8n reads responseMode/responseData from the webhook description on every request: n8n 2.x
	// through the native resolver when there is one, n8n 1.x (or a node whose parameters hold
	// expressions) through its expression engine. Both routes are taken here with n8n's own code.
	const webhook = trigger.description.webhooks![0];
	const nodeTypes = {
		getByName: () => trigger,
		getByNameAndVersion: () => trigger,
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	const nodeWith = (parameters: Record<string, unknown>) => {
		const workflow = new Workflow({
			nodes: [{ id: '1', name: 'Trigger', type: 'n8n-nodes-untis-platform.untisPlatformTrigger', typeVersion: 1, position: [0, 0], parameters: parameters as INodeParameters }],
			connections: {},
			active: true,
			nodeTypes,
		});
		// The Workflow constructor adds the parameter defaults, as n8n's webhook path relies on.
		return { workflow, node: workflow.getNode('Trigger')! };
	};
	const evaluate = (field: 'responseMode' | 'responseData', acknowledge: string) => {
		const { workflow, node } = nodeWith({ acknowledge });
		const native = resolveWebhookDescriptionField(node, webhook, field);
		const engine = workflow.expression.getSimpleParameterValue(node, webhook[field] as string, 'webhook', {});
		expect(native).toEqual({ resolved: true, value: engine });
		return engine;
	};

	it('is resolved without the expression engine for static parameters, and with it otherwise', () => {
		const { node } = nodeWith({ secrets: '={{"seal"}}' });
		expect(resolveWebhookDescriptionField(nodeWith({}).node, webhook, 'responseMode')).toEqual({ resolved: true, value: 'onReceived' });
		expect(resolveWebhookDescriptionField(node, webhook, 'responseMode')).toEqual({ resolved: false });
	});

	it('defaults to Immediately: n8n answers with the webhookResponse once the execution exists', () => {
		const parameter = trigger.description.properties.find((p) => p.name === 'acknowledge')!;
		expect(parameter.default).toBe('immediately');
		expect(evaluate('responseMode', 'immediately')).toBe('onReceived');
		expect(evaluate('responseData', 'immediately')).toBe('');
	});

	it('After the Workflow Succeeds waits for the last node and sends none of its data', () => {
		const parameter = trigger.description.properties.find((p) => p.name === 'acknowledge')!;
		expect((parameter.options as Array<{ value: string }>).map((o) => o.value)).toEqual([
			'immediately',
			'afterWorkflowSucceeds',
			'confirmDelivery',
		]);
		expect(evaluate('responseMode', 'afterWorkflowSucceeds')).toBe('lastNode');
		expect(evaluate('responseData', 'afterWorkflowSucceeds')).toBe('noData');
	});

	it("When Confirm Delivery Runs leaves the answer to a node of the workflow (n8n's responseNode)", () => {
		expect(evaluate('responseMode', 'confirmDelivery')).toBe('responseNode');
		expect(evaluate('responseData', 'confirmDelivery')).toBe('');
	});

	it('rejections are answered by the node itself in every mode', async () => {
		for (const acknowledge of ['immediately', 'afterWorkflowSucceeds', 'confirmDelivery']) {
			const request = withHeaders(signedRequest(createdPayload()), { authorization: undefined });
			const { result, status } = await call(request, { parameters: { acknowledge } });
			expect(result).toEqual({ noWebhookResponse: true });
			expect(status).toBe(401);
		}
	});
});

describe('the Events option', () => {
	it('a filtered-out delivery is acknowledged with 200 and starts nothing, with one warn line (the platform will not send it again)', async () => {
		const { result, status, body, logs } = await call(signedRequest(deactivationPayload()), {
			parameters: { options: { events: ['CREATED', 'REACTIVATED', 'RESET'] } },
		});
		expect(result).toEqual({ noWebhookResponse: true });
		expect(status).toBe(200);
		expect(body).toEqual({
			received: true,
			started: false,
			reason: "DEACTIVATION is not selected in the trigger's Events option",
		});
		expect(logs).toEqual([
			{ level: 'warn', message: expect.stringMatching(/^Untis Platform Trigger received a genuine DEACTIVATION event that its Events option does not select: answered 200, nothing started\. Paste this trigger's URL in PAM only for the events it handles\.$/) },
		]);
	});

	it('unknown event types are matched as OTHER', async () => {
		const request = signedRequest(createdPayload({ eventType: 'ROTATED' }));
		expect((await call(request, { parameters: { options: { events: ['CREATED'] } } })).status).toBe(200);
		expect((await call(request, { parameters: { options: { events: ['OTHER'] } } })).outputs![0]).toHaveLength(1);
	});

	it('a filtered-out delivery is still verified first', async () => {
		const request = withHeaders(signedRequest(deactivationPayload()), { authorization: undefined });
		expect((await call(request, { parameters: { options: { events: ['CREATED'] } } })).status).toBe(401);
	});
});

describe('every bad input: clear status and message, no execution, nothing echoed', () => {
	const good = () => signedRequest(createdPayload());
	const other = keyPair('intruder');
	const tampered = () => {
		const request = good();
		const body = Buffer.from(request.body);
		body[body.indexOf('12345')] = '9'.charCodeAt(0);
		return withBody(request, body);
	};
	const signedRaw = (text: string) => signedRequest(text);

	const cases: Array<[string, () => SignedRequestFixture, 400 | 401, RegExp]> = [
		['no headers at all', () => ({ body: good().body, headers: {} }), 401, /^Missing Authorization header/],
		['no Authorization header', () => withHeaders(good(), { authorization: undefined }), 401, /^Missing Authorization header/],
		['no Algorithm header', () => withHeaders(good(), { algorithm: undefined }), 401, /^Missing Algorithm header/],
		['an empty Authorization header', () => withHeaders(good(), { authorization: '' }), 401, /^Missing Authorization header/],
		['an empty Algorithm header', () => withHeaders(good(), { algorithm: '' }), 401, /^Missing Algorithm header/],
		['Algorithm SHA1withRSA', () => withHeaders(good(), { algorithm: 'SHA1withRSA' }), 401, /^Algorithm header 'SHA1withRSA' is not allowed \(allowed: SHA256withRSA\)$/],
		['Algorithm MD5withRSA', () => withHeaders(good(), { algorithm: 'MD5withRSA' }), 401, /'MD5withRSA' is not allowed/],
		['Algorithm none', () => withHeaders(good(), { algorithm: 'none' }), 401, /'none' is not allowed/],
		['SHA384withRSA, correctly signed but not enabled', () => signedRequest(createdPayload(), platform, 'SHA384withRSA'), 401, /'SHA384withRSA' is not allowed/],
		['a Bearer prefix', () => withHeaders(good(), { authorization: `Bearer ${good().headers.authorization}` }), 401, /without a 'Bearer' prefix/],
		['a Basic prefix', () => withHeaders(good(), { authorization: 'Basic dXNlcjpwYXNz' }), 401, /without a 'Basic' prefix/],
		['junk in Authorization', () => withHeaders(good(), { authorization: '%%%junk%%%' }), 401, /not strict base64/],
		['a truncated signature', () => withHeaders(good(), { authorization: (good().headers.authorization as string).slice(0, 200) }), 401, /decodes to 150 bytes/],
		['an oversized Authorization header', () => withHeaders(good(), { authorization: 'QUFB'.repeat(4000) }), 401, /not strict base64/],
		['Authorization sent twice', () => withHeaders(good(), { authorization: [good().headers.authorization as string, 'x'] }), 401, /sent 2 times/],
		['Algorithm sent twice', () => withHeaders(good(), { algorithm: ['SHA256withRSA', 'SHA1withRSA'] }), 401, /sent 2 times/],
		['a signature from another key', () => signedRequest(createdPayload(), other), 401, /does not match/],
		['one tampered byte', tampered, 401, /does not match/],
		['the body re-serialised', () => withBody(good(), JSON.stringify(createdPayload(), null, 2)), 401, /does not match/],
		['a trailing newline added', () => withBody(good(), Buffer.concat([good().body, Buffer.from('\n')])), 401, /does not match/],
		['a valid signature of another body', () => withHeaders(signedRequest(deactivationPayload()), { authorization: good().headers.authorization }), 401, /does not match/],
		['SHA512 signature claimed as SHA256', () => withHeaders(good(), { authorization: signBody(good().body, platform.privateKey, 'sha512') }), 401, /does not match/],
		['an unsigned empty body', () => ({ body: Buffer.alloc(0), headers: { algorithm: 'SHA256withRSA' } }), 401, /Missing Authorization/],
		['a huge forged body', () => withBody(good(), JSON.stringify(createdPayload({ pad: 'p'.repeat(2 * 1024 * 1024) }))), 401, /does not match/],
		['signed, but not JSON', () => signedRaw('tenantId=12345&secret=test-secret-8f2c'), 400, /^Body is not valid JSON$/],
		['signed, but empty', () => signedRaw(''), 400, /^Body is not valid JSON$/],
		['signed, but an array', () => signedRaw('[{"tenantId":"1"}]'), 400, /^Body must be a JSON object, got an array$/],
		['signed, but a string', () => signedRaw('"test-secret-8f2c"'), 400, /got a string/],
		['signed, without tenantId', () => signedRequest({ ...createdPayload(), tenantId: undefined }), 400, /^Field 'tenantId' is missing or empty/],
		['signed, object tenantId', () => signedRequest(createdPayload({ tenantId: { id: 12345 } })), 400, /'tenantId' must be a string, got object/],
		['signed calendar-integration request', () => signedRequest({ tenantId: '12345', user: 'jane', startDate: '2026-01-01', endDate: '2026-01-31' }), 400, /calendar-integration request .* not a lifecycle event/],
		['signed, neither shape', () => signedRequest({ tenantId: '1', foo: 'bar' }), 400, /fits neither event/],
		['signed, array secret', () => signedRequest(createdPayload({ secret: [4711] })), 400, /Field 'secret' must be a string, got an array/],
		['signed, missing password', () => signedRequest({ ...createdPayload(), password: undefined }), 400, /Field 'password' is missing/],
		['signed, __proto__ key', () => signedRaw(`{"__proto__":{"admin":true},${JSON.stringify(createdPayload()).slice(1)}`), 400, /'__proto__' key/],
		['signed, huge array', () => signedRaw(JSON.stringify(new Array(200000).fill('test-secret-8f2c'))), 400, /got an array/],
		['signed, nested 33 levels deep', () => signedRaw(nestedPayload(33)), 400, /^Body is nested at least 33 levels deep \(at most 32 allowed\): the platform sends flat objects$/],
		['signed, nested 100,000 levels deep', () => signedRaw(nestedPayload(100_000)), 400, /^Body is nested at least 33 levels deep \(at most 32 allowed\): the platform sends flat objects$/],
		['signed, 100,000 [ in an extra field of a credentials body', () => signedRaw(`${JSON.stringify(createdPayload()).slice(0, -1)},"x":${'['.repeat(100_000)}}`), 400, /^Body is nested at least 33 levels deep/],
	];

	it('has at least 25 cases', () => expect(cases.length).toBeGreaterThanOrEqual(25));

	it.each(cases)('%s', async (_name, makeRequest, status, message) => {
		const call_ = await call(makeRequest());
		expect(call_.result).toEqual({ noWebhookResponse: true }); // no workflowData: no execution
		expect(call_.outputs).toBeUndefined();
		expect(call_.status).toBe(status);
		expect(Object.keys(call_.body as object)).toEqual(['error']);
		expect((call_.body as { error: string }).error).toMatch(message);
		expect(call_.logs).toEqual([{ level: 'warn', message: expect.stringContaining(`rejected a request with ${status}`) }]);
		const said = JSON.stringify([call_.body, call_.logs]);
		for (const secret of SECRETS) expect(said).not.toContain(secret);
		expect(said).not.toContain('BestApp-tenant');
	});
});

// An activation as n8n makes it; each test's credential is its own, so no cached read is shared.
let hookCredentials = 0;
const HOOK_BASICS = {
	getNode: () => ({ name: 'Untis Platform Trigger', credentials: { untisPlatformApi: { id: `hook-${++hookCredentials}`, name: 'Untis' } } }),
	getWorkflow: () => ({ id: 'hook-workflow' }),
	getMode: () => 'trigger',
};

describe('configuration problems', () => {
	it('a broken credential answers 500 without starting anything or naming the key text', async () => {
		const { result, status, body, logs } = await call(signedRequest(deactivationPayload()), {
			credential: customCredential({ publicKeys: 'garbage' }),
		});
		expect(result).toEqual({ noWebhookResponse: true });
		expect(status).toBe(500);
		expect(body).toEqual({ error: 'Untis Platform Trigger is misconfigured; see the n8n log' });
		expect(logs[0]).toEqual({ level: 'error', message: expect.stringMatching(/Public key #1 is neither PEM nor bare base64/) });
	});

	it('sealing without a valid Encryption Key fails activation with a fix', async () => {
		const hook = {
			getCredentials: async () => customCredential({ encryptionKey: 'too short' }),
			getNodeParameter: (name: string, fallback: unknown) => (name === 'secrets' ? 'seal' : fallback),
			...HOOK_BASICS,
		} as unknown as IHookFunctions;
		await expect(trigger.webhookMethods.default.create.call(hook)).rejects.toThrow(
			/The Encryption Key is not 32 bytes of base64 or hex.*openssl rand -base64 32/,
		);
	});

	it('invalid keys fail activation with the key named', async () => {
		const hook = {
			getCredentials: async () => customCredential({ publicKeys: `${platform.spki}\n\nnot-a-key` }),
			getNodeParameter: (_name: string, fallback: unknown) => fallback,
			...HOOK_BASICS,
		} as unknown as IHookFunctions;
		await expect(trigger.webhookMethods.default.create.call(hook)).rejects.toThrow(/^Public key #2 is neither PEM nor bare base64/);
	});

	it('a valid configuration activates', async () => {
		const hook = {
			getCredentials: async () => customCredential(),
			getNodeParameter: (_name: string, fallback: unknown) => fallback,
			...HOOK_BASICS,
		} as unknown as IHookFunctions;
		await expect(trigger.webhookMethods.default.create.call(hook)).resolves.toBe(true);
		await expect(trigger.webhookMethods.default.checkExists.call(hook)).resolves.toBe(false);
		await expect(trigger.webhookMethods.default.delete.call(hook)).resolves.toBe(true);
	});
});

describe('the credential Test button', () => {
	const test = (data: object) =>
		trigger.methods.credentialTest.untisPlatformApiTest.call({} as ICredentialTestFunctions, {
			id: '1',
			name: 'Untis',
			type: 'untisPlatformApi',
			data: data as never,
		});

	it('reports the keys that parsed', async () => {
		await expect(test({ environment: 'production', publicKeys: '', encryptionKey: ENCRYPTION_KEY })).resolves.toEqual({
			status: 'OK',
			message: `1 public key parsed: production (RSA-2048). The encryption key is valid; sealing keys: ${sealerFor(ENCRYPTION_KEY).keyId} (current). The form's check and API calls go to https://api.webuntis.com, the production default.`,
		});
	});

	it('names the key that failed', async () => {
		await expect(test({ environment: 'custom', publicKeys: `${platform.spki}\n\nAAAA`, encryptionKey: ENCRYPTION_KEY })).resolves.toEqual({
			status: 'Error',
			message:
				"1 of 2 custom public keys parsed: custom #1 (RSA-2048). Public key #2 is not an RSA SubjectPublicKeyInfo. Fix the credential's Public Keys field",
		});
	});
});
