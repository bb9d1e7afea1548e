import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { CredentialCache } from './core/webhook/credentialCache';
import type { DeliveryIds } from './core/webhook/deliveryIds';
import type { CredentialData } from './core/webhook/credentialCheck';
import {
	deliveryOf,
	type Delivery,
	type ReceiveOptions,
	type SecretsMode,
	type SecretsPolicy,
} from './core/webhook/delivery';
import type { Verified } from './core/webhook/signature';
import {
	CREDENTIALS_EVENT_TYPES,
	DEACTIVATION_EVENT_TYPES,
	V1_EVENT_TYPE,
} from './core/webhook/events';
import { testEventAnswer } from './core/webhook/confirmation';
import { Rejection } from './core/webhook/rejections';
import { deriveTriggerCredential, type TriggerCredential } from './core/webhook/triggerCredential';
import type { Sealer } from './core/sealing/sealing';
import { logRefusal } from './shared/refusalLog';
import { ACK_AFTER_WORKFLOW, ACK_CONFIRM_DELIVERY, ACK_IMMEDIATELY, acknowledgeResponseFields } from './shared/acknowledge';
import { untisPlatformApiTest } from './shared/credentialTest';
import { answer, cacheKeyOf, credentialOf, misconfigured as misconfiguredAs, receiveSigned, reject as rejectAs, type SignedWebhook } from './shared/signedWebhook';
import { additionalAlgorithmsOption, includePayloadOption } from './shared/verificationOptions';

const ALL_EVENTS = [
	...CREDENTIALS_EVENT_TYPES,
	V1_EVENT_TYPE,
	...DEACTIVATION_EVENT_TYPES,
	'OTHER',
] as const;

/** What a verified request needs from the parameters; the keys and algorithms were needed before. */
interface TriggerSettings extends Pick<ReceiveOptions, 'secrets' | 'deliveryIds' | 'includePayload'> {
	events: readonly string[];
}

/**
 * What each published trigger derived from its credential, kept between requests (semantics in
 * core/webhook/credentialCache.ts and the README): the credential is read again after 60 s, after a
 * verification failure (at most once a second), and on every activation.
 */
const credentials = new CredentialCache<TriggerCredential, CredentialData>(deriveTriggerCredential);

// The Secrets policies, built once (per sealer) instead of per request; nothing mutates them.
const PLAIN: SecretsPolicy = { mode: 'plain' };
const OMIT: SecretsPolicy = { mode: 'omit' };
const sealPolicies = new WeakMap<Sealer, SecretsPolicy>();
function sealPolicy(sealer: Sealer): SecretsPolicy {
	let policy = sealPolicies.get(sealer);
	if (!policy) sealPolicies.set(sealer, (policy = { mode: 'seal', sealer }));
	return policy;
}

/**
 * Why the credential cannot serve the Secrets mode, or undefined. First: the Encryption Key keys
 * every deliveryId, so its absence is reported as such in any mode. The mode is read only when
 * the sealer is unusable (which the shared key makes the case only when deliveryIds is too).
 */
function credentialProblem(derived: TriggerCredential, secretsMode: () => unknown): Error | undefined {
	if (derived.deliveryIds instanceof Error) return derived.deliveryIds;
	if (derived.sealer instanceof Error && secretsMode() === 'seal') return derived.sealer;
	return undefined;
}

/** Reads the parameters and combines them with what was derived from the credential. */
function triggerSettings(context: IWebhookFunctions | IHookFunctions, derived: TriggerCredential): TriggerSettings {
	const mode = context.getNodeParameter('secrets', 'seal') as SecretsMode;
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const problem = credentialProblem(derived, () => mode);
	if (problem) throw problem;
	return {
		secrets: mode === 'seal' ? sealPolicy(derived.sealer as Sealer) : mode === 'plain' ? PLAIN : OMIT,
		// credentialProblem has ruled the Error out.
		deliveryIds: derived.deliveryIds as DeliveryIds,
		includePayload: options.includePayload === true,
		events: (options.events as string[] | undefined) ?? ALL_EVENTS,
	};
}

/** Settings for a verified request, or why they cannot be used (answered 500). */
function settingsFrom(context: IWebhookFunctions, derived: TriggerCredential): TriggerSettings | Error {
	try {
		return triggerSettings(context, derived);
	} catch (error) {
		return error as Error;
	}
}

// A bug, not a bad request, is what this throws: n8n reports it as the node's error.
function deliver(context: IWebhookFunctions, body: Buffer, verified: Verified, settings: TriggerSettings): Delivery | Rejection {
	try {
		return deliveryOf(body, verified, settings);
	} catch (error) {
		throw new NodeOperationError(context.getNode(), error as Error);
	}
}

