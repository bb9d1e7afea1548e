import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { checkCredential, type CredentialData } from '../core/webhook/credentialCheck';

/** The credential's Test button, for both nodes: a local check, since Untis has nothing to call. */
export async function untisPlatformApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const check = checkCredential((credential.data ?? {}) as unknown as CredentialData);
	return { status: check.ok ? 'OK' : 'Error', message: check.message };
}
