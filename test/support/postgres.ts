/** Debian's PostgreSQL binaries (the queue-mode suite's database, and the secret scan that reads it). */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function postgresBin(name: string): string {
	const root = '/usr/lib/postgresql';
	const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
	for (const version of versions) {
		const bin = join(root, version, 'bin', name);
		if (existsSync(bin)) return bin;
	}
	throw new Error(`PostgreSQL's ${name} not found under ${root}: scripts/ensure-system-deps.sh installs postgresql`);
}