// Receiving and verifying is shared with the Calendar Trigger (shared/signedWebhook.ts), named for this node.
const LABEL = 'Untis Platform Trigger';
const misconfigured = (context: IWebhookFunctions, error: Error) => misconfiguredAs(context, LABEL, error);
const reject = (context: IWebhookFunctions, rejection: Rejection) => rejectAs(context, LABEL, rejection);
const signedWebhook: SignedWebhook<TriggerCredential> = {
	label: LABEL,
	cache: credentials,
	derive: deriveTriggerCredential,
	keysOf: (derived) => derived.keys,
	// The Secrets parameter is read only when the sealer is unusable (see credentialProblem).
	problemOf: (context, derived) => credentialProblem(derived, () => context.getNodeParameter('secrets', 'seal')),
};

export class UntisPlatformTrigger implements INodeType {
	description: INodeTypeDescription & { webhookIsExpressionFree: true } = {
		displayName: 'Untis Platform Trigger',
		name: 'untisPlatformTrigger',
		icon: { light: 'file:untisPlatform.svg', dark: 'file:untisPlatform.dark.svg' },
		group: ['trigger'],
		// 1.1 behaves exactly as 1. n8n evaluates a leftover per-request expression
		// ($parameter.options.binaryData, from its own Webhook node v1) for every version-1 webhook
		// node; from 1.1 on it does not, so a request can be answered without the expression engine
		// (see BENCHMARKS.md). Workflows saved with version 1 keep working unchanged.
		version: [1, 1.1],
		defaultVersion: 1.1,
		// Display names, not option values: the canvas speaks to a vendor.
		subtitle: '={{ ({ seal: "Secrets sealed", plain: "Secrets in plain text", omit: "Secrets omitted" })[$parameter["secrets"]] ?? "Secrets sealed" }}',
		description:
			'Starts the workflow when a school activates or deactivates your Untis Platform (WebUntis) app, after verifying the RSA signature',
		defaults: { name: 'Untis Platform Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Credentials', 'Deactivation'],
		credentials: [{ name: 'untisPlatformApi', required: true, testedBy: 'untisPlatformApiTest' }],
		triggerPanel: {
			header: 'Send a signed test event to the Test URL',
			executionsHelp: {
				inactive:
					"While you build: click 'Execute step', then send a signed event to the Test URL, e.g. with <code>untis-platform-sim send created --url &lt;Test URL&gt;</code> from this package's repository (tools/untis-platform-sim). Unsigned requests are answered 401 and show nothing. Once the workflow is published, PAM's events to the Production URL start executions.",
				active:
					"The workflow is published: every event PAM sends to the Production URL starts an execution (see the Executions tab). Unsigned requests are answered 401 and start nothing.",
			},
		},
		// webhook() evaluates no expression: n8n may answer a request without an expression isolate
		// when its parameters are static. n8n 2.41 ignores the flag and spares only its own Webhook
		// node; docs/upstream-isolate.md proposes it to n8n.
		webhookIsExpressionFree: true,
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				...acknowledgeResponseFields,
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName:
					'Enter the Production URL above in PAM (the Untis platform application manager) as the webhook of the events this trigger handles (Options → Events): the credentials webhook for Created, Reactivated and Reset, the deactivation webhook for Deactivation and Deletion, or both if it handles all. An event it does not handle is answered 200 and starts nothing, so the platform does not send it again. PAM needs a public HTTPS address, and any proxy in front of n8n must pass the Authorization header and the body unchanged.',
				name: 'pamNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Secrets',
				name: 'secrets',
				type: 'options',
				options: [
					{
						name: 'Seal (Recommended)',
						value: 'seal',
						description:
							"Secret and password leave the trigger AES-256-GCM encrypted with the credential's Encryption Key",
					},
					{
						name: 'Plain',
						value: 'plain',
						description: 'Secret and password in plain text, stored so in the execution history',
					},
					{
						name: 'Omit',
						value: 'omit',
						description: 'Secret and password are set to null',
					},
				],
				default: 'seal',
				description:
					"How the school's secret and password appear in the output. n8n stores every execution's data, so plain output means plain storage.",
			},
			{
				displayName:
					"Plain secrets are stored unencrypted in n8n's execution history and shown to everyone who can open this workflow's executions",
				name: 'plainNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { secrets: ['plain'] } },
			},
			{
				displayName: 'Acknowledge',
				name: 'acknowledge',
				type: 'options',
				options: [
					{
						name: 'Immediately',
						value: ACK_IMMEDIATELY,
						description:
							'Answer 200 once the signature is verified and the execution is created: fastest, but if n8n dies before the workflow has stored the event, the platform does not send it again',
					},
					{
						name: 'After the Workflow Succeeds',
						value: ACK_AFTER_WORKFLOW,
						description:
							'Answer 200 only when the last node has succeeded, and 500 if the workflow fails, so the platform sends the event again; the platform waits for the whole workflow. In queue mode prefer When Confirm Delivery Runs.',
					},
					{
						name: 'When Confirm Delivery Runs',
						value: ACK_CONFIRM_DELIVERY,
						description:
							"Answer 200 when the workflow reaches the Untis Platform node's Confirm Delivery operation, placed right after the step that stores the event, and 500 if the workflow fails before it. Recommended in queue mode, where n8n can answer After the Workflow Succeeds with 200 for a workflow whose failure it could not save.",
					},
				],
				default: ACK_IMMEDIATELY,
				description:
					'When the platform gets its 200. Rejected requests (bad signature or body) are answered at once in every mode and start nothing.',
			},
			{
				displayName:
					"The workflow must answer within the platform's request timeout, and must tolerate the same event twice (store by tenant ID): a retried event may already have been stored",
				name: 'afterWorkflowNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { acknowledge: [ACK_AFTER_WORKFLOW, ACK_CONFIRM_DELIVERY] } },
			},
			{
				displayName:
					"Add the Untis Platform node with the operation Confirm Delivery right after the node that stores the event. Every path must reach it or fail: n8n answers 200 for a workflow that ends without it. A test event to the Test URL is answered at once with \"confirmed\": false, since a test may run this trigger alone.",
				name: 'confirmDeliveryNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { acknowledge: [ACK_CONFIRM_DELIVERY] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					additionalAlgorithmsOption,
					{
						displayName: 'Events',
						name: 'events',
						type: 'multiOptions',
						options: [
							{ name: 'Created', value: 'CREATED', description: 'A school activated the app' },
							{
								name: 'Deactivation',
								value: 'DEACTIVATION',
								description: 'A school deactivated the app',
							},
							{ name: 'Deletion', value: 'DELETION', description: 'A school deleted the app' },
							{
								name: 'Other (Unknown Event Types)',
								value: 'OTHER',
								description: 'Event types newer than this node, passed through as given',
							},
							{
								name: 'Reactivated',
								value: 'REACTIVATED',
								description: 'A school activated the app again, with new credentials',
							},
							{
								name: 'Reset',
								value: 'RESET',
								description: 'The platform issued new credentials after a password reset',
							},
							{
								name: 'V1 Credentials (Legacy)',
								value: 'V1',
								description: 'A credentials body of the deprecated v1 spec, without eventType',
							},
						],
						default: [...ALL_EVENTS],
						description:
							'Event types that start the workflow. Others are acknowledged with 200 and start nothing.',
					},
					includePayloadOption,
				],
			},
		],
	};

	methods = { credentialTest: { untisPlatformApiTest } };

	// The platform has no API to register webhooks: the URL is entered in PAM by hand. Activation
	// still checks the configuration, so a broken key list fails here and not on the first delivery.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				try {
					const fields = await credentialOf(this);
					const key = cacheKeyOf(this);
					// Activation reads the credential anyway: its read replaces the cached one, so
					// deactivating and activating the workflow applies a changed credential at once.
					if (key === undefined) {
						triggerSettings(this, deriveTriggerCredential(fields));
					} else {
						const derived = credentials.store(key, fields);
						if (derived.error) throw derived.error;
						triggerSettings(this, derived.value as TriggerCredential);
					}
				} catch (error) {
					throw new NodeOperationError(this.getNode(), (error as Error).message, {
						description: 'Fix the Untis Platform credential, then activate the workflow again.',
					});
				}
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const key = cacheKeyOf(this);
				if (key !== undefined) credentials.forget(key);
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const signed = await receiveSigned(this, signedWebhook);
		if (!('verified' in signed)) return signed;
		const { body, verified, derived } = signed;

		// The parameters are read only for a verified request: a forged one costs no parameter read.
		const settings = settingsFrom(this, derived);
		if (settings instanceof Error) return misconfigured(this, settings);
		const delivery = deliver(this, body, verified, settings);
		if (delivery instanceof Rejection) return reject(this, delivery);

		if (!settings.events.includes(delivery.filterKey)) {
			// Answered 200, so the platform never sends it again: a genuine event this trigger drops
			// (its URL pasted in PAM for events it does not handle) must show in the log.
			logRefusal(
				this,
				LABEL,
				'event_not_selected',
				200,
				`${LABEL} received a genuine ${delivery.filterKey} event that its Events option does not select: answered 200, nothing started. Paste this trigger's URL in PAM only for the events it handles.`,
			);
			return answer(this, 200, {
				received: true,
				started: false,
				reason: `${delivery.filterKey} is not selected in the trigger's Events option`,
			});
		}
		const item = { json: delivery.json as IDataObject };
		const workflowData = delivery.output === 0 ? [[item], []] : [[], [item]];
		// The Test URL ('manual' mode) may run the trigger alone, so nothing would confirm: the test
		// event is answered here, saying so. A later Confirm Delivery's answer is then dropped by n8n.
		if (this.getMode() === 'manual' && this.getNodeParameter('acknowledge', ACK_IMMEDIATELY) === ACK_CONFIRM_DELIVERY) {
			return { ...answer(this, 200, testEventAnswer(delivery.json.deliveryId) as IDataObject), workflowData };
		}
		return {
			workflowData,
			// Acknowledge 'immediately': n8n sends this 200 as soon as the execution is created,
			// before any downstream node runs. 'After the workflow succeeds': n8n ignores it.
			webhookResponse: { received: true, started: true, deliveryId: delivery.json.deliveryId },
		};
	}
}
