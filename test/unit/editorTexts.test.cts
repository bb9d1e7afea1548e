import { Workflow, type INodeParameters, type INodeType, type INodeTypes, type INodeProperties } from 'n8n-workflow';

// The built nodes, exactly as n8n loads them from dist/.
import { UntisPlatformData } from '../../dist/nodes/UntisPlatform/UntisPlatformData.node';
import { UntisPlatform } from '../../dist/nodes/UntisPlatform/UntisPlatform.node';
import { UntisPlatformTrigger } from '../../dist/nodes/UntisPlatform/UntisPlatformTrigger.node';
import { UntisPlatformApi } from '../../dist/credentials/UntisPlatformApi.credentials';
import { operationSubtitle, resources } from '../../dist/nodes/UntisPlatform/actions/resources';
import { createdPayload, signedRequest } from '../helpers/platform.cjs';
import { callWebhook } from '../helpers/webhookContext.cjs';

/**
 * What the editor shows a vendor (issue 38): canvas subtitles with the options' display names,
 * evaluated by n8n's own expression engine as the editor does, and hints without internals.
 */
function subtitleOf(node: INodeType, parameters: Record<string, unknown>): unknown {
	const nodeTypes = { getByName: () => node, getByNameAndVersion: () => node, getKnownTypes: () => ({}) } as unknown as INodeTypes;
	const workflow = new Workflow({
		nodes: [{ id: '1', name: 'Node', type: `n8n-nodes-untis-platform.${node.description.name}`, typeVersion: 1.1, position: [0, 0], parameters: parameters as INodeParameters }],
		connections: {},
		active: false,
		nodeTypes,
	});
	const subject = workflow.getNode('Node')!;
	return workflow.expression.getSimpleParameterValue(subject, node.description.subtitle as string, 'manual', {});
}

describe('canvas subtitles name the options as the editor lists them', () => {
	const trigger = new UntisPlatformTrigger();
	const companion = new UntisPlatform();

	it('the trigger: how the secrets come out, in words, never the raw value', () => {
		expect(subtitleOf(trigger, { secrets: 'seal' })).toBe('Secrets sealed');
		expect(subtitleOf(trigger, { secrets: 'plain' })).toBe('Secrets in plain text');
		expect(subtitleOf(trigger, { secrets: 'omit' })).toBe('Secrets omitted');
		// The default (Seal) when the parameter is absent, as in a workflow saved with defaults.
		expect(subtitleOf(trigger, {})).toBe('Secrets sealed');
	});

	it("the companion's subtitle is a literal (n8n's scanner wants one) equal to the one built from the catalogue", () => {
		expect(companion.description.subtitle).toBe(operationSubtitle);
	});

	it('Untis Platform Data: the same subtitle, every read by its resource and display name', () => {
		const data = new UntisPlatformData();
		expect(data.description.subtitle).toBe(operationSubtitle);
		expect(subtitleOf(data, { resource: 'class', operation: 'getMany' })).toBe('Class: Get Many');
		expect(subtitleOf(data, { resource: 'timetable', operation: 'get' })).toBe('Timetable (Extern): Get');
	});

	it('the companion: every operation by its display name, with its resource outside Platform', () => {
		expect(subtitleOf(companion, { resource: 'platform', operation: 'confirmDelivery' })).toBe('Confirm Delivery');
		expect(subtitleOf(companion, { resource: 'platform', operation: 'getAccessToken' })).toBe('Get Access Token');
		expect(subtitleOf(companion, { resource: 'class', operation: 'getMany' })).toBe('Class: Get Many');
		// A workflow saved before resources existed has only an operation (Platform's).
		expect(subtitleOf(companion, { operation: 'apiRequest' })).toBe('API Request');
		const pairs = resources.flatMap((resource) => resource.operations.map((operation) => ({ resource: resource.option.value, operation: operation.option.value })));
		expect(pairs).toHaveLength(34);
		for (const parameters of pairs) {
			const subtitle = subtitleOf(companion, parameters) as string;
			// A display name starts with a capital and is never the camelCase value.
			expect({ parameters, subtitle }).toEqual({ parameters, subtitle: expect.stringMatching(/^[A-Z][^:]*(: [A-Z].*)?$/) });
			expect(subtitle).not.toContain(parameters.operation === 'get' ? '\0' : parameters.operation);
		}
	});
});

describe('hints speak in user terms; the paging internals are in docs/untis-api.md', () => {
	const hints = (properties: INodeProperties[]) => properties.filter((p) => p.hint).map((p) => `${p.name}: ${p.hint}`);

	it('no hint of the companion names a header or link relation', () => {
		const all = hints(new UntisPlatform().description.properties);
		expect(all.filter((hint) => /^returnAll/.test(hint)).length).toBeGreaterThan(1);
		for (const hint of all) expect(hint).not.toMatch(/X-Total-Count|rel=|Link\b|limit\/offset/);
	});

	it("the credential names no contributor tool (the repository's simulator) to a vendor", () => {
		const texts = JSON.stringify(new UntisPlatformApi().properties);
		expect(texts).not.toMatch(/untis-platform-sim|keygen/);
	});

	it("the trigger's PAM notice says which PAM webhook takes which events (a newcomer pasted one URL for both and lost deactivations)", () => {
		const notice = new UntisPlatformTrigger().description.properties.find((p) => p.name === 'pamNotice')!.displayName;
		expect(notice).toMatch(/the credentials webhook for Created, Reactivated and Reset, the deactivation webhook for Deactivation and Deletion/);
		expect(notice).toMatch(/not handle is answered 200 and starts nothing/);
		expect(notice).not.toMatch(/for both credentials and deactivation/);
	});
});

describe('a test event while the trigger waits for Confirm Delivery', () => {
	const trigger = new UntisPlatformTrigger();
	const parameters = { acknowledge: 'confirmDelivery' };

	it('to the Test URL: answered at once, saying nothing was confirmed; the workflow still starts with the item', async () => {
		const request = signedRequest(createdPayload());
		const call = await callWebhook(trigger, request, { parameters, mode: 'manual' });
		expect(call.status).toBe(200);
		expect(call.body).toEqual({
			received: true,
			confirmed: false,
			deliveryId: expect.stringMatching(/^[0-9a-f]{64}$/),
			test: true,
			reason: 'A test event is answered at once and confirms nothing. The Production URL answers when Confirm Delivery runs.',
		});
		expect(call.result.noWebhookResponse).toBe(true);
		expect(call.outputs?.[0]).toEqual([expect.objectContaining({ eventType: 'CREATED', deliveryId: (call.body as { deliveryId: string }).deliveryId })]);
	});

	it('to the Production URL: unchanged, the node answers nothing itself and leaves it to Confirm Delivery', async () => {
		const call = await callWebhook(trigger, signedRequest(createdPayload()), { parameters, mode: 'webhook' });
		expect(call.status).toBeUndefined();
		expect(call.result.noWebhookResponse).toBeUndefined();
		expect(call.outputs?.[0]).toHaveLength(1);
	});

	it('to the Test URL with another Acknowledge: unchanged (Immediately answers started: true)', async () => {
		const call = await callWebhook(trigger, signedRequest(createdPayload()), { parameters: { acknowledge: 'immediately' }, mode: 'manual' });
		expect(call.status).toBeUndefined();
		expect(call.result.webhookResponse).toMatchObject({ received: true, started: true });
	});

	it("the trigger's notice says so", () => {
		const notice = trigger.description.properties.find((p) => p.name === 'confirmDeliveryNotice')!;
		expect(notice.displayName).toMatch(/A test event to the Test URL is answered at once with "confirmed": false/);
	});
});
