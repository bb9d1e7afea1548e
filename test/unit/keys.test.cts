import { generateKeyPairSync } from 'node:crypto';

import { checkCredential } from '../../nodes/UntisPlatform/core/webhook/credentialCheck';
import {
	buildKeyRing,
	KeyConfigError,
	keyRingFor,
	MAX_PUBLIC_KEYS_LENGTH,
	parsePublicKeys,
} from '../../nodes/UntisPlatform/core/webhook/keys';
import { PUBLISHED_KEYS } from '../../nodes/UntisPlatform/core/webhook/publishedKeys';
import { sealerFor } from '../../nodes/UntisPlatform/core/sealing/sealing';
import { ENCRYPTION_KEY, keyPair } from '../helpers/platform.cjs';

const a = keyPair('a');
const b = keyPair('b');

describe('the published Untis keys', () => {
	it('are RSA-2048 SubjectPublicKeyInfo and parse', () => {
		expect(buildKeyRing({ environment: 'production' }).map((key) => [key.label, key.signatureBytes])).toEqual([
			['production', 256],
		]);
	});

	it('integration carries both integration keys', () => {
		const ring = buildKeyRing({ environment: 'integration' });
		expect(ring).toHaveLength(2);
		expect(ring.map((key) => key.label)).toEqual(['integration', 'integration']);
		expect(PUBLISHED_KEYS.integration).toHaveLength(2);
	});

	it('presets and custom keys add up, presets first', () => {
		const ring = buildKeyRing({ environment: 'integration', publicKeys: a.spki });
		expect(ring.map((key) => key.label)).toEqual(['integration', 'integration', 'custom #1']);
	});
});

