import { KeyObject } from 'node:crypto';

import fc from 'fast-check';
import type { IHookFunctions } from 'n8n-workflow';

// The built node, exactly as n8n loads it from dist/.
import { UntisPlatformTrigger } from '../../dist/nodes/UntisPlatform/UntisPlatformTrigger.node';
import { sealerFor } from '../../nodes/UntisPlatform/core/sealing/sealing';
import {
	createdPayload,
	deactivationPayload,
	ENCRYPTION_KEY,
	keyPair,
	signBody,
	signedRequest,
	withHeaders,
	type SignedRequestFixture,
} from '../helpers/platform.cjs';
import { callWebhook, customCredential, type WebhookCall } from '../helpers/webhookContext.cjs';

/*
 * Property-based tests of the one promise the trigger makes: a request is accepted only when the
 * platform's key signed exactly these bytes, and every genuine request is accepted whole.
 *
 * Equivalences that are accepted on purpose, and so are not counted as mutations: surrounding
 * whitespace of a header value (HTTP strips it before n8n sees it), the case of the Algorithm
 * value (SHA256withRSA names one algorithm however it is cased), and the case of header names
 * (Node lower-cases them).
 */

const trigger = new UntisPlatformTrigger();
const platform = keyPair();
const strangers = [keyPair('stranger-1'), keyPair('stranger-2'), keyPair('stranger-3', 3072)];
const MUTATION_RUNS = Number(process.env.FUZZ_RUNS ?? 100_000);

const call = (request: SignedRequestFixture, parameters = {}) =>
	callWebhook(trigger, request, { parameters: { secrets: 'seal', options: {}, ...parameters } });

const genuine = [
	signedRequest(createdPayload(), platform),
	signedRequest(deactivationPayload(), platform),
	signedRequest(createdPayload({ eventType: 'RESET', notes: 'ü'.repeat(300) }), platform),
];

type Mutation = { name: string; apply(request: SignedRequestFixture): { request: SignedRequestFixture; parameters?: object } };

/** After an earlier mutation the header may be gone or an array; mutate what is there. */
const authorizationOf = (request: SignedRequestFixture) => String(request.headers.authorization ?? '');
const resign = (request: SignedRequestFixture, privateKey: KeyObject, digest = 'sha256') =>
	withHeaders(request, { authorization: signBody(request.body, privateKey, digest) });

