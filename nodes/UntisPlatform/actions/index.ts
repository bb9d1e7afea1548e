import { apiRequest } from './apiRequest';
import { confirmDelivery } from './confirmDelivery';
import { createCredentialsEvent } from './createCredentialsEvent';
import { getAccessToken } from './getAccessToken';
import type { Operation } from './operation';
import { reseal } from './reseal';
import { unsealSecrets } from './unsealSecrets';
import { verifySignature } from './verifySignature';

/** Every companion operation, in the order of the Operation list (alphabetical, as n8n's lint wants). */
export const operations: Operation[] = [
	apiRequest,
	confirmDelivery,
	createCredentialsEvent,
	getAccessToken,
	reseal,
	unsealSecrets,
	verifySignature,
];

export const operationByName: Record<string, Operation> = Object.fromEntries(
	operations.map((operation) => [operation.option.value, operation]),
);
