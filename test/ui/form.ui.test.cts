import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startN8n } = require('../e2e/harness');
const { startDemoPlatform } = require('../../scripts/demo-platform.js');
const sim = require('../../tools/untis-platform-sim/sim.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The Manual Entry form as a school administrator meets it (issue 38): Debian's Chromium,
 * headless, against a real n8n 2.41.1 with the package installed, two forms from example 3 (its
 * trigger straight to Confirm Delivery), one checking entries with a loopback stand-in of the
 * platform's token endpoint, one with the check off. German for a browser that asks for it,
 * English for one that asks for English; every problem at once; typed values kept except the
 * secret and the password; the Stored page saying whether the platform checked.
 * Screenshots: $UNTIS_UI_ARTIFACTS or the temp folder (test artifacts, not committed).
 */
const ROOT = join(__dirname, '../..');
const CHROMIUM = process.env.UNTIS_UI_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = process.env.UNTIS_UI_ARTIFACTS ?? join(tmpdir(), 'untis-ui-form');
const school = { tenantId: 'ui-5001', clientId: 'BestApp-tenant-ui-5001', password: 'ui-form-password-5001' };
const login = { username: 'form-admin', password: 'ui-form-login-password-2026' };

interface N8n {
	webhookUrl(path: string): string;
	lastExecutionId(): number;
	readExecutions(o: { workflowId?: string; sinceId?: number }): Array<{ id: number; status: string }>;
	waitForExecutions(o: { workflowId: string; count: number; sinceId?: number }): Promise<Array<{ id: number; status: string }>>;
	stop(): Promise<unknown>;
}

let n8n: N8n;
let platform: { apiBase: string; tokenCalls(): number; close(): Promise<void> };
let browser: Browser;

/** Example 3's form straight to its Confirm Delivery (no table on this n8n), checking or not. */
function formWorkflow(id: string, checkWithPlatform: boolean) {
	const shipped = JSON.parse(readFileSync(join(ROOT, 'examples/3-manual-entry.workflow.json'), 'utf8'));
	const trigger = { ...shipped.nodes[0], webhookId: randomUUID(), parameters: { ...shipped.nodes[0].parameters, checkWithPlatform } };
	const confirm = shipped.nodes.find((node: { name: string }) => node.name === 'Confirm Delivery');
	return {
		id,
		name: `Manual entry form (${checkWithPlatform ? 'checked' : 'not checked'})`,
		nodes: [trigger, confirm],
		connections: { [trigger.name]: { main: [[{ node: confirm.name, type: 'main', index: 0 }]] } },
		settings: shipped.settings ?? {},
	};
}
const checked = formWorkflow('uiFormChecked00001', true);
const unchecked = formWorkflow('uiFormUnchecked001', false);
const urlOf = (workflow: typeof checked) => n8n.webhookUrl(`${workflow.nodes[0].webhookId}/form`);

beforeAll(async () => {
	mkdirSync(ARTIFACTS, { recursive: true });
	platform = await startDemoPlatform({ [school.tenantId]: school });
	const keys = sim.keygen(join(ARTIFACTS, 'keys'));
	const refs = checked.nodes[0].credentials;
	n8n = await startN8n({
		version: '2.41.1',
		packageDir: ROOT,
		credentials: [
			{ ...refs.untisPlatformApi, type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey: Buffer.alloc(32, 7).toString('base64'), apiBaseUrl: platform.apiBase } },
			{ ...refs.untisPlatformFormLoginApi, type: 'untisPlatformFormLoginApi', data: { user: login.username, password: login.password } },
		],
		workflows: [checked, unchecked],
		activate: true,
	});
	browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
}, 10 * 60 * 1000);

afterAll(async () => {
	await browser?.close().catch(() => undefined);
	await platform?.close();
	if (n8n) await n8n.stop();
});

/** A browser that asks for this language and has signed in to the form, on the opened form. */
async function openForm(language: string, url: string): Promise<Page> {
	const context = await browser.newContext({ httpCredentials: { ...login, origin: new URL(url).origin }, extraHTTPHeaders: { 'Accept-Language': language } });
	const page = await context.newPage();
	page.setDefaultTimeout(30000);
	const opened = await page.goto(url);
	expect(opened?.status()).toBe(200);
	return page;
}

async function fill(page: Page, values: Record<string, string>): Promise<void> {
	for (const [name, value] of Object.entries(values)) {
		if (name === 'language') await page.selectOption('select[name="language"]', value);
		else await page.locator(`input[name="${name}"]`).fill(value);
	}
}

async function send(page: Page, url: string): Promise<number> {
	const posted = page.waitForResponse((response) => response.url() === url && response.request().method() === 'POST');
	await page.locator('button[type="submit"]').click();
	const status = (await posted).status();
	await page.waitForLoadState();
	return status;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `form-${name}.png`), fullPage: true });
const inputValue = (page: Page, name: string) => page.locator(`[name="${name}"]`).inputValue();

