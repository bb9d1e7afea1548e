import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { confirmationOf, confirmingTriggerProblem, isManualEntryTrigger, type ParentNode } from '../../core/webhook/confirmation';
import { MANUAL_EVENT_TYPE } from '../../core/webhook/manualEntry';
import { storedPage, type FormOutcome } from '../../core/webhook/manualEntryForm';
import { ACK_CONFIRM_DELIVERY } from '../../shared/acknowledge';
import { forOperation, type Operation } from '../operation';

/**
 * The answer for Acknowledge "When Confirm Delivery Runs": n8n holds the platform's request open
 * (response mode responseNode) until a node sends the response, as Respond to Webhook does. This
 * operation sends it once per execution, for the first item, and passes every item through. Its
 * place in the workflow, right after the node that stores the event, is what makes a 2xx mean
 * "stored"; in queue mode the answer travels from the worker's own run, not from the execution
 * as saved (which n8n may have failed to save).
 */
const show = forOperation('confirmDelivery');

/**
 * What the form's trigger did with this submission, from its item (`form`, `secrets`), so the
 * Stored page says only what happened. Without it (an item from before 2.1.0), from the
 * trigger's parameters as this execution ran them.
 */
function formOutcome(context: IExecuteFunctions, form: ParentNode): FormOutcome & { sealed: boolean } {
	let json: IDataObject | undefined;
	try {
		json = context.getWorkflowDataProxy(0).$node[form.name]?.json as IDataObject | undefined;
	} catch {
		json = undefined;
	}
	const told = (json?.form ?? {}) as Partial<FormOutcome>;
	const setting = form.parameters?.language;
	return {
		language: told.language === 'de' || told.language === 'en' ? told.language : setting === 'de' ? 'de' : 'en',
		checkedWithPlatform: typeof told.checkedWithPlatform === 'boolean' ? told.checkedWithPlatform : form.parameters?.checkWithPlatform !== false,
		sealed: json ? json.secrets === 'sealed' : (form.parameters?.secrets ?? 'seal') === 'seal',
	};
}

async function execute(context: IExecuteFunctions, index: number, item: INodeExecutionData): Promise<IDataObject> {
	if (index === 0) {
		const node = context.getNode();
		const parents = context.getParentNodes(node.name, { includeNodeParameters: true });
		const problem = confirmingTriggerProblem(parents, ACK_CONFIRM_DELIVERY);
		if (problem) {
			throw new NodeOperationError(node, problem, {
				itemIndex: index,
				description: "Open the Untis Platform Trigger and set Acknowledge to 'When Confirm Delivery Runs', or remove this node.",
			});
		}
		// A person submitted the package's form: they get a page, not the platform's JSON.
		const form = item.json.eventType === MANUAL_EVENT_TYPE ? parents.find(isManualEntryTrigger) : undefined;
		await context.sendResponse(
			form
				? { body: storedPage(item.json.tenantId, formOutcome(context, form)), headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, statusCode: 200 }
				: { body: confirmationOf(item.json), headers: {}, statusCode: 200 },
		);
	}
	return item.json;
}

export const confirmDelivery: Operation = {
	option: {
		name: 'Confirm Delivery',
		value: 'confirmDelivery',
		description: "Answer the platform's request with 200 once the event is stored (trigger's Acknowledge: When Confirm Delivery Runs), or the Manual Entry form with 'Stored'",
		action: 'Confirm the delivery to the platform',
	},
	fields: [
		{
			displayName:
				"Answers the Untis Platform Trigger's request with 200 {received, confirmed, deliveryId}, once per execution; items pass through unchanged. Place it right after the node that stores the event: the platform does not send an acknowledged event again.",
			name: 'confirmDeliveryNotice',
			type: 'notice',
			default: '',
			displayOptions: show,
		},
	],
	execute,
};
