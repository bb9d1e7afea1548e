import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { fixtureVariant } from './triggerSuite.cjs';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startN8n } = require('./harness');
const sim = require('../../tools/untis-platform-sim/sim.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The credential cache on a real n8n 2.41.1: the credential is changed in n8n's database while the
 * workflow is published (n8n's own `import:credentials`, as an edit in the UI would), and the
 * trigger must accept a request signed with an added key on the first try, and refuse a removed
 * key once the 60 s bound has passed, without a restart or re-activation.
 */
const ROOT = join(__dirname, '../..');
const workflow = fixtureVariant('untisCacheWf00001', '0c01', () => undefined);
const dir = mkdtempSync(join(tmpdir(), 'untis-cache-'));
const first = sim.keygen(join(dir, 'first'));
const second = sim.keygen(join(dir, 'second'));
const privateOf = (keys: { privatePath: string }) => readFileSync(keys.privatePath, 'utf8');
const encryptionKey = randomBytes(32).toString('base64');
const credential = (publicKeys: string) => [
	{ id: 'untisE2eCred0001', name: 'Untis Platform (e2e)', type: 'untisPlatformApi', data: { environment: 'custom', publicKeys, encryptionKey } },
];

type Execution = { id: number; status: string };
let n8n: {
	webhookUrl(path: string): string;
	lastExecutionId(): number;
	readExecutions(o: { workflowId: string; sinceId?: number }): Execution[];
	cli(args: string[]): Promise<void>;
	stop(): Promise<unknown>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
function send(keys: { privatePath: string }, tenant: string) {
	const body = JSON.stringify(sim.buildPayload('deactivation', { tenant }));
	return sim.post(n8n.webhookUrl(`${workflow.nodes[0].webhookId}/webhook`), body, sim.signRequest(body, privateOf(keys))) as Promise<{ status: number; body: string }>;
}
async function changeCredential(publicKeys: string) {
	const file = join(dir, `credential-${Date.now()}.json`);
	writeFileSync(file, JSON.stringify(credential(publicKeys)));
	await n8n.cli(['import:credentials', `--input=${file}`]);
}

beforeAll(async () => {
	n8n = await startN8n({ packageDir: ROOT, credentials: credential(first.publicKeyBase64), workflows: [workflow] });
}, 15 * 60 * 1000);

afterAll(async () => {
	if (n8n) await n8n.stop();
});

describe('credential changes on a running n8n 2.41.1', () => {
	it('an added key is accepted on its first request; a removed key is refused within 60 s', async () => {
		const before = n8n.lastExecutionId();
		expect((await send(first, 'cache-1')).status).toBe(200);
		expect((await send(second, 'cache-forged')).status).toBe(401);

		await changeCredential(`${first.publicKeyBase64}\n\n${second.publicKeyBase64}`);
		// The CLI takes seconds, so the one-per-second re-read is due.
		const added = await send(second, 'cache-2');
		expect(added.status).toBe(200);
		expect((await send(first, 'cache-3')).status).toBe(200);

		await changeCredential(second.publicKeyBase64);
		const changedAt = Date.now();
		// Within the bound the removed key may still verify (cached read); after it, never.
		await sleep(Math.max(0, 61_000 - (Date.now() - changedAt)));
		const removed = await send(first, 'cache-4');
		expect(removed.status).toBe(401);
		expect(JSON.parse(removed.body).error).toMatch(/^Signature does not match the body/);
		expect((await send(second, 'cache-5')).status).toBe(200);

		await sleep(1000);
		const statuses = n8n.readExecutions({ workflowId: workflow.id, sinceId: before }).map((e) => e.status);
		expect(statuses).toEqual(['success', 'success', 'success', 'success']);
	}, 5 * 60 * 1000);
});
