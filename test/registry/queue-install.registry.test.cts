import { existsSync } from 'node:fs';
import { join } from 'node:path';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startQueueCluster } = require('../../scripts/n8n/queue/queue-cluster');
const { startVerdaccio } = require('../../scripts/n8n/verdaccio');
const { restSession, registryEnv } = require('../../scripts/n8n/rest-session');
const { request } = require('../../scripts/n8n/n8n-instance');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Queue mode and a registry other than npmjs (opt-in: UNTIS_REGISTRY_QUEUE=1, about 4 minutes).
 * n8n 2.41.1 checks the custom-registry licence feature on EVERY process that downloads a
 * package, and its E2E switch (the only licence hook a test may use) lives in the main process's
 * memory: the webhook process and the worker serve no /rest/e2e. So on this path the main installs,
 * and the other processes refuse the Redis event and the boot-time reinstall for the licence. This
 * suite measures exactly that, with the reason from each process's own log.
 */
const ROOT = join(__dirname, '../..');
const NAME = 'n8n-nodes-untis-platform';
const LICENCE = 'feat:communityNodes:customRegistry';
const run = process.env.UNTIS_REGISTRY_QUEUE === '1' ? describe : describe.skip;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Handle = { role: string; baseUrl: string; userFolder: string; env: Record<string, string>; logText(): string; logTail(n?: number): string; restart(): Promise<unknown> };
let registry: { url: string; publish(dir: string): { version: string }; stop(): Promise<void> };
let cluster: { main: Handle; webhook: Handle; worker: Handle; stop(): Promise<unknown> };
const onDisk = (h: Handle) => existsSync(join(h.userFolder, '.n8n', 'nodes', 'node_modules', NAME, 'package.json'));
/** n8n's JSON log lines (N8N_LOG_FORMAT=json: {level, message, metadata}) of one process whose message matches. */
function logLines(h: Handle, message: RegExp): Array<{ message?: string; metadata?: Record<string, string> }> {
	return h
		.logText()
		.split('\n')
		.filter((l) => l.startsWith('{'))
		.map((l) => {
			try {
				return JSON.parse(l);
			} catch {
				return {};
			}
		})
		.filter((j) => message.test(String(j.message ?? '')));
}
async function waitForLog(h: Handle, message: RegExp, timeoutMs = 90000) {
	const deadline = Date.now() + timeoutMs;
	while (!logLines(h, message).length) {
		if (Date.now() > deadline) throw new Error(`${h.role}: no log line ${message} within ${timeoutMs} ms\n${h.logTail(30)}`);
		await sleep(500);
	}
	return logLines(h, message);
}

run('queue mode: installed on main through POST /rest/community-packages from a custom registry', () => {
	beforeAll(async () => {
		registry = await startVerdaccio();
		registry.publish(ROOT);
		cluster = await startQueueCluster({
			env: { ...registryEnv(registry.url), N8N_LOG_FORMAT: 'json' },
		});
		const api = restSession({ baseUrl: cluster.main.baseUrl, request, logTail: (n: number) => cluster.main.logTail(n) });
		await api.prepare({ email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'Untis-e2e-Owner-1' });
		expect((await api.must('POST', '/community-packages', { name: NAME })).installedVersion).toBeTruthy();
	}, 15 * 60 * 1000);

	afterAll(async () => {
		if (cluster) await cluster.stop();
		if (registry) await registry.stop();
	});

	it('main installs it; the webhook process and the worker get the Redis event and refuse it for the licence', async () => {
		expect(onDisk(cluster.main)).toBe(true);
		for (const h of [cluster.webhook, cluster.worker]) {
			const [skipped] = await waitForLog(h, /Skipped installing community package/);
			console.log(`${h.role}: "${skipped.message}" reason: ${skipped.metadata?.reason}`);
			expect(skipped.metadata?.reason).toContain(LICENCE);
			expect(onDisk(h)).toBe(false);
		}
	});

	it('restarted without N8N_REINSTALL_MISSING_PACKAGES the worker only warns; with it, it tries the reinstall and is refused the same way', async () => {
		const missing = /some packages are missing/;
		const before = logLines(cluster.worker, missing).length;
		await cluster.worker.restart();
		await waitForLog(cluster.worker, missing);
		expect(logLines(cluster.worker, missing).length).toBe(before + 1);
		expect(onDisk(cluster.worker)).toBe(false);

		Object.assign(cluster.worker.env, { N8N_REINSTALL_MISSING_PACKAGES: 'true' });
		await cluster.worker.restart();
		await waitForLog(cluster.worker, /Attempting to reinstall missing packages/);
		const [failed] = await waitForLog(cluster.worker, /Failed to reinstall community package/);
		console.log(`worker restarted with N8N_REINSTALL_MISSING_PACKAGES=true: "${failed.message}"`);
		expect(failed.message).toContain(LICENCE);
		expect(onDisk(cluster.worker)).toBe(false);
	});
});
