'use strict';
/**
 * The demo's steps 3-8 (scripts/demo.sh does 1-2). Runs on Node 24 beside n8n.
 *   --install-dir DIR   the n8n install (from scripts/install-n8n.sh)
 *   --exit              stop n8n after the events instead of waiting for Ctrl-C or SIGTERM
 * Without --exit it runs until a signal, terminal or not: an IDE task or `setsid ... </dev/null`
 * keeps its n8n. Every stop prints its reason.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { startN8n } = require('./n8n/n8n-instance');
const { dataTableRows } = require('./n8n/sqlite-read');
const { startMailSink } = require('./n8n/mail-sink');
const { startDemoPlatform } = require('./demo-platform');
const sim = require('../tools/untis-platform-sim/sim.js');

const ROOT = path.join(__dirname, '..');
const SIM_DIR = path.join(ROOT, '.untis-sim');
const arg = (name) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : undefined;
};
const exitAfter = process.argv.includes('--exit');
const readJson = (file) => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));
const OWNER = { email: 'demo@example.com', firstName: 'Demo', lastName: 'Vendor', password: 'Untis-demo-2026' };

let n8n;
let mail;
let platform;
let stopping = false;
// Registered before anything starts: a signal during the set-up ends what has started so far (an
// n8n still starting is ended by its watchdog, scripts/n8n/watchdog.js, when this process exits).
async function stop(reason, code = 0) {
	if (stopping) return;
	stopping = true;
	console.log(`\nStopping n8n (${reason}; only the processes this demo started)...`);
	if (n8n) await n8n.stop();
	if (mail) await mail.close();
	if (platform) await platform.close();
	process.exit(code);
}
process.on('SIGINT', () => stop('received SIGINT', 130));
process.on('SIGTERM', () => stop('received SIGTERM'));
process.on('SIGHUP', () => stop('received SIGHUP: the terminal closed', 129));

async function main() {
	console.log('[3/8] Dev signing key and encryption key (.untis-sim/, reused on re-runs)');
	let publicKeyBase64;
	const privatePath = path.join(SIM_DIR, 'untis-dev-private.pem');
	if (fs.existsSync(privatePath)) {
		publicKeyBase64 = crypto.createPublicKey(fs.readFileSync(privatePath)).export({ type: 'spki', format: 'der' }).toString('base64');
	} else {
		publicKeyBase64 = sim.keygen(SIM_DIR).publicKeyBase64;
	}
	const encryptionKeyFile = path.join(SIM_DIR, 'encryption-key');
	if (!fs.existsSync(encryptionKeyFile)) {
		fs.writeFileSync(encryptionKeyFile, crypto.randomBytes(32).toString('base64'), { mode: 0o600 });
	}
	const encryptionKey = fs.readFileSync(encryptionKeyFile, 'utf8').trim();

	const setup = readJson('examples/create-tenants-table.workflow.json');
	const onboarding = readJson('examples/1-onboarding.workflow.json');
	const deactivation = readJson('examples/2-deactivation.workflow.json');
	const manual = readJson('examples/3-manual-entry.workflow.json');
	// Example 3 ships without a webhookId (the editor gives each import its own); the CLI import needs one.
	manual.nodes[0].webhookId = crypto.randomUUID();
	const use = readJson('examples/4-use-credentials.workflow.json');
	const failureAlert = readJson('examples/7-failure-alert.workflow.json');
	const credentialRef = onboarding.nodes[0].credentials.untisPlatformApi;
	// Examples 3 and 4 reference a Form Login for the form and a Header Auth secret for the
	// sync webhook, which a vendor creates; the demo creates them with fresh secrets on every run.
	const formLoginRef = manual.nodes[0].credentials.untisPlatformFormLoginApi;
	const syncWebhook = use.nodes.find((node) => node.type === 'n8n-nodes-base.webhook');
	const formLogin = { user: 'untis-admin', password: crypto.randomBytes(18).toString('base64url') };
	const syncHeader = { name: 'X-Sync-Token', value: crypto.randomBytes(24).toString('base64url') };
	// Examples 1, 2 and 7 send mail through an SMTP credential the vendor creates; the demo points
	// it at a real SMTP server on loopback that keeps what it receives (printed in step 7).
	mail = await startMailSink();
	// The form checks each entry with the platform: a loopback stand-in of its token endpoint
	// knows one school, and the credential's API Base URL points at it (Custom needs one).
	const formSchool = { tenantId: 'school-1005', clientId: 'BestApp-tenant-school-1005', password: crypto.randomBytes(12).toString('base64url') };
	platform = await startDemoPlatform({ [formSchool.tenantId]: formSchool });
	console.log('[4/8] Starting n8n on SQLite: package installed as a community package, credential and');
	console.log(`      the example workflows imported, all but the table setup published; a loopback SMTP server on port ${mail.port}`);
	n8n = await startN8n({
		installDir: arg('install-dir'),
		packageDir: ROOT,
		credentials: [
			{ ...credentialRef, type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: publicKeyBase64, encryptionKey, apiBaseUrl: platform.apiBase } },
			{ ...formLoginRef, type: 'untisPlatformFormLoginApi', data: formLogin },
			{ ...syncWebhook.credentials.httpHeaderAuth, type: 'httpHeaderAuth', data: syncHeader },
			mail.credential,
		],
		workflows: [setup, onboarding, deactivation, manual, use, failureAlert],
		// The tenants-table example has a Manual Trigger: imported, never published. Example 7 is the
		// Error Workflow of 1 and 2: n8n 2.41 runs it only when it is published.
		activate: [onboarding, deactivation, manual, use, failureAlert].map((workflow) => workflow.id),
	});

	// Data Tables live in n8n's server (the CLI's `execute` has no Data Table module), so the
	// table setup example is run once as a vendor does it: Execute workflow in the editor, here
	// through the editor's REST API, signed in as the owner it sets up (scripts/n8n/editor-run.js).
	await n8n.runInEditor(setup, { owner: OWNER });
	const credentialsUrl = n8n.webhookUrl(`${onboarding.nodes[0].webhookId}/webhook`);
	const deactivationUrl = n8n.webhookUrl(`${deactivation.nodes[0].webhookId}/webhook`);
	console.log(`[5/8] n8n ${n8n.version} is up (webhook live ${n8n.startSeconds.toFixed(1)} s after start); tenants table created`);
	console.log(`      Editor:            ${n8n.baseUrl}  (login ${OWNER.email} / ${OWNER.password})`);
	console.log(`      Tenants table:     the example "${setup.name}" (no webhook, never published) was run`);
	console.log('                         once, as from the editor; on your own n8n, open it and press Execute workflow once');
	console.log(`      Credentials URL:   ${credentialsUrl}`);
	console.log(`      Deactivation URL:  ${deactivationUrl}`);
	const formUrl = n8n.webhookUrl(`${manual.nodes[0].webhookId}/form`);
	console.log(`      Manual entry form: ${formUrl}  (login ${formLogin.user} / ${formLogin.password})`);
	console.log(`                         it checks each entry with the stand-in platform at ${platform.apiBase}, which knows`);
	console.log(`                         tenant ${formSchool.tenantId}, client ID ${formSchool.clientId}, password ${formSchool.password}`);
	console.log(`      Sync webhook:      ${n8n.webhookUrl(syncWebhook.parameters.path)}  (POST with header ${syncHeader.name}: ${syncHeader.value})`);
	console.log('      (in PAM you would enter the public HTTPS form of the first two URLs)');

	console.log('[6/8] Sending one signed event of each type with untis-platform-sim');
	const before = n8n.lastExecutionId();
	const events = [
		['created', 'school-1001'],
		['created', 'school-1002'],
		['reset', 'school-1001'],
		['v1', 'school-1003'],
		['deactivation', 'school-1002'],
		['reactivated', 'school-1002'],
		['deletion', 'school-1003'],
		['legacy', 'school-1004'],
	];
	const privateKey = fs.readFileSync(privatePath, 'utf8');
	const urlFor = (kind) => (['deactivation', 'deletion', 'legacy'].includes(kind) ? deactivationUrl : credentialsUrl);
	for (const [kind, tenant] of events) {
		const body = JSON.stringify(sim.buildPayload(kind, { tenant }));
		const answer = await sim.post(urlFor(kind), body, sim.signRequest(body, privateKey));
		console.log(`      ${kind.padEnd(13)} ${tenant}  -> HTTP ${answer.status} ${answer.body}`);
	}
	const forged = JSON.stringify(sim.buildPayload('created', { tenant: 'school-evil' }));
	const forgedAnswer = await sim.post(credentialsUrl, forged, { ...sim.signRequest(forged, privateKey), Algorithm: 'SHA1withRSA' });
	console.log(`      forged        school-evil  -> HTTP ${forgedAnswer.status} ${forgedAnswer.body}`);

	console.log('      The manual entry form, as a school administrator sends it (German browser):');
	const beforeForm = n8n.lastExecutionId();
	const typed = { ...formSchool, secret: `demo-secret-${crypto.randomBytes(6).toString('hex')}`, host: 'school-1005.webuntis.com', activatorEmail: 'admin@school-1005.example', language: 'Deutsch' };
	for (const [what, values] of [
		['a forgotten host', { ...typed, host: '' }],
		['a mistyped password', { ...typed, password: `${typed.password}-typo` }],
		['the right values', typed],
	]) {
		const answer = await submitForm(formUrl, formLogin, values);
		console.log(`      ${what.padEnd(20)} -> HTTP ${answer.status} ${answer.says}`);
	}

	console.log('[7/8] Executions n8n recorded');
	// Executions finish in any order across the two workflows: wait for all, then list them by id.
	const executions = [
		...(await n8n.waitForExecutions({ workflowId: onboarding.id, count: 5, sinceId: before, timeoutMs: 60000 })),
		...(await n8n.waitForExecutions({ workflowId: deactivation.id, count: 3, sinceId: before, timeoutMs: 60000 })),
	].sort((a, b) => a.id - b.id);
	const formExecutions = await n8n.waitForExecutions({ workflowId: manual.id, count: 1, sinceId: beforeForm, timeoutMs: 60000 });
	for (const execution of executions) {
		const runs = n8n.executionJson(execution.id);
		const [credentials = [], deactivated = []] = runs['Untis Platform Trigger'];
		const item = credentials[0] ?? deactivated[0];
		const output = credentials.length ? 'Credentials ' : 'Deactivation';
		const alert = runs['Alert operations'] ? '  -> alert mailed'
			: runs['Unchanged: no alert'] ? '  -> unchanged, no alert'
			: runs['Already processed: nothing to do'] ? '  -> already processed, nothing done'
			: runs['Superseded: nothing changed'] ? '  -> a later event holds the row, nothing done' : '';
		console.log(`      #${execution.id} ${execution.status.padEnd(7)} ${output} ${item.eventType.padEnd(12)} ${item.tenantId}${alert}`);
	}
	for (const execution of formExecutions) {
		const [[item]] = n8n.executionJson(execution.id)[manual.nodes[0].name];
		console.log(`      #${execution.id} ${execution.status.padEnd(7)} Manual entry ${item.eventType.padEnd(12)} ${item.tenantId}  -> checked with the platform: ${item.form.checkedWithPlatform}`);
	}
	console.log(`      (${executions.length} executions for ${events.length} genuine events, the forged one started none;`);
	console.log(`       ${formExecutions.length} for the form's right entry, the two refused ones started none)`);
	// An execution has ended only once its Send Email nodes had the server's answer: every mail is in.
	console.log(`      Mails the loopback SMTP server received (${mail.messages.length}):`);
	for (const message of mail.messages) console.log(`      to ${message.to.join(', ').padEnd(24)} ${message.subject}`);

	console.log('[8/8] The untis_tenants Data Table (secrets are sealed, never plain text)');
	const rows = dataTableRows(n8n.dbPath, 'untis_tenants', undefined, { orderByTenant: true });
	for (const row of rows) {
		const secret = row.secret ? `${String(row.secret).slice(0, 28)}...` : '';
		console.log(`      ${String(row.tenantId).padEnd(12)} ${String(row.status).padEnd(12)} ${String(row.eventType).padEnd(12)} ${secret}`);
	}

	if (exitAfter) return stop('--exit was given');
	console.log('\nn8n keeps running: open the editor, or send more events, e.g.');
	console.log(`  npm run sim -- send created --url ${credentialsUrl} --tenant school-2001`);
	console.log('Press Ctrl-C (or send SIGTERM) to stop.');
}

/** The form as a browser sends it: the page (for its token) with the login, then the entry. */
async function submitForm(url, login, values) {
	const authorization = `Basic ${Buffer.from(`${login.user}:${login.password}`).toString('base64')}`;
	const headers = { Authorization: authorization, 'Accept-Language': 'de-AT,de;q=0.9,en;q=0.8' };
	const page = await (await fetch(url, { headers })).text();
	const formToken = /name="formToken" value="([^"]+)"/.exec(page)?.[1] ?? '';
	const answer = await fetch(url, {
		method: 'POST',
		headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin' },
		body: new URLSearchParams({ ...values, formToken }).toString(),
	});
	const html = await answer.text();
	// What the person reads first: the summary of what to fix, or the Stored page's sentence.
	const said = /<div class="problem" role="alert"><p>([^<]*)<\/p>/.exec(html)?.[1] ?? /<p class="done">([^<]*)<\/p>/.exec(html)?.[1] ?? '';
	const problems = [...html.matchAll(/<p class="field-problem" id="[^"]+">([^<]*)<\/p>/g)].map((match) => match[1]);
	const unescape = (text) => text.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
	return { status: answer.status, says: unescape([said, ...problems.map((problem) => `\n${' '.repeat(34)}${problem}`)].join('')) };
}

main().catch(async (error) => {
	console.error(`demo failed, stopping: ${error.message}`);
	if (n8n) console.error(`n8n log: ${n8n.logFile}\n${n8n.logTail(15)}`);
	if (n8n) await n8n.stop({ keepUserFolder: true });
	if (mail) await mail.close();
	if (platform) await platform.close();
	process.exit(1);
});
