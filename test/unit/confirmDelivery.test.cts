import type { IDataObject, IExecuteFunctions, IExecuteResponsePromiseData, INodeExecutionData } from 'n8n-workflow';

import { UntisPlatform } from '../../dist/nodes/UntisPlatform/UntisPlatform.node';
import { UntisPlatformTrigger } from '../../dist/nodes/UntisPlatform/UntisPlatformTrigger.node';
import { confirmationOf, confirmingTriggerProblem } from '../../nodes/UntisPlatform/core/webhook/confirmation';

/**
 * Acknowledge "When Confirm Delivery Runs": the trigger leaves the answer to the companion node's
 * Confirm Delivery (n8n's responseNode mode), which answers 200 once, after the event is stored.
 * That it reaches the platform through a real n8n, single process and queue mode: e2e and queue suites.
 */
const node = new UntisPlatform();
const TRIGGER = 'n8n-nodes-untis-platform.untisPlatformTrigger';
const trigger = (acknowledge?: string, extra: IDataObject = {}) => ({
	name: 'Untis Platform Trigger',
	type: TRIGGER,
	typeVersion: 1.1,
	disabled: false,
	parameters: acknowledge === undefined ? {} : { acknowledge },
	...extra,
});

async function run(items: IDataObject[], parents: unknown[], { continueOnFail = false } = {}) {
	const responses: IExecuteResponsePromiseData[] = [];
	let credentialReads = 0;
	const context = {
		getInputData: () => items.map((json) => ({ json })),
		getNodeParameter: (name: string, _index: number, fallback?: unknown) => (name === 'operation' ? 'confirmDelivery' : fallback),
		getCredentials: async () => {
			credentialReads++;
			return {};
		},
		getNode: () => ({ name: 'Confirm Delivery', type: 'n8n-nodes-untis-platform.untisPlatform', typeVersion: 1 }),
		getParentNodes: (name: string, options: { includeNodeParameters?: boolean }) => {
			expect(name).toBe('Confirm Delivery');
			expect(options.includeNodeParameters).toBe(true);
			return parents;
		},
		sendResponse: async (response: IExecuteResponsePromiseData) => {
			responses.push(response);
		},
		continueOnFail: () => continueOnFail,
	} as unknown as IExecuteFunctions;
	const [output] = await node.execute.call(context);
	return { output: output.map((item: INodeExecutionData) => item), responses, credentialReads };
}

const storedRow = { id: 7, tenantId: '4711', clientId: 'c-1', secret: 'sealed:v2:0a1b2c3d:AAAA', deliveryId: 'ab'.repeat(32) };

