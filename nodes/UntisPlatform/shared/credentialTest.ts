import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { MIN_FORM_PASSWORD_LENGTH } from '../core/webhook/basicAuth';
import { checkCredential, type CredentialData } from '../core/webhook/credentialCheck';

/** The credential's Test button, for both nodes: a local check, since Untis has nothing to call. */
export async function untisPlatformApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const check = checkCredential((credential.data ?? {}) as unknown as CredentialData);
	return { status: check.ok ? 'OK' : 'Error', message: check.message };
}

/** The form login's Test button: a local strength check (nothing to call). */
export async function untisPlatformFormLoginApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const { user, password } = (credential.data ?? {}) as { user?: string; password?: string };
	if (!user) return { status: 'Error', message: 'User is empty' };
	if (!password || password.length < MIN_FORM_PASSWORD_LENGTH) {
		return { status: 'Error', message: `Password has ${password?.length ?? 0} characters; use at least ${MIN_FORM_PASSWORD_LENGTH}, e.g. a generated one` };
	}
	return { status: 'OK', message: 'The login is long enough; share it only with the people who may enter credentials' };
}
