import { Rejection } from './rejections';

/**
 * When n8n has not read the body (node version 1.1 with `application/octet-stream` or no content
 * type), the node reads it itself, and that read can fail: a client that aborts, half-closes or
 * stops half-way, a corrupt gzip/deflate body, a body over N8N_PAYLOAD_SIZE_MAX. Nothing has been
 * verified then, so the failure is a rejection answered by the node, never a thrown error (which
 * n8n would store as an error execution and hand to the Error Workflow).
 */
export function bodyReadRejection(error: unknown): Rejection {
	const failure = (error ?? {}) as { type?: unknown; status?: unknown; statusCode?: unknown; code?: unknown };
	if (failure.type === 'entity.too.large' || failure.status === 413 || failure.statusCode === 413) {
		return new Rejection(
			'body_too_large',
			"Body is larger than this n8n accepts (N8N_PAYLOAD_SIZE_MAX); Untis Platform events are a few hundred bytes",
		);
	}
	if (typeof failure.code === 'string' && failure.code.startsWith('Z_')) {
		return new Rejection(
			'unreadable_body',
			'Body could not be decoded as its Content-Encoding says: send it uncompressed, as the Untis Platform does',
		);
	}
	if (error instanceof Error && /abort|not readable|size did not match|closed|premature/i.test(error.message.slice(0, 200))) {
		return new Rejection(
			'unreadable_body',
			'Body could not be read completely: the client stopped sending or closed the connection',
		);
	}
	return new Rejection('unreadable_body', 'Body could not be read: send the whole body with one request');
}
