import { execFileSync } from 'node:child_process';

import fc from 'fast-check';

import { resealFields } from '../../nodes/UntisPlatform/core/sealing/reseal';
import {
	associatedData,
	isSealed,
	openField,
	parseEncryptionKey,
	parsePreviousEncryptionKeys,
	Sealer,
	sealerFor,
	sealedKeyId,
	SEAL_V1_PREFIX,
	SEAL_V2_PREFIX,
} from '../../nodes/UntisPlatform/core/sealing/sealing';
import { ENCRYPTION_KEY } from '../helpers/platform.cjs';
import { check, keys, snippet, stdin, v1Fixtures } from '../helpers/unsealSnippets.cjs';

const sealer = sealerFor(ENCRYPTION_KEY);
const here = { tenantId: 'school-4711', field: 'password' };

const keyA = Buffer.alloc(32, 0xa1).toString('base64');
const keyB = Buffer.alloc(32, 0xb2).toString('hex');
const keyC = Buffer.alloc(32, 0xc3).toString('base64');

describe('sealing: sealed:v2, AES-256-GCM bound to tenant and field', () => {
	it('round-trips, including unicode, empty and long values', () => {
		for (const secret of ['test-secret', '', 'pässwörd 🔑', 'x'.repeat(10000)]) {
			expect(sealer.unseal(sealer.seal(secret, here), here)).toBe(secret);
		}
	});

	it('has the documented shape: sealed:v2:<keyId>:<base64(iv|ciphertext|tag)>', () => {
		const sealed = sealer.seal('abc', here);
		expect(sealed).toMatch(/^sealed:v2:[0-9a-f]{8}:[A-Za-z0-9+/]+={0,2}$/);
		const raw = Buffer.from(sealed.split(':')[3], 'base64');
		expect(raw.length).toBe(12 + 3 + 16);
		expect(isSealed(sealed)).toBe(true);
		expect(sealedKeyId(sealed)).toBe(sealer.keyId);
		expect(sealed).not.toContain('abc');
		expect(sealed).not.toContain(here.tenantId);
	});

	it('associated data is length-prefixed UTF-8: u32be(len) tenantId u32be(len) field', () => {
		expect(associatedData({ tenantId: 'ä1', field: 'secret' }).toString('hex')).toBe(
			'00000003' + Buffer.from('ä1').toString('hex') + '00000006' + Buffer.from('secret').toString('hex'),
		);
		// The boundary between tenant and field is part of what is authenticated.
		expect(associatedData({ tenantId: 'ab', field: 'c' })).not.toEqual(associatedData({ tenantId: 'a', field: 'bc' }));
		const sealed = sealer.seal('x', { tenantId: 'ab', field: 'c' });
		expect(() => sealer.unseal(sealed, { tenantId: 'a', field: 'bc' })).toThrow(/failed authentication/);
	});

	it('uses a fresh IV: the same secret never seals the same way twice', () => {
		expect(sealer.seal('same', here)).not.toBe(sealer.seal('same', here));
	});

	it('never reuses an IV, also across refills of the IV pool', () => {
		const ivs = new Set<string>();
		for (let i = 0; i < 600; i++) ivs.add(Buffer.from(sealer.seal('x', here).split(':')[3], 'base64').subarray(0, 12).toString('hex'));
		expect(ivs.size).toBe(600);
	});

	it('detects any altered byte', () => {
		const sealed = sealer.seal('test-password', here);
		const raw = Buffer.from(sealed.split(':')[3], 'base64');
		for (const index of [0, 12, raw.length - 1]) {
			const altered = Buffer.from(raw);
			altered[index] ^= 0x80;
			const text = `${SEAL_V2_PREFIX}${sealer.keyId}:${altered.toString('base64')}`;
			expect(() => sealer.unseal(text, here)).toThrow(
				"'password' failed authentication for tenant 'school-4711': it was sealed for another tenant or field (copied from another row or column?), or it was altered",
			);
		}
	});

	it('refuses a v2 value moved to another tenant or field, with a clear error', () => {
		const sealed = sealer.seal('pw', here);
		expect(() => sealer.unseal(sealed, { ...here, tenantId: 'school-4712' })).toThrow(
			/^'password' failed authentication for tenant 'school-4712': it was sealed for another tenant or field/,
		);
		expect(() => sealer.unseal(sealed, { ...here, field: 'secret' })).toThrow(/^'secret' failed authentication/);
		// Downgrading the version label does not strip the binding: v1 opening has no AAD, so the tag fails.
		expect(() => sealer.unseal(sealed.replace('sealed:v2:', 'sealed:v1:'), here)).toThrow(/altered/);
	});

	it('needs the tenant and field to open a v2 value, and to seal', () => {
		const sealed = sealer.seal('pw', here);
		expect(() => sealer.unseal(sealed)).toThrow(/opens only with the tenant ID it was sealed for/);
		expect(() => sealer.unseal(sealed, { tenantId: '', field: 'password' })).toThrow(
			"Cannot open 'password': a sealed:v2 value opens only with the tenant ID it was sealed for, and none was given",
		);
		expect(() => sealer.seal('pw', { tenantId: '', field: 'secret' })).toThrow(/Cannot seal 'secret' without a tenant ID/);
		expect(() => sealer.seal('pw', { tenantId: 't', field: '' })).toThrow(/bound to a field name/);
	});

	it('refuses plain values, unknown versions and truncated ones', () => {
		expect(() => sealer.unseal('plain-password', here)).toThrow(/not a sealed secret/);
		expect(isSealed('sealed:v9:abcd1234:AAAA')).toBe(true);
		expect(() => sealer.unseal(`sealed:v9:${sealer.keyId}:AAAA`, here)).toThrow(
			"'password' is sealed in format sealed:v9, which this version does not know (it opens sealed:v1 and sealed:v2): update n8n-nodes-untis-platform",
		);
		expect(() => sealer.unseal(`${SEAL_V2_PREFIX}${sealer.keyId}:AAAA`, here)).toThrow(/truncated/);
		expect(() => sealer.unseal(`${SEAL_V2_PREFIX}${sealer.keyId}`, here)).toThrow(/truncated/);
	});

	it('openField: sealed values open for their context, anything else passes through', () => {
		expect(openField(sealer, sealer.seal('pw', here), here)).toBe('pw');
		for (const value of ['plain', '', null, undefined, 42, { a: 1 }]) expect(openField(sealer, value, here)).toBe(value);
		expect(() => openField(sealer, sealer.seal('pw', here), { ...here, tenantId: 'x' })).toThrow(/failed authentication/);
	});

	it('property: a value moved to any other tenant or field is refused; in place it opens', () => {
		const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 24 });
		fc.assert(
			fc.property(text, text, text, text, fc.string({ unit: 'binary', maxLength: 40 }), (tenantA, fieldA, tenantB, fieldB, secret) => {
				const from = { tenantId: tenantA, field: fieldA };
				const to = { tenantId: tenantB, field: fieldB };
				const sealed = sealer.seal(secret, from);
				if (sealer.unseal(sealed, from) !== secret) return false;
				if (tenantA === tenantB && fieldA === fieldB) return true;
				try {
					sealer.unseal(sealed, to);
				} catch (error) {
					return /failed authentication/.test((error as Error).message);
				}
				return false;
			}),
			{ numRuns: 1000 },
		);
	});
});

