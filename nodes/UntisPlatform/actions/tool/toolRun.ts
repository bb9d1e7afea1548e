import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { answerFor, capOf, fieldPaths, scrubbed } from '../../core/agent/modelOutput';
import { QueryError } from '../../core/api/oneRosterFilter';
import { printable } from '../../core/api/apiErrors';
import { opened, type SealerOf } from '../sealerOf';
import { refuseMissingTenant, refuseModelFilledSettings, refuseSettingArguments, ToolRefusal } from './toolGuard';
import { toolReadOf } from './toolReads';

/**
 * One call of the tool: the guards, then the companion operation with the parameters the tool
 * sets, then the answer a model reads (capped, the chosen fields, scrubbed of every secret).
 */
const MAX_ARGUMENT = 200;

/** The node's context with some parameters set by the tool: the companion operation reads these. */
function withParameters(context: IExecuteFunctions, values: IDataObject): IExecuteFunctions {
	const getNodeParameter = (name: string, index: number, fallback?: unknown, options?: unknown) =>
		Object.prototype.hasOwnProperty.call(values, name)
			? values[name]
			: (context.getNodeParameter as (...args: unknown[]) => unknown)(name, index, fallback, options);
	return new Proxy(context, {
		get: (target, property) => {
			if (property === 'getNodeParameter') return getNodeParameter;
			const value = Reflect.get(target, property, target) as unknown;
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
}

export async function readForModel(context: IExecuteFunctions, index: number, sealer: SealerOf, modelFields: readonly string[]): Promise<IDataObject> {
	refuseModelFilledSettings(context, modelFields);
	refuseSettingArguments(context, index, modelFields);
	refuseMissingTenant(String(context.getNodeParameter('tenantId', index, '') ?? ''));
	const resource = String(context.getNodeParameter('resource', index, ''));
	const operation = String(context.getNodeParameter('operation', index, ''));
	const read = toolReadOf(resource, operation);
	if (!read) throw new ToolRefusal(`Unknown read '${printable(resource, 40)}: ${printable(operation, 40)}'`);
	const argument = (name: string) => {
		const value = String(context.getNodeParameter(name, index, '') ?? '');
		if (value.length > MAX_ARGUMENT) throw new QueryError(`${name} is ${value.length} characters long; at most ${MAX_ARGUMENT}`);
		return value;
	};
	const cap = capOf(context.getNodeParameter('maxRecords', index, undefined));
	const paths = fieldPaths(context.getNodeParameter('fields', index, ''));
	const settings: IDataObject = { ...read.parameters(argument, cap), allowInactiveTenants: false };
	const result = await read.operation.execute(withParameters(context, settings), index, context.getInputData()[index] ?? { json: {} }, sealer);
	const records = read.records(Array.isArray(result) ? result : [result], argument);
	const answer = answerFor(`${read.resource}: ${read.operation.option.name}`, records, cap, paths, read.narrow);
	return scrubbed(answer, await secretsOf(context, index, sealer)) as IDataObject;
}

/** The password as given and as opened: no answer may contain either. */
export async function secretsOf(context: IExecuteFunctions, index: number, sealer: SealerOf): Promise<string[]> {
	let given = '';
	try {
		given = String(context.getNodeParameter('password', index, '') ?? '');
		const tenantId = String(context.getNodeParameter('tenantId', index, '') ?? '');
		return [given, await opened(given, sealer, { tenantId, field: 'password' })];
	} catch {
		// A password that does not open (or no password) leaves the given value to scrub.
		return [given];
	}
}

/** Errors the package raises say what to fix; anything else is named, never dumped (no stack, no internals). */
const EXPLAINED = new Set(['ApiBaseError', 'ApiError', 'PagingError', 'QueryError', 'SealingError', 'TokenError', 'ToolRefusal']);

export function toolErrorText(error: unknown, secrets: string[] = []): string {
	const name = (error as Error)?.name;
	const message = String((error as Error)?.message ?? '');
	const text = EXPLAINED.has(name) ? message : `The read failed (${printable(String(name ?? 'error'), 40)}); the workflow's owner can look at the execution in n8n`;
	return String(scrubbed(printable(text, 600), secrets));
}
