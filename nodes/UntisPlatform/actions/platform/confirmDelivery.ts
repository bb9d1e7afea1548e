import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { confirmationOf, confirmingTriggerProblem, isManualEntryTrigger } from '../../core/webhook/confirmation';
import { MANUAL_EVENT_TYPE } from '../../core/webhook/manualEntry';
import { storedPage } from '../../core/webhook/manualEntryForm';
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
		const fromForm = item.json.eventType === MANUAL_EVENT_TYPE && parents.some(isManualEntryTrigger);
		await context.sendResponse(
			fromForm
				? { body: storedPage(item.json.tenantId), headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, statusCode: 200 }
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
