import { NodeConnectionTypes, type IExecuteFunctions } from 'n8n-workflow';

import { fromAiOutside, jsonKeysRead, TENANT_ARGUMENTS } from '../../core/agent/toolArguments';

/**
 * The workflow fixes the tenant, never the model. Two ways a model could reach a tenant field:
 * a `$fromAI()` in it (refused unless the parameter is one a model may fill), and, when the AI
 * Agent runs the node, its arguments merged into the input item that `{{ $json.tenantId }}`
 * reads (refused when they carry a tenant field's key). Refusals name what to fix.
 */
export class ToolRefusal extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ToolRefusal';
	}
}

/** Whether n8n runs the node for a model: the AI Agent's engine request, or a tool invocation (MCP, older agents). */
export function runsAsTool(context: IExecuteFunctions): boolean {
	const node = context.getNode() as { rewireOutputLogTo?: string };
	return node.rewireOutputLogTo === NodeConnectionTypes.AiTool || (typeof context.isToolExecution === 'function' && context.isToolExecution());
}

/** Before anything is read: no `$fromAI()` outside the model's parameters. */
export function refuseModelFilledSettings(context: IExecuteFunctions, modelFields: readonly string[]): void {
	const parameters = (context.getNode().parameters ?? {}) as Record<string, unknown>;
	const asked = fromAiOutside(parameters, modelFields);
	if (asked.length > 0) {
		throw new ToolRefusal(
			`Refused: ${asked.join(', ')} ${asked.length === 1 ? 'asks' : 'ask'} the model for a value ($fromAI). The tenant, its credentials, the cap and the fields are set by the workflow; only ${modelFields.join(', ')} may come from the model`,
		);
	}
}

/**
 * The model's arguments that would set a setting: a tenant key, or any key that a parameter
 * outside the model's reads from the item. Read the way n8n's $fromAI reads them.
 */
export function settingArgumentsSent(context: IExecuteFunctions, index: number, modelFields: readonly string[]): string[] {
	if (!runsAsTool(context)) return [];
	const parameters = (context.getNode().parameters ?? {}) as Record<string, unknown>;
	const settings = Object.entries(parameters).filter(([name]) => !modelFields.includes(name));
	const keys = new Set<string>([...TENANT_ARGUMENTS, ...settings.flatMap(([, raw]) => jsonKeysRead(raw))]);
	// A tool invocation (MCP Server Trigger, older agents) hands the arguments over as the input item itself.
	if (typeof context.isToolExecution === 'function' && context.isToolExecution()) {
		const args = (context.getInputData()[index]?.json ?? {}) as Record<string, unknown>;
		return [...keys].filter((key) => Object.prototype.hasOwnProperty.call(args, key));
	}
	// The AI Agent's engine request merges them into the item; $fromAI reads them alone.
	const fromAi = (context.getWorkflowDataProxy(index) as unknown as { $fromAI?: (key: string) => unknown }).$fromAI;
	return [...keys].filter((key) => {
		try {
			const sent = fromAi?.(key);
			return sent !== undefined && sent !== null;
		} catch {
			// No tool arguments in this run (n8n throws "No execution data available"): none sent.
			return false;
		}
	});
}

export function refuseSettingArguments(context: IExecuteFunctions, index: number, modelFields: readonly string[]): void {
	const sent = settingArgumentsSent(context, index, modelFields);
	if (sent.length > 0) {
		throw new ToolRefusal(
			`Refused: the tool call carries ${sent.map((key) => `'${key}'`).join(', ')}. The tenant, its host and its credentials, the cap and the fields are fixed by the workflow and cannot be chosen in a tool call; ask again without ${sent.length === 1 ? 'it' : 'them'}`,
		);
	}
}

/** The workflow must name the tenant: without it nothing is read. */
export function refuseMissingTenant(tenantId: string): void {
	if (tenantId.trim() === '') {
		throw new ToolRefusal("Refused: no tenant. The workflow must give the tenant's row before the agent (Tenant ID is empty); a tool call cannot choose one");
	}
}
