/**
 * The small vocabulary of reasons a request is turned away. Each message says what to fix and
 * never quotes the body, so it is safe to return to the caller and to log.
 */
export type RejectionCode =
	// 401: not proven to come from the Untis Platform
	| 'missing_signature'
	| 'missing_algorithm'
	| 'duplicate_header'
	| 'algorithm_not_allowed'
	| 'bad_signature_encoding'
	| 'signature_mismatch'
	// 400: genuinely signed, but not an event we can deliver
	| 'invalid_body'
	| 'calendar_request'
	| 'lifecycle_event'
	| 'body_too_deep'
	// 400 / 413: the body could not be read, so nothing was verified
	| 'unreadable_body'
	| 'body_too_large';

/**
 * Thrown by the core and answered by the node. Deliberately not an Error: a rejection is an
 * expected outcome, not a bug, and capturing a stack trace would cost a forged request about
 * 7 µs on top of the ~50 µs RSA verification that is all it should cost.
 */
export class Rejection {
	readonly name = 'Rejection';
	readonly status: 400 | 401 | 413;

	constructor(
		readonly code: RejectionCode,
		readonly message: string,
	) {
		this.status =
			code === 'body_too_large'
				? 413
				: code === 'invalid_body' ||
					  code === 'calendar_request' ||
					  code === 'lifecycle_event' ||
					  code === 'body_too_deep' ||
					  code === 'unreadable_body'
					? 400
					: 401;
	}

	toString(): string {
		return `Rejection (${this.status} ${this.code}): ${this.message}`;
	}
}

/**
 * Rejections whose outcome depends on the configured keys (a signature of another length or
 * another key), after which a node holding cached keys should check whether the keys changed.
 */
export function dependsOnKeys(rejection: Rejection): boolean {
	return rejection.code === 'signature_mismatch' || rejection.code === 'bad_signature_encoding';
}
