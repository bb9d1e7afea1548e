'use strict';
/**
 * The sync benchmark (issue 37), on a real n8n 2.41.1 on loopback, against the API stand-in
 * (test/helpers/untisApiMock.cts) serving a dataset per tenant with pages capped at 100:
 *   node bench/sync.js [--schools 50] [--users 1000] [--cap 100] [--changed 0.01]
 *                      [--variants package,http1000,http100] [--store table|none] [--rows record|tenant] [--out bench/results/sync-<size>.json]
 * Each tenant is one school: `users` users (6 % teachers), a class per 25 users, two classes per
 * student, their enrollments, one school year. Per variant, in the same n8n, one after the other:
 * a full sync of every tenant, then (after 1 % of every kind is changed at the stand-in) an
 * incremental sync since the full run's start. Each writes every record into its own Data Table
 * (tenantId, kind, sourcedId, status, dateLastModified, data = the record as JSON), upserting
 * on (tenantId, sourcedId); tenants run one at a time (Loop Over Items).
 * - package:  the Untis Platform node's Get Many (Return All, Page Size 100, Modified Since, Output:
 *             One Item per Page, so the Code node maps pages, as it does HTTP Request's answers).
 * - http1000: what a vendor builds without the package, configured as Untis documents paging:
 *             HTTP Request with n8n's pagination (Update a Parameter: offset = $pageCount * 1000,
 *             limit 1000, complete when a page has fewer than `limit` records), a token per tenant
 *             by HTTP Request, the filter typed in for the incremental run.
 * - http100:  the same with limit 100 (which only works because it happens to equal the cap,
 *             a number Untis does not publish).
 * Reports per run: wall time (the execution's start to stop), API calls (the stand-in's counters),
 * n8n's peak RSS (main process, and the whole process group with its task runner, from /proc
 * every 500 ms, as scripts/n8n/memory-probe.js samples it), and records lost (expected at the
 * stand-in vs stored) and stale (stored with an older dateLastModified).
 * Prints figures and writes JSON; asserts nothing. Run with n8n's Node 24 (npm run bench:sync).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');

const ROOT = path.join(__dirname, '..');
const { startN8n } = require(path.join(ROOT, 'scripts/n8n/n8n-instance'));
const { processGroupMembers } = require(path.join(ROOT, 'scripts/n8n/process-group'));
const { query } = require(path.join(ROOT, 'scripts/n8n/sqlite-read'));
const { arg } = require('./args');

const SCHOOLS = arg('schools', 50);
const USERS = arg('users', 1000);
const CAP = arg('cap', 100);
const CHANGED = arg('changed', 0.01);
const VARIANTS = arg('variants', 'package,http1000,http100').split(',').filter(Boolean);
// --store none: fetch and map every record, but instead of the Data Table upsert one request per
// tenant hands the keys (sourcedId|dateLastModified) to the bench, which counts lost and stale as
// for a table. For the full workload, whose upserts take hours here (BENCHMARKS.md section 4).
const STORE = arg('store', 'table');
// --rows tenant (with --store none): the Code node hands on one item per tenant holding its rows,
// the shape of a store written in one statement per tenant (12-sync-postgres); record (default):
// one item per row, the shape a Data Table upsert needs.
const ROWS = STORE === 'none' ? arg('rows', 'record') : 'record';
const SIZE = `${SCHOOLS}x${USERS}${STORE === 'none' ? '-fetch' : ''}${ROWS === 'tenant' ? '-tenant' : ''}`;
const OUT = arg('out', path.join(ROOT, 'bench', 'results', `sync-${SIZE}.json`));
const RUN_TIMEOUT_MS = arg('timeout', 60) * 60 * 1000;

/** The stand-in is TypeScript: transpiled in memory with the repository's typescript. */
function loadStandIn() {
	const ts = require('typescript');
	const file = path.join(ROOT, 'test/helpers/untisApiMock.cts');
	const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 }, fileName: file });
	const mod = new Module(file, module);
	mod.filename = file;
	mod.paths = Module._nodeModulePaths(path.dirname(file));
	mod._compile(outputText, file);
	return mod.exports;
}

