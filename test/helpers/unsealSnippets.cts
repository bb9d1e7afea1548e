/**
 * docs/sealed-format.md's unseal snippets, copied from the page and run as written by each
 * language, must open what the node seals (v2, current and previous key) and what 0.1.0 sealed
 * (v1), and refuse a moved value. One process per language reads tab-separated cases on stdin
 * and prints "+" and base64(plaintext), or "!" and the error, one line per case.
 * Shared by test/unit/sealing.test.cts (the Node snippet: Node 20 is enough) and
 * test/snippets/unseal-snippets.snippets.test.cts (Python, Java, PHP: npm run test:snippets).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { sealerFor } from '../../nodes/UntisPlatform/core/sealing/sealing';

const root = join(__dirname, '../..');
const doc = readFileSync(join(root, 'docs/sealed-format.md'), 'utf8');

/** The code block after `<!-- unseal-<language> -->` in docs/sealed-format.md. */
export function snippet(language: string): string {
	const match = new RegExp('<!-- unseal-' + language + ' -->\\s*```\\w+\\n([\\s\\S]*?)```').exec(doc);
	if (!match) throw new Error(`docs/sealed-format.md has no unseal-${language} snippet`);
	return match[1];
}

/** Values sealed by 0.1.0's Sealer (main at 0572c8c), before sealed:v2 existed. */
export interface V1Fixture {
	key: string;
	keyId: string;
	plaintext: string;
	sealed: string;
}
export const v1Fixtures = (
	JSON.parse(readFileSync(join(root, 'test/unit/fixtures/sealed-v1.json'), 'utf8')) as { values: V1Fixture[] }
).values;

const keyA = Buffer.alloc(32, 0xa1).toString('base64');
const keyB = Buffer.alloc(32, 0xb2).toString('hex');
const keyC = Buffer.alloc(32, 0xc3).toString('base64');
const rotated = sealerFor(keyB, keyA);
const old = sealerFor(keyA);
const secret = 'Sch00l-pässwort/+= 🔑';
const tenant = 'schüle-0815';

/** The keys every snippet gets on its command line: current, previous, and the v1 fixtures' keys. */
export const keys = [keyB, keyA, ...new Set(v1Fixtures.map((f) => f.key))];

interface Case {
	name: string;
	sealed: string;
	tenantId: string;
	field: string;
	expected: string | Error;
}
const cases: Case[] = [
	{ name: 'v2, current key', sealed: rotated.seal(secret, { tenantId: tenant, field: 'password' }), tenantId: tenant, field: 'password', expected: secret },
	{ name: 'v2, previous key', sealed: old.seal('prev', { tenantId: tenant, field: 'secret' }), tenantId: tenant, field: 'secret', expected: 'prev' },
	{ name: 'v2, empty value', sealed: rotated.seal('', { tenantId: '1', field: 'secret' }), tenantId: '1', field: 'secret', expected: '' },
	...v1Fixtures.map((f, i) => ({ name: `v1 fixture #${i}`, sealed: f.sealed, tenantId: 'ignored', field: 'ignored', expected: f.plaintext })),
	{ name: 'v2 moved to another tenant', sealed: rotated.seal(secret, { tenantId: tenant, field: 'password' }), tenantId: 'schüle-0816', field: 'password', expected: new Error() },
	{ name: 'v2 moved to another field', sealed: rotated.seal(secret, { tenantId: tenant, field: 'password' }), tenantId: tenant, field: 'secret', expected: new Error() },
	{ name: 'v2 tenant/field boundary shifted', sealed: rotated.seal('x', { tenantId: 'ab', field: 'c' }), tenantId: 'a', field: 'bc', expected: new Error() },
	{
		name: 'v2 under a key not given',
		sealed: sealerFor(keyC).seal('x', { tenantId: 'school-4711', field: 'password' }),
		tenantId: 'school-4711',
		field: 'password',
		expected: new Error('which is not among the given keys'),
	},
];

/** What each snippet's driver reads on stdin: sealed, tenantId, field, tab-separated, one case a line. */
export const stdin = cases.map((c) => [c.sealed, c.tenantId, c.field].join('\t')).join('\n') + '\n';

/** Checks a driver's output against every case. */
export function check(output: string): void {
	const lines = output.split('\n').filter((line) => line !== '');
	expect(lines).toHaveLength(cases.length);
	cases.forEach((c, i) => {
		if (c.expected instanceof Error) {
			expect({ name: c.name, line: lines[i].startsWith('!') }).toEqual({ name: c.name, line: true });
			expect(lines[i]).toContain(c.expected.message);
		} else {
			expect({ name: c.name, line: lines[i][0], value: Buffer.from(lines[i].slice(1), 'base64').toString('utf8') }).toEqual({
				name: c.name,
				line: '+',
				value: c.expected,
			});
		}
	});
}
