'use strict';
/**
 * The order and idempotency cases of issue 36, for one n8n (test/e2e/order.e2e.test.cts) or a queue
 * cluster (the last tests of test/queue/trigger.queue.test.cts): pairs of signed events for one tenant sent 0-200 ms
 * apart, in both orders, to examples 1 and 2 as shipped, and what must hold after each pair.
 *
 *   const cases = orderCases({ send, waitFor, executionJson, row, mails });
 *   await cases.run('deactivation-reactivated', { tenant, order: 'first-second', gapMs });
 *
 * send(workflow, body) posts one signed body (answer status), waitFor(workflow, count, sinceId)
 * returns the executions since, executionJson(id) their node outputs, row(tenant) the stored row,
 * mails() every message so far. What is asserted (returned as a report; the test expects on it):
 * - the row follows the event received last (greatest receivedAt, then deliveryId: the examples'
 *   order), whatever order the executions ran in;
 * - a redelivery (same bytes, same deliveryId) changes nothing and sends nothing;
 * - the mails are exactly those of the changes of state that were stored, in order: one welcome when
 *   the school becomes active, one alert per change to deactivated or deleted, one operations notice
 *   per stored credentials event; nothing for an event that a later one had already superseded.
 */
const sim = require('../../tools/untis-platform-sim/sim.js');

const school = (tenant) => ({
	language: 'en',
	schoolEmail: `office@${tenant}.example`,
	activatorEmail: `admin@${tenant}.example`,
	activatorUsername: `Admin of ${tenant}`,
	country: 'AT',
	region: 'AT-9',
});
const STATUS = { created: 'active', reactivated: 'active', reset: 'active', deactivation: 'deactivated', deletion: 'deleted' };
const CREDENTIALS = new Set(['created', 'reactivated', 'reset']);

