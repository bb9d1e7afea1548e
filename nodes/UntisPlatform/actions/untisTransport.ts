import { sleep, type IExecuteFunctions, type IWebhookFunctions } from 'n8n-workflow';

import { DEFAULT_RETRY, type HttpRequest, type HttpResponse, type RetryPolicy, type Send, type Transport } from '../core/api/apiTransport';
import { TokenCache } from '../core/api/tokenCache';

/**
 * The core transport wired to n8n: requests through n8n's own request helper (proxies, TLS
 * settings and tracing as the instance configures them), waits through n8n-workflow's sleep.
 * One token cache per process, so a tenant's token is reused within and across executions.
 */
const tokens = new TokenCache({ maxEntries: 1000, marginSeconds: 30 });

/** One request through n8n's request helper, never following a redirect (in a node or a trigger's webhook). */
export function n8nSend(context: Pick<IExecuteFunctions | IWebhookFunctions, 'helpers'>): Send {
	return async (request: HttpRequest): Promise<HttpResponse> => {
		const response = (await context.helpers.httpRequest({
			method: request.method as 'GET',
			url: request.url,
			headers: request.headers,
			body: request.body,
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: request.timeout,
			// n8n's helper follows redirects and, by default, sends Authorization on to another
			// origin: never follow, so the token and the password stay with the API base (a 3xx
			// is returned and the core turns it into an error naming only the Location's origin).
			disableFollowRedirect: true,
		})) as { statusCode: number; headers?: Record<string, unknown>; body: unknown };
		return { statusCode: response.statusCode, headers: response.headers ?? {}, body: response.body };
	};
}

export function n8nTransport(
	context: IExecuteFunctions,
	options: { timeout: number; retry?: RetryPolicy },
): Transport {
	return { send: n8nSend(context), sleep, cache: tokens, timeout: options.timeout, retry: options.retry ?? DEFAULT_RETRY };
}
