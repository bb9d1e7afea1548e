/**
 * docs/sealed-format.md's unseal snippets in the languages other than Node, run as written:
 * Python (cryptography), Java and PHP (openssl). `npm run test:snippets` installs the runtimes
 * first (scripts/install-snippet-runtimes.sh); a runtime still missing fails its test, never skips
 * it. The Node snippet runs in the unit suite (test/unit/sealing.test.cts), where Node is enough.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { check, keys, snippet, stdin } from '../helpers/unsealSnippets.cjs';

const install = 'npm run test:snippets installs it (scripts/install-snippet-runtimes.sh)';
/** Throws, naming what is missing, when `command args` does not run. */
function requireRuntime(what: string, command: string, args: string[]) {
	const run = spawnSync(command, args, { encoding: 'utf8' });
	if (run.error !== undefined || run.status !== 0) {
		throw new Error(`${what} is missing (${command} ${args.join(' ')}: ${run.error?.message ?? run.stderr.trim()}): ${install}`);
	}
}

describe('docs/sealed-format.md unseal snippets, other languages', () => {
	let dir: string;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'unseal-snippets-'));
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('Python', () => {
		requireRuntime("Python's cryptography", 'python3', ['-c', 'import cryptography']);
		const driver = `
import sys
for line in sys.stdin.read().split("\\n"):
    if not line:
        continue
    sealed, tenant_id, field = line.split("\\t")
    try:
        print("+" + base64.b64encode(unseal(sealed, sys.argv[1:], tenant_id, field).encode("utf-8")).decode())
    except Exception as error:
        print("!" + (str(error) or type(error).__name__))
`;
		check(execFileSync('python3', ['-c', snippet('python') + driver, ...keys], { input: stdin }).toString('utf8'));
	});

	it('Java', () => {
		requireRuntime('javac', 'javac', ['-version']);
		requireRuntime('java', 'java', ['-version']);
		writeFileSync(join(dir, 'Unseal.java'), snippet('java'));
		writeFileSync(
			join(dir, 'Main.java'),
			`import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
public class Main {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<String> keys = Arrays.asList(args);
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isEmpty()) continue;
            String[] c = line.split("\\t", -1);
            try {
                System.out.println("+" + Base64.getEncoder().encodeToString(Unseal.unseal(c[0], keys, c[1], c[2]).getBytes(StandardCharsets.UTF_8)));
            } catch (Exception error) {
                System.out.println("!" + error);
            }
        }
    }
}
`,
		);
		execFileSync('javac', ['-encoding', 'UTF-8', '-d', dir, join(dir, 'Unseal.java'), join(dir, 'Main.java')]);
		check(execFileSync('java', ['-Dfile.encoding=UTF-8', '-cp', dir, 'Main', ...keys], { input: stdin }).toString('utf8'));
	});

	it('PHP', () => {
		requireRuntime('php with openssl', 'php', ['-r', 'exit(extension_loaded("openssl") ? 0 : 1);']);
		const driver = `
$keys = array_slice($argv, 1);
foreach (explode("\\n", stream_get_contents(STDIN)) as $line) {
    if ($line === '') continue;
    [$sealed, $tenantId, $field] = explode("\\t", $line);
    try {
        echo '+' . base64_encode(unseal($sealed, $keys, $tenantId, $field)) . "\\n";
    } catch (Throwable $error) {
        echo '!', $error->getMessage(), "\\n";
    }
}
`;
		writeFileSync(join(dir, 'unseal.php'), snippet('php') + driver);
		check(execFileSync('php', [join(dir, 'unseal.php'), ...keys], { input: stdin }).toString('utf8'));
	});
});
