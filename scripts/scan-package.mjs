#!/usr/bin/env node
// Runs @n8n/scan-community-package's static analysis offline: the same ESLint config it applies
// to the attested source (nodes/, credentials/, package.json) and to the published tarball's
// JavaScript. Its provenance and download steps need npm's network and a published version, so
// they are left out; this packs the package locally instead.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const work = mkdtempSync(join(tmpdir(), 'untis-scan-'));
try {
	execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
	const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'));
	const unpacked = join(work, 'package');
	execFileSync('tar', ['-xzf', join(work, tarball), '-C', work]);

	const results = [
		['source', await analyzePackage(root, SOURCE_FILE_PATTERNS)],
		['tarball', await analyzePackage(unpacked, ['**/*.js', 'package.json'])],
	];
	let failed = false;
	for (const [what, result] of results) {
		console.log(`${result.passed ? 'passed' : 'FAILED'}: scan of the ${what}${result.message ? ` (${result.message})` : ''}`);
		if (result.details) console.log(result.details);
		failed ||= !result.passed;
	}
	process.exitCode = failed ? 1 : 0;
} finally {
	rmSync(work, { recursive: true, force: true });
}