/** The cases: what is set up first (sent one by one), then the two events sent close together. */
const CASES = {
	'deactivation-reactivated': { before: ['created'], pair: ['deactivation', 'reactivated'] },
	'created-reset': { before: [], pair: ['created', 'reset'] },
	'deactivation-deletion': { before: ['created'], pair: ['deactivation', 'deletion'] },
	// The DEACTIVATION was processed before; its redelivery comes close to a REACTIVATED.
	'redelivered-deactivation-after-reactivated': { before: ['created', 'deactivation'], pair: ['reactivated', 'again:deactivation'] },
	// The CREATED was processed before; its redelivery comes close to a RESET.
	'redelivered-created-after-reset': { before: ['created'], pair: ['reset', 'again:created'] },
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function orderCases({ onboarding, deactivation, privateKey, send, waitFor, lastExecutionId, executionJson, row, mails }) {
	const workflowFor = (kind) => (CREDENTIALS.has(kind) ? onboarding : deactivation);
	const bodies = new Map(); // `${tenant}/${kind}` -> the body sent first, for redeliveries
	const bodyFor = (tenant, kind) => {
		const again = kind.startsWith('again:');
		const base = again ? kind.slice(6) : kind;
		const key = `${tenant}/${base}`;
		if (again) return { kind: base, body: bodies.get(key), again };
		const body = JSON.stringify(sim.buildPayload(base, { tenant, fields: CREDENTIALS.has(base) ? school(tenant) : {} }));
		bodies.set(key, body);
		return { kind: base, body, again };
	};
	const post = async (tenant, kind) => {
		const event = bodyFor(tenant, kind);
		const workflow = workflowFor(event.kind);
		const status = await send(workflow, event.body, sim.signRequest(event.body, privateKey));
		return { ...event, workflow, status };
	};
	/** The trigger item of an execution (receivedAt, deliveryId) and how the workflow ended. */
	const outcomeOf = (execution) => {
		const json = executionJson(execution.id);
		const item = (json['Untis Platform Trigger'] ?? []).flat()[0] ?? {};
		const outcome = json['Already processed: nothing to do'] ? 'already processed' : json['Superseded: nothing changed'] ? 'superseded' : 'applied';
		// Read again?: another execution wrote the row between this one's read and its write.
		const retried = json['Read again?'] !== undefined;
		return { id: execution.id, status: execution.status, receivedAt: item.receivedAt, deliveryId: item.deliveryId, eventType: item.eventType, outcome, retried, json };
	};

	/** The mails one stored event causes, given the status it replaced (the examples' rules). */
	function expectedMails(tenant, kind, statusBefore) {
		const status = STATUS[kind];
		const out = [];
		if (CREDENTIALS.has(kind)) {
			if (statusBefore !== 'active') out.push(`admin@${tenant}.example | ${kind === 'reactivated' ? 'Welcome back to BestApp' : 'Welcome to BestApp'}`);
			out.push(`operations@example.com | notice ${kind}`);
		} else if (statusBefore !== status) {
			out.push(`operations@example.com | alert ${status}`);
		}
		return out;
	}
	const label = (mail) => {
		const to = mail.to.join(',');
		if (to !== 'operations@example.com') return `${to} | ${mail.subject}`;
		// Subjects name the school: "<name> (Untis tenant <id>) <what>" or "School with Untis tenant <id> <what>".
		if (/ deactivated$/.test(mail.subject)) return `${to} | alert deactivated`;
		if (/ deleted$/.test(mail.subject)) return `${to} | alert deleted`;
		if (/ reactivated$/.test(mail.subject)) return `${to} | notice reactivated`;
		if (/ reset its credentials$/.test(mail.subject)) return `${to} | notice reset`;
		if (/ activated$/.test(mail.subject)) return `${to} | notice created`;
		return `${to} | ${mail.subject}`;
	};
	const mailsOf = (tenant, from) => mails().slice(from).filter((m) => m.raw.includes(`${tenant}`)).map(label);

	/** Sends one event and waits until its execution ended. */
	async function one(tenant, kind) {
		const since = lastExecutionId();
		const sent = await post(tenant, kind);
		const [execution] = await waitFor(sent.workflow, 1, since);
		return { sent, run: outcomeOf(execution) };
	}

	async function run(name, { tenant, order, gapMs }) {
		const spec = CASES[name];
		let status = '';
		for (const kind of spec.before) {
			await one(tenant, kind);
			status = STATUS[kind];
		}
		const stateBefore = status;
		const mailsFrom = mails().length;
		const [a, b] = order === 'first-second' ? spec.pair : [...spec.pair].reverse();
		const since = lastExecutionId();
		const first = post(tenant, a);
		await sleep(gapMs);
		const second = post(tenant, b);
		const sent = await Promise.all([first, second]);
		const perWorkflow = new Map();
		for (const s of sent) perWorkflow.set(s.workflow, (perWorkflow.get(s.workflow) ?? 0) + 1);
		const executions = [];
		for (const [workflow, count] of perWorkflow) executions.push(...(await waitFor(workflow, count, since)));
		const runs = executions.map(outcomeOf);
		// Which run is which event: by deliveryId for a redelivery, by event type otherwise.
		const events = sent.map((s) => ({ ...s, run: runs.find((r) => r.eventType === JSON.parse(s.body).eventType) }));
		const fresh = events.filter((e) => !e.again);
		const last = [...fresh].sort((x, y) => (x.run.receivedAt === y.run.receivedAt ? (x.run.deliveryId < y.run.deliveryId ? -1 : 1) : x.run.receivedAt < y.run.receivedAt ? -1 : 1)).at(-1);
		// The stored changes, in the order received, and the mails they must have caused.
		let statusNow = stateBefore;
		const expected = [];
		for (const e of [...fresh].sort((x, y) => (x.run.receivedAt < y.run.receivedAt ? -1 : 1))) {
			if (e.run.outcome !== 'applied') continue;
			expected.push(...expectedMails(tenant, e.kind, statusNow));
			statusNow = STATUS[e.kind];
		}
		const stored = row(tenant);
		return {
			name, order, gapMs, tenant,
			answers: sent.map((s) => s.status),
			statuses: runs.map((r) => r.status),
			outcomes: events.map((e) => `${e.again ? 'again:' : ''}${e.kind}@${e.run.receivedAt}: ${e.run.outcome}${e.run.retried ? ' (read again)' : ''}`),
			redeliveryOutcomes: events.filter((e) => e.again).map((e) => e.run.outcome),
			lastOutcome: last.run.outcome,
			rowCount: stored.length,
			row: stored[0] && { status: stored[0].status, deliveryId: stored[0].deliveryId, lastEventAt: stored[0].lastEventAt },
			expectedRow: { status: STATUS[last.kind], deliveryId: last.run.deliveryId, lastEventAt: last.run.receivedAt },
			mails: mailsOf(tenant, mailsFrom).sort(),
			expectedMails: expected.sort(),
			// Example 7's alerts of failed executions in this case (none expected): the node and the error.
			failures: mails().slice(mailsFrom).filter((m) => m.subject.startsWith('Workflow failed')).map((m) => `${m.subject}: ${(/\nerror: (.*)/.exec(m.text) ?? [])[1]}`),
			welcomes: mails().filter((m) => m.to.join(',') === `admin@${tenant}.example`).length,
		};
	}
	return { run, CASES: Object.keys(CASES) };
}

module.exports = { orderCases, ORDER_CASES: Object.keys(CASES) };