/** Changes made to the request as it is; each one really changes it. */
const local: fc.Arbitrary<Mutation> = fc.oneof(
	// Body bytes: flipped, inserted, removed, truncated, appended.
	fc.record({ at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }).map(({ at, mask }) => ({
		name: `body byte flipped (xor ${mask})`,
		apply: (r: SignedRequestFixture) => {
			const body = Buffer.from(r.body);
			body[at % body.length] ^= mask;
			return { request: { body, headers: r.headers } };
		},
	})),
	fc.record({ at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }).map(({ at, bytes }) => ({
		name: `${bytes.length} body byte(s) inserted`,
		apply: (r: SignedRequestFixture) => {
			const i = at % (r.body.length + 1);
			return { request: { body: Buffer.concat([r.body.subarray(0, i), bytes, r.body.subarray(i)]), headers: r.headers } };
		},
	})),
	fc.record({ at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }).map(({ at, count }) => ({
		name: `${count} body byte(s) removed`,
		apply: (r: SignedRequestFixture) => {
			const i = at % r.body.length;
			return { request: { body: Buffer.concat([r.body.subarray(0, i), r.body.subarray(i + count)]), headers: r.headers } };
		},
	})),
	fc.constantFrom(' ', '\n', '\r\n', '\t', '{}', '\u0000').map((tail) => ({
		name: `body with ${JSON.stringify(tail)} appended (same JSON, other bytes)`,
		apply: (r: SignedRequestFixture) => ({ request: { body: Buffer.concat([r.body, Buffer.from(tail)]), headers: r.headers } }),
	})),
	// Signature bits flipped inside the decoded signature, re-encoded as valid base64.
	fc.record({ at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }).map(({ at, bit }) => ({
		name: `signature bit ${bit} flipped`,
		apply: (r: SignedRequestFixture) => {
			const signature = Buffer.from(authorizationOf(r), 'base64');
			signature[at % signature.length] ^= 1 << bit;
			return { request: withHeaders(r, { authorization: signature.toString('base64') }) };
		},
	})),
	// Signature characters: re-cased (base64 is case-sensitive), replaced, padded inside or at the end.
	fc.nat().map((at) => ({
		name: 'one signature letter re-cased',
		apply: (r: SignedRequestFixture) => {
			const value = authorizationOf(r);
			const letters = [...value].flatMap((c, i) => (/[a-z]/i.test(c) ? [i] : []));
			if (letters.length === 0) return { request: withHeaders(r, { authorization: `${value}a` }) };
			const i = letters[at % letters.length];
			const c = value[i];
			const swapped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
			return { request: withHeaders(r, { authorization: value.slice(0, i) + swapped + value.slice(i + 1) }) };
		},
	})),
	fc
		.record({ at: fc.nat(), pad: fc.constantFrom(' ', '\t', '=', '==', 'A', 'AAAA', '\u00a0', '.', '-', '_') })
		.map(({ at, pad }) => ({
			name: `signature padded with ${JSON.stringify(pad)} inside or at the end`,
			apply: (r: SignedRequestFixture) => {
				const value = authorizationOf(r);
				// Whitespace only strictly inside: HTTP strips it around a value, so there it changes nothing.
				const room = /^\s+$/.test(pad) ? value.length - 1 : value.length;
				const i = 1 + (at % Math.max(room, 1));
				return { request: withHeaders(r, { authorization: value.slice(0, i) + pad + value.slice(i) }) };
			},
		})),
	fc.constantFrom(
		(s: string) => `Bearer ${s}`,
		(s: string) => `RSA ${s}`,
		(s: string) => s.replace(/=+$/, ''),
		(s: string) => Buffer.from(s, 'base64').toString('base64url'),
		(s: string) => Buffer.concat([Buffer.alloc(1), Buffer.from(s, 'base64')]).toString('base64'),
		(s: string) => Buffer.from(s, 'base64').subarray(1).toString('base64'),
		(s: string) => Buffer.from(s, 'base64').toString('hex'),
		(s: string) => `${s},${s}`,
		(s: string) => `${s}, ${s}`,
	).map((change) => ({
		name: `signature re-encoded: ${change('QUJD')}`,
		apply: (r: SignedRequestFixture) => ({ request: withHeaders(r, { authorization: change(authorizationOf(r)) }) }),
	})),
	fc.string({ maxLength: 400 }).map((value) => ({
		name: 'signature replaced by an arbitrary string',
		apply: (r: SignedRequestFixture) => ({ request: withHeaders(r, { authorization: value }) }),
	})),
	fc.uint8Array({ minLength: 256, maxLength: 256 }).map((bytes) => ({
		name: 'signature replaced by 256 random bytes',
		apply: (r: SignedRequestFixture) => ({ request: withHeaders(r, { authorization: Buffer.from(bytes).toString('base64') }) }),
	})),
	// Headers removed, duplicated (as Node hands duplicates of unknown headers: an array or joined).
	fc.constantFrom('authorization', 'algorithm').map((name) => ({
		name: `${name} header removed`,
		apply: (r: SignedRequestFixture) => ({ request: withHeaders(r, { [name]: undefined }) }),
	})),
	fc.constantFrom('array', 'joined').chain((shape) =>
		fc.constantFrom('authorization', 'algorithm').map((name) => ({
			name: `${name} header duplicated (${shape})`,
			apply: (r: SignedRequestFixture) => {
				const value = r.headers[name] as string;
				return { request: withHeaders(r, { [name]: shape === 'array' ? [value, value] : `${value}, ${value}` }) };
			},
		})),
	),
	// Algorithm changed: names outside the allow-list, or an allowed one that does not match.
	fc
		.oneof(
			fc.constantFrom('SHA1withRSA', 'MD5withRSA', 'none', 'RS256', 'SHA256withECDSA', 'SHA256withRSA/PSS', 'SHA256', 'SHA-256withRSA', 'SHA256 withRSA', 'SHA256withRSA;', 'SHA384withRSA', 'SHA512withRSA'),
			fc.string({ maxLength: 40 }).filter((s) => s.trim().toLowerCase() !== 'sha256withrsa'),
		)
		.map((algorithm) => ({
			name: `Algorithm header '${algorithm}'`,
			apply: (r: SignedRequestFixture) => ({ request: withHeaders(r, { algorithm }) }),
		})),
);

