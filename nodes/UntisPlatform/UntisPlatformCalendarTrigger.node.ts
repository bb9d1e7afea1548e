import {
	NodeConnectionTypes,
	NodeOperationError,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { AnswerCache, calendarAnswers } from './core/calendar/answerCache';
import { parseCalendarRequest } from './core/calendar/calendarRequest';
import { CALENDAR_CONTENT_TYPE } from './core/calendar/icalWriter';
import { CredentialCache } from './core/webhook/credentialCache';
import type { CredentialData } from './core/webhook/credentialCheck';
import { keyRingFor, type VerificationKey } from './core/webhook/keys';
import { Rejection } from './core/webhook/rejections';
import { isoTimestamp } from './core/webhook/timestamps';
import { untisPlatformApiTest } from './shared/credentialTest';
import { answer, cacheKeyOf, credentialOf, receiveSigned, reject, type SignedWebhook } from './shared/signedWebhook';
import { additionalAlgorithmsOption } from './shared/verificationOptions';

const LABEL = 'Untis Platform Calendar Trigger';

/** The calendar needs only the keys: no sealing, no delivery ids (the request holds no secret). */
const setup: SignedWebhook<VerificationKey[]> = {
	label: LABEL,
	cache: new CredentialCache<VerificationKey[], CredentialData>(keyRingFor),
	derive: keyRingFor,
	keysOf: (keys) => keys,
};

export class UntisPlatformCalendarTrigger implements INodeType {
	description: INodeTypeDescription & { webhookIsExpressionFree: true } = {
		displayName: 'Untis Platform Calendar Trigger',
		name: 'untisPlatformCalendarTrigger',
		icon: { light: 'file:untisPlatform.svg', dark: 'file:untisPlatform.dark.svg' },
		group: ['trigger'],
		// 1.1 from the start: n8n 2.41 evaluates an expression ($parameter.options.binaryData) on every
		// request to a webhook node of version exactly 1, which costs an expression isolate.
		version: [1.1],
		defaultVersion: 1.1,
		subtitle: 'Calendar API',
		description:
			"Starts the workflow when WebUntis asks for a user's events (Calendar API), after verifying the RSA signature; answer with the Untis Platform node's Respond with Calendar",
		defaults: { name: 'Untis Platform Calendar Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'untisPlatformApi', required: true, testedBy: 'untisPlatformApiTest' }],
		triggerPanel: {
			header: 'Send a signed calendar request to the Test URL',
			executionsHelp: {
				inactive:
					"While you build: click 'Execute step', then send a signed calendar request to the Test URL, e.g. with <code>untis-platform-sim send calendar --url &lt;Test URL&gt;</code> from this package's repository. Unsigned requests are answered 401 and show nothing.",
				active:
					'The workflow is published: every calendar request the platform sends to the Production URL starts an execution. Unsigned requests are answered 401 and start nothing.',
			},
		},
		// webhook() evaluates no expression (see the Untis Platform Trigger).
		webhookIsExpressionFree: true,
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// The Untis Platform node's Respond with Calendar answers, as Respond to Webhook does:
				// as soon as the calendar is built, whatever the workflow does after it.
				responseMode: 'responseNode',
				path: 'calendar',
			},
		],
		properties: [
			{
				displayName:
					"Enter the Production URL above as the calendar endpoint of your platform application. Then answer with the Untis Platform node's Respond with Calendar operation: without it, WebUntis gets no calendar.",
				name: 'calendarNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [additionalAlgorithmsOption],
			},
		],
	};

	methods = { credentialTest: { untisPlatformApiTest } };

	// The URL is entered by hand in the platform application; activation checks the key list so a
	// broken one fails here, not on the first timetable view.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				try {
					const fields = await credentialOf(this);
					const key = cacheKeyOf(this);
					if (key === undefined) keyRingFor(fields);
					else {
						const stored = setup.cache.store(key, fields);
						if (stored.error) throw stored.error;
					}
				} catch (error) {
					throw new NodeOperationError(this.getNode(), (error as Error).message, {
						description: 'Fix the Untis Platform credential, then activate the workflow again.',
					});
				}
				forgetAnswers(this);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const key = cacheKeyOf(this);
				if (key !== undefined) setup.cache.forget(key);
				forgetAnswers(this);
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const signed = await receiveSigned(this, setup);
		if (!('verified' in signed)) return signed;
		const request = parseCalendarRequest(signed.body);
		if (request instanceof Rejection) return reject(this, LABEL, request);

		const workflowId = this.getWorkflow().id;
		if (workflowId && this.getMode?.() !== 'manual') {
			// Only after the signature and the body were checked: a forged request never gets one.
			const cached = calendarAnswers.get(AnswerCache.keyOf(workflowId, request));
			if (cached !== undefined) return answer(this, 200, cached, CALENDAR_CONTENT_TYPE);
		}
		const json = {
			tenantId: request.tenantId,
			user: request.user,
			startDate: request.startDate,
			endDate: request.endDate,
			receivedAt: isoTimestamp(),
			verification: { algorithm: signed.verified.algorithm, key: signed.verified.key },
		};
		return { workflowData: [[{ json }]] };
	}
}

/** A workflow published again may answer differently: its cached answers go. */
function forgetAnswers(context: IHookFunctions): void {
	const workflowId = context.getWorkflow().id;
	if (workflowId) calendarAnswers.forgetWorkflow(workflowId);
}
