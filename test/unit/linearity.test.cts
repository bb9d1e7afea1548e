import { isEmailAddress, manualCredentialsItem } from '../../nodes/UntisPlatform/core/webhook/manualEntry';
import { deliveryIdsFor } from '../../nodes/UntisPlatform/core/webhook/deliveryIds';
import { checkCredential } from '../../nodes/UntisPlatform/core/webhook/credentialCheck';
import { keyBlocks, parsePublicKeys } from '../../nodes/UntisPlatform/core/webhook/keys';
import { quoteHeader, verifySignature } from '../../nodes/UntisPlatform/core/webhook/signature';
import { keyRingFor } from '../../nodes/UntisPlatform/core/webhook/keys';
import { nestingDepth } from '../../nodes/UntisPlatform/core/webhook/bodyDepth';
import { parseEvent } from '../../nodes/UntisPlatform/core/webhook/events';
import { baseUrlOf, buildTokenRequest, hostProblem } from '../../nodes/UntisPlatform/core/api/token';
import { apiBaseProblem, describeApiBase, resolveApiBase } from '../../nodes/UntisPlatform/core/api/apiBase';
import { apiUrl } from '../../nodes/UntisPlatform/core/api/apiTransport';
import { hasNextLink } from '../../nodes/UntisPlatform/core/api/paging';
import { basicLoginMatches } from '../../nodes/UntisPlatform/core/webhook/basicAuth';
import { formSubmission } from '../../nodes/UntisPlatform/core/webhook/manualEntryForm';
import { buildFields, buildFilter } from '../../nodes/UntisPlatform/core/api/oneRosterFilter';
import { isoDate } from '../../nodes/UntisPlatform/core/api/extern';
import { imsxSays, externSays } from '../../nodes/UntisPlatform/core/api/apiErrors';
import { ENCRYPTION_KEY, keyPair } from '../helpers/platform.cjs';

/**
 * Every check that a request, a form or a credential can reach runs in linear time: the work at
 * four times the size is compared with the work at the base size (a ratio, not a time limit).
 * Linear work gives about 4 (or about 1 when a length cap answers first), quadratic work 16; the
 * limit of 10 leaves room for a loaded machine's noise (caches, collections) on both sides.
 * The inputs are the adversarial shapes that made backtracking regexes quadratic.
 *
 * LINEARITY_BASE_BYTES (default 1 MiB) lets the quadratic code before the fix be shown failing
 * in seconds rather than hours (a synchronous regex cannot be interrupted by a test timeout).
 */
const BASE = Number(process.env.LINEARITY_BASE_BYTES ?? 1024 * 1024);
const FACTOR = 4;
const LIMIT = 10;

/** Nanoseconds per call: the call repeated until at least `minMs` have passed. */
function perCall(fn: () => unknown, minMs = 20): number {
	const start = process.hrtime.bigint();
	const budget = BigInt(minMs * 1e6);
	let calls = 0;
	let elapsed = BigInt(0);
	do {
		fn();
		calls++;
		elapsed = process.hrtime.bigint() - start;
	} while (elapsed < budget);
	return Number(elapsed) / calls;
}

/** Work at FACTOR x the size over work at the base size: the best of seven alternating rounds. */
function workRatio<T>(make: (bytes: number) => T, run: (input: T) => unknown): number {
	const small = make(BASE);
	const large = make(BASE * FACTOR);
	const smallTimes: number[] = [];
	const largeTimes: number[] = [];
	for (let round = 0; round < 7; round++) {
		smallTimes.push(perCall(() => run(small)));
		largeTimes.push(perCall(() => run(large)));
	}
	return Math.min(...largeTimes) / Math.min(...smallTimes);
}

const quietly = (fn: () => unknown) => () => {
	try {
		return fn();
	} catch (error) {
		return error;
	}
};

const manualEntry = (overrides: Record<string, string>) =>
	quietly(() =>
		manualCredentialsItem(
			{ tenantId: '4711', clientId: 'app-4711', secret: 's-1', password: 'p-1', host: 'school.webuntis.com', ...overrides },
			{ secrets: { mode: 'omit' }, deliveryIds: deliveryIdsFor(ENCRYPTION_KEY) },
		),
	)();