describe('rotation: the current key seals, current and previous keys open', () => {
	const rotated = sealerFor(keyB, keyA);
	const old = sealerFor(keyA);

	it('a v2 value and a v1 value under a previous key open', () => {
		expect(rotated.unseal(old.seal('pw-a', here), here)).toBe('pw-a');
		const v1 = v1Fixtures[0];
		const withV1Key = sealerFor(keyB, `${keyA}\n${v1.key}`);
		expect(withV1Key.unseal(v1.sealed, here)).toBe(v1.plaintext);
	});

	it('always seals with the current key', () => {
		expect(sealedKeyId(rotated.seal('x', here))).toBe(new Sealer(parseEncryptionKey(keyB)).keyId);
		expect(rotated.keyId).not.toBe(old.keyId);
		expect(rotated.previousKeyIds).toEqual([old.keyId]);
	});

	it('names a value under an unknown key, and the keys it holds', () => {
		const stranger = sealerFor(keyC);
		expect(() => rotated.unseal(stranger.seal('x', here), here)).toThrow(
			`'password' was sealed with key ${stranger.keyId}, which is neither the current key nor a previous one: add the key it was sealed with under Previous Encryption Keys (this credential holds ${rotated.keyId} (current), ${old.keyId} (previous))`,
		);
		// Without a context the message starts with "Value".
		expect(() => sealer.unseal(stranger.seal('x', here))).toThrow(
			new RegExp(`^Value was sealed with key ${stranger.keyId}, which is neither the current key nor a previous one`),
		);
	});

	it('after the old key is dropped, an old value is named, not called corrupt', () => {
		expect(() => sealerFor(keyB).unseal(old.seal('x', here), here)).toThrow(
			new RegExp(`sealed with key ${old.keyId}, which is neither the current key nor a previous one`),
		);
	});

	it('parses previous keys one per line, also separated by spaces or commas, or joined by a password input', () => {
		const a = parseEncryptionKey(keyA);
		const b = parseEncryptionKey(keyB);
		const c = parseEncryptionKey(keyC);
		expect(parsePreviousEncryptionKeys(undefined)).toEqual([]);
		expect(parsePreviousEncryptionKeys('  \n ')).toEqual([]);
		expect(parsePreviousEncryptionKeys(`${keyA}\n\n  ${keyB}\r\n${keyC}\n`)).toEqual([a, b, c]);
		expect(parsePreviousEncryptionKeys(`${keyA}, ${keyB} ${keyC}`)).toEqual([a, b, c]);
		// A single-line input drops pasted line breaks; the fixed key lengths let the run be split.
		expect(parsePreviousEncryptionKeys(`${keyA}${keyC}`)).toEqual([a, c]);
		expect(parsePreviousEncryptionKeys(`${keyB}${keyB.toUpperCase()}`)).toEqual([b, b]);
	});

	it.each([
		['a passphrase in the list', `${keyA}\nhunter2`, 'Previous Encryption Key #2 is not 32 bytes of base64 or hex'],
		['16 bytes', Buffer.alloc(16).toString('base64'), 'Previous Encryption Key #1 is not 32 bytes'],
		['a joined run with a bad key', `${keyA}${'A'.repeat(44)}`, 'Previous Encryption Key #1 is not 32 bytes'],
	])('refuses %s, naming which key', (_name, text, message) => {
		expect(() => parsePreviousEncryptionKeys(text)).toThrow(message);
		expect(() => sealerFor(keyB, text)).toThrow(message);
	});

	it('ignores the current key or duplicates among the previous ones', () => {
		const s = sealerFor(keyB, `${keyA}\n${keyB}\n${keyA}`);
		expect(s.previousKeyIds).toEqual([old.keyId]);
		expect(s.describeKeys()).toBe(`${s.keyId} (current), ${old.keyId} (previous)`);
	});
});

