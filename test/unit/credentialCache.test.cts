import {
	CREDENTIAL_MAX_AGE_MS,
	CREDENTIAL_MIN_REREAD_MS,
	CredentialCache,
	fingerprintOf,
} from '../../nodes/UntisPlatform/core/webhook/credentialCache';

/*
 * The cache's rules with an injected clock: nothing here waits for real time.
 */

type Fields = { publicKeys: string; encryptionKey?: string };

function setup(options: { maxEntries?: number } = {}) {
	const clock = { ms: 1_000_000 };
	const derived: Fields[] = [];
	const cache = new CredentialCache<{ keys: string }, Fields>(
		(fields) => {
			derived.push(fields);
			if (fields.publicKeys === 'broken') throw new Error('Public key #1 is broken');
			return { keys: fields.publicKeys };
		},
		{ now: () => clock.ms, ...options },
	);
	let stored: Fields = { publicKeys: 'A' };
	let reads = 0;
	const read = async () => {
		reads++;
		return { ...stored };
	};
	return {
		cache,
		clock,
		derived,
		read,
		reads: () => reads,
		change: (fields: Fields) => (stored = fields),
	};
}

describe('CredentialCache', () => {
	it('uses one read for up to 60 s, then reads again', async () => {
		const { cache, clock, read, reads } = setup();
		expect(cache.fresh('wf\ncred')).toBeUndefined();
		const first = await cache.read('wf\ncred', read);
		expect(first.value).toEqual({ keys: 'A' });
		clock.ms += CREDENTIAL_MAX_AGE_MS - 1;
		expect(cache.fresh('wf\ncred')).toBe(first);
		clock.ms += 1;
		expect(cache.fresh('wf\ncred')).toBeUndefined();
		expect(reads()).toBe(1);
	});

	it('a changed credential is derived again; an unchanged one keeps its derived value', async () => {
		const { cache, clock, read, derived, change } = setup();
		const first = await cache.read('k', read);
		clock.ms += CREDENTIAL_MAX_AGE_MS;
		const again = await cache.read('k', read);
		expect(again.value).toBe(first.value);
		expect(derived).toHaveLength(1);
		change({ publicKeys: 'B' });
		const changed = await cache.read('k', read);
		expect(changed.value).toEqual({ keys: 'B' });
		expect(changed.fingerprint).not.toBe(first.fingerprint);
		expect(derived).toHaveLength(2);
	});

	it('concurrent requests share one read', async () => {
		const { cache, read, reads } = setup();
		const all = await Promise.all(Array.from({ length: 10 }, () => cache.fresh('k') ?? cache.read('k', read)));
		expect(reads()).toBe(1);
		expect(new Set(all.map((entry) => entry.value)).size).toBe(1);
	});

	describe('reread after a failed verification', () => {
		it('returns the changed credential at once when no read happened within a second', async () => {
			const { cache, clock, read, change } = setup();
			const seen = await cache.read('k', read);
			clock.ms += CREDENTIAL_MIN_REREAD_MS;
			change({ publicKeys: 'A+B' });
			const newer = await cache.reread('k', read, seen);
			expect(newer?.value).toEqual({ keys: 'A+B' });
			expect(cache.fresh('k')).toBe(newer);
		});

		it('returns nothing when the credential has not changed (the request is rejected as it was)', async () => {
			const { cache, clock, read, reads } = setup();
			const seen = await cache.read('k', read);
			clock.ms += CREDENTIAL_MIN_REREAD_MS;
			await expect(cache.reread('k', read, seen)).resolves.toBeUndefined();
			expect(reads()).toBe(2);
		});

		it('reads at most once per second, however many requests fail', async () => {
			const { cache, clock, read, reads } = setup();
			let seen = await cache.read('k', read);
			const start = clock.ms;
			// A flood: 100 failures per simulated second for 10 seconds, each a few ms apart.
			for (let i = 0; i < 1000; i++) {
				clock.ms = start + i * 10;
				seen = cache.fresh('k') ?? (await cache.read('k', read));
				await cache.reread('k', read, seen);
			}
			// The initial read plus one per second of the flood.
			expect(reads()).toBeLessThanOrEqual(1 + 10);
			expect(reads()).toBeGreaterThanOrEqual(10);
		});

		it('a concurrent flood shares one read in flight', async () => {
			const { cache, clock, read, reads } = setup();
			const seen = await cache.read('k', read);
			clock.ms += CREDENTIAL_MIN_REREAD_MS;
			await Promise.all(Array.from({ length: 50 }, () => cache.reread('k', read, seen)));
			expect(reads()).toBe(2);
		});

		it('a request that failed under an older read gets the newer one another request fetched', async () => {
			const { cache, clock, read, reads, change } = setup();
			const seen = await cache.read('k', read);
			clock.ms += CREDENTIAL_MIN_REREAD_MS;
			change({ publicKeys: 'A+B' });
			await cache.reread('k', read, seen);
			// Within the same second: no read, but the newer value is handed over.
			const late = await cache.reread('k', read, seen);
			expect(late?.value).toEqual({ keys: 'A+B' });
			expect(reads()).toBe(2);
		});
	});

	it('a broken credential is answered from the cache for a second only, so a fix applies within it', async () => {
		const { cache, clock, read, change, reads } = setup();
		change({ publicKeys: 'broken' });
		const broken = await cache.read('k', read);
		expect(broken.error?.message).toBe('Public key #1 is broken');
		expect(cache.fresh('k')).toBe(broken);
		clock.ms += CREDENTIAL_MIN_REREAD_MS;
		expect(cache.fresh('k')).toBeUndefined();
		change({ publicKeys: 'A' });
		expect((await cache.read('k', read)).value).toEqual({ keys: 'A' });
		expect(reads()).toBe(2);
	});

	it('a credential n8n cannot read (deleted, no access) is an error entry, retried after a second', async () => {
		const { cache, clock } = setup();
		const failing = await cache.read('k', async () => {
			throw new Error('Credential with ID "x" does not exist');
		});
		expect(failing.error?.message).toMatch(/does not exist/);
		expect(cache.fresh('k')).toBe(failing);
		clock.ms += CREDENTIAL_MIN_REREAD_MS;
		expect(cache.fresh('k')).toBeUndefined();
	});

	it('store() (activation) replaces the cached read at once; forget() drops it', async () => {
		const { cache, read } = setup();
		await cache.read('k', read);
		expect(cache.store('k', { publicKeys: 'C' }).value).toEqual({ keys: 'C' });
		expect(cache.fresh('k')?.value).toEqual({ keys: 'C' });
		cache.forget('k');
		expect(cache.fresh('k')).toBeUndefined();
	});

	it('a clock that jumps back does not extend an entry', async () => {
		const { cache, clock, read } = setup();
		await cache.read('k', read);
		clock.ms -= 1;
		expect(cache.fresh('k')).toBeUndefined();
	});

	it('is bounded: the least recently used entry goes first', async () => {
		const { cache, read } = setup({ maxEntries: 3 });
		for (const key of ['a', 'b', 'c']) await cache.read(key, read);
		cache.fresh('a'); // used again: b is now the oldest
		await cache.read('d', read);
		expect(cache.size).toBe(3);
		expect(cache.fresh('b')).toBeUndefined();
		expect(cache.fresh('a')).toBeDefined();
		expect(cache.fresh('d')).toBeDefined();
	});

	it('keeps only derived values and a keyed fingerprint, never the fields', async () => {
		const { cache, read } = setup();
		const secret = 'c2VjcmV0LWVuY3J5cHRpb24ta2V5LW9mLTMyLWJ5dGVzIQ==';
		const entry = cache.store('k', { publicKeys: 'A', encryptionKey: secret });
		await cache.read('other', read);
		const dump = JSON.stringify([...(cache as unknown as { entries: Map<string, unknown> }).entries]);
		expect(dump).not.toContain(secret);
		// The fingerprint is an HMAC under a per-process key: not a plain hash of the fields.
		expect(entry.fingerprint).toBe(fingerprintOf({ encryptionKey: secret, publicKeys: 'A' }));
		expect(entry.fingerprint).not.toBe(fingerprintOf({ publicKeys: 'A', encryptionKey: `${secret} ` }));
		expect(entry.fingerprint).not.toContain(secret);
	});
});