const KINDS = [
	{ name: 'Orgs', resource: 'org', path: '/orgs', envelope: 'orgs', of: (d) => d.schools },
	{ name: 'Sessions', resource: 'academicSession', path: '/academicSessions', envelope: 'academicSessions', of: (d) => d.academicSessions },
	{ name: 'Classes', resource: 'class', path: '/classes', envelope: 'classes', of: (d) => d.classes },
	{ name: 'Users', resource: 'user', path: '/users', envelope: 'users', of: (d) => d.users },
	{ name: 'Enrollments', resource: 'enrollment', path: '/enrollments', envelope: 'enrollments', of: (d) => d.enrollments },
];
const LOOP = 'Loop Over Items';
const current = (field) => `$('${LOOP}').first().json.${field}`;
let nodeN = 0;
const node = (prefix, name, type, typeVersion, parameters, extra = {}) => ({
	id: `${prefix}-0000-4000-8000-${String(++nodeN).padStart(12, '0')}`, name, type, typeVersion, position: [nodeN * 200, 0], parameters, ...extra,
});

/** The rows of one tenant from the fetch nodes' outputs (records, or pages with an envelope array). */
const ROWS_CODE = `const tenantId = ${current('tenantId')};
const rows = [];
for (const kind of ${JSON.stringify(KINDS.map((k) => k.name))}) {
	for (const item of $(kind).all()) {
		const page = Array.isArray(Object.values(item.json).find(Array.isArray)) && !item.json.sourcedId ? Object.values(item.json).find(Array.isArray) : [item.json];
		for (const r of page) {
			if (!r || !r.sourcedId) continue;
			rows.push({ json: { tenantId, kind, sourcedId: r.sourcedId, status: r.status || '', dateLastModified: r.dateLastModified || '', data: JSON.stringify(r) } });
		}
	}
}
${ROWS === 'tenant' ? 'return [{ json: { tenantId, rows: rows.map((row) => row.json) } }];' : 'return rows.length ? rows : [{ json: { none: true } }];'}`;

