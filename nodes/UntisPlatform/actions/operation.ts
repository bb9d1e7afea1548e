import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { SealerOf } from './sealerOf';

/**
 * One companion operation: its option in the Operation list, its own fields, and what it does
 * for one input item. The node routes to it by `option.value`.
 */
export interface Operation {
	option: { name: string; value: string; description: string; action: string };
	fields: INodeProperties[];
	execute(context: IExecuteFunctions, index: number, item: INodeExecutionData, sealer: SealerOf): Promise<IDataObject>;
}

/** Shows a field only for the given operations. */
export const forOperation = (...operation: string[]) => ({ show: { operation } });
