'use strict';
/**
 * Log bytes per 1,000 forged requests, in a real n8n 2.x: the package from --package (default
 * this checkout; pass a build of an earlier commit for "before"), one Untis Platform Trigger,
 * --forged requests with a wrong signature (10 at a time), and the growth of n8n's log file while
 * they are answered, in n8n's text and JSON log formats (--formats text,json). Prints one line per
 * format and writes bench/results/refusal-log-bytes-<label>.json. Run with Node 24 (n8n's):
 *   node bench/refusal-log-bytes.js --label after
 *   node bench/refusal-log-bytes.js --label before --package /tmp/before   (a built checkout)
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');

const ROOT = path.join(__dirname, '..');
const { startN8n } = require(path.join(ROOT, 'scripts/n8n/n8n-instance'));
const sim = require(path.join(ROOT, 'tools/untis-platform-sim/sim.js'));
const { arg } = require('./args');

const PACKAGE = arg('package', ROOT);
const LABEL = arg('label', 'after');
const FORGED = arg('forged', 1000);
const FORMATS = arg('formats', 'text,json').split(',');

const workflow = {
	id: 'logBytesTrigger01',
	name: 'Log bytes: Untis Platform Trigger',
	nodes: [
		{
			id: 'e0000000-0000-4000-8000-000000000001', name: 'Untis Platform Trigger', type: 'n8n-nodes-untis-platform.untisPlatformTrigger',
			typeVersion: 1.1, position: [0, 0], webhookId: 'e0000000-0000-4000-8000-00000010c0de',
			parameters: { secrets: 'seal', options: {} }, credentials: { untisPlatformApi: { id: 'logBytesCred00001', name: 'Untis (log bytes)' } },
		},
	],
	connections: {},
	settings: {},
};

async function main() {
	const keys = sim.keygen(fs.mkdtempSync(path.join(os.tmpdir(), 'untis-logbytes-')));
	const privateKey = fs.readFileSync(keys.privatePath, 'utf8');
	const results = { label: LABEL, package: PACKAGE, commit: null, forged: FORGED, load: os.loadavg(), formats: {} };
	try {
		results.commit = require('node:child_process').execFileSync('git', ['-C', PACKAGE, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
	} catch {
		results.commit = 'not a git checkout';
	}
	for (const format of FORMATS) {
		const n8n = await startN8n({
			packageDir: PACKAGE,
			credentials: [{ id: 'logBytesCred00001', name: 'Untis (log bytes)', type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: keys.publicKeyBase64, encryptionKey: crypto.randomBytes(32).toString('base64') } }],
			workflows: [workflow],
			env: { N8N_LOG_FORMAT: format },
			startTimeoutMs: 10 * 60 * 1000,
		});
		try {
			const url = n8n.webhookUrl(`${workflow.nodes[0].webhookId}/webhook`);
			const before = fs.statSync(n8n.logFile).size;
			const linesBefore = n8n.logText().split('\n').length;
			const tally = {};
			let next = 0;
			const t0 = Date.now();
			await Promise.all(
				Array.from({ length: 10 }, async () => {
					while (next < FORGED) {
						const i = next++;
						const body = JSON.stringify(sim.buildPayload('created', { tenant: `forged-${i}` }));
						const { status } = await sim.post(url, body, { ...sim.signRequest(body, privateKey), Authorization: crypto.randomBytes(256).toString('base64') });
						tally[status] = (tally[status] || 0) + 1;
					}
				}),
			);
			await new Promise((resolve) => setTimeout(resolve, 1000)); // the last lines flushed
			const added = n8n.logText().slice(before);
			const entry = {
				seconds: (Date.now() - t0) / 1000,
				answers: tally,
				logBytes: fs.statSync(n8n.logFile).size - before,
				logLines: n8n.logText().split('\n').length - linesBefore,
				firstLines: added.split('\n').slice(0, 2),
			};
			results.formats[format] = entry;
			console.log(`${LABEL} (${results.commit}) ${format}: ${FORGED} forged in ${entry.seconds.toFixed(1)} s ${JSON.stringify(tally)} -> ${entry.logBytes} log bytes, ${entry.logLines} lines`);
			console.log(`  first line: ${entry.firstLines[0]}`);
		} finally {
			await n8n.stop();
		}
	}
	fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
	fs.writeFileSync(path.join(__dirname, 'results', `refusal-log-bytes-${LABEL}.json`), `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
