import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { AnswerCache, calendarAnswers, MAX_TTL_SECONDS } from '../../core/calendar/answerCache';
import { CalendarRefusal, eventsOf, type EventProperty, type FieldMap } from '../../core/calendar/calendarEvents';
import { isTimeZone } from '../../core/calendar/calendarTime';
import { calendarTriggerOf, requestOfTriggerItem } from '../../core/calendar/calendarTrigger';
import { CALENDAR_CONTENT_TYPE, writeCalendar } from '../../core/calendar/icalWriter';
import { forOperation, type Operation } from '../operation';
import { optionsCollection } from '../requestOptions';

/**
 * The Calendar API's answer: every input item becomes a VEVENT of the fields the vendor mapped,
 * and the calendar answers the Calendar Trigger's request through n8n's sendResponse, as Respond
 * to Webhook does, once per execution and as soon as it is built. Items pass through unchanged.
 */
const show = forOperation('respondWithCalendar');

/** The optional properties: parameter name, property, label, help. */
const OPTIONAL: Array<[string, EventProperty, string, string]> = [
	['colorField', 'X_COLOR', 'Color Field (X_COLOR)', 'Field holding the colour as #RRGGBB, e.g. #E09FF0'],
	['descriptionField', 'DESCRIPTION', 'Description Field', 'Field holding the description; may span several lines and hold links'],
	['groupNameField', 'X_GROUPNAME', 'Group Name Field (X_GROUPNAME)', 'Field holding a school-internal grouping'],
	['linkField', 'X_LINK', 'Link Field (X_LINK)', "Field holding the https:// URL that opens the event in your app (WebUntis shows a button named after it)"],
	['locationField', 'LOCATION', 'Location Field', 'Field holding the location, e.g. the room'],
	['statusField', 'STATUS', 'Status Field', 'Field holding CONFIRMED, CANCELLED or TENTATIVE (any case); the platform assumes CONFIRMED when it is left out'],
	['summaryField', 'SUMMARY', 'Summary Field', 'Field holding the title shown in the timetable'],
	['uidField', 'UID', 'UID Field', "Field holding the event's ID: digits, optionally followed by '-' and text (e.g. 4711-exam)"],
];

function fieldMapOf(context: IExecuteFunctions): FieldMap {
	const map: FieldMap = {
		DTSTART: String(context.getNodeParameter('startField', 0, 'start') ?? '').trim(),
		DTEND: String(context.getNodeParameter('endField', 0, 'end') ?? '').trim(),
	};
	const fields = context.getNodeParameter('eventFields', 0, {}) as IDataObject;
	for (const [name, property] of OPTIONAL) {
		const field = fields[name];
		if (typeof field === 'string' && field.trim() !== '') map[property] = field.trim();
	}
	return map;
}

function fail(context: IExecuteFunctions, message: string, description: string, itemIndex = 0): never {
	throw new NodeOperationError(context.getNode(), message, { itemIndex, description });
}

async function respond(context: IExecuteFunctions): Promise<void> {
	const node = context.getNode();
	const trigger = calendarTriggerOf(context.getParentNodes(node.name));
	if (!trigger) {
		fail(context, 'Respond with Calendar answers the request of an Untis Platform Calendar Trigger, and none comes before this node', 'Start the workflow with the Untis Platform Calendar Trigger, or remove this node.');
	}
	const request = requestOfTriggerItem(context.getWorkflowDataProxy(0).$items(trigger.name)[0]?.json);
	if (!request) fail(context, `The output of '${trigger.name}' is not a calendar request`, 'Run the workflow from the Calendar Trigger (pinned data must keep its tenantId, user, startDate and endDate).');

	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const timeZone = String(options.timeZone || context.getTimezone());
	if (!isTimeZone(timeZone)) fail(context, `Time zone '${timeZone.slice(0, 60)}' is unknown`, 'Use an IANA time zone name, e.g. Europe/Vienna.');

	let body: string;
	try {
		body = writeCalendar(eventsOf(context.getInputData().map((item) => item.json), fieldMapOf(context), timeZone, request));
	} catch (error) {
		if (!(error instanceof CalendarRefusal)) throw new NodeOperationError(node, error as Error);
		fail(context, error.message, 'Fix the value in the item, or map another field: the platform would show no event of this calendar.', error.itemIndex);
	}
	await context.sendResponse({ body, headers: { 'content-type': CALENDAR_CONTENT_TYPE }, statusCode: 200 });

	const ttl = Number(options.cacheSeconds ?? 0);
	const workflowId = context.getWorkflow().id;
	if (ttl > 0 && workflowId && context.getMode() !== 'manual') calendarAnswers.set(AnswerCache.keyOf(workflowId, request), body, ttl);
}

async function execute(context: IExecuteFunctions, index: number, item: INodeExecutionData): Promise<IDataObject> {
	if (index === 0) await respond(context);
	return item.json;
}

const optionalFields: INodeProperties[] = OPTIONAL.map(([name, , displayName, description]) => ({
	displayName,
	name,
	type: 'string',
	default: '',
	placeholder: name.replace(/Field$/, ''),
	description: `${description}. Leave empty to leave it out.`,
}));

export const respondWithCalendar: Operation = {
	option: {
		name: 'Respond with Calendar',
		value: 'respondWithCalendar',
		description: "Answer the Calendar Trigger's request with the input items as an iCal calendar",
		action: 'Respond with a calendar',
	},
	fields: [
		{
			displayName:
				"Answers the Untis Platform Calendar Trigger's request with one iCal calendar of all input items (one event each), as soon as it is built; items pass through unchanged. Only the fields mapped here reach the answer, and events outside the requested dates are left out.",
			name: 'respondWithCalendarNotice',
			type: 'notice',
			default: '',
			displayOptions: show,
		},
		{
			displayName: 'Start Field (DTSTART)',
			name: 'startField',
			type: 'string',
			default: 'start',
			required: true,
			description:
				"Name of the item field holding the start: a date (YYYY-MM-DD) for an all-day event, or a date-time. Without an offset it is the school's local time; with Z or an offset it is converted to the Time Zone option.",
			displayOptions: show,
		},
		{
			displayName: 'End Field (DTEND)',
			name: 'endField',
			type: 'string',
			default: 'end',
			required: true,
			description: 'Name of the item field holding the end, of the same kind as the start. For an all-day event it is the last day, included.',
			displayOptions: show,
		},
		{
			displayName: 'Event Fields',
			name: 'eventFields',
			type: 'collection',
			placeholder: 'Map Field',
			default: {},
			description: 'More item fields to put in each event; nothing else of the items reaches the answer',
			displayOptions: show,
			options: optionalFields,
		},
		optionsCollection(show, [
				{
					displayName: 'Cache For (Seconds)',
					name: 'cacheSeconds',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: MAX_TTL_SECONDS },
					default: 0,
					description: `Answer the same user and dates from memory for this long, without running the workflow (0: off, at most ${MAX_TTL_SECONDS}). Per n8n process; no effect in queue mode.`,
				},
				{
					displayName: 'Time Zone',
					name: 'timeZone',
					type: 'string',
					default: '',
					placeholder: 'Europe/Vienna',
					description: "The school's IANA time zone, used only for start and end values given with Z or an offset. Empty: the workflow's time zone.",
				},
		]),
	],
	execute,
};
