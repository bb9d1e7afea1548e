#!/usr/bin/env node
'use strict';
/**
 * untis-platform-sim: plays the Untis Platform against your webhook. Node built-ins only.
 *
 *   untis-platform-sim keygen [--out DIR]
 *   untis-platform-sim send <created|reactivated|reset|deactivation|deletion|v1|legacy>
 *                           --url URL [--tenant ID] [--key FILE] [--field k=v ...]
 *                           [--algorithm SHA256withRSA] [--print-curl]
 *
 * It lives beside the package rather than inside it: n8n's community-package scanner rejects any
 * JavaScript in the published tarball that uses fs, http or process, and a CLI needs all three.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const path = require('node:path');

const DEFAULT_DIR = '.untis-sim';
const PRIVATE_FILE = 'untis-dev-private.pem';
const PUBLIC_FILE = 'untis-dev-public.pem';
const KINDS = ['created', 'reactivated', 'reset', 'deactivation', 'deletion', 'v1', 'legacy', 'calendar'];
const DIGESTS = { SHA256withRSA: 'sha256', SHA384withRSA: 'sha384', SHA512withRSA: 'sha512' };

/** Writes a dev RSA-2048 key pair; returns the public key as bare base64 SPKI (Untis' format). */
function keygen(outDir = DEFAULT_DIR) {
	const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
	fs.mkdirSync(outDir, { recursive: true });
	const privatePath = path.join(outDir, PRIVATE_FILE);
	// `mode` applies only when the file is created: an existing file is narrowed first, so the new
	// key is never written into a file others can read.
	if (fs.existsSync(privatePath)) fs.chmodSync(privatePath, 0o600);
	fs.writeFileSync(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
	fs.chmodSync(privatePath, 0o600);
	fs.writeFileSync(path.join(outDir, PUBLIC_FILE), publicKey.export({ type: 'spki', format: 'pem' }));
	return {
		privatePath,
		publicKeyBase64: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
	};
}

const randomSecret = (prefix) => `${prefix}-${crypto.randomBytes(9).toString('base64url')}`;

/** A realistic body for each event kind, shaped like the Untis documentation's examples. */
function buildPayload(kind, { tenant = '12345', fields = {} } = {}) {
	const credentials = {
		tenantId: tenant,
		clientId: `BestApp-tenant-${tenant}`,
		secret: randomSecret('secret'),
		password: randomSecret('password'),
		host: 'example-school.webuntis.com',
		country: 'AT',
		region: 'AT-3',
		language: 'de',
	};
	const people = {
		activatorEmail: 'jane@doe.com',
		activatorUsername: 'Jane Doe',
		schoolEmail: 'school@entenhausen.com',
		schoolPhoneNumber: '555 / 123 456 789',
	};
	let payload;
	switch (kind) {
		case 'created':
		case 'reactivated':
		case 'reset':
			payload = { ...credentials, eventType: kind.toUpperCase(), ...people };
			break;
		case 'v1':
			payload = { ...credentials, schoolName: 'Example School' };
			break;
		case 'deactivation':
			payload = { tenantId: tenant, eventType: 'DEACTIVATION', reasonType: 'SCHOOL_DEACTIVATION', reasonText: 'Deactivated by the school administrator' };
			break;
		case 'deletion':
			payload = { tenantId: tenant, eventType: 'DELETION', reasonType: 'SCHOOL_DELETION', reasonText: 'Deleted by the school administrator' };
			break;
		case 'legacy':
			payload = { tenantId: tenant, type: 'DEACTIVATION', reasonType: 'REMOTE_DEACTIVATION', reasonText: 'Licence expired' };
			break;
		case 'calendar': {
			// The Calendar API's request (one user's timetable, this week), not a lifecycle event.
			const today = new Date().toISOString().slice(0, 10);
			const inSixDays = new Date(Date.now() + 6 * 86400000).toISOString().slice(0, 10);
			payload = { tenantId: tenant, user: '3f1c2a4e-7b9d-4e21-9a53-0c8d6b5e2f17', startDate: today, endDate: inSixDays };
			break;
		}
		default:
			throw new Error(`Unknown event '${kind}' (one of: ${KINDS.join(', ')})`);
	}
	return { ...payload, ...fields };
}

/** Signs the exact bytes that will be sent, as the platform does. */
function signRequest(body, privateKeyPem, algorithm = 'SHA256withRSA') {
	const digest = DIGESTS[algorithm];
	if (!digest) throw new Error(`Unsupported algorithm '${algorithm}' (one of: ${Object.keys(DIGESTS).join(', ')})`);
	const bytes = Buffer.from(body);
	return {
		'Content-Type': 'application/json; charset=utf-8',
		Authorization: crypto.sign(digest, bytes, privateKeyPem).toString('base64'),
		Algorithm: algorithm,
	};
}

/** POSTs bytes with headers; resolves { status, body, ms }. */
function post(url, body, headers, { timeoutMs = 30000, agent } = {}) {
	return new Promise((resolve, reject) => {
		const target = new URL(url);
		const client = target.protocol === 'https:' ? https : http;
		const started = process.hrtime.bigint();
		const bytes = Buffer.from(body);
		const req = client.request(
			target,
			{ method: 'POST', headers: { ...headers, 'Content-Length': bytes.length }, timeout: timeoutMs, agent },
			(res) => {
				const chunks = [];
				res.on('data', (chunk) => chunks.push(chunk));
				res.on('end', () =>
					resolve({
						status: res.statusCode,
						body: Buffer.concat(chunks).toString('utf8'),
						ms: Number(process.hrtime.bigint() - started) / 1e6,
					}),
				);
			},
		);
		req.on('timeout', () => req.destroy(new Error(`No answer from ${url} within ${timeoutMs} ms`)));
		req.on('error', reject);
		req.end(bytes);
	});
}

const shellQuote = (value) => `'${String(value).replace(/'/g, `'\\''`)}'`;

function curlCommand(url, body, headers) {
	const parts = ['curl', '-sS', '-X', 'POST', shellQuote(url)];
	for (const [name, value] of Object.entries(headers)) parts.push('-H', shellQuote(`${name}: ${value}`));
	parts.push('--data-binary', shellQuote(body));
	return parts.join(' ');
}

function parseArgs(argv) {
	const args = { _: [], field: [] };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) {
			args._.push(arg);
			continue;
		}
		const name = arg.slice(2);
		if (name === 'print-curl' || name === 'help') {
			args[name] = true;
			continue;
		}
		const value = argv[++i];
		if (value === undefined) throw new Error(`--${name} needs a value`);
		if (name === 'field') args.field.push(value);
		else args[name] = value;
	}
	return args;
}

function parseFields(pairs) {
	const fields = {};
	for (const pair of pairs) {
		const eq = pair.indexOf('=');
		if (eq < 1) throw new Error(`--field expects key=value, got '${pair}'`);
		fields[pair.slice(0, eq)] = pair.slice(eq + 1);
	}
	return fields;
}

const USAGE = `untis-platform-sim: send signed Untis Platform webhook events

  keygen [--out DIR]            write a dev RSA-2048 key pair (default ${DEFAULT_DIR}/) and print
                                the public key as bare base64, for the credential's Public Keys
  send <event> --url URL        sign and POST one event; <event> is one of
                                ${KINDS.join(', ')}
       [--tenant ID]            tenantId (default 12345)
       [--key FILE]             private key PEM (default ${DEFAULT_DIR}/${PRIVATE_FILE})
       [--field k=v ...]        set or override a body field
       [--algorithm NAME]       Algorithm header (default SHA256withRSA)
       [--print-curl]           print the equivalent curl command instead of sending
`;

async function main(argv, out = process.stdout) {
	const args = parseArgs(argv);
	const [command, kind] = args._;
	if (!command || args.help) {
		out.write(USAGE);
		return command || args.help ? 0 : 2;
	}
	if (command === 'keygen') {
		const { privatePath, publicKeyBase64 } = keygen(args.out);
		out.write(`Private key written to ${privatePath} (keep it out of version control).\n`);
		out.write('Paste this public key into the Untis Platform credential (Environment: Custom, Public Keys):\n\n');
		out.write(`${publicKeyBase64}\n`);
		return 0;
	}
	if (command !== 'send') throw new Error(`Unknown command '${command}' (keygen or send)`);
	if (!KINDS.includes(kind)) throw new Error(`send needs an event: ${KINDS.join(', ')}`);
	if (!args.url) throw new Error('send needs --url (the trigger\'s production or test webhook URL)');
	const body = JSON.stringify(buildPayload(kind, { tenant: args.tenant, fields: parseFields(args.field) }));
	const keyFile = args.key ?? path.join(DEFAULT_DIR, PRIVATE_FILE);
	if (!fs.existsSync(keyFile)) throw new Error(`No private key at ${keyFile}: run 'untis-platform-sim keygen' first or pass --key`);
	const headers = signRequest(body, fs.readFileSync(keyFile, 'utf8'), args.algorithm);
	if (args['print-curl']) {
		out.write(`${curlCommand(args.url, body, headers)}\n`);
		return 0;
	}
	const response = await post(args.url, body, headers);
	// The deliveryId is keyed with the credential's Encryption Key: the trigger's answer carries it.
	out.write(`${kind} tenant=${JSON.parse(body).tenantId}\n`);
	out.write(`HTTP ${response.status} in ${response.ms.toFixed(0)} ms: ${response.body}\n`);
	return response.status >= 200 && response.status < 300 ? 0 : 1;
}

/**
 * The trigger's deliveryId for a body, computed independently of the package (tests compare the
 * two): HMAC-SHA-256 of the raw body under HKDF-SHA-256(Encryption Key bytes, empty salt,
 * info 'untis-platform deliveryId v1', 32 bytes).
 */
function deliveryId(body, encryptionKey) {
	const text = encryptionKey.trim();
	const ikm = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
	const key = Buffer.from(crypto.hkdfSync('sha256', ikm, Buffer.alloc(0), 'untis-platform deliveryId v1', 32));
	return crypto.createHmac('sha256', key).update(body).digest('hex');
}

module.exports = { KINDS, keygen, buildPayload, signRequest, post, curlCommand, deliveryId, main };

if (require.main === module) {
	main(process.argv.slice(2)).then(
		(code) => process.exit(code),
		(error) => {
			process.stderr.write(`untis-platform-sim: ${error.message}\n`);
			process.exit(2);
		},
	);
}