/** Webhook → tenants → one tenant at a time: fetch every kind, map to rows, upsert, next. */
function syncWorkflow(variant, table, fetchNodes, prefix, tenants, sinkUrl) {
	nodeN = 0;
	const hook = node(prefix, 'Webhook', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path: `bench-sync-${variant}`, responseMode: 'onReceived', options: {} }, { webhookId: `${prefix}-0000-4000-8000-0000000be000` });
	const list = node(prefix, 'Tenants', 'n8n-nodes-base.code', 2, { jsCode: `const since = $('Webhook').first().json.body.since || '';\nreturn ${JSON.stringify(tenants)}.map((t) => ({ json: { ...t, since } }));` });
	const loop = node(prefix, LOOP, 'n8n-nodes-base.splitInBatches', 3, { batchSize: 1, options: {} });
	const rows = node(prefix, 'Rows', 'n8n-nodes-base.code', 2, { jsCode: ROWS_CODE });
	const any = node(prefix, 'No rows?', 'n8n-nodes-base.if', 2.2, {
		conditions: {
			options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
			conditions: [{ id: `${prefix}-c1`, leftValue: '={{ $json.none === true }}', rightValue: '', operator: { type: 'boolean', operation: 'true', singleValue: true } }],
			combinator: 'and',
		},
		options: {},
	});
	const upsert = STORE === 'none' ? node(prefix, 'Upsert', 'n8n-nodes-base.httpRequest', 4.2, {
		method: 'POST', url: `${sinkUrl}/${variant}`, sendBody: true, contentType: 'raw', rawContentType: 'application/json',
		body: "={{ JSON.stringify({ tenantId: " + current('tenantId') + ", keys: ($json.rows ? $json.rows : $input.all().map((i) => i.json)).filter((r) => r.sourcedId).map((r) => r.sourcedId + '|' + r.dateLastModified) }) }}", options: {},
	}, { executeOnce: true }) : node(prefix, 'Upsert', 'n8n-nodes-base.dataTable', 1.1, {
		resource: 'row', operation: 'upsert', dataTableId: { __rl: true, mode: 'name', value: table }, matchType: 'allConditions',
		filters: { conditions: [{ keyName: 'tenantId', condition: 'eq', keyValue: '={{ $json.tenantId }}' }, { keyName: 'sourcedId', condition: 'eq', keyValue: '={{ $json.sourcedId }}' }] },
		columns: { mappingMode: 'autoMapInputData', value: {}, matchingColumns: [], schema: [] }, options: {},
	});
	const next = node(prefix, 'Next tenant', 'n8n-nodes-base.code', 2, { jsCode: 'return [{ json: {} }];' }, { executeOnce: true });
	const done = node(prefix, 'Done', 'n8n-nodes-base.noOp', 1, {});
	const fetches = fetchNodes(prefix);
	const chain = [hook, list, loop];
	const connections = {
		Webhook: { main: [[{ node: 'Tenants', type: 'main', index: 0 }]] },
		Tenants: { main: [[{ node: LOOP, type: 'main', index: 0 }]] },
		[LOOP]: { main: [[{ node: 'Done', type: 'main', index: 0 }], [{ node: fetches[0].name, type: 'main', index: 0 }]] },
		// --store none needs no branch: the hand-over skips the 'none' item.
		Rows: { main: [[{ node: STORE === 'none' ? 'Upsert' : 'No rows?', type: 'main', index: 0 }]] },
		...(STORE === 'none' ? {} : { 'No rows?': { main: [[{ node: 'Next tenant', type: 'main', index: 0 }], [{ node: 'Upsert', type: 'main', index: 0 }]] } }),
		Upsert: { main: [[{ node: 'Next tenant', type: 'main', index: 0 }]] },
		'Next tenant': { main: [[{ node: LOOP, type: 'main', index: 0 }]] },
	};
	fetches.forEach((f, i) => (connections[f.name] = { main: [[{ node: fetches[i + 1]?.name ?? 'Rows', type: 'main', index: 0 }]] }));
	return { id: `benchSync${variant}`.slice(0, 20).padEnd(16, '0'), name: `Bench: sync (${variant})`, nodes: [...chain, ...fetches, rows, ...(STORE === 'none' ? [] : [any]), upsert, next, done], connections, settings: { executionOrder: 'v1' } };
}

const credentialRef = { id: 'benchSyncCred0001', name: 'Untis (sync bench)' };
const once = { executeOnce: true, alwaysOutputData: true };

/** (a) The package: a Get Many per kind, Return All, Page Size 100, Modified Since from the run's input, One Item per Page. */
const packageNodes = (prefix) =>
	KINDS.map((kind) =>
		node(prefix, kind.name, 'n8n-nodes-untis-platform.untisPlatform', 1.1, {
			resource: kind.resource, operation: 'getMany', tenantId: `={{ ${current('tenantId')} }}`, clientId: `={{ ${current('clientId')} }}`, password: `={{ ${current('password')} }}`,
			tenantStatus: 'active', apiHost: 'credential', returnAll: true, options: { pageSize: 100, modifiedSince: `={{ ${current('since')} }}`, output: 'pages' },
		}, { ...once, credentials: { untisPlatformApi: credentialRef } }),
	);

