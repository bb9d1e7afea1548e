import fc from 'fast-check';

import { buildKeyRing } from '../../nodes/UntisPlatform/core/webhook/keys';
import { Rejection } from '../../nodes/UntisPlatform/core/webhook/rejections';
import { isStrictBase64, verifySignature, type SignedRequest, type Verified } from '../../nodes/UntisPlatform/core/webhook/signature';
import { createdPayload, keyPair, signBody, signedRequest } from '../helpers/platform.cjs';

const platform = keyPair('platform');
const other = keyPair('other');
const customRing = (...spkis: string[]) =>
	buildKeyRing({ environment: 'custom', publicKeys: spkis.join('\n\n') });

function request(fixture = signedRequest(createdPayload())): SignedRequest {
	return {
		body: fixture.body,
		authorization: fixture.headers.authorization,
		algorithm: fixture.headers.algorithm,
	};
}

/** A rejection is returned, never thrown: the forged-request path has no exceptions. */
function rejectionOf(fn: () => unknown): Rejection {
	const result = fn();
	if (result instanceof Rejection) return result;
	throw new Error('expected a Rejection, but the request was accepted');
}

function accepted(...args: Parameters<typeof verifySignature>): Verified {
	const result = verifySignature(...args);
	if (result instanceof Rejection) throw new Error(`expected acceptance, got ${result}`);
	return result;
}

describe('verifySignature: RSASSA-PKCS1-v1_5 over the raw body bytes', () => {
	it('accepts a body signed with SHA256withRSA and names the matching key', () => {
		expect(accepted(request(), customRing(platform.spki))).toEqual({
			algorithm: 'SHA256withRSA',
			key: 'custom #1',
		});
	});

	it('tries every key: a rotated key standing last still matches', () => {
		const ring = customRing(other.spki, keyPair('third').spki, platform.spki);
		expect(accepted(request(), ring).key).toBe('custom #3');
	});

	it('reports a published preset key by its environment label', () => {
		const ring = buildKeyRing({ environment: 'production', publicKeys: platform.spki });
		expect(ring.map((key) => key.label)).toEqual(['production', 'custom #1']);
		expect(accepted(request(), ring).key).toBe('custom #1');
	});

	it('compares the Algorithm header case-insensitively and reports the canonical name', () => {
		const fixture = signedRequest(createdPayload());
		const result = accepted(
			{ ...request(fixture), algorithm: 'sha256WITHrsa' },
			customRing(platform.spki),
		);
		expect(result.algorithm).toBe('SHA256withRSA');
	});

	it('accepts SHA384withRSA and SHA512withRSA only when enabled', () => {
		const ring = customRing(platform.spki);
		for (const algorithm of ['SHA384withRSA', 'SHA512withRSA'] as const) {
			const req = request(signedRequest(createdPayload(), platform, algorithm));
			expect(rejectionOf(() => verifySignature(req, ring)).code).toBe('algorithm_not_allowed');
			expect(accepted(req, ring, ['SHA256withRSA', algorithm]).algorithm).toBe(algorithm);
		}
	});

	it('accepts a 4096-bit key next to 2048-bit ones', () => {
		const big = keyPair('big', 4096);
		const ring = customRing(platform.spki, big.spki);
		expect(accepted(request(signedRequest(createdPayload(), big)), ring).key).toBe('custom #2');
	});
});