describe('sealed:v1 values from the current release open, forever', () => {
	it.each(v1Fixtures.map((f) => [f.sealed.slice(0, 24), f] as const))('%s…', (_label, fixture) => {
		expect(fixture.sealed.startsWith(`${SEAL_V1_PREFIX}${fixture.keyId}:`)).toBe(true);
		// As the current key, as a previous key, and with any context (v1 carries none).
		expect(sealerFor(fixture.key).unseal(fixture.sealed)).toBe(fixture.plaintext);
		expect(sealerFor(keyC, fixture.key).unseal(fixture.sealed, here)).toBe(fixture.plaintext);
		expect(sealerFor(fixture.key).unseal(fixture.sealed, { tenantId: 'any', field: 'secret' })).toBe(fixture.plaintext);
	});

	it('a v1 value with an altered byte is still refused', () => {
		const fixture = v1Fixtures[0];
		const raw = Buffer.from(fixture.sealed.split(':')[3], 'base64');
		raw[raw.length - 1] ^= 1;
		expect(() => sealerFor(fixture.key).unseal(`${SEAL_V1_PREFIX}${fixture.keyId}:${raw.toString('base64')}`)).toThrow(
			'Value failed authentication: it was altered or truncated',
		);
	});
});

describe('Reseal: sealed fields to the current key as sealed:v2', () => {
	const rotated = sealerFor(keyB, keyA);
	const old = sealerFor(keyA);
	const v1 = v1Fixtures.find((f) => f.plaintext !== '')!;
	const withV1 = sealerFor(keyB, `${keyA}\n${v1.key}`);
	const row = () => ({
		id: 7,
		tenantId: 'school-4711',
		secret: SEAL_V1_PREFIX === v1.sealed.slice(0, 10) ? v1.sealed : '',
		password: old.seal('pw-old', { tenantId: 'school-4711', field: 'password' }),
		clientId: 'client-1',
		host: 'https://school.webuntis.com',
	});

	it('moves v1 and previous-key values to current v2, and leaves other fields alone', () => {
		const input = row();
		const { json, resealed } = resealFields(withV1, input, ['secret', 'password'], input.tenantId);
		expect(resealed).toEqual(['secret', 'password']);
		expect(sealedKeyId(json.secret)).toBe(withV1.keyId);
		expect((json.secret as string).startsWith(SEAL_V2_PREFIX)).toBe(true);
		expect(withV1.unseal(json.secret as string, { tenantId: 'school-4711', field: 'secret' })).toBe(v1.plaintext);
		expect(sealerFor(keyB).unseal(json.password as string, { tenantId: 'school-4711', field: 'password' })).toBe('pw-old');
		expect({ ...json, secret: 0, password: 0 }).toEqual({ ...input, secret: 0, password: 0 });
		expect(input.password.startsWith(`${SEAL_V2_PREFIX}${old.keyId}:`)).toBe(true); // the input is not mutated
	});

	it('is idempotent: a second run changes nothing', () => {
		const first = resealFields(withV1, row(), ['secret', 'password'], 'school-4711').json;
		const second = resealFields(withV1, first, ['secret', 'password'], 'school-4711');
		expect(second.resealed).toEqual([]);
		expect(second.json).toEqual(first);
	});

	it('leaves plain values, missing fields and non-strings as they are', () => {
		const input = { tenantId: 't', secret: 'plain', password: null, other: rotated.seal('x', { tenantId: 't', field: 'other' }) };
		const { json, resealed } = resealFields(rotated, input, ['secret', 'password', 'absent'], 't');
		expect(resealed).toEqual([]);
		expect(json).toEqual(input);
	});

	it('refuses a current value that belongs to another tenant, instead of keeping it silently', () => {
		const moved = { tenantId: 'school-9', password: rotated.seal('pw', { tenantId: 'school-1', field: 'password' }) };
		expect(() => resealFields(rotated, moved, ['password'], moved.tenantId)).toThrow(/'password' failed authentication for tenant 'school-9'/);
	});

	it('names a value under a key that is neither current nor previous', () => {
		const stranger = sealerFor(keyC).seal('x', here);
		expect(() => resealFields(rotated, { password: stranger }, ['password'], here.tenantId)).toThrow(
			/which is neither the current key nor a previous one/,
		);
	});
});

