import { UntisPlatformCalendarTrigger } from '../../dist/nodes/UntisPlatform/UntisPlatformCalendarTrigger.node';
import { UntisPlatformTrigger } from '../../dist/nodes/UntisPlatform/UntisPlatformTrigger.node';
import { AnswerCache, calendarAnswers } from '../../dist/nodes/UntisPlatform/core/calendar/answerCache';
import { createdPayload, deactivationPayload, keyPair, signedRequest, withHeaders } from '../helpers/platform.cjs';
import { callWebhook, customCredential } from '../helpers/webhookContext.cjs';

/**
 * The Calendar Trigger's webhook() with n8n mocked (the real proof is test/e2e/calendar.e2e.test.cts):
 * verified exactly as the lifecycle trigger verifies, then the body checked, then one typed item.
 */
const calendarTrigger = new UntisPlatformCalendarTrigger();
const lifecycleTrigger = new UntisPlatformTrigger();
const request = { tenantId: '456800', user: 'c0ffee00-1111-4222-8333-444455556666', startDate: '2026-12-07', endDate: '2026-12-13' };
const options = { credential: customCredential(), workflowId: 'calendar-unit' };

describe('Untis Platform Calendar Trigger', () => {
	it('a signed request, fields in any order, starts the workflow with the typed item', async () => {
		const body = '{"endDate":"2026-12-13","startDate":"2026-12-07","user":"c0ffee00-1111-4222-8333-444455556666","tenantId":"456800"}';
		const call = await callWebhook(calendarTrigger, signedRequest(body), options);
		expect(call.status).toBeUndefined();
		expect(call.outputs).toEqual([[{ ...request, receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), verification: { algorithm: 'SHA256withRSA', key: 'custom #1' } }]]);
	});

	it.each([
		['no signature', { authorization: undefined }, 401, /Missing Authorization header/],
		['a signature by another key', { authorization: signedRequest(request, keyPair('other')).headers.authorization as string }, 401, /Signature does not match/],
		['SHA1withRSA', { algorithm: 'SHA1withRSA' }, 401, /'SHA1withRSA' is not allowed/],
	])('%s: 401 in the rejection vocabulary, nothing started', async (_name, headers, status, message) => {
		const call = await callWebhook(calendarTrigger, withHeaders(signedRequest(request), headers), options);
		expect(call.status).toBe(status);
		expect((call.body as { error: string }).error).toMatch(message);
		expect(call.outputs).toBeUndefined();
	});

	it('a body changed after signing: 401, nothing started', async () => {
		const signed = signedRequest(request);
		const call = await callWebhook(calendarTrigger, { ...signed, body: Buffer.from(JSON.stringify({ ...request, user: 'someone-else' })) }, options);
		expect([call.status, call.outputs]).toEqual([401, undefined]);
	});

	it('a signed but malformed body: 400 naming the field, nothing started', async () => {
		const call = await callWebhook(calendarTrigger, signedRequest({ ...request, endDate: '2026-12-06' }), options);
		expect(call.status).toBe(400);
		expect(call.body).toEqual({ error: "Field 'endDate' (2026-12-06) is before 'startDate' (2026-12-07)" });
		expect(call.outputs).toBeUndefined();
	});

	it.each([['credentials', createdPayload()], ['deactivation', deactivationPayload()]])('a signed %s body is refused with 400, its secrets not echoed', async (_name, payload) => {
		const call = await callWebhook(calendarTrigger, signedRequest(payload), options);
		expect(call.status).toBe(400);
		expect((call.body as { error: string }).error).toMatch(/is a lifecycle event .* send it to the Untis Platform Trigger/);
		expect(JSON.stringify(call.body)).not.toContain((payload as { password?: string }).password ?? '\u0000');
		expect(call.outputs).toBeUndefined();
	});

	it('the lifecycle trigger keeps its named 400 for a calendar body', async () => {
		const call = await callWebhook(lifecycleTrigger, signedRequest(request), options);
		expect(call.status).toBe(400);
		expect((call.body as { error: string }).error).toMatch(/calendar-integration request/);
		expect(call.outputs).toBeUndefined();
	});

	it('a cached answer is sent only for a verified request of the same workflow, tenant, user and dates', async () => {
		calendarAnswers.set(AnswerCache.keyOf('calendar-unit', request), 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', 30);
		try {
			const hit = await callWebhook(calendarTrigger, signedRequest(request), options);
			expect([hit.status, hit.body, hit.headers['content-type'], hit.outputs]).toEqual([200, 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', 'text/calendar; charset=utf-8', undefined]);
			const forged = await callWebhook(calendarTrigger, withHeaders(signedRequest(request, keyPair('other')), {}), options);
			expect(forged.status).toBe(401);
			const otherUser = await callWebhook(calendarTrigger, signedRequest({ ...request, user: 'u2' }), options);
			expect(otherUser.outputs).toHaveLength(1);
			const testUrl = await callWebhook(calendarTrigger, signedRequest(request), { ...options, mode: 'manual' });
			expect(testUrl.outputs).toHaveLength(1);
		} finally {
			calendarAnswers.forgetWorkflow('calendar-unit');
		}
	});
});