/**
 * Changes that re-sign the body or widen the allow-list. Two of them can make a genuinely valid
 * request (signed with SHA-512 and SHA512withRSA allowed), so they are never composed.
 */
const global: fc.Arbitrary<Mutation> = fc.oneof(
	fc.constantFrom('SHA384withRSA', 'SHA512withRSA').map((algorithm) => ({
		name: `Algorithm ${algorithm} allowed and claimed, body signed with SHA-256`,
		apply: (r: SignedRequestFixture) => ({
			request: withHeaders(r, { algorithm }),
			parameters: { options: { additionalAlgorithms: ['SHA384withRSA', 'SHA512withRSA'] } },
		}),
	})),
	// Right bytes, wrong key: another RSA key (same or other size) signed them.
	fc.constantFrom(...strangers).map((stranger) => ({
		name: `signed by a key that is not configured (${stranger.privateKey.asymmetricKeyDetails?.modulusLength} bits)`,
		apply: (r: SignedRequestFixture) => ({ request: resign(r, stranger.privateKey) }),
	})),
	fc.constantFrom('sha1', 'sha384', 'sha512').map((digest) => ({
		name: `signed by the platform key with ${digest} but sent as SHA256withRSA`,
		apply: (r: SignedRequestFixture) => ({ request: resign(r, platform.privateKey, digest) }),
	})),
);

/** Every kind of change an attacker or a broken proxy can make, alone or followed by a local one. */
const mutated = fc.record({
	base: fc.nat({ max: genuine.length - 1 }),
	first: fc.oneof({ arbitrary: local, weight: 5 }, { arbitrary: global, weight: 1 }),
	second: fc.option(local, { freq: 4 }),
});

const sameRequest = (a: SignedRequestFixture, b: SignedRequestFixture) =>
	a.body.equals(b.body) && JSON.stringify(a.headers) === JSON.stringify(b.headers);

function expectRejected(call: WebhookCall, what: string) {
	const problem =
		call.outputs !== undefined
			? 'started the workflow'
			: call.status !== 400 && call.status !== 401
				? `answered ${call.status}`
				: typeof (call.body as { error?: unknown })?.error !== 'string'
					? 'answered without a JSON error'
					: call.result.noWebhookResponse !== true
						? 'let n8n answer too'
						: undefined;
	if (problem) throw new Error(`${what}: ${problem} (${JSON.stringify(call.body)})`);
}

