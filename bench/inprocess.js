'use strict';
/**
 * In-process benchmark: requests/s through the built trigger's webhook() (mocked n8n context,
 * real signed requests) next to the crypto that path cannot avoid, on the same bodies, in the
 * same run, interleaved. Prints ratios; asserts nothing. Writes bench/results/inprocess.json.
 *
 *   node bench/inprocess.js [--seconds 0.5] [--rounds 9] [--batch 10] [--clock wall|cpu]
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const { UntisPlatformTrigger } = require(path.join(ROOT, 'dist/nodes/UntisPlatform/UntisPlatformTrigger.node.js'));
const { buildKeyRing } = require(path.join(ROOT, 'dist/nodes/UntisPlatform/core/webhook/keys.js'));
const sim = require(path.join(ROOT, 'tools/untis-platform-sim/sim.js'));

const { arg } = require('./args');
const SECONDS = arg('seconds', 0.5);
const ROUNDS = arg('rounds', 9);
// Calls per side before switching; small enough that both sides share each CPU-speed phase.
const BATCH = arg('batch', 10);

const pairs = Array.from({ length: 3 }, () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }));
const spki = (pair) => pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const encryptionKey = crypto.randomBytes(32).toString('base64');
const credential1 = { environment: 'custom', publicKeys: spki(pairs[0]), encryptionKey };
// Three keys with the signing key last: the rotation case, every key is tried.
const credential3 = { environment: 'custom', publicKeys: [pairs[1], pairs[2], pairs[0]].map(spki).join('\n\n'), encryptionKey };
const signer = pairs[0].privateKey.export({ type: 'pkcs8', format: 'pem' });

function request(kind, { pad = 0 } = {}) {
	const fields = pad ? { notes: 'n'.repeat(pad) } : {};
	const body = Buffer.from(JSON.stringify(sim.buildPayload(kind, { tenant: 'bench', fields })));
	const headers = sim.signRequest(body, signer);
	return { body, headers: { authorization: headers.Authorization, algorithm: headers.Algorithm } };
}

const trigger = new UntisPlatformTrigger();
const response = { status: () => response, json: () => response };
const logger = { warn() {}, error() {}, info() {}, debug() {} };
function context(req, credential) {
	const rawReq = { headers: req.headers, rawBody: req.body, readRawBody: async () => {} };
	const params = { secrets: 'seal', options: {} };
	return {
		getRequestObject: () => rawReq,
		getResponseObject: () => response,
		getCredentials: async () => credential,
		getNodeParameter: (name, fallback) => (name in params ? params[name] : fallback),
		// A published workflow: the trigger keeps what it derives from the credential between requests.
		getNode: () => ({ name: 'Untis Platform Trigger', credentials: { untisPlatformApi: { id: credential === credential1 ? 'bench-1' : 'bench-3', name: 'Untis' } } }),
		getWorkflow: () => ({ id: 'bench-inprocess' }),
		getMode: () => 'webhook',
		logger,
	};
}

// --clock cpu: the process's own CPU time (user + system) instead of wall time, so that time the
// process spends descheduled on a loaded machine counts for neither side.
const CPU_CLOCK = arg('clock', 'wall') === 'cpu';
const cpuNs = () => {
	const { user, system } = process.cpuUsage();
	return (user + system) * 1000;
};

/** Runs fn `count` times; returns the elapsed nanoseconds. */
async function timed(fn, count) {
	if (CPU_CLOCK) {
		const start = cpuNs();
		for (let i = 0; i < count; i++) await fn();
		return cpuNs() - start;
	}
	const start = process.hrtime.bigint();
	for (let i = 0; i < count; i++) await fn();
	return Number(process.hrtime.bigint() - start);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Ours against the baseline, alternating every BATCH calls so that both sides see the same CPU
 * speed: on a shared VM the clock drifts within a fraction of a second, which decides the ratio
 * when the sides run in separate 100 ms slices. Each of ROUNDS rounds lasts about SECONDS and
 * yields one ratio; the row reports the medians.
 */
async function compare(name, ours, baseline, note) {
	await timed(ours, 200); // warm caches and JIT, as a running n8n has them
	await timed(baseline, 200);
	const rates = { ours: [], baseline: [], ratio: [] };
	for (let round = 0; round < ROUNDS; round++) {
		let nsOurs = 0;
		let nsBaseline = 0;
		let calls = 0;
		const deadline = process.hrtime.bigint() + BigInt(Math.round(SECONDS * 1e9));
		while (process.hrtime.bigint() < deadline) {
			nsOurs += await timed(ours, BATCH);
			nsBaseline += await timed(baseline, BATCH);
			calls += BATCH;
		}
		rates.ours.push(calls / (nsOurs / 1e9));
		rates.baseline.push(calls / (nsBaseline / 1e9));
		rates.ratio.push(nsBaseline / nsOurs);
	}
	const row = { path: name, oursPerSec: median(rates.ours), baselinePerSec: median(rates.baseline), ratio: median(rates.ratio), baseline: note };
	console.log(`${name.padEnd(38)} ${row.oursPerSec.toFixed(0).padStart(8)}/s  ${row.baselinePerSec.toFixed(0).padStart(8)}/s  ${row.ratio.toFixed(2)}x   (${note})`);
	return row;
}

async function main() {
	const ring1 = buildKeyRing(credential1);
	const ring3 = buildKeyRing(credential3);
	const sig = (req) => Buffer.from(req.headers.authorization, 'base64');
	const verify = (req, ring) => {
		for (const k of ring) if (crypto.verify('sha256', req.body, k.key, sig(req))) return true;
		return false;
	};
	// The keyed deliveryId the trigger computes: HMAC-SHA-256 under a key derived once (HKDF).
	const idKey = crypto.createSecretKey(
		Buffer.from(crypto.hkdfSync('sha256', Buffer.from(encryptionKey, 'base64'), Buffer.alloc(0), 'untis-platform deliveryId v1', 32)),
	);
	const sha = (req) => crypto.createHmac('sha256', idKey).update(req.body).digest('hex');
	// Bare node:crypto, as one would write it without this package: a fresh random IV per value.
	const aesKey = crypto.createSecretKey(Buffer.from(encryptionKey, 'base64'));
	const bareSeal = (text) => {
		const cipher = crypto.createCipheriv('aes-256-gcm', aesKey, crypto.randomBytes(12));
		return Buffer.concat([cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
	};
	const seal2 = () => {
		bareSeal('secret-aaaaaaaaaaaa');
		bareSeal('password-bbbbbbbbbb');
	};
	const hook = (req, credential) => () => trigger.webhook.call(context(req, credential));

	// Forged: a genuine signature over a body changed by one byte, so OpenSSL always does the full
	// modular exponentiation. (A signature from another key is turned away without it whenever its
	// value exceeds our modulus, about half the time, which made this row bimodal between runs.)
	const genuine = request('created');
	const forged = { body: Buffer.concat([genuine.body, Buffer.from(' ')]), headers: genuine.headers };
	const deactivation = request('deactivation');
	const credentials = request('created');
	const big64 = request('created', { pad: 64 * 1024 });
	const big1m = request('created', { pad: 1024 * 1024 });
	console.log(`node ${process.version}, ${require('node:os').cpus()[0].model}, ${SECONDS}s x ${ROUNDS} rounds per side`);
	console.log(`bodies: deactivation ${deactivation.body.length} B, credentials ${credentials.body.length} B`);
	console.log(`${'path'.padEnd(38)} ${'webhook()'.padStart(10)}  ${'baseline'.padStart(10)}  ratio`);

	const rows = [];
	rows.push(await compare('forged signature, 1 key', hook(forged, credential1), () => verify(forged, ring1), 'crypto.verify'));
	rows.push(await compare('forged signature, 3 keys', hook(forged, credential3), () => verify(forged, ring3), '3x crypto.verify'));
	rows.push(await compare('deactivation, 1 key', hook(deactivation, credential1), () => { verify(deactivation, ring1); sha(deactivation); }, 'verify + SHA-256'));
	rows.push(await compare(`credentials (${credentials.body.length} B), 1 key`, hook(credentials, credential1), () => { verify(credentials, ring1); sha(credentials); seal2(); }, 'verify + SHA-256 + 2 seals'));
	rows.push(await compare('credentials, 3 keys, match last', hook(credentials, credential3), () => { verify(credentials, ring3); sha(credentials); seal2(); }, '3x verify + SHA-256 + 2 seals'));
	rows.push(await compare('credentials 64 KiB, 1 key', hook(big64, credential1), () => { verify(big64, ring1); sha(big64); seal2(); }, 'verify + SHA-256 + 2 seals'));
	rows.push(await compare('credentials 1 MiB, 1 key', hook(big1m, credential1), () => { verify(big1m, ring1); sha(big1m); seal2(); }, 'verify + SHA-256 + 2 seals'));
	// What the key cache saves: parsing the keys on every request instead.
	rows.push(await compare('keys parsed per request (3 keys)', () => { buildKeyRing(credential3); return verify(credentials, ring3); }, () => verify(credentials, ring3), 'cached: 3x verify'));

	fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
	const out = path.join(__dirname, 'results', 'inprocess.json');
	fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpu: require('node:os').cpus()[0].model, cores: require('node:os').cpus().length, loadAverage: require('node:os').loadavg(), clock: CPU_CLOCK ? 'cpu' : 'wall', seconds: SECONDS, rounds: ROUNDS, batch: BATCH, rows }, null, 2));
	console.log(`written ${path.relative(ROOT, out)}`);
}

// bench/calendar-inprocess.js reuses compare().
if (require.main === module) main();
module.exports = { compare };
