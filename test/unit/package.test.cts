import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PackageDirectoryLoader } from 'n8n-core';

/**
 * Loads the built package with n8n's own loader, exactly as n8n does at start-up, so a broken
 * description, a missing icon or codex, or a wrong path in package.json fails here, long before
 * an end-to-end run.
 */
const root = join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('the package as n8n loads it', () => {
	let loader: PackageDirectoryLoader;

	beforeAll(async () => {
		loader = new PackageDirectoryLoader(root);
		await loader.loadAll();
	});

	it('registers the triggers, the node and the credentials under the package name', () => {
		expect(loader.packageName).toBe('n8n-nodes-untis-platform');
		expect(Object.keys(loader.nodeTypes).sort()).toEqual(['untisPlatform', 'untisPlatformCalendarTrigger', 'untisPlatformData', 'untisPlatformManualEntryTrigger', 'untisPlatformTrigger']);
		expect(Object.keys(loader.credentialTypes).sort()).toEqual(['untisPlatformApi', 'untisPlatformFormLoginApi']);
		expect(loader.known.nodes.untisPlatformTrigger.className).toBe('UntisPlatformTrigger');
	});

	it.each(['untisPlatform', 'untisPlatformManualEntryTrigger', 'untisPlatformCalendarTrigger', 'untisPlatformData'])('every parameter of %s has help text', (name) => {
		const { description } = loader.nodeTypes[name].type as unknown as {
			description: { properties: Array<Record<string, unknown>>; usableAsTool?: boolean };
		};
		const parameters = description.properties.flatMap((p) =>
			p.type === 'collection' ? (p.options as Array<Record<string, unknown>>) : [p],
		);
		for (const parameter of parameters.filter((p) => p.type !== 'notice')) {
			expect(typeof parameter.description).toBe('string');
		}
	});

	it('every Secrets setting of both nodes shows a notice when set to Plain, and only then', () => {
		type Property = { name: string; type: string; options?: Array<{ value: unknown }>; displayOptions?: { show?: Record<string, unknown[]> } };
		let checked = 0;
		for (const name of ['untisPlatformTrigger', 'untisPlatform', 'untisPlatformManualEntryTrigger']) {
			const { properties } = (loader.nodeTypes[name].type as unknown as { description: { properties: Property[] } }).description;
			for (const secrets of properties.filter((p) => p.name === 'secrets' && p.options?.some((o) => o.value === 'plain'))) {
				const operation = secrets.displayOptions?.show?.operation;
				const notices = properties.filter(
					(p) =>
						p.type === 'notice' &&
						JSON.stringify(p.displayOptions?.show?.secrets) === '["plain"]' &&
						JSON.stringify(p.displayOptions?.show?.operation) === JSON.stringify(operation),
				);
				expect({ node: name, operation, notices: notices.length }).toEqual({ node: name, operation, notices: 1 });
				checked++;
			}
		}
		// The trigger, Create Credentials Event, Verify Signature and the manual-entry form.
		expect(checked).toBe(4);
	});

	it('describes the trigger as the conventions ask', () => {
		const { description } = loader.nodeTypes.untisPlatformTrigger.type as unknown as {
			description: Record<string, unknown> & { properties: Array<Record<string, unknown>> };
		};
		expect(description.name).toBe('untisPlatformTrigger');
		// n8n prefixes it with the package name: n8n-nodes-untis-platform.untisPlatformTrigger.
		expect(description.displayName).toBe('Untis Platform Trigger');
		expect(description.inputs).toEqual([]);
		expect(description.outputs).toEqual(['main', 'main']);
		expect(description.outputNames).toEqual(['Credentials', 'Deactivation']);
		expect(description.webhooks).toEqual([
			expect.objectContaining({
				httpMethod: 'POST',
				// onReceived unless Acknowledge waits for the workflow (see trigger.test.cts).
				responseMode: expect.stringMatching(/^=\{\{.*"lastNode" : .*"responseNode" : "onReceived"\}\}$/),
				path: 'webhook',
			}),
		]);
		// Every parameter (and every option in a collection) carries help text.
		const parameters = description.properties.flatMap((p) =>
			p.type === 'collection' ? (p.options as Array<Record<string, unknown>>) : [p],
		);
		for (const parameter of parameters.filter((p) => p.type !== 'notice')) {
			expect(typeof parameter.description).toBe('string');
		}
	});

	it('resolves the light and dark icons and the codex', () => {
		const { description } = loader.nodeTypes.untisPlatformTrigger.type as unknown as { description: Record<string, unknown> };
		expect(description.iconUrl).toEqual({
			light: 'icons/n8n-nodes-untis-platform/dist/nodes/UntisPlatform/untisPlatform.svg',
			dark: 'icons/n8n-nodes-untis-platform/dist/nodes/UntisPlatform/untisPlatform.dark.svg',
		});
		expect(description.codex).toMatchObject({ alias: expect.arrayContaining(['webuntis', 'school', 'webhook']) });
	});

	it("gives the companion node the same search aliases: n8n's nodes panel groups both nodes and searches the action node's codex", () => {
		const { description } = loader.nodeTypes.untisPlatform.type as unknown as { description: Record<string, unknown> };
		expect(description.codex).toMatchObject({ alias: expect.arrayContaining(['webuntis', 'school', 'webhook']) });
	});

	it('follows the community-package rules in package.json', () => {
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.n8n.strict).toBe(true);
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(Object.keys(pkg.peerDependencies)).toEqual(['n8n-workflow']);
	});
});