describe('the manual-entry form in Chromium (issue 38)', () => {
	it('Accept-Language de: German; five mistakes listed at once, next to their fields, typed values kept but not the secret and password; then stored, checked', async () => {
		const url = urlOf(checked);
		const page = await openForm('de', url);
		expect(await page.locator('html').getAttribute('lang')).toBe('de');
		expect(await page.locator('h1').innerText()).toBe('Zugangsdaten für die Untis Platform');
		expect(await page.locator('label[for="tenantId"]').innerText()).toBe('Tenant-ID');
		expect(await page.locator('button[type="submit"]').innerText()).toBe('Prüfen und speichern');
		await shot(page, 'de-empty');

		const before = n8n.lastExecutionId();
		const tokenCalls = platform.tokenCalls();
		await fill(page, { clientId: 'Client ID', secret: 'ui-same-value', password: 'ui-same-value', host: 'https://school.webuntis.com/WebUntis/', activatorEmail: 'admin-at-school', language: 'de' });
		expect(await send(page, url)).toBe(400);
		const summary = page.locator('[role="alert"]');
		expect(await summary.locator('p').first().innerText()).toBe('Bitte korrigieren Sie die 5 unten markierten Angaben. Es wurde nichts gespeichert.');
		expect(await summary.locator('li').allInnerTexts()).toEqual([
			'Tenant-ID fehlt: bitte von der Untis Platform kopieren.',
			'Client-ID enthält Leerzeichen oder Zeilenumbrüche: bitte nur den Wert kopieren.',
			'Passwort und Secret sind gleich: die Plattform zeigt zwei verschiedene Werte; bitte jeden in sein Feld kopieren.',
			'Host muss eine Adresse wie schule.webuntis.com sein, ohne Pfad.',
			'Das ist keine E-Mail-Adresse.',
		]);
		// Each problem right above its field, which the browser marks invalid.
		expect(await page.locator('#host-problem').innerText()).toBe('Host muss eine Adresse wie schule.webuntis.com sein, ohne Pfad.');
		expect(await page.locator('#host').getAttribute('aria-invalid')).toBe('true');
		expect(await page.locator('#secret-note').innerText()).toMatch(/^Bitte erneut eingeben/);
		// What was typed is kept, except the secret and the password (and they are nowhere in the page).
		expect({
			clientId: await inputValue(page, 'clientId'),
			host: await inputValue(page, 'host'),
			activatorEmail: await inputValue(page, 'activatorEmail'),
			language: await inputValue(page, 'language'),
			secret: await inputValue(page, 'secret'),
			password: await inputValue(page, 'password'),
		}).toEqual({ clientId: 'Client ID', host: 'https://school.webuntis.com/WebUntis/', activatorEmail: 'admin-at-school', language: 'de', secret: '', password: '' });
		expect(await page.content()).not.toContain('ui-same-value');
		expect(n8n.readExecutions({ workflowId: checked.id, sinceId: before })).toEqual([]);
		expect(platform.tokenCalls()).toBe(tokenCalls);
		await shot(page, 'de-problems');

		// Only the mistakes fixed; the rest stays as it was.
		await fill(page, { tenantId: school.tenantId, clientId: school.clientId, secret: 'ui-typed-secret', password: school.password, host: 'school.webuntis.com', activatorEmail: 'admin@school.example' });
		expect(await send(page, url)).toBe(200);
		expect(await page.locator('html').getAttribute('lang')).toBe('de');
		expect(await page.locator('h1').innerText()).toBe('Gespeichert');
		expect(await page.locator('.done').innerText()).toBe(
			`Die Untis Platform hat die Zugangsdaten von Tenant ${school.tenantId} eben akzeptiert, und sie sind gespeichert. Secret und Passwort sind verschlüsselt gespeichert.`,
		);
		expect(platform.tokenCalls()).toBe(tokenCalls + 1);
		expect((await n8n.waitForExecutions({ workflowId: checked.id, count: 1, sinceId: before })).map((execution) => execution.status)).toEqual(['success']);
		await shot(page, 'de-stored-checked');
		await page.context().close();
	});

	it('Accept-Language en: English; with the check off the Stored page says it was not checked, and never that the platform accepted it', async () => {
		const url = urlOf(unchecked);
		const page = await openForm('en', url);
		expect(await page.locator('html').getAttribute('lang')).toBe('en');
		expect(await page.locator('label[for="tenantId"]').innerText()).toBe('Tenant ID');
		expect(await page.locator('button[type="submit"]').innerText()).toBe('Store');
		const before = n8n.lastExecutionId();
		const tokenCalls = platform.tokenCalls();
		await fill(page, { tenantId: 'ui-5002', clientId: 'BestApp-tenant-ui-5002', secret: 'ui-typed-secret-2', password: 'not-checked-password', host: 'school.webuntis.com' });
		expect(await send(page, url)).toBe(200);
		expect(await page.locator('h1').innerText()).toBe('Stored');
		const said = await page.locator('.done').innerText();
		expect(said).toMatch(/^The credentials of tenant ui-5002 are stored as typed\. They were not checked with the Untis Platform/);
		expect(said).not.toMatch(/accepted/);
		expect(platform.tokenCalls()).toBe(tokenCalls);
		expect((await n8n.waitForExecutions({ workflowId: unchecked.id, count: 1, sinceId: before })).map((execution) => execution.status)).toEqual(['success']);
		await shot(page, 'en-stored-unchecked');
		await page.context().close();
	});

	it('Accept-Language en with the check on: the Stored page says the platform accepted them', async () => {
		const url = urlOf(checked);
		const page = await openForm('en-GB,en;q=0.9', url);
		await fill(page, { tenantId: school.tenantId, clientId: school.clientId, secret: 'ui-typed-secret-3', password: school.password, host: 'school.webuntis.com', language: 'en' });
		expect(await send(page, url)).toBe(200);
		expect(await page.locator('.done').innerText()).toBe(
			`The Untis Platform accepted the credentials of tenant ${school.tenantId} just now, and they are stored. The secret and the password are stored encrypted.`,
		);
		await page.context().close();
	});
});
