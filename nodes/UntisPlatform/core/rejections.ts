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
	| 'invalid_body';

export class Rejection extends Error {
	readonly status: 400 | 401;

	constructor(
		readonly code: RejectionCode,
		message: string,
	) {
		super(message);
		this.name = 'Rejection';
		this.status = code === 'invalid_body' ? 400 : 401;
	}
}
