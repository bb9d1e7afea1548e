'use strict';
// Installs a community-node package into an n8n user folder the way n8n 2.x's own installer
// does it (packages/cli .../community-packages.service.ts, downloadPackage), only from a local
// folder instead of the registry:
//   1. `npm pack` the package folder (honours its "files" field, like a publish would);
//   2. unpack the tarball into <userFolder>/.n8n/nodes/node_modules/<name>;
//   3. drop devDependencies, peerDependencies, optionalDependencies from that package.json;
//   4. `npm install` inside that folder with n8n's flags (no scripts, no lockfile, no bin links);
//   5. record { name: version } in <userFolder>/.n8n/nodes/package.json (n8n's "ledger").
// n8n itself then finds it at start by globbing nodes/node_modules/n8n-nodes-* .
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

function npm(args, cwd) {
  return execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_loglevel: 'error' },
  });
}

/** Throws early if the package lacks the files its "n8n" field lists (not built yet). */
function assertBuilt(packageDir) {
  const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  if (!pkg.n8n) throw new Error(`${packageDir}/package.json has no "n8n" field`);
  const listed = [...(pkg.n8n.nodes || []), ...(pkg.n8n.credentials || [])];
  const missing = listed.filter((f) => !fs.existsSync(path.join(packageDir, f)));
  if (missing.length) {
    throw new Error(`package ${pkg.name} is not built, missing: ${missing.join(', ')} (run npm run build)`);
  }
  return pkg;
}

/**
 * @param {{packageDir: string, userFolder: string}} opts
 * @returns {{name: string, version: string, installDir: string, tarball: string}}
 */
function installCommunityPackage({ packageDir, userFolder }) {
  packageDir = path.resolve(packageDir);
  assertBuilt(packageDir);
  const nodesDir = path.join(userFolder, '.n8n', 'nodes');
  fs.mkdirSync(path.join(nodesDir, 'node_modules'), { recursive: true });

  const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-pack-'));
  try {
    const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], packageDir));
    const { name, version, filename } = packed[0];
    if (!/^(@[a-z0-9-~][a-z0-9-._~]*\/)?n8n-nodes-/.test(name)) {
      throw new Error(`n8n only loads packages named n8n-nodes-* or @scope/n8n-nodes-*, got ${name}`);
    }
    const tarball = path.join(packDir, path.basename(filename));
    const installDir = path.join(nodesDir, 'node_modules', name);
    fs.rmSync(installDir, { recursive: true, force: true });
    fs.mkdirSync(installDir, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', installDir, '--strip-components=1']);

    const pkgPath = path.join(installDir, 'package.json');
    const { devDependencies, peerDependencies, optionalDependencies, ...pkg } = JSON.parse(
      fs.readFileSync(pkgPath, 'utf8'),
    );
    fs.writeFileSync(pkgPath, JSON.stringify(pkg, null, 2));
    npm(
      [
        'install',
        '--audit=false',
        '--fund=false',
        '--bin-links=false',
        '--install-strategy=shallow',
        '--ignore-scripts=true',
        '--package-lock=false',
        '--omit=dev',
      ],
      installDir,
    );

    const ledgerPath = path.join(nodesDir, 'package.json');
    let ledger = { name: 'installed-nodes', private: true, dependencies: {} };
    if (fs.existsSync(ledgerPath)) ledger = JSON.parse(fs.readFileSync(ledgerPath, 'utf8'));
    ledger.dependencies = { ...(ledger.dependencies || {}), [name]: version };
    fs.writeFileSync(ledgerPath, JSON.stringify(ledger, null, 2));
    return { name, version, installDir, tarball: path.basename(filename) };
  } finally {
    fs.rmSync(packDir, { recursive: true, force: true });
  }
}

module.exports = { installCommunityPackage, assertBuilt };