describe('Confirm Delivery', () => {
	it("answers the trigger's request with 200 once, naming the delivery, and passes every item through", async () => {
		const second = { ...storedRow, id: 8 };
		const { output, responses, credentialReads } = await run([storedRow, second], [{ name: 'Data table', type: 'n8n-nodes-base.dataTable' }, trigger('confirmDelivery')]);
		expect(responses).toEqual([{ body: { received: true, confirmed: true, deliveryId: 'ab'.repeat(32) }, headers: {}, statusCode: 200 }]);
		expect(output.map((item) => item.json)).toEqual([storedRow, second]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(credentialReads).toBe(0);
	});

	it('never echoes anything but the deliveryId: no secret, password or tenant data in the answer', async () => {
		const { responses } = await run([{ ...storedRow, password: 'pa55', secret: 's3cret' }], [trigger('confirmDelivery')]);
		const answer = JSON.stringify(responses);
		for (const value of ['pa55', 's3cret', '4711', 'c-1', 'sealed:']) expect(answer).not.toContain(value);
	});

	it.each([
		['no deliveryId', {}],
		['a deliveryId that is not hex', { deliveryId: 'x"<script>' }],
		['a deliveryId that is not a string', { deliveryId: 42 }],
		['an overlong deliveryId', { deliveryId: 'a'.repeat(129) }],
	])('answers without a deliveryId for an item with %s', async (_name, json) => {
		const { responses } = await run([json], [trigger('confirmDelivery')]);
		expect(responses.map((r) => r.body)).toEqual([{ received: true, confirmed: true }]);
	});

	it('also answers for the trigger in development (CUSTOM.untisPlatformTrigger)', async () => {
		const { responses } = await run([storedRow], [trigger('confirmDelivery', { type: 'CUSTOM.untisPlatformTrigger' })]);
		expect(responses).toHaveLength(1);
	});

	it.each([
		['no trigger before it', [{ name: 'Webhook', type: 'n8n-nodes-base.webhook', parameters: {} }], /neither comes before this node/],
		['a disabled trigger', [trigger('confirmDelivery', { disabled: true })], /neither comes before this node/],
		['a trigger acknowledging immediately (the default, not saved)', [trigger()], /'Untis Platform Trigger' does not wait for Confirm Delivery/],
		['a trigger acknowledging after the workflow', [trigger('afterWorkflowSucceeds')], /Acknowledge is not 'When Confirm Delivery Runs'/],
		['a similar type of another package', [trigger('confirmDelivery', { type: 'n8n-nodes-other.untisPlatformTriggerX' })], /neither comes before this node/],
	])('fails with a message that says what to fix, and answers nothing, for %s', async (_name, parents, message) => {
		await expect(run([storedRow], parents)).rejects.toThrow(message);
		const withContinue = await run([storedRow], parents, { continueOnFail: true });
		expect(withContinue.responses).toEqual([]);
		expect(withContinue.output[0].json).toEqual({ error: expect.stringMatching(message) });
	});

	it("the node's error keeps the description that says what to fix, as n8n shows it under the message", async () => {
		await expect(run([storedRow], [trigger('afterWorkflowSucceeds')])).rejects.toMatchObject({
			description: "Open the Untis Platform Trigger and set Acknowledge to 'When Confirm Delivery Runs', or remove this node.",
		});
	});

	it('the trigger offers it as a third Acknowledge mode, with a notice that says where the node goes', () => {
		const properties = new UntisPlatformTrigger().description.properties;
		const acknowledge = properties.find((p) => p.name === 'acknowledge')!;
		expect((acknowledge.options as Array<{ name: string; value: string }>).find((o) => o.value === 'confirmDelivery')?.name).toBe('When Confirm Delivery Runs');
		const notice = properties.find((p) => p.name === 'confirmDeliveryNotice')!;
		expect(notice.type).toBe('notice');
		expect(notice.displayOptions).toEqual({ show: { acknowledge: ['confirmDelivery'] } });
		expect(notice.displayName).toMatch(/right after the node that stores the event/);
	});

	it('needs no credential: the node hides it for this operation (and for Respond with Calendar)', () => {
		expect(node.description.credentials?.[0].displayOptions).toEqual({ hide: { operation: ['confirmDelivery', 'respondWithCalendar'] } });
	});
});

describe('the confirmation core', () => {
	it('accepts any enabled Untis Platform Trigger waiting for it among several parents', () => {
		expect(confirmingTriggerProblem([trigger('immediately', { name: 'A' }), trigger('confirmDelivery', { name: 'B' })], 'confirmDelivery')).toBeUndefined();
	});

	it('names every trigger that does not wait for it', () => {
		expect(confirmingTriggerProblem([trigger('immediately', { name: 'A' }), trigger('afterWorkflowSucceeds', { name: 'B' })], 'confirmDelivery')).toMatch(/Trigger 'A', 'B' does not wait/);
	});

	it('the answer holds received, confirmed and a hex deliveryId only', () => {
		expect(confirmationOf({ deliveryId: 'ff00', tenantId: 'x', password: 'p' })).toEqual({ received: true, confirmed: true, deliveryId: 'ff00' });
		expect(confirmationOf({ deliveryId: 'FF00' })).toEqual({ received: true, confirmed: true });
	});
});
