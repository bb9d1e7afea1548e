import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer, type Server } from 'node:http';
import { chmodSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { receiveDelivery } from '../../nodes/UntisPlatform/core/webhook/delivery';
import { deliveryIdsFor } from '../../nodes/UntisPlatform/core/webhook/deliveryIds';
import { keyRingFor } from '../../nodes/UntisPlatform/core/webhook/keys';
import { Rejection } from '../../nodes/UntisPlatform/core/webhook/rejections';
import { ENCRYPTION_KEY } from '../helpers/platform.cjs';

// The sender is plain JavaScript beside the package (see tools/untis-platform-sim/sim.js).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sim = require('../../tools/untis-platform-sim/sim.js');

const dir = mkdtempSync(join(tmpdir(), 'untis-sim-'));
const { privatePath, publicKeyBase64 } = sim.keygen(dir);
const keys = keyRingFor({ environment: 'custom', publicKeys: publicKeyBase64 });

/** A loopback receiver that runs the trigger's core on every request, like the node would. */
let server: Server;
let url: string;
const received: Array<{ status: number; json?: Record<string, unknown> }> = [];

beforeAll(async () => {
	server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const delivery = receiveDelivery(
				{ body: Buffer.concat(chunks), authorization: req.headers.authorization, algorithm: req.headers.algorithm },
				{ keys, algorithms: ['SHA256withRSA'], secrets: { mode: 'plain' }, deliveryIds: deliveryIdsFor(ENCRYPTION_KEY) },
			);
			if (delivery instanceof Rejection) {
				received.push({ status: delivery.status });
				res.writeHead(delivery.status).end(JSON.stringify({ error: delivery.message }));
			} else {
				received.push({ status: 200, json: delivery.json });
				res.writeHead(200).end('{"ok":true}');
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => (received.length = 0));

const run = async (...argv: string[]) => {
	let out = '';
	const code = await sim.main(argv, { write: (text: string) => (out += text) });
	return { code, out };
};

describe('untis-platform-sim keygen', () => {
	it('leaves the private key readable by its owner only, also when it overwrites an existing, wider file', () => {
		const out = mkdtempSync(join(tmpdir(), 'untis-sim-'));
		const first = sim.keygen(out);
		expect(statSync(first.privatePath).mode & 0o777).toBe(0o600);
		chmodSync(first.privatePath, 0o644);
		const second = sim.keygen(out);
		expect(second.privatePath).toBe(first.privatePath);
		expect(statSync(second.privatePath).mode & 0o777).toBe(0o600);
	});

	it('writes a private key readable only by its owner and a public key in Untis form', () => {
		expect(statSync(privatePath).mode & 0o777).toBe(0o600);
		expect(readFileSync(privatePath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
		expect(publicKeyBase64).toMatch(/^MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA[A-Za-z0-9+/]+={0,2}$/);
		expect(keys).toHaveLength(1);
	});

	it('prints the public key to paste', async () => {
		const { code, out } = await run('keygen', '--out', mkdtempSync(join(tmpdir(), 'untis-sim-')));
		expect(code).toBe(0);
		expect(out).toMatch(/Public Keys\):\n\nMIIB[A-Za-z0-9+/=]+\n$/);
	});
});

describe('untis-platform-sim send', () => {
	const expected: Record<string, Record<string, unknown>> = {
		created: { event: 'credentials', eventType: 'CREATED' },
		reactivated: { event: 'credentials', eventType: 'REACTIVATED' },
		reset: { event: 'credentials', eventType: 'RESET' },
		v1: { event: 'credentials', eventType: 'V1', schoolName: 'Example School' },
		deactivation: { event: 'deactivation', eventType: 'DEACTIVATION', tenantStatus: 'deactivated' },
		deletion: { event: 'deactivation', eventType: 'DELETION', tenantStatus: 'deleted' },
		legacy: { event: 'deactivation', eventType: 'DEACTIVATION' },
	};

	it.each(Object.entries(expected))('%s: signed so that the trigger core accepts it', async (kind, fields) => {
		const { code, out } = await run('send', kind, '--url', url, '--key', privatePath, '--tenant', 't-42');
		expect(code).toBe(0);
		expect(out).toMatch(new RegExp(`^${kind} tenant=t-42\\nHTTP 200 in \\d+ ms: \\{"ok":true\\}\\n$`));
		expect(received).toEqual([{ status: 200, json: expect.objectContaining({ ...fields, tenantId: 't-42' }) }]);
	});

	it('makes fresh secrets per delivery', async () => {
		await run('send', 'created', '--url', url, '--key', privatePath);
		await run('send', 'created', '--url', url, '--key', privatePath);
		expect(received[0].json!.secret).not.toBe(received[1].json!.secret);
	});

	it('--field sets and overrides body fields', async () => {
		await run('send', 'created', '--url', url, '--key', privatePath, '--field', 'host=school.example', '--field', 'campus=North');
		expect(received[0].json).toMatchObject({ host: 'school.example', campus: 'North' });
	});

	it('a signature from another key is refused, and the exit code says so', async () => {
		const other = sim.keygen(mkdtempSync(join(tmpdir(), 'untis-sim-')));
		const { code, out } = await run('send', 'created', '--url', url, '--key', other.privatePath);
		expect(code).toBe(1);
		expect(out).toMatch(/HTTP 401 .*does not match/);
	});

	it('--print-curl prints a command that sends the exact signed bytes', async () => {
		const { code, out } = await run('send', 'deletion', '--url', url, '--key', privatePath, '--print-curl', '--field', "reasonText=it's gone");
		expect(code).toBe(0);
		expect(received).toEqual([]); // nothing sent
		// Asynchronously: the receiver runs in this process and must keep serving.
		const { stdout } = await promisify(execFile)('sh', ['-c', out]);
		expect(stdout).toBe('{"ok":true}');
		expect(received[0].json).toMatchObject({ eventType: 'DELETION', reasonText: "it's gone" });
	});

	it.each([
		[['send', 'created'], /needs --url/],
		[['send', 'bogus', '--url', 'http://127.0.0.1:1'], /send needs an event/],
		[['send', 'created', '--url', 'http://127.0.0.1:1', '--key', '/nonexistent.pem'], /No private key at \/nonexistent.pem/],
		[['send', 'created', '--url', 'http://127.0.0.1:1', '--field', 'novalue'], /--field expects key=value/],
		[['frobnicate'], /Unknown command 'frobnicate'/],
	])('explains a wrong call: %j', async (argv, message) => {
		await expect(run(...argv)).rejects.toThrow(message);
	});
});
