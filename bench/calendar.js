'use strict';
/**
 * The Calendar API answer through real n8n 2.41.1 on loopback: latency p50/p99 and answers/s at
 * concurrency 1 and under a burst of 200 users, on n8n's defaults and with
 * N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true (one n8n each, started together), each n8n serving
 * side by side:
 * - ours: Untis Platform Calendar Trigger -> Code (the week's events) -> Respond with Calendar;
 * - the alternative a vendor builds without the package: Webhook (raw body, Respond to Webhook
 *   node) -> Code (crypto.verify of the raw body, the same events, an iCal string built by hand)
 *   -> Respond to Webhook (text/calendar).
 * Both have exactly one Code node holding the same events, so the difference is verification,
 * the iCal writing and the answer path. Rounds alternate the sides (order rotating). Prints
 * figures, asserts only that every answer is a 200 calendar. Writes bench/results/calendar.json.
 *   node bench/calendar.js [--configs vm,vm-lazy] [--sequential 20] [--burst 200] [--rounds 1]
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const { startN8n } = require(path.join(ROOT, 'scripts/n8n/n8n-instance'));
const { arg } = require('./args');

const SEQUENTIAL = arg('sequential', 20);
const BURST = arg('burst', 200);
const ROUNDS = arg('rounds', 1);
const CONFIGS = {
	vm: { label: "n8n's defaults", env: {} },
	'vm-lazy': { label: 'N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true', env: { N8N_EXPRESSION_ENGINE: 'vm', N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } },
};
const CONFIG_NAMES = arg('configs', 'vm,vm-lazy').split(',').filter(Boolean);

const pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const spki = pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' });
const credential = { id: 'benchCalendarCred01', name: 'Bench calendar credential' };

// A realistic week: five lessons-like events with every field the platform reads.
const EVENTS = Array.from({ length: 5 }, (_, day) => ({
	uid: `${4700 + day}-club`,
	start: `2026-12-${String(7 + day).padStart(2, "0")}T14:00:00`,
	end: `2026-12-${String(7 + day).padStart(2, "0")}T15:30:00`,
	title: `Robotik-AG, Gruppe ${day + 1}`,
	room: 'Werkraum 2',
	notes: 'Bitte Laptop mitbringen.\nTreffpunkt: Eingang Ost',
	color: '#E09FF0',
	link: `https://app.example.com/events/${4700 + day}`,
}));

const ours = {
	id: 'benchCalendarOurs1',
	name: 'Bench: Calendar Trigger + Code + Respond with Calendar',
	nodes: [
		{
			id: 'c9000000-0000-4000-8000-000000000001', name: 'Calendar Trigger', type: 'n8n-nodes-untis-platform.untisPlatformCalendarTrigger', typeVersion: 1.1, position: [0, 0],
			webhookId: 'c9000000-0000-4000-8000-0000000ca001', parameters: { options: {} }, credentials: { untisPlatformApi: credential },
		},
		{ id: 'c9000000-0000-4000-8000-000000000002', name: 'Events', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode: `return ${JSON.stringify(EVENTS)}.map((json) => ({ json }));` } },
		{
			id: 'c9000000-0000-4000-8000-000000000003', name: 'Respond with Calendar', type: 'n8n-nodes-untis-platform.untisPlatform', typeVersion: 1.1, position: [400, 0],
			parameters: {
				resource: 'platform', operation: 'respondWithCalendar', startField: 'start', endField: 'end',
				eventFields: { uidField: 'uid', summaryField: 'title', locationField: 'room', descriptionField: 'notes', colorField: 'color', linkField: 'link' },
				options: {},
			},
		},
	],
	connections: {
		'Calendar Trigger': { main: [[{ node: 'Events', type: 'main', index: 0 }]] },
		Events: { main: [[{ node: 'Respond with Calendar', type: 'main', index: 0 }]] },
	},
};

// What a vendor writes by hand: verify, then a template, without folding or range checks.
const alternativeCode = [
	"const crypto = require('crypto');",
	`const PUBLIC_KEY = ${JSON.stringify(publicPem)};`,
	`const EVENTS = ${JSON.stringify(EVENTS)};`,
	'const headers = $input.first().json.headers;',
	"const body = await this.helpers.getBinaryDataBuffer(0, 'data');",
	"if (String(headers.algorithm).toLowerCase() !== 'sha256withrsa' || !crypto.verify('sha256', body, PUBLIC_KEY, Buffer.from(String(headers.authorization), 'base64'))) throw new Error('invalid signature');",
	"const request = JSON.parse(body.toString('utf8'));",
	"const esc = (s) => String(s).replace(/[\\\\;,]/g, (c) => '\\\\' + c).replace(/\\n/g, '\\\\n');",
	"const t = (s) => s.replace(/[-:]/g, '');",
	"const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//vendor//calendar//EN'];",
	'for (const e of EVENTS) {',
	"  if (e.end.slice(0, 10) < request.startDate || e.start.slice(0, 10) > request.endDate) continue;",
	"  lines.push('BEGIN:VEVENT', 'UID:' + e.uid, 'DTSTART:' + t(e.start), 'DTEND:' + t(e.end), 'SUMMARY:' + esc(e.title), 'LOCATION:' + esc(e.room), 'DESCRIPTION:' + esc(e.notes), 'X_COLOR:' + e.color, 'X_LINK:' + e.link, 'END:VEVENT');",
	'}',
	"lines.push('END:VCALENDAR');",
	"return [{ json: { ics: lines.join('\\r\\n') + '\\r\\n' } }];",
].join('\n');
const alternative = {
	id: 'benchCalendarAlt01',
	name: 'Bench: Webhook + Code (crypto, hand-built iCal) + Respond to Webhook',
	nodes: [
		{
			id: 'c9000000-0000-4000-8000-000000000011', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0],
			webhookId: 'c9000000-0000-4000-8000-0000000ca011', parameters: { httpMethod: 'POST', path: 'bench-calendar-alternative', responseMode: 'responseNode', options: { rawBody: true } },
		},
		{ id: 'c9000000-0000-4000-8000-000000000012', name: 'Verify and build iCal', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode: alternativeCode } },
		{
			id: 'c9000000-0000-4000-8000-000000000013', name: 'Respond to Webhook', type: 'n8n-nodes-base.respondToWebhook', typeVersion: 1.1, position: [400, 0],
			parameters: { respondWith: 'text', responseBody: '={{ $json.ics }}', options: { responseHeaders: { entries: [{ name: 'content-type', value: 'text/calendar; charset=utf-8' }] } } },
		},
	],
	connections: {
		Webhook: { main: [[{ node: 'Verify and build iCal', type: 'main', index: 0 }]] },
		'Verify and build iCal': { main: [[{ node: 'Respond to Webhook', type: 'main', index: 0 }]] },
	},
};
const SIDES = {
	ours: { label: 'Calendar Trigger -> Code -> Respond with Calendar', path: `${ours.nodes[0].webhookId}/calendar` },
	alternative: { label: 'Webhook -> Code (crypto.verify, iCal by hand) -> Respond to Webhook', path: 'bench-calendar-alternative' },
};

// A connection per request, as the platform's many senders open them (and no keep-alive race).
const agent = new http.Agent({ keepAlive: false, maxSockets: 1024 });
function signedBody(i) {
	const body = Buffer.from(JSON.stringify({ tenantId: '456800', user: crypto.randomUUID(), startDate: '2026-12-07', endDate: '2026-12-13', n: i }));
	return { body, authorization: crypto.sign('sha256', body, pair.privateKey).toString('base64') };
}
function post(url, { body, authorization }) {
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const req = http.request(url, { method: 'POST', agent, timeout: 120000, headers: { 'content-type': 'application/json', 'content-length': body.length, authorization, algorithm: 'SHA256withRSA' } }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], text: Buffer.concat(chunks).toString('utf8'), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
		});
		req.on('timeout', () => req.destroy(new Error('timeout')));
		// A failed request is a figure, not the end of the run: it counts as an error.
		req.on('error', (error) => resolve({ status: 0, type: '', text: String(error.code || error.message), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
		req.end(body);
	});
}
const quantile = (values, q) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};
const failures = [];
/** Whether the answer is the week's calendar; anything else is kept as a failure (status, start of the body). */
function check(answer) {
	const ok = answer.status === 200 && /^text\/calendar/.test(answer.type ?? '') && (answer.text.match(/BEGIN:VEVENT/g) ?? []).length === EVENTS.length;
	if (!ok) failures.push(`${answer.status} ${answer.text.slice(0, 80)}`);
	return ok;
}
async function sequential(url, count) {
	const ms = [];
	const started = Date.now();
	for (let i = 0; i < count; i++) {
		const answer = await post(url, signedBody(i));
		if (check(answer)) ms.push(answer.ms);
	}
	return { ms, seconds: (Date.now() - started) / 1000 };
}
async function burst(url, count) {
	const bodies = Array.from({ length: count }, (_, i) => signedBody(i));
	const started = Date.now();
	const answers = await Promise.all(bodies.map((b) => post(url, b)));
	const seconds = (Date.now() - started) / 1000;
	const good = answers.filter(check);
	return { ms: good.map((a) => a.ms), seconds, answered: good.length };
}

