'use strict';
/**
 * The onboarding example (examples/1-onboarding.workflow.json: trigger -> upsert -> Confirm
 * Delivery -> welcome step) under another id and webhook, with its Acknowledge mode and storage
 * table set, as the guarantee, fault and soak suites run it side by side. For the modes that do
 * not wait for Confirm Delivery the node is taken out (upsert -> welcome step), as a vendor would;
 * `afterConfirm: 'fail'` puts a failing step after Confirm Delivery (the answer must already be out).
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
	const [trigger, upsert, confirm, welcome] = workflow.nodes;
	if (confirm.parameters.operation !== 'confirmDelivery') throw new Error('examples/1-onboarding: the third node is no longer Confirm Delivery');
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
