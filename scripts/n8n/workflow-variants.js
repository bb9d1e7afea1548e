'use strict';
/**
 * The onboarding example (examples/1-onboarding.workflow.json: trigger -> the ordered, idempotent
 * storage chain (ledger, conditional write) -> Confirm Delivery -> welcome step) under another id and
 * webhook, with its Acknowledge mode and storage table set, as the guarantee, fault and soak suites
 * run it side by side. For the modes that do not wait for Confirm Delivery the Confirm Delivery nodes
 * are taken out (storage -> welcome step), as a vendor would; `afterConfirm: 'fail'` puts a failing
 * step after Confirm Delivery (the answer must already be out). The example's mails after Confirm
 * Delivery (welcome, operations notice) and its Error Workflow are replaced by one no-op step: these
 * suites measure acknowledgement and storage, not mail, and need no SMTP server
 * (test/e2e/notifications.e2e.test.cts proves the mails).
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '../..');
const ONBOARDING = join(ROOT, 'examples', '1-onboarding.workflow.json');

const link = (to) => ({ main: [[{ node: to.name, type: 'main', index: 0 }]] });

const CONFIRM = 'Confirm delivery';
const NOTHING_TO_DO = 'Confirm delivery (nothing to do)';

function onboardingVariant({ id, prefix, acknowledge, table = 'untis_tenants', afterConfirm = 'welcome' }) {
	const workflow = JSON.parse(readFileSync(ONBOARDING, 'utf8').replace(/f1000000-/g, prefix));
	workflow.id = id;
	workflow.name = `${workflow.name} (${acknowledge}${table === 'untis_tenants' ? '' : `, ${table}`}${afterConfirm === 'fail' ? ', fails after confirming' : ''})`;
	const byName = Object.fromEntries(workflow.nodes.map((node) => [node.name, node]));
	const confirm = byName[CONFIRM];
	if (!confirm || confirm.parameters.operation !== 'confirmDelivery' || !byName[NOTHING_TO_DO]) throw new Error('examples/1-onboarding: no Confirm Delivery nodes named as expected');
	// Everything up to Confirm Delivery stays: the storage chain as shipped.
	const upstream = new Set();
	const walk = (name) => {
		if (upstream.has(name) || name === CONFIRM || name === NOTHING_TO_DO) return;
		upstream.add(name);
		for (const output of workflow.connections[name]?.main ?? []) for (const c of output) walk(c.node);
	};
	walk(workflow.nodes[0].name);
	workflow.nodes[0].parameters.acknowledge = acknowledge;
	const storage = workflow.nodes.filter((node) => upstream.has(node.name));
	for (const node of storage) if (node.parameters.dataTableId?.value === 'untis_tenants') node.parameters.dataTableId.value = table;
	const welcome = {
		id: `${prefix}0000-4000-8000-000000000003`,
		name: 'Welcome the school (log step)',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: confirm.position,
		parameters: {},
	};
	workflow.settings = { executionOrder: workflow.settings.executionOrder };
	const connections = Object.fromEntries(Object.entries(workflow.connections).filter(([name]) => upstream.has(name)));
	// Links into a Confirm Delivery node: kept in that mode, cut (or led to the welcome step) otherwise.
	const retarget = (to, replacement) => {
		for (const [name, value] of Object.entries(connections)) {
			connections[name] = { main: value.main.map((output) => output.flatMap((c) => (c.node !== to ? [c] : replacement ? [{ ...c, node: replacement }] : []))) };
		}
	};
	if (acknowledge !== 'confirmDelivery') {
		retarget(CONFIRM, welcome.name);
		retarget(NOTHING_TO_DO, null);
		workflow.nodes = [...storage, welcome];
		workflow.connections = connections;
		return workflow;
	}
	const next = afterConfirm === 'fail'
		? { id: `${prefix}0000-4000-8000-0000000000c2`, name: 'A later step fails', type: 'n8n-nodes-base.stopAndError', typeVersion: 1, position: welcome.position, parameters: { errorMessage: 'welcome email failed' } }
		: welcome;
	workflow.nodes = [...storage, confirm, byName[NOTHING_TO_DO], next];
	workflow.connections = { ...connections, [CONFIRM]: link(next) };
	return workflow;
}

module.exports = { onboardingVariant };
