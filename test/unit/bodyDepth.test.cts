import { bodyDepthRejection, MAX_BODY_DEPTH, nestingDepth } from '../../nodes/UntisPlatform/core/webhook/bodyDepth';
import { parseEvent } from '../../nodes/UntisPlatform/core/webhook/events';
import { createdPayload, deactivationPayload, nestedPayload as nestedBody } from '../helpers/platform.cjs';

/**
 * A verified body's nesting depth is measured on its raw bytes before JSON.parse: the platform
 * sends flat objects, and a body nested 100,000 levels deep would otherwise verify and start an
 * execution whose item n8n cannot serialise.
 */
const depthOf = (text: string, cap?: number) => nestingDepth(Buffer.from(text), cap);

const TOO_DEEP = `Body is nested at least ${MAX_BODY_DEPTH + 1} levels deep (at most ${MAX_BODY_DEPTH} allowed): the platform sends flat objects`;

describe('nestingDepth: the deepest [ or { outside strings, counted on the raw bytes', () => {
	it('allows 32 levels, far more than the flat objects the platform sends', () => {
		expect(MAX_BODY_DEPTH).toBe(32);
	});

	it.each([
		['a flat credentials body', JSON.stringify(createdPayload()), 1],
		['a flat deactivation body', JSON.stringify(deactivationPayload()), 1],
		['an empty body', '', 0],
		['a bare string', '"tenantId"', 0],
		['a bare number', '4711', 0],
		['an empty array', '[]', 1],
		['an object in an object', '{"a":{"b":1}}', 2],
		['siblings do not add up', '{"a":[1],"b":{"c":2},"d":[[3]]}', 3],
		['a body nested exactly to the cap', nestedBody(32), 32],
	])('%s is %d level(s) deep', (_name, text, depth) => {
		expect(depthOf(text)).toBe(depth);
	});

	it('brackets and braces inside strings do not count', () => {
		expect(depthOf(JSON.stringify({ tenantId: '1', note: '[[[[{{{{'.repeat(100), key: '}}]]' }))).toBe(1);
		expect(depthOf(JSON.stringify({ '[[[[{{{{': 1 }))).toBe(1);
	});

	it('an escaped quote does not end a string', () => {
		expect(depthOf('{"a":"\\"[[[[{{{{"}')).toBe(1);
		expect(depthOf(JSON.stringify({ a: `"${'['.repeat(100)}"` }))).toBe(1);
	});

	it('an escaped backslash before a quote does end the string', () => {
		// {"a":"x\\","b":[[1]]}: the string is x\ and the brackets after it count.
		expect(depthOf('{"a":"x\\\\","b":[[1]]}')).toBe(3);
		expect(depthOf('{"a":"\\\\\\"[[","b":[1]}')).toBe(2);
	});

	it('\\u escapes and UTF-8 text inside strings are read past', () => {
		expect(depthOf('{"a":"\\u0022[[[[","b":"ü[[{{ 日本"}')).toBe(1);
	});

	it('one level over the cap is reported as cap + 1', () => {
		expect(depthOf(nestedBody(33))).toBe(33);
	});

	it('stops as soon as the cap is exceeded: 100,000 levels report cap + 1', () => {
		expect(depthOf(nestedBody(100_000))).toBe(MAX_BODY_DEPTH + 1);
		expect(depthOf('['.repeat(100_000), 3)).toBe(4);
	});

	it('counts to any cap it is given', () => {
		expect(depthOf('['.repeat(1000), Number.POSITIVE_INFINITY)).toBe(1000);
	});
});

describe('bodyDepthRejection: 400 body_too_deep, named, never quoting the body', () => {
	it('lets a body at the cap through', () => {
		expect(bodyDepthRejection(Buffer.from(nestedBody(32)))).toBeUndefined();
		expect(bodyDepthRejection(Buffer.from(JSON.stringify(createdPayload())))).toBeUndefined();
	});

	it.each([33, 100_000])('refuses a body nested %d levels deep', (depth) => {
		const rejection = bodyDepthRejection(Buffer.from(nestedBody(depth)));
		expect(rejection).toMatchObject({ status: 400, code: 'body_too_deep', message: TOO_DEEP });
	});

	it('parseEvent refuses a too-deep body before JSON.parse reads it', () => {
		const parse = jest.spyOn(JSON, 'parse');
		try {
			let thrown: unknown;
			try {
				parseEvent(Buffer.from(nestedBody(100_000)));
			} catch (error) {
				thrown = error;
			}
			expect(thrown).toMatchObject({ status: 400, code: 'body_too_deep', message: TOO_DEEP });
			expect(parse).not.toHaveBeenCalled();
		} finally {
			parse.mockRestore();
		}
	});

	it('parseEvent still delivers a body nested to the cap', () => {
		const event = parseEvent(Buffer.from(nestedBody(32)));
		expect(event).toMatchObject({ event: 'deactivation', tenantId: deactivationPayload().tenantId });
		expect(JSON.stringify(event.extra.deep)).toBe(`${'['.repeat(31)}${']'.repeat(31)}`);
	});
});
