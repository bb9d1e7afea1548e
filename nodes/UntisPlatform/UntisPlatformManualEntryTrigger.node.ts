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

import { resolveApiBase } from './core/api/apiBase';
import { CHECK_TIMEOUT_MS, checkWithPlatform } from './core/api/platformCheck';
import { BASIC_REALM, basicLoginMatches, loginProblem, type BasicLogin } from './core/webhook/basicAuth';
import type { CredentialData } from './core/webhook/credentialCheck';
import { crossSiteProblem } from './core/webhook/crossSite';
import type { SecretsMode } from './core/webhook/delivery';
import { deliveryIdsFor, type DeliveryIds } from './core/webhook/deliveryIds';
import { formLanguageOf, type FormLanguage } from './core/webhook/formLanguage';
import { FORM_TEXTS } from './core/webhook/formTexts';
import { FORM_TOKEN_FIELD, FormTokens, formBinding } from './core/webhook/formToken';
import { LoginThrottle } from './core/webhook/loginThrottle';
import { ManualEntryError, manualCredentialsItem, type EntryProblem, type ManualEntryInput } from './core/webhook/manualEntry';
import {
	FORM_CONTENT_SECURITY_POLICY,
	FormSubmissionError,
	formPage,
	formSubmission,
	refusalPage,
	type FormOutcome,
} from './core/webhook/manualEntryForm';
import { parseEncryptionKey, sealerForCredential } from './core/sealing/sealing';
import { secretsFields, secretsPolicy } from './actions/sealerOf';
import { n8nSend } from './actions/untisTransport';
import { untisPlatformApiTest, untisPlatformFormLoginApiTest } from './shared/credentialTest';
import { logRefusal as logBoundedRefusal } from './shared/refusalLog';

const SOURCE = 'Untis Platform Manual Entry Trigger';

/**
 * The manual-entry form, served by the package itself: a school admin who missed the webhook
 * types the school's credentials. The secret and password are sealed here, in the webhook,
 * before n8n stores anything, and the entry is checked with the platform first, so a mistyped
 * or invented entry starts nothing. Refusals are answered at once (no execution); an accepted
 * entry is answered by Confirm Delivery once the workflow has stored it.
 */

interface FormSettings {
	language: FormLanguage;
	title: string;
	description: string;
	checked: boolean;
}

/** The node's settings for this request; the language from the setting or the browser's Accept-Language. */
function settingsOf(context: IWebhookFunctions): FormSettings {
	return {
		language: formLanguageOf(context.getNodeParameter('language', 'auto'), context.getRequestObject().headers['accept-language']),
		title: String(context.getNodeParameter('formTitle', FORM_TEXTS.en.defaultTitle)),
		description: String(context.getNodeParameter('formDescription', FORM_TEXTS.en.defaultDescription)),
		checked: context.getNodeParameter('checkWithPlatform', true) !== false,
	};
}

function sendPage(context: IWebhookFunctions, status: number, html: string, headers: Record<string, string> = {}): IWebhookResponseData {
	try {
		const res = context.getResponseObject();
		res.status(status);
		res.setHeader('Content-Type', 'text/html; charset=utf-8');
		res.setHeader('Content-Security-Policy', FORM_CONTENT_SECURITY_POLICY);
		res.setHeader('Cache-Control', 'no-store');
		res.setHeader('X-Content-Type-Options', 'nosniff');
		for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
		res.end(html);
	} catch {
		// The client is gone: no one to answer, and nothing starts.
	}
	return { noWebhookResponse: true };
}

/** Failed logins per client address, for this process (per n8n webhook process in queue mode). */
const loginThrottle = new LoginThrottle();

/** The client's address as n8n's Express sees it (X-Forwarded-For only when N8N_PROXY_HOPS trusts it). */
function clientAddress(context: IWebhookFunctions): string {
	const req = context.getRequestObject();
	return String(req.ip ?? req.socket?.remoteAddress ?? 'unknown');
}

