import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What a vendor downloads and what n8n's verification checks: the npm tarball, the licence, the
 * changelog, the release guard and the GitHub workflows that publish with provenance.
 */
const root = join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe('the npm tarball', () => {
	const files: string[] = (
		JSON.parse(
			execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }),
		) as Array<{ files: Array<{ path: string }> }>
	)[0].files.map((file) => file.path);

	it('holds dist/, index.js, package.json, README.md, LICENSE and CHANGELOG.md, and nothing else', () => {
		expect(files.filter((file) => !file.startsWith('dist/')).sort()).toEqual(
			['CHANGELOG.md', 'LICENSE', 'README.md', 'index.js', 'package.json'].sort(),
		);
	});

	it('ships the built nodes and credential that package.json registers, and no tests, docs or bench data', () => {
		for (const entry of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(files).toContain(entry);
		expect(files.filter((file) => /(^|\/)(test|docs|bench|examples|scripts|tools)\//.test(file))).toEqual([]);
		expect(files.filter((file) => !/\.(js|d\.ts|js\.map|svg|json)$/.test(file) && file.startsWith('dist/'))).toEqual([]);
	});
});

describe('licence and changelog', () => {
	it('is MIT with the copyright holder named as in package.json', () => {
		expect(pkg.license).toBe('MIT');
		const licence = read('LICENSE');
		expect(licence).toMatch(/^MIT License/);
		expect(licence).toContain(`Copyright (c) 2026 ${pkg.author.name}`);
	});

	it('keeps a changelog in the Keep a Changelog form, with an entry for the current version', () => {
		const changelog = read('CHANGELOG.md');
		expect(changelog).toContain('https://keepachangelog.com/');
		expect(changelog).toContain('## [Unreleased]');
		expect(changelog).toMatch(new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'));
	});
});

describe('the release path', () => {
	it('stops a hand-run npm publish: prepublishOnly fails outside the release command', () => {
		expect(pkg.scripts.prepublishOnly).toBe('n8n-node prerelease');
		const env = { ...process.env };
		delete env.RELEASE_MODE;
		const run = spawnSync('npx', ['n8n-node', 'prerelease'], { cwd: root, env, encoding: 'utf8' });
		expect(run.status).not.toBe(0);
		expect(run.stdout + run.stderr).toContain('run release');
	});

	it('publishes from GitHub Actions on a version tag, with an OIDC token for provenance, after the tests', () => {
		const publish = read('.github/workflows/publish.yml');
		expect(publish).toMatch(/on:\s*\n\s*push:\s*\n\s*tags:/);
		expect(publish).toMatch(/id-token: write/);
		expect(publish).toMatch(/needs: test/);
		expect(publish).toMatch(/run: npm test/);
		expect(publish).toMatch(/npm run release/);
		expect(pkg.scripts.release).toBe('n8n-node release');
	});

	it('tests every push and pull request on Node 20 and 22 at least', () => {
		const ci = read('.github/workflows/ci.yml');
		expect(ci).toMatch(/on:\s*\n\s*push:\s*\n\s*pull_request:/);
		expect(ci).toMatch(/node: \[[^\]]*'20'[^\]]*'22'[^\]]*\]/);
		expect(ci).toMatch(/run: npm ci/);
		expect(ci).toMatch(/run: npm test/);
	});

	it('pins every action by its full commit SHA, with the release tag in a comment (second review, item 6)', () => {
		const uses = ['ci.yml', 'publish.yml'].flatMap((file) =>
			read(`.github/workflows/${file}`)
				.split('\n')
				.filter((line) => /^\s*(- )?uses:/.test(line))
				.map((line) => line.trim().replace(/^- /, '')),
		);
		expect(uses.length).toBeGreaterThanOrEqual(6);
		expect(uses.filter((line) => !/^uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/.test(line))).toEqual([]);
	});

	it('validates the workflow files against the schema, and refuses a broken one', () => {
		const validate = (...files: string[]) =>
			spawnSync(process.execPath, [join(root, 'scripts/validate-workflows.mjs'), ...files], { encoding: 'utf8' });
		expect(validate().status).toBe(0);
		expect(readdirSync(join(root, '.github/workflows')).sort()).toEqual(['ci.yml', 'publish.yml']);
		const broken = join(mkdtempSync(join(tmpdir(), 'wf-')), 'broken.yml');
		writeFileSync(broken, read('.github/workflows/ci.yml').replace('runs-on:', 'runs_on:'));
		const result = validate(broken);
		expect(result.status).toBe(1);
		expect(result.stderr).toContain('INVALID');
	});
});

describe('a standalone repository', () => {
	it('no script, test, bench or CI file reads the sibling shared folder beside the checkout', () => {
		// The pattern is assembled so this file does not name the path it looks for.
		const sibling = ['\\.\\.', 'shared'].join('/');
		const run = spawnSync('git', ['grep', '-l', '-e', sibling, '--', 'scripts', 'test', 'bench', '.ci', 'package.json', 'tools'], {
			cwd: root,
			encoding: 'utf8',
		});
		expect(run.stdout.split('\n').filter(Boolean)).toEqual([]);
	});
});

describe('the codex files', () => {
	it("declare no subcategories and no 'AI' category (the community lint's no-codex-subcategories and no-ai-codex-category)", () => {
		for (const file of ['UntisPlatformTrigger.node.json', 'UntisPlatform.node.json', 'UntisPlatformManualEntryTrigger.node.json', 'UntisPlatformCalendarTrigger.node.json']) {
			const codex = JSON.parse(read(`nodes/UntisPlatform/${file}`));
			expect(codex.subcategories).toBeUndefined();
			expect(codex.categories).not.toContain('AI');
			const type = file.replace('.node.json', '');
			expect(codex.node).toBe(`${pkg.name}.${type[0].toLowerCase()}${type.slice(1)}`);
		}
	});
});