/** (b) HTTP Request: a token per tenant, then n8n's offset pagination as documented, `limit` per page. */
const httpNodes = (apiBase, limit) => (prefix) => [
	node(prefix, 'Token', 'n8n-nodes-base.httpRequest', 4.2, {
		method: 'POST', url: `=${apiBase}/WebUntis/api/sso/v3/{{ ${current('tenantId')} }}/token`,
		sendHeaders: true, headerParameters: { parameters: [{ name: 'Authorization', value: `={{ 'Basic ' + ${current('basic')} }}` }] },
		sendBody: true, contentType: 'form-urlencoded', bodyParameters: { parameters: [{ name: 'grant_type', value: 'client_credentials' }] }, options: {},
	}, { executeOnce: true }),
	...KINDS.map((kind) =>
		node(prefix, kind.name, 'n8n-nodes-base.httpRequest', 4.2, {
			method: 'GET', url: `${apiBase}/ims/oneroster/v1p1${kind.path}`,
			sendHeaders: true, headerParameters: { parameters: [{ name: 'Authorization', value: "={{ 'Bearer ' + $('Token').first().json.access_token }}" }] },
			sendQuery: true, specifyQuery: 'json',
			jsonQuery: `={{ JSON.stringify(${current('since')} ? { limit: ${limit}, filter: "dateLastModified>'" + ${current('since')} + "'" } : { limit: ${limit} }) }}`,
			options: {
				pagination: {
					pagination: {
						paginationMode: 'updateAParameterInEachRequest',
						parameters: { parameters: [{ type: 'qs', name: 'offset', value: `={{ $pageCount * ${limit} }}` }] },
						paginationCompleteWhen: 'other',
						completeExpression: `={{ $response.body.${kind.envelope}.length < ${limit} }}`,
					},
				},
			},
		}, once),
	),
];

function tableSetup(tables) {
	nodeN = 0;
	const start = node('b5000000', 'Start', 'n8n-nodes-base.manualTrigger', 1, {});
	const creates = tables.map((t) => node('b5000000', `Create ${t}`, 'n8n-nodes-base.dataTable', 1.1, {
		resource: 'table', operation: 'create', tableName: t,
		columns: { column: ['tenantId', 'kind', 'sourcedId', 'status', 'dateLastModified', 'data'].map((name) => ({ name, type: 'string' })) }, options: { createIfNotExists: true },
	}, { executeOnce: true }));
	const connections = { Start: { main: [[{ node: creates[0].name, type: 'main', index: 0 }]] } };
	creates.forEach((c, i) => creates[i + 1] && (connections[c.name] = { main: [[{ node: creates[i + 1].name, type: 'main', index: 0 }]] }));
	return { id: 'benchSyncTables01', name: 'Bench: sync tables', nodes: [start, ...creates], connections };
}