describe('verifySignature: every rejection names its reason', () => {
	const ring = customRing(platform.spki);
	const cases: Array<[string, Partial<SignedRequest>, string, RegExp]> = [
		['no Authorization header', { authorization: undefined }, 'missing_signature', /Missing Authorization header/],
		['an empty Authorization header', { authorization: '  ' }, 'missing_signature', /Missing Authorization/],
		['no Algorithm header', { algorithm: undefined }, 'missing_algorithm', /Missing Algorithm header/],
		['Authorization sent twice', { authorization: ['a', 'b'] }, 'duplicate_header', /sent 2 times/],
		['Algorithm sent twice', { algorithm: ['SHA256withRSA', 'SHA256withRSA'] }, 'duplicate_header', /Algorithm header was sent 2 times/],
		['SHA1withRSA', { algorithm: 'SHA1withRSA' }, 'algorithm_not_allowed', /^Algorithm header 'SHA1withRSA' is not allowed \(allowed: SHA256withRSA\)$/],
		['MD5withRSA', { algorithm: 'MD5withRSA' }, 'algorithm_not_allowed', /not allowed/],
		['NONEwithRSA', { algorithm: 'NONEwithRSA' }, 'algorithm_not_allowed', /not allowed/],
		['an OpenSSL digest name', { algorithm: 'sha256' }, 'algorithm_not_allowed', /not allowed/],
		['a joined duplicate', { algorithm: 'SHA256withRSA, SHA256withRSA' }, 'algorithm_not_allowed', /not allowed/],
		['a Bearer prefix', { authorization: 'Bearer abc=' }, 'bad_signature_encoding', /without a 'Bearer' prefix/],
		['a Basic prefix', { authorization: 'Basic dXNlcjpwYXNz' }, 'bad_signature_encoding', /without a 'Basic' prefix/],
		['junk', { authorization: 'not a signature!' }, 'bad_signature_encoding', /not strict base64/],
		['base64url', { authorization: '-_-_' }, 'bad_signature_encoding', /not strict base64/],
		['missing padding', { authorization: 'YWJj' + 'ZA' }, 'bad_signature_encoding', /not strict base64/],
		['a too short signature', { authorization: Buffer.alloc(255, 1).toString('base64') }, 'bad_signature_encoding', /decodes to 255 bytes; .* has 256/],
		['a too long signature', { authorization: Buffer.alloc(257, 1).toString('base64') }, 'bad_signature_encoding', /decodes to 257 bytes/],
		['an oversized header', { authorization: 'A'.repeat(10000) }, 'bad_signature_encoding', /not strict base64/],
		['a zero signature', { authorization: Buffer.alloc(256).toString('base64') }, 'signature_mismatch', /does not match/],
	];
	it.each(cases)('rejects %s', (_name, change, code, message) => {
		const rejection = rejectionOf(() => verifySignature({ ...request(), ...change }, ring));
		expect(rejection.code).toBe(code);
		expect(rejection.status).toBe(401);
		expect(rejection.message).toMatch(message);
	});

	it('rejects non-canonical base64 (padding bits set)', () => {
		const good = request().authorization as string;
		// 256 bytes encode to 344 chars ending in '=='; the last data char carries 4 padding bits.
		const last = good[good.length - 3];
		const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
		const tweaked = alphabet[alphabet.indexOf(last) ^ 1];
		const mangled = `${good.slice(0, -3)}${tweaked}==`;
		expect(rejectionOf(() => verifySignature({ ...request(), authorization: mangled }, ring)).message).toMatch(
			/not canonical base64/,
		);
	});

	it('rejects a body changed by one byte', () => {
		const req = request();
		const body = Buffer.from(req.body);
		body[10] ^= 1;
		expect(rejectionOf(() => verifySignature({ ...req, body }, ring)).code).toBe('signature_mismatch');
	});

	it('rejects the same JSON re-serialised with other whitespace', () => {
		const req = request();
		const reserialised = Buffer.from(JSON.stringify(JSON.parse(req.body.toString()), null, 1));
		const rejection = rejectionOf(() => verifySignature({ ...req, body: reserialised }, ring));
		expect(rejection.code).toBe('signature_mismatch');
		// The usual cause behind a reverse proxy: the message points there too.
		expect(rejection.message).toMatch(/no proxy in front of n8n changes the body \(re-encoded JSON/);
	});

	it('a missing signature header names a proxy that strips it as a likely cause', () => {
		const without = rejectionOf(() => verifySignature({ ...request(), authorization: undefined }, ring));
		expect(without.message).toMatch(/a proxy in front of n8n removed it \(pass Authorization through unchanged\)$/);
		const noAlgorithm = rejectionOf(() => verifySignature({ ...request(), algorithm: undefined }, ring));
		expect(noAlgorithm.message).toMatch(/pass Algorithm through unchanged\)$/);
	});

	it('rejects a signature made with a key that is not configured', () => {
		const req = request(signedRequest(createdPayload(), other));
		const rejection = rejectionOf(() => verifySignature(req, ring));
		expect(rejection.code).toBe('signature_mismatch');
		expect(rejection.message).toMatch(/any of the 1 configured public key/);
	});

	it('rejects a signature over the body with a different digest than the header claims', () => {
		const req = request();
		const sha512 = signBody(req.body, platform.privateKey, 'sha512');
		const rejection = rejectionOf(() =>
			verifySignature({ ...req, authorization: sha512 }, ring, ['SHA256withRSA', 'SHA512withRSA']),
		);
		expect(rejection.code).toBe('signature_mismatch');
	});

	it('quotes a hostile Algorithm header only shortened and printable', () => {
		const hostile = `SHA1withRSA\u0000\u001b[31m${'x'.repeat(200)}`;
		const message = rejectionOf(() => verifySignature({ ...request(), algorithm: hostile }, ring)).message;
		expect(message).not.toContain('\u0000');
		expect(message).not.toContain('\u001b');
		expect(message.length).toBeLessThan(120);
	});
});

describe('isStrictBase64: the Authorization alphabet check', () => {
	const STRICT_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
	const chars = fc.constantFrom(...'AZaz09+/=-_ .\n\u00e4\u{1F600}'.split(''), 'Q', 'w', '=');

	it('agrees with /^[A-Za-z0-9+/]+={0,2}$/ on arbitrary strings', () => {
		fc.assert(
			fc.property(fc.oneof(fc.string({ unit: chars, maxLength: 12 }), fc.string(), fc.base64String()), (text) => {
				expect(isStrictBase64(text)).toBe(STRICT_BASE64.test(text));
			}),
			{ numRuns: 20_000 },
		);
	});

	it.each([
		['', false], ['=', false], ['==', false], ['A', true], ['A=', true], ['A==', true], ['A===', false],
		['A=A=', false], ['AB+/', true], ['AB-_', false], ['AB\n', false], ['\u00c4BCD', false],
	])('%j is %s', (text, strict) => expect(isStrictBase64(text)).toBe(strict));
});