// The trigger's header path: both headers are request text of any length n8n lets through.
const ring = keyRingFor({ environment: 'custom', publicKeys: keyPair().spki });
const signed = (headers: { authorization?: string; algorithm?: string }) =>
	verifySignature({ body: Buffer.from('{}'), authorization: 'QUFB', algorithm: 'SHA256withRSA', ...headers }, ring);

describe(`linear-time validation on adversarial inputs of ${BASE} and ${BASE * FACTOR} bytes`, () => {
	const cases: Array<[string, (bytes: number) => unknown, (input: never) => unknown]> = [
		['host: slashes then a letter (token.ts trailing-slash strip)', (n) => `${'/'.repeat(n)}x`, (host: string) => hostProblem(host)],
		['host: a name then slashes then a letter', (n) => `school.example${'/'.repeat(n)}x`, (host: string) => quietly(() => hostProblem(host))()],
		['baseUrlOf: slashes then a letter', (n) => `${'/'.repeat(n)}x`, (host: string) => quietly(() => baseUrlOf(host))()],
		['manual entry: activatorEmail a@ + dots + @', (n) => `a@${'.'.repeat(n)}@`, (email: string) => manualEntry({ activatorEmail: email })],
		['manual entry: activatorEmail a@ + a.a.a... without an end', (n) => `a@${'a.'.repeat(n / 2)} `, (email: string) => manualEntry({ activatorEmail: email })],
		['manual entry: host of slashes', (n) => `${'/'.repeat(n)}x`, (host: string) => manualEntry({ host })],
		['manual entry: a quoted value with no closing quote', (n) => `"${'a'.repeat(n)}`, (secret: string) => manualEntry({ secret })],
		['manual entry: every field huge', (n) => 'x'.repeat(n), (value: string) => manualEntry({ tenantId: value, clientId: value, secret: `${value}1`, password: value, host: value })],
		['public keys: BEGIN lines without END (keys.ts PEM parser)', (n) => '-----BEGIN PUBLIC KEY-----\n'.repeat(Math.ceil(n / 27)), (text: string) => parsePublicKeys(text)],
		['public keys: BEGIN lines of another label', (n) => '-----BEGIN A-----\nAAAA\n'.repeat(Math.ceil(n / 23)), (text: string) => parsePublicKeys(text)],
		['public keys: blank-looking lines', (n) => '\n \t'.repeat(Math.ceil(n / 3)), (text: string) => parsePublicKeys(text)],
		['credential test button: BEGIN lines without END', (n) => '-----BEGIN PUBLIC KEY-----\n'.repeat(Math.ceil(n / 27)), (publicKeys: string) => checkCredential({ environment: 'custom', publicKeys })],
		['API Base URL: slashes then a letter (apiBase.ts, capped)', (n) => `https://api.example${'/'.repeat(n)}x`, (url: string) => quietly(() => resolveApiBase({ environment: 'custom', apiBaseUrl: url }))()],
		['API Base URL: the credential Test button', (n) => `https://api.example${'/'.repeat(n)}x`, (url: string) => describeApiBase({ environment: 'custom', apiBaseUrl: url })],
		['API Base URL: apiBaseProblem on slashes', (n) => `https://api.example${'/'.repeat(n)}x`, (url: string) => apiBaseProblem(url)],
		['Algorithm/Authorization header quoting', (n) => '\u0001'.repeat(n), (value: string) => quoteHeader(value)],
		['Link header: angle brackets that never close (paging.ts)', (n) => '<'.repeat(n), (value: string) => hasNextLink(value)],
		['Link header: rel= parameters without a value', (n) => `<x>;${' rel='.repeat(Math.ceil(n / 5))}`, (value: string) => hasNextLink(value)],
		['verifySignature: an Algorithm header of spaces around an unknown name (signature.ts)', (n) => `${' '.repeat(n / 2)}x${' '.repeat(n / 2)}`, (algorithm: string) => signed({ algorithm })],
		['verifySignature: an Authorization header of base64 (2,800 cap)', (n) => 'A'.repeat(n), (authorization: string) => signed({ authorization })],
		['verifySignature: an Authorization header of spaces then a scheme', (n) => `${' '.repeat(n)}Bearer x`, (authorization: string) => signed({ authorization })],
		['a verified body nested N levels deep (bodyDepth.ts, stops at the cap; 1 MiB is 10x the 100,000 levels of the finding)', (n) => Buffer.from('['.repeat(n)), (body: Buffer) => quietly(() => parseEvent(body))()],
		['a verified body of N/5 objects nested in one another', (n) => Buffer.from('{"a":'.repeat(Math.ceil(n / 5))), (body: Buffer) => quietly(() => parseEvent(body))()],
		['the form login: an Authorization header of any length (basicAuth.ts, 4 KiB cap)', (n) => `Basic ${'A'.repeat(n)}`, (authorization: string) => basicLoginMatches(authorization, { user: 'u', password: 'p'.repeat(16) })],
		['the form submission: a body of any size (manualEntryForm.ts, 16 KiB cap)', (n) => Buffer.from(`tenantId=${'%'.repeat(n)}`), (body: Buffer) => quietly(() => formSubmission(body, 'application/x-www-form-urlencoded'))()],
		['a OneRoster filter field of dotted segments (oneRosterFilter.ts, 100 cap)', (n) => 'a.'.repeat(Math.ceil(n / 2)), (field: string) => quietly(() => buildFilter([{ field, operator: '=', value: 'x' }]))()],
		['a OneRoster filter value of quotes', (n) => "'".repeat(n), (value: string) => quietly(() => buildFilter([{ field: 'a', operator: '=', value }]))()],
		['Fields: commas and names', (n) => 'a,'.repeat(Math.ceil(n / 2)), (text: string) => quietly(() => buildFields(text))()],
		['an extern date of digits (extern.ts, 40 cap)', (n) => '2'.repeat(n), (text: string) => quietly(() => isoDate(text, 'Start'))()],
		['an imsx or extern error body with a huge description', (n) => ({ imsx_codeMajor: 'failure', imsx_description: 'x'.repeat(n), errorCode: 'E', errorMessage: 'y'.repeat(n) }), (body: object) => [imsxSays(body), externSays(body)]],
	];

	it.each(cases)('%s', (_name, make, run) => {
		const ratio = workRatio(make, run as (input: unknown) => unknown);
		expect(ratio).toBeLessThan(LIMIT);
	});
});