/** RSS of the main n8n process and of its whole process group (task runner included), in bytes. */
function rssOf(pgid) {
	let main = 0;
	let group = 0;
	for (const { pid } of processGroupMembers(pgid)) {
		try {
			const kb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
			group += kb * 1024;
			if (/\bn8n\b.*\bstart\b/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '))) main = Math.max(main, kb * 1024);
		} catch {
			// gone meanwhile
		}
	}
	return { main, group };
}

async function main() {
	const { startUntisApiMock, makeSchoolDataset } = loadStandIn();
	const api = await startUntisApiMock(() => false);
	api.maxPageSize = CAP;
	api.recordCalls = false;
	const tenants = [];
	for (let i = 1; i <= SCHOOLS; i++) {
		const tenantId = `bench-${String(i).padStart(3, '0')}`;
		const password = `pw-${i}-${Math.random().toString(36).slice(2)}`;
		api.setTenantDataset(tenantId, makeSchoolDataset({ seed: i, usersPerSchool: USERS, teachersPerSchool: Math.max(1, Math.round(USERS * 0.06)), classesPerSchool: Math.max(1, Math.round(USERS / 25)), classesPerStudent: 2, weeks: 0 }));
		api.setTenantPassword(tenantId, password);
		tenants.push({ tenantId, clientId: `client-${i}`, password, tenantStatus: 'active', basic: Buffer.from(`client-${i}:${password}`).toString('base64') });
	}
	const expectedCount = () => tenants.reduce((n, t) => n + KINDS.reduce((m, k) => m + k.of(api.datasetOf(t.tenantId)).length, 0), 0);
	console.log(`stand-in: ${SCHOOLS} tenants x ${USERS} users, ${expectedCount()} records, pages capped at ${CAP}`);

	const defs = {
		// No name contains another: n8n 2.41.1's Data Table node finds a table "by name" with
		// LIKE '%name%' (the most recently updated match), so bench_x_100 would find bench_x_1000.
		package: { table: 'bench_sync_a_package', nodes: packageNodes, prefix: 'b5000001', label: 'package: Get Many, Return All, One Item per Page' },
		http1000: { table: 'bench_sync_b_limit1000', nodes: httpNodes(api.apiBase, 1000), prefix: 'b5000002', label: 'HTTP Request pagination, limit 1000 (Untis rule)' },
		http100: { table: 'bench_sync_c_limit100', nodes: httpNodes(api.apiBase, 100), prefix: 'b5000003', label: 'HTTP Request pagination, limit 100 (= the cap)' },
	};
	const crypto = require('node:crypto');
	const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
	// The sink of --store none: the keys each variant's run handed over, per tenant (the last run wins).
	const sunk = {};
	const sink = require('node:http').createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			const { tenantId, keys } = JSON.parse(body);
			const v = req.url.slice(1);
			(sunk[v] = sunk[v] ?? new Map()).set(tenantId, keys);
			res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
		});
	});
	await new Promise((r) => sink.listen(0, '127.0.0.1', r));
	const sinkUrl = `http://127.0.0.1:${sink.address().port}`;
	const workflows = VARIANTS.map((v) => ({ v, wf: syncWorkflow(v, defs[v].table, defs[v].nodes, defs[v].prefix, tenants, sinkUrl) }));
	const setup = tableSetup(VARIANTS.map((v) => defs[v].table));
	const t0 = Date.now();
	const n8n = await startN8n({
		packageDir: ROOT,
		credentials: [{ ...credentialRef, type: 'untisPlatformApi', data: { environment: 'custom', publicKeys: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), encryptionKey: crypto.randomBytes(32).toString('base64'), apiBaseUrl: api.apiBase } }],
		workflows: [setup, ...workflows.map((w) => w.wf)],
		activate: workflows.map((w) => w.wf.id),
		tmpDir: fs.mkdtempSync(path.join(os.tmpdir(), 'untis-sync-bench-')),
	});
	console.log(`n8n ${n8n.version} up in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
	const results = [];
	try {
		await n8n.runInEditor(setup, { timeoutMs: 120000 });
		const tableId = (name) => query(n8n.dbPath, 'SELECT id FROM data_table WHERE name = ?', [name])[0].id;

		const kept = Object.fromEntries(VARIANTS.map((v) => [v, new Map()]));
		async function run(v, phase, since) {
			const { wf } = workflows.find((w) => w.v === v);
			api.resetCounters();
			const sinceId = n8n.lastExecutionId();
			let peak = { main: 0, group: 0 };
			const sampler = setInterval(() => {
				const r = rssOf(n8n.pid);
				peak = { main: Math.max(peak.main, r.main), group: Math.max(peak.group, r.group) };
			}, 500);
			const started = Date.now();
			const answer = await n8n.post(`bench-sync-${v}`, { since });
			if (answer.status !== 200) throw new Error(`${v}: webhook answered ${answer.status} ${answer.text}`);
			const [execution] = await n8n.waitForExecutions({ workflowId: wf.id, count: 1, sinceId, timeoutMs: RUN_TIMEOUT_MS });
			clearInterval(sampler);
			const benchMs = Date.now() - started;
			const wallMs = Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt);
			const record = n8n.executionRecord(execution.id);
			const error = execution.status === 'success' ? undefined : record.error?.message;
			// Where the time went: each node's executionTime summed over its runs (fetch, rows, upsert ...).
			const nodeSeconds = {};
			for (const [name, runs] of Object.entries(record.data?.resultData?.runData ?? {})) nodeSeconds[name] = Math.round(runs.reduce((t, r) => t + (r.executionTime ?? 0), 0) / 100) / 10;
			const counters = api.callsByTenant();
			const calls = Object.values(counters).reduce((acc, c) => ({ token: acc.token + c.token, data: acc.data + c.data }), { token: 0, data: 0 });
			// Stored vs expected: every record of every tenant, by (tenantId, sourcedId), and its dateLastModified.
			const stored = new Map();
			if (STORE === 'none') {
				// As a table would hold them: what this run handed over on top of what earlier runs did.
				for (const [tenantId, keys] of sunk[v] ?? []) for (const key of keys) { const bar = key.lastIndexOf('|'); kept[v].set(`${tenantId}\u0000${key.slice(0, bar)}`, key.slice(bar + 1)); }
				sunk[v] = new Map();
				for (const [k, at] of kept[v]) stored.set(k, at);
			} else for (const row of query(n8n.dbPath, `SELECT tenantId, sourcedId, dateLastModified FROM data_table_user_${tableId(defs[v].table)}`)) stored.set(`${row.tenantId}\u0000${row.sourcedId}`, row.dateLastModified);
			let expected = 0;
			let lost = 0;
			let stale = 0;
			for (const t of tenants) {
				for (const kind of KINDS) {
					for (const r of kind.of(api.datasetOf(t.tenantId))) {
						expected++;
						const at = stored.get(`${t.tenantId}\u0000${r.sourcedId}`);
						if (at === undefined) lost++;
						else if (at !== r.dateLastModified) stale++;
					}
				}
			}
			const result = { variant: v, label: defs[v].label, phase, status: execution.status, error, wallSeconds: wallMs / 1000, benchSeconds: benchMs / 1000, calls, expected, stored: stored.size, lost, stale, nodeSeconds, peakRssMiB: { main: Math.round(peak.main / 1048576), group: Math.round(peak.group / 1048576) } };
			console.log(JSON.stringify(result));
			results.push(result);
			return started;
		}

		// Warm-up, not counted: each workflow once, asking for changes since a time to come (nothing
		// comes back), so that the task runner, the nodes and the tables are warm for every variant.
		for (const v of VARIANTS) {
			const { wf } = workflows.find((w) => w.v === v);
			const sinceId = n8n.lastExecutionId();
			await n8n.post(`bench-sync-${v}`, { since: '2999-01-01T00:00:00.000Z' });
			await n8n.waitForExecutions({ workflowId: wf.id, count: 1, sinceId, timeoutMs: RUN_TIMEOUT_MS });
		}
		const starts = {};
		for (const v of VARIANTS) starts[v] = new Date(await run(v, 'full', '')).toISOString();
		// 1 % of every kind changed at the stand-in (at least one record per kind and tenant), after every full run.
		await new Promise((r) => setTimeout(r, 1100));
		let changes = 0;
		for (const t of tenants) {
			const data = api.datasetOf(t.tenantId);
			for (const [kind, list] of [['schools', data.schools], ['classes', data.classes], ['students', data.students], ['teachers', data.teachers], ['enrollments', data.enrollments]]) {
				const n = Math.max(1, Math.round(list.length * CHANGED));
				const step = Math.max(1, Math.floor(list.length / n));
				for (let i = 0; i < n; i++) {
					api.changeRecord(t.tenantId, kind, list[(i * step) % list.length].sourcedId, { changedBy: 'bench' });
					changes++;
				}
			}
		}
		console.log(`changed ${changes} records (${((100 * changes) / expectedCount()).toFixed(2)} %)`);
		for (const v of VARIANTS) await run(v, 'incremental', starts[v]);
	} finally {
		const log = path.join(ROOT, 'bench', 'results', `sync-${SIZE}-n8n.log`);
		fs.mkdirSync(path.dirname(log), { recursive: true });
		fs.writeFileSync(log, n8n.logText().split('\n').slice(-400).join('\n'));
		await n8n.stop();
		await api.close();
		sink.close();
	}
	const report = { date: new Date().toISOString(), machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`, node: process.version, n8n: n8n.version, schools: SCHOOLS, users: USERS, cap: CAP, changed: CHANGED, store: STORE, results };
	fs.mkdirSync(path.dirname(OUT), { recursive: true });
	fs.writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
	console.log(`written ${path.relative(ROOT, OUT)}`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
