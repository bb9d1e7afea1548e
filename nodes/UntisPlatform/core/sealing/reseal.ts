import type { JsonObject } from '../webhook/events';
import { isSealed, type Sealer } from './sealing';

/**
 * Reseal: moves an item's sealed fields to the current key and format (sealed:v2 bound to the
 * item's tenant and field), the step that lets a vendor rotate the Encryption Key. Plain values,
 * other fields and values already current are left as they are, so running it twice changes
 * nothing the second time.
 */
export interface ResealResult {
	json: JsonObject;
	/** The fields whose value changed (v1, or a previous key). */
	resealed: string[];
}

export function resealFields(sealer: Sealer, item: JsonObject, fields: readonly string[], tenantId: string): ResealResult {
	const json: JsonObject = { ...item };
	const resealed: string[] = [];
	for (const field of fields) {
		const value = json[field];
		if (!isSealed(value)) continue;
		const context = { tenantId, field };
		// Opened even when current: a value that belongs to another tenant or field is reported here,
		// during the rotation, rather than at the next token request.
		const plaintext = sealer.unseal(value, context);
		if (sealer.isCurrent(value)) continue;
		json[field] = sealer.seal(plaintext, context);
		resealed.push(field);
	}
	return { json, resealed };
}
