import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { EndpointTexts } from '../core/api/oneRoster';
import type { SealerOf } from './sealerOf';

/**
 * One companion operation: its option in the Operation list, its own fields, and what it does
 * for one input item. The node routes to it by resource and `option.value`.
 */
export interface Operation {
	option: { name: string; value: string; description: string; action: string };
	fields: INodeProperties[];
	/** One output item, or several (API Request's records), each paired with the input item. */
	execute(context: IExecuteFunctions, index: number, item: INodeExecutionData, sealer: SealerOf): Promise<IDataObject | IDataObject[]>;
}

/** A Resource of the node: its option and its operations (alphabetical, as n8n's lint wants). */
export interface Resource {
	option: { name: string; value: string; description: string };
	operations: Operation[];
	/** The Operation list's default. */
	defaultOperation: string;
}

/** Shows a field only for the given operations. */
export const forOperation = (...operation: string[]) => ({ show: { operation } });

/** Shows a field only for one resource's given operations (typed operations share names like get). */
export const forResourceOperation = (resource: string, ...operation: string[]) => ({ show: { resource: [resource], operation } });

/** An Operation list entry from a catalogue entry's texts. */
export const optionOf = (texts: EndpointTexts, value: string) => ({ name: texts.name, value, description: texts.description, action: texts.action });
