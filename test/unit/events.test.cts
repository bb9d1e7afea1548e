import { filterKeyOf, parseEvent } from '../../nodes/UntisPlatform/core/webhook/events';
import { Rejection } from '../../nodes/UntisPlatform/core/webhook/rejections';
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
		['a tenantId beyond 2^53', '{"tenantId":12345678901234567890,"eventType":"DEACTIVATION","reasonType":"NO_REASON"}', /^Field 'tenantId' is a number too large to read exactly; it must be sent as a string$/],
		['an object tenantId', { ...deactivationPayload(), tenantId: { id: 1 } }, /^Field 'tenantId' must be a string, got object$/],
		['an empty tenantId', { ...deactivationPayload(), tenantId: ' ' }, /'tenantId' is missing or empty/],
		['neither shape', { tenantId: '1', hello: 'world' }, /fits neither event/],
		['an unknown type without shape', { tenantId: '1', eventType: 'PING' }, /its eventType is unknown and it has neither clientId/],
		['an object eventType', { tenantId: '1', eventType: { name: 'CREATED' } }, /Field 'eventType' must be a string, got object/],
		['an empty eventType', { tenantId: '1', eventType: ' ' }, /Field 'eventType' must be a non-empty string/],
		['credentials without password', { ...createdPayload(), password: undefined }, /Field 'password' is missing or empty/],
		['an array secret', { ...createdPayload(), secret: [1, 2] }, /Field 'secret' must be a string, got an array/],
		['an object in an optional field', { ...createdPayload(), country: { code: 'AT' } }, /Field 'country' must be a string, got object/],
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
		expect(invalidMessage({ ...createdPayload(), secret: [99887766] })).not.toContain('99887766');
		expect(invalidMessage({ tenantId: '1', user: 'SECRET-USER-42', startDate: '2026-01-01', endDate: '2026-01-31' })).not.toContain('SECRET-USER-42');
	});

	it('leaves Object.prototype alone', () => {
		invalidMessage('{"tenantId":"1","__proto__":{"polluted":true}}');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});
});

describe('tolerant reading: other JSON scalars in string fields (real senders send a numeric tenantId)', () => {
	it('a numeric tenantId is taken as its string and named in convertedFields', () => {
		expect(parse(createdPayload({ tenantId: 4711 }))).toMatchObject({ tenantId: '4711', convertedFields: ['tenantId'] });
		expect(parse(deactivationPayload({ tenantId: 4711 }))).toMatchObject({ tenantId: '4711', tenantStatus: 'deactivated', convertedFields: ['tenantId'] });
	});

	it('numbers and booleans in any known field are converted; each converted field is named once', () => {
		const event = parse(createdPayload({ clientId: 99, secret: 1234, password: 5678, host: 1, country: true, schoolPhoneNumber: 5551234 }));
		expect(event).toMatchObject({ clientId: '99', secret: '1234', password: '5678', host: '1', country: 'true', schoolPhoneNumber: '5551234' });
		expect(event.convertedFields).toEqual(['clientId', 'secret', 'password', 'host', 'country', 'schoolPhoneNumber']);
		expect(parse(v1Payload({ schoolName: 12 }))).toMatchObject({ schoolName: '12', convertedFields: ['schoolName'] });
		expect(parse(deactivationPayload({ reasonType: 1, reasonText: false }))).toMatchObject({ reasonType: '1', reasonText: 'false', convertedFields: ['reasonType', 'reasonText'] });
	});

	it('a numeric eventType is read as its string, an unknown type classified by shape', () => {
		expect(parse(createdPayload({ eventType: 3 }))).toMatchObject({ event: 'credentials', eventType: '3', convertedFields: ['eventType'] });
	});

	it('decimals keep their JavaScript string form', () => {
		expect(parse(deactivationPayload({ tenantId: 12.5 })).tenantId).toBe('12.5');
	});

	it('a body of strings gets no convertedFields at all (the item is unchanged)', () => {
		expect('convertedFields' in parse(createdPayload())).toBe(false);
		expect('convertedFields' in parse(deactivationPayload())).toBe(false);
	});

	it('fields it does not know keep their JSON type', () => {
		const event = parse(createdPayload({ tenantNumber: 4711 }));
		expect(event.extra).toEqual({ tenantNumber: 4711 });
		expect(event.convertedFields).toBeUndefined();
	});
});

describe('calendar-integration requests: genuinely signed, but not a lifecycle event', () => {
	it.each([
		['the published shape', { tenantId: '4711', user: 'jane', startDate: '2026-01-01', endDate: '2026-01-31' }],
		['a numeric tenantId', { tenantId: 4711, user: 'jane', startDate: '2026-01-01', endDate: '2026-01-31' }],
		['without tenantId', { user: 'jane', startDate: '2026-01-01' }],
	])('%s is refused with 400 calendar_request, named as such', (_name, payload) => {
		try {
			parse(payload);
			throw new Error('expected a rejection');
		} catch (error) {
			expect(error).toMatchObject({ status: 400, code: 'calendar_request' });
			expect((error as Rejection).message).toMatch(/^Body is a calendar-integration request \(tenantId, user, startDate, endDate\), not a lifecycle event/);
		}
	});

	it('a lifecycle event that happens to carry a user field is still that event', () => {
		expect(parse(createdPayload({ user: 'jane' })).event).toBe('credentials');
		expect(parse(deactivationPayload({ startDate: '2026-01-01' })).event).toBe('deactivation');
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