// Below the length caps, the scanners themselves: linear at any size, so the caps are a second line.
describe(`the scanners behind the caps are linear too (${BASE} and ${BASE * FACTOR} bytes, no cap)`, () => {
	const cases: Array<[string, (bytes: number) => string, (input: string) => unknown]> = [
		['keyBlocks: BEGIN lines without END', (n) => '-----BEGIN PUBLIC KEY-----\n'.repeat(Math.ceil(n / 27)), keyBlocks],
		['keyBlocks: BEGIN lines with labels that never end', (n) => '-----BEGIN A'.repeat(Math.ceil(n / 12)), keyBlocks],
		['keyBlocks: BEGIN lines of changing labels', (n) => Array.from({ length: Math.ceil(n / 24) }, (_, i) => `-----BEGIN K${i}-----\n`).join(''), keyBlocks],
		['keyBlocks: blank lines of spaces and CRs', (n) => ' \r\n\t\n'.repeat(Math.ceil(n / 5)), keyBlocks],
		['apiUrl: an API base of slashes then a letter (apiTransport.ts)', (n) => `https://api.example${'/'.repeat(n)}x`, (base) => quietly(() => apiUrl(base, '/ims/oneroster/v1p1/orgs'))()],
		['buildTokenRequest: an API base of slashes then a letter (token.ts)', (n) => `https://api.example${'/'.repeat(n)}x`, (apiBase) => buildTokenRequest({ tenantId: '4711', clientId: 'app', password: 'pw', apiBase })],
		['isEmailAddress: a@ + dots + @', (n) => `a@${'.'.repeat(n)}@`, isEmailAddress],
		['isEmailAddress: a@ + letters, no dot', (n) => `a@${'a'.repeat(n)}`, isEmailAddress],
		['nestingDepth: [ all the way down', (n) => '['.repeat(n), (text) => nestingDepth(Buffer.from(text), Infinity)],
		['nestingDepth: a string of escaped quotes and brackets', (n) => `["${'\\"[{'.repeat(Math.ceil(n / 4))}`, (text) => nestingDepth(Buffer.from(text), Infinity)],
		['nestingDepth: strings and brackets alternating', (n) => '["[",'.repeat(Math.ceil(n / 5)), (text) => nestingDepth(Buffer.from(text), Infinity)],
	];
	it.each(cases)('%s', (_name, make, run) => {
		expect(workRatio(make, run)).toBeLessThan(LIMIT);
	});
});