/**
 * A refusal for the log: the same meta shape as the main trigger's, never a typed value, and the
 * same flood bound (shared/refusalLog.ts), so 300 guesses write a few lines and a count.
 */
function logRefusal(context: IWebhookFunctions, reason: string, status: number, client: string): void {
	const what = reason === 'form_login_failed' || reason === 'form_login_throttled' ? 'a login' : 'a submission';
	logBoundedRefusal(context, SOURCE, reason, status, `${SOURCE} refused ${what}`, 'warn', { client });
}

/** What the form derives from the Untis Platform credential, or what the owner must fix. */
interface FormKeys {
	credential: CredentialData;
	deliveryIds: DeliveryIds;
	tokens: FormTokens;
}

async function formKeys(context: IWebhookFunctions | IHookFunctions): Promise<FormKeys | Error> {
	try {
		const credential = (await context.getCredentials('untisPlatformApi')) as unknown as CredentialData;
		const deliveryIds = deliveryIdsFor(credential.encryptionKey);
		return { credential, deliveryIds, tokens: new FormTokens(parseEncryptionKey(credential.encryptionKey)) };
	} catch (error) {
		return error as Error;
	}
}

const bindingOf = (context: IWebhookFunctions) => formBinding(context.getWorkflow().id, context.getNode().id, context.getNode().webhookId);

/**
 * The form again: every problem at the top and next to its field, what was typed kept except the
 * secret and the password. The log names the fields and kinds, never a value.
 */
function refuse(
	context: IWebhookFunctions,
	status: number,
	keys: FormKeys,
	refusal: { problem?: string; problems?: EntryProblem[]; values?: ManualEntryInput; log: string },
): IWebhookResponseData {
	context.logger.warn(`Untis Platform Manual Entry Trigger refused a submission with ${status}: ${refusal.log}`);
	// A fresh token: the corrected form is sent from this page.
	const token = keys.tokens.issue(bindingOf(context));
	return sendPage(context, status, formPage({ ...settingsOf(context), problem: refusal.problem, problems: refusal.problems, values: refusal.values, token }));
}

/** The API base the form's check uses: the credential's, by the one rule (core/api/apiBase.ts). */
function checkApiBase(credential: CredentialData): string | Error {
	try {
		return resolveApiBase(credential).url;
	} catch (error) {
		return error as Error;
	}
}

export class UntisPlatformManualEntryTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Untis Platform Manual Entry Trigger',
		name: 'untisPlatformManualEntryTrigger',
		icon: { light: 'file:untisPlatform.svg', dark: 'file:untisPlatform.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["checkWithPlatform"] === false ? "Not checked with the platform" : "Checked with the platform"}}',
		description:
			"Serves a form for a school's Untis Platform credentials, checks them with the platform, and starts the workflow with the trigger's credentials item, secrets sealed on receipt",
		defaults: { name: 'Untis Platform Manual Entry' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		outputNames: ['Credentials'],
		credentials: [
			{ name: 'untisPlatformApi', required: true, testedBy: 'untisPlatformApiTest' },
			{
				name: 'untisPlatformFormLoginApi',
				required: true,
				testedBy: 'untisPlatformFormLoginApiTest',
				displayOptions: { show: { authentication: ['basicAuth'] } },
			},
		],
		webhooks: [
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'form' },
			// Answered by the Untis Platform node's Confirm Delivery once the entry is stored.
			{ name: 'default', httpMethod: 'POST', responseMode: 'responseNode', path: 'form' },
		],
		properties: [
			{
				displayName:
					"Open the Production URL above in a browser to enter a school's credentials. Add the Untis Platform node's Confirm Delivery right after the node that stores them: it answers the person with 'Stored'.",
				name: 'formNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'Basic Auth', value: 'basicAuth', description: 'The page and every submission need the login of an Untis Platform Form Login credential' },
					{ name: 'None', value: 'none', description: 'Anyone who finds the URL can open the form' },
				],
				default: 'basicAuth',
				description: 'Who may open the form and submit it, as for n8n forms',
			},
			{
				displayName:
					"Without authentication, anyone who finds the URL can submit entries. Check with the Platform still refuses made-up ones, but a person holding a school's real credentials could overwrite its row.",
				name: 'noAuthNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { authentication: ['none'] } },
			},
			{
				displayName: 'Form Title',
				name: 'formTitle',
				type: 'string',
				default: 'Untis Platform credentials',
				description: 'The heading of the form page',
			},
			{
				displayName: 'Form Description',
				name: 'formDescription',
				type: 'string',
				default: 'Copy the values the Untis Platform shows for your school.',
				description: 'The text under the heading',
			},
			{
				displayName: 'Language',
				name: 'language',
				type: 'options',
				options: [
					{ name: 'Automatic (Browser)', value: 'auto', description: "German or English, whichever the person's browser prefers (English if neither)" },
					{ name: 'Deutsch', value: 'de' },
					{ name: 'English', value: 'en' },
				],
				default: 'auto',
				description:
					'The language of the form, its messages and the Stored page. The default title and description are translated too; a title or description you change is shown as you wrote it.',
			},
			{
				displayName: 'Check with the Platform',
				name: 'checkWithPlatform',
				type: 'boolean',
				default: true,
				description:
					"Whether to request a token for the typed-in tenant ID, client ID and password at the credential's API base before the workflow starts. A refused or unreachable check is answered to the person and starts nothing; the token is discarded.",
			},
			{
				displayName:
					'Without the check, a mistyped or invented entry is stored as typed and can overwrite a school that the platform delivered',
				name: 'noCheckNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { checkWithPlatform: [false] } },
			},
			...secretsFields(undefined, 'plainNotice'),
		],
	};

	methods = { credentialTest: { untisPlatformApiTest, untisPlatformFormLoginApiTest } };

	// Nothing to register remotely: the form lives at this node's URL.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			// Activation checks the Encryption Key (the form's token and every deliveryId are keyed
			// with it), so a bad key fails here and not on the first entry.
			async create(this: IHookFunctions): Promise<boolean> {
				const keys = await formKeys(this);
				if (keys instanceof Error) {
					throw new NodeOperationError(this.getNode(), keys.message, {
						description: 'Fix the Untis Platform credential, then activate the workflow again.',
					});
				}
				// The check needs the credential's API base: a credential whose Test fails on it
				// fails here, not in front of a school administrator.
				const apiBase = this.getNodeParameter('checkWithPlatform', true) !== false ? checkApiBase(keys.credential) : '';
				if (apiBase instanceof Error) {
					throw new NodeOperationError(this.getNode(), apiBase.message, {
						description: "Check with the Platform asks the platform at the Untis Platform credential's API Base URL: fix it there, or turn the check off.",
					});
				}
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();
		const settings = settingsOf(this);
		const texts = FORM_TEXTS[settings.language];
		// The login first: the node uses nothing of the request before it matches (n8n has already
		// read and parsed the body before any webhook node runs; docs/scaling.md keeps bodies out).
		// Only Accept-Language is read before, to word the answer.
		if (this.getNodeParameter('authentication', 'basicAuth') !== 'none') {
			const client = clientAddress(this);
			const wait = loginThrottle.retryAfter(client);
			if (wait > 0) {
				return sendPage(this, 429, refusalPage(settings.language, texts.throttledTitle, texts.throttled(wait)), { 'Retry-After': String(wait) });
			}
			let login: BasicLogin | undefined;
			try {
				login = (await this.getCredentials('untisPlatformFormLoginApi')) as unknown as BasicLogin;
			} catch {
				login = undefined;
			}
			if (loginProblem(login)) return sendPage(this, 500, formPage({ ...settings, problem: texts.noLogin }));
			if (!basicLoginMatches(req.headers.authorization, login as BasicLogin)) {
				// No Authorization is the browser's first request, answered with the challenge; a
				// wrong one is a failed login.
				if (req.headers.authorization !== undefined) {
					logRefusal(this, 'form_login_failed', 401, client);
					if (loginThrottle.failed(client)) logRefusal(this, 'form_login_throttled', 429, client);
				}
				return sendPage(this, 401, refusalPage(settings.language, texts.signInTitle, texts.signIn), {
					'WWW-Authenticate': `Basic realm="${BASIC_REALM}", charset="UTF-8"`,
				});
			}
		}
		const post = this.getWebhookName() !== 'setup';
		if (post && crossSiteProblem(req.headers['sec-fetch-site'])) {
			logRefusal(this, 'form_cross_site', 403, clientAddress(this));
			return sendPage(this, 403, refusalPage(settings.language, texts.refusedTitle, texts.crossSite, { linkToForm: true }));
		}
		const keys = await formKeys(this);
		if (keys instanceof Error) {
			// Said to the person, not thrown: n8n would answer its JSON with a stack trace and store an error execution.
			return sendPage(this, 500, formPage({ ...settings, problem: texts.brokenCredential(keys.message) }));
		}
		if (!post) return sendPage(this, 200, formPage({ ...settings, token: keys.tokens.issue(bindingOf(this)) }));

		let input: ManualEntryInput;
		try {
			if (!req.rawBody) await req.readRawBody();
			input = formSubmission(req.rawBody, req.headers['content-type']);
		} catch (error) {
			const failure = error instanceof FormSubmissionError ? error : new FormSubmissionError('unreadable', 400);
			return refuse(this, failure.status, keys, { problem: failure.say(settings.language), log: failure.message });
		}
		const token = keys.tokens.check(input[FORM_TOKEN_FIELD], bindingOf(this));
		if (token !== 'ok') {
			logRefusal(this, `form_token_${token}`, 403, clientAddress(this));
			return sendPage(this, 403, refusalPage(settings.language, texts.refusedTitle, token === 'stale' ? texts.tokenStale : texts.tokenMissing, { linkToForm: true }));
		}
		delete input[FORM_TOKEN_FIELD];

		const { credential, deliveryIds } = keys;
		const mode = this.getNodeParameter('secrets', 'seal') as SecretsMode;
		let item: IDataObject;
		try {
			// Validated and sealed at once; the platform is asked only about a valid entry, and a
			// refused one is dropped before n8n stores anything.
			item = manualCredentialsItem(input, { secrets: await secretsPolicy(mode, async () => sealerForCredential(credential)), deliveryIds }) as IDataObject;
		} catch (error) {
			if (error instanceof ManualEntryError) {
				const log = error.problems.map((problem) => `${problem.field} ${problem.kind}`).join(', ');
				return refuse(this, 400, keys, { problems: error.problems, values: input, log });
			}
			throw new NodeOperationError(this.getNode(), error as Error);
		}
		if (settings.checked) {
			const apiBase = checkApiBase(credential);
			if (apiBase instanceof Error) return refuse(this, 500, keys, { problem: texts.noApiBase(apiBase.message), values: input, log: apiBase.message });
			const result = await checkWithPlatform(n8nSend(this), {
				apiBase,
				tenantId: String(item.tenantId),
				clientId: String(item.clientId),
				password: String(input.password).trim(),
				timeout: CHECK_TIMEOUT_MS,
			});
			if (!result.ok) {
				if (result.kind === 'refused') {
					const problem = texts.platformRefused(String(item.tenantId), result.status);
					return refuse(this, 400, keys, { problem, values: input, log: result.message });
				}
				return refuse(this, 502, keys, { problem: texts.platformNotAsked(result.message), values: input, log: result.message });
			}
		}
		// For Confirm Delivery's Stored page: the person's language, and whether the platform checked the entry.
		const outcome: FormOutcome = { language: settings.language, checkedWithPlatform: settings.checked };
		return { workflowData: [[{ json: { ...item, form: { ...outcome } } }]] };
	}
}
