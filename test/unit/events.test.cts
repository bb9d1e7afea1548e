import { filterKeyOf, parseEvent } from '../../nodes/UntisPlatform/core/events';
import { Rejection } from '../../nodes/UntisPlatform/core/rejections';
import { createdPayload, deactivationPayload, v1Payload } from '../helpers/platform.cjs';

const parse = (payload: unknown) =>
	parseEvent(Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)));

function invalidMessage(payload: unknown): string {
	try {
		parse(payload);
	} catch (error) {
		expect(error).toBeInstanceOf(Rejection);
		expect((error as Rejection).status).toBe(400);
		return (error as Rejection).message;
	}
	throw new Error('expected the body to be rejected');
}

describe('credentials webhook (spec v2)', () => {
	it.each(['CREATED', 'REACTIVATED', 'RESET'])('%s is a credentials event for an active tenant', (eventType) => {
		const event = parse(createdPayload({ eventType }));
		expect(event).toMatchObject({
			event: 'credentials',
			eventType,
			tenantId: '12345',
			tenantStatus: 'active',
			specVersion: 2,
			clientId: 'BestApp-tenant-12345',
			secret: 'test-secret-8f2c',
			password: 'test-password-91ab',
			host: 'localhost',
			country: 'AT',
			region: 'AT-3',
			language: 'de',
			activatorEmail: 'jane@doe.com',
			activatorUsername: 'Jane Doe',
			schoolEmail: 'school@entenhausen.com',
			schoolPhoneNumber: '555 / 123 456 789',
			extra: {},
		});
	});

	it('normalises the case of a known event type', () => {
		expect(parse(createdPayload({ eventType: 'reset' })).eventType).toBe('RESET');
	});

	it('missing optional fields become null', () => {
		const rest: Record<string, unknown> = createdPayload();
		delete rest.country;
		delete rest.schoolEmail;
		expect(parse(rest)).toMatchObject({ country: null, schoolEmail: null });
	});

	it('keeps fields it does not know', () => {
		expect(parse(createdPayload({ newField: { nested: [1, 2] } })).extra).toEqual({ newField: { nested: [1, 2] } });
	});

	it('passes an unknown event type through as given when the body has credentials', () => {
		expect(parse(createdPayload({ eventType: 'ROTATED' }))).toMatchObject({
			event: 'credentials',
			eventType: 'ROTATED',
			tenantStatus: 'active',
		});
	});
});

describe('credentials webhook (deprecated v1 body)', () => {
	it('is a credentials delivery marked V1 / specVersion 1, with schoolName', () => {
		expect(parse(v1Payload())).toMatchObject({
			event: 'credentials',
			eventType: 'V1',
			specVersion: 1,
			schoolName: 'Example School',
			secret: 'test-secret-v1',
			activatorEmail: null,
			extra: {},
		});
	});
});

describe('deactivation webhook', () => {
	it('DEACTIVATION: the tenant becomes deactivated', () => {
		expect(parse(deactivationPayload())).toEqual({
			event: 'deactivation',
			eventType: 'DEACTIVATION',
			tenantId: '12345',
			tenantStatus: 'deactivated',
			reasonType: 'SCHOOL_DEACTIVATION',
			reasonText: 'The school deactivated the app',
			extra: {},
		});
	});

	it('DELETION: the tenant becomes deleted', () => {
		expect(parse(deactivationPayload({ eventType: 'DELETION', reasonType: 'REMOTE_DELETION' }))).toMatchObject({
			eventType: 'DELETION',
			tenantStatus: 'deleted',
			reasonType: 'REMOTE_DELETION',
		});
	});

	it('accepts the older spec, which called eventType `type`', () => {
		const event = parse({ tenantId: '7', type: 'DELETION', reasonType: 'SCHOOL_DELETION' });
		expect(event).toMatchObject({ event: 'deactivation', eventType: 'DELETION', tenantStatus: 'deleted', reasonText: null, extra: {} });
	});

	it('an unknown type with a reasonType passes through and still deactivates', () => {
		expect(parse(deactivationPayload({ eventType: 'SUSPENSION' }))).toMatchObject({
			event: 'deactivation',
			eventType: 'SUSPENSION',
			tenantStatus: 'deactivated',
		});
	});

	it('reasonText is optional', () => {
		expect(parse({ tenantId: '1', eventType: 'DEACTIVATION', reasonType: 'NO_REASON' })).toMatchObject({ reasonText: null });
	});
});

