import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { UntisPlatformTrigger } from '../../dist/nodes/UntisPlatform/UntisPlatformTrigger.node';
import { createdPayload, signedRequest, withHeaders, type SignedRequestFixture } from '../helpers/platform.cjs';
import { callWebhook, customCredential } from '../helpers/webhookContext.cjs';

/**
 * Does the trigger keep anything per request? The soak (bench/scaling-runs.md#soak) saw the webhook
 * process's memory grow faster with the trigger than with n8n's Webhook node; this measures the
 * trigger's own share, without n8n around it: the heap (and Buffers outside it) after a full garbage collection, before
 * and after thousands of distinct deliveries (accepted and forged) through webhook() with one
 * cached credential, as in a published workflow. Memory, not time: no machine-speed assumption.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
	gc();
	gc();
	// Buffers live outside the JS heap: count them too.
	const { heapUsed, external } = process.memoryUsage();
	return heapUsed + external;
};

const trigger = new UntisPlatformTrigger();
const options = { credential: customCredential(), credentialId: 'retention', workflowId: 'retention' };
const WARMUP = 500;
const MEASURED = Number(process.env.RETENTION_REQUESTS || 3000);

it(`keeps nothing per request: heap after GC over ${MEASURED} distinct deliveries (half forged) grows by < 256 bytes each`, async () => {
	const requests: SignedRequestFixture[] = Array.from({ length: WARMUP + MEASURED }, (_, i) => {
		const request = signedRequest(createdPayload({ tenantId: `retention-${i}` }));
		// Every other one forged: the right headers over other bytes.
		return i % 2 ? withHeaders({ ...request, body: Buffer.concat([request.body, Buffer.from(' ')]) }, {}) : request;
	});
	const statuses = new Map<number | undefined, number>();
	const run = async (from: number, to: number) => {
		for (let i = from; i < to; i++) {
			const { status, outputs } = await callWebhook(trigger, requests[i], options);
			const key = outputs ? 200 : status;
			statuses.set(key, (statuses.get(key) ?? 0) + 1);
		}
	};
	await run(0, WARMUP);
	const before = heapAfterGc();
	await run(WARMUP, WARMUP + MEASURED);
	const after = heapAfterGc();
	const perRequest = (after - before) / MEASURED;
	// eslint-disable-next-line no-console
	console.log(`RETENTION: heap after GC ${(before / 1048576).toFixed(2)} -> ${(after / 1048576).toFixed(2)} MiB over ${MEASURED} requests: ${perRequest.toFixed(1)} bytes per request; answers ${JSON.stringify(Object.fromEntries(statuses))}`);
	expect(Object.fromEntries(statuses)).toEqual({ 200: (WARMUP + MEASURED) / 2, 401: (WARMUP + MEASURED) / 2 });
	expect(perRequest).toBeLessThan(256);
}, 120_000);
