import type { IDataObject, WEBHOOK_RESOLVERS } from 'n8n-workflow';

/** The Acknowledge parameter's values. */
export const ACK_IMMEDIATELY = 'immediately';
export const ACK_AFTER_WORKFLOW = 'afterWorkflowSucceeds';
export const ACK_CONFIRM_DELIVERY = 'confirmDelivery';

interface DescriptionField {
	template: string;
	resolve: (parameters: IDataObject) => unknown;
}

// n8n reads the response mode from the webhook description on every request. A template string
// costs an expression evaluation each time (inside the per-request isolate under n8n 2.x's `vm`
// engine). n8n 2.x skips the engine when the field also carries a resolver under this registry
// symbol, the template is unchanged and the node's parameters hold no expressions. n8n 1.x
// ignores the symbol and evaluates the template, so both must agree: test/unit/trigger.test.cts
// checks them against n8n's own resolver and evaluator.
const RESOLVERS = Symbol.for('n8n.webhookDescriptionResolvers') as typeof WEBHOOK_RESOLVERS;

const afterWorkflow = (parameters: IDataObject) => parameters.acknowledge === ACK_AFTER_WORKFLOW;
const responseModeOf = (parameters: IDataObject) =>
	parameters.acknowledge === ACK_AFTER_WORKFLOW ? 'lastNode' : parameters.acknowledge === ACK_CONFIRM_DELIVERY ? 'responseNode' : 'onReceived';

const fields: Record<'responseMode' | 'responseData', DescriptionField> = {
	// onReceived: n8n answers with the node's webhookResponse once the execution is created.
	// lastNode: n8n answers when the workflow ends, 500 if it failed, so the platform retries.
	// responseNode: the companion node's Confirm Delivery answers (through n8n's sendResponse, as
	// Respond to Webhook does); n8n answers 500 if the workflow fails before it. In queue mode n8n
	// takes a lastNode answer from the execution as saved in the database, and answers 200 when the
	// worker could not save a failed end (docs/scaling.md); the responseNode answer comes from the
	// worker's run itself.
	responseMode: {
		template: `={{$parameter["acknowledge"] === "${ACK_AFTER_WORKFLOW}" ? "lastNode" : $parameter["acknowledge"] === "${ACK_CONFIRM_DELIVERY}" ? "responseNode" : "onReceived"}}`,
		resolve: responseModeOf,
	},
	// 'noData' keeps the last node's items (other tenants' rows, unsealed secrets) out of the
	// lastNode answer. Empty for onReceived, so n8n sends the webhookResponse (n8n 2.x otherwise
	// sends its default response-data name, 'firstEntryJson', as the body).
	responseData: {
		template: `={{$parameter["acknowledge"] === "${ACK_AFTER_WORKFLOW}" ? "noData" : ""}}`,
		resolve: (parameters) => (afterWorkflow(parameters) ? 'noData' : ''),
	},
};

/** Spread into the trigger's webhook description: the templates plus their native resolvers. */
export const acknowledgeResponseFields = {
	responseMode: fields.responseMode.template,
	responseData: fields.responseData.template,
	[RESOLVERS]: fields,
};
