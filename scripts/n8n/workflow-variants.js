'use strict';
/**
 * The onboarding example (examples/1-onboarding.workflow.json: trigger -> upsert -> Confirm
 * Delivery -> welcome step) under another id and webhook, with its Acknowledge mode and storage
 * table set, as the guarantee, fault and soak suites run it side by side. For the modes that do
 * not wait for Confirm Delivery the node is taken out (upsert -> welcome step), as a vendor would;
 * `afterConfirm: 'fail'` puts a failing step after Confirm Delivery (the answer must already be out).
 * The example's mails after Confirm Delivery (welcome, operations notice) and its Error Workflow are
 * replaced by one no-op step: these suites measure acknowledgement and storage, not mail, and need
 * no SMTP server (test/e2e/notifications.e2e.test.cts proves the mails).
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '../..');
const ONBOARDING = join(ROOT, 'examples', '1-onboarding.workflow.json');

const link = (to) => ({ main: [[{ node: to.name, type: 'main', index: 0 }]] });

function onboardingVariant({ id, prefix, acknowledge, table = 'untis_tenants', afterConfirm = 'welcome' }) {
	const workflow = JSON.parse(readFileSync(ONBOARDING, 'utf8').replace(/f1000000-/g, prefix));
	workflow.id = id;
	workflow.name = `${workflow.name} (${acknowledge}${table === 'untis_tenants' ? '' : `, ${table}`}${afterConfirm === 'fail' ? ', fails after confirming' : ''})`;
	const [trigger, upsert, confirm] = workflow.nodes;
	if (confirm.parameters.operation !== 'confirmDelivery') throw new Error('examples/1-onboarding: the third node is no longer Confirm Delivery');
	const welcome = {
		id: `${prefix}0000-4000-8000-000000000003`,
		name: 'Welcome the school (log step)',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [820, -100],
		parameters: {},
	};
	workflow.settings = { executionOrder: workflow.settings.executionOrder };
	workflow.nodes = [trigger, upsert, confirm, welcome];
	workflow.connections = { [trigger.name]: workflow.connections[trigger.name], [upsert.name]: link(confirm), [confirm.name]: link(welcome) };
	trigger.parameters.acknowledge = acknowledge;
	upsert.parameters.dataTableId.value = table;
	const triggerLinks = workflow.connections[trigger.name];
	if (acknowledge !== 'confirmDelivery') {
		workflow.nodes = [trigger, upsert, welcome];
		workflow.connections = { [trigger.name]: triggerLinks, [upsert.name]: link(welcome) };
		return workflow;
	}
	if (afterConfirm === 'fail') {
		const fail = {
			id: `${prefix}0000-4000-8000-0000000000c2`,
			name: 'A later step fails',
			type: 'n8n-nodes-base.stopAndError',
			typeVersion: 1,
			position: welcome.position,
			parameters: { errorMessage: 'welcome email failed' },
		};
		workflow.nodes = [trigger, upsert, confirm, fail];
		workflow.connections = { [trigger.name]: triggerLinks, [upsert.name]: link(confirm), [confirm.name]: link(fail) };
	}
	return workflow;
}

module.exports = { onboardingVariant };
