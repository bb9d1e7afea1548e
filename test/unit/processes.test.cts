import type { IDataObject } from 'n8n-workflow';

import { createdPayload, signedRequest } from '../helpers/platform.cjs';
import { callWebhook, customCredential } from '../helpers/webhookContext.cjs';

/**
 * Queue mode runs the trigger's webhook() in one process (an `n8n webhook` process), the
 * workflow on another (a worker), and later steps on any of them. Each jest module registry
 * below stands for one such process: its own copy of the node and of every module-level cache
 * (key rings, sealers, the IV pool). Nothing the trigger emits may depend on the process that
 * emitted it. The real cluster is proven by test/queue (npm run test:queue).
 */
type Module = {
	UntisPlatformTrigger: new () => Parameters<typeof callWebhook>[0];
};
type SealingModule = {
	sealerFor(key: string): { unseal(value: string, context: { tenantId: string; field: string }): string };
};

function loadProcess() {
	let trigger!: Module;
	let sealing!: SealingModule;
	jest.isolateModules(() => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		trigger = require('../../dist/nodes/UntisPlatform/UntisPlatformTrigger.node');
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		sealing = require('../../dist/nodes/UntisPlatform/core/sealing/sealing');
	});
	return { node: new trigger.UntisPlatformTrigger(), sealing };
}

describe('the trigger keeps no per-process state', () => {
	const credential = customCredential();
	const webhookProcessA = loadProcess();
	const webhookProcessB = loadProcess();
	const worker = loadProcess();

	it('the same delivery on two webhook processes gives the same item, apart from receivedAt and the sealed ciphertexts', async () => {
		const request = signedRequest(createdPayload({ tenantId: 'multi-1' }));
		const a = await callWebhook(webhookProcessA.node, request, { credential });
		const b = await callWebhook(webhookProcessB.node, request, { credential });
		expect([a.status, b.status]).toEqual([undefined, undefined]);
		const [itemA, itemB] = [a.outputs![0][0], b.outputs![0][0]];
		const stable = (item: IDataObject) => ({ ...item, receivedAt: undefined, secret: undefined, password: undefined });
		expect(stable(itemA)).toEqual(stable(itemB));
		expect(itemA.deliveryId).toBe(itemB.deliveryId);
		expect(itemA.secret).not.toBe(itemB.secret); // fresh IV per value, per process
	});

	it('a value sealed on a webhook process unseals on a worker, and a rejection is the same everywhere', async () => {
		const payload = createdPayload({ tenantId: 'multi-2' });
		const sealed = (await callWebhook(webhookProcessA.node, signedRequest(payload), { credential })).outputs![0][0];
		const unsealer = worker.sealing.sealerFor(credential.encryptionKey as string);
		expect(unsealer.unseal(sealed.secret as string, { tenantId: 'multi-2', field: 'secret' })).toBe(payload.secret);
		expect(unsealer.unseal(sealed.password as string, { tenantId: 'multi-2', field: 'password' })).toBe(payload.password);

		const forged = signedRequest(payload);
		forged.headers.authorization = signedRequest({ other: true }).headers.authorization;
		const answers = await Promise.all([webhookProcessA, webhookProcessB, worker].map((p) => callWebhook(p.node, forged, { credential })));
		expect(answers.map((x) => [x.status, x.body, x.outputs])).toEqual(answers.map(() => [401, answers[0].body, undefined]));
	});
});
