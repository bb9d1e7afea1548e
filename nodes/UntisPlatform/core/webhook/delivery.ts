import type { DeliveryIds } from './deliveryIds';
import {
	filterKeyOf,
	parseEvent,
	SECRET_FIELDS,
	type JsonObject,
	type PlatformEvent,
} from './events';
import type { VerificationKey } from './keys';
import { Rejection } from './rejections';
import type { Sealer } from '../sealing/sealing';
import { verifySignature, type AlgorithmName, type SignedRequest, type Verified } from './signature';
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
	/** Keys the deliveryId (same body, same id) with the credential's Encryption Key. */
	deliveryIds: DeliveryIds;
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

/**
 * Applies the Secrets setting to `secret` and `password` at the top level of any verified body:
 * a deactivation or an unknown event type that carries them gets the same protection as a
 * credentials event. Sealed values are sealed:v2, bound to the event's tenant and the field's
 * name. A value that is not a string (only possible outside credentials events, which require
 * strings) is sealed as its JSON text.
 */
function protectSecrets(target: JsonObject, policy: SecretsPolicy, tenantId: string): void {
	if (policy.mode === 'plain') return;
	for (const field of SECRET_FIELDS) {
		const value = target[field];
		if (value === undefined || value === null) continue;
		if (policy.mode === 'omit') target[field] = null;
		else target[field] = policy.sealer.seal(typeof value === 'string' ? value : JSON.stringify(value), { tenantId, field });
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
	options: Pick<ReceiveOptions, 'secrets' | 'deliveryIds' | 'includePayload' | 'now'>,
): JsonObject {
	const json: JsonObject = {
		event: event.event,
		eventType: event.eventType,
		tenantId: event.tenantId,
		tenantStatus: event.tenantStatus,
		deliveryId: options.deliveryIds.of(body),
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
	protectSecrets(json, options.secrets, event.tenantId);
	if (event.event === 'credentials') json.secrets = SECRETS_LABEL[options.secrets.mode];
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
	return deliveryOf(request.body, verification, options);
}

/**
 * The second half of receiveDelivery, for a body that verifySignature has verified: parses and
 * shapes it, or returns the 400 Rejection for a verified body that is no event.
 */
export function deliveryOf(
	body: Buffer,
	verification: Verified,
	options: Pick<ReceiveOptions, 'secrets' | 'deliveryIds' | 'includePayload' | 'now'>,
): Delivery | Rejection {
	let event: PlatformEvent | undefined;
	let failure: unknown;
	try {
		event = parseEvent(body);
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
		json: eventItem(event, body, verification, options),
	};
}
