'use strict';
/**
 * The onboarding example (examples/1-onboarding.workflow.json) under another id and webhook, with
 * its Acknowledge mode and storage table set, as the guarantee and fault suites run it side by side.
 * With Acknowledge 'confirmDelivery' the companion node's Confirm Delivery goes right after the
 * upsert, as the README tells vendors to place it; `afterConfirm: 'fail'` makes the step after it
 * fail (the answer must already be out).
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '../..');
const ONBOARDING = join(ROOT, 'examples', '1-onboarding.workflow.json');

function onboardingVariant({ id, prefix, acknowledge, table = 'untis_tenants', afterConfirm = 'welcome' }) {
	const workflow = JSON.parse(readFileSync(ONBOARDING, 'utf8').replace(/f1000000-/g, prefix));
	workflow.id = id;
	workflow.name = `${workflow.name} (${acknowledge}${table === 'untis_tenants' ? '' : `, ${table}`}${afterConfirm === 'fail' ? ', fails after confirming' : ''})`;
	const [trigger, upsert, welcome] = workflow.nodes;
	trigger.parameters.acknowledge = acknowledge;
	upsert.parameters.dataTableId.value = table;
	if (acknowledge !== 'confirmDelivery') return workflow;

	const confirm = {
		id: `${prefix}0000-4000-8000-0000000000c1`,
		name: 'Confirm delivery',
		type: 'n8n-nodes-untis-platform.untisPlatform',
		typeVersion: 1,
		position: [upsert.position[0] + 220, upsert.position[1]],
		parameters: { operation: 'confirmDelivery' },
	};
	const next =
		afterConfirm === 'fail'
			? {
					id: `${prefix}0000-4000-8000-0000000000c2`,
					name: 'A later step fails',
					type: 'n8n-nodes-base.stopAndError',
					typeVersion: 1,
					position: [welcome.position[0] + 220, welcome.position[1]],
					parameters: { errorMessage: 'welcome email failed' },
				}
			: welcome;
	workflow.nodes = [trigger, upsert, confirm, next];
	workflow.connections = {
		[trigger.name]: workflow.connections[trigger.name],
		[upsert.name]: { main: [[{ node: confirm.name, type: 'main', index: 0 }]] },
		[confirm.name]: { main: [[{ node: next.name, type: 'main', index: 0 }]] },
	};
	return workflow;
}

module.exports = { onboardingVariant };
