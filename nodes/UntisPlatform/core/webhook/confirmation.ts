/**
 * Confirm Delivery, the pure part: which trigger it answers for, and what it answers.
 * The answer names the delivery and nothing else of the item (never a secret).
 */

export interface ParentNode {
	name: string;
	type: string;
	disabled?: boolean;
	parameters?: Record<string, unknown>;
}

/** The trigger's type name without its package prefix (n8n-nodes-untis-platform., or CUSTOM. in development). */
const TRIGGER_TYPE = 'untisPlatformTrigger';

const isTrigger = (node: ParentNode) => node.type.split('.').pop() === TRIGGER_TYPE;
/** The manual-entry form's trigger: it always waits for Confirm Delivery. */
const FORM_TRIGGER_TYPE = 'untisPlatformManualEntryTrigger';
export const isManualEntryTrigger = (node: ParentNode) => node.type.split('.').pop() === FORM_TRIGGER_TYPE && !node.disabled;

/**
 * Why Confirm Delivery cannot answer for these parent nodes, or undefined when an enabled
 * Untis Platform Trigger before it waits for it (its Acknowledge is `confirmValue`).
 */
export function confirmingTriggerProblem(parents: ParentNode[], confirmValue: string): string | undefined {
	const triggers = parents.filter((node) => isTrigger(node) && !node.disabled);
	if (parents.some(isManualEntryTrigger)) return undefined;
	if (triggers.length === 0) {
		return 'Confirm Delivery answers the Untis Platform Trigger or the Manual Entry Trigger, and neither comes before this node';
	}
	if (triggers.some((node) => node.parameters?.acknowledge === confirmValue)) return undefined;
	const names = triggers.map((node) => `'${node.name}'`).join(', ');
	return `The Untis Platform Trigger ${names} does not wait for Confirm Delivery: its Acknowledge is not 'When Confirm Delivery Runs', so the platform was answered already or will be answered at the end`;
}

/** The body of the 200: enough for the vendor's logs, nothing of the school's credentials. */
export function confirmationOf(json: Record<string, unknown>): { received: true; confirmed: true; deliveryId?: string } {
	const deliveryId = json.deliveryId;
	return typeof deliveryId === 'string' && /^[0-9a-f]{1,128}$/.test(deliveryId)
		? { received: true, confirmed: true, deliveryId }
		: { received: true, confirmed: true };
}

/**
 * What the trigger answers a test event (the editor's Test URL) when it waits for Confirm Delivery.
 * n8n may run the trigger alone there ('Execute step'), and would then answer an empty 200 as if
 * something had been confirmed: this answer comes at once and says that nothing was.
 */
export function testEventAnswer(deliveryId: unknown): Record<string, unknown> {
	const confirmation = confirmationOf({ deliveryId });
	return {
		...confirmation,
		confirmed: false,
		test: true,
		reason: 'A test event is answered at once and confirms nothing. The Production URL answers when Confirm Delivery runs.',
	};
}