describe('verification under mutation (fast-check)', () => {
	it('every genuine base request is accepted as it is', async () => {
		for (const request of genuine) expect((await call(request)).outputs).toBeDefined();
	});

	it(`none of ${MUTATION_RUNS.toLocaleString('en')} mutated requests is accepted, none throws, each is a 400/401 with a JSON error`, async () => {
		let runs = 0;
		const seen = new Map<string, number>();
		await fc.assert(
			fc.asyncProperty(mutated, async ({ base, first, second }) => {
				let step = first.apply(genuine[base]);
				let what = first.name;
				if (second !== null) {
					const next = second.apply(step.request);
					step = { request: next.request, parameters: { ...step.parameters, ...next.parameters } };
					what += ` + ${second.name}`;
				}
				// Two mutations may in theory cancel out (the same bit flipped twice): that is no mutation.
				fc.pre(!sameRequest(step.request, genuine[base]));
				runs++;
				const kind = first.name.replace(/\d+/g, 'N').replace(/'.*'|".*"|\(.*\)|:.*$/g, '…').trim();
				seen.set(kind, (seen.get(kind) ?? 0) + 1);
				let result: WebhookCall;
				try {
					result = await call(step.request, step.parameters);
				} catch (error) {
					throw new Error(`${what}: webhook() threw ${(error as Error).message}`);
				}
				expectRejected(result, what);
			}),
			{ numRuns: MUTATION_RUNS },
		);
		expect(runs).toBeGreaterThanOrEqual(MUTATION_RUNS);
		// Every family of mutation was exercised, not just the cheap ones.
		expect(seen.size).toBeGreaterThanOrEqual(15);
		console.log(`mutations: ${runs} runs, none accepted; per kind: ${JSON.stringify(Object.fromEntries(seen))}`);
	}, 600_000);
});

/* ---------------------------------------------------------------------------------------------- */

const RESERVED = new Set([
	// Output contract fields win a clash, and prototype keys are refused on purpose: not "arbitrary extras".
	'event', 'eventType', 'type', 'tenantId', 'tenantStatus', 'deliveryId', 'receivedAt', 'verification',
	'secrets', 'payload', 'specVersion', 'extra', 'clientId', 'secret', 'password', 'host', 'country',
	'region', 'language', 'activatorEmail', 'activatorUsername', 'schoolEmail', 'schoolPhoneNumber',
	'schoolName', 'reasonType', 'reasonText', '__proto__', 'constructor', 'prototype',
]);

const text = fc.string({ unit: 'binary', maxLength: 60 });
const nonBlank = text.filter((s) => s.trim() !== '');
const optional = fc.option(text, { nil: undefined });
const extras = fc.dictionary(
	fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).filter((k) => !RESERVED.has(k)),
	// A nested prototype key is refused on purpose too (400), so it is no valid payload.
	fc.jsonValue({ maxDepth: 3 }).filter((value) => !/"(__proto__|constructor|prototype)":/.test(JSON.stringify(value))),
	{ maxKeys: 6 },
);

const credentialsBody = fc.record({
	tenantId: nonBlank,
	eventType: fc.constantFrom('CREATED', 'REACTIVATED', 'RESET', 'created', ' Reset '),
	clientId: nonBlank,
	secret: nonBlank,
	password: nonBlank,
	host: nonBlank,
	country: optional,
	region: optional,
	language: optional,
	activatorEmail: optional,
	activatorUsername: optional,
	schoolEmail: optional,
	schoolPhoneNumber: optional,
});
const deactivationBody = fc.record({
	tenantId: nonBlank,
	eventType: fc.constantFrom('DEACTIVATION', 'DELETION'),
	reasonType: optional,
	reasonText: optional,
});

/** Arbitrary field order and whitespace: the platform's bytes are whatever its JSON writer makes. */
const genuinePayload = fc
	.record({
		fields: fc.oneof(credentialsBody, deactivationBody),
		extra: extras,
		order: fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
		indent: fc.constantFrom(0, 1, 2, 4, '\t', ' \n'),
		around: fc.constantFrom(['', ''], [' ', '\n'], ['\n\t', '\r\n'], ['', ' ']),
		secrets: fc.constantFrom('seal', 'plain'),
	})
	.map(({ fields, extra, order, indent, around, secrets }) => {
		const entries = Object.entries({ ...fields, ...extra }).filter(([, value]) => value !== undefined);
		const sorted = entries.map((entry, i) => ({ entry, rank: order[i % order.length] + i / 100 })).sort((a, b) => a.rank - b.rank);
		const json = JSON.stringify(Object.fromEntries(sorted.map((s) => s.entry)), null, indent);
		return { body: around[0] + json + around[1], secrets };
	});

