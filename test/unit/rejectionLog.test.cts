import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

// The built node, exactly as n8n loads it from dist/.
import { UntisPlatformTrigger } from '../../dist/nodes/UntisPlatform/UntisPlatformTrigger.node';
import { logRefusal } from '../../dist/nodes/UntisPlatform/shared/refusalLog';
import { RejectionLog } from '../../nodes/UntisPlatform/core/observability/rejectionLog';
import { createdPayload, signedRequest, withHeaders } from '../helpers/platform.cjs';
import { callWebhook, customCredential } from '../helpers/webhookContext.cjs';

/**
 * The refusal log: one structured line per refusal, and a flood bounded to the first lines per
 * reason and interval plus one summary line with the count of the rest.
 */
type Subject = { reason: string };
const log = (linesPerInterval = 3, intervalMs = 1000) => new RejectionLog<Subject>((s) => s.reason, { linesPerInterval, intervalMs });

describe('the flood bound', () => {
	it('writes the first lines of an interval, suppresses the rest and reports their count once the interval is over', () => {
		const bound = log();
		const writes = [0, 1, 2, 3, 4, 5].map((t) => bound.admit({ reason: 'signature_mismatch' }, t));
		expect(writes.map((d) => d.write)).toEqual([true, true, true, false, false, false]);
		expect(writes.every((d) => d.summaries.length === 0)).toBe(true);

		const next = bound.admit({ reason: 'signature_mismatch' }, 1000);
		expect(next.summaries).toEqual([{ subject: { reason: 'signature_mismatch' }, suppressed: 3, from: 0, to: 1000 }]);
		expect(next.write).toBe(true); // a new interval starts with lines again
	});

	it('counts each reason on its own: a flood of one does not hide another', () => {
		const bound = log(1);
		expect(bound.admit({ reason: 'signature_mismatch' }, 0).write).toBe(true);
		expect(bound.admit({ reason: 'signature_mismatch' }, 1).write).toBe(false);
		expect(bound.admit({ reason: 'invalid_body' }, 2).write).toBe(true);
	});

	it('reports a quiet subject\'s summary with the next refusal of any subject, and nothing for an interval without suppression', () => {
		const bound = log(1);
		bound.admit({ reason: 'a' }, 0);
		bound.admit({ reason: 'a' }, 1);
		bound.admit({ reason: 'b' }, 2);
		const later = bound.admit({ reason: 'c' }, 5000);
		expect(later.summaries).toEqual([{ subject: { reason: 'a' }, suppressed: 1, from: 0, to: 1000 }]);
	});

	it('holds no state for a finished interval: 100,000 refusals over 100 intervals leave one open window', () => {
		const bound = log(10, 1000);
		let written = 0;
		let summarised = 0;
		for (let i = 0; i < 100_000; i++) {
			const d = bound.admit({ reason: 'signature_mismatch' }, i);
			if (d.write) written++;
			for (const s of d.summaries) summarised += s.suppressed;
		}
		expect(written).toBe(1000);
		expect(summarised).toBe(100_000 - 1000 - 990); // the last interval's 990 are still open
		expect((bound as unknown as { windows: Map<string, unknown> }).windows.size).toBe(1);
	});

	it('refuses a bound that writes nothing', () => {
		expect(() => log(0)).toThrow(/at least 1 line/);
		expect(() => log(1, 0)).toThrow(/above 0 ms/);
	});
});

describe('the Untis Platform Trigger logs each refusal as one structured line', () => {
	const trigger = new UntisPlatformTrigger();

	it('with the reason, status, workflow and node, and no body, header value or secret', async () => {
		const meta: IDataObject[] = [];
		const forged = withHeaders(signedRequest(createdPayload()), { authorization: 'SIGNATURE c2VjcmV0LWxvb2tpbmctaGVhZGVy' });
		const answer = await callWebhook(trigger, forged, { workflowId: 'wfRefusalLog01', logMeta: meta });
		expect(answer.status).toBe(401);
		expect(meta).toEqual([
			{ event: 'untis.refused', reason: 'bad_signature_encoding', status: 401, workflowId: 'wfRefusalLog01', node: 'Untis Platform Trigger' },
		]);
		const written = JSON.stringify([answer.logs, meta]);
		for (const leak of ['c2VjcmV0LWxvb2tpbmctaGVhZGVy', 'test-secret-8f2c', 'test-password-91ab', 'BestApp-tenant']) {
			expect(written).not.toContain(leak);
		}
	});

	it('a flood of 25 forged requests writes 10 lines; the next refusal a minute later writes the summary of 15', async () => {
		const meta: IDataObject[] = [];
		const forged = withHeaders(signedRequest(createdPayload()), { authorization: 'SIGNATURE AAAA' });
		const now = jest.spyOn(Date, 'now');
		try {
			now.mockReturnValue(1_000_000);
			for (let i = 0; i < 25; i++) expect((await callWebhook(trigger, forged, { workflowId: 'wfRefusalFlood', logMeta: meta })).status).toBe(401);
			expect(meta).toHaveLength(10);
			now.mockReturnValue(1_060_000);
			await callWebhook(trigger, forged, { workflowId: 'wfRefusalFlood', logMeta: meta });
		} finally {
			now.mockRestore();
		}
		expect(meta.slice(10)).toEqual([
			{
				event: 'untis.refused.suppressed', reason: 'bad_signature_encoding', status: 401, count: 15, intervalSeconds: 60,
				workflowId: 'wfRefusalFlood', node: 'Untis Platform Trigger',
			},
			{ event: 'untis.refused', reason: 'bad_signature_encoding', status: 401, workflowId: 'wfRefusalFlood', node: 'Untis Platform Trigger' },
		]);
	});

	it('a misconfigured trigger logs an error line with reason misconfigured and status 500', async () => {
		const meta: IDataObject[] = [];
		const answer = await callWebhook(trigger, signedRequest(createdPayload()), {
			credential: customCredential({ publicKeys: 'not a key' }),
			workflowId: 'wfMisconfigured',
			logMeta: meta,
		});
		expect(answer.status).toBe(500);
		expect(answer.logs.map((l) => l.level)).toEqual(['error']);
		expect(meta).toEqual([{ event: 'untis.refused', reason: 'misconfigured', status: 500, workflowId: 'wfMisconfigured', node: 'Untis Platform Trigger' }]);
	});
});

describe('the shared refusal log, as the Manual Entry form can use it', () => {
	it('takes the form as the source, keeps the event fields over any extra field, and bounds the form by its own reason', () => {
		const lines: Array<[string, IDataObject]> = [];
		const context = {
			getWorkflow: () => ({ id: 'wfFormLog' }),
			getNode: () => ({ name: 'Credentials form' }),
			logger: { warn: (message: string, meta: IDataObject) => lines.push([message, meta]), error: () => undefined },
		} as unknown as IWebhookFunctions;
		for (let i = 0; i < 12; i++) {
			logRefusal(context, 'Untis Platform Manual Entry Trigger', 'form_login_failed', 401, 'Untis Platform Manual Entry Trigger refused a login', 'warn', { client: '127.0.0.1', event: 'spoofed' });
		}
		expect(lines).toHaveLength(10);
		expect(lines[0]).toEqual([
			'Untis Platform Manual Entry Trigger refused a login',
			{ client: '127.0.0.1', event: 'untis.refused', reason: 'form_login_failed', status: 401, workflowId: 'wfFormLog', node: 'Credentials form' },
		]);
	});
});