async function main() {
	const started = Date.now();
	console.log(`starting ${CONFIG_NAMES.length} n8n instance(s): ${CONFIG_NAMES.join(', ')}`);
	const instances = await Promise.all(
		CONFIG_NAMES.map((name) =>
			startN8n({
				packageDir: ROOT,
				credentials: [{ ...credential, type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: spki, encryptionKey: crypto.randomBytes(32).toString('base64') } }],
				workflows: [ours, alternative],
				env: { ...CONFIGS[name].env, NODE_FUNCTION_ALLOW_BUILTIN: 'crypto', EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none' },
			}).then((n8n) => ({ name, n8n })),
		),
	);
	const samples = {};
	try {
		for (const { name, n8n } of instances) {
			// Warm-up: the task runner, the isolates, the node's caches.
			for (const side of Object.keys(SIDES)) await sequential(n8n.webhookUrl(SIDES[side].path), 5);
			samples[name] = { ours: { c1: [], burst: [], c1Seconds: 0, c1Count: 0, burstRates: [] }, alternative: { c1: [], burst: [], c1Seconds: 0, c1Count: 0, burstRates: [] } };
		}
		for (let round = 0; round < ROUNDS; round++) {
			for (const { name, n8n } of instances) {
				const order = round % 2 ? ['alternative', 'ours'] : ['ours', 'alternative'];
				for (const side of order) {
					const url = n8n.webhookUrl(SIDES[side].path);
					const s = samples[name][side];
					const c1 = await sequential(url, SEQUENTIAL);
					s.c1.push(...c1.ms);
					s.c1Seconds += c1.seconds;
					s.c1Count += SEQUENTIAL;
					const b = await burst(url, BURST);
					s.burst.push(...b.ms);
					s.burstRates.push(b.answered / b.seconds);
					console.log(`round ${round + 1} ${name} ${side}: c1 p50 ${quantile(c1.ms, 0.5).toFixed(0)} ms; burst ${BURST} in ${b.seconds.toFixed(1)} s, p50 ${quantile(b.ms, 0.5).toFixed(0)} ms p99 ${quantile(b.ms, 0.99).toFixed(0)} ms`);
				}
			}
		}
	} finally {
		await Promise.all(instances.map(({ n8n }) => n8n.stop()));
	}
	const rows = [];
	for (const name of CONFIG_NAMES) {
		for (const side of Object.keys(SIDES)) {
			const s = samples[name][side];
			rows.push({
				config: name, side,
				c1: { p50: quantile(s.c1, 0.5), p99: quantile(s.c1, 0.99), perSecond: s.c1Count / s.c1Seconds },
				burst: { p50: quantile(s.burst, 0.5), p99: quantile(s.burst, 0.99), perSecond: quantile(s.burstRates, 0.5) },
			});
		}
	}
	console.log('\n| n8n | side | c=1 p50 ms | c=1 p99 ms | c=1 answers/s | burst p50 ms | burst p99 ms | burst answers/s |');
	console.log('|---|---|---:|---:|---:|---:|---:|---:|');
	for (const r of rows) {
		console.log(`| ${CONFIGS[r.config].label} | ${r.side} | ${r.c1.p50.toFixed(0)} | ${r.c1.p99.toFixed(0)} | ${r.c1.perSecond.toFixed(1)} | ${r.burst.p50.toFixed(0)} | ${r.burst.p99.toFixed(0)} | ${r.burst.perSecond.toFixed(1)} |`);
	}
	if (failures.length) console.log(`\n${failures.length} answers were not the calendar (not in the figures), e.g. ${failures.slice(0, 3).join(' | ')}`);
	const result = {
		failures: failures.length,
		date: new Date().toISOString(), node: process.version, cpus: `${os.cpus()[0]?.model} (${os.cpus().length})`, loadavg: os.loadavg(),
		n8n: instances[0]?.n8n.version, sequential: SEQUENTIAL, burst: BURST, rounds: ROUNDS, seconds: (Date.now() - started) / 1000, sides: SIDES, rows,
	};
	fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
	fs.writeFileSync(path.join(__dirname, 'results', 'calendar.json'), JSON.stringify(result, null, 2) + '\n');
	console.log(`\nload average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}; ${result.seconds.toFixed(0)} s; bench/results/calendar.json`);
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
