import { createHash } from 'node:crypto';

import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { ENCRYPTION_KEY, keyPair, type SignedRequestFixture } from '../helpers/platform.cjs';

/**
 * A mocked IWebhookFunctions, as thin as n8n's own: a request with headers and raw body, a
 * response that records what the node answered, credentials, parameters, and a logger.
 * Only for fast tests: the real proof is the end-to-end suite on a real n8n.
 */
export interface WebhookCall {
	result: IWebhookResponseData;
	status: number | undefined;
	body: unknown;
	/** Headers the node set itself (a text answer's content type). */
	headers: Record<string, string>;
	logs: Array<{ level: string; message: string }>;
	/** Items per output when the node started the workflow, else undefined. */
	outputs: IDataObject[][] | undefined;
}

export interface CallOptions {
	credential?: IDataObject;
	parameters?: IDataObject;
	/** Leave rawBody unset, as n8n does for some content types, so the node must read it. */
	rawBodyUnread?: boolean;
	/**
	 * Where the credential comes from, read on each getCredentials call (for tests that change
	 * it between requests or count the reads). Default: `credential`.
	 */
	readCredential?: () => Promise<IDataObject>;
	/**
	 * The credential id the node is configured with. Default: derived from `credential`'s value, so
	 * that tests passing different credentials never share the trigger's credential cache entry.
	 */
	credentialId?: string;
	/**
	 * Default: one of its own per call, so that the refusal log's flood bound (ten lines per
	 * reason, node and workflow a minute) never suppresses a line another test expects.
	 */
	workflowId?: string;
	/** n8n's execution mode: 'webhook' for the Production URL (default), 'manual' for the Test URL. */
	mode?: string;
	/** Receives the meta object of every log line. */
	logMeta?: IDataObject[];
	/** readRawBody() rejects with this, as n8n's does for an aborted, corrupt or oversize body. */
	readRawBodyError?: Error;
	/** Receives the name of every getNodeParameter call, in order. */
	parameterReads?: string[];
}

export function customCredential(overrides: IDataObject = {}): IDataObject {
	return { environment: 'custom', publicKeys: keyPair().spki, encryptionKey: ENCRYPTION_KEY, ...overrides };
}

type WebhookNode = { webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> };

let calls = 0;

export async function callWebhook(
	node: WebhookNode,
	request: SignedRequestFixture,
	options: CallOptions = {},
): Promise<WebhookCall> {
	const logs: WebhookCall['logs'] = [];
	const response = { statusCode: undefined as number | undefined, body: undefined as unknown };
	const res = {
		status(code: number) {
			response.statusCode = code;
			return res;
		},
		json(body: unknown) {
			response.body = body;
			return res;
		},
		headers: {} as Record<string, string>,
		setHeader(name: string, value: string) {
			res.headers[name.toLowerCase()] = value;
			return res;
		},
		send(body: unknown) {
			response.body = body;
			return res;
		},
	};
	const req: { headers: IDataObject; rawBody?: Buffer; readRawBody(): Promise<void> } = {
		headers: request.headers,
		rawBody: options.rawBodyUnread ? undefined : request.body,
		async readRawBody() {
			if (options.readRawBodyError) throw options.readRawBodyError;
			req.rawBody = request.body;
		},
	};
	const parameters: IDataObject = { secrets: 'seal', options: {}, ...options.parameters };
	const log = (level: string) => (message: string, meta?: IDataObject) => {
		logs.push({ level, message });
		if (meta) options.logMeta?.push(meta);
	};
	const workflowId = options.workflowId ?? `unit-test-workflow-${++calls}`;
	const credential = options.credential ?? customCredential();
	const credentialId =
		options.credentialId ?? createHash('sha256').update(JSON.stringify(credential)).digest('hex').slice(0, 16);
	const context = {
		getRequestObject: () => req,
		getResponseObject: () => res,
		getCredentials: options.readCredential ?? (async () => credential),
		getNodeParameter: (name: string, fallback?: unknown) => {
			options.parameterReads?.push(name);
			return name in parameters ? parameters[name] : fallback;
		},
		getNode: () => ({
			name: 'Untis Platform Trigger',
			type: 'untisPlatformTrigger',
			typeVersion: 1,
			parameters,
			credentials: { untisPlatformApi: { id: credentialId, name: 'Untis Platform API' } },
		}),
		getWorkflow: () => ({ id: workflowId, name: 'Unit test', active: true }),
		getMode: () => options.mode ?? 'webhook',
		logger: { warn: log('warn'), error: log('error'), info: log('info'), debug: log('debug') },
	} as unknown as IWebhookFunctions;

	const result = await node.webhook.call(context);
	return {
		result,
		status: response.statusCode,
		body: response.body,
		headers: res.headers,
		logs,
		outputs: result.workflowData?.map((items) => items.map((item) => item.json)),
	};
}
