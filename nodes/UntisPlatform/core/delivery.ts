import { hash } from 'node:crypto';

import {
	filterKeyOf,
	parseEvent,
	SECRET_FIELDS,
	type JsonObject,
	type PlatformEvent,
} from './events';
import type { VerificationKey } from './keys';
import { Rejection } from './rejections';
import type { Sealer } from './sealing';
import { verifySignature, type AlgorithmName, type SignedRequest } from './signature';
import { isoTimestamp } from './timestamps';

/**
 * A delivery: one signed request turned into the trigger's output item — the event contract
 * that workflows build on. Order matters: the signature is verified before any field is read.
 */
export type SecretsMode = 'seal' | 'plain' | 'omit';

export type SecretsPolicy =
	| { mode: 'seal'; sealer: Sealer }
	| { mode: 'plain' }
	| { mode: 'omit' };

export interface ReceiveOptions {
	keys: readonly VerificationKey[];
	algorithms: readonly AlgorithmName[];
	secrets: SecretsPolicy;
	/** Adds `payload`: the body as parsed, with secrets treated like the top-level fields. */
	includePayload?: boolean;
	now?: Date;
}

export interface Delivery {
	/** 0 = Credentials, 1 = Deactivation. */
	output: 0 | 1;
	/** What the Events filter matches: the event type, V1, or OTHER. */
	filterKey: string;
	json: JsonObject;
}

/** Same body, same id: redeliveries and replays can be recognised downstream. */
export function deliveryIdOf(body: Buffer): string {
	// One-shot hash (Node >= 20.12): half the cost of createHash().update().digest() on small bodies.
	return hash('sha256', body, 'hex');
}

/** Seals (as sealed:v2, bound to the event's tenant and the field's name) or omits the secrets. */
function protectSecrets(target: JsonObject, policy: SecretsPolicy, tenantId: string): void {
	for (const field of SECRET_FIELDS) {
		const value = target[field];
		if (typeof value !== 'string') continue;
		if (policy.mode === 'seal') target[field] = policy.sealer.seal(value, { tenantId, field });
		else if (policy.mode === 'omit') target[field] = null;
	}
}

// Placed first, in this order; the event's remaining fields follow in the event's own order.
const HEAD = new Set(['event', 'eventType', 'tenantId', 'tenantStatus', 'extra']);
const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/** The output item for an event: the contract shared by the trigger and manual entry. */
export function eventItem(
	event: PlatformEvent,
	body: Buffer,
	verification: { algorithm: string | null; key: string },
	options: Pick<ReceiveOptions, 'secrets' | 'includePayload' | 'now'>,
): JsonObject {
	const json: JsonObject = {
		event: event.event,
		eventType: event.eventType,
		tenantId: event.tenantId,
		tenantStatus: event.tenantStatus,
		deliveryId: deliveryIdOf(body),
		receivedAt: options.now ? options.now.toISOString() : isoTimestamp(),
		verification: { algorithm: verification.algorithm, key: verification.key },
	};
	const fields = event as unknown as JsonObject;
	for (const key of Object.keys(fields)) {
		if (!HEAD.has(key)) json[key] = fields[key];
	}
	// Unknown fields are kept; the contract's own fields win a name clash.
	for (const key of Object.keys(event.extra)) {
		if (!hasOwn(json, key)) json[key] = event.extra[key];
	}
	if (event.event === 'credentials') {
		protectSecrets(json, options.secrets, event.tenantId);
		json.secrets = SECRETS_LABEL[options.secrets.mode];
	}
	if (options.includePayload) {
		const payload = JSON.parse(body.toString('utf8').replace(/^\uFEFF/, '')) as JsonObject;
		protectSecrets(payload, options.secrets, event.tenantId);
		json.payload = payload;
	}
	return json;
}

const SECRETS_LABEL = { seal: 'sealed', plain: 'plain', omit: 'omitted' } as const;

/**
 * Verifies, parses and shapes one request. Returns a Rejection (401 before verification, 400
 * after it) that names the problem without quoting the body; throws only on a bug.
 */
export function receiveDelivery(request: SignedRequest, options: ReceiveOptions): Delivery | Rejection {
	const verification = verifySignature(request, options.keys, options.algorithms);
	if (verification instanceof Rejection) return verification;
	let event: PlatformEvent | undefined;
	let failure: unknown;
	try {
		event = parseEvent(request.body);
	} catch (error) {
		failure = error;
	}
	if (event === undefined) {
		if (failure instanceof Rejection) return failure;
		throw failure; // a bug, not a bad body
	}
	return {
		output: event.event === 'credentials' ? 0 : 1,
		filterKey: filterKeyOf(event),
		json: eventItem(event, request.body, verification, options),
	};
}
