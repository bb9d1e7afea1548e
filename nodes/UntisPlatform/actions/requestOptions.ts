import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/**
 * The Options collection of the operations that call the Untis APIs: a timeout, and for
 * collections the paging limits. One definition, so every typed operation words them alike.
 */
export const timeoutOption = (defaultMs: number): INodeProperties => ({
	displayName: 'Timeout (Ms)',
	name: 'timeout',
	type: 'number',
	default: defaultMs,
	description: "How long to wait for each of the platform's answers",
});

export const maxPagesOption = (unit: string): INodeProperties => ({
	displayName: 'Max Pages',
	name: 'maxPages',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 1000,
	description: `Pages read at most; more ${unit} is an error rather than a silently shortened list`,
});

export function optionsCollection(displayOptions: IDisplayOptions, options: INodeProperties[]): INodeProperties {
	return { displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, displayOptions, options };
}
