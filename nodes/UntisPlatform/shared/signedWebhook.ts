import {
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { bodyReadRejection } from '../core/webhook/bodyRead';
import { CredentialCache, type CachedCredential } from '../core/webhook/credentialCache';
import type { CredentialData } from '../core/webhook/credentialCheck';
import type { VerificationKey } from '../core/webhook/keys';
import { dependsOnKeys, Rejection } from '../core/webhook/rejections';
import {
	DEFAULT_ALGORITHM,
	isDefaultAlgorithm,
	verifySignature,
	type AlgorithmName,
	type SignedRequest,
	type Verified,
} from '../core/webhook/signature';
import { algorithmsFrom } from './verificationOptions';
import { logRefusal } from './refusalLog';

/**
 * The n8n side of receiving a signed platform request, for both triggers: the raw body, the
 * credential's keys from a per-workflow cache, the allow-list, and one re-read of a changed
 * credential when a signature fails. Nothing here reads the body's fields.
 */
// Returns n8n's promise as is: an async wrapper would add a promise to every request.
export const credentialOf = (context: IWebhookFunctions | IHookFunctions) =>
	context.getCredentials('untisPlatformApi') as unknown as Promise<CredentialData>;

/**
 * One entry per workflow and credential: n8n checks a workflow's access to a credential on each
 * read, so one workflow must never use what another read. Undefined for the Test URL (manual
 * mode), which reads the credential on every request, and for an unsaved workflow.
 */
export function cacheKeyOf(context: IWebhookFunctions | IHookFunctions): string | undefined {
	if (context.getMode?.() === 'manual') return undefined;
	const workflowId = context.getWorkflow().id;
	const credential = context.getNode().credentials?.untisPlatformApi;
	const credentialId = credential?.id ?? credential?.name;
	if (!workflowId || !credentialId) return undefined;
	return `${workflowId}\n${credentialId}`;
}

export interface SignedWebhook<T> {
	/** The node's name in log lines, e.g. 'Untis Platform Calendar Trigger'. */
	label: string;
	cache: CredentialCache<T, CredentialData>;
	derive: (credential: CredentialData) => T;
	keysOf: (derived: T) => readonly VerificationKey[];
	/** Why the credential cannot serve this node (answered 500 before any verification), or undefined. */
	problemOf?: (context: IWebhookFunctions, derived: T) => Error | undefined;
}

export interface SignedBody<T> {
	body: Buffer;
	verified: Verified;
	derived: T;
}

const NO_BODY = Buffer.alloc(0);
const DEFAULT_ONLY: readonly AlgorithmName[] = [DEFAULT_ALGORITHM];

async function cachedCredential<T>(context: IWebhookFunctions, setup: SignedWebhook<T>, key: string | undefined): Promise<CachedCredential<T>> {
	if (key === undefined) {
		try {
			return { fingerprint: '', value: setup.derive(await credentialOf(context)), readAt: 0 };
		} catch (error) {
			return { fingerprint: '', error: error as Error, readAt: 0 };
		}
	}
	return setup.cache.fresh(key) ?? setup.cache.read(key, () => credentialOf(context));
}

/** What verification needs from the credential, or why it cannot be used. */
function usable<T>(context: IWebhookFunctions, setup: SignedWebhook<T>, credential: CachedCredential<T>): T | Error {
	if (credential.error) return credential.error;
	const derived = credential.value as T;
	try {
		return setup.problemOf?.(context, derived) ?? derived;
	} catch (error) {
		return error as Error;
	}
}

function verify<T>(context: IWebhookFunctions, setup: SignedWebhook<T>, request: SignedRequest, derived: T, algorithms: readonly AlgorithmName[]): Verified | Rejection {
	try {
		return verifySignature(request, setup.keysOf(derived), algorithms);
	} catch (error) {
		// A bug, not a bad request: n8n reports it as the node's error.
		throw new NodeOperationError(context.getNode(), error as Error);
	}
}

/**
 * Reads and verifies one request. Returns the verified body, or the answer already sent
 * (401/400/413 rejection, 500 misconfiguration), in which case nothing may start.
 */
export async function receiveSigned<T>(context: IWebhookFunctions, setup: SignedWebhook<T>): Promise<SignedBody<T> | IWebhookResponseData> {
	const req = context.getRequestObject();
	if (!req.rawBody) {
		// Whatever happens while reading an unverified body is answered here, never thrown.
		let unread: Rejection | undefined;
		try {
			await req.readRawBody();
		} catch (error) {
			unread = bodyReadRejection(error);
		}
		if (unread) return reject(context, setup.label, unread);
	}
	const key = cacheKeyOf(context);
	const credential = await cachedCredential(context, setup, key);
	let derived = usable(context, setup, credential);
	if (derived instanceof Error) return misconfigured(context, setup.label, derived);
	const request: SignedRequest = { body: req.rawBody ?? NO_BODY, authorization: req.headers.authorization, algorithm: req.headers.algorithm };
	let algorithms = DEFAULT_ONLY;
	if (!isDefaultAlgorithm(request.algorithm)) {
		// Only another Algorithm header needs the Additional Algorithms option read.
		try {
			algorithms = algorithmsFrom(context.getNodeParameter('options', {}) as IDataObject);
		} catch (error) {
			return misconfigured(context, setup.label, error as Error);
		}
	}
	let verified = verify(context, setup, request, derived, algorithms);
	if (verified instanceof Rejection && key !== undefined && dependsOnKeys(verified) && setup.cache.mayReread(key, credential)) {
		// A key added since the credential was cached verifies at once (at most one read a second).
		const newer = await setup.cache.reread(key, () => credentialOf(context), credential);
		if (newer) {
			derived = usable(context, setup, newer);
			if (derived instanceof Error) return misconfigured(context, setup.label, derived);
			verified = verify(context, setup, request, derived, algorithms);
		}
	}
	if (verified instanceof Rejection) return reject(context, setup.label, verified);
	return { body: request.body, verified, derived };
}

/** Answers with a status and a body, and tells n8n to send nothing more and start nothing. */
export function answer(context: IWebhookFunctions, status: number, body: IDataObject | string, contentType?: string): IWebhookResponseData {
	try {
		const res = context.getResponseObject().status(status);
		if (typeof body === 'string') {
			res.setHeader('content-type', contentType ?? 'text/plain; charset=utf-8');
			res.send(body);
		} else res.json(body);
	} catch {
		// The client is gone (aborted mid-body): there is no one to answer, and still nothing starts.
	}
	// The node answered itself: n8n sends nothing more and starts no execution.
	return { noWebhookResponse: true };
}

export function reject(context: IWebhookFunctions, label: string, rejection: Rejection): IWebhookResponseData {
	// The reason only: never the body, and header values are quoted shortened. One structured,
	// flood-bounded line (shared/refusalLog.ts; docs/monitoring.md).
	logRefusal(context, label, rejection.code, rejection.status, `${label} rejected a request with ${rejection.status} (${rejection.code}): ${rejection.message}`);
	return answer(context, rejection.status, { error: rejection.message });
}

export function misconfigured(context: IWebhookFunctions, label: string, error: Error): IWebhookResponseData {
	// An error, not a warning: the vendor has to fix it. Bounded like the refusals, since every
	// request to a misconfigured trigger, genuine or forged, meets it.
	logRefusal(context, label, 'misconfigured', 500, `${label} is misconfigured: ${error.message}`, 'error');
	return answer(context, 500, { error: `${label} is misconfigured; see the n8n log` });
}
