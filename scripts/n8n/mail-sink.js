'use strict';
/**
 * A real SMTP server on loopback that keeps every message it receives, for the suites and the demo
 * that run the example workflows (their Send Email nodes need an SMTP credential and a server).
 *
 *   const { startMailSink } = require('./scripts/n8n/mail-sink');
 *   const mail = await startMailSink();
 *   startN8n({ credentials: [mail.credential, ...], ... });   // the examples' `smtp` credential
 *   await mail.waitFor(2);        // the first 2 messages, parsed: { to, from, subject, text, raw, headers }
 *   mail.messages                 // every message so far, in order of arrival
 *   await mail.close();
 *
 * smtp-server speaks SMTP as a real relay does and mailparser reads each message back (both from
 * nodemailer's maintainers; n8n's Send Email node sends with nodemailer). No TLS on loopback: the
 * credential says `secure: false` and `disableStartTls: true` (nodemailer's ignoreTLS), and the
 * server offers no STARTTLS; no authentication (n8n sends none when user and password are empty).
 */
const { SMTPServer } = require('smtp-server');
const { simpleParser } = require('mailparser');

/** The credential reference the examples ship (the user creates it; none is shipped). */
const SMTP_CREDENTIAL = { id: 'untisSmtpCred00001', name: 'SMTP (operations mail)' };

async function startMailSink({ host = '127.0.0.1', port = 0 } = {}) {
	const messages = [];
	const waiters = [];
	const settle = () => {
		for (const waiter of [...waiters]) {
			if (messages.length >= waiter.count) {
				waiters.splice(waiters.indexOf(waiter), 1);
				clearTimeout(waiter.timer);
				waiter.resolve(messages.slice(0, waiter.count));
			}
		}
	};
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		logger: false,
		size: 10 * 1024 * 1024,
		onData(stream, session, callback) {
			const chunks = [];
			stream.on('data', (chunk) => chunks.push(chunk));
			stream.on('end', async () => {
				const raw = Buffer.concat(chunks).toString('utf8');
				try {
					const parsed = await simpleParser(raw);
					messages.push({
						envelopeTo: session.envelope.rcptTo.map((r) => r.address),
						envelopeFrom: session.envelope.mailFrom && session.envelope.mailFrom.address,
						to: parsed.to ? parsed.to.value.map((a) => a.address) : [],
						from: parsed.from ? parsed.from.value.map((a) => a.address) : [],
						subject: parsed.subject ?? '',
						text: parsed.text ?? '',
						headers: Object.fromEntries(parsed.headerLines.map((h) => [h.key, h.line])),
						raw,
						receivedAt: new Date().toISOString(),
					});
					settle();
					callback();
				} catch (error) {
					callback(error);
				}
			});
		},
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, resolve);
	});
	const address = server.server.address();
	return {
		host,
		port: address.port,
		messages,
		/** The examples' SMTP credential, pointed at this server, for startN8n's `credentials`. */
		credential: {
			...SMTP_CREDENTIAL,
			type: 'smtp',
			data: { user: '', password: '', host, port: address.port, secure: false, disableStartTls: true, hostName: 'localhost' },
		},
		/** Resolves with the first `count` messages (all received so far count). */
		waitFor(count, { timeoutMs = 30000 } = {}) {
			return new Promise((resolve, reject) => {
				const waiter = { count, resolve, timer: null };
				waiter.timer = setTimeout(() => {
					waiters.splice(waiters.indexOf(waiter), 1);
					reject(new Error(`mail sink: ${messages.length} of ${count} messages after ${timeoutMs} ms: ${messages.map((m) => `${m.to} "${m.subject}"`).join('; ')}`));
				}, timeoutMs);
				waiters.push(waiter);
				settle();
			});
		},
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

module.exports = { startMailSink, SMTP_CREDENTIAL };
