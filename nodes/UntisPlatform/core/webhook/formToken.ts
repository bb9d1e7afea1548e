import { createHmac, createSecretKey, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * The manual-entry form's anti-forgery token, stateless: the form page carries it as a hidden
 * field, and a submission without a fresh, right one starts nothing. It guards browsers without
 * Fetch Metadata (see crossSite.ts), which resend a cached Basic login on a cross-site POST.
 *
 *   tokenKey = HKDF-SHA-256(ikm = Encryption Key bytes, salt = empty, info = FORM_TOKEN_INFO, 32 bytes)
 *   token    = issuedAt (unix seconds, decimal) "." base64url(HMAC-SHA-256(tokenKey, binding "\n" issuedAt))
 *
 * The binding names the form's webhook (workflow id, node id, webhook id), so a token of one form
 * opens no other. The derived key is used for nothing else.
 */
export const FORM_TOKEN_INFO = 'untis-platform manual-entry form token v1';
/** The hidden field's name. */
export const FORM_TOKEN_FIELD = 'formToken';
/** A page older than this must be reloaded: long enough to look up and type four values. */
export const FORM_TOKEN_MAX_AGE_MS = 60 * 60 * 1000;
/** Clock difference tolerated between processes (queue mode: another webhook process issued it). */
const CLOCK_SKEW_MS = 60 * 1000;
const MAX_TOKEN_LENGTH = 100;

export type FormTokenCheck = 'ok' | 'missing' | 'stale' | 'wrong';

/** What the person reads when a check fails: each says what to do. */
export const FORM_TOKEN_PROBLEMS: Record<Exclude<FormTokenCheck, 'ok'>, string> = {
	missing: 'The submission did not come from this form: open the form and send it from there',
	stale: 'The form was open for too long: the page below is fresh, fill it in again',
	wrong: 'The submission did not come from this form: open the form and send it from there',
};

export class FormTokens {
	private readonly key: KeyObject;

	constructor(encryptionKey: Buffer) {
		this.key = createSecretKey(Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), FORM_TOKEN_INFO, 32)));
	}

	private mac(binding: string, issuedAt: string): Buffer {
		return createHmac('sha256', this.key).update(`${binding}\n${issuedAt}`, 'utf8').digest();
	}

	issue(binding: string, now: number = Date.now()): string {
		const issuedAt = String(Math.floor(now / 1000));
		return `${issuedAt}.${this.mac(binding, issuedAt).toString('base64url')}`;
	}

	check(token: unknown, binding: string, now: number = Date.now()): FormTokenCheck {
		if (typeof token !== 'string' || token === '') return 'missing';
		if (token.length > MAX_TOKEN_LENGTH) return 'wrong';
		const dot = token.indexOf('.');
		const issuedAt = token.slice(0, dot);
		if (dot === -1 || !/^\d{1,12}$/.test(issuedAt)) return 'wrong';
		const given = Buffer.from(token.slice(dot + 1), 'base64url');
		const expected = this.mac(binding, issuedAt);
		if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'wrong';
		const age = now - Number(issuedAt) * 1000;
		if (age > FORM_TOKEN_MAX_AGE_MS || age < -CLOCK_SKEW_MS) return 'stale';
		return 'ok';
	}
}

/** The binding of one form: its workflow, its node and its webhook, one per line. */
export function formBinding(workflowId: unknown, nodeId: unknown, webhookId: unknown): string {
	return [workflowId, nodeId, webhookId].map((part) => (typeof part === 'string' ? part : '')).join('\n');
}
