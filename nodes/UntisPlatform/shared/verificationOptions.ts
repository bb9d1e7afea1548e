import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { DEFAULT_ALGORITHM, type AlgorithmName } from '../core/webhook/signature';

/**
 * The verification options that the trigger and the companion's Verify Signature share: the
 * same fields, read the same way, so both accept exactly the same requests.
 */
export const additionalAlgorithmsOption: INodeProperties = {
	displayName: 'Additional Algorithms',
	name: 'additionalAlgorithms',
	type: 'multiOptions',
	options: [
		{ name: 'SHA384withRSA', value: 'SHA384withRSA' },
		{ name: 'SHA512withRSA', value: 'SHA512withRSA' },
	],
	default: [],
	hint: 'Weakens verification: Untis signs with SHA256withRSA only. Add one only if Untis asks you to.',
	description:
		'Algorithm header values accepted besides SHA256withRSA, the only one Untis uses. Enable only if Untis tells you to: each extra value widens what a request may claim.',
};

export const includePayloadOption: INodeProperties = {
	displayName: 'Include Raw Payload',
	name: 'includePayload',
	type: 'boolean',
	default: false,
	description:
		'Whether to add the body as received under "payload" (secret and password in it follow the Secrets setting)',
};

const DEFAULT_ONLY: readonly AlgorithmName[] = [DEFAULT_ALGORITHM];

/**
 * The algorithms to accept. A hand-edited workflow may hold anything in the option; the core
 * accepts only names from its own allow-list, whatever this returns.
 */
export function algorithmsFrom(options: IDataObject): readonly AlgorithmName[] {
	const additional = options.additionalAlgorithms;
	return Array.isArray(additional) && additional.length
		? [DEFAULT_ALGORITHM, ...(additional as AlgorithmName[])]
		: DEFAULT_ONLY;
}