describe('genuine requests from arbitrary valid payloads (fast-check)', () => {
	const sealer = sealerFor(ENCRYPTION_KEY);

	it('each is accepted on the right output and keeps every field it was sent', async () => {
		let runs = 0;
		await fc.assert(
			fc.asyncProperty(genuinePayload, async ({ body, secrets }) => {
				runs++;
				const request = signedRequest(body, platform);
				const result = await callWebhook(trigger, request, {
					credential: customCredential(),
					parameters: { secrets, options: { includePayload: true } },
				});
				expect(result.status).toBeUndefined();
				const sent = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
				const isCredentials = 'clientId' in sent;
				const item = result.outputs![isCredentials ? 0 : 1][0] as Record<string, unknown>;
				expect(result.outputs![isCredentials ? 1 : 0]).toEqual([]);

				// Sealed values are bound to the item's tenantId (the body's, as a string) and field.
				const open = (value: unknown, field: string) =>
					secrets === 'seal' && typeof value === 'string'
						? sealer.unseal(value, { tenantId: item.tenantId as string, field })
						: value;
				for (const [field, value] of Object.entries(sent)) {
					if (field === 'eventType') expect(item.eventType).toBe((value as string).trim().toUpperCase());
					else if (field === 'secret' || field === 'password') expect(open(item[field], field)).toBe(value);
					else expect(item[field]).toEqual(value);
				}
				// The raw payload option keeps the body's own view too (secrets per the Secrets setting).
				const payload = item.payload as Record<string, unknown>;
				expect(Object.keys(payload)).toEqual(Object.keys(sent));
				if (isCredentials) expect(open(payload.password, 'password')).toBe(sent.password);
			}),
			{ numRuns: Number(process.env.FUZZ_GENUINE_RUNS ?? 1_000) },
		);
		expect(runs).toBeGreaterThanOrEqual(Number(process.env.FUZZ_GENUINE_RUNS ?? 1_000));
	}, 600_000);
});

/*
 * Key rotation with the credential cache (README, "Credential changes"): an added key verifies on
 * the next request, a removed key stops within 60 s, a flood reads the credential at most once a
 * second. Same trigger instance, same workflow and credential id: only the credential's value
 * changes, as when a user edits it in n8n. Time is jest's fake clock: nothing waits.
 */
