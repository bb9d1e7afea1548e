import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * HTTP Basic authentication for the manual-entry form, as n8n's own forms do it: the login a
 * user sets up in an n8n Basic Auth credential. Compared in constant time over digests, so
 * neither the password nor its length leaks through timing.
 */
export interface BasicLogin {
	user: string;
	password: string;
}

/** Longest Authorization header read: a login is far shorter; anything longer is refused unread. */
export const MAX_AUTHORIZATION_LENGTH = 4096;

export const BASIC_REALM = 'Untis Platform manual entry';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Shortest form-login password that opens the form: it guards a school's credentials. */
export const MIN_FORM_PASSWORD_LENGTH = 16;

/**
 * Why this login cannot guard the form, or undefined. Checked on every request, not only by the
 * credential's Test button: an empty user, an empty or short password is "no login set up".
 */
export function loginProblem(login: Partial<BasicLogin> | undefined): string | undefined {
	const user = typeof login?.user === 'string' ? login.user : '';
	const password = typeof login?.password === 'string' ? login.password : '';
	if (user === '') return 'its User is empty';
	if (password.length < MIN_FORM_PASSWORD_LENGTH) {
		return `its Password has ${password.length} characters; at least ${MIN_FORM_PASSWORD_LENGTH} are needed`;
	}
	return undefined;
}

/** Whether the Authorization header carries exactly this login. */
export function basicLoginMatches(authorization: unknown, login: BasicLogin): boolean {
	if (typeof authorization !== 'string' || authorization.length > MAX_AUTHORIZATION_LENGTH) return false;
	if (loginProblem(login)) return false; // an empty or weak credential never opens the form
	const space = authorization.indexOf(' ');
	if (space === -1 || authorization.slice(0, space).toLowerCase() !== 'basic') return false;
	const decoded = Buffer.from(authorization.slice(space + 1).trim(), 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon === -1) return false;
	const userOk = timingSafeEqual(digest(decoded.slice(0, colon)), digest(login.user));
	const passwordOk = timingSafeEqual(digest(decoded.slice(colon + 1)), digest(login.password));
	return userOk && passwordOk;
}
