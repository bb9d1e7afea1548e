'use strict';
/*
 * Builds an earlier release of the package from its commit, for the upgrade test.
 *
 *   const { buildRelease } = require('./scripts/n8n/release-build');
 *   const old = buildRelease('1.0.0');   // -> { version, commit, dir, remove() }: dir holds that commit's tree, built
 *
 * The release commit is the one that first set package.json's version to it (`git log -S`). Its
 * tree goes into <repo>/.e2e/release-<version>/ and is built with this checkout's tsc and gulp:
 * the folder sits under the repo, so Node's module lookup finds the current node_modules without
 * a second install. 1.0.0's devDependencies are today's minus two test-only ones (mailparser,
 * smtp-server), and the dist/ built this way was byte-identical to one built after its own
 * `npm ci` (checked 2026-12-02: 4 min 20 s for that npm ci here, 5 s for this build).
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const REPO = path.resolve(__dirname, '..', '..');
const git = (args) => execFileSync('git', args, { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

function releaseCommit(version) {
  const commits = git(['log', '--reverse', '--format=%H', `-S"version": "${version}"`, '--', 'package.json']).split('\n').filter(Boolean);
  if (!commits.length) throw new Error(`no commit in git log sets package.json's version to ${version} (a shallow clone?)`);
  return commits[0];
}

function buildRelease(version) {
  const commit = releaseCommit(version);
  const dir = path.join(REPO, '.e2e', `release-${version}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const archive = path.join(REPO, '.e2e', `release-${version}.tar`);
  // Only what the build and the upgrade test read (no tests: no second copy for jest or the linter to find).
  git(['archive', '--output', archive, commit, '--', 'package.json', 'tsconfig.json', 'gulpfile.js', 'index.js', 'credentials', 'nodes', 'examples', 'README.md', 'LICENSE', 'CHANGELOG.md']);
  execFileSync('tar', ['-xf', archive, '-C', dir]);
  fs.rmSync(archive);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (manifest.version !== version) throw new Error(`${commit} has version ${manifest.version}, not ${version}`);
  const bin = (p) => path.join(REPO, 'node_modules', p);
  const opts = { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] };
  execFileSync(process.execPath, [bin('typescript/bin/tsc'), '-p', 'tsconfig.json'], opts);
  execFileSync(process.execPath, [bin('gulp/bin/gulp.js'), 'build:icons'], opts);
  return { version, commit, dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

module.exports = { buildRelease, releaseCommit };
