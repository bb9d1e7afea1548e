'use strict';
/**
 * The isolate rule, observed on a running n8n: how many expression isolates each probe request
 * acquires, read from n8n's own Prometheus counter (`n8n_expression_pool_acquired_total`, on with
 * N8N_METRICS=true). Requests go one at a time, so the counter's growth is theirs.
 *
 * With the change of docs/upstream-isolate.md (`patched`), it throws unless
 * - a node type declaring webhookIsExpressionFree with static parameters and a natively
 *   resolvable description gets no isolate (the change works), and
 * - the same flag with a description template n8n must evaluate, a node type without the flag, and
 *   the flagged node with an expression in a parameter still get one per request and answer 200
 *   (nodes that evaluate expressions keep their isolate).
 * On n8n as shipped it throws unless every probe gets one, which shows that the counter sees the
 * webhook phase's acquisitions at all.
 */
const { NODES, probeNode, probeWorkflow } = require('./isolate-probe-package');

const REQUESTS = 5;
const METRIC = /^n8n_expression_pool_acquired_total(?:\{[^}]*\})? (\d+(?:\.\d+)?)$/m;

const PROBES = [
	{ label: 'flag, static description', node: probeNode('isolateProbeStatic', 1), skips: true },
	{ label: 'flag, description template without a native resolver', node: probeNode('isolateProbeTemplate', 2), skips: false },
	{ label: 'no flag (n8n as it is)', node: probeNode('isolateProbeUndeclared', 3), skips: false },
	{ label: 'flag, an expression in a parameter', node: probeNode('isolateProbeStatic', 4, { note: '={{ 1 + 1 }}' }), skips: false },
];
/** The workflow every checked instance gets. */
const PROBE_WORKFLOW = probeWorkflow(PROBES.map((probe) => probe.node));
if (Object.keys(NODES).length !== 3) throw new Error('isolate-check.js covers three probe node types');

async function acquired(n8n) {
	const answer = await n8n.request('GET', `${n8n.baseUrl}/metrics`);
	const match = METRIC.exec(answer.text);
	if (answer.status !== 200 || !match) throw new Error(`n8n's /metrics has no n8n_expression_pool_acquired_total (status ${answer.status}); start n8n with N8N_METRICS=true`);
	return Number(match[1]);
}

async function checkIsolateRule(n8n, { patched }) {
	const rows = [];
	for (const probe of PROBES) {
		const url = n8n.webhookUrl(`${probe.node.webhookId}/probe`);
		const statuses = {};
		const before = await acquired(n8n);
		for (let i = 0; i < REQUESTS; i++) {
			const answer = await n8n.request('POST', url, { headers: { 'Content-Type': 'application/json' }, body: '{}' });
			statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
		}
		const perRequest = ((await acquired(n8n)) - before) / REQUESTS;
		rows.push({ label: probe.label, statuses, isolatesPerRequest: perRequest });
		console.log(`isolate check (${patched ? 'with the change' : 'as shipped'}): ${probe.label}: ${perRequest} isolate(s) per request, ${JSON.stringify(statuses)}`);
		const expectSkip = patched && probe.skips;
		if (statuses['200'] !== REQUESTS) throw new Error(`isolate check: "${probe.label}" answered ${JSON.stringify(statuses)}, not ${REQUESTS}x 200`);
		if (expectSkip ? perRequest !== 0 : perRequest < 1) {
			throw new Error(`isolate check: "${probe.label}" acquired ${perRequest} isolate(s) per request, expected ${expectSkip ? 0 : 'at least 1'}`);
		}
	}
	return rows;
}

module.exports = { PROBE_WORKFLOW, checkIsolateRule, acquired };
