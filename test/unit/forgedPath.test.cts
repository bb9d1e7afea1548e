import { CredentialCache } from '../../nodes/UntisPlatform/core/webhook/credentialCache';
import { buildKeyRing } from '../../nodes/UntisPlatform/core/webhook/keys';
import { isDefaultAlgorithm, verifySignature } from '../../nodes/UntisPlatform/core/webhook/signature';
// The built node, exactly as n8n loads it from dist/.
import { UntisPlatformTrigger } from '../../dist/nodes/UntisPlatform/UntisPlatformTrigger.node';
import { createdPayload, deactivationPayload, keyPair, signedRequest, withHeaders } from '../helpers/platform.cjs';
import { callWebhook } from '../helpers/webhookContext.cjs';

/**
 * The forged path reads what verification needs and nothing more (issue 27): no node parameter
 * for the SHA256withRSA that Untis sends, the Additional Algorithms option only for another
 * Algorithm header; the Secrets setting and the other options only once a request is verified.
 * What is answered is unchanged (test/unit/trigger.test.cts).
 */
const trigger = new UntisPlatformTrigger();
const platform = keyPair();
const other = keyPair('forger');

async function reads(request: ReturnType<typeof signedRequest>, parameters = {}) {
	const parameterReads: string[] = [];
	const call = await callWebhook(trigger, request, { parameters, parameterReads, workflowId: `forged-path-${Math.random()}` });
	return { ...call, parameterReads };
}

describe('a forged request reads no parameter beyond what verification needs', () => {
	it('a signature over other bytes, Algorithm SHA256withRSA: 401 and no parameter read', async () => {
		const genuine = signedRequest(createdPayload());
		const result = await reads({ body: Buffer.concat([genuine.body, Buffer.from(' ')]), headers: genuine.headers });
		expect(result.status).toBe(401);
		expect(result.parameterReads).toEqual([]);
	});

	it('a signature from another key: 401 and no parameter read', async () => {
		const result = await reads(signedRequest(deactivationPayload(), other));
		expect(result.status).toBe(401);
		expect(result.parameterReads).toEqual([]);
	});

	it('the header in another case or padded, or sent once as a list, counts as SHA256withRSA', async () => {
		for (const algorithm of ['sha256withrsa', ' SHA256withRSA ', ['SHA256withRSA']]) {
			const result = await reads(withHeaders(signedRequest(createdPayload(), other), { algorithm }));
			expect(result.status).toBe(401);
			expect(result.parameterReads).toEqual([]);
		}
	});

	it('another Algorithm header reads the options (Additional Algorithms) and nothing else', async () => {
		const refused = await reads(signedRequest(createdPayload(), platform, 'SHA512withRSA'));
		expect(refused.status).toBe(401);
		expect((refused.body as { error: string }).error).toMatch(/^Algorithm header 'SHA512withRSA' is not allowed/);
		expect(refused.parameterReads).toEqual(['options']);
		const forged = await reads(signedRequest(createdPayload(), other, 'SHA512withRSA'), { options: { additionalAlgorithms: ['SHA512withRSA'] } });
		expect(forged.status).toBe(401);
		expect(forged.parameterReads).toEqual(['options']);
	});

	it('a verified request reads the Secrets setting and the options after verification', async () => {
		const result = await reads(signedRequest(createdPayload()));
		expect(result.status).toBeUndefined(); // n8n answers with webhookResponse
		expect(result.outputs?.[0]).toHaveLength(1);
		expect(result.parameterReads).toEqual(['secrets', 'options']);
		const sha512 = await reads(signedRequest(createdPayload(), platform, 'SHA512withRSA'), { options: { additionalAlgorithms: ['SHA512withRSA'] } });
		expect(sha512.outputs?.[0]).toHaveLength(1);
		expect(sha512.parameterReads).toEqual(['options', 'secrets', 'options']);
	});
});

describe('isDefaultAlgorithm: where it says yes, the Additional Algorithms option cannot change the outcome', () => {
	const ring = buildKeyRing({ environment: 'custom', publicKeys: platform.spki });
	const yes: Array<string | string[]> = ['SHA256withRSA', 'sha256withrsa', ' SHA256WITHRSA\t', ['SHA256withRSA']];
	const no: Array<string | string[] | undefined> = [
		['SHA256withRSA', 'SHA256withRSA'], [], 'SHA384withRSA', 'SHA512withRSA', 'SHA256withRSA2', '', ' ', undefined,
		'toString', '__proto__', 'SHA1withRSA',
	];
	it.each(yes.map((header) => [JSON.stringify(header), header]))('%s: yes, and the same answer under any allowed list', (_, header) => {
		expect(isDefaultAlgorithm(header)).toBe(true);
		for (const pair of [platform, other]) {
			const request = withHeaders(signedRequest(createdPayload(), pair), { algorithm: header });
			const signed = { body: request.body, authorization: request.headers.authorization, algorithm: request.headers.algorithm };
			const defaultOnly = verifySignature(signed, ring, ['SHA256withRSA']);
			expect(verifySignature(signed, ring, ['SHA256withRSA', 'SHA384withRSA', 'SHA512withRSA'])).toEqual(defaultOnly);
			expect(verifySignature(signed, ring, ['SHA256withRSA', 'SHA512withRSA'])).toEqual(defaultOnly);
		}
	});
	it.each(no.map((header) => [JSON.stringify(header), header]))('%s: no', (_, header) => {
		expect(isDefaultAlgorithm(header)).toBe(false);
	});
});

describe('CredentialCache.mayReread is false exactly when reread would return nothing without reading', () => {
	it('over reads, failures, time and changes', async () => {
		let now = 10_000;
		let fields = { publicKeys: 'a' };
		let reads = 0;
		const cache = new CredentialCache<string, { publicKeys: string }>((f) => f.publicKeys, { now: () => now });
		const read = async () => {
			reads++;
			return { ...fields };
		};
		const seen = await cache.read('k', read);
		for (const step of [0, 300, 700, 999, 1000, 1, 5000, -20_000, 0]) {
			now += step;
			if (step === 5000) fields = { publicKeys: 'b' };
			const predicted = cache.mayReread('k', seen);
			const before = reads;
			const result = await cache.reread('k', read, seen);
			if (!predicted) {
				expect(result).toBeUndefined();
				expect(reads).toBe(before);
			}
		}
		expect(cache.mayReread('unknown', seen)).toBe(true);
	});
});
