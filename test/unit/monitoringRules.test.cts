import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The alert rules of monitoring/ under `promtool test rules` (Debian's prometheus package;
 * scripts/monitoring/install-prometheus.sh installs it when missing). The cases are in
 * monitoring/untis-platform.rules.test.yml; this test also checks that they can fail.
 */
const ROOT = join(__dirname, '../..');
const MONITORING = join(ROOT, 'monitoring');

function promtool(): string {
	const out = execFileSync(join(ROOT, 'scripts/monitoring/install-prometheus.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
	const line = out.split('\n').find((l) => l.startsWith('PROMTOOL='));
	if (!line) throw new Error(`install-prometheus.sh printed no PROMTOOL= line: ${out}`);
	return line.slice('PROMTOOL='.length);
}

function testRules(dir: string) {
	return spawnSync(promtool(), ['test', 'rules', 'untis-platform.rules.test.yml'], { cwd: dir, encoding: 'utf8' });
}

describe('the alert rules (promtool test rules)', () => {
	it('the rule file is valid', () => {
		const check = spawnSync(promtool(), ['check', 'rules', join(MONITORING, 'untis-platform.rules.yml')], { encoding: 'utf8' });
		expect(check.stdout + check.stderr).toMatch(/SUCCESS: 4 rules found/);
		expect(check.status).toBe(0);
	});

	it('fire and stay quiet as monitoring/untis-platform.rules.test.yml says', () => {
		const run = testRules(MONITORING);
		expect(run.stdout + run.stderr).toMatch(/SUCCESS/);
		expect(run.status).toBe(0);
	});

	it.each([
		['a forged-request threshold ten times higher', /\) > 50\n/, ') > 500\n', /UntisPlatformForgedRequests/],
		['a broken proxy that needs 20 minutes', /for: 10m/, 'for: 20m', /UntisPlatformDeliveriesRefused/],
		['no memory of earlier 200s', /\n\s+and on \(workflow_id, webhook_path\)\n[\s\S]*?\)\n\s+for: 10m/, '\n        for: 10m', /UntisPlatformDeliveriesRefused/],
		["form logins without the form's 429s", /status_code=~"401\|429"/, 'status_code="401"', /UntisPlatformFormLoginsFailing/],
		['500s of every webhook', /webhook_path=~"\.\+\/\(webhook\|form\)", status_code="500"/, 'status_code="500"', /UntisPlatformTriggerFailing/],
	])('fail for a weakened rule: %s', (_name, from, to, failing) => {
		const dir = mkdtempSync(join(tmpdir(), 'untis-rules-'));
		cpSync(MONITORING, dir, { recursive: true });
		const file = join(dir, 'untis-platform.rules.yml');
		const original = readFileSync(file, 'utf8');
		const weakened = original.replace(from, to);
		expect(weakened).not.toBe(original);
		writeFileSync(file, weakened);
		const run = testRules(dir);
		expect(run.status).not.toBe(0);
		expect(run.stdout + run.stderr).toMatch(failing);
	});
});
