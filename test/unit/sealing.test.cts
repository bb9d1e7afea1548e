import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	isSealed,
	parseEncryptionKey,
	Sealer,
	sealerFor,
	SEAL_PREFIX,
} from '../../nodes/UntisPlatform/core/sealing';
import { ENCRYPTION_KEY } from '../helpers/platform.cjs';

const sealer = sealerFor(ENCRYPTION_KEY);

describe('sealing: AES-256-GCM, one opaque versioned string', () => {
	it('round-trips, including unicode', () => {
		for (const secret of ['test-secret', '', 'pässwörd 🔑', 'x'.repeat(10000)]) {
			expect(sealer.unseal(sealer.seal(secret))).toBe(secret);
		}
	});

	it('has the documented shape: sealed:v1:<keyId>:<base64(iv|ciphertext|tag)>', () => {
		const sealed = sealer.seal('abc');
		expect(sealed).toMatch(/^sealed:v1:[0-9a-f]{8}:[A-Za-z0-9+/]+={0,2}$/);
		const raw = Buffer.from(sealed.split(':')[3], 'base64');
		expect(raw.length).toBe(12 + 3 + 16);
		expect(isSealed(sealed)).toBe(true);
		expect(sealed).not.toContain('abc');
	});

	it('uses a fresh IV: the same secret never seals the same way twice', () => {
		expect(sealer.seal('same')).not.toBe(sealer.seal('same'));
	});

	it('never reuses an IV, also across refills of the IV pool', () => {
		const ivs = new Set<string>();
		for (let i = 0; i < 600; i++) ivs.add(Buffer.from(sealer.seal('x').split(':')[3], 'base64').subarray(0, 12).toString('hex'));
		expect(ivs.size).toBe(600);
	});

	it('detects any altered byte', () => {
		const sealed = sealer.seal('test-password');
		const raw = Buffer.from(sealed.split(':')[3], 'base64');
		for (const index of [0, 12, raw.length - 1]) {
			const altered = Buffer.from(raw);
			altered[index] ^= 0x80;
			const text = `${SEAL_PREFIX}${sealer.keyId}:${altered.toString('base64')}`;
			expect(() => sealer.unseal(text)).toThrow('Sealed value failed authentication: it was altered or truncated');
		}
	});

	it('names a wrong key instead of calling the value corrupt', () => {
		const other = new Sealer(Buffer.alloc(32, 9));
		expect(() => other.unseal(sealer.seal('x'))).toThrow(
			`Value was sealed with key ${sealer.keyId}, but the credential's Encryption Key is ${other.keyId}`,
		);
	});

	it('refuses plain values and truncated ones', () => {
		expect(() => sealer.unseal('plain-password')).toThrow(/not a sealed secret/);
		expect(() => sealer.unseal(`${SEAL_PREFIX}${sealer.keyId}:AAAA`)).toThrow(/truncated/);
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

	it('sealerFor caches one sealer per key', () => {
		expect(sealerFor(ENCRYPTION_KEY)).toBe(sealer);
	});
});

/** The README's decrypt snippets, run as written, must open what the trigger seals. */
describe('README decrypt snippets', () => {
	const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
	const snippet = (language: string) => {
		const match = new RegExp('<!-- unseal-' + language + ' -->\\s*```\\w+\\n([\\s\\S]*?)```').exec(readme);
		if (!match) throw new Error(`README has no unseal-${language} snippet`);
		return match[1];
	};
	const secret = 'Sch00l-pässwort/+=';

	it('Node', () => {
		const code = `${snippet('node')}\nprocess.stdout.write(unseal(process.argv[1], process.argv[2]));`;
		const out = execFileSync(process.execPath, ['-e', code, sealer.seal(secret), ENCRYPTION_KEY]);
		expect(out.toString('utf8')).toBe(secret);
	});

	it('Python', () => {
		const code = `${snippet('python')}\nimport sys\nsys.stdout.buffer.write(unseal(sys.argv[1], sys.argv[2]).encode())`;
		const out = execFileSync('python3', ['-c', code, sealer.seal(secret), ENCRYPTION_KEY]);
		expect(out.toString('utf8')).toBe(secret);
	});
});
