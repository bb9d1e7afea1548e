import { isCalendarDate } from './calendarTime';
import type { CalendarRequest } from './calendarRequest';

/** The Calendar Trigger's node type, as n8n names it in a workflow (package prefix dropped). */
export const CALENDAR_TRIGGER_TYPE = 'untisPlatformCalendarTrigger';

export interface ParentNode {
	name: string;
	type: string;
	disabled?: boolean;
}

/** The enabled Calendar Trigger that feeds a node, if any. */
export function calendarTriggerOf(parents: readonly ParentNode[]): ParentNode | undefined {
	return parents.find((node) => node.type.split('.').pop() === CALENDAR_TRIGGER_TYPE && !node.disabled);
}

/** The request as the trigger emitted it, or undefined if the item is not the trigger's. */
export function requestOfTriggerItem(json: Record<string, unknown> | undefined): CalendarRequest | undefined {
	if (!json) return undefined;
	const { tenantId, user, startDate, endDate } = json;
	if (typeof tenantId !== 'string' || typeof user !== 'string') return undefined;
	if (typeof startDate !== 'string' || typeof endDate !== 'string' || !isCalendarDate(startDate) || !isCalendarDate(endDate)) return undefined;
	return { tenantId, user, startDate, endDate };
}
