import { apiRequest } from './apiRequest';
import { confirmDelivery } from './confirmDelivery';
import { createCredentialsEvent } from './createCredentialsEvent';
import { getAccessToken } from './getAccessToken';
import type { Operation } from '../operation';
import { reseal } from './reseal';
import { respondWithCalendar } from './respondWithCalendar';
import { unsealSecrets } from './unsealSecrets';
import { verifySignature } from './verifySignature';

/** The Platform resource's operations, in the order of its Operation list (alphabetical, as n8n's lint wants). */
export const operations: Operation[] = [
	apiRequest,
	confirmDelivery,
	createCredentialsEvent,
	getAccessToken,
	reseal,
	respondWithCalendar,
	unsealSecrets,
	verifySignature,
];
