'use strict';
/**
 * The Calendar answer's own share, in-process: the built Calendar Trigger's webhook() (mocked n8n
 * context, real signed requests, the credential cached as in a published workflow) plus what
 * Respond with Calendar does with the items (read the mapped fields, drop what is outside the
 * dates, write the iCal), against the crypto it cannot avoid plus a hand-built iCal: bare
 * crypto.verify with a cached KeyObject, JSON.parse, and the template a vendor writes (no
 * validation, no folding). Interleaved as bench/inprocess.js does. Prints ratios; asserts nothing.
 *   node bench/calendar-inprocess.js [--seconds 0.5] [--rounds 9] [--batch 10]
 * Writes bench/results/calendar-inprocess.json.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const dist = (file) => require(path.join(ROOT, 'dist/nodes/UntisPlatform', file));
const { UntisPlatformCalendarTrigger } = dist('UntisPlatformCalendarTrigger.node.js');
const { eventsOf } = dist('core/calendar/calendarEvents.js');
const { writeCalendar } = dist('core/calendar/icalWriter.js');
const { compare } = require('./inprocess');

const pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const credential = { environment: 'custom', publicKeys: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), encryptionKey: crypto.randomBytes(32).toString('base64') };
const request = { tenantId: '456800', user: 'c0ffee00-1111-4222-8333-444455556666', startDate: '2026-12-07', endDate: '2026-12-13' };
const body = Buffer.from(JSON.stringify(request));
const headers = { authorization: crypto.sign('sha256', body, pair.privateKey).toString('base64'), algorithm: 'SHA256withRSA' };
const EVENTS = Array.from({ length: 5 }, (_, day) => ({
	uid: `${4700 + day}-club`, start: `2026-12-${String(7 + day).padStart(2, "0")}T14:00:00`, end: `2026-12-${String(7 + day).padStart(2, "0")}T15:30:00`, title: `Robotik-AG, Gruppe ${day + 1}`,
	room: 'Werkraum 2', notes: 'Bitte Laptop mitbringen.\nTreffpunkt: Eingang Ost', color: '#E09FF0', link: `https://app.example.com/events/${4700 + day}`,
}));
const MAP = { DTSTART: 'start', DTEND: 'end', UID: 'uid', SUMMARY: 'title', LOCATION: 'room', DESCRIPTION: 'notes', X_COLOR: 'color', X_LINK: 'link' };

const trigger = new UntisPlatformCalendarTrigger();
const response = { status: () => response, json: () => response, setHeader: () => response, send: () => response };
const logger = { warn() {}, error() {}, info() {}, debug() {} };
const req = { headers, rawBody: body, readRawBody: async () => {} };
const context = {
	getRequestObject: () => req,
	getResponseObject: () => response,
	getCredentials: async () => credential,
	getNodeParameter: (_name, fallback) => fallback,
	getNode: () => ({ name: 'Calendar Trigger', credentials: { untisPlatformApi: { id: 'bench-calendar', name: 'Untis' } } }),
	getWorkflow: () => ({ id: 'bench-calendar-inprocess' }),
	getMode: () => 'webhook',
	logger,
};

async function ours() {
	const result = await trigger.webhook.call(context);
	const item = result.workflowData[0][0].json;
	return writeCalendar(eventsOf(EVENTS, MAP, 'Europe/Vienna', item));
}

const publicKey = pair.publicKey;
const esc = (s) => String(s).replace(/[\\;,]/g, (c) => '\\' + c).replace(/\n/g, '\\n');
const t = (s) => s.replace(/[-:]/g, '');
function handBuilt(asked) {
	const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//vendor//calendar//EN'];
	for (const e of EVENTS) {
		if (e.end.slice(0, 10) < asked.startDate || e.start.slice(0, 10) > asked.endDate) continue;
		lines.push('BEGIN:VEVENT', 'UID:' + e.uid, 'DTSTART:' + t(e.start), 'DTEND:' + t(e.end), 'SUMMARY:' + esc(e.title), 'LOCATION:' + esc(e.room), 'DESCRIPTION:' + esc(e.notes), 'X_COLOR:' + e.color, 'X_LINK:' + e.link, 'END:VEVENT');
	}
	lines.push('END:VCALENDAR');
	return lines.join('\r\n') + '\r\n';
}
function baseline() {
	if (!crypto.verify('sha256', body, publicKey, Buffer.from(headers.authorization, 'base64'))) throw new Error('bad signature');
	return handBuilt(JSON.parse(body.toString('utf8')));
}

async function main() {
	const writeOnly = () => writeCalendar(eventsOf(EVENTS, MAP, 'Europe/Vienna', request));
	const rows = [
		await compare('calendar request, 5 events, 1 key', ours, baseline, 'verify + JSON.parse + iCal by hand'),
		await compare('iCal writing alone (5 events)', writeOnly, () => handBuilt(request), 'iCal by hand, no checks, no folding'),
	];
	const out = path.join(__dirname, 'results', 'calendar-inprocess.json');
	fs.mkdirSync(path.dirname(out), { recursive: true });
	fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0].model, cores: os.cpus().length, loadAverage: os.loadavg(), rows }, null, 2) + '\n');
	console.log(`written ${path.relative(ROOT, out)}`);
}

main();
