import { randomBytes } from 'node:crypto';
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/* eslint-disable @typescript-eslint/no-require-imports */
const { startN8n } = require('./harness');
const sim = require('../../tools/untis-platform-sim/sim.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The trigger inside a real n8n: installed as a community package, workflow imported and
 * published, real signed HTTP requests on loopback, and n8n's own execution records as proof.
 */
export const ROOT = join(__dirname, '../..');
const WORKFLOW = JSON.parse(readFileSync(join(__dirname, 'fixtures/trigger-outputs.workflow.json'), 'utf8'));
const WEBHOOK_PATH = `${WORKFLOW.nodes[0].webhookId}/webhook`;
type FixtureWorkflow = {
	id: string;
	name: string;
	nodes: Array<{ id?: string; name?: string; type?: string; position?: number[]; typeVersion: number; webhookId?: string; parameters: Record<string, unknown> }>;
	connections: Record<string, unknown>;
};

/**
 * The trigger-outputs fixture under another workflow id, with node ids and webhook id changed by a
 * 4-hex-digit prefix (so it can be imported beside the original), then adjusted by `change`.
 */
export function fixtureVariant(id: string, prefix: string, change: (workflow: FixtureWorkflow) => void): FixtureWorkflow {
	const text = JSON.stringify(WORKFLOW)
		.split(WORKFLOW.id).join(id)
		.split('7f0e1c9a-0000-').join(`7f0e1c9a-${prefix}-`)
		.split('6b1f4c52-0000-').join(`6b1f4c52-${prefix}-`);
	const workflow = JSON.parse(text) as FixtureWorkflow;
	workflow.name = `${workflow.name} (${id})`;
	change(workflow);
	return workflow;
}
/** The same workflow as saved before the trigger's version 1.1 (typeVersion 1). */
const WORKFLOW_V1 = fixtureVariant('untisE2eTriggerV1', '0001', (workflow) => {
	workflow.nodes[0].typeVersion = 1;
});
const TRIGGER = 'Untis Platform Trigger';
/**
 * Acknowledge When Confirm Delivery Runs: Credentials received -> Confirm Delivery; the
 * Deactivation output reaches no Confirm Delivery (a path that skips it).
 */
export function confirmDeliveryVariant(id: string, prefix: string): FixtureWorkflow {
	return fixtureVariant(id, prefix, (workflow) => {
		workflow.nodes[0].parameters.acknowledge = 'confirmDelivery';
		workflow.nodes.push({
			id: `5c0e1c9a-${prefix}-4000-8000-000000000004`,
			name: 'Confirm delivery',
			type: 'n8n-nodes-untis-platform.untisPlatform',
			typeVersion: 1,
			position: [440, -100],
			parameters: { operation: 'confirmDelivery' },
		});
		workflow.connections['Credentials received'] = { main: [[{ node: 'Confirm delivery', type: 'main', index: 0 }]] };
	});
}
const WORKFLOW_CONFIRM = confirmDeliveryVariant('untisE2eConfirm01', '0002');

type Json = Record<string, unknown>;
interface N8n {
	version: string;
	dbPath: string;
	logFile: string;
	startSeconds: number;
	webhookUrl(path: string): string;
	lastExecutionId(): number;
	waitForExecutions(options: { workflowId: string; count: number; sinceId?: number; timeoutMs?: number }): Promise<Array<Json & { id: number; status: string }>>;
	readExecutions(options: { workflowId: string; sinceId?: number }): Array<Json & { id: number; status: string }>;
	executionJson(id: number): Record<string, Json[][]>;
	logText(): string;
	logTail(lines?: number): string;
	stop(): Promise<unknown>;
}

export interface Delivery {
	kind: string;
	body: string;
	headers: Record<string, string>;
	payload: Json;
}

export function suite(version: string, { full }: { full: boolean }) {
	const keyDir = mkdtempSync(join(tmpdir(), 'untis-e2e-keys-'));
	const devKey = sim.keygen(keyDir);
	const intruder = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-e2e-intruder-')));
	const privateKey = readFileSync(devKey.privatePath, 'utf8');
	const intruderKey = readFileSync(intruder.privatePath, 'utf8');
	const encryptionKey = randomBytes(32).toString('base64');
	/** Every delivery sent, so the leak check knows every secret that went in. */
	const sent: Delivery[] = [];
	let n8n: N8n;
	let url: string;

	const delivery = (kind: string, tenant: string, fields: Json = {}, key = privateKey, algorithm?: string): Delivery => {
		const payload = sim.buildPayload(kind, { tenant, fields });
		const body = JSON.stringify(payload);
		const d = { kind, body, payload, headers: sim.signRequest(body, key, algorithm) };
		sent.push(d);
		return d;
	};
	const post = (body: string | Buffer, headers: Record<string, string>, agent?: Agent) =>
		sim.post(url, body, headers, { agent }) as Promise<{ status: number; body: string; ms: number }>;
	const executionsSince = (sinceId: number) => n8n.readExecutions({ workflowId: WORKFLOW.id, sinceId });

	beforeAll(async () => {
		n8n = await startN8n({
			version,
			packageDir: ROOT,
			credentials: [
				{
					id: 'untisE2eCred0001',
					name: 'Untis Platform (e2e)',
					type: 'untisPlatformApi',
					data: { environment: 'custom', publicKeys: devKey.publicKeyBase64, encryptionKey },
				},
			],
			workflows: [WORKFLOW, WORKFLOW_V1, WORKFLOW_CONFIRM],
		});
		url = n8n.webhookUrl(WEBHOOK_PATH);
		// eslint-disable-next-line no-console
		console.log(`n8n ${n8n.version}: webhook live ${n8n.startSeconds.toFixed(1)} s after start`);
	}, 15 * 60 * 1000);

	afterAll(async () => {
		if (n8n) await n8n.stop();
	});

	describe(`n8n ${version}: every event type starts exactly one execution on the right output`, () => {
		const cases: Array<[string, 0 | 1, Json]> = [
			['created', 0, { event: 'credentials', eventType: 'CREATED', tenantStatus: 'active', specVersion: 2 }],
			['reactivated', 0, { event: 'credentials', eventType: 'REACTIVATED', tenantStatus: 'active' }],
			['reset', 0, { event: 'credentials', eventType: 'RESET', tenantStatus: 'active' }],
			['v1', 0, { event: 'credentials', eventType: 'V1', specVersion: 1, schoolName: 'Example School' }],
			['deactivation', 1, { event: 'deactivation', eventType: 'DEACTIVATION', tenantStatus: 'deactivated', reasonType: 'SCHOOL_DEACTIVATION' }],
			['deletion', 1, { event: 'deactivation', eventType: 'DELETION', tenantStatus: 'deleted', reasonType: 'SCHOOL_DELETION' }],
			['legacy', 1, { event: 'deactivation', eventType: 'DEACTIVATION', tenantStatus: 'deactivated', reasonType: 'REMOTE_DEACTIVATION' }],
		];

		it.each(cases)('%s', async (kind, output, fields) => {
			const before = n8n.lastExecutionId();
			const d = delivery(kind, `tenant-${kind}`);
			const answer = await post(d.body, d.headers);
			expect(answer.status).toBe(200);
			expect(JSON.parse(answer.body)).toEqual({
				received: true,
				started: true,
				deliveryId: sim.deliveryId(Buffer.from(d.body), encryptionKey),
			});

			const [execution] = await n8n.waitForExecutions({ workflowId: WORKFLOW.id, count: 1, sinceId: before });
			expect(execution.status).toBe('success');
			const runs = n8n.executionJson(execution.id);
			const [credentialsOut, deactivationOut] = runs[TRIGGER];
			const item = (output === 0 ? credentialsOut : deactivationOut)[0];
			expect(output === 0 ? deactivationOut ?? [] : credentialsOut ?? []).toEqual([]);
			expect(runs[output === 0 ? 'Credentials received' : 'Deactivation received'][0]).toEqual([item]);
			expect(runs[output === 0 ? 'Deactivation received' : 'Credentials received']).toBeUndefined();

			expect(item).toMatchObject({ ...fields, tenantId: `tenant-${kind}` });
			expect(item.deliveryId).toBe(sim.deliveryId(Buffer.from(d.body), encryptionKey));
			expect(item.verification).toEqual({ algorithm: 'SHA256withRSA', key: 'custom #1' });
			expect(Date.parse(item.receivedAt as string)).not.toBeNaN();
			if (output === 0) {
				expect(item).toMatchObject({ clientId: `BestApp-tenant-tenant-${kind}`, host: d.payload.host, secrets: 'sealed' });
				expect(item.secret).toMatch(/^sealed:v2:[0-9a-f]{8}:/);
				expect(item.password).toMatch(/^sealed:v2:[0-9a-f]{8}:/);
			} else {
				expect(item).toHaveProperty('reasonText', d.payload.reasonText);
			}
			// Exactly one: give a stray second execution the chance to appear.
			await new Promise((resolve) => setTimeout(resolve, 300));
			expect(executionsSince(before)).toHaveLength(1);
		});
	});

	describe(`n8n ${version}: Acknowledge When Confirm Delivery Runs`, () => {
		const deliver = async (d: Delivery) => {
			const before = n8n.lastExecutionId();
			const answer = await sim.post(n8n.webhookUrl(`${WORKFLOW_CONFIRM.nodes[0].webhookId}/webhook`), d.body, d.headers);
			const [execution] = await n8n.waitForExecutions({ workflowId: WORKFLOW_CONFIRM.id, count: 1, sinceId: before });
			return { answer, execution, runs: n8n.executionJson(execution.id) };
		};

		it("Confirm Delivery answers 200 {received, confirmed, deliveryId} and passes the trigger's item on", async () => {
			const d = delivery('created', 'tenant-confirm');
			const { answer, execution, runs } = await deliver(d);
			expect(answer.status).toBe(200);
			expect(JSON.parse(answer.body)).toEqual({ received: true, confirmed: true, deliveryId: sim.deliveryId(Buffer.from(d.body), encryptionKey) });
			expect(execution.status).toBe('success');
			expect(runs['Confirm delivery'][0]).toEqual(runs[TRIGGER][0]);
		});

		it("a path that ends without Confirm Delivery is answered by n8n: 200, empty (documented: every path should reach it or fail)", async () => {
			const { answer, execution, runs } = await deliver(delivery('deactivation', 'tenant-confirm-skipped'));
			expect(answer.status).toBe(200);
			expect(answer.body).toBe('');
			expect(execution.status).toBe('success');
			expect(runs['Confirm delivery']).toBeUndefined();
		});
	});

	describe(`n8n ${version}: workflows saved with typeVersion 1 behave as 1.1`, () => {
		const itemOf = async (workflow: typeof WORKFLOW, d: Delivery, contentType?: string) => {
			const before = n8n.lastExecutionId();
			const headers = contentType ? { ...d.headers, 'Content-Type': contentType } : d.headers;
			const answer = await sim.post(n8n.webhookUrl(`${workflow.nodes[0].webhookId}/webhook`), d.body, headers);
			expect(answer.status).toBe(200);
			const [execution] = await n8n.waitForExecutions({ workflowId: workflow.id, count: 1, sinceId: before });
			expect(execution.status).toBe('success');
			const [credentialsOut, deactivationOut] = n8n.executionJson(execution.id)[TRIGGER];
			return { answer: JSON.parse(answer.body), item: ((credentialsOut ?? [])[0] ?? (deactivationOut ?? [])[0]) as Json };
		};
		// receivedAt differs by time, the sealed values by their random IVs.
		const comparable = ({ receivedAt, secret, password, ...rest }: Json) => ({ ...rest, sealed: [secret, password].map((v) => /^sealed:v2:/.test(String(v))) });

		it.each(['created', 'deactivation'])('%s: the same answer and the same item from both versions', async (kind) => {
			const d = delivery(kind, `tenant-versions-${kind}`);
			const v11 = await itemOf(WORKFLOW, d);
			const v1 = await itemOf(WORKFLOW_V1, d);
			expect(v1.answer).toEqual(v11.answer);
			expect(comparable(v1.item)).toEqual(comparable(v11.item));
		});

		it('a body sent as application/octet-stream is read raw and accepted by both', async () => {
			// n8n does not read the body for a 1.1 node and an unparsable content type; the node does.
			const d = delivery('created', 'tenant-octet-stream');
			for (const workflow of [WORKFLOW, WORKFLOW_V1]) {
				const { item } = await itemOf(workflow, d, 'application/octet-stream');
				expect(item).toMatchObject({ tenantId: 'tenant-octet-stream', eventType: 'CREATED' });
			}
		});
	});

	describe(`n8n ${version}: every rejection gets its status and creates no execution`, () => {
		const genuine = () => delivery('created', 'tenant-rejections');
		const with_ = (d: Delivery, headers: Record<string, string | undefined>) => {
			const merged: Record<string, string> = { ...d.headers };
			for (const [name, value] of Object.entries(headers)) {
				if (value === undefined) delete merged[name];
				else merged[name] = value;
			}
			return merged;
		};
		const nested = (depth: number) =>
			`{"tenantId":"tenant-deep","eventType":"DEACTIVATION","reasonType":"NO_REASON","deep":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
		const signedText = (text: string, contentType = 'application/json; charset=utf-8') => ({
			body: text,
			headers: { ...sim.signRequest(text, privateKey), 'Content-Type': contentType },
		});

		const cases: Array<[string, () => { body: string | Buffer; headers: Record<string, string> }, number, RegExp]> = [
			['no signature headers at all', () => { const d = genuine(); return { body: d.body, headers: { 'Content-Type': 'application/json' } }; }, 401, /^Missing Authorization header/],
			['no Algorithm header', () => { const d = genuine(); return { body: d.body, headers: with_(d, { Algorithm: undefined }) }; }, 401, /^Missing Algorithm header/],
			['no Authorization header', () => { const d = genuine(); return { body: d.body, headers: with_(d, { Authorization: undefined }) }; }, 401, /^Missing Authorization header/],
			['signed with another key', () => { const d = delivery('created', 'tenant-intruder', {}, intruderKey); return { body: d.body, headers: d.headers }; }, 401, /does not match/],
			['a tampered body', () => { const d = genuine(); return { body: d.body.replace('tenant-rejections', 'tenant-rejectionz'), headers: d.headers }; }, 401, /does not match/],
			['the body re-serialised', () => { const d = genuine(); return { body: JSON.stringify(JSON.parse(d.body), null, 2), headers: d.headers }; }, 401, /does not match/],
			['Algorithm SHA1withRSA', () => { const d = genuine(); return { body: d.body, headers: with_(d, { Algorithm: 'SHA1withRSA' }) }; }, 401, /^Algorithm header 'SHA1withRSA' is not allowed \(allowed: SHA256withRSA\)$/],
			['SHA512withRSA, signed but not enabled', () => { const d = delivery('created', 'tenant-512', {}, privateKey, 'SHA512withRSA'); return { body: d.body, headers: d.headers }; }, 401, /'SHA512withRSA' is not allowed/],
			['Algorithm sent twice', () => { const d = genuine(); return { body: d.body, headers: with_(d, { Algorithm: 'SHA256withRSA, SHA256withRSA' }) }; }, 401, /is not allowed/],
			['a non-base64 signature', () => { const d = genuine(); return { body: d.body, headers: with_(d, { Authorization: 'this is not base64!' }) }; }, 401, /not strict base64/],
			['a Bearer prefix', () => { const d = genuine(); return { body: d.body, headers: with_(d, { Authorization: `Bearer ${d.headers.Authorization}` }) }; }, 401, /without a 'Bearer' prefix/],
			['a truncated signature', () => { const d = genuine(); return { body: d.body, headers: with_(d, { Authorization: d.headers.Authorization.slice(0, 172) }) }; }, 401, /decodes to 129 bytes/],
			['verified, but an array', () => signedText('[{"tenantId":"1"}]'), 400, /^Body must be a JSON object, got an array$/],
			['verified, but no tenantId', () => signedText('{"eventType":"DEACTIVATION","reasonType":"NO_REASON"}'), 400, /^Field 'tenantId' is missing or empty/],
			['verified, but neither event shape', () => signedText('{"tenantId":"1","hello":"world"}'), 400, /fits neither event/],
			['verified, but a __proto__ key', () => signedText('{"tenantId":"1","eventType":"DEACTIVATION","__proto__":{"x":1}}'), 400, /'__proto__' key/],
			['verified, but not JSON (text/plain)', () => signedText('tenantId=1&eventType=DELETION', 'text/plain'), 400, /^Body is not valid JSON$/],
			['verified, but an array secret', () => signedText(JSON.stringify({ ...sim.buildPayload('created', { tenant: 'x' }), secret: [42] })), 400, /Field 'secret' must be a string, got an array/],
			// The calendar integration signs with the same headers (its key is in the Integration preset).
			['verified, but a calendar-integration request', () => signedText('{"tenantId":"4711","user":"jane","startDate":"2026-01-01","endDate":"2026-01-31"}', 'application/json'), 400, /^Body is a calendar-integration request .* not a lifecycle event/],
			// n8n parses an application/json body itself first (it does not recurse); the node refuses it before parsing it again.
			['verified, but nested 100,000 levels deep (application/json)', () => signedText(nested(100_000)), 400, /^Body is nested at least 33 levels deep \(at most 32 allowed\): the platform sends flat objects$/],
			['verified, but nested 100,000 levels deep (text/plain)', () => signedText(nested(100_000), 'text/plain'), 400, /^Body is nested at least 33 levels deep/],
		];

		let before = 0;
		beforeAll(() => {
			before = n8n.lastExecutionId();
		});

		it('has at least 15 cases', () => expect(cases.length).toBeGreaterThanOrEqual(15));

		it.each(cases)('%s', async (_name, make, status, message) => {
			const { body, headers } = make();
			const answer = await post(body, headers);
			expect(answer.status).toBe(status);
			expect(Object.keys(JSON.parse(answer.body))).toEqual(['error']);
			expect(JSON.parse(answer.body).error).toMatch(message);
			expect(answer.body).not.toMatch(/secret-|password-/);
		});

		it('invalid JSON sent as application/json is refused by n8n itself (422)', async () => {
			const { body, headers } = signedText('{"tenantId": "1", ');
			expect((await post(body, headers)).status).toBe(422);
		});

		it('none of them started an execution: a genuine sentinel is the only new one', async () => {
			const sentinel = delivery('deactivation', 'tenant-sentinel');
			expect((await post(sentinel.body, sentinel.headers)).status).toBe(200);
			const [execution] = await n8n.waitForExecutions({ workflowId: WORKFLOW.id, count: 1, sinceId: before });
			await new Promise((resolve) => setTimeout(resolve, 500));
			const all = executionsSince(before);
			expect(all.map((e) => e.id)).toEqual([execution.id]);
			expect(n8n.executionJson(execution.id)[TRIGGER][1][0].tenantId).toBe('tenant-sentinel');
		});

		it('each rejection was logged at warn with its reason only', () => {
			const log = n8n.logText();
			expect(log).toMatch(/Untis Platform Trigger rejected a request with 401 \(signature_mismatch\)/);
			expect(log).toMatch(/Untis Platform Trigger rejected a request with 400 \(invalid_body\)/);
			expect(log).toMatch(/Untis Platform Trigger rejected a request with 400 \(body_too_deep\)/);
		});
	});

	if (!full) return;

	describe(`n8n ${version}: redelivery`, () => {
		it('the same body delivered twice gives two executions with the same deliveryId', async () => {
			const before = n8n.lastExecutionId();
			const d = delivery('reset', 'tenant-redelivery');
			expect((await post(d.body, d.headers)).status).toBe(200);
			expect((await post(d.body, d.headers)).status).toBe(200);
			const executions = await n8n.waitForExecutions({ workflowId: WORKFLOW.id, count: 2, sinceId: before });
			const ids = executions.map((e) => n8n.executionJson(e.id)[TRIGGER][0][0].deliveryId);
			expect(ids[0]).toBe(sim.deliveryId(Buffer.from(d.body), encryptionKey));
			expect(ids[1]).toBe(ids[0]);
		});
	});

	describe(`n8n ${version}: load`, () => {
		it('1,000 signed deliveries at concurrency 20: 1,000 successful executions, none lost', async () => {
			const TOTAL = 1000;
			const CONCURRENCY = 20;
			const before = n8n.lastExecutionId();
			const deliveries = Array.from({ length: TOTAL }, (_, i) =>
				delivery(i % 2 ? 'created' : 'deactivation', `load-${i}`),
			);
			const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
			const latencies: number[] = [];
			const statuses: number[] = [];
			let next = 0;
			const started = Date.now();
			await Promise.all(
				Array.from({ length: CONCURRENCY }, async () => {
					while (next < TOTAL) {
						const d = deliveries[next++];
						const answer = await post(d.body, d.headers, agent);
						statuses.push(answer.status);
						latencies.push(answer.ms);
					}
				}),
			);
			const ackSeconds = (Date.now() - started) / 1000;
			agent.destroy();
			expect(statuses.filter((s) => s !== 200)).toEqual([]);

			const executions = await n8n.waitForExecutions({ workflowId: WORKFLOW.id, count: TOTAL, sinceId: before, timeoutMs: 15 * 60 * 1000 });
			const doneSeconds = (Date.now() - started) / 1000;
			expect(executions).toHaveLength(TOTAL);
			expect(executions.filter((e) => e.status !== 'success')).toEqual([]);
			const seen = new Set(
				executions.map((e) => {
					const [c, d] = n8n.executionJson(e.id)[TRIGGER];
					return ((c ?? [])[0] ?? (d ?? [])[0]).deliveryId;
				}),
			);
			const expected = deliveries.map((d) => sim.deliveryId(Buffer.from(d.body), encryptionKey));
			expect(expected.filter((id) => !seen.has(id))).toEqual([]);

			latencies.sort((a, b) => a - b);
			const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
			// A report, not an assertion: these machines are noisy.
			// eslint-disable-next-line no-console
			console.log(
				[
					`LOAD n8n ${version}: ${TOTAL} deliveries, concurrency ${CONCURRENCY}`,
					`  acknowledged: ${(TOTAL / ackSeconds).toFixed(1)} deliveries/s (${ackSeconds.toFixed(1)} s)`,
					`  executions finished: ${(TOTAL / doneSeconds).toFixed(1)} /s (${doneSeconds.toFixed(1)} s)`,
					`  acknowledgement time: p50 ${pct(50).toFixed(0)} ms, p99 ${pct(99).toFixed(0)} ms, max ${latencies[latencies.length - 1].toFixed(0)} ms`,
				].join('\n'),
			);
		}, 20 * 60 * 1000);
	});

	describe(`n8n ${version}: no plaintext secret anywhere`, () => {
		it("no delivered secret or password is in n8n's database files or its log", () => {
			const credentialDeliveries = sent.filter((d) => typeof d.payload.secret === 'string');
			expect(credentialDeliveries.length).toBeGreaterThan(500);
			const files = [n8n.dbPath, `${n8n.dbPath}-wal`, `${n8n.dbPath}-shm`, n8n.logFile].filter((f) => existsSync(f));
			const haystack = Buffer.concat(files.map((f) => readFileSync(f)));
			// The search works: a non-secret value of a stored delivery is found.
			const stored = credentialDeliveries.find((d) => d.payload.tenantId === 'tenant-created')!;
			expect(haystack.includes(String(stored.payload.clientId))).toBe(true);
			const leaked = credentialDeliveries
				.flatMap((d) => [d.payload.secret, d.payload.password] as string[])
				.filter((value) => haystack.includes(value));
			expect(leaked).toEqual([]);
		});
	});
}