describe('parsePublicKeys: the Public Keys field', () => {
	it('reads bare base64, PEM and PKCS#1 PEM, separated by blank lines', () => {
		const text = [a.spki, b.pem, keyPair('c').pkcs1Pem].join('\n\n');
		const parsed = parsePublicKeys(text);
		expect(parsed.errors).toEqual([]);
		expect(parsed.keys.map((key) => key.label)).toEqual(['custom #1', 'custom #2', 'custom #3']);
	});

	it('reads a bare key wrapped over several lines, CRLF line ends and surrounding space', () => {
		const wrapped = a.spki.match(/.{1,64}/g)!.join('\r\n');
		expect(parsePublicKeys(`\r\n  ${wrapped}  \r\n\r\n\r\n${b.spki}\n`).keys).toHaveLength(2);
	});

	it('reads PEM blocks that follow each other without a blank line', () => {
		expect(parsePublicKeys(`${a.pem.trim()}\n${b.pem.trim()}`).keys).toHaveLength(2);
	});

	it('a PEM block without its END line is named as such; a complete block before it still parses', () => {
		const parsed = parsePublicKeys(`${a.pem.trim()}\n-----BEGIN PUBLIC KEY-----\nAAAA\n`);
		expect(parsed.keys).toHaveLength(1);
		expect(parsed.errors).toEqual(["Public key #2 is a 'PUBLIC KEY' PEM block without its '-----END PUBLIC KEY-----' line"]);
	});

	it('a PEM block on one line with a key around it: both are reported in order', () => {
		const parsed = parsePublicKeys(`${b.spki}\n\n${a.pem.trim()}`);
		expect(parsed.keys.map((key) => key.key.equals(b.publicKey) ? 'b' : 'a')).toEqual(['b', 'a']);
	});

	it(`text longer than ${MAX_PUBLIC_KEYS_LENGTH} characters is refused before it is parsed`, () => {
		const parsed = parsePublicKeys(`${a.spki}\n\n${' '.repeat(MAX_PUBLIC_KEYS_LENGTH)}`);
		expect(parsed.keys).toEqual([]);
		expect(parsed.errors).toEqual([
			`Public Keys holds ${a.spki.length + 2 + MAX_PUBLIC_KEYS_LENGTH} characters; at most ${MAX_PUBLIC_KEYS_LENGTH} are read (about twenty keys): paste only the keys`,
		]);
		expect(() => buildKeyRing({ environment: 'production', publicKeys: 'A'.repeat(MAX_PUBLIC_KEYS_LENGTH + 1) })).toThrow(
			/^Public Keys holds 65537 characters; at most 65536 are read/,
		);
	});

	it('an empty field has no keys and no errors', () => {
		expect(parsePublicKeys('  \n\n ')).toEqual({ keys: [], errors: [] });
	});

	const badCases: Array<[string, string, RegExp]> = [
		['junk', 'hello world', /^Public key #2 is neither PEM nor bare base64/],
		['base64 that is no key', Buffer.from('not a key').toString('base64'), /^Public key #2 is not an RSA SubjectPublicKeyInfo$/],
		['a private key', a.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /^Public key #2 is a PEM 'PRIVATE KEY' block/],
		['a certificate header', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', /PEM 'CERTIFICATE' block/],
		['a broken PEM', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', /PEM block that does not parse/],
		[
			'an EC key',
			generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
			/^Public key #2 is a ec key, not an RSA key$/,
		],
		[
			'an RSA-1024 key',
			generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
			/^Public key #2 is RSA-1024; at least RSA-2048 is required$/,
		],
	];
	it.each(badCases)('names the key that fails: %s', (_name, bad, message) => {
		const parsed = parsePublicKeys(`${a.spki}\n\n${bad}`);
		expect(parsed.keys).toHaveLength(1);
		expect(parsed.errors).toHaveLength(1);
		expect(parsed.errors[0]).toMatch(message);
	});
});

describe('buildKeyRing: invalid configuration fails loudly', () => {
	it('custom without keys', () => {
		expect(() => buildKeyRing({ environment: 'custom', publicKeys: '' })).toThrow(
			new KeyConfigError(
				"No public key configured: the 'custom' environment needs at least one key in Public Keys",
			),
		);
	});

	it('one bad key among good ones fails the whole list', () => {
		expect(() => buildKeyRing({ environment: 'production', publicKeys: `${a.spki}\n\nxyz` })).toThrow(
			/Public key #2 is neither PEM nor bare base64.*Fix the credential's Public Keys field/,
		);
	});

	it('an unknown environment', () => {
		expect(() => buildKeyRing({ environment: 'staging' as never })).toThrow(/Environment 'staging' is unknown/);
	});
});

describe('keyRingFor: keys are parsed once per distinct credential value', () => {
	it('returns the same KeyObjects for the same value', () => {
		const config = { environment: 'custom' as const, publicKeys: a.spki };
		expect(keyRingFor(config)).toBe(keyRingFor({ ...config }));
	});

	it('a changed value is parsed anew (rotation needs no restart)', () => {
		const before = keyRingFor({ environment: 'custom', publicKeys: a.spki });
		const after = keyRingFor({ environment: 'custom', publicKeys: b.spki });
		expect(after).not.toBe(before);
		expect(after[0].key.equals(b.publicKey)).toBe(true);
	});

	it('a failing configuration is not cached as good', () => {
		expect(() => keyRingFor({ environment: 'custom', publicKeys: 'bad' })).toThrow(KeyConfigError);
		expect(() => keyRingFor({ environment: 'custom', publicKeys: 'bad' })).toThrow(KeyConfigError);
	});
});

describe('checkCredential: the Test button, without any network call', () => {
	it('reports how many keys parsed', () => {
		expect(
			checkCredential({ environment: 'integration', publicKeys: a.spki, encryptionKey: ENCRYPTION_KEY }),
		).toEqual({
			ok: true,
			message:
				`3 public keys parsed: integration (RSA-2048), integration (RSA-2048), custom #1 (RSA-2048). The encryption key is valid; sealing keys: ${sealerFor(ENCRYPTION_KEY).keyId} (current). The form's check and API calls go to https://api.integration.webuntis.dev, the integration default.`,
		});
	});

	it('reports the API base in use, entered or default, and refuses a malformed one or none for Custom', () => {
		expect(checkCredential({ environment: 'custom', publicKeys: a.spki, encryptionKey: ENCRYPTION_KEY, apiBaseUrl: 'https://api.example/' }).message).toMatch(/\. The form's check and API calls go to https:\/\/api\.example\.$/);
		expect(checkCredential({ environment: 'custom', publicKeys: a.spki, encryptionKey: ENCRYPTION_KEY })).toMatchObject({ ok: false, message: /\. The API Base URL is empty, and the Custom environment has no default: enter the address of the platform's API/ });
		expect(checkCredential({ environment: 'production', encryptionKey: ENCRYPTION_KEY, apiBaseUrl: 'api.webuntis' })).toEqual({
			ok: false,
			message: `1 public key parsed: production (RSA-2048). The encryption key is valid; sealing keys: ${sealerFor(ENCRYPTION_KEY).keyId} (current). The API Base URL 'api.webuntis' is not a URL: enter one such as https://api.webuntis.com.`,
		});
	});

	it('lists the sealing key ids it holds, current and previous', () => {
		const previous = [Buffer.alloc(32, 1).toString('base64'), Buffer.alloc(32, 2).toString('hex')];
		const check = checkCredential({ environment: 'production', encryptionKey: ENCRYPTION_KEY, previousEncryptionKeys: previous.join('\n') });
		const [a1, a2] = previous.map((key) => sealerFor(key).keyId);
		expect(check).toEqual({
			ok: true,
			message: `1 public key parsed: production (RSA-2048). The encryption key is valid; sealing keys: ${sealerFor(ENCRYPTION_KEY).keyId} (current), ${a1} (previous), ${a2} (previous). The form's check and API calls go to https://api.webuntis.com, the production default.`,
		});
	});

	it('names a previous key that does not parse, without echoing it', () => {
		const check = checkCredential({ environment: 'production', encryptionKey: ENCRYPTION_KEY, previousEncryptionKeys: `${Buffer.alloc(32, 1).toString('base64')}\nhunter2-old-key` });
		expect(check).toEqual({
			ok: false,
			message: `1 public key parsed: production (RSA-2048). The encryption key ${sealerFor(ENCRYPTION_KEY).keyId} is valid. Previous Encryption Key #2 is not 32 bytes of base64 or hex: put one key per line, each as it was the Encryption Key`,
		});
		expect(check.message).not.toContain('hunter2');
	});

	it('names the key that failed and why', () => {
		const check = checkCredential({ environment: 'custom', publicKeys: `${a.spki}\n\nxyz`, encryptionKey: ENCRYPTION_KEY });
		expect(check.ok).toBe(false);
		expect(check.message).toMatch(
			/^1 of 2 custom public keys parsed: custom #1 \(RSA-2048\)\. Public key #2 is neither PEM nor bare base64/,
		);
	});

	it('reports a bad encryption key after the keys that did parse', () => {
		const check = checkCredential({ environment: 'production', encryptionKey: 'hunter2' });
		expect(check.ok).toBe(false);
		expect(check.message).toMatch(/^1 public key parsed: production \(RSA-2048\)\. The Encryption Key is not 32 bytes/);
		expect(check.message).not.toContain('hunter2');
	});
});
