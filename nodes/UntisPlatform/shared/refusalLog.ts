import type { IWebhookFunctions } from 'n8n-workflow';

import { RejectionLog } from '../core/observability/rejectionLog';

/**
 * One structured warn line per refused request, for a log pipeline to count: the reason code,
 * the status, the workflow and the node, and never the body, a header value or a secret. The
 * flood bound (core/observability/rejectionLog.ts) is shared by every trigger of the package in
 * this n8n process, so a flood on one node cannot crowd out the lines of another.
 */
export interface RefusalSubject {
	/** How the line starts, e.g. 'Untis Platform Trigger'. */
	readonly source: string;
	readonly reason: string;
	readonly status: number;
	readonly workflowId: string;
	readonly node: string;
}

const refusals = new RejectionLog<RefusalSubject>(
	(s) => `${s.workflowId}\u0000${s.node}\u0000${s.reason}\u0000${s.status}`,
);

export function logRefusal(
	context: IWebhookFunctions,
	source: string,
	reason: string,
	status: number,
	message: string,
	level: 'warn' | 'error' = 'warn',
	/** More fields for this line only, e.g. the Manual Entry form's `client`; never a secret. */
	extra: Record<string, string | number> = {},
): void {
	const subject: RefusalSubject = {
		source,
		reason,
		status,
		workflowId: String(context.getWorkflow().id ?? ''),
		node: context.getNode().name,
	};
	const decision = refusals.admit(subject, Date.now());
	for (const summary of decision.summaries) {
		const { source: from, reason: why, status: code, workflowId, node } = summary.subject;
		const seconds = Math.round((summary.to - summary.from) / 1000);
		context.logger.warn(`${from} suppressed ${summary.suppressed} more refusals with ${code} (${why}) in ${seconds} s`, {
			event: 'untis.refused.suppressed',
			reason: why,
			status: code,
			count: summary.suppressed,
			intervalSeconds: seconds,
			workflowId,
			node,
		});
	}
	if (!decision.write) return;
	context.logger[level](message, {
		...extra,
		event: 'untis.refused',
		reason,
		status,
		workflowId: subject.workflowId,
		node: subject.node,
	});
}