describe('filterKeyOf: what the Events option matches', () => {
	it.each([
		[createdPayload(), 'CREATED'],
		[v1Payload(), 'V1'],
		[deactivationPayload({ eventType: 'DELETION' }), 'DELETION'],
		[createdPayload({ eventType: 'ROTATED' }), 'OTHER'],
	])('%#', (payload, key) => expect(filterKeyOf(parse(payload))).toBe(key));
});

describe('a verified body that is not an event is a 400 with a clear message', () => {
	const cases: Array<[string, unknown, RegExp]> = [
		['not JSON', '{"tenantId": ', /^Body is not valid JSON$/],
		['empty', '', /^Body is not valid JSON$/],
		['an array', '[1,2]', /^Body must be a JSON object, got an array$/],
		['a string', '"hello"', /got a string/],
		['null', 'null', /got null/],
		['a number', '42', /got a number/],
		['no tenantId', { eventType: 'DEACTIVATION', reasonType: 'NO_REASON' }, /^Field 'tenantId' is missing or empty/],
		['a numeric tenantId', { ...deactivationPayload(), tenantId: 12345 }, /^Field 'tenantId' must be a string, got number$/],
		['an empty tenantId', { ...deactivationPayload(), tenantId: ' ' }, /'tenantId' is missing or empty/],
		['neither shape', { tenantId: '1', hello: 'world' }, /fits neither event/],
		['an unknown type without shape', { tenantId: '1', eventType: 'PING' }, /its eventType is unknown and it has neither clientId/],
		['a non-string eventType', { tenantId: '1', eventType: 3 }, /Field 'eventType' must be a non-empty string/],
		['credentials without password', { ...createdPayload(), password: undefined }, /Field 'password' is missing or empty/],
		['a numeric secret', { ...createdPayload(), secret: 1234 }, /Field 'secret' must be a string, got number/],
		['an object in an optional field', { ...createdPayload(), country: { code: 'AT' } }, /Field 'country' must be a string, got object/],
		['a numeric reasonType', { ...deactivationPayload(), reasonType: 1 }, /Field 'reasonType' must be a string/],
		['a __proto__ key', '{"tenantId":"1","eventType":"DEACTIVATION","__proto__":{"polluted":true}}', /'__proto__' key/],
		['a nested __proto__ key', '{"tenantId":"1","eventType":"DEACTIVATION","x":{"__proto__":{}}}', /'__proto__' key/],
		['an escaped __proto__ key', '{"tenantId":"1","eventType":"DEACTIVATION","\\u005f_proto__":{}}', /'__proto__' key/],
	];
	it.each(cases)('%s', (_name, payload, message) => {
		const text = invalidMessage(payload);
		expect(text).toMatch(message);
	});

	it('never quotes the body in its message', () => {
		expect(invalidMessage({ tenantId: '1', eventType: 'SECRET-VALUE-123' })).not.toContain('SECRET-VALUE-123');
		expect(invalidMessage({ ...createdPayload(), secret: 99887766 })).not.toContain('99887766');
	});

	it('leaves Object.prototype alone', () => {
		invalidMessage('{"tenantId":"1","__proto__":{"polluted":true}}');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});
});

describe('tolerated encodings', () => {
	it('a UTF-8 byte order mark', () => {
		expect(parse(`\ufeff${JSON.stringify(deactivationPayload())}`).tenantId).toBe('12345');
	});

	it('unicode content round-trips', () => {
		expect((parse(createdPayload({ activatorUsername: 'Jürgen Müller 🏫' })) as { activatorUsername?: string }).activatorUsername).toBe('Jürgen Müller 🏫');
	});
});
