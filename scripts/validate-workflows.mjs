// Validates every GitHub Actions workflow in .github/workflows against the workflow schema
// (@action-validator), so a broken ci.yml or publish.yml fails `npm test` here, not on GitHub.
// Usage: node scripts/validate-workflows.mjs [file.yml ...]   (default: every workflow file)
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(dirname(createRequire(import.meta.url).resolve('@action-validator/cli/package.json')), 'cli.mjs');
const dir = join(root, '.github', 'workflows');
const files = process.argv.length > 2
	? process.argv.slice(2)
	: readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f));
if (files.length === 0) {
	console.error(`no workflow files in ${dir}`);
	process.exit(1);
}
let failed = 0;
for (const file of files) {
	try {
		execFileSync(process.execPath, [cli, file], { stdio: ['ignore', 'pipe', 'pipe'] });
		console.log(`valid: ${file}`);
	} catch (error) {
		failed++;
		console.error(`INVALID: ${file}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
	}
}
process.exit(failed ? 1 : 0);