describe('key rotation with the credential cache', () => {
	const oldKey = keyPair('rotation-old');
	const newKey = keyPair('rotation-new');
	const byOld = signedRequest(createdPayload(), oldKey);
	const byNew = signedRequest(createdPayload(), newKey);
	const forged = withHeaders(signedRequest(createdPayload(), oldKey), {
		authorization: signBody(Buffer.from('other bytes'), oldKey.privateKey),
	});
	let workflows = 0;

	/** One published trigger whose credential the test edits; counts n8n's credential reads. */
	function published() {
		const state = { credential: customCredential({ publicKeys: oldKey.spki }), reads: 0 };
		const workflowId = `rotation-${++workflows}`;
		const send = (request: SignedRequestFixture) =>
			callWebhook(trigger, request, {
				workflowId,
				credentialId: 'rotation-credential',
				readCredential: async () => {
					state.reads++;
					return state.credential;
				},
			});
		return { state, send };
	}

	beforeEach(() => jest.useFakeTimers({ now: new Date('2026-11-26T12:00:00Z'), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }));
	afterEach(() => jest.useRealTimers());

	it('an added key verifies on the next request (one re-read), without a restart', async () => {
		const { state, send } = published();
		expect((await send(byOld)).outputs).toBeDefined();
		expect((await send(byNew)).status).toBe(401);
		expect(state.reads).toBe(1); // within a second of the first read: no re-read yet
		jest.advanceTimersByTime(1_000);
		state.credential = customCredential({ publicKeys: `${oldKey.spki}\n\n${newKey.spki}` });
		const call = await send(byNew);
		expect(call.outputs?.[0][0]).toMatchObject({ verification: { key: 'custom #2' } });
		expect(state.reads).toBe(2);
		// Both keys now verify from the cache.
		expect((await send(byOld)).outputs).toBeDefined();
		expect((await send(byNew)).outputs).toBeDefined();
		expect(state.reads).toBe(2);
	});

	it('a removed key keeps verifying for at most 60 s, then stops', async () => {
		const { state, send } = published();
		state.credential = customCredential({ publicKeys: `${oldKey.spki}\n\n${newKey.spki}` });
		expect((await send(byOld)).outputs).toBeDefined();
		state.credential = customCredential({ publicKeys: newKey.spki });
		jest.advanceTimersByTime(59_999);
		expect((await send(byOld)).outputs).toBeDefined(); // the cached read, 59.999 s old
		jest.advanceTimersByTime(1);
		const after = await send(byOld);
		expect(after.status).toBe(401);
		expect(after.outputs).toBeUndefined();
		expect((await send(byNew)).outputs).toBeDefined();
		expect(state.reads).toBe(2);
	});

	it('a changed Encryption Key seals with the new key within 60 s', async () => {
		const { state, send } = published();
		const sealedBy = async () => ((await send(byOld)).outputs![0][0].secret as string).split(':')[2];
		const before = await sealedBy();
		state.credential = customCredential({ publicKeys: oldKey.spki, encryptionKey: Buffer.alloc(32, 9).toString('base64') });
		expect(sealerFor(state.credential.encryptionKey as string).keyId).not.toBe(before);
		jest.advanceTimersByTime(59_000);
		expect(await sealedBy()).toBe(before);
		jest.advanceTimersByTime(1_000);
		expect(await sealedBy()).not.toBe(before);
	});

	it('a flood of forged requests reads the credential at most once per second', async () => {
		const { state, send } = published();
		await send(byOld);
		// 50 forged requests per simulated second for 10 seconds, some concurrent.
		for (let tick = 0; tick < 100; tick++) {
			jest.advanceTimersByTime(100);
			const calls = await Promise.all(Array.from({ length: 5 }, () => send(forged)));
			for (const call of calls) {
				expect(call.status).toBe(401);
				expect(call.outputs).toBeUndefined();
			}
		}
		// The first read, then at most one per second of the flood.
		expect(state.reads).toBeLessThanOrEqual(1 + 10);
		expect(state.reads).toBeGreaterThanOrEqual(2);
	});

	it('two workflows with the same credential id never share a read', async () => {
		const first = published();
		const second = published();
		second.state.credential = customCredential({ publicKeys: newKey.spki });
		expect((await first.send(byOld)).outputs).toBeDefined();
		expect((await second.send(byOld)).status).toBe(401);
		expect((await second.send(byNew)).outputs).toBeDefined();
		expect(first.state.reads).toBe(1);
	});

	it('the Test URL (manual mode) reads the credential on every request', async () => {
		let reads = 0;
		const credential = customCredential({ publicKeys: oldKey.spki });
		for (let i = 0; i < 3; i++) {
			await callWebhook(trigger, byOld, {
				mode: 'manual',
				credentialId: 'rotation-credential',
				readCredential: async () => {
					reads++;
					return credential;
				},
			});
		}
		expect(reads).toBe(3);
	});

	it('activating the workflow again applies a changed credential at once', async () => {
		const { state, send } = published();
		expect((await send(byOld)).outputs).toBeDefined();
		state.credential = customCredential({ publicKeys: newKey.spki });
		const hook = {
			getCredentials: async () => state.credential,
			getNodeParameter: (_name: string, fallback: unknown) => fallback,
			getNode: () => ({ name: 'Untis Platform Trigger', credentials: { untisPlatformApi: { id: 'rotation-credential', name: 'Untis' } } }),
			getWorkflow: () => ({ id: `rotation-${workflows}` }),
			getMode: () => 'trigger',
		} as unknown as IHookFunctions;
		await trigger.webhookMethods.default.create.call(hook);
		expect((await send(byOld)).status).toBe(401);
		expect(state.reads).toBe(1);
	});
});
