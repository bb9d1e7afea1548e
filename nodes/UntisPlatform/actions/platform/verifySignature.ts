import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import type { CredentialData } from '../../core/webhook/credentialCheck';
import { receiveDelivery, type SecretsMode } from '../../core/webhook/delivery';
import { deliveryIdsFor } from '../../core/webhook/deliveryIds';
import { keyRingFor } from '../../core/webhook/keys';
import { Rejection } from '../../core/webhook/rejections';
import { additionalAlgorithmsOption, algorithmsFrom, includePayloadOption } from '../../shared/verificationOptions';
import { forOperation, type Operation } from '../operation';
import { secretsFields, secretsPolicy, type SealerOf } from '../sealerOf';

/**
 * The trigger's verification for vendors who keep n8n's Webhook node in front (to answer with
 * Respond to Webhook): the raw body and the two headers in, the trigger's item out, with the
 * same core and the same errors. The trade-off: here every request, forged or not, is already an
 * execution by the time it is verified; the trigger answers forged requests without one.
 */
const show = forOperation('verifySignature');

function firstHeader(value: unknown): string | string[] | undefined {
	if (Array.isArray(value)) return value.map(String);
	if (value === undefined || value === null || value === '') return undefined;
	return String(value);
}

async function rawBody(context: IExecuteFunctions, index: number, item: INodeExecutionData): Promise<Buffer> {
	if (context.getNodeParameter('bodySource', index, 'binary') === 'string') {
		return Buffer.from(context.getNodeParameter('rawBody', index, '') as string, 'utf8');
	}
	const property = context.getNodeParameter('binaryPropertyName', index, 'data') as string;
	if (!item.binary?.[property]) {
		throw new NodeOperationError(
			context.getNode(),
			`No binary property '${property}' on the item: turn on the Webhook node's Raw Body option (it puts the body in 'data'), or choose Body Source: String`,
			{ itemIndex: index },
		);
	}
	return await context.helpers.getBinaryDataBuffer(index, property);
}

async function execute(context: IExecuteFunctions, index: number, item: INodeExecutionData, sealer: SealerOf): Promise<IDataObject> {
	const credential = (await context.getCredentials('untisPlatformApi')) as unknown as CredentialData;
	const options = context.getNodeParameter('options', index, {}) as IDataObject;
	const delivery = receiveDelivery(
		{
			body: await rawBody(context, index, item),
			authorization: firstHeader(context.getNodeParameter('authorization', index, '')),
			algorithm: firstHeader(context.getNodeParameter('algorithm', index, '')),
		},
		{
			keys: keyRingFor(credential),
			algorithms: algorithmsFrom(options),
			secrets: await secretsPolicy(context.getNodeParameter('secrets', index, 'seal') as SecretsMode, sealer),
			includePayload: options.includePayload === true,
			// The same keyed id the trigger gives the same delivery.
			deliveryIds: deliveryIdsFor(credential.encryptionKey),
		},
	);
	if (delivery instanceof Rejection) {
		// With Continue On Fail the item says what the trigger would have answered.
		if (context.continueOnFail()) return { error: delivery.message, status: delivery.status, code: delivery.code };
		throw new NodeOperationError(context.getNode(), delivery.message, {
			itemIndex: index,
			description: `The trigger would answer ${delivery.status} (${delivery.code})`,
		});
	}
	return delivery.json as IDataObject;
}

export const verifySignature: Operation = {
	option: {
		name: 'Verify Signature',
		value: 'verifySignature',
		description: "Verify a request received by n8n's Webhook node and turn it into the trigger's event item",
		action: 'Verify a signature',
	},
	fields: [
		{
			displayName:
				"Prefer the Untis Platform Trigger: it answers forged requests itself and starts no execution, and stores no plaintext. Here every request, forged or not, is an execution, and n8n stores the Webhook node's output (the body, with the school's plaintext secret and password) whatever this node does.",
			name: 'verifyNotice',
			type: 'notice',
			default: '',
			displayOptions: show,
		},
		{
			displayName: 'Body Source',
			name: 'bodySource',
			type: 'options',
			options: [
				{ name: 'Binary Property', value: 'binary', description: "The Webhook node's raw body (its Raw Body option)" },
				{ name: 'String', value: 'string', description: 'The body as text, exactly as received' },
			],
			default: 'binary',
			description: 'Where the raw request body is: the signature covers its exact bytes, so a parsed and re-serialised body does not verify',
			displayOptions: show,
		},
		{
			displayName: 'Input Binary Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			description: "The binary property holding the raw body; the Webhook node's Raw Body option uses data",
			displayOptions: { show: { operation: ['verifySignature'], bodySource: ['binary'] } },
		},
		{
			displayName: 'Raw Body',
			name: 'rawBody',
			type: 'string',
			default: '',
			required: true,
			description: 'The request body exactly as received (UTF-8)',
			displayOptions: { show: { operation: ['verifySignature'], bodySource: ['string'] } },
		},
		{
			displayName: 'Authorization Header',
			name: 'authorization',
			type: 'string',
			default: '={{ $json.headers.authorization }}',
			description: "The request's Authorization header: the base64 RSA signature",
			displayOptions: show,
		},
		{
			displayName: 'Algorithm Header',
			name: 'algorithm',
			type: 'string',
			default: '={{ $json.headers.algorithm }}',
			description: "The request's Algorithm header, e.g. SHA256withRSA",
			displayOptions: show,
		},
		...secretsFields('verifySignature', 'verifyPlainNotice'),
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: show,
			options: [
				additionalAlgorithmsOption,
				includePayloadOption,
			],
		},
	],
	execute,
};
