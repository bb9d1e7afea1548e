import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Which files under `dir` (recursively, as bytes: SQLite pages, WAL, logs) hold each needle: the
 * search for plaintext secrets in n8n's user folder that the example suites end with.
 */
export function filesContaining(dir: string, needles: string[]): Map<string, string[]> {
	const found = new Map<string, string[]>();
	const walk = (folder: string) => {
		for (const entry of readdirSync(folder, { withFileTypes: true })) {
			const file = join(folder, entry.name);
			if (entry.isDirectory()) {
				// The installed package's own files hold no school data.
				if (entry.name !== 'node_modules') walk(file);
				continue;
			}
			if (!entry.isFile()) continue;
			const bytes = readFileSync(file);
			for (const needle of needles) if (bytes.includes(needle)) found.set(needle, [...(found.get(needle) ?? []), file]);
		}
	};
	walk(dir);
	return found;
}
