import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/**
 * Plays the Untis Platform: RSA key pairs made fresh for the tests (Untis publishes no test
 * vector) and requests signed exactly the way the platform signs them.
 */
export interface PlatformKeyPair {
	privateKey: KeyObject;
	publicKey: KeyObject;
	/** Bare base64 SPKI, the form Untis publishes. */
	spki: string;
	/** PEM, `BEGIN PUBLIC KEY`. */
	pem: string;
	/** PKCS#1 PEM, `BEGIN RSA PUBLIC KEY`. */
	pkcs1Pem: string;
}

const pairs = new Map<string, PlatformKeyPair>();

/** One key pair per name and size, generated once per test file (RSA generation is slow). */
export function keyPair(name = 'platform', bits = 2048): PlatformKeyPair {
	const id = `${name}/${bits}`;
	let pair = pairs.get(id);
	if (!pair) {
		const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
		pair = {
			privateKey,
			publicKey,
			spki: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
			pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
			pkcs1Pem: publicKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
		};
		pairs.set(id, pair);
	}
	return pair;
}

export function signBody(body: Buffer | string, privateKey: KeyObject, digest = 'sha256'): string {
	return sign(digest, Buffer.from(body), privateKey).toString('base64');
}

export interface SignedRequestFixture {
	body: Buffer;
	headers: Record<string, string | string[]>;
}

/** A request as the platform sends it: the exact bytes, signed, with both headers. */
export function signedRequest(
	payload: object | string,
	pair: PlatformKeyPair = keyPair(),
	algorithm = 'SHA256withRSA',
): SignedRequestFixture {
	const body = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
	const digest = `sha${/(\d{3})/.exec(algorithm)?.[1] ?? '256'}`;
	return {
		body,
		headers: {
			'content-type': 'application/json; charset=utf-8',
			authorization: signBody(body, pair.privateKey, digest),
			algorithm,
		},
	};
}

/** The request with headers replaced, added, or (undefined) removed; the body unchanged. */
export function withHeaders(request: SignedRequestFixture, headers: Record<string, string | string[] | undefined>): SignedRequestFixture {
	const merged: Record<string, string | string[]> = { ...request.headers };
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined) delete merged[name];
		else merged[name] = value;
	}
	return { body: request.body, headers: merged };
}

/** The seed documents' example bodies, with distinct secrets to search for. */
export const createdPayload = (overrides: object = {}) => ({
	tenantId: '12345',
	clientId: 'BestApp-tenant-12345',
	secret: 'test-secret-8f2c',
	password: 'test-password-91ab',
	host: 'localhost',
	country: 'AT',
	region: 'AT-3',
	language: 'de',
	eventType: 'CREATED',
	activatorEmail: 'jane@doe.com',
	activatorUsername: 'Jane Doe',
	schoolEmail: 'school@entenhausen.com',
	schoolPhoneNumber: '555 / 123 456 789',
	...overrides,
});

export const v1Payload = (overrides: object = {}) => ({
	tenantId: '12345',
	clientId: 'BestApp-tenant-12345',
	secret: 'test-secret-v1',
	password: 'test-password-v1',
	host: 'localhost',
	country: 'AT',
	region: 'AT-3',
	language: 'de',
	schoolName: 'Example School',
	...overrides,
});

export const deactivationPayload = (overrides: object = {}) => ({
	tenantId: '12345',
	eventType: 'DEACTIVATION',
	reasonType: 'SCHOOL_DEACTIVATION',
	reasonText: 'The school deactivated the app',
	...overrides,
});

/**
 * The text of a genuine-looking deactivation body whose extra field `deep` holds nested arrays,
 * so that the whole body is `depth` levels deep (the platform itself sends depth 1).
 */
export const nestedPayload = (depth: number): string =>
	`${JSON.stringify(deactivationPayload()).slice(0, -1)},"deep":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

/** A valid encryption key for sealing (32 bytes, base64). */
export const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