describe('the encryption key', () => {
	it('accepts 32 bytes as base64 or hex, with surrounding space', () => {
		const raw = Buffer.alloc(32, 7);
		expect(parseEncryptionKey(` ${raw.toString('base64')}\n`)).toEqual(raw);
		expect(parseEncryptionKey(raw.toString('hex'))).toEqual(raw);
		expect(parseEncryptionKey(raw.toString('hex').toUpperCase())).toEqual(raw);
	});

	it.each([
		['empty', '', /is empty.*openssl rand -base64 32/],
		['a passphrase', 'correct horse battery staple', /not 32 bytes.*openssl rand -base64 32/],
		['16 bytes', Buffer.alloc(16).toString('base64'), /not 32 bytes/],
		['64 bytes', Buffer.alloc(64).toString('base64'), /not 32 bytes/],
	])('rejects %s and says how to generate one', (_name, value, message) => {
		expect(() => parseEncryptionKey(value)).toThrow(message);
	});

	it('sealerFor caches one sealer per key set', () => {
		expect(sealerFor(ENCRYPTION_KEY)).toBe(sealer);
		expect(sealerFor(keyB, keyA)).toBe(sealerFor(keyB, keyA));
		expect(sealerFor(keyB, keyA)).not.toBe(sealerFor(keyB));
	});
});

/** docs/sealed-format.md's Node unseal snippet, run as written (the others: test/snippets/). */
describe('docs/sealed-format.md unseal snippets', () => {
	it('Node', () => {
		const driver = `
const lines = require('node:fs').readFileSync(0, 'utf8').split('\\n').filter(Boolean);
const keys = process.argv.slice(1);
for (const line of lines) {
	const [sealed, tenantId, field] = line.split('\\t');
	try { console.log('+' + Buffer.from(unseal(sealed, keys, tenantId, field), 'utf8').toString('base64')); }
	catch (error) { console.log('!' + error.message); }
}`;
		check(execFileSync(process.execPath, ['-e', snippet('node') + driver, ...keys], { input: stdin }).toString('utf8'));
	});
});
