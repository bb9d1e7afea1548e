import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * `npm run demo` as a new user starts it from an IDE task or `nohup`: no terminal on stdin. It
 * runs the whole demo, keeps n8n running, and stops only on a signal, saying why. `--help`
 * prints its help and starts nothing.
 */
const ROOT = join(__dirname, '../..');
const DEMO = join(ROOT, 'scripts/demo.sh');
const STAY_UP_MS = 10_000;

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

test('--help prints the help and starts nothing (no build, no n8n)', () => {
	const started = Date.now();
	const run = spawnSync('bash', [DEMO, '--help'], { encoding: 'utf8', timeout: 20_000 });
	expect(run.status).toBe(0);
	expect(run.stdout).toMatch(/^Usage: npm run demo/);
	expect(run.stdout).toContain('--exit');
	expect(run.stdout).not.toContain('[1/8]');
	expect(Date.now() - started).toBeLessThan(5_000);
	const unknown = spawnSync('bash', [DEMO, '--bogus'], { encoding: 'utf8', timeout: 20_000 });
	expect(unknown.status).toBe(2);
	expect(unknown.stderr).toContain("unknown option '--bogus'");
});

test('without a terminal it keeps n8n running until SIGTERM, then stops n8n and says why', async () => {
	// setsid: its own session and process group, stdin /dev/null, as `setsid npm run demo </dev/null`.
	const child = spawn('setsid', ['bash', DEMO], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
	const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
	try {
		const deadline = Date.now() + 12 * 60_000;
		while (!out.includes('Press Ctrl-C') && Date.now() < deadline && child.exitCode === null) {
			await new Promise((r) => setTimeout(r, 500));
		}
		expect(out).toContain('Press Ctrl-C');
		// The form's happy path (issue 38): its stand-in platform accepts the right entry, and the
		// person reads that it was checked; a forgotten host and a mistyped password start nothing.
		expect(out).toMatch(/a forgotten host +-> HTTP 400 Bitte korrigieren Sie die unten markierte Angabe\. Es wurde nichts gespeichert\.\n +Host fehlt/);
		expect(out).toMatch(/a mistyped password +-> HTTP 400 Die Untis Platform hat Tenant „school-1005“ mit dieser Client-ID und diesem Passwort abgelehnt/);
		expect(out).toMatch(/the right values +-> HTTP 200 Die Untis Platform hat die Zugangsdaten von Tenant school-1005 eben akzeptiert/);
		expect(out).toMatch(/#\d+ success Manual entry MANUAL +school-1005 +-> checked with the platform: true/);
		expect(out).toMatch(/1 for the form's right entry, the two refused ones started none/);
		expect(out).toMatch(/school-1005 +active +MANUAL +sealed:v2:/);
		const editor = /Editor:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
		expect(editor).toBeDefined();
		// Still up a while later, with stdin at end of file: n8n answers its health check.
		await new Promise((r) => setTimeout(r, STAY_UP_MS));
		expect(child.exitCode).toBeNull();
		expect((await fetch(`${editor}/healthz`)).status).toBe(200);

		process.kill(-child.pid!, 'SIGTERM');
		expect(await exited).toBe(0);
		expect(out).toContain('Stopping n8n (received SIGTERM; only the processes this demo started)');
		await expect(fetch(`${editor}/healthz`)).rejects.toThrow();
	} finally {
		if (child.pid && alive(child.pid)) process.kill(-child.pid, 'SIGKILL');
	}
});
