import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Answer, RestSession } from '../helpers/restSession.cjs';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startN8n } = require('../../scripts/n8n/n8n-instance');
const { startVerdaccio } = require('../../scripts/n8n/verdaccio');
const { restSession, registryEnv, failureWindows } = require('../../scripts/n8n/rest-session');
const sim = require('../../tools/untis-platform-sim/sim.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The same route on n8n 1.123.81 (the newest 1.x): install, update under load, remove through its
 * REST API from Verdaccio, with its E2E licence switch. 1.123.81 deletes the package folder before
 * it downloads the new version; this measures what the platform sees meanwhile. The workflow is
 * the trigger alone, answering on receipt, so each 2xx must become one successful execution.
 * Opt-in (UNTIS_REGISTRY_N8N1=1): 2.5 to 5 minutes here, most of it 1.123.81's slow start and update.
 */
const run = process.env.UNTIS_REGISTRY_N8N1 === '1' ? describe : describe.skip;
const VERSION = '1.123.81';
const ROOT = join(__dirname, '../..');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const NAME: string = PACKAGE.name;
const NEXT = `${PACKAGE.version.split('-')[0]}-test.2`;
const OWNER = { email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'Untis-e2e-Owner-1' };
const CONCURRENCY = 5;
const DURATION_MS = 40000;
const PATCH_AFTER_MS = 10000;

let registry: { url: string; publish(dir: string, o?: { version?: string }): { version: string }; stop(): Promise<void> };
let n8n: {
	userFolder: string;
	webhookUrl(path: string): string;
	waitForExecutions(o: { workflowId: string; count: number; sinceId?: number; timeoutMs?: number }): Promise<Array<{ id: number; status: string }>>;
	logTail(lines?: number): string;
	stop(): Promise<unknown>;
};
let api: RestSession;
const keys = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-n8n1-')));
const privateKey = readFileSync(keys.privatePath, 'utf8');
const webhookId = randomUUID();
const hookUrl = () => n8n.webhookUrl(`${webhookId}/webhook`);
const onDisk = () => {
	const file = join(n8n.userFolder, '.n8n', 'nodes', 'node_modules', NAME, 'package.json');
	return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : undefined;
};
function signed(tenant: string) {
	const text = JSON.stringify(sim.buildPayload('created', { tenant }));
	return { text, headers: sim.signRequest(text, privateKey) };
}

run(`n8n ${VERSION}: install, update under load and remove through its REST API`, () => {
	beforeAll(async () => {
		registry = await startVerdaccio();
		registry.publish(ROOT);
		registry.publish(ROOT, { version: NEXT });
		n8n = await startN8n({ version: VERSION, env: registryEnv(registry.url) });
		api = restSession(n8n);
		await api.prepare(OWNER);
	}, 15 * 60 * 1000);

	afterAll(async () => {
		if (n8n) await n8n.stop();
		if (registry) await registry.stop();
	});

	let workflow: { id: string; versionId: string };

	it('POST installs it; a credential and a trigger workflow created and activated through REST accept a signed delivery', async () => {
		const installed = await api.must('POST', '/community-packages', { name: NAME, version: PACKAGE.version });
		expect(installed.installedVersion).toBe(PACKAGE.version);
		expect(onDisk()).toBe(PACKAGE.version);
		const credential = await api.createCredential('Untis Platform (1.x)', 'untisPlatformApi', {
			environment: 'custom',
			publicKeys: keys.publicKeyBase64,
			encryptionKey: randomBytes(32).toString('base64'),
			apiBaseUrl: 'http://127.0.0.1:9',
		});
		const trigger = JSON.parse(readFileSync(join(ROOT, 'examples', '1-onboarding.workflow.json'), 'utf8')).nodes[0];
		delete trigger.parameters.acknowledge; // the default: answered on receipt
		workflow = await api.createWorkflow(
			{ name: 'Untis Platform trigger (1.x registry test)', nodes: [{ ...trigger, webhookId }], connections: {}, settings: { executionOrder: 'v1' } },
			{ credentials: { untisPlatformApi: credential } },
		);
		await api.activate(workflow);
		let status = 404;
		const deadline = Date.now() + 60000;
		while (status === 404 && Date.now() < deadline) {
			const d = signed('first');
			status = (await sim.post(hookUrl(), d.text, d.headers)).status;
			if (status === 404) await new Promise((r) => setTimeout(r, 250));
		}
		expect(status).toBe(200);
	});

	it(`PATCH under concurrency ${CONCURRENCY} for ${DURATION_MS / 1000} s: every answer counted, every 2xx one successful execution`, async () => {
		type Sent = { tenant: string; sentAt: number; answeredAt: number; status: number; body: string };
		const sent: Sent[] = [];
		const start = Date.now();
		let patchStarted = 0;
		let patchAnswered = 0;
		let update: Answer | undefined;
		const timer = setTimeout(() => {
			patchStarted = Date.now();
			void api.rest('PATCH', '/community-packages', { name: NAME, version: NEXT }, 300000).then((a) => {
				update = a;
				patchAnswered = Date.now();
			});
		}, PATCH_AFTER_MS);
		let count = 0;
		const running = () => Date.now() - start < DURATION_MS || !patchAnswered || Date.now() - patchAnswered < 5000;
		await Promise.all(
			Array.from({ length: CONCURRENCY }, async () => {
				while (running()) {
					const tenant = `v1x-${++count}`;
					const d = signed(tenant);
					const sentAt = Date.now();
					let status = 0;
					let body = '';
					try {
						({ status, body } = await sim.post(hookUrl(), d.text, d.headers, { timeoutMs: 60000 }));
					} catch (error) {
						body = String(error);
					}
					sent.push({ tenant, sentAt, answeredAt: Date.now(), status, body });
				}
			}),
		);
		clearTimeout(timer);
		if (!update || update.status !== 200) throw new Error(`update: HTTP ${update?.status} ${update?.text.slice(0, 500)}\n${n8n.logTail(40)}`);
		const ok = (s: Sent) => s.status >= 200 && s.status < 300;
		const byStatus: Record<string, number> = {};
		for (const s of sent) byStatus[s.status] = (byStatus[s.status] || 0) + 1;
		const windows = failureWindows(sent, ok, patchStarted);
		console.log(
			`n8n ${VERSION} update under load: ${sent.length} deliveries, answers ${JSON.stringify(byStatus)}; PATCH took ${(patchAnswered - patchStarted) / 1000} s; ` +
				`non-2xx windows (ms from the PATCH): ${JSON.stringify(windows)}; first non-2xx body: ${sent.find((s) => !ok(s))?.body.slice(0, 200)}`,
		);
		expect(update.json().data.installedVersion).toBe(NEXT);
		expect(onDisk()).toBe(NEXT);
		// Each acknowledged delivery is one successful execution (the first delivery made one more).
		const executions = await n8n.waitForExecutions({ workflowId: workflow.id, count: 1 + sent.filter(ok).length, timeoutMs: 120000 });
		expect(executions.filter((e) => e.status !== 'success')).toEqual([]);
		const after = signed('after-update');
		expect((await sim.post(hookUrl(), after.text, after.headers)).status).toBe(200);
	});

	it('DELETE removes it: the webhook stops accepting; POST installs it again and it accepts again', async () => {
		await api.must('DELETE', `/community-packages?name=${encodeURIComponent(NAME)}`);
		expect(onDisk()).toBeUndefined();
		const gone = signed('while-removed');
		const whileRemoved = await sim.post(hookUrl(), gone.text, gone.headers);
		await api.must('POST', '/community-packages', { name: NAME, version: NEXT });
		const again = signed('after-reinstall');
		const afterReinstall = await sim.post(hookUrl(), again.text, again.headers);
		console.log(`n8n ${VERSION}: while removed ${whileRemoved.status} ${whileRemoved.body.slice(0, 120)}; after reinstall ${afterReinstall.status}`);
		expect(whileRemoved.status).not.toBe(200);
		expect(afterReinstall.status).toBe(200);
	});
});
