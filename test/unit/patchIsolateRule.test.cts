import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { rewrite, FLAG } = require('../../bench/patch-isolate-rule.js') as { rewrite(source: string): string; FLAG: string };

/**
 * bench/patch-isolate-rule.js rewrites one condition and refuses anything it does not recognise
 * (docs/upstream-isolate.md). The method text here is a stand-in with the same shape, built in
 * the test; the installed n8n's own file is checked too when this machine has it.
 */
const method = (lines: string[]) => `class LiveWebhooks {\n    webhookPhaseNeedsIsolate(startNode) {\n${lines.map((l) => `        ${l}`).join('\n')}\n    }\n}\n`;
const CHECKS = [
	'if (!this.config.allowSkip) return true;',
	'if (startNode.type !== ns_1.WEBHOOK_NODE_TYPE)\n            return true;',
	'if (startNode.typeVersion === 1) return true;',
	'if (!(0, ns_1.nodeParametersAreStatic)(startNode)) return true;',
	'return !descriptions.every(ns_1.webhookDescriptionIsNativelyResolvable);',
];

describe('bench/patch-isolate-rule.js', () => {
	it('adds "and the node type does not declare the flag" to the one type check, and nothing else', () => {
		const source = method(CHECKS);
		const patched = rewrite(source);
		expect(patched).toContain(`if (startNode.type !== ns_1.WEBHOOK_NODE_TYPE &&\n            this.nodeTypes.getByNameAndVersion(startNode.type, startNode.typeVersion)?.description?.${FLAG} !== true)\n            return true;`);
		expect(patched.replace(/ &&\n\s*this\.nodeTypes[^\n]*!== true\)/, ')')).toBe(source);
	});

	it('fails loudly when the condition, the method or a later check is not there exactly once', () => {
		expect(() => rewrite(method(CHECKS.filter((_, i) => i !== 1)))).toThrow(/found 0/);
		expect(() => rewrite(method([...CHECKS, CHECKS[1]]))).toThrow(/found 2/);
		expect(() => rewrite(method(CHECKS) + method(CHECKS))).toThrow(/found 2/);
		expect(() => rewrite('class X {}')).toThrow(/found 0/);
		expect(() => rewrite(method(CHECKS.filter((_, i) => i !== 3)))).toThrow(/no longer checks nodeParametersAreStatic/);
	});

	const installed = join(homedir(), '.cache/n8n-nodes-untis-platform/n8n-2.41.1/node_modules/n8n/dist/webhooks/live-webhooks.js');
	(existsSync(installed) ? it : it.skip)("applies to n8n 2.41.1's installed live-webhooks.js (read only)", () => {
		const patched = rewrite(readFileSync(installed, 'utf8'));
		expect(patched.split(`.${FLAG} !== true`)).toHaveLength(2);
	});
});
